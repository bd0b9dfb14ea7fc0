"""Numbers the way Indonesian official documents print them."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def skor(value: Decimal | int | str | None, places: int = 2) -> str:
    """85.5 → "85,50"; None → "—". Display only: published scores are already rounded."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    quantum = Decimal(1).scaleb(-int(places))
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


@register.filter
def angka(value: Decimal | int | str | None) -> str:
    """A Decimal without trailing zeros and with a decimal comma: 33.3300 → "33,33"."""
    if value is None or value == "":
        return "—"
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@register.filter
def tepat(value: Decimal | int | str | None, places: int = 6) -> str:
    """An exact score for reading: at most `places` decimals, "…" when it goes on."""
    if value is None or value == "":
        return "—"
    text = angka(value)
    whole, _, decimals = text.partition(",")
    if len(decimals) > int(places):
        return f"{whole},{decimals[: int(places)]}…"
    return text


# A number the scoring trace wrote with a decimal point (no thousands grouping), not part of
# a code such as "A1.2" or "1.2.3".
_TRACE_NUMBER = re.compile(r"(?<![\w.])(\d+)\.(\d+)(?![\w.])")


@register.filter
def rumus(formula: str) -> str:
    """A trace formula with Indonesian decimal commas: "(75 + 67.5) / 2 = 71.25" →
    "(75 + 67,5) / 2 = 71,25". A dot is the thousands separator in Indonesian, so a point left
    in would read as 675 to the people who sign the decree."""
    return _TRACE_NUMBER.sub(r"\1,\2", formula or "")
