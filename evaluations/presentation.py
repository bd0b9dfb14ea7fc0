"""Shapes a `scoring.structures.Ranking` into rows and columns for pages and exports."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from scoring.structures import ParticipantResult, Ranking, ResultStatus

# A result's status in the glossary's words (README, "Glossary / Daftar istilah"); the badge
# in templates/evaluations/_status.html uses the same ones.
STATUS_LABELS = {
    ResultStatus.RANKED: _("Diperingkat"),
    ResultStatus.DISQUALIFIED: _("Tidak dinilai"),
    ResultStatus.NOT_SHORTLISTED: _("Tidak masuk seleksi"),
    ResultStatus.INCOMPLETE: _("Belum lengkap"),
}


@dataclass(frozen=True)
class Column:
    stage_code: str
    stage_name: str
    aspect_code: str | None  # None: the stage score itself
    label: str
    weight: Decimal | None = None


@dataclass(frozen=True)
class Row:
    result: ParticipantResult
    cells: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class RankingTable:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    stage_spans: tuple[tuple[str, int], ...]  # (stage name, number of columns) for headers


def ranking_table(ranking: Ranking) -> RankingTable:
    """One column per counted aspect and per stage, in instrument order."""
    columns: list[Column] = []
    seen: set[tuple[str, str | None]] = set()
    for result in ranking.results:
        for stage in result.stages:
            for aspect in stage.aspects:
                key = (stage.code, aspect.code)
                if key not in seen and aspect.counts_toward_total:
                    seen.add(key)
                    columns.append(
                        Column(stage.code, stage.name, aspect.code, aspect.code, aspect.weight)
                    )
            if (stage.code, None) not in seen:
                seen.add((stage.code, None))
                columns.append(Column(stage.code, stage.name, None, stage.code))
    # Group each stage's aspects before its total, stages in their first-seen order.
    order = {c.stage_code: i for i, c in reversed(list(enumerate(columns)))}
    columns.sort(key=lambda c: (order[c.stage_code], c.aspect_code is None))
    rows = []
    for result in ranking.results:
        stage_scores = {s.code: s for s in result.stages}
        cells = []
        for column in columns:
            stage = stage_scores.get(column.stage_code)
            if stage is None:
                cells.append(None)
            elif column.aspect_code is None:
                cells.append(stage.score)
            else:
                aspect = next((a for a in stage.aspects if a.code == column.aspect_code), None)
                cells.append(aspect.score if aspect else None)
        rows.append(Row(result, tuple(cells)))
    spans: list[tuple[str, int]] = []
    for column in columns:
        if spans and spans[-1][0] == column.stage_name:
            spans[-1] = (column.stage_name, spans[-1][1] + 1)
        else:
            spans.append((column.stage_name, 1))
    return RankingTable(tuple(columns), tuple(rows), tuple(spans))
