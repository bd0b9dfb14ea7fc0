"""Reads shaped for pages. Scoped models are only queried inside an active region scope."""

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from evaluations.models import (
    Kecamatan,
    Membership,
    Participation,
    Period,
    Region,
    Role,
    ScoreEntry,
    TeamMember,
)
from instruments.models import Indicator, InstrumentSet, Stage
from instruments.selectors import instrument_set_tree
from instruments.validation import validate_instrument_set
from scoring.engine import compute_ranking
from scoring.rules import (
    AspectCombine,
    EnteredBy,
    FinalCombine,
    IndicatorKind,
    MemberCombine,
    Polarity,
    PredicateRounding,
)
from scoring.structures import (
    AspectSpec,
    AwardSpec,
    BandSpec,
    Entry,
    IndicatorSpec,
    InstrumentSpec,
    OptionSpec,
    Participant,
    Ranking,
    ScoringInput,
    SheetSums,
    StageSpec,
    StageSums,
    SumColumn,
    TieBreakSpec,
    assemble,
)
from scoring.validation import instrument_errors


def regions_for_user(*, user: AbstractBaseUser) -> QuerySet[Region]:
    """Regions where the user holds any role (Region itself is not a scoped model)."""
    return Region.objects.filter(is_active=True, memberships__user=user).distinct()


def kecamatan_list() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.order_by("name")


def kecamatan_get(*, slug: str) -> Kecamatan:
    return Kecamatan.objects.select_related("region").get(slug=slug)


def period_list() -> QuerySet[Period]:
    return Period.objects.select_related("instrument_set").order_by("-year_evaluated", "slug")


# ---------------------------------------------------------------- scoring input


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


def period_score_layout(*, period: Period) -> PeriodScoreLayout:
    """The instrument tree as specs, the participants and the teams of `period` (10 queries)."""
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
        period=period,
        instrument_set=tree,
        spec=spec,
        indicators=indicators,
        participants=tuple(participants),
        teams={code: tuple(members) for code, members in teams.items()},
    )


def period_has_scores(*, period: Period) -> bool:
    """Whether any value (self-assessment or team) is stored for `period`."""
    return ScoreEntry.objects.filter(period=period).exists()


def scoring_input_for_period(*, period: Period) -> ScoringInput:
    """The engine's whole input for `period`, in 11 queries whatever its size.

    Values the engine would refuse because the period changed under them (an assessor no
    longer on the stage's team, a kecamatan no longer participating, a kecamatan value on a
    team indicator or the reverse) are left out and counted in a warning, so the ranking
    shows why instead of failing.
    """
    return scoring_input_from_layout(layout=period_score_layout(period=period))


def ranking_for_period(*, period: Period, trace: bool = True) -> Ranking:
    """The period's ranking as the engine computes it from the stored values.

    `trace=False` (the ranking table, the `ranking` command, national scale) gives the same
    ranks, scores, predikat, awards, notes and warnings with the engine's lighter trace, and
    lets the database add up the values of the aspects that can be summed
    (`summed_scoring_input_from_layout`), in a fixed number of queries. `trace=True` keeps
    every indicator's result and worked arithmetic (the per-kecamatan breakdown).
    """
    if trace:
        return compute_ranking(scoring_input_for_period(period=period))
    layout = period_score_layout(period=period)
    data = summed_scoring_input_from_layout(layout=layout)
    if data is None:  # the sums cannot vouch for the values: read them one by one
        data = scoring_input_from_layout(layout=layout)
    return compute_ranking(data, trace=False)


_CHOICE_KINDS = frozenset({IndicatorKind.CHOICE, IndicatorKind.YES_NO})

# indicator pk → (stage, aspect, indicator code, is a choice, team usernames or None)
_Cells = dict[int, tuple[str, str, str, bool, dict[int, str] | None]]


def _team_usernames(layout: PeriodScoreLayout) -> dict[str, dict[int, str]]:
    return {
        code: {seat.user_id: seat.username for seat in seats}
        for code, seats in layout.teams.items()
    }


def _cells(layout: PeriodScoreLayout, pks: Iterable[int]) -> _Cells:
    """Where the values of the scored indicators `pks` go in the engine's entries."""
    usernames = _team_usernames(layout)
    cells: _Cells = {}
    for pk in pks:
        ref = layout.indicators[pk]
        by_team = ref.spec.entered_by == EnteredBy.TEAM
        cells[pk] = (
            ref.stage_code,
            ref.aspect_code,
            ref.spec.code,
            ref.spec.kind in _CHOICE_KINDS,
            usernames.get(ref.stage_code, {}) if by_team else None,
        )
    return cells


def _scoring_input(
    layout: PeriodScoreLayout,
    entries: tuple[Entry, ...],
    skipped: Counter[tuple[str, str]],
    sums: tuple[StageSums, ...] = (),
) -> ScoringInput:
    warnings = list(layout.spec.warnings) + _skipped_warnings(skipped)
    return ScoringInput(
        instrument=replace(layout.spec, warnings=tuple(warnings)),
        participants=tuple(ref.participant for ref in layout.participants),
        teams=tuple(
            (code, tuple(seat.username for seat in seats)) for code, seats in layout.teams.items()
        ),
        entries=entries,
        sums=sums,
    )


def scoring_input_from_layout(*, layout: PeriodScoreLayout) -> ScoringInput:
    """`scoring_input_for_period` for a layout already loaded (one more query)."""
    keys = {ref.kecamatan_id: ref.participant.key for ref in layout.participants}
    cells = _cells(layout, (pk for pk, ref in layout.indicators.items() if ref.spec.scored))
    text_ids = {pk for pk, ref in layout.indicators.items() if not ref.spec.scored}

    skipped: Counter[tuple[str, str]] = Counter()  # (reason, stage code) → number of values
    rows = (
        ScoreEntry.objects.filter(period=layout.period)
        .values_list("kecamatan_id", "indicator_id", "assessor_id", "part", "value", "option_code")
        .iterator(chunk_size=20_000)
    )
    with _collector_paused():
        entries = tuple(_entries(rows, cells, text_ids, keys, skipped))
    return _scoring_input(layout, entries, skipped)


def _entries(
    rows: Iterable[tuple[int, int, int | None, str, Decimal | None, str]],
    cells: _Cells,
    text_ids: set[int],
    keys: dict[int, str],
    skipped: Counter[tuple[str, str]],
) -> Iterator[Entry]:
    """ScoreEntry rows as engine entries; what the engine would refuse is counted instead."""
    for kecamatan_id, indicator_id, assessor_id, part, value, option_code in rows:
        cell = cells.get(indicator_id)
        if cell is None:
            if indicator_id not in text_ids:
                skipped["indicator", ""] += 1
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of acyclic entries are built: it
    would rescan them over and over and reclaim none (reference counting frees them). They
    then join the oldest generation unscanned, as in `scoring.engine._collector_paused`."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _skipped_warnings(skipped: Counter[tuple[str, str]]) -> list[str]:
    messages = {
        "indicator": _("%(n)s nilai untuk indikator di luar set instrumen periode ini diabaikan."),
        "participant": _(
            "Tahap %(stage)s: %(n)s nilai untuk kecamatan yang bukan peserta periode ini diabaikan."
        ),
        "side": _(
            "Tahap %(stage)s: %(n)s nilai diabaikan karena diisi oleh pihak yang salah "
            "(kecamatan pada indikator tim, atau sebaliknya)."
        ),
        "team": _(
            "Tahap %(stage)s: %(n)s nilai dari penilai yang tidak lagi tercantum dalam tim "
            "tahap ini diabaikan."
        ),
    }
    return [
        messages[reason] % {"n": count, "stage": stage}
        for (reason, stage), count in sorted(skipped.items())
    ]


# ---------------------------------------------------------------- sums for a national ranking
#
# A ranking without the per-indicator trace needs, for most aspects, only how many of their
# cells each sheet filled and what those values add up to. The database adds them up in one
# GROUP BY (kecamatan, assessor), with no per-value Python object; the few aspects the engine
# must read value by value come as entries. The engine turns the sums into the same aspect
# scores (`scoring.formulas.aspect_from_sums`); the database only counts and adds, exactly.

_LINEAR_KINDS = frozenset(
    {IndicatorKind.SCORE, IndicatorKind.PERCENTAGE, IndicatorKind.CHOICE, IndicatorKind.YES_NO}
)
_SCALE = 10_000  # ScoreEntry.value has 4 decimals: × 10,000 it is a whole number


@dataclass
class _StagePlan:
    """A stage's summed aspects: one column per (aspect, weight), its indicator pks."""

    code: str
    by_kecamatan: bool  # a kecamatan-only stage: its sheets are the kecamatan's
    columns: list[SumColumn] = field(default_factory=list)
    column_pks: list[list[int]] = field(default_factory=list)

    def pks(self) -> list[int]:
        return [pk for pks in self.column_pks for pk in pks]

    def full(self) -> tuple[int, ...]:
        """The counts of a sheet that filled every summed cell."""
        return tuple(len(pks) for pks in self.column_pks)


@dataclass
class _SumPlan:
    stages: list[_StagePlan] = field(default_factory=list)
    # indicator pks grouped by the rule their summed values must pass (`_refused_sql`)
    checks: dict[tuple[Any, ...], list[int]] = field(default_factory=dict)
    entry_pks: list[int] = field(default_factory=list)  # read as entries
    text_pks: list[int] = field(default_factory=list)  # never scored, only counted


def _sum_plan(layout: PeriodScoreLayout) -> _SumPlan:
    """Sum an aspect whose scored indicators are all score, percentage, choice or yes/no
    (a choice is stored with its option's score), all entered by the side that fills the
    stage's sheets (the team; the kecamatan in a stage it scores alone), and that no tie-break
    reads indicator by indicator (`scoring.structures.StageSums`). Read the rest as entries."""
    spec = layout.spec
    read = {(rule.stage_code, rule.aspect_code) for rule in spec.tie_breaks if rule.indicator_code}
    by_aspect: dict[tuple[str, str], list[int]] = {}
    plan = _SumPlan()
    for pk, ref in layout.indicators.items():
        if ref.spec.scored:
            by_aspect.setdefault((ref.stage_code, ref.aspect_code), []).append(pk)
        else:
            plan.text_pks.append(pk)
    for stage in spec.stages:
        scored = [i for a in stage.aspects for i in a.indicators if i.scored]
        alone = all(i.entered_by == EnteredBy.KECAMATAN for i in scored)
        side = EnteredBy.KECAMATAN if alone else EnteredBy.TEAM
        stage_plan = _StagePlan(stage.code, alone)
        for aspect in stage.aspects:
            pks = by_aspect.get((stage.code, aspect.code), [])
            specs = [layout.indicators[pk].spec for pk in pks]
            if (
                not pks
                or (stage.code, aspect.code) in read
                or any(i.kind not in _LINEAR_KINDS or i.entered_by != side for i in specs)
            ):
                plan.entry_pks += pks
                continue
            weighted = aspect.combine == AspectCombine.WEIGHTED_SUM
            by_weight: dict[Decimal | None, list[int]] = {}
            for pk, indicator in zip(pks, specs, strict=True):
                by_weight.setdefault(indicator.weight if weighted else None, []).append(pk)
                plan.checks.setdefault(_check_key(indicator), []).append(pk)
            for weight, group in by_weight.items():
                stage_plan.columns.append(SumColumn(aspect.code, weight))
                stage_plan.column_pks.append(group)
        if stage_plan.columns:
            plan.stages.append(stage_plan)
    return plan


def _check_key(indicator: IndicatorSpec) -> tuple[Any, ...]:
    if indicator.kind in _CHOICE_KINDS:
        return ("choice", tuple(sorted((o.code, o.score) for o in indicator.options)))
    return ("number", indicator.min_value, indicator.max_value, indicator.integer_only)


class _SumSQL:
    """The value as the database adds it up, per vendor: PostgreSQL's numeric is exact;
    SQLite keeps a decimal as a float, so it adds the value × 10,000 as a whole number (exact
    for every value a 14-digit, 4-decimal column holds) and the sum is scaled back."""

    def __init__(self, vendor: str) -> None:
        self.scaled = vendor == "sqlite"
        self.value = f"CAST(ROUND(value * {_SCALE}) AS INTEGER)" if self.scaled else "value"
        self.fractional = (
            # "%%": the query goes through the driver's parameter formatting.
            f"{self.value} %% {_SCALE} <> 0" if self.scaled else "value <> TRUNC(value)"
        )

    def number(self, value: Decimal) -> Decimal | int:
        if not self.scaled:
            return value
        scaled = value * _SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than 4 decimals")
        return int(scaled)

    def total(self, raw: Any) -> Decimal | None:
        """A scaled sum as the exact Decimal; None when the database did not add exactly
        (SQLite turns an integer sum that overflows into a float)."""
        return Decimal(raw).scaleb(-4) if type(raw) is int else None


def _id_test(pks: Iterable[int]) -> str:
    """SQL true for a row of one of the indicators `pks`: a range when they run on."""
    ordered = sorted({int(pk) for pk in pks})
    if ordered and ordered[-1] - ordered[0] == len(ordered) - 1:
        return f"indicator_id BETWEEN {ordered[0]} AND {ordered[-1]}"
    return f"indicator_id IN ({', '.join(map(str, ordered))})"


def _refused_sql(plan: _SumPlan, dialect: _SumSQL) -> tuple[str, list[Any]]:
    """SQL true for a summed row the engine would refuse or read differently (then the sums
    are not used): a part on a one-value indicator; no value; outside the range; a fraction
    where whole numbers are required; a choice whose code is not an option or whose stored
    value is not that option's score."""
    branches: list[str] = []
    params: list[Any] = []
    value = dialect.value
    for key, pks in plan.checks.items():
        tests = ["part <> ''", f"{value} IS NULL"]
        if key[0] == "choice":
            pairs = []
            for code, score in key[1]:
                pairs.append(f"(option_code = %s AND {value} = %s)")
                params += [code, dialect.number(score)]
            tests.append(f"NOT ({' OR '.join(pairs)})")
        else:
            _, low, high, whole = key
            if low is not None:
                tests.append(f"{value} < %s")
                params.append(dialect.number(low))
            if high is not None:
                tests.append(f"{value} > %s")
                params.append(dialect.number(high))
            if whole:
                tests.append(dialect.fractional)
        branches.append(f"WHEN {_id_test(pks)} THEN {' OR '.join(tests)}")
    return f"CASE {' '.join(branches)} END", params


def summed_scoring_input_from_layout(*, layout: PeriodScoreLayout) -> ScoringInput | None:
    """The engine's input with the summable aspects as `StageSums` (for `trace=False`), in
    three queries after the layout, whatever the number of kecamatan: the sums with a count
    per stage, each column's count for the sheets not complete, and the values read as
    entries (no query when every aspect is summed and the set has no text indicator).

    Every stored value is accounted for as `scoring_input_from_layout` accounts for it: the
    values it would leave out (another set's indicator, a kecamatan that is not a
    participant, the wrong side, an assessor off the team) are left out of the sums and
    counted in the same warnings. None when the sums cannot stand for the values: a value
    the engine would refuse or read otherwise (out of range, no value, a stray part, a
    choice's stored score differing from its option's), a database other than PostgreSQL
    and SQLite, an instrument the engine refuses, or nothing to sum. The caller then reads
    every value (`scoring_input_from_layout`), which gives the same ranking (or error).
    """
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite") or instrument_errors(layout.spec):
        return None
    plan = _sum_plan(layout)
    if not plan.stages:
        return None
    dialect = _SumSQL(vendor)
    try:
        refused, refused_params = _refused_sql(plan, dialect)
    except ValueError:  # a bound or option score with more than 4 decimals
        return None
    columns = [pks for stage in plan.stages for pks in stage.column_pks]
    # COALESCE: a column without values adds up to 0 (its count says it is empty).
    select = [
        f"COALESCE(SUM({dialect.value}) FILTER (WHERE {_id_test(pks)}), 0)" for pks in columns
    ]
    select += [f"COUNT(*) FILTER (WHERE {_id_test(stage.pks())})" for stage in plan.stages]
    select += ["COUNT(*)", f"COUNT(*) FILTER (WHERE {refused})"]
    table = ScoreEntry._meta.db_table
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT kecamatan_id, assessor_id, {', '.join(select)} FROM {table} "
                f"WHERE period_id = %s GROUP BY kecamatan_id, assessor_id",
                [*refused_params, layout.period.pk],
            )
            groups = cursor.fetchall()
    except DatabaseError:
        if not dialect.scaled:
            raise
        return None  # SQLite: an integer sum too large ("integer overflow")

    skipped: Counter[tuple[str, str]] = Counter()  # (reason, stage code) → number of values
    with _collector_paused():
        sheets = _sum_sheets(layout, plan, groups, skipped)
        if sheets is None:
            return None
        counts = _column_counts(layout, plan, sheets)
        sums = _stage_sums(plan, dialect, sheets, counts)
        if sums is None:
            return None
        keys = {ref.kecamatan_id: ref.participant.key for ref in layout.participants}
        rows = ScoreEntry.objects.filter(
            period=layout.period, indicator_id__in=plan.entry_pks + plan.text_pks
        ).values_list("kecamatan_id", "indicator_id", "assessor_id", "part", "value", "option_code")
        read = 0

        def counted(rows: Iterable[Any]) -> Iterator[Any]:
            nonlocal read
            for row in rows:
                read += 1
                yield row

        entries = tuple(
            _entries(
                counted(rows.iterator(chunk_size=20_000)),
                _cells(layout, plan.entry_pks),
                set(plan.text_pks),
                keys,
                skipped,
            )
        )
    # Values of indicators outside the set: every value not summed nor read above.
    total_rows = sum(group[-2] for group in groups)
    summed_rows = sum(
        sum(group[2 + len(columns) : 2 + len(columns) + len(plan.stages)]) for group in groups
    )
    foreign = total_rows - summed_rows - read
    if foreign:
        skipped["indicator", ""] += foreign
    return _scoring_input(layout, entries, skipped, sums)


# (kecamatan_id, assessor_id, stage index) → (participant key, assessor, query row)
_SheetRows = dict[tuple[int, int | None, int], tuple[str, str | None, Sequence[Any]]]


def _sum_sheets(
    layout: PeriodScoreLayout,
    plan: _SumPlan,
    groups: Sequence[Sequence[Any]],
    skipped: Counter[tuple[str, str]],
) -> _SheetRows | None:
    """The query's rows, one per (kecamatan, assessor), as the sheets they make in each
    summed stage; values left out are counted in `skipped` as `_entries` counts them. None
    when a row behind a sheet is one the sums cannot stand for."""
    keys = {ref.kecamatan_id: ref.participant.key for ref in layout.participants}
    usernames = _team_usernames(layout)
    first_count = 2 + sum(len(stage.columns) for stage in plan.stages)
    stages = [
        (index, stage.code, None if stage.by_kecamatan else usernames.get(stage.code, {}))
        for index, stage in enumerate(plan.stages)
    ]
    sheets: _SheetRows = {}
    for group in groups:
        kecamatan_id, assessor_id = group[0], group[1]
        key = keys.get(kecamatan_id)
        used = False
        for index, stage_code, team in stages:
            count = group[first_count + index]
            if not count:
                continue
            if key is None:
                skipped["participant", stage_code] += count
                continue
            if team is None:  # a kecamatan-only stage
                if assessor_id is not None:
                    skipped["side", stage_code] += count
                    continue
                assessor = None
            else:
                assessor = team.get(assessor_id)
                if assessor is None:
                    skipped["side" if assessor_id is None else "team", stage_code] += count
                    continue
            used = True
            sheets[kecamatan_id, assessor_id, index] = (key, assessor, group)
        if used and group[-1]:  # a summed value the engine would refuse or read otherwise
            return None
    return sheets


def _column_counts(
    layout: PeriodScoreLayout, plan: _SumPlan, sheets: _SheetRows
) -> dict[tuple[int, int | None], Sequence[int]]:
    """Each column's count for the sheets that did not fill every summed cell of their
    stage, by (kecamatan, assessor): one query, over those kecamatan only."""
    first_count = 2 + sum(len(stage.columns) for stage in plan.stages)
    cells = [sum(stage.full()) for stage in plan.stages]
    wanted = sorted(
        {
            kecamatan_id
            for (kecamatan_id, _, index), (_, _, group) in sheets.items()
            if group[first_count + index] != cells[index]
        }
    )
    columns = [pks for stage in plan.stages for pks in stage.column_pks]
    select = ", ".join(f"COUNT(*) FILTER (WHERE {_id_test(pks)})" for pks in columns)
    # Asked even when every sheet is complete, so that the number of queries never varies.
    within = f"kecamatan_id IN ({', '.join(map(str, wanted))})" if wanted else "1 = 0"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kecamatan_id, assessor_id, {select} FROM {ScoreEntry._meta.db_table} "
            f"WHERE period_id = %s AND {within} GROUP BY kecamatan_id, assessor_id",
            [layout.period.pk],
        )
        return {(row[0], row[1]): row[2:] for row in cursor.fetchall()}


def _stage_sums(
    plan: _SumPlan,
    dialect: _SumSQL,
    sheets: _SheetRows,
    counts: dict[tuple[int, int | None], Sequence[int]],
) -> tuple[StageSums, ...] | None:
    """The sheets as StageSums; None when a sum is not exact."""
    first_count = 2 + sum(len(stage.columns) for stage in plan.stages)
    starts, start = [], 0
    for stage in plan.stages:
        starts.append(start)
        start += len(stage.columns)
    by_stage: list[list[SheetSums]] = [[] for _ in plan.stages]
    fulls = [stage.full() for stage in plan.stages]
    cells = [sum(full) for full in fulls]
    totals_of = dialect.total
    for (kecamatan_id, assessor_id, index), (key, assessor, group) in sheets.items():
        first = starts[index]
        width = len(fulls[index])
        totals = group[2 + first : 2 + first + width]
        if dialect.scaled:
            totals = tuple(map(totals_of, totals))
            if None in totals:
                return None
        if group[first_count + index] == cells[index]:
            sheet_counts = fulls[index]  # every summed cell filled
        else:
            sheet_counts = tuple(counts[kecamatan_id, assessor_id][first : first + width])
        by_stage[index].append(
            assemble(
                SheetSums,
                participant_key=key,
                assessor=assessor,
                counts=sheet_counts,
                totals=totals,
            )
        )
    return tuple(
        StageSums(stage.code, tuple(stage.columns), tuple(rows))
        for stage, rows in zip(plan.stages, by_stage, strict=True)
    )


def _instrument_spec(tree: InstrumentSet) -> InstrumentSpec:
    """The prefetched instrument tree as the engine's frozen specs, with its warnings."""
    stages = []
    for stage in tree.stages.all():
        aspects = []
        for aspect in stage.aspects.all():
            indicators = tuple(_indicator_spec(indicator) for indicator in aspect.indicators.all())
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
    )


def _indicator_spec(indicator: Indicator) -> IndicatorSpec:
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
        options=tuple(
            OptionSpec(code=option.code, label=option.label, score=option.score)
            for option in indicator.options.all()
        ),
    )


@dataclass(frozen=True)
class StageTeam:
    order: int
    code: str
    name: str
    scorer_label: str
    seats: tuple[TeamMember, ...]
    takes_team: bool  # False: the kecamatan fills the stage alone
    min_team_size: int

    @property
    def short_of_members(self) -> int:
        """How many more penilai the instrument asks for on this team (0 when enough)."""
        return max(0, self.min_team_size - len(self.seats)) if self.takes_team else 0


def _team_entered() -> QuerySet[Indicator]:
    """Indicators the team enters in the stage of the outer query."""
    return Indicator.objects.filter(aspect__stage=OuterRef("pk"), entered_by=EnteredBy.TEAM)


def stage_takes_team(*, stage: Stage) -> bool:
    """Whether anyone but the kecamatan enters values in `stage` (then it has a team)."""
    return Indicator.objects.filter(aspect__stage=stage, entered_by=EnteredBy.TEAM).exists()


def period_team_stages(*, period: Period) -> list[Stage]:
    """The stages of the period's set in which the team (not the kecamatan) enters values."""
    return list(
        period.instrument_set.stages.annotate(takes_team=Exists(_team_entered()))
        .filter(takes_team=True)
        .order_by("order")
    )


def period_stages_with_teams(*, period: Period) -> list[StageTeam]:
    """The period's stages in order, each with its team seats (two queries)."""
    seats: dict[int, list[TeamMember]] = {}
    for seat in TeamMember.objects.filter(period=period).select_related("user"):
        seats.setdefault(seat.stage_id, []).append(seat)
    return [
        StageTeam(
            stage.order,
            stage.code,
            stage.name,
            stage.scorer_label,
            tuple(seats.get(stage.pk, ())),
            stage.takes_team,
            stage.min_team_size,
        )
        for stage in period.instrument_set.stages.annotate(
            takes_team=Exists(_team_entered())
        ).order_by("order")
    ]


def period_participations(*, period: Period) -> QuerySet[Participation]:
    """The period's participants with their kecamatan, by name."""
    return (
        Participation.objects.filter(period=period)
        .select_related("kecamatan")
        .order_by("kecamatan__name")
    )


def period_team_seats(*, period: Period) -> dict[tuple[int, int], str]:
    """Each seat's position by (stage pk, user pk)."""
    return {
        (stage_id, user_id): position
        for stage_id, user_id, position in TeamMember.objects.filter(period=period).values_list(
            "stage_id", "user_id", "position"
        )
    }


def penilai_list() -> list[AbstractBaseUser]:
    """The penilai of the region in scope, by username."""
    return [
        membership.user
        for membership in Membership.objects.filter(role=Role.PENILAI)
        .select_related("user")
        .order_by("user__username")
    ]
