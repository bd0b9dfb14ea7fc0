""" "Salin jawaban periode sebelumnya": the operator starts this period's form from last
period's answers — only into empty cells, only indicators both sets have, never evidence,
through the one write service (history via "copy"), and pressing it twice copies once."""

import pytest
from django_scopes import scope, scopes_disabled

from evaluations.models import Evidence, Period, ScoreEntry, Sheet, ValueChange
from evaluations.services import period_create, period_set_status
from evaluations.sheets import sheet_write
from instruments.services import instrument_set_import_data
from tests.evaluations.selfassessment import (
    FILLED,
    kecamatan_sheet,
    mandiri_set,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year(make_period, tenancy):
    """Periode 2026 (the earlier one): Bantargebang answered everything and attached KEU."""
    setup = make_period(mandiri_set(), slug="2026")
    sheet = kecamatan_sheet(setup.period)
    operator = tenancy.users["operator_bantargebang"]
    with scope(region=setup.region):
        sheet_write(sheet=sheet, expected_version=0, values=FILLED, by=operator, via="form")
    return setup


@pytest.fixture
def this_year(last_year, client, tenancy):
    """Periode 2027 on a revised set: PEM dropped, BARU added, the rest the same."""
    data = mandiri_set()
    data["code"] = "kaya-2027"
    indicators = data["stages"][0]["aspects"][0]["indicators"]
    pem = next(i for i in indicators if i["code"] == "PEM")
    pem["code"] = "BARU"
    region = last_year.region
    with scope(region=region):
        instrument_set = instrument_set_import_data(region=region, data=data)
        period = period_create(
            region=region,
            slug="2027",
            name="Periode 2027",
            year_evaluated=2026,
            instrument_set=instrument_set,
            kecamatan=list(last_year.period.participants.all()),
        )
        period_set_status(period=period, status=Period.Status.OPEN, by=None)
    sheet = kecamatan_sheet(period)
    client.force_login(tenancy.users["operator_bantargebang"])
    return sheet


def url(sheet, tail=""):
    return f"/bekasi/periode/{sheet.period.slug}/lembar/{sheet.pk}/{tail}"


def stored(sheet):
    with scopes_disabled():
        return {
            (e.indicator.code, e.part): e.text or e.option_code or format(e.value.normalize(), "f")
            for e in ScoreEntry.objects.filter(sheet=sheet).select_related("indicator")
        }


def test_the_operator_copies_last_periods_answers_into_the_empty_cells(client, this_year):
    sheet = this_year
    page = client.get(url(sheet)).content.decode()
    assert "Salin jawaban periode sebelumnya" in page
    assert "Data dukung tidak ikut disalin." in page
    # One cell already typed this year: it stays as typed.
    with scope(region=sheet.period.region):
        sheet_write(
            sheet=sheet,
            expected_version=0,
            values=[{"indicator": "KEU", "part": "fisik", "value": "99"}],
            by=sheet_operator(sheet),
            via="form",
        )
    response = client.post(url(sheet, "salin-periode-sebelumnya/"), follow=True)
    assert response.status_code == 200
    assert "4 isian disalin dari Periode 2026." in response.content.decode()
    assert "Data dukung tidak ikut disalin" in response.content.decode()
    assert stored(sheet) == {
        ("KEU", "fisik"): "99",  # not overwritten
        ("KEU", "keuangan"): "90",
        ("CAP", "target"): "100",
        ("CAP", "realisasi"): "95",
        ("URAI", ""): "Uraian kegiatan kecamatan.",
    }  # PEM is not in this year's set; BARU was not in last year's
    with scopes_disabled():
        copies = ValueChange.objects.filter(sheet=sheet, via="copy")
        assert copies.count() == 4  # one history row per copied cell
        assert {c.by.username for c in copies} == {"operator_bantargebang"}
        assert not Evidence.objects.filter(sheet=sheet).exists()

    again = client.post(url(sheet, "salin-periode-sebelumnya/"), follow=True)
    assert "0 isian disalin" in again.content.decode()
    with scopes_disabled():
        assert ValueChange.objects.filter(sheet=sheet, via="copy").count() == 4


def sheet_operator(sheet):
    with scopes_disabled():
        return sheet.kecamatan.operators.get().user


def test_evidence_of_last_period_is_not_copied(client, last_year, this_year, tenancy):
    earlier = kecamatan_sheet(last_year.period)
    with scopes_disabled():
        Period.objects.filter(pk=last_year.period.pk).update(status=Period.Status.OPEN)
    assert upload(client, earlier, "KEU", pdf_bytes("2025")).status_code == 201
    client.post(url(this_year, "salin-periode-sebelumnya/"))
    with scopes_disabled():
        assert not Evidence.objects.filter(sheet=this_year).exists()


def test_refused_on_a_submitted_sheet_and_for_anyone_but_the_operator(client, this_year, tenancy):
    sheet = this_year
    with scopes_disabled():
        Sheet.objects.filter(pk=sheet.pk).update(state=Sheet.State.SUBMITTED)
    page = client.get(url(sheet)).content.decode()
    assert "Salin jawaban periode sebelumnya" not in page
    response = client.post(url(sheet, "salin-periode-sebelumnya/"), follow=True)
    assert "berstatus Diajukan" in response.content.decode()
    assert stored(sheet) == {}

    with scopes_disabled():
        Sheet.objects.filter(pk=sheet.pk).update(state=Sheet.State.DRAFT)
    client.force_login(tenancy.users["tapem_bekasi"])  # sees the sheet, does not fill it
    response = client.post(url(sheet, "salin-periode-sebelumnya/"), follow=True)
    assert "Hanya operator Kecamatan Bantargebang" in response.content.decode()
    assert stored(sheet) == {}


def test_no_earlier_period_offers_nothing(client, last_year, tenancy):
    sheet = kecamatan_sheet(last_year.period)
    client.force_login(tenancy.users["operator_bantargebang"])
    assert "Salin jawaban periode sebelumnya" not in client.get(url(sheet)).content.decode()
    response = client.post(url(sheet, "salin-periode-sebelumnya/"), follow=True)
    assert "Tidak ada lembar periode sebelumnya untuk disalin." in response.content.decode()
