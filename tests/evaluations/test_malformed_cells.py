"""A workbook whose cells do not fit their declared type (a hand-made or broken writer) is
refused with an Indonesian message naming the row and cell, never a server error, by the
instrument-set upload, the score upload and `import_scores` alike; nothing is stored."""

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django_scopes import scopes_disabled

from instruments.models import InstrumentSet
from instruments.services import instrument_set_import_data
from tests.evaluations.conftest import stored, workbook_bytes
from tests.evaluations.test_score_import import run_import
from tests.instruments.builders import tiny_set
from tests.instruments.workbooks import (
    exported,
    member,
    rezipped,
    with_cell,
    with_raw_cell,
    with_raw_row,
)

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"  # `set` in an instrument workbook, `nilai` in a score one
TODAY = datetime.datetime(2026, 1, 2)

NUMBER = "ditandai berisi angka, tetapi isinya"
# name: (what the cell first holds, the raw cell replacing it, the reason given)
CELLS = {
    "text in a number cell": (1, '<c r="{r}"{s} t="n"><v>abc</v></c>', f"{NUMBER} 'abc'"),
    "NaN": (1, '<c r="{r}" t="n"><v>NaN</v></c>', f"{NUMBER} 'NaN'"),
    "inf": (1, '<c r="{r}"><v>-inf</v></c>', f"{NUMBER} '-inf'"),
    "beyond a float": (1, '<c r="{r}"><v>1e999</v></c>', "berisi angka yang tidak terhingga"),
    "thousands of digits": (1, '<c r="{r}"><v>' + "9" * 5000 + "</v></c>", f"{NUMBER} '9999"),
    "shared string out of range": (
        1,
        '<c r="{r}" t="s"><v>99</v></c>',
        "merujuk teks bersama nomor 99 yang tidak ada",
    ),
    "negative shared string": (
        1,
        '<c r="{r}" t="s"><v>-1</v></c>',
        "merujuk teks bersama nomor -1 yang tidak ada",
    ),
    "garbage in a date cell": (
        1,
        '<c r="{r}" t="d"><v>kemarin</v></c>',
        "ditandai berisi tanggal, tetapi isinya 'kemarin'",
    ),
    "date serial beyond year 9999": (
        TODAY,
        '<c r="{r}"{s}><v>99999999</v></c>',
        "ditandai berisi tanggal, tetapi 99999999 bukan tanggal",
    ),
    "boolean that is neither": (
        1,
        '<c r="{r}" t="b"><v>2</v></c>',
        "ditandai berisi ya/tidak, tetapi isinya '2'",
    ),
    "Excel error value": (1, '<c r="{r}" t="e"><v>#DIV/0!</v></c>', "berisi galat Excel #DIV/0!"),
    "unknown cell type": (1, '<c r="{r}" t="x"><v>1</v></c>', "jenis sel 'x' tidak dikenal"),
}
OUTSIDE = "di luar batas lembar Excel (kolom A–XFD, baris 1–1.048.576)"
BROKEN = "rusak dan tidak dapat dibaca"
# name: (how the sheet part is spoilt, the message)
FILES = {
    "a row far beyond Excel's last": (
        lambda c: with_raw_row(c, SHEET, '<row r="99999999"><c r="A99999999"><v>5</v></c></row>'),
        "sel A99999999, " + OUTSIDE,
    ),
    "a column beyond XFD": (
        lambda c: with_raw_cell(c, SHEET, "A2", '<c r="ZZZZ2"><v>5</v></c>'),
        "sel ZZZZ2, " + OUTSIDE,
    ),
    "a column just beyond XFD": (
        lambda c: with_raw_cell(c, SHEET, "A2", '<c r="XFE2"><v>5</v></c>'),
        "sel XFE2, " + OUTSIDE,
    ),
    "a row number that is no number": (
        lambda c: with_raw_row(c, SHEET, '<row r="tujuh"><c><v>5</v></c></row>'),
        BROKEN,
    ),
    "XML cut short": (
        lambda c: rezipped(c, replace={SHEET: member(c, SHEET)[:-200]}),
        BROKEN,
    ),
}


# ------------------------------------------------------------------ instrument sets


@pytest.fixture
def tapem(login, tenancy):
    with scopes_disabled():
        instrument_set_import_data(region=tenancy.bekasi, data=tiny_set())
    return login(tenancy.users["tapem_bekasi"])


def upload_set(client, content):
    """The upload page's text; asserts nothing was stored."""
    with scopes_disabled():
        before = list(InstrumentSet.objects.values_list("pk", "updated_at"))
    response = client.post(
        "/bekasi/instrumen/unggah/", {"workbook": SimpleUploadedFile("set.xlsx", content)}
    )
    assert response.status_code == 422  # refused: nothing stored
    with scopes_disabled():
        assert list(InstrumentSet.objects.values_list("pk", "updated_at")) == before
    page = html.unescape(response.content.decode())
    assert "Workbook ditolak; tidak ada yang disimpan" in page
    return page


def set_workbook(seed):
    """The tiny set's workbook with a new code (so it would be stored) and `seed` in the
    `versi` cell, B2 of sheet `set`."""
    content = with_cell(exported(tiny_set(code="baru")), "set", 2, "kode", "baru")
    return with_cell(content, "set", 2, "versi", seed)


@pytest.mark.parametrize("case", CELLS)
def test_instrument_upload_names_the_unreadable_cell(tapem, case):
    seed, xml, reason = CELLS[case]
    content = with_raw_cell(set_workbook(seed), SHEET, "B2", xml.replace("{r}", "B2"))
    assert f"set baris 2: sel B2 tidak dapat dibaca ({reason}" in upload_set(tapem, content)


@pytest.mark.parametrize("case", FILES)
def test_instrument_upload_refuses_a_spoilt_sheet(tapem, case):
    spoil, message = FILES[case]
    assert message in upload_set(tapem, spoil(set_workbook(1)))


# ------------------------------------------------------------------ scores


@pytest.fixture
def setup(make_period):
    return make_period()


def score_workbook(seed):
    """One valid row for the tiny set, its value cell F2 holding `seed`, then a row whose
    value is above the maximum (row 3)."""
    return workbook_bytes(
        [
            ("T1", "Jatiasih", "penilai_bekasi", "A", "A1", seed, 0, 100, None),
            ("T1", "Jatiasih", "penilai_bekasi", "B", "B1", 150, 0, 100, None),
        ]
    )


def spoilt_scores(case):
    seed, xml, _reason = CELLS[case]
    return with_raw_cell(score_workbook(seed), SHEET, "F2", xml.replace("{r}", "F2"))


@pytest.mark.parametrize("case", CELLS)
def test_import_scores_names_the_unreadable_cell_on_its_row(setup, tmp_path, case):
    with pytest.raises(CommandError) as raised:
        run_import(setup.period, spoilt_scores(case), tmp_path)
    lines = raised.value.stderr.splitlines()
    assert lines[0].startswith(f"baris 2: sel F2 tidak dapat dibaca ({CELLS[case][2]}")
    assert lines[1] == "baris 3: nilai 150 di atas nilai maksimal 100"
    assert stored(setup.period) == {}


@pytest.mark.parametrize("case", CELLS)
def test_score_upload_names_the_unreadable_cell_on_its_row(client, tenancy, setup, case):
    client.force_login(tenancy.users["tapem_bekasi"])
    response = client.post(
        "/bekasi/periode/2026/nilai/unggah/",
        {"workbook": SimpleUploadedFile("nilai.xlsx", spoilt_scores(case))},
    )
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert f"baris 2: sel F2 tidak dapat dibaca ({CELLS[case][2]}" in page
    assert stored(setup.period) == {}


@pytest.mark.parametrize("case", FILES)
def test_import_scores_refuses_a_spoilt_sheet(setup, tmp_path, case):
    spoil, message = FILES[case]
    with pytest.raises(CommandError) as raised:
        run_import(setup.period, spoil(score_workbook(5)), tmp_path)
    assert message in raised.value.stderr
    assert stored(setup.period) == {}


@pytest.mark.parametrize("case", FILES)
def test_score_upload_refuses_a_spoilt_sheet(client, tenancy, setup, case):
    client.force_login(tenancy.users["tapem_bekasi"])
    spoil, message = FILES[case]
    response = client.post(
        "/bekasi/periode/2026/nilai/unggah/",
        {"workbook": SimpleUploadedFile("nilai.xlsx", spoil(score_workbook(5)))},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert stored(setup.period) == {}
