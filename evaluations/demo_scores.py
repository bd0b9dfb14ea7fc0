"""Plausible values for a demo period, so a newcomer sees a whole ranking at once.

Each kecamatan gets a strength, each member a leniency, each cell a little noise; a value is
that fraction of its range (a choice: the option whose score is nearest). Values go in
stage by stage through the score import (`scores_import_rows`), the path a Tapem upload
takes, so a stage after a shortlist receives values only for the shortlisted kecamatan.
The figures are invented; nothing here is a regulation's number.
"""

import random
from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from evaluations.models import Period
from evaluations.score_workbook import score_template_rows
from evaluations.scoring_input import scoring_input_for_period
from evaluations.services import scores_import_rows
from scoring.rules import CAPAIAN_PARTS, CHOICE_KINDS, KECAMATAN_ASSESSOR, IndicatorKind
from scoring.structures import IndicatorSpec

ONE = Decimal(1)


def demo_scores_fill(*, period: Period, seed: str, stages: Sequence[str] | None = None) -> int:
    """Enter demo values for every empty sheet of `period` (in its region's scope), or of
    the `stages` named; returns how many values were stored. Same `seed`, same values."""
    rng = random.Random(f"{seed}:{','.join(stages or ())}")
    strength: dict[str, float] = {}
    leniency: dict[str, float] = {}
    stored = 0
    stage_codes = stages or [s.code for s in period.instrument_set.stages.order_by("order")]
    for stage_code in stage_codes:
        data = scoring_input_for_period(period=period)
        specs = {
            (stage.code, aspect.code, indicator.code): indicator
            for stage in data.instrument.stages
            for aspect in stage.aspects
            for indicator in aspect.indicators
        }
        names = {participant.key: participant.name for participant in data.participants}
        away = {(a.stage_code, names[a.participant_key], a.assessor) for a in data.absences}
        rows = []
        for row in _by_username(score_template_rows(data)):
            stage, kecamatan, assessor, aspect, cell, value, low, high, _options = row
            cell_range = (_decimal(low), _decimal(high))
            if (
                stage != stage_code
                or value not in (None, "")
                or (stage, kecamatan, assessor) in away
            ):
                continue
            code, _, part = cell.partition(":")
            strong = strength.setdefault(kecamatan, rng.uniform(0.55, 0.93))
            lenient = leniency.setdefault(str(assessor), rng.uniform(-0.05, 0.05))
            fraction = min(max(strong + lenient + rng.uniform(-0.06, 0.06), 0.0), 1.0)
            indicator = specs[(stage, aspect, code)]
            rows.append(
                (
                    stage,
                    kecamatan,
                    assessor,
                    aspect,
                    cell,
                    _value(indicator, part, cell_range, fraction),
                )
            )
        if rows:
            scores_import_rows(period=period, rows=list(enumerate(rows, start=2)), by=None)
            stored += len(rows)
    return stored


def _by_username(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The template's rows with each kecamatan's sheets in username order ("mandiri"
    first): a demo member's values follow from who they are, not from where the SK lists
    them (Banggai's stage 3 puts the Bupati, penilai 6, first)."""
    group: list[tuple[Any, ...]] = []
    for row in rows:
        if group and row[:2] != group[0][:2]:
            yield from _sorted_group(group)
            group = []
        group.append(row)
    yield from _sorted_group(group)


def _sorted_group(group: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(group, key=lambda row: (row[2] != KECAMATAN_ASSESSOR, row[2]))


def _decimal(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _value(
    indicator: IndicatorSpec,
    part: str,
    cell_range: tuple[Decimal | None, Decimal | None],
    fraction: float,
) -> str | Decimal:
    share = Decimal(str(round(fraction, 4)))
    if indicator.kind in CHOICE_KINDS:
        best = max(indicator.options, key=lambda option: option.score).score
        worst = min(indicator.options, key=lambda option: option.score).score
        wanted = worst + (best - worst) * share
        return min(indicator.options, key=lambda option: abs(option.score - wanted)).code
    if indicator.kind == IndicatorKind.CAPAIAN:
        target = Decimal(100)
        if part == CAPAIAN_PARTS[0]:
            return target
        return (target * (Decimal("0.6") + share / 2)).quantize(ONE)
    if indicator.kind == IndicatorKind.COUNT_NORMALISED:
        return Decimal(1 + round(fraction * 11))
    low = cell_range[0] if cell_range[0] is not None else Decimal(0)
    high = cell_range[1] if cell_range[1] is not None else Decimal(100)
    value = low + (high - low) * share
    places = ONE if indicator.integer_only or high - low >= 20 else Decimal("0.1")
    return min(max(value.quantize(places, rounding=ROUND_HALF_UP), low), high)
