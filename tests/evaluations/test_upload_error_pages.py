"""A refused upload with a great many problems lists the first 200 and says how many there
are in all, on both upload pages; `import_scores` still prints every one (its contract)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django_scopes import scopes_disabled

from evaluations.services import ScoreImportError
from instruments.models import InstrumentSet
from instruments.services import InstrumentImportError, instrument_set_import_data
from tests.evaluations.conftest import stored, workbook_bytes
from tests.evaluations.test_score_import import run_import
from tests.instruments.builders import tiny_set
from tests.instruments.workbooks import edited, exported

pytestmark = pytest.mark.django_db


def listed(page):
    """The <li> texts of the page's problem list."""
    block = page.split("alert error", 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li>(.*?)</li>", block, re.S)


# ------------------------------------------------------------------ scores


@pytest.fixture
def tapem_with_period(client, tenancy, make_period):
    setup = make_period()
    client.force_login(tenancy.users["tapem_bekasi"])
    return client, setup


def unknown_kecamatan_rows(count):
    return workbook_bytes(
        [("T1", f"Kec {n}", "penilai_bekasi", "A", "A1", 50, 0, 100, None) for n in range(count)]
    )


def test_score_upload_lists_200_problems_and_counts_the_rest(tapem_with_period):
    client, setup = tapem_with_period
    response = client.post(
        "/bekasi/periode/2026/nilai/unggah/",
        {"workbook": SimpleUploadedFile("nilai.xlsx", unknown_kecamatan_rows(1500))},
    )
    assert response.status_code == 422
    page = response.content.decode()
    items = listed(page)
    assert len(items) == 200
    assert items[0] == "baris 2: kecamatan &#x27;Kec 0&#x27; tidak dikenal"
    assert items[-1] == "baris 201: kecamatan &#x27;Kec 199&#x27; tidak dikenal"
    assert "Perbaiki 1.500 masalah berikut" in page
    assert "… dan 1.300 masalah lainnya." in page
    assert stored(setup.period) == {}


@pytest.fixture
def setup_period(make_period):
    return make_period().period


def test_import_scores_still_prints_every_bad_row(setup_period, tmp_path):
    with pytest.raises(CommandError) as raised:
        run_import(setup_period, unknown_kecamatan_rows(1500), tmp_path)
    lines = raised.value.stderr.splitlines()
    assert len(lines) == 1500
    assert lines[-1] == "baris 1501: kecamatan 'Kec 1499' tidak dikenal"
    assert "1.500 masalah" in str(raised.value)


def test_score_upload_of_150000_problems_is_a_short_page(tapem_with_period, monkeypatch):
    client, _setup = tapem_with_period
    problems = [f"baris {n}: nilai 150 di atas nilai maksimal 100" for n in range(2, 150_002)]

    def refuse(**kwargs):
        raise ScoreImportError(problems)

    monkeypatch.setattr("evaluations.views.scores_import", refuse)
    response = client.post(
        "/bekasi/periode/2026/nilai/unggah/",
        {"workbook": SimpleUploadedFile("nilai.xlsx", unknown_kecamatan_rows(1))},
    )
    page = response.content.decode()
    assert len(listed(page)) == 200
    assert "Perbaiki 150.000 masalah berikut" in page
    assert "… dan 149.800 masalah lainnya." in page
    assert len(page) < 60_000


def test_score_upload_with_200_problems_lists_them_all(tapem_with_period):
    client, _setup = tapem_with_period
    response = client.post(
        "/bekasi/periode/2026/nilai/unggah/",
        {"workbook": SimpleUploadedFile("nilai.xlsx", unknown_kecamatan_rows(200))},
    )
    page = response.content.decode()
    assert len(listed(page)) == 200
    assert "masalah lainnya" not in page


# ------------------------------------------------------------------ instrument sets


@pytest.fixture
def tapem(login, tenancy):
    with scopes_disabled():
        instrument_set_import_data(region=tenancy.bekasi, data=tiny_set())
    return login(tenancy.users["tapem_bekasi"])


def upload_set(client, content):
    response = client.post(
        "/bekasi/instrumen/unggah/", {"workbook": SimpleUploadedFile("set.xlsx", content)}
    )
    assert response.status_code == 422  # refused: nothing stored
    with scopes_disabled():
        assert InstrumentSet.objects.count() == 1
    return response.content.decode()


def test_instrument_upload_lists_200_problems_and_counts_the_rest(tapem):
    def many_bad_awards(book):
        for n in range(450):
            book["penghargaan"].append(["ke-" + str(n), f"Harapan {n}", "", ""])

    page = upload_set(tapem, edited(exported(tiny_set(code="baru")), many_bad_awards))
    items = listed(page)
    assert len(items) == 200
    assert all(item.startswith("penghargaan baris ") for item in items)
    total = int(re.search(r"Perbaiki ([\d.]+) hal berikut", page)[1].replace(".", ""))
    assert total >= 450
    assert f"… dan {total - 200:,} masalah lainnya.".replace(",", ".") in page


def test_instrument_upload_of_150000_problems_is_a_short_page(tapem, monkeypatch):
    problems = [f"indikator baris {n}: bobot harus berupa angka." for n in range(150_000)]

    def refuse(**kwargs):
        raise InstrumentImportError(problems)

    monkeypatch.setattr("instruments.services.instrument_set_import_workbook", refuse)
    page = upload_set(tapem, exported())
    assert len(listed(page)) == 200
    assert "Perbaiki 150.000 hal berikut" in page
    assert "… dan 149.800 masalah lainnya." in page
    assert len(page) < 60_000
