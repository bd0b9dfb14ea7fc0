"""The score template people fill in Excel: sheet `nilai` and sheet `petunjuk`.

Sheet `nilai` keeps the machine contract of `evaluations.score_workbook` cell for cell (the
same nine columns, rows, order and prefilled values; `import_scores` reads it unchanged);
on top of it, for the person filling it:

- every `nilai` cell has a data validation: a drop-down of the option codes for a choice, a
  decimal or whole-number range for a number, refused with an Indonesian message, and as
  its input prompt the indicator's text, options and guidance (Excel allows 255 characters:
  the full text is on `petunjuk`). One DataValidation per indicator (part) covers all of
  its cells, so a 24,800-row sheet carries a few dozen validations, not 24,800;
- the sheet is protected without a password: columns A–E and G–I are locked, F `nilai` is
  not; the header row is frozen, filterable and explains each column in a comment;
- sheet `petunjuk` says, in Indonesian, how to fill and upload, what each column means,
  and lists every indicator of the workbook with its text, guidance, filling
  instructions, evidence and options.

`penilai` narrows the workbook to one team member's rows (their seats' stages, the
kecamatan they are assigned). Written in openpyxl's write-only mode, which streams rows and writes
validations, protection, filter and comments at the end of the sheet; freeze panes and
column widths must be set before the first row.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Iterator
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from evaluations.models import Period
from evaluations.score_workbook import (
    HEADER,
    MAX_ABS_VALUE,
    SHEET,
    CellRule,
    cell_rules,
    part_label,
    score_template_rows,
)
from evaluations.scoring_input import (
    PeriodScoreLayout,
    period_score_layout,
    scoring_input_from_layout,
)
from scoring.rules import KECAMATAN_ASSESSOR
from scoring.structures import IndicatorSpec, ScoringInput

GUIDE_SHEET = "petunjuk"
CODES_SHEET = "kode_pilihan"  # only when a list of codes is too long to write inline
VALUE_COLUMN = "F"
WIDTHS = dict(zip("ABCDEFGHI", (10, 24, 20, 8, 16, 10, 10, 10, 14), strict=True))
GUIDE_WIDTHS = dict(zip("ABCDEFGHIJ", (10, 10, 14, 18, 50, 36, 36, 30, 24, 40), strict=True))
# Excel refuses (and "repairs") a workbook whose validation texts exceed these lengths.
MAX_TITLE = 32
MAX_MESSAGE = 255
MAX_INLINE_LIST = 255


class NotOnTeam(LookupError):
    """The penilai holds no seat on any team of the period."""


# ---------------------------------------------------------------- what the set says


@dataclass(frozen=True)
class IndicatorNotes:
    group: str = ""
    guidance: str = ""  # fokus penilaian
    help_text: str = ""  # petunjuk pengisian
    evidence: str = ""  # data dukung


@dataclass(frozen=True)
class TemplateGuide:
    """What the instrument set tells the people filling, beyond the engine's specs."""

    period: str = ""
    instrument: str = ""
    legal_basis: str = ""
    notes: dict[tuple[str, str, str], IndicatorNotes] = field(default_factory=dict)
    year_evaluated: int | None = None  # names the years of a part entered once a year

    def for_indicator(self, stage: str, aspect: str, code: str) -> IndicatorNotes:
        return self.notes.get((stage, aspect, code), IndicatorNotes())


def template_guide(*, layout: PeriodScoreLayout) -> TemplateGuide:
    """The guide of `layout`'s period, from the instrument tree it already prefetched."""
    tree = layout.instrument_set
    notes = {
        (stage.code, aspect.code, indicator.code): IndicatorNotes(
            group=indicator.group,
            guidance=indicator.guidance,
            help_text=indicator.help_text,
            evidence=indicator.evidence_note,
        )
        for stage in tree.stages.all()
        for aspect in stage.aspects.all()
        for indicator in aspect.indicators.all()
    }
    legal = tree.legal_number
    if tree.legal_title and tree.legal_title not in legal:
        legal = _("%(number)s tentang %(title)s") % {
            "number": legal,
            "title": tree.legal_title,
        }
    return TemplateGuide(
        period=layout.period.name,
        instrument=_("%(name)s (versi %(version)s)") % {"name": tree.name, "version": tree.version},
        legal_basis=legal,
        notes=notes,
        year_evaluated=layout.period.year_evaluated,
    )


def seated_penilai(data: ScoringInput) -> set[str]:
    """Every username seated on a team of the period."""
    return {username for _stage, members in data.teams for username in members}


# ---------------------------------------------------------------- the workbook


def score_template_bytes(*, period: Period, penilai: str | None = None) -> bytes:
    """The template of `period` (or of one penilai's rows) as xlsx bytes, for a download.
    Call inside the region scope; raises NotOnTeam for a penilai without a seat."""
    layout = period_score_layout(period=period)
    buffer = io.BytesIO()
    score_template_write(
        data=scoring_input_from_layout(layout=layout),
        out=buffer,
        guide=template_guide(layout=layout),
        penilai=penilai,
    )
    return buffer.getvalue()


def score_template_write(
    *,
    data: ScoringInput,
    out: IO[bytes] | str | Path,
    guide: TemplateGuide | None = None,
    penilai: str | None = None,
) -> int:
    """Write the template for `data` to `out` (a path or a binary file); return the number
    of data rows. `guide` adds what the set says beyond the specs (guidance, evidence,
    legal basis); `penilai` keeps only that team member's rows (NotOnTeam if unseated)."""
    if penilai is not None and penilai not in seated_penilai(data):
        raise NotOnTeam(penilai)
    guide = guide or TemplateGuide()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    rows: Iterable[tuple[Any, ...]] = score_template_rows(data)
    if penilai is not None:
        rows = (row for row in rows if row[2] == penilai)
    cells = _cells_of(data)
    written = _write_values(sheet, rows, cells)
    count = sum(len(numbers) for numbers in written.values())
    codes = _CodeLists(workbook)
    for key, numbers in written.items():
        cell = cells[key]
        sheet.data_validations.append(_validation(cell, numbers, guide, codes))
    guide_sheet = workbook.create_sheet(GUIDE_SHEET)
    _write_guide(guide_sheet, data, guide, written, cells, count, penilai)
    codes.close()
    workbook.save(out)
    return count


@dataclass(frozen=True)
class _Cell:
    """What one `indikator` value of the sheet stands for."""

    stage: str
    aspect: str
    indicator: IndicatorSpec
    rule: CellRule

    @property
    def label(self) -> str:
        code = self.indicator.code
        return f"{code}:{self.rule.part}" if self.rule.part else code


# (stage code, aspect code, the `indikator` column: "KEU" or "KEU:fisik")
_Key = tuple[str, str, str]


def _cells_of(data: ScoringInput) -> dict[_Key, _Cell]:
    cells = {}
    for stage in data.instrument.stages:
        for aspect in stage.aspects:
            for indicator in aspect.indicators:
                for rule in cell_rules(indicator):
                    cell = _Cell(stage.code, aspect.code, indicator, rule)
                    cells[stage.code, aspect.code, cell.label] = cell
    return cells


def _write_values(
    sheet: Any, rows: Iterable[tuple[Any, ...]], cells: dict[_Key, _Cell]
) -> dict[_Key, list[int]]:
    """Stream the header and `rows` into `sheet`; return the sheet rows of each cell kind."""
    sheet.freeze_panes = "A2"  # write-only: views and widths go out with the first row
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.append(_header_cells(sheet))
    unlocked = WriteOnlyCell(sheet)
    unlocked.protection = Protection(locked=False)
    style = unlocked._style
    written: dict[_Key, list[int]] = {}
    number = 1
    for row in rows:
        number += 1
        value = WriteOnlyCell(sheet, row[5])
        value._style = copy(style)  # a copied style array: far cheaper than `.protection =`
        sheet.append([*(_text_cell(sheet, v) for v in row[:5]), value, *row[6:]])
        written.setdefault((row[0], row[3], row[4]), []).append(number)
    sheet.auto_filter.ref = f"A1:I{number}"
    # Locked by default: only the unlocked `nilai` cells take input. Columns may be widened
    # and rows filtered; there is no password (the petunjuk sheet says so).
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.autoFilter = False
    return written


def _header_cells(sheet: Any) -> list[WriteOnlyCell]:
    notes = _column_notes()
    bold = Font(bold=True)
    cells = []
    for name in HEADER:
        cell = WriteOnlyCell(sheet, name)
        cell.font = bold
        cell.comment = Comment(notes[name], "Kinerja", width=260, height=110)
        cells.append(cell)
    return cells


def _column_notes() -> dict[str, str]:
    return {
        "tahap": _("Kode tahap penilaian. Jangan diubah."),
        "kecamatan": _("Nama kecamatan yang dinilai. Jangan diubah."),
        "penilai": _(
            "Nama pengguna anggota tim penilai, atau '%(m)s' untuk nilai yang diisi "
            "kecamatan sendiri. Jangan diubah."
        )
        % {"m": KECAMATAN_ASSESSOR},
        "aspek": _("Kode aspek. Jangan diubah."),
        "indikator": _(
            "Kode indikator; indikator yang terdiri atas beberapa bagian ditulis "
            "<kode>:<bagian>, misalnya KEU:fisik. Jangan diubah."
        ),
        "nilai": _(
            "Satu-satunya kolom yang diisi: angka, atau kode pilihan dari daftar. Sel kosong "
            "berarti belum diisi."
        ),
        "nilai_min": _(
            "Nilai terkecil yang diterima. Pada baris pilihan: skor pilihan terendah, bukan "
            "angka yang diketik."
        ),
        "nilai_maks": _(
            "Nilai terbesar yang diterima; kosong berarti tanpa batas atas. Pada baris "
            "pilihan: skor pilihan tertinggi, bukan angka yang diketik."
        ),
        "pilihan": _("Kode pilihan yang dapat diisi pada kolom nilai, dipisah '/'."),
    }


def _text_cell(sheet: Any, value: Any) -> Any:
    # openpyxl would store a string starting with "=" as a formula: keep names as text.
    if isinstance(value, str) and value.startswith("="):
        return _cell(sheet, value)
    return value


def _cell(sheet: Any, value: Any, **style: Any) -> WriteOnlyCell:
    """A cell holding `value` as given (text stays text), with `style` (font=…, …)."""
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


# ---------------------------------------------------------------- validations


def _validation(
    cell: _Cell, numbers: list[int], guide: TemplateGuide, codes: _CodeLists
) -> DataValidation:
    """One validation over every sheet row of `cell` (`numbers`, ascending)."""
    rule = cell.rule
    common = {
        "sqref": _sqref(numbers),
        "allow_blank": True,  # empty: not entered
        "showInputMessage": True,
        "showErrorMessage": True,
        "errorStyle": "stop",
        "errorTitle": _shorten(_("Nilai %(v)s tidak diterima") % {"v": cell.label}, MAX_TITLE),
        "promptTitle": _shorten(cell.label, MAX_TITLE),
        "prompt": _prompt(cell, guide),
    }
    if rule.choice:
        return DataValidation(
            type="list",
            formula1=codes.formula(rule.options),
            error=_shorten(
                _("Pilih salah satu kode: %(codes)s.") % {"codes": ", ".join(rule.options)},
                MAX_MESSAGE,
            ),
            **common,
        )
    low, high = _bounds(rule)
    if low is not None and high is not None:
        operator, formulas = "between", (low, high)
    elif low is not None:
        operator, formulas = "greaterThanOrEqual", (low,)
    elif high is not None:
        operator, formulas = "lessThanOrEqual", (high,)
    else:  # any number the value column holds
        operator, formulas = "between", (-MAX_ABS_VALUE + 1, MAX_ABS_VALUE - 1)
    return DataValidation(
        type="whole" if rule.integer_only else "decimal",
        operator=operator,
        formula1=_formula_number(formulas[0]),
        formula2=_formula_number(formulas[1]) if len(formulas) > 1 else None,
        error=_shorten(_expects(rule), MAX_MESSAGE),
        **common,
    )


def _bounds(rule: CellRule) -> tuple[Decimal | None, Decimal | None]:
    """The range a number cell takes; whole numbers between whole bounds."""
    low, high = rule.low, rule.high
    if rule.integer_only:
        low = None if low is None else Decimal(math.ceil(low))
        high = None if high is None else Decimal(math.floor(high))
    return low, high


def _expects(rule: CellRule) -> str:
    """What the cell takes, in one sentence."""
    if rule.choice:
        return _("Pilih salah satu kode: %(codes)s.") % {"codes": rule.choices_text}
    low, high = _bounds(rule)
    kind = _("bilangan bulat") if rule.integer_only else _("angka (boleh desimal)")
    if low is not None and high is not None:
        return _("Isi %(kind)s dari %(low)s sampai %(high)s.") % {
            "kind": kind,
            "low": _id_number(low),
            "high": _id_number(high),
        }
    if low is not None:
        return _("Isi %(kind)s paling kecil %(low)s.") % {"kind": kind, "low": _id_number(low)}
    if high is not None:
        return _("Isi %(kind)s paling besar %(high)s.") % {"kind": kind, "high": _id_number(high)}
    return _("Isi %(kind)s.") % {"kind": kind}


def _prompt(cell: _Cell, guide: TemplateGuide) -> str:
    """The input prompt: the question, its options and guidance, shortened to fit Excel's
    255 characters and always ending with what to type."""
    indicator = cell.indicator
    notes = guide.for_indicator(cell.stage, cell.aspect, indicator.code)
    text = indicator.name
    if cell.rule.part:
        label = _part_name(indicator, cell.rule.part, guide.year_evaluated)
        text = _("%(text)s — bagian %(part)s") % {"text": text, "part": label}
    lines = [_shorten(text, 120)]
    lines += [f"{o.code} = {_shorten(o.label, 30)}" for o in indicator.options if cell.rule.choice]
    if notes.guidance:
        lines.append(_shorten(_("Fokus: %(v)s") % {"v": notes.guidance}, 70))
    tail = _shorten(_expects(cell.rule), MAX_MESSAGE // 2)
    return _shorten("\n".join(lines), MAX_MESSAGE - len(tail) - 1) + "\n" + tail


def _sqref(numbers: list[int]) -> str:
    """`numbers` as ranges of column F: [2, 3, 4, 9] → "F2:F4 F9"."""
    ranges = []
    start = previous = numbers[0]
    for number in numbers[1:]:
        if number != previous + 1:
            ranges.append((start, previous))
            start = number
        previous = number
    ranges.append((start, previous))
    column = VALUE_COLUMN
    return " ".join(f"{column}{a}" if a == b else f"{column}{a}:{column}{b}" for a, b in ranges)


class _CodeLists:
    """Where a drop-down takes its codes from: inline ("a,b,c") when they fit Excel's 255
    characters, otherwise a column of a hidden sheet written on demand."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.columns: list[tuple[str, ...]] = []

    def formula(self, options: tuple[str, ...]) -> str:
        inline = '"' + ",".join(options) + '"'
        if len(inline) <= MAX_INLINE_LIST:
            return inline
        if options not in self.columns:
            self.columns.append(options)
        letter = openpyxl.utils.get_column_letter(self.columns.index(options) + 1)
        return f"{CODES_SHEET}!${letter}$1:${letter}${len(options)}"

    def close(self) -> None:
        if not self.columns:
            return
        sheet = self.workbook.create_sheet(CODES_SHEET)
        sheet.sheet_state = "hidden"
        longest = max(len(options) for options in self.columns)
        for index in range(longest):
            sheet.append(
                [options[index] if index < len(options) else None for options in self.columns]
            )


# ---------------------------------------------------------------- sheet `petunjuk`


def _write_guide(
    sheet: Any,
    data: ScoringInput,
    guide: TemplateGuide,
    written: dict[_Key, list[int]],
    cells: dict[_Key, _Cell],
    count: int,
    penilai: str | None,
) -> None:
    for letter, width in GUIDE_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, _("Petunjuk pengisian templat nilai"))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    facts = [
        (_("Periode"), guide.period),
        (_("Set instrumen"), guide.instrument or data.instrument.name),
        (_("Dasar hukum"), guide.legal_basis),
        (
            _("Isi berkas"),
            _("baris penilai %(user)s saja (tahap tempat ia duduk di tim penilai)")
            % {"user": penilai}
            if penilai
            else _("semua nilai periode: setiap tim penilai dan isian mandiri kecamatan"),
        ),
        (_("Jumlah baris nilai"), str(count)),
    ]
    for label, value in facts:
        if value:
            sheet.append([_cell(sheet, label, font=bold), None, value])
    sheet.append([])
    sheet.append([_cell(sheet, _("Cara mengisi"), font=bold)])
    for number, line in enumerate(_instructions(), start=1):
        sheet.append([f"{number}.", line])
    sheet.append([])
    sheet.append([_cell(sheet, _("Arti kolom lembar '%(s)s'") % {"s": SHEET}, font=bold)])
    notes = _column_notes()
    for letter, name in zip("ABCDEFGHI", HEADER, strict=True):
        sheet.append([letter, _cell(sheet, name, font=bold), notes[name]])
    sheet.append([])
    sheet.append([_cell(sheet, _("Daftar indikator dalam berkas ini"), font=bold)])
    sheet.append(
        [
            _cell(sheet, heading, font=bold)
            for heading in (
                _("tahap"),
                _("aspek"),
                _("indikator"),
                _("kelompok"),
                _("uraian"),
                _("fokus penilaian"),
                _("petunjuk pengisian"),
                _("data dukung"),
                _("isian"),
                _("pilihan (kode = jawaban, skor)"),
            )
        ]
    )
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in _indicator_rows(data, guide, written, cells):
        sheet.append([_cell(sheet, value, alignment=wrap) for value in row])


def _instructions() -> list[str]:
    return [
        _(
            "Isi hanya kolom F (nilai) pada lembar '%(s)s'. Kolom lain adalah kunci yang "
            "dibaca Kinerja: jangan diubah, dihapus, diurutkan ulang atau ditambah, dan nama "
            "lembar '%(s)s' jangan diganti."
        )
        % {"s": SHEET},
        _(
            "Lembar '%(s)s' dilindungi TANPA kata sandi agar kunci tidak berubah tanpa "
            "sengaja; kolom F tetap dapat diisi. Bila benar-benar perlu: Tinjau → Buka "
            "Proteksi Lembar (tidak ada kata sandi)."
        )
        % {"s": SHEET},
        _(
            "Angka: isi dalam rentang nilai_min sampai nilai_maks baris itu (nilai_maks kosong "
            "berarti tanpa batas atas). Desimal boleh ditulis dengan koma atau titik (85,5), "
            "paling banyak 4 angka di belakang koma; indikator bilangan bulat tidak menerima "
            "desimal."
        ),
        _(
            "Pilihan: kolom pilihan menampilkan kode yang tersedia (misalnya a/b/c). Pilih "
            "dari daftar tarik-turun di sel nilai atau ketik kodenya, bukan teks jawaban atau "
            "skornya. Pada baris pilihan, nilai_min dan nilai_maks hanya menunjukkan rentang "
            "skor pilihan, bukan angka yang diketik."
        ),
        _(
            "Bagian: indikator yang terdiri atas beberapa bagian mendapat satu baris per "
            "bagian, ditulis <kode>:<bagian> (misalnya KEU:fisik dan KEU:keuangan, atau "
            "IKU1:target dan IKU1:realisasi). Isi setiap bagiannya."
        ),
        _(
            "Sel nilai yang kosong berarti belum diisi: saat diunggah, nilai yang sudah "
            "tersimpan untuk sel itu dihapus. Nilai yang sudah tersimpan tercantum dalam "
            "templat ini."
        ),
        _(
            "Semua baris disimpan, atau tidak satu pun: bila ada baris yang salah, tidak ada "
            "yang disimpan dan setiap kesalahan dilaporkan sebagai 'baris N: alasan' (N = "
            "nomor baris di Excel). Perbaiki lalu unggah lagi; unggahan ulang mengganti nilai "
            "sel yang sama."
        ),
        _(
            "Jangan memakai rumus; isi nilainya saja (salin, lalu Tempel Spesial → Nilai). "
            "Nilai yang ditempel melewati pemeriksaan Excel, tetapi Kinerja memeriksa setiap "
            "baris saat berkas diunggah."
        ),
        _(
            "Petunjuk singkat tiap sel muncul saat sel nilai dipilih; teks lengkap indikator "
            "ada pada daftar di bawah. Simpan sebagai Excel Workbook (.xlsx), lalu serahkan "
            "kepada Admin Tapem untuk diunggah (Periode → Unggah nilai)."
        ),
    ]


def _indicator_rows(
    data: ScoringInput,
    guide: TemplateGuide,
    written: dict[_Key, list[int]],
    cells: dict[_Key, _Cell],
) -> Iterator[tuple[str | None, ...]]:
    """One row per indicator that has a row in the sheet, in instrument order."""
    present = {
        (stage, aspect, cells[stage, aspect, label].indicator.code)
        for stage, aspect, label in written
    }
    for stage in data.instrument.stages:
        for aspect in stage.aspects:
            for indicator in aspect.indicators:
                if (stage.code, aspect.code, indicator.code) not in present:
                    continue
                notes = guide.for_indicator(stage.code, aspect.code, indicator.code)
                rules = cell_rules(indicator)
                if len(rules) == 1:
                    takes = _expects(rules[0])
                else:
                    takes = "\n".join(
                        f"{indicator.code}:{rule.part}"
                        + _named(_part_name(indicator, rule.part, guide.year_evaluated), rule.part)
                        + f": {_expects(rule)}"
                        for rule in rules
                    )
                options = "\n".join(
                    f"{o.code} = {o.label} ({_id_number(o.score)})" for o in indicator.options
                )
                row = (
                    stage.code,
                    aspect.code,
                    indicator.code,
                    notes.group,
                    indicator.name,
                    notes.guidance,
                    notes.help_text,
                    notes.evidence,
                    takes,
                    options,
                )
                yield tuple(value or None for value in row)


# ---------------------------------------------------------------- small helpers


def _part_name(indicator: IndicatorSpec, part: str, year: int | None) -> str:
    """The part as people read it ("Realisasi fisik 2025 (%)") when the set names it or it
    has a year; else its code, as the workbook writes it ("fisik")."""
    label = part_label(indicator, part, year)
    return part if label.removesuffix(" (%)") == part else label


def _named(name: str, part: str) -> str:
    return f" ({name})" if name != part else ""


def _shorten(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _formula_number(value: Decimal) -> str:
    # Formulas are stored the English way (a dot), whatever the reader's locale.
    return format(value.normalize(), "f") if value else "0"


def _id_number(value: Decimal) -> str:
    """A number the Indonesian way: 85,5; 100; 66,6667."""
    return _formula_number(value).replace(".", ",")
