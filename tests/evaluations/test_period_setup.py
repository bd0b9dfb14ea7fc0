"""Admin Tapem opens a period and seats its teams in the browser; bad input loses nothing."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from evaluations.models import Period, TeamMember
from evaluations.score_workbook import score_template_rows
from evaluations.scoring_input import scoring_input_for_period
from evaluations.selectors import ranking_for_period
from evaluations.services import period_create
from instruments.models import Aspect, Stage
from instruments.services import instrument_set_import_data
from tests.evaluations.conftest import write_around_services
from tests.instruments.builders import tiny_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def bekasi_set(tenancy):
    with scope(region=tenancy.bekasi):
        return instrument_set_import_data(region=tenancy.bekasi, data=tiny_set())


@pytest.fixture
def tapem(client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    return client


def _period_form(instrument_set, tenancy, **changes):
    data = {
        "name": "Evaluasi Kinerja Kecamatan 2027",
        "slug": "2027",
        "year_evaluated": "2026",
        "instrument_set": str(instrument_set.pk),
        "kecamatan": [str(tenancy.bantargebang.pk), str(tenancy.jatiasih.pk)],
    }
    data.update(changes)
    return data


def test_tapem_opens_a_period_then_lands_on_its_teams(tapem, tenancy, bekasi_set):
    form = _period_form(bekasi_set, tenancy, kecamatan=[str(tenancy.jatiasih.pk)])
    response = tapem.post("/bekasi/periode/baru/", form)
    assert response.status_code == 302
    assert response["Location"] == "/bekasi/periode/2027/tim/"
    with scope(region=tenancy.bekasi):
        period = Period.objects.get(slug="2027")
        assert period.instrument_set == bekasi_set
        assert period.year_evaluated == 2026
        assert list(period.participants.all()) == [tenancy.jatiasih]


def test_the_form_offers_every_kecamatan_ticked_and_only_own_sets(tapem, tenancy, bekasi_set):
    with scope(region=tenancy.tegal):
        tegal_set = instrument_set_import_data(region=tenancy.tegal, data=tiny_set())
    page = tapem.get("/bekasi/periode/baru/").content.decode()
    assert page.count('type="checkbox"') == 2 and page.count("checked") == 2
    assert f'<option value="{bekasi_set.pk}"' in page
    assert f'<option value="{tegal_set.pk}"' not in page

    response = tapem.post("/bekasi/periode/baru/", _period_form(tegal_set, tenancy))
    assert response.status_code == 422
    assert "Masukkan pilihan yang valid" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "2026"}, "Kode URL ini sudah dipakai periode lain."),
        ({"slug": "baru"}, "Kode URL &#x27;baru&#x27; dipakai oleh aplikasi"),
        ({"slug": "tahun 2027"}, "Kode URL hanya boleh berisi huruf, angka dan tanda hubung"),
        ({"kecamatan": []}, "Pilih paling sedikit satu kecamatan peserta."),
        ({"year_evaluated": "dua ribu"}, "Tahun ditulis dengan angka, misalnya 2026."),
    ],
)
def test_bad_period_input_is_refused_in_indonesian_and_keeps_what_was_typed(
    tapem, tenancy, bekasi_set, changes, message
):
    with scopes_disabled():
        period_create(
            region=tenancy.bekasi,
            slug="2026",
            name="Periode lama",
            year_evaluated=2025,
            instrument_set=bekasi_set,
            kecamatan=[],
        )
    response = tapem.post("/bekasi/periode/baru/", _period_form(bekasi_set, tenancy, **changes))
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert 'value="Evaluasi Kinerja Kecamatan 2027"' in page
    with scopes_disabled():
        assert Period.objects.count() == 1


def test_a_set_with_errors_cannot_start_a_period(tapem, tenancy, bekasi_set):
    with scopes_disabled():
        Aspect.objects.filter(stage__instrument_set=bekasi_set).delete()  # an empty stage
    response = tapem.post("/bekasi/periode/baru/", _period_form(bekasi_set, tenancy))
    assert response.status_code == 422
    assert "masih memiliki" in response.content.decode()


@pytest.fixture
def period(tenancy, bekasi_set):
    with scopes_disabled():
        return period_create(
            region=tenancy.bekasi,
            slug="2026",
            name="Evaluasi 2026",
            year_evaluated=2025,
            instrument_set=bekasi_set,
            kecamatan=[tenancy.bantargebang, tenancy.jatiasih],
        )


def _field(period, user):
    with scopes_disabled():
        stage = Stage.objects.get(instrument_set=period.instrument_set)
    return f"tahap-{stage.pk}-penilai-{user.pk}"


def _team(period):
    with scopes_disabled():
        return [
            (seat.user.username, seat.position)
            for seat in TeamMember.objects.filter(period=period).order_by("order")
        ]


def test_tapem_seats_the_team_and_the_template_follows_its_order(tapem, tenancy, period):
    users = tenancy.users
    response = tapem.post(
        "/bekasi/periode/2026/tim/",
        {
            _field(period, users["penilai_bekasi"]): "anggota",
            _field(period, users["penilai_lintas"]): "ketua",
        },
    )
    assert response.status_code == 302
    assert _team(period) == [("penilai_lintas", "ketua"), ("penilai_bekasi", "anggota")]
    with scope(region=tenancy.bekasi):
        rows = score_template_rows(scoring_input_for_period(period=period))
    assessors = list(dict.fromkeys(row[2] for row in rows))
    assert assessors == ["penilai_lintas", "penilai_bekasi"]


def test_only_penilai_of_the_region_are_offered(tapem, tenancy, period):
    page = tapem.get("/bekasi/periode/2026/tim/").content.decode()
    # By name and jabatan (the usernames are the login, not what the page prints).
    assert "Ir. Bambang Sutrisno, M.T." in page and "Asisten Pemerintahan dan Kesra" in page
    assert "Prof. Dr. Budi Prasetyo, M.A." in page and "penilai_lintas" not in page
    assert "Rudi Hartono" not in page and "Kepala Bagian Tata Pemerintahan" not in page
    # A field forged for someone else is not part of the form and seats nobody.
    forged = _field(period, tenancy.users["operator_bantargebang"])
    assert tapem.post("/bekasi/periode/2026/tim/", {forged: "ketua"}).status_code == 302
    assert _team(period) == []


def test_two_ketua_are_refused_and_the_team_stays_as_it_was(tapem, tenancy, period):
    users = tenancy.users
    tapem.post("/bekasi/periode/2026/tim/", {_field(period, users["penilai_bekasi"]): "ketua"})
    response = tapem.post(
        "/bekasi/periode/2026/tim/",
        {
            _field(period, users["penilai_bekasi"]): "ketua",
            _field(period, users["penilai_lintas"]): "ketua",
        },
    )
    assert response.status_code == 422
    assert "tim hanya boleh memiliki satu Ketua; terpilih" in response.content.decode()
    assert _team(period) == [("penilai_bekasi", "ketua")]


def test_a_penilai_with_stored_values_cannot_leave_the_team(tapem, tenancy, period):
    users = tenancy.users
    tapem.post("/bekasi/periode/2026/tim/", {_field(period, users["penilai_bekasi"]): "ketua"})
    with scopes_disabled():
        indicator = period.instrument_set.stages.get().aspects.first().indicators.first()
        write_around_services(
            period=period,
            kecamatan=tenancy.jatiasih,
            indicator=indicator,
            assessor=users["penilai_bekasi"],
            value=70,
        )
    response = tapem.post("/bekasi/periode/2026/tim/", {})
    assert response.status_code == 422
    assert "Ir. Bambang Sutrisno, M.T. sudah memiliki nilai pada tahap ini" in (
        response.content.decode()
    )
    assert _team(period) == [("penilai_bekasi", "ketua")]


def test_teams_of_a_closed_period_do_not_change(tapem, tenancy, period):
    with scopes_disabled():
        Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    field = _field(period, tenancy.users["penilai_bekasi"])
    response = tapem.post("/bekasi/periode/2026/tim/", {field: "ketua"})
    assert response.status_code == 409
    assert "tim penilai dan peserta tidak dapat diubah" in response.content.decode()
    assert _team(period) == []
    # The page says so instead of offering a form that would be refused.
    page = tapem.get("/bekasi/periode/2026/tim/").content.decode()
    assert "tim penilai dan peserta tidak dapat diubah" in page
    assert "Simpan tim" not in page


def test_period_page_says_when_a_team_is_short_of_its_minimum(client, tenancy, period):
    with scopes_disabled():
        Stage.objects.filter(instrument_set=period.instrument_set).update(min_team_size=3)
    client.force_login(tenancy.users["pimpinan_bekasi"])
    page = client.get("/bekasi/periode/2026/").content.decode()
    assert "Kurang 3 penilai (minimal 3)" in page


def _not_scored(client, kecamatan, reason):
    return client.post(
        f"/bekasi/periode/2026/peserta/{kecamatan}/", {"action": "tidak-dinilai", "reason": reason}
    )


def test_tapem_marks_a_kecamatan_not_scored_and_the_ranking_says_why(tapem, tenancy, period):
    response = _not_scored(tapem, "jatiasih", "Isian tetap tidak lengkap setelah perbaikan")
    assert response.status_code == 302
    page = tapem.get("/bekasi/periode/2026/peserta/").content.decode()
    assert "Jatiasih ditandai tidak dinilai." in page
    assert "Isian tetap tidak lengkap setelah perbaikan" in page

    ranking = tapem.get("/bekasi/periode/2026/peringkat/").content.decode()
    assert "Tidak dinilai" in ranking
    with scope(region=tenancy.bekasi):
        result = ranking_for_period(period=period, trace=False)
    jatiasih = next(r for r in result.results if r.name == "Jatiasih")
    assert jatiasih.status == "disqualified"
    assert [note.text for note in jatiasih.notes] == [
        "Didiskualifikasi: Isian tetap tidak lengkap setelah perbaikan"
    ]

    assert tapem.post("/bekasi/periode/2026/peserta/jatiasih/", {"action": "nilai"}).status_code
    with scope(region=tenancy.bekasi):
        again = ranking_for_period(period=period, trace=False)
    assert next(r for r in again.results if r.name == "Jatiasih").status != "disqualified"


def test_not_scoring_needs_a_reason(tapem, tenancy, period):
    response = _not_scored(tapem, "jatiasih", "   ")
    assert response.status_code == 422
    assert "Tuliskan alasan kecamatan tidak dinilai" in response.content.decode()
    with scopes_disabled():
        assert not period.participations.get(kecamatan=tenancy.jatiasih).disqualified


def test_participants_of_a_closed_period_do_not_change(tapem, tenancy, period):
    with scopes_disabled():
        Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    response = _not_scored(tapem, "jatiasih", "Terlambat")
    assert response.status_code == 409
    assert "tim penilai dan peserta tidak dapat diubah" in response.content.decode()
    page = tapem.get("/bekasi/periode/2026/peserta/").content.decode()
    assert "Tandai tidak dinilai" not in page


@pytest.mark.parametrize("role", ["operator_bantargebang", "penilai_bekasi", "pimpinan_bekasi"])
def test_only_tapem_can_mark_a_kecamatan_not_scored(client, tenancy, period, role):
    client.force_login(tenancy.users[role])
    assert _not_scored(client, "jatiasih", "Alasan").status_code == 403
    with scopes_disabled():
        assert not period.participations.get(kecamatan=tenancy.jatiasih).disqualified


def test_another_regions_kecamatan_is_not_found(tapem, tenancy, period):
    assert _not_scored(tapem, "slawi", "Alasan").status_code == 404


# Django admin writes around the services: the models refuse what the services refuse.


def test_a_period_cannot_run_on_another_regions_set(tenancy, period):
    with scopes_disabled():
        tegal_set = instrument_set_import_data(region=tenancy.tegal, data=tiny_set())
        period.instrument_set = tegal_set
        with pytest.raises(ValidationError) as error:
            period.full_clean()
    assert "Set instrumen bukan milik pemerintah daerah ini." in str(error.value)


def test_a_period_with_values_keeps_its_set(tenancy, period):
    with scopes_disabled():
        indicator = period.instrument_set.stages.get().aspects.first().indicators.first()
        write_around_services(
            period=period, kecamatan=tenancy.jatiasih, indicator=indicator, value=1
        )
        period.instrument_set = instrument_set_import_data(
            region=tenancy.bekasi, data=tiny_set(code="lain")
        )
        with pytest.raises(ValidationError) as error:
            period.full_clean()
    assert "set instrumennya tidak dapat diganti" in str(error.value)


def test_a_team_seat_needs_a_penilai_of_the_region_and_a_stage_of_the_set(tenancy, period):
    with scopes_disabled():
        stage = period.instrument_set.stages.get()
        with pytest.raises(ValidationError, match="bukan penilai"):
            TeamMember(period=period, stage=stage, user=tenancy.users["tapem_bekasi"]).full_clean()
        other = instrument_set_import_data(region=tenancy.bekasi, data=tiny_set(code="lain"))
        with pytest.raises(ValidationError, match="bukan bagian dari set"):
            TeamMember(
                period=period, stage=other.stages.get(), user=tenancy.users["penilai_bekasi"]
            ).full_clean()
        TeamMember(period=period, stage=stage, user=tenancy.users["penilai_bekasi"]).full_clean()


def _status(period):
    with scopes_disabled():
        return Period.objects.get(pk=period.pk).status


def test_tapem_opens_closes_and_reopens_a_period(tapem, period):
    for status in ("open", "closed", "open"):
        response = tapem.post(
            "/bekasi/periode/2026/status/",
            {"status": status, "reason": "Nilai Jatiasih salah ketik"},
            follow=True,
        )
        assert _status(period) == status
        assert "Status periode sekarang" in response.content.decode()


def test_reopening_needs_a_reason(tapem, period):
    tapem.post("/bekasi/periode/2026/status/", {"status": "open"})
    tapem.post("/bekasi/periode/2026/status/", {"status": "closed"})
    response = tapem.post("/bekasi/periode/2026/status/", {"status": "open"}, follow=True)
    assert _status(period) == "closed"
    assert "Tuliskan alasannya" in response.content.decode()


def test_a_closed_period_refuses_new_values_until_reopened(tapem, tenancy, period):
    tapem.post("/bekasi/periode/2026/status/", {"status": "open"})
    tapem.post("/bekasi/periode/2026/status/", {"status": "closed"})
    field = _field(period, tenancy.users["penilai_bekasi"])
    assert tapem.post("/bekasi/periode/2026/tim/", {field: "ketua"}).status_code == 409
    tapem.post("/bekasi/periode/2026/status/", {"status": "open", "reason": "Perbaikan tim"})
    assert tapem.post("/bekasi/periode/2026/tim/", {field: "ketua"}).status_code == 302


@pytest.mark.parametrize("status", ["closed", "published", "preparation", "sembarang"])
def test_a_period_in_preparation_only_opens(tapem, period, status):
    response = tapem.post("/bekasi/periode/2026/status/", {"status": status}, follow=True)
    assert _status(period) == "preparation"
    assert "tidak dapat diubah dari Persiapan" in response.content.decode()


@pytest.mark.parametrize("role", ["operator_bantargebang", "penilai_bekasi", "pimpinan_bekasi"])
def test_only_tapem_changes_a_periods_status(client, tenancy, period, role):
    client.force_login(tenancy.users[role])
    assert client.post("/bekasi/periode/2026/status/", {"status": "open"}).status_code == 403
    assert _status(period) == "preparation"


def test_the_operator_sees_the_periods_of_their_kecamatan_and_why_it_is_not_scored(
    client, tapem, tenancy, period
):
    _not_scored(tapem, "bantargebang", "Isian tetap tidak lengkap setelah perbaikan")
    client.force_login(tenancy.users["operator_bantargebang"])
    page = client.get("/bekasi/kecamatan/bantargebang/").content.decode()
    assert "Evaluasi 2026" in page
    assert "Tidak dinilai" in page and "Isian tetap tidak lengkap setelah perbaikan" in page
