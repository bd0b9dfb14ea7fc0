"""Admin Tapem's verification of the kecamatan's own sheets, in the browser (no script)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from evaluations.models import IndicatorReview, Participation, RepairRequest, Sheet
from evaluations.self_assessment import evidence_upload
from evaluations.sheets import sheet_submit, sheet_write
from tests.evaluations.conftest import add_kecamatan
from tests.evaluations.selfassessment import (
    EVIDENCE_REQUIRED,
    FILLED,
    SET_REASON,
    indicator_ids,
    kecamatan_sheet,
    mandiri_set,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_period):
    return make_period(mandiri_set())


@pytest.fixture
def tapem(client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    return client


def submitted(setup, tenancy, kecamatan="Bantargebang"):
    sheet = kecamatan_sheet(setup.period, kecamatan)
    operator = tenancy.users["operator_bantargebang"]
    with scope(region=setup.region):
        sheet_write(sheet=sheet, expected_version=0, values=FILLED, by=operator, via="form")
        for code in EVIDENCE_REQUIRED:
            evidence_upload(
                sheet=sheet, indicator_code=code, upload=pdf_bytes(code), name="b.pdf", by=operator
            )
        sheet_submit(sheet=sheet, expected_version=sheet.version, by=operator)
    return sheet


def state(sheet):
    with scopes_disabled():
        return Sheet.objects.get(pk=sheet.pk).state


def review_url(sheet):
    return f"/bekasi/periode/2026/verifikasi/{sheet.pk}/"


def test_the_queue_shows_every_kecamatan_and_the_counts(tapem, setup, tenancy):
    submitted(setup, tenancy)
    page = tapem.get("/bekasi/periode/2026/verifikasi/").content.decode()
    assert "Bantargebang" in page and "Jatiasih" in page
    assert 'data-state="submitted">1<' in page
    assert 'data-state="draft">1<' in page
    assert "2 berkas" in page and "0 berkas" in page


def test_the_queue_costs_the_same_queries_for_one_or_many(tapem, setup, tenancy):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert tapem.get("/bekasi/periode/2026/verifikasi/").status_code == 200
        return len(queries)

    few = count()
    from evaluations.services import participation_set_scored  # noqa: F401
    from evaluations.sheets import sheets_sync

    with scope(region=setup.region):
        for n in range(5):
            kecamatan = add_kecamatan(setup.region, f"Tambahan {n}")
            Participation.objects.create(period=setup.period, kecamatan=kecamatan)
        sheets_sync(period=setup.period)
    assert count() == few


def test_answers_and_evidence_side_by_side_then_return(tapem, setup, tenancy):
    sheet = submitted(setup, tenancy)
    page = tapem.get(review_url(sheet)).content.decode()
    assert "Uraian kegiatan kecamatan." in page and "b.pdf" in page
    ids = indicator_ids(sheet)
    response = tapem.post(
        review_url(sheet),
        {
            f"verdict-{ids['KEU']}": "needs_repair",
            f"comment-{ids['KEU']}": "Lampirkan SP2D",
            f"verdict-{ids['PEM']}": "verified",
            "decision": "return",
            "reason": "Data dukung keuangan kurang",
        },
    )
    assert response.status_code == 302
    assert state(sheet) == "returned"
    with scopes_disabled():
        request = RepairRequest.objects.get(sheet=sheet)
        verdicts = {
            (r.indicator.code, r.verdict, r.comment, r.repair_request_id)
            for r in IndicatorReview.objects.filter(sheet=sheet)
        }
    assert request.reason == "Data dukung keuangan kurang"
    assert verdicts == {
        ("KEU", "needs_repair", "Lampirkan SP2D", request.pk),
        ("PEM", "verified", "", None),
    }


def test_needs_repair_without_a_comment_is_refused(tapem, setup, tenancy):
    sheet = submitted(setup, tenancy)
    keu = indicator_ids(sheet)["KEU"]
    response = tapem.post(
        review_url(sheet), {f"verdict-{keu}": "needs_repair", "decision": "return"}
    )
    assert response.status_code == 422
    assert "Tuliskan apa yang harus diperbaiki" in response.content.decode()
    assert state(sheet) == "submitted"


def test_accept_from_the_page(tapem, setup, tenancy):
    sheet = submitted(setup, tenancy)
    assert tapem.post(review_url(sheet), {"decision": "accept"}).status_code == 302
    assert state(sheet) == "accepted"
    again = tapem.post(review_url(sheet), {"decision": "accept"})
    assert again.status_code == 409


def test_disqualify_needs_confirmation_and_marks_the_participant(tapem, setup, tenancy):
    sheet = submitted(setup, tenancy)
    url = review_url(sheet) + "tidak-dinilai/"
    page = tapem.get(url).content.decode()
    assert SET_REASON in page
    unconfirmed = tapem.post(url, {"reason": SET_REASON})
    assert unconfirmed.status_code == 422
    assert state(sheet) == "submitted"
    assert tapem.post(url, {"reason": SET_REASON, "confirm": "on"}).status_code == 302
    assert state(sheet) == "disqualified"
    with scopes_disabled():
        participation = Participation.objects.get(
            period=setup.period, kecamatan__name="Bantargebang"
        )
    assert participation.disqualified
    assert participation.disqualification_reason == SET_REASON
    # The operator reads it on their sheet.
    tapem.force_login(tenancy.users["operator_bantargebang"])
    page = tapem.get(f"/bekasi/periode/2026/lembar/{sheet.pk}/").content.decode()
    assert f"Tidak dinilai: {SET_REASON}" in page


def test_the_ranking_leaves_a_disqualified_kecamatan_out(tapem, setup, tenancy):
    from evaluations.selectors import ranking_for_period

    sheet = submitted(setup, tenancy)
    url = review_url(sheet) + "tidak-dinilai/"
    tapem.post(url, {"reason": SET_REASON, "confirm": "on"})
    with scope(region=setup.region):
        result = ranking_for_period(period=setup.period, trace=False)
    statuses = {r.key: r.status for r in result.results}
    assert statuses["bantargebang"] == "disqualified"


# ---------------------------------------------------------------- one indicator at a time
# With htmx the row's cell is answered (no reload); without JavaScript the same button posts
# the page and comes back to the indicator.

HTMX = {"HX-Request": "true"}


def reviews(sheet):
    with scopes_disabled():
        return [
            (r.indicator.code, r.verdict, r.comment)
            for r in IndicatorReview.objects.filter(sheet=sheet).order_by("pk")
        ]


def mark_url(sheet, indicator_id):
    return f"{review_url(sheet)}indikator/{indicator_id}/"


def test_the_page_offers_a_mark_button_per_indicator_that_htmx_posts(tapem, setup, tenancy):
    sheet = submitted(setup, tenancy)
    ids = indicator_ids(sheet)
    page = tapem.get(review_url(sheet)).content.decode()
    url = mark_url(sheet, ids["KEU"])
    assert f'hx-post="{url}"' in page and f'formaction="{url}"' in page


def test_one_indicator_is_marked_without_reloading_the_page(tapem, setup, tenancy):
    sheet = submitted(setup, tenancy)
    ids = indicator_ids(sheet)
    data = {f"verdict-{ids['KEU']}": "needs_repair", f"comment-{ids['KEU']}": "Lampirkan SP2D"}
    response = tapem.post(mark_url(sheet, ids["KEU"]), data, headers=HTMX)
    assert response.status_code == 200
    cell = response.content.decode()
    assert "<html" not in cell  # a partial: the row's verification cell
    assert "Tersimpan" in cell and "Lampirkan SP2D" in cell
    assert reviews(sheet) == [("KEU", "needs_repair", "Lampirkan SP2D")]
    # A retry (a flaky connection) records nothing more.
    tapem.post(mark_url(sheet, ids["KEU"]), data, headers=HTMX)
    assert reviews(sheet) == [("KEU", "needs_repair", "Lampirkan SP2D")]
    assert state(sheet) == "submitted"  # marking is not deciding


def test_needs_repair_without_a_comment_is_refused_in_the_cell(tapem, setup, tenancy):
    sheet = submitted(setup, tenancy)
    ids = indicator_ids(sheet)
    response = tapem.post(
        mark_url(sheet, ids["PEM"]), {f"verdict-{ids['PEM']}": "needs_repair"}, headers=HTMX
    )
    assert response.status_code == 200  # htmx swaps only a 2xx answer
    assert response["X-Kinerja-Status"] == "422"
    assert "Tuliskan apa yang harus diperbaiki" in response.content.decode()
    assert reviews(sheet) == []


def test_without_javascript_the_button_posts_the_page_and_comes_back(tapem, setup, tenancy):
    sheet = submitted(setup, tenancy)
    ids = indicator_ids(sheet)
    response = tapem.post(
        mark_url(sheet, ids["PEM"]),
        {f"verdict-{ids['PEM']}": "verified", f"verdict-{ids['KEU']}": "needs_repair"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"{review_url(sheet)}#indikator-{ids['PEM']}")
    assert reviews(sheet) == [("PEM", "verified", "")]  # only the indicator pressed
    page = tapem.get(response["Location"]).content.decode()
    assert "Verifikasi PEM disimpan." in page


def test_an_accepted_sheet_takes_no_marks(tapem, setup, tenancy):
    sheet = submitted(setup, tenancy)
    tapem.post(review_url(sheet), {"decision": "accept"})
    ids = indicator_ids(sheet)
    response = tapem.post(
        mark_url(sheet, ids["PEM"]), {f"verdict-{ids['PEM']}": "verified"}, headers=HTMX
    )
    assert response["X-Kinerja-Status"] == "409"
    assert "hanya lembar yang diajukan dapat diverifikasi" in response.content.decode()
    assert reviews(sheet) == []
