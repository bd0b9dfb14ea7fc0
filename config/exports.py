"""Export formats for Django admin (django-import-export) whose files a spreadsheet cannot run.

A kecamatan name such as `=HYPERLINK("http://…")` or `@SUM(…)` is text to Kinerja, but a
spreadsheet opening an export would compute it (formula or CSV injection). Kinerja's own
workbooks store every text as a text cell (`instruments/workbook.py`,
`evaluations/score_workbook.py`), which no spreadsheet evaluates; the admin's xlsx export
does the same here. A text file (CSV, TSV, an HTML table) has no cell types, so there a
text that a spreadsheet would read as a formula gets a leading apostrophe, the usual
mark for "this is text" (OWASP's advice for CSV). JSON is data for programs, not for a
spreadsheet, and is left as it is.

`settings.EXPORT_FORMATS` lists these formats, so every ImportExportModelAdmin uses them
without a change of its own.
"""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import tablib
from import_export.formats import base_formats
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# What a spreadsheet reads as the start of a formula, full-width forms included (an IME
# types them, and some spreadsheets fold them to the ASCII ones).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A plain number ("-5", "+62", "1,5") is computed as the same number: nothing to escape.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def formula_safe(value: Any) -> Any:
    """`value`, with a leading apostrophe when it is text a spreadsheet would compute."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def _escaped(dataset: tablib.Dataset) -> tablib.Dataset:
    escaped = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        escaped.append([formula_safe(value) for value in row])
    return escaped


class CSV(base_formats.CSV):
    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> Any:
        return super().export_data(_escaped(dataset), **kwargs)


class TSV(base_formats.TSV):
    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> Any:
        return super().export_data(_escaped(dataset), **kwargs)


class HTML(base_formats.HTML):
    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> Any:
        return super().export_data(_escaped(dataset), **kwargs)


class XLSX(base_formats.XLSX):
    """Every text a text cell, exactly as typed (tablib would store "=…" as a formula)."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet(_sheet_title(dataset.title))
        if dataset.headers:
            sheet.freeze_panes = "A2"
            sheet.append([_cell(sheet, header) for header in dataset.headers])
        for row in dataset:
            sheet.append([_cell(sheet, value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def _sheet_title(title: str | None) -> str:
    return re.sub(r"[\\/*?:\[\]]", "-", title or "Sheet1")[:31] or "Sheet1"


# For settings.EXPORT_FORMATS: the formats import-export offers by default, made safe.
EXPORT_FORMATS = [CSV, XLSX, TSV, base_formats.JSON, HTML]
