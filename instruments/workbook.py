"""An instrument set as one xlsx workbook, and back: one sheet per level, one row per item.

The workbook is a view of the plain data (`services.instrument_set_to_data`): exporting
turns the dict into sheets, importing turns the sheets back into the same dict, which
`services.instrument_set_import_data` then checks and stores. A set survives the round
trip unchanged.

    set          one row: the regulation, its legal basis and set-wide rules
    tahap        one row per stage
    aspek        one row per aspect, naming its stage by code (column "tahap")
    indikator    one row per indicator, naming its stage and aspect ("tahap", "aspek")
    pilihan      one row per option, naming "tahap", "aspek" and "indikator"
    predikat     one row per predicate band
    seri         one row per tie-break rule, naming "tahap", "aspek" and "indikator"
    penghargaan  one row per award tier
    petunjuk     what every column means; ignored when importing

Headers are the Indonesian field names shown on the forms (so a message such as
"indikator baris 7: bobot dalam aspek (%) harus berupa angka." names the column to look
at). They are the file format, so they are read and written in Indonesian whatever the
interface language. Yes/no columns hold "ya"/"tidak", numbers are numbers, a choice holds
its code (its Indonesian label is accepted too), formula parameters are JSON text.

Why openpyxl directly rather than django-import-export resources over tablib:
import-export maps one flat model per resource and writes rows model by model, while a
set is one tree of eight levels whose rows name their parents by code and which must be
stored, validated and refused as a whole (`instrument_set_import_data` already does
that, atomically, with every problem listed). tablib also opens workbooks with
`data_only=True`, which hands over a formula's cached result instead of revealing the
formula we must refuse. So the workbook is read through `config.xlsx` (safe opening,
formulas refused) and written with openpyxl, which also gives drop-down lists for
choice columns and frozen header rows.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

import openpyxl
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from config.xlsx import WorkbookRejected, open_workbook_safely, sheet_rows
from instruments.fields import (
    ASPECT_FIELDS,
    AWARD_FIELDS,
    BAND_FIELDS,
    INDICATOR_FIELDS,
    OPTION_FIELDS,
    SET_FIELDS,
    STAGE_FIELDS,
    TIE_BREAK_FIELDS,
)
from instruments.models import (
    Aspect,
    AwardTier,
    Indicator,
    InstrumentSet,
    Option,
    PredicateBand,
    Stage,
    TieBreakRule,
)

# Columns naming the parent of a row by code, in the order they appear.
REFERENCE_HEADERS = {"stage": "tahap", "aspect": "aspek", "indicator": "indikator"}
GUIDE_SHEET = "petunjuk"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_VALIDATED_ROWS = 1000  # rows below the header that get drop-down lists
# Columns added after workbooks were in use: a workbook without them still imports, each
# item then taking the field's default (no reference; the published score decides).
OPTIONAL_KEYS = frozenset(
    {
        "reference",
        "decision_basis",
        "presentation_limits",
        "evidence_types",
        "informational",
        "kecamatan_answers",
    }
)


@dataclass(frozen=True)
class Column:
    key: str  # the plain-data key
    header: str
    kind: str  # text | choice | number | integer | boolean | date | json | reference
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    model: type
    fields: tuple[str, ...]
    parents: tuple[str, ...] = ()  # reference columns before the fields: "stage", …

    @property
    def columns(self) -> tuple[Column, ...]:
        references = tuple(Column(key, REFERENCE_HEADERS[key], "reference") for key in self.parents)
        return references + tuple(_column(self.model, name) for name in self.fields)


SHEETS = (
    Sheet("set", InstrumentSet, SET_FIELDS),
    Sheet("tahap", Stage, STAGE_FIELDS),
    Sheet("aspek", Aspect, ASPECT_FIELDS, parents=("stage",)),
    Sheet("indikator", Indicator, INDICATOR_FIELDS, parents=("stage", "aspect")),
    Sheet("pilihan", Option, OPTION_FIELDS, parents=("stage", "aspect", "indicator")),
    Sheet("predikat", PredicateBand, BAND_FIELDS),
    Sheet("seri", TieBreakRule, TIE_BREAK_FIELDS),
    Sheet("penghargaan", AwardTier, AWARD_FIELDS),
)
SHEET_NAMES = tuple(sheet.name for sheet in SHEETS)

_KINDS = {
    "DecimalField": "number",
    "PositiveIntegerField": "integer",
    "PositiveSmallIntegerField": "integer",
    "IntegerField": "integer",
    "BooleanField": "boolean",
    "DateField": "date",
    "JSONField": "json",
}


def _column(model: type, name: str) -> Column:
    if model is TieBreakRule and name in REFERENCE_HEADERS:
        return Column(name, REFERENCE_HEADERS[name], "reference")
    model_field = model._meta.get_field(name)
    with translation.override("id"):
        header = str(model_field.verbose_name)
        choices = tuple((str(value), str(label)) for value, label in model_field.choices or ())
    kind = "choice" if choices else _KINDS.get(model_field.get_internal_type(), "text")
    return Column(name, header, kind, choices)


# ------------------------------------------------------------------------------ export


def data_to_workbook(data: dict[str, Any]) -> bytes:
    """The plain data of a set as xlsx bytes."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        _write_sheet(book.create_sheet(sheet.name), sheet, _sheet_items(sheet.name, data))
    _write_guide(book.create_sheet(GUIDE_SHEET))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_items(name: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The items of one sheet, each with its parents' codes under "stage"/"aspect"/…"""
    if name == "set":
        return [data]
    if name in ("predikat", "seri", "penghargaan"):
        key = {"predikat": "predicate_bands", "seri": "tie_break_rules"}.get(name, "award_tiers")
        return data.get(key, [])
    items = []
    for stage in data.get("stages", []):
        if name == "tahap":
            items.append(stage)
            continue
        for aspect in stage.get("aspects", []):
            if name == "aspek":
                items.append({"stage": stage["code"], **aspect})
                continue
            for indicator in aspect.get("indicators", []):
                if name == "indikator":
                    items.append({"stage": stage["code"], "aspect": aspect["code"], **indicator})
                    continue
                items.extend(
                    {
                        "stage": stage["code"],
                        "aspect": aspect["code"],
                        "indicator": indicator["code"],
                        **option,
                    }
                    for option in indicator.get("options", [])
                )
    return items


def _write_sheet(worksheet: Any, sheet: Sheet, items: list[dict[str, Any]]) -> None:
    columns = sheet.columns
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE7EE")
    for index, column in enumerate(columns, start=1):
        cell = worksheet.cell(row=1, column=index, value=column.header)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = 48 if column.key in ("text", "description", "legal_title", "assumption") else 16
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    for row, item in enumerate(items, start=2):
        for index, column in enumerate(columns, start=1):
            _write_cell(worksheet.cell(row=row, column=index), column, item.get(column.key))
    for index, column in enumerate(columns, start=1):
        options = [value for value, _label in column.choices]
        if column.kind == "boolean":
            options = ["ya", "tidak"]
        if options:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(options) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Nilai tidak dikenal"),
                error=_("Pilih salah satu nilai dari daftar."),
            )
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{_VALIDATED_ROWS + 1}")
            worksheet.add_data_validation(validation)


def _write_cell(cell: Any, column: Column, value: Any) -> None:
    if value is None or value == "":
        return
    if column.kind == "number":
        cell.value = Decimal(str(value))
    elif column.kind == "integer":
        cell.value = int(value)
    elif column.kind == "boolean":
        cell.value = "ya" if value else "tidak"
    elif column.kind == "date":
        cell.value = datetime.date.fromisoformat(str(value))
        cell.number_format = "yyyy-mm-dd"
    elif column.kind == "json":
        if value:
            cell.value = json.dumps(value, ensure_ascii=False)
    else:
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        # Text is text: openpyxl would store "=…" as a formula (which the import refuses).
        cell.data_type = "s"
        if "\n" in cell.value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_guide(worksheet: Any) -> None:
    worksheet.append([_("Petunjuk pengisian workbook set instrumen")])
    worksheet["A1"].font = Font(bold=True, size=13)
    for line in (
        _(
            "Setiap lembar memuat satu tingkat: set, tahap, aspek, indikator, pilihan, "
            "predikat, seri dan penghargaan. Baris pertama setiap lembar adalah judul kolom; "
            "jangan diubah."
        ),
        _(
            "Baris aspek, indikator dan pilihan menyebut induknya dengan kode pada kolom "
            "tahap, aspek dan indikator."
        ),
        _(
            "Isi angka sebagai angka (desimal boleh dengan koma atau titik), kolom ya/tidak "
            "dengan ya atau tidak, dan jangan memakai rumus: sel berumus ditolak."
        ),
        _(
            "Bila kode set sudah ada, unggahan disimpan sebagai versi baru berstatus draf; "
            "versi lama tidak berubah."
        ),
    ):
        worksheet.append([line])
    worksheet.append([])
    worksheet.append([_("Lembar"), _("Kolom"), _("Keterangan"), _("Nilai yang diterima")])
    for cell in worksheet[worksheet.max_row]:
        cell.font = Font(bold=True)
    for sheet in SHEETS:
        for column in sheet.columns:
            worksheet.append([sheet.name, column.header, *_guide_text(sheet, column)])
    for letter, width in (("A", 14), ("B", 36), ("C", 70), ("D", 60)):
        worksheet.column_dimensions[letter].width = width


def _guide_text(sheet: Sheet, column: Column) -> tuple[str, str]:
    if column.kind == "reference":
        return _("Kode %(level)s induk baris ini.") % {"level": column.header}, ""
    model_field = sheet.model._meta.get_field(column.key)
    accepted = {
        "number": _("angka"),
        "integer": _("bilangan bulat"),
        "boolean": _("ya / tidak"),
        "date": _("tanggal (TTTT-BB-HH)"),
        "json": _(
            'teks JSON, misalnya {"phases": [{"code": "paparan", "label": "Pemaparan Camat", '
            '"minutes": 30}], "slides": 12, "reference": "Pasal 11"}; kosong bila tanpa '
            "pemaparan"
        )
        if column.key == "presentation_limits"
        else _('teks JSON, misalnya {"polarity": "higher_is_better"}'),
        "choice": "; ".join(f"{value} = {label}" for value, label in column.choices),
    }.get(column.kind, _("teks"))
    return str(model_field.help_text or ""), accepted


# ------------------------------------------------------------------------------ import


@dataclass
class WorkbookData:
    """A workbook read back into plain data, with where each item came from."""

    data: dict[str, Any]
    sources: dict[tuple, str]  # item path in `data` → "aspek baris 7"
    errors: list[str]  # rows that cannot become plain data, already "<lembar> baris <n>: …"
    row_order: dict[str, tuple[int, int]] = field(default_factory=dict)

    def sorted(self, messages: list[str]) -> list[str]:
        """Messages in sheet order, then row order; messages about no row go last."""
        last = (len(SHEETS), 0)
        return sorted(messages, key=lambda m: self.row_order.get(m.split(": ", 1)[0], last))


def workbook_to_data(source: bytes | IO[bytes]) -> WorkbookData:
    """Read an uploaded workbook into plain data without storing anything.

    Raises WorkbookRejected when the file is refused as a whole (see `config.xlsx`, plus
    missing or unknown sheets and columns); row problems are returned in `errors`.
    """
    book = open_workbook_safely(source)
    try:
        tables = _read_tables(book)
    finally:
        book.close()
    return _Assembler(tables).assemble()


def _read_tables(book: Any) -> dict[str, list[tuple[int, dict[str, Any], list[str]]]]:
    """Each sheet's data rows as (row number, values by key, problems of that row)."""
    present = {name.strip().lower(): name for name in book.sheetnames}
    problems = []
    missing = [name for name in SHEET_NAMES if name not in present]
    if missing:
        problems.append(
            _("Lembar %(sheets)s tidak ada. Unduh workbook dari Kinerja sebagai contoh.")
            % {"sheets": ", ".join(missing)}
        )
    unknown = [present[name] for name in present if name not in SHEET_NAMES and name != GUIDE_SHEET]
    if unknown:
        problems.append(
            _("Lembar %(sheets)s tidak dikenal; hapus lembar itu atau ganti namanya.")
            % {"sheets": ", ".join(unknown)}
        )
    tables = {}
    for sheet in SHEETS:
        if sheet.name not in present:
            continue
        try:
            tables[sheet.name] = _read_table(book[present[sheet.name]], sheet)
        except WorkbookRejected as exc:
            problems.extend(exc.messages)
    if problems:
        raise WorkbookRejected(*problems)
    return tables


def _read_table(worksheet: Any, sheet: Sheet) -> list[tuple[int, dict[str, Any], list[str]]]:
    rows = sheet_rows(worksheet)
    if not rows or rows[0][0] != 1:
        raise WorkbookRejected(
            _("Lembar %(sheet)s: baris pertama harus berisi judul kolom.") % {"sheet": sheet.name}
        )
    expected = {column.header: column for column in sheet.columns}
    positions: dict[int, Column] = {}
    problems = []
    seen = set()
    for position, value in enumerate(rows[0][1]):
        if value in (None, ""):
            continue
        header = " ".join(str(value).split()).lower()
        column = expected.get(header)
        if column is None:
            problems.append(
                _("Lembar %(sheet)s: kolom '%(column)s' tidak dikenal.")
                % {"sheet": sheet.name, "column": value}
            )
        elif header in seen:
            problems.append(
                _("Lembar %(sheet)s: kolom '%(column)s' muncul lebih dari sekali.")
                % {"sheet": sheet.name, "column": value}
            )
        else:
            positions[position] = column
        seen.add(header)
    for header, column in expected.items():
        if header not in seen and column.key not in OPTIONAL_KEYS:
            problems.append(
                _("Lembar %(sheet)s: kolom '%(column)s' tidak ada.")
                % {"sheet": sheet.name, "column": header}
            )
    if problems:
        raise WorkbookRejected(*problems)

    table = []
    for number, values in rows[1:]:
        row: dict[str, Any] = {}
        row_problems = []
        for position, value in enumerate(values):
            column = positions.get(position)
            if column is not None:
                _read_cell(row, column, value)
            elif value not in (None, ""):
                row_problems.append(
                    _("kolom %(letter)s tidak berjudul tetapi berisi data.")
                    % {"letter": get_column_letter(position + 1)}
                )
        table.append((number, row, row_problems))
    return table


def _read_cell(row: dict[str, Any], column: Column, value: Any) -> None:
    """Put one cell into the row as plain data; type problems are left for the import
    service, which reports them with the column's name."""
    if isinstance(value, str):
        value = value.strip()
    if column.kind in ("text", "choice", "reference"):
        value = _text(value)
        if column.kind == "choice":
            by_label = {label.lower(): code for code, label in column.choices}
            value = by_label.get(value.lower(), value)
        row[column.key] = value if value or column.kind != "reference" else None
    elif column.kind == "boolean":
        if value not in (None, ""):
            row[column.key] = value  # empty: the field's default
    elif column.kind == "json":
        if isinstance(value, str) and value:
            # Not JSON: left as text, which the import reports as "harus berupa objek JSON".
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        row[column.key] = value if value not in (None, "") else {}
    else:
        row[column.key] = value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    return str(value).strip()


class _Assembler:
    """Turns the sheets' rows into the nested plain data, parents found by code."""

    def __init__(self, tables: dict[str, list[tuple[int, dict[str, Any], list[str]]]]) -> None:
        self.tables = tables
        self.result = WorkbookData(data={}, sources={}, errors=[])

    def assemble(self) -> WorkbookData:
        data = self.result.data
        set_rows = self.tables["set"]
        if not set_rows:
            raise WorkbookRejected(_("Lembar set belum berisi baris data."))
        first, *extra = set_rows
        data.update(self._take("set", first, ()))
        for number, _row, _problems in extra:
            self._error("set", number, _("lembar set hanya boleh berisi satu baris."))

        stages: dict[str, dict] = {}
        data["stages"] = []
        for entry in self.tables["tahap"]:
            path = ("stages", len(data["stages"]))
            stage = {**self._take("tahap", entry, path), "aspects": []}
            data["stages"].append(stage)
            stages.setdefault(stage.get("code", ""), {"item": stage, "path": path})

        aspects: dict[tuple, dict] = {}
        for entry in self.tables["aspek"]:
            parent = self._parent("aspek", entry, stages, ("stage",))
            if parent is not None:
                item, path = parent["item"], parent["path"]
                path = (*path, "aspects", len(item["aspects"]))
                aspect = {**self._take("aspek", entry, path), "indicators": []}
                item["aspects"].append(aspect)
                aspects.setdefault(
                    (entry[1]["stage"], aspect.get("code", "")), {"item": aspect, "path": path}
                )

        indicators: dict[tuple, dict] = {}
        for entry in self.tables["indikator"]:
            parent = self._parent("indikator", entry, aspects, ("stage", "aspect"))
            if parent is not None:
                item, path = parent["item"], parent["path"]
                path = (*path, "indicators", len(item["indicators"]))
                indicator = {**self._take("indikator", entry, path), "options": []}
                item["indicators"].append(indicator)
                key = (entry[1]["stage"], entry[1]["aspect"], indicator.get("code", ""))
                indicators.setdefault(key, {"item": indicator, "path": path})

        for entry in self.tables["pilihan"]:
            parent = self._parent("pilihan", entry, indicators, ("stage", "aspect", "indicator"))
            if parent is not None:
                item, path = parent["item"], parent["path"]
                path = (*path, "options", len(item["options"]))
                item["options"].append(self._take("pilihan", entry, path))

        for sheet_name, key in (
            ("predikat", "predicate_bands"),
            ("seri", "tie_break_rules"),
            ("penghargaan", "award_tiers"),
        ):
            data[key] = [
                self._take(sheet_name, entry, (key, index))
                for index, entry in enumerate(self.tables[sheet_name])
            ]
        return self.result

    def _label(self, sheet_name: str, number: int) -> str:
        label = _("%(sheet)s baris %(row)s") % {"sheet": sheet_name, "row": number}
        self.result.row_order[label] = (SHEET_NAMES.index(sheet_name), number)
        return label

    def _error(self, sheet_name: str, number: int, message: str) -> None:
        self.result.errors.append(f"{self._label(sheet_name, number)}: {message}")

    def _take(self, sheet_name: str, entry: tuple, path: tuple) -> dict[str, Any]:
        number, row, problems = entry
        self.result.sources[path] = self._label(sheet_name, number)
        for problem in problems:
            self._error(sheet_name, number, problem)
        parents = SHEETS[SHEET_NAMES.index(sheet_name)].parents
        return {key: value for key, value in row.items() if key not in parents}

    def _parent(
        self, sheet_name: str, entry: tuple, parents: dict[tuple, dict], keys: tuple[str, ...]
    ) -> dict | None:
        number, row, _problems = entry
        codes = tuple(row.get(key) for key in keys)
        for key, code in zip(keys, codes, strict=True):
            if not code:
                self._error(
                    sheet_name,
                    number,
                    _("kolom %(column)s wajib diisi.") % {"column": REFERENCE_HEADERS[key]},
                )
                return None
        parent = parents.get(codes if len(codes) > 1 else codes[0])
        if parent is None:
            where = " · ".join(codes)
            self._error(
                sheet_name,
                number,
                _("%(level)s %(code)s tidak ada di lembar %(level)s.")
                % {"level": REFERENCE_HEADERS[keys[-1]], "code": where},
            )
        return parent
