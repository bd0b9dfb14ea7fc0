"""Shapes a `scoring.structures.Ranking` into rows and columns for pages and exports."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from regions import formatting
from regions.people import person_name
from regions.selectors import people_by_username
from scoring.messages import Message, Param
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
    totals: tuple[Decimal | None, ...] = ()  # the stage totals alone, in stage order


@dataclass(frozen=True)
class StageAspects:
    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[ParticipantResult, tuple[Decimal | None, ...]], ...]


@dataclass(frozen=True)
class RankingTable:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    stage_spans: tuple[tuple[str, int], ...]  # (stage name, number of columns) for headers

    @property
    def totals(self) -> list[tuple[Column, list[Decimal | None]]]:
        """Each stage's total column with its cells in row order: the table to present."""
        return [
            (column, [row.cells[index] for row in self.rows])
            for index, column in enumerate(self.columns)
            if column.aspect_code is None
        ]

    @property
    def stages_folded(self) -> list[StageAspects]:
        """Each stage's aspect columns, for the folded detail under the main table."""
        folded = []
        for code in dict.fromkeys(column.stage_code for column in self.columns):
            indexes = [
                i for i, c in enumerate(self.columns) if c.stage_code == code and c.aspect_code
            ]
            if not indexes:
                continue
            folded.append(
                StageAspects(
                    name=self.columns[indexes[0]].stage_name,
                    columns=tuple(self.columns[i] for i in indexes),
                    rows=tuple(
                        (row.result, tuple(row.cells[i] for i in indexes)) for row in self.rows
                    ),
                )
            )
        return folded


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
        totals = tuple(
            cell for cell, column in zip(cells, columns, strict=True) if not column.aspect_code
        )
        rows.append(Row(result, tuple(cells), totals))
    spans: list[tuple[str, int]] = []
    for column in columns:
        if spans and spans[-1][0] == column.stage_name:
            spans[-1] = (column.stage_name, spans[-1][1] + 1)
        else:
            spans.append((column.stage_name, 1))
    return RankingTable(tuple(columns), tuple(rows), tuple(spans))


# Parameters of the engine's messages that name a person by username, and when.
_PERSON_PARAMS = frozenset({"assessor", "recorded_by"})
_TIME_PARAMS = frozenset({"recorded_at"})


def messages_usernames(messages: Iterable[Message]) -> set[str]:
    """The usernames the messages name, for one `people_by_username` query."""
    return {
        str(value)
        for item in messages
        for name, value in item.params
        if name in _PERSON_PARAMS and value
    }


def message_text(item: Message, people: Mapping[str, AbstractBaseUser]) -> str:
    """An engine message as a page prints it: through gettext, people by name (the engine
    names them by username) and moments in the glossary's date format."""
    params: list[tuple[str, Param]] = []
    for name, value in item.params:
        if name in _PERSON_PARAMS:
            user = people.get(str(value))
            value = person_name(user) if user is not None else (value or _("sistem"))
        elif name in _TIME_PARAMS and isinstance(value, str) and value:
            value = formatting.date_time(datetime.fromisoformat(value))
        params.append((name, value))
    return Message(item.code, tuple(params), item.template).render(gettext)


def messages_text(
    messages: Iterable[Message], people: Mapping[str, AbstractBaseUser] | None = None
) -> list[str]:
    """`message_text` for each message, looking the people up when not given (one query)."""
    messages = list(messages)
    if people is None:
        people = people_by_username(usernames=messages_usernames(messages))
    return [message_text(item, people) for item in messages]
