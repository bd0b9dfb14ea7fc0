"""The engine's input for a period, read from the database: which values a period expects
(`PeriodScoreLayout`), the instrument tree as the engine's specs, and every stored value as an
entry. Scoped models are only queried inside an active region scope."""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop

from evaluations.models import (
    MemberAbsence,
    MemberAssignment,
    Participation,
    Period,
    ScoreEntry,
    TeamMember,
    TieDecision,
)
from instruments.models import Indicator, InstrumentSet
from instruments.selectors import instrument_set_tree
from instruments.validation import validate_instrument_set
from scoring.memory import collector_paused
from scoring.messages import Code, Message, message
from scoring.rules import (
    CHOICE_KINDS,
    AbsenceKind,
    AspectCombine,
    DecisionBasis,
    EnteredBy,
    FinalCombine,
    IndicatorKind,
    MemberCombine,
    Polarity,
    PredicateRounding,
)
from scoring.structures import (
    Absence,
    AspectSpec,
    AwardSpec,
    BandSpec,
    Entry,
    ExpectedMembers,
    IndicatorSpec,
    InstrumentSpec,
    OptionSpec,
    Participant,
    ScoringInput,
    StageSpec,
    StageSums,
    TieBreakSpec,
    assemble,
)
from scoring.structures import TieDecision as EngineTieDecision


@dataclass(frozen=True)
class IndicatorRef:
    """Where an Indicator row sits in the tree, with the spec the engine reads."""

    pk: int
    stage_code: str
    aspect_code: str
    spec: IndicatorSpec


@dataclass(frozen=True)
class ParticipantRef:
    kecamatan_id: int
    participant: Participant


@dataclass(frozen=True)
class TeamSeat:
    user_id: int
    username: str


@dataclass(frozen=True)
class PeriodScoreLayout:
    """Everything that says which values a period expects, with the database ids behind it.

    Built in a fixed number of queries; shared by the scoring input, the score workbook and
    its import, so the three never disagree about which cell is which.
    """

    period: Period
    instrument_set: InstrumentSet  # with the whole tree prefetched
    spec: InstrumentSpec
    indicators: dict[int, IndicatorRef]  # by Indicator pk, text indicators included
    participants: tuple[ParticipantRef, ...]  # name order
    teams: dict[str, tuple[TeamSeat, ...]]  # stage code → seats in team order
    # stage code → user id → the kecamatan ids the member scores, for members Tapem
    # assigned part of the participants only (a member not listed scores them all).
    assignments: dict[str, dict[int, frozenset[int]]]

    def assigned(self, stage_code: str, user_id: int, kecamatan_id: int) -> bool:
        """Whether the member `user_id` is expected to score `kecamatan_id` in the stage."""
        chosen = self.assignments.get(stage_code, {}).get(user_id)
        return chosen is None or kecamatan_id in chosen


def period_score_layout(*, period: Period) -> PeriodScoreLayout:
    """The instrument tree as specs, the participants, the teams of `period` and their
    assignments (11 queries)."""
    tree = instrument_set_tree(pk=period.instrument_set_id)
    spec = _instrument_spec(tree)
    indicators = {
        indicator.pk: IndicatorRef(indicator.pk, stage.code, aspect.code, indicator_spec)
        for stage, stage_spec in zip(tree.stages.all(), spec.stages, strict=True)
        for aspect, aspect_spec in zip(stage.aspects.all(), stage_spec.aspects, strict=True)
        for indicator, indicator_spec in zip(
            aspect.indicators.all(), aspect_spec.indicators, strict=True
        )
    }
    rows = Participation.objects.filter(period=period).values_list(
        "kecamatan_id", "kecamatan__slug", "kecamatan__name", "disqualified",
        "disqualification_reason",
    )  # fmt: skip
    participants = [
        ParticipantRef(kecamatan_id, Participant(slug, name, disqualified, reason))
        for kecamatan_id, slug, name, disqualified, reason in rows
    ]
    participants.sort(key=lambda ref: (ref.participant.name, ref.participant.key))
    stage_codes = {stage.pk: stage.code for stage in tree.stages.all()}
    teams: dict[str, list[TeamSeat]] = {code: [] for code in stage_codes.values()}
    seats = (
        TeamMember.objects.filter(period=period)
        .order_by("stage__order", "order", "user__username")
        .values_list("stage_id", "user_id", "user__username")
    )
    for stage_id, user_id, username in seats:
        if stage_id in stage_codes:  # a seat on a stage of another set: not this period's
            teams[stage_codes[stage_id]].append(TeamSeat(user_id, username))
    return PeriodScoreLayout(
        assignments=period_assignments(period=period, stage_codes=stage_codes),
        period=period,
        instrument_set=tree,
        spec=spec,
        indicators=indicators,
        participants=tuple(participants),
        teams={code: tuple(members) for code, members in teams.items()},
    )


def period_assignments(
    *, period: Period, stage_codes: dict[int, str]
) -> dict[str, dict[int, frozenset[int]]]:
    """Stage code → member → the kecamatan they score, for the members of `period` assigned
    part of the participants only (one query)."""
    chosen: dict[str, dict[int, set[int]]] = {}
    rows = MemberAssignment.objects.filter(seat__period=period).values_list(
        "seat__stage_id", "seat__user_id", "kecamatan_id"
    )
    for stage_id, user_id, kecamatan_id in rows:
        if stage_id in stage_codes:
            chosen.setdefault(stage_codes[stage_id], {}).setdefault(user_id, set()).add(
                kecamatan_id
            )
    return {
        code: {user: frozenset(ids) for user, ids in members.items()}
        for code, members in chosen.items()
    }


def engine_expected(layout: PeriodScoreLayout) -> tuple[ExpectedMembers, ...]:
    """Each kecamatan that part of a stage's team does not score, with the members who do
    (no query: the layout read the assignments)."""
    expected = []
    for code, restricted in layout.assignments.items():
        seats = layout.teams.get(code, ())
        for ref in layout.participants:
            members = tuple(
                seat.username
                for seat in seats
                if seat.user_id not in restricted or ref.kecamatan_id in restricted[seat.user_id]
            )
            if len(members) < len(seats):
                expected.append(ExpectedMembers(code, ref.participant.key, members))
    return tuple(expected)


def scoring_input_for_period(*, period: Period) -> ScoringInput:
    """The engine's whole input for `period`, in 12 queries whatever its size.

    Values the engine would refuse because the period changed under them (an assessor no
    longer on the stage's team, a kecamatan no longer participating, a kecamatan value on a
    team indicator or the reverse) are left out and counted in a warning, so the ranking
    shows why instead of failing.
    """
    return scoring_input_from_layout(layout=period_score_layout(period=period))


# indicator pk → (stage, aspect, indicator code, is a choice, team usernames or None)
IndicatorCells = dict[int, tuple[str, str, str, bool, dict[int, str] | None]]


def team_usernames(layout: PeriodScoreLayout) -> dict[str, dict[int, str]]:
    return {
        code: {seat.user_id: seat.username for seat in seats}
        for code, seats in layout.teams.items()
    }


def indicator_cells(layout: PeriodScoreLayout, pks: Iterable[int]) -> IndicatorCells:
    """Where the values of the scored indicators `pks` go in the engine's entries."""
    usernames = team_usernames(layout)
    cells: IndicatorCells = {}
    for pk in pks:
        ref = layout.indicators[pk]
        by_team = ref.spec.entered_by == EnteredBy.TEAM
        cells[pk] = (
            ref.stage_code,
            ref.aspect_code,
            ref.spec.code,
            ref.spec.kind in CHOICE_KINDS,
            usernames.get(ref.stage_code, {}) if by_team else None,
        )
    return cells


def assemble_scoring_input(
    layout: PeriodScoreLayout,
    entries: tuple[Entry, ...],
    skipped: Counter[tuple[str, str]],
    sums: tuple[StageSums, ...] = (),
) -> ScoringInput:
    """The one constructor of the engine's input from the database (2 queries: the absences
    and the Tim's tie decisions recorded for the period)."""
    absences = engine_absences(layout, standing_absences(period=layout.period))
    decisions, lapsed = engine_tie_decisions(layout, standing_tie_decisions(period=layout.period))
    return ScoringInput(
        instrument=layout.spec,
        participants=tuple(ref.participant for ref in layout.participants),
        teams=tuple(
            (code, tuple(seat.username for seat in seats)) for code, seats in layout.teams.items()
        ),
        entries=entries,
        sums=sums,
        warnings=_skipped_warnings(skipped) + lapsed,
        absences=absences,
        tie_decisions=decisions,
        expected=engine_expected(layout),
    )


def standing_absences(*, period: Period) -> list[MemberAbsence]:
    """The absences that stand: for each (stage, kecamatan, member) its latest record,
    unless that record withdraws the one before (one query)."""
    latest: dict[tuple[int, int, int], MemberAbsence] = {}
    rows = MemberAbsence.objects.filter(period=period).select_related(
        "member", "recorded_by", "stage", "kecamatan"
    )
    for row in rows.order_by("recorded_at", "pk"):
        latest[row.stage_id, row.kecamatan_id, row.member_id] = row
    return [row for row in latest.values() if not row.withdrawn]


def standing_tie_decisions(*, period: Period) -> list[TieDecision]:
    """The Tim's decisions that stand: for each set of tied kecamatan the latest (one
    query). Whether a decision still orders its tie is the engine's to say."""
    latest: dict[frozenset[int], TieDecision] = {}
    rows = TieDecision.objects.filter(period=period).select_related("recorded_by")
    for row in rows.order_by("recorded_at", "pk"):
        latest[row.kecamatan_ids] = row
    return list(latest.values())


def engine_absences(
    layout: PeriodScoreLayout, rows: Iterable[MemberAbsence]
) -> tuple[Absence, ...]:
    """The standing absences as the engine reads them; one for a member no longer seated on
    the stage or a kecamatan no longer taking part is moot and left out."""
    keys = {ref.kecamatan_id: ref.participant.key for ref in layout.participants}
    stage_codes = {stage.pk: stage.code for stage in layout.instrument_set.stages.all()}
    seated = {(code, seat.user_id) for code, seats in layout.teams.items() for seat in seats}
    absences = []
    for row in rows:
        code = stage_codes.get(row.stage_id)
        key = keys.get(row.kecamatan_id)
        if code is None or key is None or (code, row.member_id) not in seated:
            continue
        absences.append(
            Absence(
                stage_code=code,
                participant_key=key,
                assessor=row.member.get_username(),
                kind=AbsenceKind(row.kind),
                reason=row.reason,
                recorded_by=row.recorded_by.get_username() if row.recorded_by else "",
                recorded_at=row.recorded_at,
            )
        )
    return tuple(absences)


def engine_tie_decisions(
    layout: PeriodScoreLayout, rows: Iterable[TieDecision]
) -> tuple[tuple[EngineTieDecision, ...], tuple[Message, ...]]:
    """The standing decisions as the engine reads them, and a lapse warning for each that
    names a kecamatan no longer taking part (the engine could not place it)."""
    keys = {ref.kecamatan_id: ref.participant.key for ref in layout.participants}
    decisions: list[EngineTieDecision] = []
    lapsed: list[Message] = []
    for row in rows:
        if any(place["kecamatan"] not in keys for place in row.places):
            names = tuple(place["name"] for place in row.places)
            lapsed.append(
                message(Code.TIE_DECISION_LAPSED, kecamatan=names, keys=names, meeting=row.meeting)
            )
            continue
        decisions.append(
            EngineTieDecision(
                order=tuple(keys[place["kecamatan"]] for place in row.places),
                reason=row.reason,
                meeting=row.meeting,
                scores=tuple(
                    (keys[place["kecamatan"]], Decimal(place["score"])) for place in row.places
                ),
                recorded_by=row.recorded_by.get_username() if row.recorded_by else "",
                recorded_at=row.recorded_at,
            )
        )
    return tuple(decisions), tuple(lapsed)


def scoring_input_from_layout(*, layout: PeriodScoreLayout) -> ScoringInput:
    """`scoring_input_for_period` for a layout already loaded (one more query)."""
    keys = {ref.kecamatan_id: ref.participant.key for ref in layout.participants}
    cells = indicator_cells(
        layout, (pk for pk, ref in layout.indicators.items() if ref.spec.scored)
    )
    text_ids = {pk for pk, ref in layout.indicators.items() if not ref.spec.scored}

    skipped: Counter[tuple[str, str]] = Counter()  # (reason, stage code) → number of values
    rows = (
        ScoreEntry.objects.filter(period=layout.period)
        .values_list("kecamatan_id", "indicator_id", "assessor_id", "part", "value", "option_code")
        .iterator(chunk_size=20_000)
    )
    with collector_paused():
        entries = tuple(
            entries_from_rows(rows, cells, text_ids, keys, skipped, kecamatan_answers(layout))
        )
    return assemble_scoring_input(layout, entries, skipped)


def kecamatan_answers(layout: PeriodScoreLayout) -> frozenset[int]:
    """The team indicators the kecamatan also answers (`Indicator.kecamatan_answers`): its
    answers are the team's starting point and never a value of the ranking."""
    return frozenset(pk for pk, ref in layout.indicators.items() if ref.spec.answered_by_kecamatan)


def entries_from_rows(
    rows: Iterable[tuple[int, int, int | None, str, Decimal | None, str]],
    cells: IndicatorCells,
    text_ids: set[int],
    keys: dict[int, str],
    skipped: Counter[tuple[str, str]],
    answered: frozenset[int] = frozenset(),
) -> Iterator[Entry]:
    """ScoreEntry rows as engine entries; what the engine would refuse is counted instead.
    The kecamatan's answers to the `answered` team indicators are left out unremarked."""
    for kecamatan_id, indicator_id, assessor_id, part, value, option_code in rows:
        cell = cells.get(indicator_id)
        if cell is None:
            if indicator_id not in text_ids:
                skipped["indicator", ""] += 1
            continue
        if assessor_id is None and indicator_id in answered:
            continue
        key = keys.get(kecamatan_id)
        if key is None:
            skipped["participant", cell[0]] += 1
            continue
        stage_code, aspect_code, code, choice, team = cell
        if team is None:
            if assessor_id is not None:
                skipped["side", stage_code] += 1
                continue
            assessor = None
        else:
            assessor = team.get(assessor_id)  # type: ignore[arg-type]
            if assessor is None:
                skipped["side" if assessor_id is None else "team", stage_code] += 1
                continue
        yield assemble(
            Entry,
            stage_code=stage_code,
            participant_key=key,
            aspect_code=aspect_code,
            indicator_code=code,
            assessor=assessor,
            part=part,
            value=None if choice else value,
            option_code=(option_code or None) if choice else None,
        )


# Values left out of the input, by reason (`Message.code` "values_skipped_<reason>").
SKIPPED_TEMPLATES = {
    "indicator": gettext_noop(
        "%(n)s nilai untuk indikator di luar set instrumen periode ini diabaikan."
    ),
    "participant": gettext_noop(
        "Tahap %(stage)s: %(n)s nilai untuk kecamatan yang bukan peserta periode ini diabaikan."
    ),
    "side": gettext_noop(
        "Tahap %(stage)s: %(n)s nilai diabaikan karena diisi oleh pihak yang salah "
        "(kecamatan pada indikator tim, atau sebaliknya)."
    ),
    "team": gettext_noop(
        "Tahap %(stage)s: %(n)s nilai dari penilai yang tidak lagi tercantum dalam tim "
        "tahap ini diabaikan."
    ),
}


def _skipped_warnings(skipped: Counter[tuple[str, str]]) -> tuple[Message, ...]:
    return tuple(
        Message(
            f"values_skipped_{reason}",
            (("n", count), ("stage", stage)),
            SKIPPED_TEMPLATES[reason],
        )
        for (reason, stage), count in sorted(skipped.items())
    )


def _instrument_spec(tree: InstrumentSet) -> InstrumentSpec:
    """The prefetched instrument tree as the engine's frozen specs, with its warnings."""
    stages = []
    for stage in tree.stages.all():
        aspects = []
        for aspect in stage.aspects.all():
            indicators = tuple(indicator_spec(indicator) for indicator in aspect.indicators.all())
            aspects.append(
                AspectSpec(
                    code=aspect.code,
                    name=aspect.name,
                    combine=AspectCombine(aspect.indicator_combine),
                    max_score=aspect.max_score,
                    weight=aspect.weight,
                    counts_toward_total=aspect.counts_toward_total,
                    indicators=indicators,
                )
            )
        stages.append(
            StageSpec(
                code=stage.code,
                name=stage.name,
                member_combine=MemberCombine(stage.member_combine),
                aspect_combine=AspectCombine(stage.aspect_combine),
                max_score=stage.max_score,
                weight=stage.weight,
                shortlist_size=stage.shortlist_size,
                aspects=tuple(aspects),
            )
        )
    warnings = tuple(
        str(finding) for finding in validate_instrument_set(tree) if not finding.is_error
    )
    return InstrumentSpec(
        name=tree.name,
        final_combine=FinalCombine(tree.final_combine),
        stages=tuple(stages),
        predicate_rounding=PredicateRounding(tree.predicate_rounding),
        bands=tuple(
            BandSpec(
                label=band.label,
                lower=band.lower,
                lower_inclusive=band.lower_inclusive,
                upper=band.upper,
                upper_inclusive=band.upper_inclusive,
            )
            for band in tree.predicate_bands.all()
        ),
        tie_breaks=tuple(
            TieBreakSpec(
                stage_code=rule.stage.code,
                aspect_code=rule.aspect.code,
                indicator_code=rule.indicator.code if rule.indicator_id else None,
                higher_wins=rule.higher_wins,
                label=rule.description,
            )
            for rule in sorted(tree.tie_break_rules.all(), key=lambda rule: rule.order)
        ),
        awards=tuple(
            AwardSpec(rank=tier.rank, label=tier.label)
            for tier in sorted(tree.award_tiers.all(), key=lambda tier: tier.rank)
        ),
        award_for_others=tree.award_for_others,
        warnings=warnings,
        decision_basis=DecisionBasis(tree.decision_basis),
    )


def indicator_spec(indicator: Indicator) -> IndicatorSpec:
    params = indicator.params or {}
    kind = IndicatorKind(indicator.kind)
    parts: tuple[tuple[str, Decimal], ...] = ()
    if kind == IndicatorKind.PERCENTAGE_PAIR:
        parts = tuple(
            (str(name), Decimal(str(weight)))
            for name, weight in (params.get("parts") or {}).items()
        )
    polarity = None
    if kind == IndicatorKind.CAPAIAN and params.get("polarity") in set(Polarity):
        polarity = Polarity(params["polarity"])
    # `instruments.validation` refuses other shapes of "years", "recorded" and "labels".
    years = params.get("years", 1) if kind == IndicatorKind.PERCENTAGE_PAIR else 1
    recorded = params.get("recorded") or () if kind == IndicatorKind.COUNT_NORMALISED else ()
    labels = params.get("labels") or {}
    return IndicatorSpec(
        code=indicator.code,
        name=indicator.text,
        kind=kind,
        entered_by=EnteredBy(indicator.entered_by),
        min_value=indicator.min_value,
        max_value=indicator.max_value,
        integer_only=indicator.integer_only,
        weight=indicator.weight,
        parts=parts,
        polarity=polarity,
        years=int(years) if isinstance(years, int) and not isinstance(years, bool) else 1,
        recorded=tuple(str(name) for name in recorded) if isinstance(recorded, list) else (),
        part_labels=tuple((str(k), str(v)) for k, v in labels.items())
        if isinstance(labels, dict)
        else (),
        informational=indicator.informational,
        answered_by_kecamatan=indicator.kecamatan_answers,
        options=tuple(
            OptionSpec(code=option.code, label=option.label, score=option.score)
            for option in indicator.options.all()
        ),
    )


def instrument_spec_for(*, period: Period) -> InstrumentSpec:
    """The engine's spec of the period's instrument set (the set tree's queries)."""
    return _instrument_spec(instrument_set_tree(pk=period.instrument_set_id))
