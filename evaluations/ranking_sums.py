"""The fast path of a ranking without the per-indicator trace: the database adds up the values
of every aspect that can be summed; the engine turns the sums into the same scores."""

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, connection

from evaluations.models import ScoreEntry
from evaluations.scoring_input import (
    PeriodScoreLayout,
    assemble_scoring_input,
    entries_from_rows,
    indicator_cells,
    kecamatan_answers,
    team_usernames,
)
from scoring.memory import collector_paused
from scoring.rules import CHOICE_KINDS, SUMMABLE_KINDS, AspectCombine, EnteredBy, Refusal
from scoring.structures import (
    IndicatorSpec,
    ScoringInput,
    SheetSums,
    StageSums,
    SumColumn,
    assemble,
)
from scoring.validation import instrument_errors

# ---------------------------------------------------------------- sums for a national ranking
#
# A ranking without the per-indicator trace needs, for most aspects, only how many of their
# cells each sheet filled and what those values add up to. The database adds them up in one
# GROUP BY (kecamatan, assessor), with no per-value Python object; the few aspects the engine
# must read value by value come as entries. The engine turns the sums into the same aspect
# scores (`scoring.formulas.aspect_from_sums`); the database only counts and adds, exactly.

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
                or any(i.kind not in SUMMABLE_KINDS or i.entered_by != side for i in specs)
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
    if indicator.kind in CHOICE_KINDS:
        return ("choice", tuple(sorted((o.code, o.score) for o in indicator.options)))
    ((_, rule),) = indicator.cells  # a score or percentage: one value and its range
    return ("number", rule)


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
            # The engine's range rule (`scoring.rules.ValueRange`), test by test.
            for refusal, bound in key[1].tests():
                if refusal == Refusal.FRACTION:
                    tests.append(dialect.fractional)
                else:
                    tests.append(f"{value} {'<' if refusal == Refusal.BELOW else '>'} %s")
                    params.append(dialect.number(bound))
        branches.append(f"WHEN {_id_test(pks)} THEN {' OR '.join(tests)}")
    return f"CASE {' '.join(branches)} END", params


def summed_scoring_input_from_layout(*, layout: PeriodScoreLayout) -> ScoringInput | None:
    """The engine's input with the summable aspects as `StageSums` (for `trace=False`), in
    three queries after the layout, whatever the number of kecamatan: the sums with a count
    per stage (and of the never-scored values), each column's count for the sheets not
    complete, and the values read as entries (no query when every aspect is summed).

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
    # Text, file and informational values are never scored: counted here, never read.
    select += [f"COUNT(*) FILTER (WHERE {_id_test(plan.text_pks)})" if plan.text_pks else "0"]
    select += ["COUNT(*)", f"COUNT(*) FILTER (WHERE {refused})"]
    table = ScoreEntry._meta.db_table
    answered = kecamatan_answers(layout)
    # The kecamatan's answers to team indicators are never values of the ranking.
    own_answers = f" AND NOT (assessor_id IS NULL AND {_id_test(answered)})" if answered else ""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT kecamatan_id, assessor_id, {', '.join(select)} FROM {table} "
                f"WHERE period_id = %s{own_answers} GROUP BY kecamatan_id, assessor_id",
                [*refused_params, layout.period.pk],
            )
            groups = cursor.fetchall()
    except DatabaseError:
        if not dialect.scaled:
            raise
        return None  # SQLite: an integer sum too large ("integer overflow")

    skipped: Counter[tuple[str, str]] = Counter()  # (reason, stage code) → number of values
    with collector_paused():
        sheets = _sum_sheets(layout, plan, groups, skipped)
        if sheets is None:
            return None
        counts = _column_counts(layout, plan, sheets)
        sums = _stage_sums(plan, dialect, sheets, counts)
        if sums is None:
            return None
        keys = {ref.kecamatan_id: ref.participant.key for ref in layout.participants}
        read_rows = ScoreEntry.objects.filter(period=layout.period, indicator_id__in=plan.entry_pks)
        if answered:
            read_rows = read_rows.exclude(assessor__isnull=True, indicator_id__in=answered)
        rows = read_rows.values_list(
            "kecamatan_id", "indicator_id", "assessor_id", "part", "value", "option_code"
        )
        read = 0

        def counted(rows: Iterable[Any]) -> Iterator[Any]:
            nonlocal read
            for row in rows:
                read += 1
                yield row

        entries = tuple(
            entries_from_rows(
                counted(rows.iterator(chunk_size=20_000)),
                indicator_cells(layout, plan.entry_pks),
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
    text_rows = sum(group[2 + len(columns) + len(plan.stages)] for group in groups)
    foreign = total_rows - summed_rows - read - text_rows
    if foreign:
        skipped["indicator", ""] += foreign
    return assemble_scoring_input(layout, entries, skipped, sums)


# (kecamatan_id, assessor_id, stage index) → (participant key, assessor, query row)
_SheetRows = dict[tuple[int, int | None, int], tuple[str, str | None, Sequence[Any]]]


def _sum_sheets(
    layout: PeriodScoreLayout,
    plan: _SumPlan,
    groups: Sequence[Sequence[Any]],
    skipped: Counter[tuple[str, str]],
) -> _SheetRows | None:
    """The query's rows, one per (kecamatan, assessor), as the sheets they make in each
    summed stage; values left out are counted in `skipped` as `entries_from_rows` counts them. None
    when a row behind a sheet is one the sums cannot stand for."""
    keys = {ref.kecamatan_id: ref.participant.key for ref in layout.participants}
    usernames = team_usernames(layout)
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
