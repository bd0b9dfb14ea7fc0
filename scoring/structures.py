"""Plain data in and out of the scoring engine.

Selectors build the `*Spec` and `Entry` objects from the database; the engine returns
`Ranking`. Nothing here knows about Django. Every `Decimal` is exact: rounding happens only
in `scoring.rounding`, where each rule is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from scoring.messages import Message
from scoring.rules import (
    CAPAIAN_PARTS,
    CHOICE_KINDS,
    UNSCORED_KINDS,
    AbsenceKind,
    AspectCombine,
    DecisionBasis,
    EnteredBy,
    FinalCombine,
    IndicatorKind,
    MemberCombine,
    Polarity,
    PredicateRounding,
    ValueRange,
    year_part,
)

_NOT_NEGATIVE = Decimal(0)

_T = TypeVar("_T")


def assemble(cls: type[_T], **values: Any) -> _T:
    """`cls(**values)` for a frozen dataclass, built by filling its __dict__.

    A frozen dataclass's __init__ sets each field through object.__setattr__; at national
    scale (millions of entries, hundreds of thousands of results) that doubles the cost.
    The caller must name every field: `tests/scoring/test_structures.py` checks that each
    class built this way has exactly the fields its builders pass.
    """
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


# ---------------------------------------------------------------- instrument (input)


@dataclass(frozen=True)
class OptionSpec:
    code: str
    label: str
    score: Decimal


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    kind: IndicatorKind
    entered_by: EnteredBy = EnteredBy.TEAM
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    integer_only: bool = False
    weight: Decimal | None = None  # used when the aspect combines by weighted sum
    # percentage_pair: each part's name and weight in %, e.g. (("fisik", 50), ("keuangan", 50))
    parts: tuple[tuple[str, Decimal], ...] = ()
    polarity: Polarity | None = None  # capaian only
    options: tuple[OptionSpec, ...] = ()
    # percentage_pair: each part is entered for this many years (cells "fisik_1", "fisik_2",
    # `rules.year_part`) and read as the mean of its years; 1: one cell per part ("fisik").
    years: int = 1
    # count_normalised: parts entered and shown beside the count, never scored (Tegal: the
    # number of partner institutions beside the number of programs).
    recorded: tuple[str, ...] = ()
    # How people read each part, by part name ("fisik": "Realisasi fisik"); names otherwise.
    part_labels: tuple[tuple[str, str], ...] = ()
    # Entered and shown, never scored (Banggai stage 1: the Indikator Kinerja Utama with
    # target and realisasi that prove an aspect the Penilai Kinerja Mandiri scores).
    informational: bool = False
    # A team indicator the kecamatan also answers on its own sheet, as the team's starting
    # point (Pekalongan component 1); the kecamatan's answer never counts.
    answered_by_kecamatan: bool = False

    @property
    def scored(self) -> bool:
        return self.kind not in UNSCORED_KINDS and not self.informational

    @property
    def cells(self) -> tuple[tuple[str, ValueRange | None], ...]:
        """The values the indicator takes, by part ("" for a single value), each with the
        range an entered number must lie in; None for a choice (its value is an option
        code). Empty for a free-text indicator. The scored cells (`scored_cells`) come
        first, then the recorded ones: quantities, never negative, whole when the
        indicator's values are.
        """
        recorded = ValueRange(_NOT_NEGATIVE, None, self.integer_only)
        return self.scored_cells + tuple((name, recorded) for name in self.recorded)

    @property
    def scored_cells(self) -> tuple[tuple[str, ValueRange | None], ...]:
        """The cells the score is computed from (see `cells`).

        A percentage_pair's parts are percentages on the indicator's own scale (the part
        weights sum to 100), one cell per part and year when `years` > 1; a capaian's
        target and realisasi, and a count, are quantities: never negative, with no maximum
        (a count's maximum is the score the highest count receives).
        """
        kind = self.kind
        if kind in UNSCORED_KINDS:
            return ()
        if kind in CHOICE_KINDS:
            return (("", None),)
        own = ValueRange(self.min_value, self.max_value, self.integer_only)
        if kind == IndicatorKind.PERCENTAGE_PAIR:
            if self.years > 1:
                return tuple(
                    (year_part(name, year), own)
                    for name, _ in self.parts
                    for year in range(1, self.years + 1)
                )
            return tuple((name, own) for name, _ in self.parts)
        quantity = ValueRange(_NOT_NEGATIVE, None, self.integer_only)
        if kind == IndicatorKind.CAPAIAN:
            return tuple((part, quantity) for part in CAPAIAN_PARTS)
        if kind == IndicatorKind.COUNT_NORMALISED:
            return (("", quantity),)
        return (("", own),)


@dataclass(frozen=True)
class AspectSpec:
    code: str
    name: str
    combine: AspectCombine
    max_score: Decimal
    weight: Decimal | None = None  # used when the stage combines aspects by weighted sum
    counts_toward_total: bool = True  # False: a tie-break-only aspect (indikator penunjang)
    indicators: tuple[IndicatorSpec, ...] = ()


@dataclass(frozen=True)
class StageSpec:
    code: str
    name: str
    member_combine: MemberCombine
    aspect_combine: AspectCombine
    max_score: Decimal
    weight: Decimal | None = None  # used when the final combines stages by weight
    shortlist_size: int | None = None  # only the top N of this stage go on to later stages
    aspects: tuple[AspectSpec, ...] = ()


@dataclass(frozen=True)
class BandSpec:
    label: str
    lower: Decimal | None
    lower_inclusive: bool
    upper: Decimal | None
    upper_inclusive: bool


@dataclass(frozen=True)
class TieBreakSpec:
    stage_code: str
    aspect_code: str
    indicator_code: str | None = None  # None: the aspect's score
    higher_wins: bool = True
    label: str = ""


@dataclass(frozen=True)
class AwardSpec:
    rank: int
    label: str


@dataclass(frozen=True)
class InstrumentSpec:
    name: str
    final_combine: FinalCombine
    stages: tuple[StageSpec, ...]
    predicate_rounding: PredicateRounding = PredicateRounding.NONE
    bands: tuple[BandSpec, ...] = ()
    tie_breaks: tuple[TieBreakSpec, ...] = ()
    awards: tuple[AwardSpec, ...] = ()
    award_for_others: str = ""
    warnings: tuple[str, ...] = ()  # validation warnings carried onto every ranking
    # The figure that ranks, ties, shortlists and bands (see DecisionBasis).
    decision_basis: DecisionBasis = DecisionBasis.PUBLISHED


# ---------------------------------------------------------------- entries (input)


@dataclass(frozen=True)
class Participant:
    key: str  # kecamatan slug
    name: str
    disqualified: bool = False
    disqualification_reason: str = ""


@dataclass(frozen=True)
class Entry:
    """One value as entered: by a team member (`assessor`) or by the kecamatan (None)."""

    stage_code: str
    participant_key: str
    aspect_code: str
    indicator_code: str
    assessor: str | None
    part: str = ""  # "" for single-value kinds; "fisik", "target", … for multi-part kinds
    value: Decimal | None = None
    option_code: str | None = None


@dataclass(frozen=True)
class Absence:
    """Tapem's record that a seated member takes no part in one kecamatan's stage.

    Digest, "Rules for every region" (Perbup Banggai 49/2022: JA, Jumlah Anggota; Pasal
    10(3), 12(4), 14(7): every weighting meeting "dihadiri oleh semua anggota"): a stage
    score exists only once every seated member has completed their sheet for the kecamatan
    or is recorded here; the mean then divides by the members who took part, and the result
    names the absent ones and why.
    """

    stage_code: str
    participant_key: str
    assessor: str
    kind: AbsenceKind
    reason: str
    recorded_by: str  # who recorded it (Tapem)
    recorded_at: datetime


@dataclass(frozen=True)
class ExpectedMembers:
    """The members of a stage's team who score one kecamatan, where Tapem assigned fewer
    than the whole team (by default every seated member scores every kecamatan). The others
    are not expected there: never missing, never in its means, their values ignored."""

    stage_code: str
    participant_key: str
    assessors: tuple[str, ...]


@dataclass(frozen=True)
class TieDecision:
    """The Tim's order for kecamatan whose final scores tie after the set's tie-breaks, as
    Tapem records it.

    Digest, "Ties at an award" (Kep. Wali Kota Bekasi 067/Kep.294-Tapem/VIII/2022 Lampiran I
    II.5 gives the Tim that discretion; Perbup Banggai 49/2022 Pasal 22(2) sends a single
    Terbaik I to the province): a tie that would hand out different awards withholds them
    until the Tim decides. A decision orders the tie it names while the tied kecamatan still
    have the scores it was taken on (`scores`: each kecamatan's score as the set's basis
    reads it, `scoring.rounding.decisive`, e.g. the published 85.50); once the tie or a score
    changes, it lapses and is ignored with a warning.
    """

    order: tuple[str, ...]  # participant keys (kecamatan slugs), the higher first
    reason: str
    meeting: str  # the meeting that decided, e.g. "Rapat Penetapan Pemenang, 25 Agustus 2022"
    scores: tuple[tuple[str, Decimal], ...]  # (participant key, score) when it was decided
    recorded_by: str = ""
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class SumColumn:
    """What one position of `SheetSums.counts` and `.totals` adds up: the values of one
    aspect's indicators weighted `weight` (a weighted-sum aspect has one column per distinct
    indicator weight; None for a sum or mean aspect, which has one column)."""

    aspect_code: str
    weight: Decimal | None = None


@dataclass(frozen=True)
class SheetSums:
    """One sheet's values added up per column: `counts[i]` values add up to `totals[i]`.

    The sheet of a team member (`assessor`), or of the kecamatan (None) in a stage the
    kecamatan scores alone.
    """

    participant_key: str
    assessor: str | None
    counts: tuple[int, ...]
    totals: tuple[Decimal, ...]


@dataclass(frozen=True)
class StageSums:
    """Values of one stage added up before scoring (by the database), aspect by aspect.

    For rankings without the per-indicator trace (`compute_ranking(trace=False)`) only. Each
    column's aspect has scored indicators that are all score, percentage, choice or yes/no
    (a choice's value being its option's score), all entered by the side that fills the
    stage's sheets (a team member; the kecamatan in a stage it scores alone), and read by no
    tie-break indicator by indicator; the columns of an aspect cover all its indicators. A
    sheet listed here takes these aspects from its sums, not from entries. The caller
    vouches that every value summed is one the engine accepts for its indicator (within
    range, whole where required, an option's score): the engine cannot see them.
    """

    stage_code: str
    columns: tuple[SumColumn, ...]
    sheets: tuple[SheetSums, ...]


@dataclass(frozen=True)
class ScoringInput:
    instrument: InstrumentSpec
    participants: tuple[Participant, ...]
    teams: tuple[tuple[str, tuple[str, ...]], ...]  # (stage code, member usernames)
    entries: tuple[Entry, ...]
    # Values given added up instead of as entries (trace=False only); see StageSums.
    sums: tuple[StageSums, ...] = ()
    # The caller's own warnings about the input (e.g. values it left out), carried onto the
    # ranking after the instrument's.
    warnings: tuple[Message, ...] = ()
    # Members recorded absent or recused for a kecamatan's stage (see Absence).
    absences: tuple[Absence, ...] = ()
    # The Tim's decisions on ties the tie-breaks leave (see TieDecision).
    tie_decisions: tuple[TieDecision, ...] = ()
    # Kecamatan scored by part of a stage's team only (see ExpectedMembers).
    expected: tuple[ExpectedMembers, ...] = ()


# ---------------------------------------------------------------- results (output)


class ResultStatus(StrEnum):
    RANKED = "ranked"
    DISQUALIFIED = "disqualified"
    NOT_SHORTLISTED = "not_shortlisted"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class IndicatorResult:
    """An indicator's score for one member (or for the kecamatan) and the entries behind it."""

    code: str
    name: str
    score: Decimal | None
    entries: tuple[Entry, ...] = ()
    formula: str = ""  # the worked arithmetic, e.g. "80 × 50% + 90 × 50% = 85"
    note: str = ""  # why a value could not be scored, e.g. a capaian with target 0


@dataclass(frozen=True)
class AspectResult:
    code: str
    name: str
    weight: Decimal | None
    score: Decimal | None
    counts_toward_total: bool = True
    indicators: tuple[IndicatorResult, ...] = ()
    formula: str = ""


@dataclass(frozen=True)
class MemberResult:
    """One assessor's sheet for one kecamatan in one stage ("mandiri" for kecamatan-only).

    A sheet is complete (a total) or it is not (None, with `excluded_reason`): never half
    counted. A member recorded absent or recused carries the record in `absence`.
    """

    assessor: str
    total: Decimal | None  # None: not complete, or the member takes no part (absence)
    aspects: tuple[AspectResult, ...] = ()
    excluded_reason: str = ""
    formula: str = ""
    absence: Absence | None = None


@dataclass(frozen=True)
class StageResult:
    code: str
    name: str
    score: Decimal | None
    aspects: tuple[AspectResult, ...] = ()  # the kecamatan-level aspect scores
    members: tuple[MemberResult, ...] = ()
    formula: str = ""
    skipped_reason: str = ""  # e.g. not shortlisted for this stage
    # Who must still complete their sheet before the stage has a score: team members by
    # username, "mandiri" for the kecamatan's own values. Empty once the stage is scored.
    missing: tuple[str, ...] = ()
    absences: tuple[Absence, ...] = ()  # members who took no part, and why


@dataclass(frozen=True)
class ParticipantResult:
    key: str
    name: str
    status: ResultStatus
    rank: int | None
    final_score: Decimal | None  # exact, unrounded
    published_score: Decimal | None  # two decimals, the figure that is ranked and printed
    predikat: str = ""
    award: str = ""
    stages: tuple[StageResult, ...] = ()
    tie_break_values: tuple[Decimal | None, ...] = ()
    notes: tuple[Message, ...] = ()
    formula: str = ""
    tie_decision: TieDecision | None = None  # the Tim's decision that ordered its tie

    @property
    def missing(self) -> tuple[tuple[str, str], ...]:
        """(stage code, assessor) of every sheet still to complete ("mandiri": the
        kecamatan's own values); why an incomplete kecamatan is not ranked."""
        return tuple((stage.code, who) for stage in self.stages for who in stage.missing)


@dataclass(frozen=True)
class UndecidedTie:
    """Kecamatan tied after the tie-breaks where the awards of the places they share differ:
    those awards (`tiers`) are withheld until Tapem records the Tim's `TieDecision`."""

    rank: int
    keys: tuple[str, ...]  # participant keys, in name order
    score: Decimal  # the score they share, as the set's basis reads it
    tiers: tuple[str, ...]  # the awards withheld, in rank order


@dataclass(frozen=True)
class Ranking:
    results: tuple[ParticipantResult, ...]  # rank order, unranked last
    warnings: tuple[Message, ...] = field(default_factory=tuple)
    # Ties "seri — diputuskan Tim": while any is left, the result cannot be frozen.
    undecided_ties: tuple[UndecidedTie, ...] = ()
    tie_decisions: tuple[TieDecision, ...] = ()  # the decisions that ordered a tie
    lapsed_tie_decisions: tuple[TieDecision, ...] = ()  # ignored: the tie or a score changed
    decision_basis: DecisionBasis = DecisionBasis.PUBLISHED  # the figure that decided

    @property
    def has_undecided_tie(self) -> bool:
        """Whether an award waits for the Tim's decision on a tie (freezing is refused)."""
        return bool(self.undecided_ties)

    def essentials(self) -> tuple[object, ...]:
        """Everything a decree depends on, without the per-indicator trace: what the fast
        path (`trace=False`, database sums) and the full trace must agree on."""
        return (
            self.warnings,
            self.undecided_ties,
            self.tie_decisions,
            [
                (
                    r.key,
                    r.status,
                    r.rank,
                    r.final_score,
                    r.published_score,
                    r.predikat,
                    r.award,
                    r.notes,
                    r.tie_break_values,
                    r.tie_decision,
                    [(s.code, s.score, s.skipped_reason, s.missing, s.absences) for s in r.stages],
                    [[(a.code, a.score) for a in s.aspects] for s in r.stages],
                    [
                        [
                            (
                                m.assessor,
                                m.total,
                                m.excluded_reason,
                                m.absence,
                                [a.score for a in m.aspects],
                            )
                            for m in s.members
                        ]
                        for s in r.stages
                    ],
                )
                for r in self.results
            ],
        )
