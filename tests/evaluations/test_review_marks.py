"""Tapem marks one indicator at a time on the review page: with htmx the row's cell is
answered (no reload), without JavaScript the same button posts the page and comes back."""

import pytest
from django_scopes import scopes_disabled

from evaluations.models import IndicatorReview
from tests.evaluations.selfassessment import indicator_ids, mandiri_set
from tests.evaluations.test_verification_pages import review_url, state, submitted

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def setup(make_period):
    return make_period(mandiri_set())


@pytest.fixture
def tapem(client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    return client


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
