"""Workbooks for tests: the export of a plain-data set, edited cell by cell as a person
would in Excel."""

import io
import zipfile

import openpyxl

from instruments.workbook import data_to_workbook
from tests.instruments.builders import tiny_set


def exported(data: dict | None = None) -> bytes:
    return data_to_workbook(data or tiny_set())


def edited(content: bytes, edit) -> bytes:
    """The workbook after `edit(book)` ran on it (an openpyxl Workbook, formulas kept)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_cell(content: bytes, sheet: str, row: int, header: str, value) -> bytes:
    """The workbook with one cell changed, the column found by its header."""

    def edit(book):
        worksheet = book[sheet]
        headers = [cell.value for cell in worksheet[1]]
        worksheet.cell(row=row, column=headers.index(header) + 1).value = value

    return edited(content, edit)


def rezipped(content: bytes, *, replace: dict | None = None, add: dict | None = None) -> bytes:
    """The same zip with members replaced or added (bytes by member name)."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, data in add.items():
            target.writestr(name, data)
    return buffer.getvalue()
