"""The score workbook: one sheet `nilai`, one row per value to enter in a period.

    tahap | kecamatan | penilai | aspek | indikator | nilai | nilai_min | nilai_maks | pilihan

This layout is a public contract (`score_template`, `import_scores` and the upload page all
use it; outside scripts produce it). `penilai` is a team member's username, or `mandiri` for a
value the kecamatan enters itself; a multi-part indicator has one row per part, named
`<code>:<part>`; a choice takes the option's code. `nilai_min`, `nilai_maks` and `pilihan`
only inform whoever fills the sheet: the import checks against the instrument set, never
against those columns.

Nothing here writes to the database: `evaluations.services.scores_import` does, with the
cells `parse_score_rows` returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from config.xlsx import UnreadableCell, WorkbookRejected, open_workbook_safely, sheet_values
from evaluations.models import Period
from evaluations.scoring_input import (
    PeriodScoreLayout,
)
from regions import formatting
from regions.models import Kecamatan
from scoring.engine import compute_ranking
from scoring.rules import (
    CHOICE_KINDS,
    KECAMATAN_ASSESSOR,
    EnteredBy,
    IndicatorKind,
    Refusal,
    ValueRange,
    split_year_part,
)
from scoring.structures import IndicatorSpec, ScoringInput

SHEET = "nilai"
HEADER = (
    "tahap",
    "kecamatan",
    "penilai",
    "aspek",
    "indikator",
    "nilai",
    "nilai_min",
    "nilai_maks",
    "pilihan",
)
MAX_ROWS = 200_000  # far above the largest region (a few hundred kecamatan × team × indicators)
# ScoreEntry.value is DecimalField(max_digits=14, decimal_places=4).
MAX_DECIMALS = 4
MAX_ABS_VALUE = Decimal("1e10")


class ScoreWorkbookError(Exception):
    """The workbook cannot be read or has bad rows; `messages` holds one line per problem,
    `baris N: …` for a row (N as the spreadsheet numbers it, the header being row 1)."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


# ---------------------------------------------------------------- what a cell accepts


@dataclass(frozen=True)
class CellRule:
    """What one row of the sheet accepts for one indicator (or one part of it): a number in
    the engine's range (`range`, `scoring.rules.ValueRange`), or one of `options`."""

    part: str
    choice: bool
    low: Decimal | None  # shown in nilai_min; for a choice: the lowest option score
    high: Decimal | None
    range: ValueRange | None = None  # None for a choice
    options: tuple[str, ...] = ()

    @property
    def choices_text(self) -> str:
        return "/".join(self.options)

    @property
    def integer_only(self) -> bool:
        return bool(self.range and self.range.integer_only)


def cell_rules(indicator: IndicatorSpec) -> tuple[CellRule, ...]:
    """The rows a scored indicator takes: one, or one per part; none for a text or file
    indicator, nor for informational figures (entered on the sheet, never a score)."""
    return entry_rules(indicator) if indicator.scored else ()


def entry_rules(indicator: IndicatorSpec) -> tuple[CellRule, ...]:
    """The cells an indicator takes on a sheet, scored or informational: one, or one per
    part; none for a text or file indicator. The cells and their ranges are the engine's
    (`IndicatorSpec.cells`)."""
    if indicator.kind in CHOICE_KINDS:
        scores = [option.score for option in indicator.options]
        return (
            CellRule(
                "",
                True,
                min(scores, default=None),
                max(scores, default=None),
                options=tuple(option.code for option in indicator.options),
            ),
        )
    return tuple(
        CellRule(part, False, rule.low, rule.high, rule)
        for part, rule in indicator.cells
        if rule is not None
    )


def part_label(indicator: IndicatorSpec, part: str, year_evaluated: int | None = None) -> str:
    """How people read one part of a multi-part indicator: its label from the set
    ("Realisasi fisik"), with the year for a part entered once a year ("Realisasi fisik
    2025 (%)" — the years end with the period's `year_evaluated`; "tahun ke-1" without
    one) and "(%)" for a percentage. "" for a single-value indicator."""
    if not part:
        return ""
    name, year = split_year_part(part) if indicator.years > 1 else (part, None)
    label = dict(indicator.part_labels).get(name, name)
    percentage = indicator.kind == IndicatorKind.PERCENTAGE_PAIR and name not in (
        indicator.recorded
    )
    if year is not None:
        if year_evaluated:
            label = f"{label} {year_evaluated - indicator.years + year}"
        else:
            label = _("%(label)s tahun ke-%(n)s") % {"label": label, "n": year}
    return f"{label} (%)" if percentage else label


# ---------------------------------------------------------------- the template


def score_template_rows(data: ScoringInput) -> Iterator[tuple[Any, ...]]:
    """The template's data rows for `data`, in a stable order: stage, kecamatan (name),
    `mandiri` then each member (team order) assigned to the kecamatan, aspect, indicator,
    part; prefilled with the stored values. After a shortlist stage, only the shortlisted
    kecamatan once the shortlist is settled."""
    stored = {
        (e.stage_code, e.participant_key, e.assessor, e.aspect_code, e.indicator_code, e.part): e
        for e in data.entries
    }
    teams = dict(data.teams)
    allowed = stage_participants(data)
    expected = {(e.stage_code, e.participant_key): set(e.assessors) for e in data.expected}
    for stage in data.instrument.stages:
        own: list[tuple[str, IndicatorSpec, CellRule]] = []
        team: list[tuple[str, IndicatorSpec, CellRule]] = []
        for aspect in stage.aspects:
            for indicator in aspect.indicators:
                target = own if indicator.entered_by == EnteredBy.KECAMATAN else team
                target.extend((aspect.code, indicator, rule) for rule in cell_rules(indicator))
        sheets: list[tuple[str | None, list[tuple[str, IndicatorSpec, CellRule]]]] = []
        if own:
            sheets.append((None, own))
        if team:
            sheets.extend((username, team) for username in teams.get(stage.code, ()))
        for participant in data.participants:
            if participant.disqualified or participant.key not in allowed[stage.code]:
                continue
            only = expected.get((stage.code, participant.key))
            for assessor, cells in sheets:
                if assessor is not None and only is not None and assessor not in only:
                    continue  # not assigned to this kecamatan: no row to fill
                for aspect_code, indicator, rule in cells:
                    entry = stored.get(
                        (
                            stage.code,
                            participant.key,
                            assessor,
                            aspect_code,
                            indicator.code,
                            rule.part,
                        )
                    )
                    if entry is None:
                        value: Any = None
                    elif rule.choice:
                        value = entry.option_code
                    else:
                        value = _cell_number(entry.value)
                    yield (
                        stage.code,
                        participant.name,
                        KECAMATAN_ASSESSOR if assessor is None else assessor,
                        aspect_code,
                        f"{indicator.code}:{rule.part}" if rule.part else indicator.code,
                        value,
                        # A choice takes a code: a number range there would mislead.
                        None if rule.choice else _cell_number(rule.low),
                        None if rule.choice else _cell_number(rule.high),
                        rule.choices_text or None,
                    )


def stage_participants(data: ScoringInput) -> dict[str, set[str]]:
    """Participant keys expected in each stage. A stage after a shortlist expects only the
    shortlisted kecamatan once every participant of the shortlist stage has its score;
    before that, nobody knows who goes on, so every participant is expected."""
    everyone = {p.key for p in data.participants if not p.disqualified}
    allowed = {stage.code: everyone for stage in data.instrument.stages}
    if not any(stage.shortlist_size for stage in data.instrument.stages[:-1]):
        return allowed
    try:
        ranking = compute_ranking(data)
    except ValueError:  # stored values the engine refuses: the ranking page shows why
        return allowed
    by_key = {result.key: {s.code: s for s in result.stages} for result in ranking.results}
    settled = True
    for index, stage in enumerate(data.instrument.stages):
        if index and settled:
            allowed[stage.code] = {
                key
                for key, stages in by_key.items()
                if stage.code in stages and not stages[stage.code].skipped_reason
            }
        if stage.shortlist_size:
            reached = [
                stages[stage.code]
                for stages in by_key.values()
                if stage.code in stages and not stages[stage.code].skipped_reason
            ]
            settled = settled and all(result.score is not None for result in reached)
            if not settled:
                break
    return allowed


def _cell_number(value: Decimal | None) -> int | Decimal | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def score_template_write(*, data: ScoringInput, out: IO[bytes] | str | Path, **extra: Any) -> int:
    """Write the template for `data` to `out` (a path or a binary file); return the number
    of data rows. `evaluations.score_template` writes it, for people as well: validations,
    protected key columns, sheet `petunjuk`; `extra`: its `guide` and `penilai`."""
    from evaluations.score_template import score_template_write as write  # builds on this

    return write(data=data, out=out, **extra)


def score_template_bytes(*, period: Period, penilai: str | None = None) -> bytes:
    """The template of `period` (or one penilai's rows) as xlsx bytes, for a download. Call
    inside the region scope."""
    from evaluations.score_template import score_template_bytes as template_bytes

    return template_bytes(period=period, penilai=penilai)


# ---------------------------------------------------------------- reading a workbook


def read_score_rows(source: IO[bytes] | bytes | str | Path) -> list[tuple[int, tuple[Any, ...]]]:
    """The data rows of sheet `nilai` as (spreadsheet row number, 9 values), fully empty
    rows left out. Raises ScoreWorkbookError for a file `config.xlsx` refuses (not an xlsx,
    too large, a zip bomb, macros, DOCTYPE/ENTITY), a missing sheet, a wrong header or too
    many rows. Formulas and unreadable cells (config.xlsx.UnreadableCell) are refused row
    by row when the rows are checked."""
    try:
        if isinstance(source, str | Path):
            path = Path(source)
            if not path.is_file():
                raise ScoreWorkbookError([_("Berkas %(path)s tidak ditemukan.") % {"path": path}])
            with path.open("rb") as handle:
                workbook = open_workbook_safely(handle, name=path.name)
        else:
            workbook = open_workbook_safely(source)
    except WorkbookRejected as error:
        raise ScoreWorkbookError(error.messages) from None
    try:
        sheets = {name.strip().lower(): name for name in workbook.sheetnames}
        if SHEET not in sheets:
            raise ScoreWorkbookError(
                [_("Lembar '%(sheet)s' tidak ada dalam berkas.") % {"sheet": SHEET}]
            )
        # `sheet_rows` of config.xlsx caps sheets at a few thousand rows and refuses the
        # whole sheet for one bad cell; this sheet is ten times larger and reports an
        # unreadable cell on its row, with the row's other problems.
        rows = sheet_values(workbook[sheets[SHEET]], max_columns=len(HEADER))
        first = next(rows, None)
        names = (
            tuple(_text(value).lower() for value in first[1])
            if first is not None and first[0] == 1
            else ()
        )
        if names != HEADER:
            raise ScoreWorkbookError(
                [_("baris 1: kepala kolom harus %(expected)s.") % {"expected": " | ".join(HEADER)}]
            )
        result = []
        for number, row in rows:
            if all(
                value is None or (isinstance(value, str) and not value.strip()) for value in row
            ):
                continue
            if len(result) >= MAX_ROWS:
                raise ScoreWorkbookError(
                    [_("Berkas berisi lebih dari %(n)s baris nilai.") % {"n": MAX_ROWS}]
                )
            result.append((number, row))
        return result
    except WorkbookRejected as error:
        raise ScoreWorkbookError(error.messages) from None
    finally:
        workbook.close()


# ---------------------------------------------------------------- checking the rows


@dataclass(frozen=True)
class ParsedCell:
    """One checked row: the cell it names and its new value (`cleared`: delete the value)."""

    row: int
    kecamatan_id: int
    indicator_id: int
    assessor_id: int | None
    part: str
    value: Decimal | None
    option_code: str
    cleared: bool

    @property
    def key(self) -> tuple[int, int, int | None, str]:
        return (self.kecamatan_id, self.indicator_id, self.assessor_id, self.part)


@dataclass
class _Target:
    indicator_id: int
    code: str
    entered_by: EnteredBy
    kind: IndicatorKind
    rules: dict[str, CellRule]  # by part ("" for a single value)


class _Lookup:
    """Exact match first, then case-insensitive when that is unambiguous."""

    def __init__(self, items: Iterable[tuple[str, Any]]) -> None:
        self.exact: dict[str, Any] = {}
        folded: dict[str, list[Any]] = {}
        for name, value in items:
            self.exact.setdefault(name, value)
            bucket = folded.setdefault(name.casefold(), [])
            if value not in bucket:
                bucket.append(value)
        self.folded = {name: values[0] for name, values in folded.items() if len(values) == 1}

    def get(self, name: str) -> Any:
        found = self.exact.get(name)
        return found if found is not None else self.folded.get(name.casefold())


class ScoreRowParser:
    """Checks sheet rows against one period, with every lookup built once."""

    def __init__(self, layout: PeriodScoreLayout, kecamatan: Iterable[tuple[int, str, str]]):
        """`kecamatan`: (id, slug, name) of every kecamatan of the region."""
        self.stages = _Lookup((stage.code, stage.code) for stage in layout.spec.stages)
        self.layout = layout
        self.aspects: dict[str, _Lookup] = {}
        self.indicators: dict[tuple[str, str], _Lookup] = {}
        for stage in layout.spec.stages:
            self.aspects[stage.code] = _Lookup((a.code, a.code) for a in stage.aspects)
        targets: dict[tuple[str, str], list[tuple[str, _Target]]] = {}
        for pk, ref in layout.indicators.items():
            spec = ref.spec
            target = _Target(
                pk,
                spec.code,
                spec.entered_by,
                spec.kind,
                {rule.part: rule for rule in cell_rules(spec)},
            )
            targets.setdefault((ref.stage_code, ref.aspect_code), []).append((spec.code, target))
        for key, items in targets.items():
            self.indicators[key] = _Lookup(items)
        self.participants: dict[int, Any] = {
            ref.kecamatan_id: ref.participant for ref in layout.participants
        }
        self.kecamatan = _Lookup(
            [(slug, (pk, name)) for pk, slug, name in kecamatan]
            + [(name, (pk, name)) for pk, slug, name in kecamatan]
        )
        self.teams = {
            code: _Lookup((seat.username, seat.user_id) for seat in seats)
            for code, seats in layout.teams.items()
        }
        self.seen: dict[tuple[int, int, int | None, str], int] = {}

    def parse(self, rows: Iterable[tuple[int, Sequence[Any]]]) -> list[ParsedCell]:
        """Every row checked; raises ScoreWorkbookError listing every bad row."""
        cells: list[ParsedCell] = []
        errors: list[str] = []
        for number, row in rows:
            try:
                cells.append(self._row(number, row))
            except SheetCellError as error:
                errors.append(_("baris %(n)s: %(reason)s") % {"n": number, "reason": error.args[0]})
        if errors:
            raise ScoreWorkbookError(errors)
        return cells

    def _row(self, number: int, row: Sequence[Any]) -> ParsedCell:
        for value in row:
            if isinstance(value, UnreadableCell):
                raise SheetCellError(value.reason)
        stage_text, kecamatan_text, assessor_text, aspect_text, indicator_text = (
            _required(row[index], HEADER[index]) for index in range(5)
        )
        raw = row[5]

        stage = self.stages.get(stage_text)
        if stage is None:
            raise SheetCellError(_("tahap '%(v)s' tidak dikenal") % {"v": stage_text})

        found = self.kecamatan.get(kecamatan_text)
        if found is None:
            raise SheetCellError(_("kecamatan '%(v)s' tidak dikenal") % {"v": kecamatan_text})
        kecamatan_id, kecamatan_name = found
        participant = self.participants.get(kecamatan_id)
        if participant is None:
            raise SheetCellError(
                _("kecamatan %(v)s bukan peserta periode ini") % {"v": kecamatan_name}
            )
        if participant.disqualified:
            raise SheetCellError(
                _("kecamatan %(v)s ditandai tidak dinilai") % {"v": kecamatan_name}
            )

        aspect = self.aspects[stage].get(aspect_text)
        if aspect is None:
            raise SheetCellError(
                _("aspek '%(v)s' tidak dikenal pada tahap %(stage)s")
                % {"v": aspect_text, "stage": stage}
            )
        code, _sep, part = indicator_text.partition(":")
        code, part = code.strip(), part.strip()
        lookup = self.indicators.get((stage, aspect))
        target: _Target | None = lookup.get(code) if lookup else None
        if target is None:
            raise SheetCellError(
                _("indikator '%(v)s' tidak dikenal pada aspek %(aspect)s tahap %(stage)s")
                % {"v": code, "aspect": aspect, "stage": stage}
            )
        if not target.rules:
            raise SheetCellError(
                _("indikator %(v)s berupa uraian tanpa skor dan tidak diisi lewat berkas ini")
                % {"v": target.code}
            )
        rule = self._rule(target, part, bool(_sep))

        if assessor_text.casefold() == KECAMATAN_ASSESSOR:
            if target.entered_by != EnteredBy.KECAMATAN:
                raise SheetCellError(
                    _("indikator %(v)s diisi oleh tim penilai, bukan '%(m)s'")
                    % {"v": target.code, "m": KECAMATAN_ASSESSOR}
                )
            assessor_id = None
        else:
            if target.entered_by == EnteredBy.KECAMATAN:
                raise SheetCellError(
                    _("indikator %(v)s diisi oleh kecamatan; tulis '%(m)s' pada kolom penilai")
                    % {"v": target.code, "m": KECAMATAN_ASSESSOR}
                )
            assessor_id = self.teams.get(stage, _Lookup(())).get(assessor_text)
            if assessor_id is None:
                raise SheetCellError(
                    _("penilai '%(v)s' bukan anggota tim tahap %(stage)s")
                    % {"v": assessor_text, "stage": stage}
                )
            if not self.layout.assigned(stage, assessor_id, kecamatan_id):
                raise SheetCellError(
                    _(
                        "penilai '%(v)s' tidak ditugaskan menilai kecamatan %(kecamatan)s pada "
                        "tahap %(stage)s"
                    )
                    % {"v": assessor_text, "kecamatan": kecamatan_name, "stage": stage}
                )

        key = (kecamatan_id, target.indicator_id, assessor_id, rule.part)
        first = self.seen.setdefault(key, number)
        if first != number:
            raise SheetCellError(_("sel yang sama sudah ada pada baris %(n)s") % {"n": first})

        value, option_code = cell_value(raw, rule, target.code)
        return ParsedCell(
            row=number,
            kecamatan_id=kecamatan_id,
            indicator_id=target.indicator_id,
            assessor_id=assessor_id,
            part=rule.part,
            value=value,
            option_code=option_code,
            cleared=value is None and not option_code,
        )

    @staticmethod
    def _rule(target: _Target, part: str, has_part: bool) -> CellRule:
        if "" in target.rules:
            if not has_part:
                return target.rules[""]
            if len(target.rules) == 1:
                raise SheetCellError(
                    _("indikator %(v)s tidak memiliki bagian; tulis '%(v)s' saja")
                    % {"v": target.code}
                )
        names = "/".join(name for name in target.rules if name)
        if not has_part:
            raise SheetCellError(
                _("indikator %(v)s terdiri atas bagian (%(parts)s); tulis %(v)s:<bagian>")
                % {"v": target.code, "parts": names}
            )
        rule = target.rules.get(part) or next(
            (r for name, r in target.rules.items() if name.casefold() == part.casefold()), None
        )
        if rule is None:
            raise SheetCellError(
                _("bagian '%(part)s' tidak dikenal pada indikator %(v)s (%(parts)s)")
                % {"part": part, "v": target.code, "parts": names}
            )
        return rule


class SheetCellError(Exception):
    """One cell's content is refused; the message says why, in Indonesian."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _required(value: Any, column: str) -> str:
    text = _text(value)
    if not text:
        raise SheetCellError(_("kolom %(c)s kosong") % {"c": column})
    return text


def cell_value(raw: Any, rule: CellRule, code: str) -> tuple[Decimal | None, str]:
    """(value, option code) for a cell; (None, "") for an empty cell."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    if isinstance(raw, ArrayFormula | DataTableFormula) or (
        isinstance(raw, str) and raw.lstrip().startswith("=")
    ):
        raise SheetCellError(_("nilai berupa rumus; isi nilainya saja (tempel sebagai nilai)"))
    if rule.choice:
        text = _text(raw)
        if text in rule.options:
            return None, text
        folded = [option for option in rule.options if option.casefold() == text.casefold()]
        if len(folded) == 1:
            return None, folded[0]
        raise SheetCellError(
            _("pilihan '%(v)s' tidak tersedia pada indikator %(code)s (pilih %(options)s)")
            % {"v": text, "code": code, "options": rule.choices_text}
        )
    number = _number(raw)
    if number is None:
        raise SheetCellError(_("nilai '%(v)s' bukan angka") % {"v": _text(raw)})
    shown = formatting.number(number)
    if abs(number) >= MAX_ABS_VALUE:
        raise SheetCellError(_("nilai %(v)s terlalu besar") % {"v": shown})
    assert rule.range is not None
    refused = rule.range.refusal(number)  # the engine's range rule
    if refused == Refusal.FRACTION:
        raise SheetCellError(
            _("nilai %(v)s harus bilangan bulat pada indikator %(code)s")
            % {"v": shown, "code": code}
        )
    if -number.normalize().as_tuple().exponent > MAX_DECIMALS:  # type: ignore[operator]
        raise SheetCellError(
            _("nilai %(v)s memiliki lebih dari %(n)s angka di belakang koma")
            % {"v": shown, "n": MAX_DECIMALS}
        )
    if refused == Refusal.BELOW:
        raise SheetCellError(
            _("nilai %(v)s di bawah nilai minimal %(low)s")
            % {"v": shown, "low": formatting.number(rule.range.low)}  # type: ignore[arg-type]
        )
    if refused == Refusal.ABOVE:
        raise SheetCellError(
            _("nilai %(v)s di atas nilai maksimal %(high)s")
            % {"v": shown, "high": formatting.number(rule.range.high)}  # type: ignore[arg-type]
        )
    return number, ""


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def _number(raw: Any) -> Decimal | None:
    """A cell as an exact Decimal: numbers as Excel stores them (the shortest decimal that
    reads back as the same float), text such as "85,5" or "85.5"; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        if not _NUMBER.match(text):
            return None
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None
    return None


def region_kecamatan() -> list[tuple[int, str, str]]:
    """(id, slug, name) of every kecamatan of the active region scope."""
    return list(Kecamatan.objects.values_list("pk", "slug", "name"))
