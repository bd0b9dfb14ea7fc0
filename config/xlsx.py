"""Open an uploaded xlsx workbook without trusting it.

Every workbook Kinerja reads (instrument sets, assessor scores) comes from a person's
computer, so before openpyxl parses anything the file is checked as a zip archive:

- at most `KINERJA_MAX_WORKBOOK_BYTES` on the wire;
- a zip whose members are few, not encrypted, stored or deflated, whose total declared
  uncompressed size is bounded and whose members do not inflate suspiciously (zip bomb).
  Python's zipfile stops inflating a member at its declared size and checks its CRC, so
  the declared sizes checked here are the sizes openpyxl will actually get;
- an Excel 2007+ workbook (`[Content_Types].xml`, `xl/workbook.xml`), not an `.xls`,
  a macro-enabled `.xlsm` (`vbaProject.bin`) or a binary `.xlsb`;
- no DOCTYPE or entity declaration in any member (billion laughs, external entities),
  whatever the member's name and encoding: each member's prolog is read by expat, the
  parser openpyxl itself uses, so a renamed sheet part or a UTF-16 part without a
  byte-order mark is seen exactly as openpyxl would see it. xlsx writers never emit a
  DOCTYPE, so refusing them costs nothing. openpyxl also parses through defusedxml
  (a dependency), which refuses entity declarations should anything get past this check.

Then openpyxl opens it read-only with `data_only=False`, so formulas stay visible as
formulas; `sheet_rows` refuses every formula cell (and every text that starts with "=")
instead of evaluating or trusting a cached result. `sheet_values` reads the rows a sheet
stores, checking each cell against its declared type: a cell that does not fit (text in
a number cell, a missing shared string, a date that is no date, NaN) becomes an
`UnreadableCell` the caller reports on its row; a cell outside Excel's grid or broken XML
refuses the sheet. Every refusal is a `WorkbookRejected` whose message, in Indonesian,
tells the user what to fix.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

import openpyxl
from defusedxml import DefusedXmlException
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, ROW_TAG, VALUE_TAG, WorkSheetParser
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.xml.functions import iterparse

# Limits; each can be overridden by a setting of the same name prefixed with KINERJA_.
MAX_WORKBOOK_MEMBERS = 500
MAX_WORKBOOK_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_WORKBOOK_MEMBER_RATIO = 200  # uncompressed / compressed, for members above 64 KiB
MAX_WORKBOOK_ROWS = 5000  # per sheet, blank rows included
MAX_WORKBOOK_COLUMNS = 60

_RATIO_FLOOR = 64 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx
_MACRO_MARKERS = (b"macroenabled", b"vbaproject")
_DTD_MARKERS = ("<!doctype", "<!entity")
# How a member that expat cannot read is searched for DTD markers, in case another parser
# (libxml2 through lxml, should it ever be installed) reads what expat does not.
_FALLBACK_ENCODINGS = ("latin-1", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037")
_PROLOG_CHUNK = 64 * 1024
_MAX_LISTED_CELLS = 10


class WorkbookRejected(Exception):
    """The upload is not a workbook Kinerja will read; `messages` says why, in Indonesian."""

    def __init__(self, message: str, *more: str) -> None:
        self.messages = [message, *more]
        super().__init__("\n".join(self.messages))

    @property
    def message(self) -> str:
        return "\n".join(self.messages)


def open_workbook_safely(source: bytes | IO[bytes], *, name: str = "") -> openpyxl.Workbook:
    """A read-only openpyxl Workbook of a checked upload; the caller closes it.

    `source` is the bytes or a file-like object (a Django UploadedFile works; its name is
    used to refuse `.xlsm` files). Raises WorkbookRejected for anything suspicious.
    """
    name = name or getattr(source, "name", "") or ""
    if name.lower().endswith((".xlsm", ".xltm", ".xlsb", ".xlam")):
        raise WorkbookRejected(
            _(
                "Berkas berisi makro (.xlsm/.xlsb) tidak diterima. Simpan ulang sebagai "
                '"Excel Workbook (.xlsx)" lalu unggah lagi.'
            )
        )
    data = read_limited(source)
    _check_archive(data)
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_vba=False, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds on malformed parts
        raise WorkbookRejected(_unreadable_message(error)) from None


def sheet_rows(
    worksheet: Any, *, max_rows: int | None = None, max_columns: int | None = None
) -> list[tuple[int, tuple[Any, ...]]]:
    """Every non-blank row of a sheet as (row number, values), formulas refused.

    Values are what the cell holds (str, int, float, bool, datetime or None), never a
    formula's cached result. Refuses the sheet when it has more rows than allowed, any
    cell holds a formula or a text starting with "=", or a cell cannot be read (one
    message per such cell: "<lembar> baris 7: sel C7 tidak dapat dibaca (…)").
    """
    max_rows = max_rows or _limit("MAX_WORKBOOK_ROWS")
    max_columns = max_columns or _limit("MAX_WORKBOOK_COLUMNS")
    rows: list[tuple[int, tuple[Any, ...]]] = []
    formulas: list[str] = []
    unreadable: list[str] = []
    for number, cells in sheet_values(worksheet, max_columns=max_columns, max_rows=max_rows):
        values = list(cells)
        for index, value in enumerate(values):
            if _is_formula(value):
                formulas.append(f"{openpyxl.utils.get_column_letter(index + 1)}{number}")
                values[index] = None
            elif isinstance(value, UnreadableCell):
                unreadable.append(
                    _("%(sheet)s baris %(row)s: %(reason)s.")
                    % {"sheet": worksheet.title, "row": number, "reason": value.reason}
                )
                values[index] = None
        if any(value not in (None, "") for value in values):
            rows.append((number, tuple(values)))
    problems = unreadable
    if formulas:
        problems.append(
            _(
                "Lembar %(sheet)s berisi rumus di sel %(cells)s. Rumus tidak dihitung oleh "
                "Kinerja: ganti dengan nilainya (salin, lalu Tempel Spesial → Nilai) dan "
                "unggah lagi."
            )
            % {"sheet": worksheet.title, "cells": _describe_cells(formulas)}
        )
    if problems:
        raise WorkbookRejected(*problems)
    return rows


@dataclass(frozen=True)
class UnreadableCell:
    """A stored cell whose content does not fit its declared type (`t="n"` holding text,
    a shared-string index that does not exist, a date that is no date, an Excel error, a
    number that is not finite): only hand-made or broken files have them. `reason` names
    the cell and says what is wrong, in Indonesian, for a row-level message."""

    reference: str
    reason: str

    def __str__(self) -> str:
        return self.reason


def sheet_values(
    worksheet: Any, *, max_columns: int, max_rows: int | None = None
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Each row the sheet stores, as (row number, the values of columns 1…max_columns).

    Rows come as the file stores them, blank ones included and missing ones skipped, so a
    lone cell at row 1,000,000 costs one row, not a million. A cell that cannot be read is
    an UnreadableCell; a formula is its text ("=…") or an openpyxl formula object; cells
    right of `max_columns` are left out. Raises WorkbookRejected when the sheet's XML is
    broken, a cell lies outside Excel's grid, or a row is numbered above `max_rows`.
    """
    if not isinstance(worksheet, ReadOnlyWorksheet):
        raise WorkbookRejected(
            _("Lembar %(sheet)s bukan lembar data.") % {"sheet": _sheet_title(worksheet)}
        )
    book = worksheet.parent
    # openpyxl's read-only sheet fills every missing row up to the last one and raises on
    # a malformed cell; its own parser, cell by cell checked, does neither. (Private parts
    # of openpyxl 3.1, which pyproject pins.)
    try:
        with worksheet._get_source() as source:
            parser = _SheetParser(
                source,
                worksheet._shared_strings,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                if number > EXCEL_MAX_ROWS or number < 1:
                    raise _OutsideGrid(str(number))
                if max_rows is not None and number > max_rows:
                    raise WorkbookRejected(
                        _("Lembar %(sheet)s memiliki lebih dari %(max)s baris.")
                        % {"sheet": worksheet.title, "max": max_rows}
                    )
                values: list[Any] = [None] * max_columns
                for cell in cells:
                    if cell["column"] <= max_columns:
                        values[cell["column"] - 1] = cell["value"]
                yield number, tuple(values)
    except _OutsideGrid as outside:
        raise WorkbookRejected(
            _(
                "Lembar %(sheet)s menyebut sel %(cell)s, di luar batas lembar Excel (kolom "
                "A–XFD, baris 1–1.048.576). Berkas ini tidak dibuat oleh Excel atau rusak: "
                'buka di Excel atau LibreOffice, simpan sebagai "Excel Workbook (.xlsx)", '
                "lalu unggah lagi."
            )
            % {"sheet": worksheet.title, "cell": _shown(outside.args[0])}
        ) from None
    except WorkbookRejected:
        raise
    except Exception as error:  # broken XML, a row number that is no number, …
        if _caused_by_declaration(error):
            raise WorkbookRejected(_declaration_message()) from None
        raise WorkbookRejected(
            _(
                "Lembar %(sheet)s rusak dan tidak dapat dibaca. Buka berkas di Excel atau "
                'LibreOffice, simpan sebagai "Excel Workbook (.xlsx)", lalu unggah lagi.'
            )
            % {"sheet": worksheet.title}
        ) from None


EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384  # XFD
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_CELL_TYPES = frozenset({"n", "s", "b", "d", "e", "str", "inlineStr"})


class _OutsideGrid(Exception):
    """A cell reference or row number outside Excel's grid."""


class _SheetParser(WorkSheetParser):
    """openpyxl's worksheet parser, reading rows only and checking every cell first."""

    def parse(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        for _event, element in iterparse(self.source):
            if element.tag == ROW_TAG:
                row = self.parse_row(element)
                element.clear()
                yield row

    def parse_cell(self, element: Any) -> dict[str, Any]:
        problem = self._problem(element)
        if problem is None:
            try:
                cell = super().parse_cell(element)
            except Exception:  # a kind of content the checks did not foresee, or a bad "r"
                problem = _("isinya tidak sesuai dengan jenis selnya")
            else:
                row, column, value = cell["row"], cell["column"], cell["value"]
                if column > EXCEL_MAX_COLUMNS or not 1 <= row <= EXCEL_MAX_ROWS:
                    raise _OutsideGrid(element.get("r") or _name(row, column))
                if cell["data_type"] == "e":
                    problem = _("berisi galat Excel %(v)s") % {"v": _shown(value)}
                elif type(value) is float and not math.isfinite(value):
                    problem = _("berisi angka yang tidak terhingga")
                else:
                    return cell
        row, column = self._position(element)
        name = _name(row, column)
        reason = _("sel %(cell)s tidak dapat dibaca (%(problem)s)") % {
            "cell": name,
            "problem": problem,
        }
        return {
            "row": row,
            "column": column,
            "value": UnreadableCell(name, reason),
            "data_type": "e",
            "style_id": 0,
        }

    def _position(self, element: Any) -> tuple[int, int]:
        """(row, column) of an unreadable cell, moving the column counter as openpyxl does;
        raises _OutsideGrid for a reference outside Excel's grid."""
        reference = element.get("r")
        if not reference:
            self.col_counter += 1
            return self.row_counter, self.col_counter
        match = _REFERENCE.fullmatch(reference)
        if match is None:
            raise _OutsideGrid(reference)
        column = openpyxl.utils.column_index_from_string(match[1].upper())
        row = int(match[2])
        if column > EXCEL_MAX_COLUMNS or not 1 <= row <= EXCEL_MAX_ROWS:
            raise _OutsideGrid(reference)
        self.col_counter = column
        return row, column

    def _problem(self, element: Any) -> str | None:
        """What is wrong with a cell's stored content for its declared type, if anything."""
        kind = element.get("t", "n")
        if kind in ("inlineStr", "str"):
            return None  # text is text
        if kind not in _CELL_TYPES:
            return _("jenis sel '%(t)s' tidak dikenal") % {"t": _shown(kind)}
        if element.find(FORMULA_TAG) is not None:
            return None  # the caller refuses formulas
        text = element.findtext(VALUE_TAG, None)
        if not text:
            return None
        if kind == "n":
            if not _NUMBER.fullmatch(text):
                return _("ditandai berisi angka, tetapi isinya '%(v)s'") % {"v": _shown(text)}
            style = int(element.get("s", "0")) if element.get("s", "0").isdigit() else 0
            if style in self.date_formats:
                duration = style in self.timedelta_formats
                try:
                    from_excel(float(text), self.epoch, timedelta=duration)
                except (OverflowError, ValueError):
                    return _("ditandai berisi tanggal, tetapi %(v)s bukan tanggal") % {
                        "v": _shown(text)
                    }
        elif kind == "s":
            if not text.isdigit() or int(text) >= len(self.shared_strings):
                return _("merujuk teks bersama nomor %(v)s yang tidak ada") % {"v": _shown(text)}
        elif kind == "b":
            if text not in ("0", "1"):
                return _("ditandai berisi ya/tidak, tetapi isinya '%(v)s'") % {"v": _shown(text)}
        elif kind == "d":
            try:
                from_ISO8601(text)
            except (ValueError, TypeError, OverflowError):
                return _("ditandai berisi tanggal, tetapi isinya '%(v)s'") % {"v": _shown(text)}
        return None


def _name(row: int, column: int) -> str:
    return f"{openpyxl.utils.get_column_letter(column)}{row}"


# A number as Excel stores it: not "nan", "inf", "1_000", "1,5" or thousands of digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,300}(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")


def _shown(value: Any, limit: int = 30) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------ checks


def _limit(name: str) -> int:
    return getattr(settings, f"KINERJA_{name}", globals()[name])


def _max_bytes() -> int:
    return settings.KINERJA_MAX_WORKBOOK_BYTES


def _not_xlsx_message() -> str:
    return _(
        "Berkas bukan workbook Excel (.xlsx) yang dapat dibaca. Buka di Excel atau "
        'LibreOffice, simpan sebagai "Excel Workbook (.xlsx)", lalu unggah lagi.'
    )


def _unreadable_message(error: BaseException) -> str:
    """Why openpyxl could not read the file."""
    return _declaration_message() if _caused_by_declaration(error) else _not_xlsx_message()


def _caused_by_declaration(error: BaseException) -> bool:
    """Whether defusedxml refused a declaration (openpyxl wraps it in a ValueError)."""
    cause: BaseException | None = error
    for _depth in range(10):  # a chain of causes; never follow a cycle
        if cause is None:
            break
        if isinstance(cause, DefusedXmlException):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _too_large_message() -> str:
    return _("Berkas terlalu besar; ukuran maksimal %(size)s.") % {
        "size": filesizeformat(_max_bytes())
    }


def read_limited(
    source: bytes | IO[bytes],
    *,
    limit: int | None = None,
    refusal: Callable[[], Exception] | None = None,
) -> bytes:
    """The bytes of an upload, never more than `limit` + 1 read (default: the workbook
    limit); `refusal()` is raised for a larger one (default: WorkbookRejected)."""
    limit = _max_bytes() if limit is None else limit
    refusal = refusal or (lambda: WorkbookRejected(_too_large_message()))
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        size = getattr(source, "size", None)
        if size is not None and size > limit:
            raise refusal()
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        raise refusal()
    return data


def _check_archive(data: bytes) -> None:
    if data.startswith(_OLE_MAGIC):
        raise WorkbookRejected(
            _(
                "Berkas ini berformat Excel lama (.xls) atau dilindungi kata sandi. Simpan "
                'ulang sebagai "Excel Workbook (.xlsx)" tanpa kata sandi, lalu unggah lagi.'
            )
        )
    if not data.startswith(_ZIP_MAGIC):
        raise WorkbookRejected(_not_xlsx_message())
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise WorkbookRejected(_not_xlsx_message()) from None

    with archive:
        _check_members(members)
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise WorkbookRejected(_not_xlsx_message())
        content_types = _read_member(archive, archive.getinfo("[Content_Types].xml")).lower()
        if any(m.filename.lower().endswith("vbaproject.bin") for m in members) or any(
            marker in content_types for marker in _MACRO_MARKERS
        ):
            raise WorkbookRejected(
                _(
                    'Berkas berisi makro (VBA). Simpan ulang sebagai "Excel Workbook '
                    '(.xlsx)" tanpa makro, lalu unggah lagi.'
                )
            )
        for member in members:
            _check_declarations(archive, member)


def check_archive_members(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip with too many members, encrypted or oddly compressed ones, or a total or
    per-member inflation that looks like a zip bomb (raises WorkbookRejected). Shared by
    every Office Open XML upload (workbooks here, evidence files in `config.uploads`)."""
    _check_members(members)


def check_xml_declarations(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a member whose XML declares a DOCTYPE or an entity (raises WorkbookRejected)."""
    _check_declarations(archive, member)


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > _limit("MAX_WORKBOOK_MEMBERS"):
        raise WorkbookRejected(_bomb_message())
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise WorkbookRejected(
                _("Berkas dilindungi kata sandi; hapus kata sandinya lalu unggah lagi.")
            )
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise WorkbookRejected(_not_xlsx_message())
        total += member.file_size
        ratio_limit = _limit("MAX_WORKBOOK_MEMBER_RATIO")
        if member.file_size > _RATIO_FLOOR and (
            member.compress_size == 0 or member.file_size / member.compress_size > ratio_limit
        ):
            raise WorkbookRejected(_bomb_message())
    if total > _limit("MAX_WORKBOOK_UNCOMPRESSED_BYTES"):
        raise WorkbookRejected(_bomb_message())


def _bomb_message() -> str:
    return _(
        "Isi berkas tidak wajar untuk sebuah workbook (terlalu banyak bagian atau ukuran "
        "setelah dibuka terlalu besar). Berkas tidak dibuka."
    )


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise WorkbookRejected(_not_xlsx_message()) from None


class _Declaration(Exception):
    """A DOCTYPE or entity declaration was met."""


class _RootReached(Exception):
    """The first element was met: the prolog, where a DOCTYPE must stand, is over."""


def _check_declarations(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a member whose XML declares a DOCTYPE or an entity, whatever its name.

    Expat reads the member as openpyxl's parser will (it detects UTF-16 with or without a
    byte-order mark and honours the declared encoding) up to the first element. A member
    expat cannot read is no XML to openpyxl either; it is still searched for the markers
    in the usual encodings, so that no other XML parser finds a DTD there.
    """
    parser = expat.ParserCreate(None, "}")

    def declaration(*args: Any) -> None:
        raise _Declaration

    def root(*args: Any) -> None:
        raise _RootReached

    parser.StartDoctypeDeclHandler = declaration
    parser.EntityDeclHandler = declaration
    parser.StartElementHandler = root
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_PROLOG_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Declaration:
        raise WorkbookRejected(_declaration_message()) from None
    except (_RootReached, expat.ExpatError) as stop:
        if isinstance(stop, expat.ExpatError):
            _search_markers(_read_member(archive, member))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise WorkbookRejected(_not_xlsx_message()) from None


def _search_markers(content: bytes) -> None:
    for encoding in _FALLBACK_ENCODINGS:
        text = content.decode(encoding, errors="ignore").lower()
        if any(marker in text for marker in _DTD_MARKERS):
            raise WorkbookRejected(_declaration_message())


def _declaration_message() -> str:
    return _(
        "Berkas berisi deklarasi XML yang tidak diizinkan (DOCTYPE/ENTITY). Workbook dari "
        'Excel atau LibreOffice tidak memuatnya: buka berkas asli, simpan sebagai "Excel '
        'Workbook (.xlsx)", lalu unggah lagi.'
    )


def _is_formula(value: Any) -> bool:
    # The parser gives a formula as its text "=…" (or an array/data-table formula object);
    # a text cell starting with "=" is refused the same way, as Excel would compute it.
    return isinstance(value, ArrayFormula | DataTableFormula) or (
        isinstance(value, str) and value.lstrip().startswith("=")
    )


def _sheet_title(worksheet: Any) -> str:
    return getattr(worksheet, "title", "?")


def _describe_cells(cells: list[str]) -> str:
    listed = ", ".join(cells[:_MAX_LISTED_CELLS])
    if len(cells) > _MAX_LISTED_CELLS:
        listed += " " + _("dan %(n)s sel lain") % {"n": len(cells) - _MAX_LISTED_CELLS}
    return listed
