"""Django admin exports (django-import-export) never hand a spreadsheet a formula to run:
xlsx stores every text as a text cell, as Kinerja's own workbooks do; CSV, TSV and HTML
mark formula-like text with a leading apostrophe."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django_scopes import scopes_disabled

from config.exports import EXPORT_FORMATS, formula_safe
from tests.factories import KecamatanFactory, RegionFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://contoh.invalid","klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(A1)",
]
HARMLESS = ["Bantargebang", "-5", "+62", "Kec. = tengah"]


@pytest.fixture
def kecamatan():
    with scopes_disabled():
        region = RegionFactory(slug="bekasi", name="Kota Bekasi")
        for n, name in enumerate(HOSTILE + HARMLESS):
            KecamatanFactory(region=region, name=name, slug=f"kec-{n}")


def export(admin_client, format_name):
    index = [f.__name__ for f in EXPORT_FORMATS].index(format_name)
    response = admin_client.post(
        "/admin/regions/kecamatan/export/",
        {
            "format": str(index),
            "resource": "0",
            "kecamatanresource_region": "on",
            "kecamatanresource_name": "on",
            "kecamatanresource_slug": "on",
        },
    )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment")
    return response.content


def names_in_text(content, delimiter):
    rows = list(
        csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter)
    )
    column = rows[0].index("nama")
    return {row[column] for row in rows[1:]}


@pytest.mark.parametrize("format_name, delimiter", [("CSV", ","), ("TSV", "\t")])
def test_text_exports_mark_formula_like_text(admin_client, kecamatan, format_name, delimiter):
    names = names_in_text(export(admin_client, format_name), delimiter)
    assert names == {"'" + name for name in HOSTILE} | set(HARMLESS)


def test_html_export_marks_formula_like_text(admin_client, kecamatan):
    page = export(admin_client, "HTML").decode()
    assert "&#x27;=HYPERLINK" in page or "'=HYPERLINK" in page
    assert "<td>@SUM" not in page and "<td>=" not in page


def test_xlsx_export_stores_every_text_as_text(admin_client, kecamatan):
    content = export(admin_client, "XLSX")
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(book.active.iter_rows())
    column = [cell.value for cell in rows[0]].index("nama")
    cells = [row[column] for row in rows[1:]]
    assert {cell.value.replace("\r", "\n") for cell in cells} == {
        name.replace("\r", "\n") for name in HOSTILE + HARMLESS
    }
    assert {cell.data_type for cell in cells} == {"s"}


def test_json_export_is_data_for_programs_and_unchanged(admin_client, kecamatan):
    assert '"=HYPERLINK' in export(admin_client, "JSON").decode()


def test_formula_safe():
    assert formula_safe("=1+1") == "'=1+1"
    assert formula_safe("＝1+1") == "'＝1+1"
    assert formula_safe("-5") == "-5"
    assert formula_safe("Cibitung") == "Cibitung"
    assert formula_safe(-5) == -5
