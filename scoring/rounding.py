"""Every rounding rule of the product, named here and only here.

Scores are computed exactly (`scoring.formulas`); a figure is rounded only when it is
published, compared for a predikat, or shown. Each function states which rule it applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

from scoring.rules import DecisionBasis, PredicateRounding
from scoring.structures import BandSpec

# Own context: rounding must not depend on the caller's precision.
_CONTEXT = Context(prec=60)
_TWO_PLACES = Decimal("0.01")
_WHOLE = Decimal(1)
_SIX_PLACES = Decimal("0.000001")
_HALF = Decimal("0.5")
# A mean such as 255.375 / 3 leaves division noise ~35 places down (e.g. 85.12499…9 for the
# exact 85.125). Every input has ≤ 4 decimals and denominators are small counts, so an exact
# score never lies within 1e-20 of a rounding boundary without being on it: settling to 20
# places first makes the published figure that of the exact rational value.
_SETTLE = Decimal("1e-20")


def settle(score: Decimal) -> Decimal:
    """`score` without its division noise: half-even to 20 decimal places."""
    return score.quantize(_SETTLE, rounding=ROUND_HALF_EVEN, context=_CONTEXT)


def publish(score: Decimal) -> Decimal:
    """The published score: two decimals, half up (85.125 → 85.13; 85.124 → 85.12).

    This is the figure that is ranked, printed in the decree and compared with the bands.
    """
    return settle(score).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP, context=_CONTEXT)


def decisive(score: Decimal, basis: DecisionBasis) -> Decimal:
    """The figure of `score` that ranks, ties, shortlists and bands: the published score
    (`publish`) or, for a set that decides on the exact score, the exact score without its
    division noise (`settle`)."""
    if basis == DecisionBasis.EXACT:
        return settle(score)
    return publish(score)


def shown_exact(score: Decimal) -> Decimal:
    """An exact score for a message: at most six decimals (half even), no trailing zeros."""
    six = settle(score).quantize(_SIX_PLACES, rounding=ROUND_HALF_EVEN, context=_CONTEXT)
    shown = six.normalize(_CONTEXT)
    if shown.as_tuple().exponent > 0:  # type: ignore[operator]  # 1E+2: keep it whole
        shown = shown.quantize(_WHOLE, context=_CONTEXT)
    return shown


def round_for_predicate(
    score: Decimal, rule: PredicateRounding, basis: DecisionBasis = DecisionBasis.PUBLISHED
) -> Decimal:
    """`score` as the set's predikat rule reads it.

    Bands read the published two-decimal score, never the exact one, so that the predikat
    always agrees with the score printed next to it in the decree (a printed 85,50 is never
    "Baik" in Banggai, nor a printed 85,00 "sangat kuat" in Tegal). This is the digest's
    decision ("Which figure decides") recorded in the shipped sets; a set whose basis is
    `exact` reads the exact score instead.

    `none`: the score itself. `half_up_integer`: the score rounded half up to a whole number
    (Perbup Banggai 49/2022 Pasal 19 prints whole-number ranges; decision: 30.4 → 30, Kurang
    Sekali; 30.5 → 31, Kurang; 85.49 → 85, Baik; 85.5 → 86, Baik Sekali).
    """
    compared = decisive(score, basis)
    if rule == PredicateRounding.HALF_UP_INTEGER:
        return compared.quantize(_WHOLE, rounding=ROUND_HALF_UP, context=_CONTEXT)
    return compared


def in_band(score: Decimal, band: BandSpec) -> bool:
    """Whether `score` lies within the band's bounds (None = unbounded on that side)."""
    if band.lower is not None and (
        score < band.lower or (score == band.lower and not band.lower_inclusive)
    ):
        return False
    return band.upper is None or not (
        score > band.upper or (score == band.upper and not band.upper_inclusive)
    )


def predicate_for(
    score: Decimal,
    rounding: PredicateRounding,
    bands: Sequence[BandSpec],
    basis: DecisionBasis = DecisionBasis.PUBLISHED,
) -> str:
    """The label of the first band holding the score after `rounding`; "" when none does.

    Perbup Tegal 30/2016 Pasal 8 reads as: > 85 sangat kuat; > 75 to ≤ 85 kuat; > 55 to ≤ 75
    sedang; > 40 to ≤ 55 lemah; ≤ 40 sangat lemah (decision: exactly 40 is sangat lemah).
    """
    compared = round_for_predicate(score, rounding, basis)
    for band in bands:
        if in_band(compared, band):
            return band.label
    return ""


class BandEdges:
    """Where the exact score may fall in another band than its published figure, so that a
    ranking need not compare both for every participant.

    An exact score and its published figure lie at most 0.005 apart. With `none`, a band
    bound of at most two decimals separates them only when the published figure is that
    bound; with `half_up_integer`, their whole numbers differ only when the published figure
    ends in ,50 (85,50 → 86, while an exact 85.496 → 85). A bound with more decimals makes
    every score worth comparing.
    """

    __slots__ = ("bounds", "halves")

    def __init__(self, rule: PredicateRounding, bands: Sequence[BandSpec]) -> None:
        self.halves = rule == PredicateRounding.HALF_UP_INTEGER
        bounds = {b for band in bands for b in (band.lower, band.upper) if b is not None}
        exact = all(b == b.quantize(_TWO_PLACES, context=_CONTEXT) for b in bounds)
        self.bounds: frozenset[Decimal] | None = frozenset(bounds) if exact else None

    def near(self, published: Decimal) -> bool:
        """Whether a score published as `published` may band otherwise when read exactly."""
        if self.halves:
            return abs(published % _WHOLE) == _HALF
        return self.bounds is None or published in self.bounds
