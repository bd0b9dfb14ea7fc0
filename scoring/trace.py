"""The worked arithmetic a result carries ("80 × 35% + 70 × 30% = 49"), and names and numbers
as the traces and messages print them.

Traces write hundreds of thousands of formulas at national scale: the common shapes are
rendered with as little work as possible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from operator import add

from scoring.rules import AspectCombine
from scoring.structures import Participant

TIMES = "\u00d7"  # multiplication sign, as the regulations print it
_FOUR = Decimal("0.0001")


def plain(value: Decimal) -> str:
    """A number for a trace: no exponent, no trailing zeros, at most 4 decimals ("…" when
    more were cut). The common shapes are read off `str(value)` directly."""
    text = str(value)
    dot = text.find(".")
    if "E" not in text:
        if dot < 0:
            return text
        if len(text) - dot <= 5:
            return text.rstrip("0").rstrip(".")
    shown = value.quantize(_FOUR)
    return _trim(format(shown, "f")) + ("" if shown == value else "…")


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def kecamatan_name(participant: Participant) -> str:
    """ "Kecamatan Luwuk" (a name that already says "Kecamatan" is kept as it is)."""
    name = participant.name
    return name if name.lower().startswith("kecamatan") else f"Kecamatan {name}"


class Template:
    """The worked arithmetic of one way of combining scores, e.g. "80 × 35% + 70 × 30% = 49"
    or "(A1 80 + A2 70) / 2 = 75", with its constant pieces (labels, weights) rendered once."""

    __slots__ = ("after", "before", "close", "open")

    def __init__(
        self, method: AspectCombine, weights: Sequence[Decimal | None], labels: Sequence[str] = ()
    ) -> None:
        self.before = tuple(f"{label} " for label in labels)
        self.after = tuple(
            f" {TIMES} {plain(w)}%" if method == AspectCombine.WEIGHTED_SUM else ""  # type: ignore[arg-type]
            for w in weights
        )
        mean = method == AspectCombine.MEAN
        self.open = "(" if mean else ""
        self.close = f") / {len(weights)}" if mean else ""

    def render(self, scores: Iterable[Decimal], result: Decimal) -> str:
        terms = map(add, map(plain, scores), self.after)
        if self.before:
            terms = map(add, self.before, terms)
        return f"{self.open}{' + '.join(terms)}{self.close} = {plain(result)}"


def mean_formula(values: Sequence[Decimal], result: Decimal) -> str:
    """ "(80 + 70) / 2 = 75"; a single value is its own mean."""
    if len(values) == 1:
        return plain(result)
    return f"({' + '.join(map(plain, values))}) / {len(values)} = {plain(result)}"
