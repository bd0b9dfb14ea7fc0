"""The vocabulary of scoring rules an instrument set can name.

Instrument sets store these values; `scoring.engine` gives each one its meaning.
"""

from enum import StrEnum


class IndicatorKind(StrEnum):
    CHOICE = "choice"  # the chosen option's score
    YES_NO = "yes_no"  # a choice between options `ya` and `tidak`
    SCORE = "score"  # a number within [min, max], whole numbers when integer_only
    PERCENTAGE = "percentage"  # a percentage within [min, max]
    PERCENTAGE_PAIR = "percentage_pair"  # parts weighted by params["parts"]
    COUNT_NORMALISED = "count_normalised"  # count / highest count among participants × max
    CAPAIAN = "capaian"  # parts target/realisasi, params["polarity"]
    TEXT = "text"  # free text, never scored


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


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


CAPAIAN_PARTS = ("target", "realisasi")
KECAMATAN_ASSESSOR = "mandiri"  # how the score workbook names values entered by the kecamatan
