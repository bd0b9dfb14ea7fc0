"""The vocabulary of scoring rules an instrument set can name, and the one rule every entered
number obeys (`ValueRange`).

Instrument sets store these values; the engine (`scoring.engine`) gives each one its meaning.
The score workbook, its import and the database-sums fast path read the same vocabulary and
the same range rule, so none of them can disagree with the engine about what a value is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class IndicatorKind(StrEnum):
    CHOICE = "choice"  # the chosen option's score
    YES_NO = "yes_no"  # a choice between options `ya` and `tidak`
    SCORE = "score"  # a number within [min, max], whole numbers when integer_only
    PERCENTAGE = "percentage"  # a percentage within [min, max]
    # parts weighted by params["parts"]; with params["years"] each part is entered once a year
    # (`year_part`) and read as the mean of its years
    PERCENTAGE_PAIR = "percentage_pair"
    # count / highest count among participants × max; params["recorded"] names parts entered
    # and shown beside the count, never scored
    COUNT_NORMALISED = "count_normalised"
    CAPAIAN = "capaian"  # parts target/realisasi, params["polarity"]
    TEXT = "text"  # free text, never scored
    FILE = "file"  # a file only (data dukung, e.g. the Camat's presentation), never scored


# Kinds that never take a score: what the kecamatan writes or hands in for the team to read.
UNSCORED_KINDS = frozenset({IndicatorKind.TEXT, IndicatorKind.FILE})


# A choice's value is an option code; its score is that option's score.
CHOICE_KINDS = frozenset({IndicatorKind.CHOICE, IndicatorKind.YES_NO})
# The kinds whose score is the value itself (a choice's value being its option's score): an
# aspect of them can be scored from the sum of its values (`scoring.structures.StageSums`).
SUMMABLE_KINDS = frozenset(
    {IndicatorKind.SCORE, IndicatorKind.PERCENTAGE, IndicatorKind.CHOICE, IndicatorKind.YES_NO}
)


class EnteredBy(StrEnum):
    TEAM = "team"  # each team member enters their own value
    KECAMATAN = "kecamatan"  # the kecamatan enters one value (self-assessment, "mandiri")


class AspectCombine(StrEnum):
    WEIGHTED_SUM = "weighted_sum"  # Σ score × weight / 100
    SUM = "sum"
    MEAN = "mean"


class MemberCombine(StrEnum):
    MEAN_OF_MEMBER_TOTALS = "mean_of_member_totals"  # each member's total, then the mean
    SUM_OF_ASPECT_MEANS = "sum_of_aspect_means"  # each aspect's mean over members, then combined


class FinalCombine(StrEnum):
    SINGLE_STAGE = "single_stage"  # the only (last) stage's score
    MEAN_OF_STAGES = "mean_of_stages"
    WEIGHTED_STAGES = "weighted_stages"  # Σ stage score × stage weight / 100


class PredicateRounding(StrEnum):
    NONE = "none"  # bands compare the published two-decimal score
    HALF_UP_INTEGER = "half_up_integer"  # round the published score half up to a whole number


class AbsenceKind(StrEnum):
    """Why a seated member takes no part in one kecamatan's stage, as Tapem records it."""

    ABSENT = "absent"  # tidak hadir
    RECUSED = "recused"  # mengundurkan diri (e.g. a conflict of interest with the kecamatan)


class DecisionBasis(StrEnum):
    """Which figure ranks, ties, shortlists and bands. No regulation prescribes rounding; the
    digest's decision for every region ("Which figure decides") is the published score, so
    that what the decree prints is what decided. Every set declares it."""

    PUBLISHED = "published"  # the published two-decimal score (half up)
    EXACT = "exact"  # the exact score


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


CAPAIAN_PARTS = ("target", "realisasi")


def year_part(name: str, year: int) -> str:
    """The cell of part `name` for the `year`-th year (1-based) of a multi-year part:
    "fisik_1", "fisik_2"."""
    return f"{name}_{year}"


def split_year_part(part: str) -> tuple[str, int | None]:
    """("fisik", 2) for "fisik_2"; (part, None) for a part without a year."""
    name, _, year = part.rpartition("_")
    if name and year.isdigit():
        return name, int(year)
    return part, None


KECAMATAN_ASSESSOR = "mandiri"  # how the score workbook names values entered by the kecamatan


class Refusal(StrEnum):
    """Why `ValueRange` refuses a number."""

    BELOW = "below"  # under the lowest value allowed
    ABOVE = "above"  # over the highest value allowed
    FRACTION = "fraction"  # a fraction where whole numbers are required


@dataclass(frozen=True)
class ValueRange:
    """What an entered number must be: within [low, high] (None: open on that side), and
    whole when `integer_only`. Nothing is clamped: a number outside is refused.

    Panduan Pekalongan 2017, mekanisme A.5 and A.6: values are whole numbers, and a part of
    the proposal never exceeds that part's maximum; every set's minimum and maximum are read
    the same way. The engine checks values with `check`, the score import with `refusal`,
    and the database-sums fast path writes `tests()` as SQL.
    """

    low: Decimal | None = None
    high: Decimal | None = None
    integer_only: bool = False

    def tests(self) -> tuple[tuple[Refusal, Decimal | None], ...]:
        """The refusals that can apply, each with its bound, in the order they are checked."""
        tests: list[tuple[Refusal, Decimal | None]] = []
        if self.low is not None:
            tests.append((Refusal.BELOW, self.low))
        if self.high is not None:
            tests.append((Refusal.ABOVE, self.high))
        if self.integer_only:
            tests.append((Refusal.FRACTION, None))
        return tuple(tests)

    def refusal(self, value: Decimal) -> Refusal | None:
        """Why `value` is refused; None when it is accepted."""
        if self.low is not None and value < self.low:
            return Refusal.BELOW
        if self.high is not None and value > self.high:
            return Refusal.ABOVE
        if self.integer_only and value != value.to_integral_value():
            return Refusal.FRACTION
        return None

    def check(self, value: Decimal) -> Decimal:
        """`value` itself; `ValueError` (in Indonesian) when it is refused."""
        refused = self.refusal(value)
        if refused is None:
            return value
        if refused == Refusal.BELOW:
            raise ValueError(f"nilai {value} di bawah batas {self.low}")
        if refused == Refusal.ABOVE:
            raise ValueError(f"nilai {value} di atas batas {self.high}")
        raise ValueError(f"nilai {value} harus bilangan bulat")
