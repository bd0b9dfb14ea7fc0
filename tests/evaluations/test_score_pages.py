"""Tapem runs a paper-based evaluation in the browser: template, upload, ranking, trace."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from evaluations.models import ScoreEntry
from evaluations.selectors import ranking_for_period
from evaluations.services import period_set_status
from tests.evaluations.conftest import read_rows, workbook_bytes
from tests.instruments.builders import tiny_set

pytestmark = pytest.mark.django_db


def _upload(client, period, content, name="nilai.xlsx"):
    return client.post(
        f"/bekasi/periode/{period.slug}/nilai/unggah/",
        {"workbook": SimpleUploadedFile(name, content)},
    )


def _filled(client, period, scores):
    """The downloaded template with `nilai` filled from {(kecamatan, penilai, aspek): value}."""
    response = client.get(f"/bekasi/periode/{period.slug}/nilai/templat.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('nilai-bekasi-2026.xlsx"')
    header, *rows = read_rows(response.content)
    filled = []
    for row in rows:
        _tahap, kecamatan, penilai, aspek = row[:4]
        filled.append((*row[:5], scores.get((kecamatan, penilai, aspek)), *row[6:]))
    return workbook_bytes(filled, header=header)


SCORES = {
    ("Jatiasih", "penilai_bekasi", "A"): 90,
    ("Jatiasih", "penilai_bekasi", "B"): 70,
    ("Jatiasih", "penilai_lintas", "A"): 80,
    ("Jatiasih", "penilai_lintas", "B"): 80,
    ("Bantargebang", "penilai_bekasi", "A"): 80,
    ("Bantargebang", "penilai_bekasi", "B"): 90,
    ("Bantargebang", "penilai_lintas", "A"): 70,
    ("Bantargebang", "penilai_lintas", "B"): 60,
}


def test_tapem_uploads_the_filled_template_and_sees_the_ranking(client, tenancy, make_period):
    setup = make_period()
    client.force_login(tenancy.users["tapem_bekasi"])
    response = _upload(client, setup.period, _filled(client, setup.period, SCORES))
    assert response.status_code == 200
    assert "8 nilai disimpan" in response.content.decode()

    page = client.get("/bekasi/periode/2026/peringkat/").content.decode()
    # Jatiasih: (90×60% + 70×40% + 80×60% + 80×40%) / 2 = 81,00; Bantargebang 75,00.
    assert page.index("Jatiasih") < page.index("Bantargebang")
    assert "81,00" in page and "75,00" in page
    assert "Belum ada nilai tersimpan" not in page
    assert "Diperingkat" in page
    # the first stored values froze the set: the period says so with the glossary's badge
    period_page = client.get("/bekasi/periode/2026/").content.decode()
    assert '<span class="badge">Dibekukan</span>' in period_page


def test_breakdown_traces_the_score_to_each_assessors_entry(client, tenancy, make_period):
    setup = make_period()
    client.force_login(tenancy.users["tapem_bekasi"])
    _upload(client, setup.period, _filled(client, setup.period, SCORES))
    page = client.get("/bekasi/periode/2026/peringkat/jatiasih/").content.decode()
    assert "Ir. Bambang Sutrisno, M.T. · Asisten Pemerintahan dan Kesra" in page
    assert "Prof. Dr. Budi Prasetyo, M.A. · Dosen Ilmu Pemerintahan" in page
    assert "penilai_bekasi" not in page and "penilai_lintas" not in page
    assert "82,00" in page and "80,00" in page  # each member's total
    assert "81,00" in page
    assert '<td class="num">60%</td>' in page  # aspect A's weight


def test_a_bad_row_refuses_the_whole_file_and_keeps_what_was_saved(client, tenancy, make_period):
    setup = make_period()
    client.force_login(tenancy.users["tapem_bekasi"])
    _upload(client, setup.period, _filled(client, setup.period, SCORES))

    worse = dict(SCORES)
    worse[("Jatiasih", "penilai_bekasi", "A")] = 10  # a valid change …
    worse[("Bantargebang", "penilai_lintas", "B")] = 150  # … and a value above the maximum
    response = _upload(client, setup.period, _filled(client, setup.period, worse))
    assert response.status_code == 422
    body = response.content.decode()
    assert "tidak ada nilai yang disimpan" in body
    assert "baris " in body
    with scope(region=setup.region):
        values = sorted(ScoreEntry.objects.values_list("value", flat=True))
    assert [int(v) for v in values] == sorted(SCORES.values())


def test_a_file_that_is_not_a_workbook_is_refused_in_indonesian(client, tenancy, make_period):
    setup = make_period()
    client.force_login(tenancy.users["tapem_bekasi"])
    response = _upload(client, setup.period, b"kecamatan,nilai\nJatiasih,90\n", name="nilai.csv")
    assert response.status_code == 422
    assert "xlsx" in response.content.decode()


def test_ranking_page_uses_the_same_number_of_queries_for_2_or_40_kecamatan(
    client, tenancy, make_period
):
    small = make_period(kecamatan=["Kecil 1", "Kecil 2"], slug="kecil")
    large = make_period(
        tiny_set(code="uji-besar"), kecamatan=[f"Besar {n}" for n in range(40)], slug="besar"
    )
    client.force_login(tenancy.users["pimpinan_bekasi"])
    counts = []
    for setup in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/bekasi/periode/{setup.period.slug}/peringkat/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_ranking_before_any_score_says_so_and_offers_tapem_the_template(
    client, tenancy, make_period
):
    make_period()
    client.force_login(tenancy.users["tapem_bekasi"])
    page = client.get("/bekasi/periode/2026/peringkat/").content.decode()
    assert "Belum ada nilai tersimpan" in page
    assert "/bekasi/periode/2026/nilai/templat.xlsx" in page

    client.force_login(tenancy.users["pimpinan_bekasi"])
    page = client.get("/bekasi/periode/2026/peringkat/").content.decode()
    assert "Belum ada nilai tersimpan" in page
    assert "/nilai/templat.xlsx" not in page  # pimpinan reads; only Tapem enters scores


def test_ranking_shows_five_warnings_and_folds_the_rest(client, tenancy, make_period):
    # Four kecamatan, two penilai, nobody scored: a warning per penilai and kecamatan at least.
    setup = make_period(kecamatan=["Bantargebang", "Jatiasih", "Bekasi Barat", "Medan Satria"])
    with scope(region=tenancy.bekasi):
        warnings = ranking_for_period(period=setup.period, trace=False).warnings
    assert len(warnings) > 8
    client.force_login(tenancy.users["tapem_bekasi"])
    page = client.get("/bekasi/periode/2026/peringkat/").content.decode()
    section = page[page.index('<section class="card alert warning">') :]
    section = section[: section.index("</section>")]
    shown, folded = section.split('<details class="more-warnings">')
    assert shown.count("<li>") == 5
    assert f"Tampilkan {len(warnings) - 5} peringatan lainnya" in folded
    assert folded.count("<li>") == len(warnings) - 5


@pytest.mark.parametrize(
    ("status", "reason"),
    [("preparation", "masih dipersiapkan"), ("closed", "nilai tidak dapat diubah")],
)
def test_upload_page_shows_no_form_when_the_period_takes_no_values(
    client, tenancy, make_period, status, reason
):
    setup = make_period(status="preparation")
    if status == "closed":
        with scope(region=tenancy.bekasi):
            period_set_status(period=setup.period, status="open", by=None)
            period_set_status(period=setup.period, status="closed", by=None)
    client.force_login(tenancy.users["tapem_bekasi"])
    page = client.get("/bekasi/periode/2026/nilai/unggah/").content.decode()
    assert reason in page
    assert 'type="file"' not in page
    assert "Unggah nilai (xlsx)" not in client.get("/bekasi/periode/2026/").content.decode()
    # A crafted upload is refused all the same, with the reason; nothing is stored.
    response = _upload(client, setup.period, _filled(client, setup.period, SCORES))
    assert response.status_code == 409
    assert reason in response.content.decode()
    with scope(region=tenancy.bekasi):
        assert not ScoreEntry.objects.exists()


def test_a_closed_periods_set_cannot_be_edited_or_emptied(client, tenancy, make_period):
    setup = make_period()
    with scope(region=tenancy.bekasi):
        period_set_status(period=setup.period, status="closed", by=None)
        stage = setup.period.instrument_set.stages.get()
    client.force_login(tenancy.users["tapem_bekasi"])
    set_url = f"/bekasi/instrumen/{setup.period.instrument_set_id}"
    response = client.post(f"{set_url}/tahap/{stage.pk}/hapus/")
    assert response.status_code == 409
    assert "Buat versi baru" in response.content.decode()
    with scope(region=tenancy.bekasi):
        assert setup.period.instrument_set.stages.exists()
        assert ScoreEntry.objects.count() == 0  # frozen although it holds no scores
