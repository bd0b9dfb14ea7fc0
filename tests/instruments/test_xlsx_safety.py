"""Hostile or malformed workbooks are refused with a clear Indonesian message, before
anything is stored, and without openpyxl ever parsing what the checks refuse."""

import io
import zipfile

import openpyxl
import pytest
from django_scopes import scopes_disabled

from config.xlsx import WorkbookRejected, open_workbook_safely, sheet_rows
from instruments.models import InstrumentSet
from instruments.services import instrument_set_import_data, instrument_set_import_workbook
from tests.factories import RegionFactory
from tests.instruments.builders import tiny_set
from tests.instruments.workbooks import (
    edited,
    exported,
    member,
    renamed,
    rezipped,
    utf16,
    with_cell,
    with_entity,
)

NOT_XLSX = "bukan workbook Excel (.xlsx)"


@pytest.fixture
def region(db):
    with scopes_disabled():
        region = RegionFactory(slug="bekasi", name="Kota Bekasi")
        instrument_set_import_data(region=region, data=tiny_set())
        return region


def refused(region, content, *, name="set.xlsx") -> str:
    """The refusal message; asserts nothing was stored."""
    upload = io.BytesIO(content)
    upload.name = name
    with scopes_disabled():
        before = list(InstrumentSet.objects.values_list("pk", "updated_at"))
        with pytest.raises(WorkbookRejected) as refusal:
            instrument_set_import_workbook(region=region, source=upload)
        assert list(InstrumentSet.objects.values_list("pk", "updated_at")) == before
    return refusal.value.message


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_random_bytes(region):
    assert NOT_XLSX in refused(region, bytes(range(256)) * 40)


def test_csv_renamed_to_xlsx(region):
    assert NOT_XLSX in refused(region, b"kode;versi;nama\nuji;1;Set uji\n")


def test_old_xls_or_password_protected_file(region):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
    assert "Excel lama (.xls) atau dilindungi kata sandi" in refused(region, ole)


def test_truncated_workbook(region):
    content = exported()
    assert NOT_XLSX in refused(region, content[: len(content) // 2])


def test_zip_that_is_not_a_workbook(region):
    assert NOT_XLSX in refused(region, _zip({"word/document.xml": b"<w/>"}))


def test_file_larger_than_the_setting(region, settings):
    settings.KINERJA_MAX_WORKBOOK_BYTES = 2000
    assert "terlalu besar; ukuran maksimal 2,0" in refused(region, exported())


def test_zip_bomb_member_that_inflates_a_thousandfold(region):
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * (30 * 1024 * 1024),
        }
    )
    assert len(bomb) < 100_000
    assert "Isi berkas tidak wajar" in refused(region, bomb)


def test_zip_bomb_by_total_uncompressed_size(region, settings):
    settings.KINERJA_MAX_WORKBOOK_UNCOMPRESSED_BYTES = 20_000
    assert "Isi berkas tidak wajar" in refused(region, exported())


def test_zip_with_thousands_of_members(region):
    members = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    members.update({f"xl/media/{n}.xml": b"<x/>" for n in range(600)})
    assert "Isi berkas tidak wajar" in refused(region, _zip(members))


def test_macro_enabled_workbook_by_name(region):
    assert "makro" in refused(region, exported(), name="set.xlsm")


def test_macro_project_inside_an_xlsx(region):
    content = rezipped(exported(), add={"xl/vbaProject.bin": b"\0" * 100})
    assert "makro (VBA)" in refused(region, content)


def test_macro_content_type_inside_an_xlsx(region):
    source = zipfile.ZipFile(io.BytesIO(exported()))
    types = source.read("[Content_Types].xml").replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    content = rezipped(exported(), replace={"[Content_Types].xml": types})
    assert "makro (VBA)" in refused(region, content)


def test_xml_entity_declarations(region):
    source = zipfile.ZipFile(io.BytesIO(exported()))
    sheet = source.read("xl/worksheets/sheet1.xml")
    laughs = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    content = rezipped(exported(), replace={"xl/worksheets/sheet1.xml": laughs + sheet})
    assert "DOCTYPE/ENTITY" in refused(region, content)


DECLARATION = "deklarasi XML yang tidak diizinkan (DOCTYPE/ENTITY)"
SHEET = "xl/worksheets/sheet1.xml"  # the `set` sheet


def named(text: str) -> bytes:
    """The exported set with its name cell holding `text`."""
    return with_cell(exported(), "set", 2, "nama", text)


def test_entities_in_a_renamed_sheet_part_are_refused(region):
    content = named("NAMA-ASLI")
    hostile = with_entity(member(content, SHEET), b"NAMA-ASLI")
    content = renamed(content, SHEET, "xl/worksheets/sheet1.dat", hostile)
    assert DECLARATION in refused(region, content)


@pytest.mark.parametrize("big_endian", [False, True], ids=["le", "be"])
@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
def test_entities_in_a_utf16_part_are_refused(region, big_endian, bom):
    content = named("NAMA-ASLI")
    hostile = utf16(
        with_entity(member(content, SHEET), b"NAMA-ASLI"), big_endian=big_endian, bom=bom
    )
    assert DECLARATION in refused(region, rezipped(content, replace={SHEET: hostile}))


def test_entities_in_sheet_names_are_refused(region):
    content = exported()
    hostile = with_entity(member(content, "xl/workbook.xml"), b'name="tahap"')
    hostile = hostile.replace(b'<!ENTITY e "DIGANTI">', b"<!ENTITY e 'name=\"tahap\"'>")
    assert DECLARATION in refused(region, rezipped(content, replace={"xl/workbook.xml": hostile}))


def test_a_doctype_without_entities_is_refused_too(region):
    content = exported()
    hostile = b'<!DOCTYPE worksheet SYSTEM "http://contoh.invalid/x.dtd">' + member(content, SHEET)
    assert DECLARATION in refused(region, rezipped(content, replace={SHEET: hostile}))


def test_a_dtd_in_a_member_nothing_refers_to_is_refused(region):
    stray = b'<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>'
    for name in ("customXml/item1.xml", "catatan.txt", "xl/media/gambar.svg"):
        content = rezipped(exported(), add={name: stray})
        assert DECLARATION in refused(region, content), name
    content = rezipped(exported(), add={"catatan.txt": utf16(stray, big_endian=True)})
    assert DECLARATION in refused(region, content)


def test_openpyxl_parses_through_defusedxml_should_the_archive_check_miss(region, monkeypatch):
    import defusedxml.ElementTree
    import openpyxl.worksheet._reader

    assert openpyxl.DEFUSEDXML
    assert openpyxl.worksheet._reader.iterparse is defusedxml.ElementTree.iterparse
    monkeypatch.setattr("config.xlsx._check_declarations", lambda archive, member: None)
    content = named("NAMA-ASLI")
    hostile = utf16(with_entity(member(content, SHEET), b"NAMA-ASLI"))
    assert DECLARATION in refused(region, rezipped(content, replace={SHEET: hostile}))


def test_formula_cells_are_refused_not_evaluated(region):
    content = with_cell(exported(), "aspek", 2, "bobot (%)", "=100-40")
    content = with_cell(content, "aspek", 3, "bobot (%)", "=SUM(A1:A2)")
    message = refused(region, content)
    assert "Lembar aspek berisi rumus di sel E2, E3" in message
    assert "Tempel Spesial" in message


def test_text_that_starts_with_equals_is_refused_as_a_formula(region):
    def text_formula(book):
        cell = book["tahap"]["C2"]
        cell.value = '=HYPERLINK("http://contoh")'
        cell.data_type = "s"  # stored as text, not as a formula

    assert "Lembar tahap berisi rumus di sel C2" in refused(
        region, edited(exported(), text_formula)
    )


def test_too_many_rows(region, settings):
    settings.KINERJA_MAX_WORKBOOK_ROWS = 50

    def many_rows(book):
        for n in range(60):
            book["penghargaan"].append([n + 2, f"Harapan {n}", "", ""])

    assert "Lembar penghargaan memiliki lebih dari 50 baris" in refused(
        region, edited(exported(), many_rows)
    )


def test_a_single_far_away_row_does_not_make_a_million_rows(region):
    def far_away(book):
        book["tahap"].cell(row=1_000_000, column=1).value = 9

    assert "Lembar tahap memiliki lebih dari 5000 baris" in refused(
        region, edited(exported(), far_away)
    )


def test_missing_and_unknown_sheets(region):
    def rename(book):
        del book["seri"]
        book["predikat"].title = "Predikat lama"

    message = refused(region, edited(exported(), rename))
    assert "Lembar predikat, seri tidak ada" in message
    assert "Lembar Predikat lama tidak dikenal" in message


def test_missing_unknown_and_repeated_headers(region):
    def headers(book):
        book["tahap"]["C1"].value = "nama"
        book["aspek"]["A1"].value = None
        book["penghargaan"]["D1"].value = "hadiah"

    message = refused(region, edited(exported(), headers))
    assert "Lembar tahap: kolom 'nama' tidak dikenal." in message
    assert "Lembar tahap: kolom 'nama tahap' tidak ada." in message
    assert "Lembar aspek: kolom 'tahap' tidak ada." in message
    assert "Lembar penghargaan: kolom 'hadiah' muncul lebih dari sekali." in message


def test_empty_sheet_without_headers(region):
    def empty(book):
        book["seri"].delete_rows(1, 10)

    assert "Lembar seri: baris pertama harus berisi judul kolom." in refused(
        region, edited(exported(), empty)
    )


def test_a_checked_workbook_opens_read_only_with_formulas_visible():
    book = open_workbook_safely(exported())
    try:
        assert book.read_only
        rows = sheet_rows(book["set"])
    finally:
        book.close()
    assert rows[0][0] == 1 and rows[0][1][0] == "kode"
    assert rows[1][1][0] == "uji"


def test_safe_opening_reads_a_django_upload(tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("set.xlsx", exported())
    book = open_workbook_safely(upload)
    book.close()
    assert isinstance(book, openpyxl.Workbook)
