"""Workbooks for tests: the export of a plain-data set, edited cell by cell as a person
would in Excel."""

import io
import re
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


# ------------------------------------------------------------------ hostile parts


def member(content: bytes, name: str) -> bytes:
    """One member of the zip, as bytes."""
    return zipfile.ZipFile(io.BytesIO(content)).read(name)


def with_entity(xml: bytes, text: bytes, replacement: bytes = b"DIGANTI") -> bytes:
    """`xml` with a DOCTYPE declaring entity `e` (= `replacement`) and `text` replaced by a
    reference to it: a parser that expands entities reads `replacement` where `text` was."""
    assert text in xml
    declaration = b'<!DOCTYPE root [<!ENTITY e "' + replacement + b'">]>'
    body = xml.replace(text, b"&e;")
    if body.startswith(b"<?xml"):
        end = body.index(b"?>") + 2
        return body[:end] + declaration + body[end:]
    return declaration + body


def utf16(xml: bytes, *, big_endian: bool = False, bom: bool = False) -> bytes:
    """`xml` re-encoded as UTF-16, without a byte-order mark unless `bom`."""
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :]
    text = '<?xml version="1.0" encoding="UTF-16"?>' + text
    encoded = text.encode("utf-16-be" if big_endian else "utf-16-le")
    if bom:
        encoded = (b"\xfe\xff" if big_endian else b"\xff\xfe") + encoded
    return encoded


def renamed(content: bytes, old: str, new: str, data: bytes | None = None) -> bytes:
    """The zip with member `old` renamed `new` (its bytes replaced by `data` if given); the
    workbook's relationships and content types follow the new name, so openpyxl reads it."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    old_base, new_base = old.rsplit("/", 1)[-1].encode(), new.rsplit("/", 1)[-1].encode()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            name, payload = info.filename, source.read(info)
            if name == old:
                name, payload = new, payload if data is None else data
            elif name.endswith((".rels", "[Content_Types].xml")):
                payload = payload.replace(old_base, new_base)
            target.writestr(name, payload)
    return buffer.getvalue()


_CELL = r'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)'


def with_raw_cell(content: bytes, part: str, reference: str, xml: str) -> bytes:
    """The zip with cell `reference` of sheet part `part` replaced by the raw `xml` (a whole
    `<c …>` element), as a hand-made or broken writer could store it. `{s}` in `xml` stands
    for the original cell's style attribute (so a date cell stays a date cell)."""
    data = member(content, part).decode()
    pattern = re.compile(_CELL.format(ref=re.escape(reference)), re.S)
    found = pattern.search(data)
    assert found, f"no cell {reference} in {part}"
    style = re.search(r' s="\d+"', found[0].split(">", 1)[0])
    xml = xml.replace("{s}", style[0] if style else "")
    return rezipped(content, replace={part: pattern.sub(lambda _m: xml, data, count=1).encode()})


def with_raw_row(content: bytes, part: str, xml: str) -> bytes:
    """The zip with the raw `xml` (a whole `<row …>` element) added at the end of the sheet."""
    data = member(content, part).decode()
    assert "</sheetData>" in data
    return rezipped(
        content, replace={part: data.replace("</sheetData>", xml + "</sheetData>").encode()}
    )
