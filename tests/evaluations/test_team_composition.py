"""Teams as the texts appoint them (issue 12 point 1): each member's position, origin and
jabatan, the SK appointing each stage's team, which kecamatan each member scores, and a
conflict of interest Tapem records. An unassigned member is not expected for a kecamatan:
not missing, not in its mean, no sheet, and every write path refuses their values."""

import datetime
import io
import json
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from evaluations.models import (
    MemberAbsence,
    MemberAssignment,
    Sheet,
    TeamAppointment,
    TeamMember,
)
from evaluations.score_template import score_template_bytes
from evaluations.selectors import ranking_for_period
from evaluations.services import (
    AppointmentInput,
    ScoreImportError,
    assignments_set,
    scores_import_rows,
    team_appointments_record,
)
from evaluations.sheets import SheetRefused, sheet_write
from evaluations.tablet import board_for_period, outbox_import
from tests.evaluations.conftest import read_rows, stored

pytestmark = pytest.mark.django_db

TEAM = "/bekasi/periode/2026/tim/"


@pytest.fixture
def setup(make_period):
    """Bantargebang and Jatiasih, scored by penilai_bekasi, penilai_lintas and penilai-3."""
    return make_period(penilai=3)


@pytest.fixture
def tapem(client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    return client


def stage_of(setup):
    with scopes_disabled():
        return setup.period.instrument_set.stages.get()


def kecamatan_ids(setup, *names):
    with scopes_disabled():
        return {
            k.pk
            for k in setup.period.participants.all()
            if k.name in names  # type: ignore[attr-defined]
        }


def only_bantargebang(setup, member):
    """Tapem assigns `member` Bantargebang only (not Jatiasih)."""
    with scope(region=setup.region):
        assignments_set(
            period=setup.period,
            stage=stage_of(setup),
            chosen={member.pk: kecamatan_ids(setup, "Bantargebang")},
            by=None,
        )


def write(sheet, user, **values):
    with scope(region=sheet.period.region):
        sheet.refresh_from_db()
        return sheet_write(
            sheet=sheet,
            expected_version=sheet.version,
            values=[{"indicator": code, "value": value} for code, value in values.items()],
            by=user,
            via="tablet",
            key=uuid.uuid4().hex,
        )


def sheet_of(setup, user, kecamatan):
    with scopes_disabled():
        return Sheet.objects.select_related("period__region", "stage", "kecamatan").get(
            period=setup.period, assessor=user, kecamatan__name=kecamatan
        )


def kept_sheet(setup, member, kecamatan="Jatiasih"):
    """The member's sheet for `kecamatan` kept after an assignment took it away: it held a
    value once (cleared again), so the sheet stays as the record of that."""
    sheet = sheet_of(setup, member, kecamatan)
    write(sheet, member, A1="80")
    write(sheet, member, A1=None)
    only_bantargebang(setup, member)
    sheet.refresh_from_db()
    return sheet


# ---------------------------------------------------------------- positions, origin, SK


def test_two_wakil_ketua_are_refused_in_indonesian_and_nothing_changes(tapem, setup, tenancy):
    stage = stage_of(setup)
    data = {f"tahap-{stage.pk}-penilai-{u.pk}": "anggota" for u in setup.penilai}
    data[f"tahap-{stage.pk}-penilai-{setup.penilai[0].pk}"] = "wakil_ketua"
    data[f"tahap-{stage.pk}-penilai-{setup.penilai[1].pk}"] = "wakil_ketua"
    response = tapem.post(TEAM, data)
    assert response.status_code == 422
    assert "tim hanya boleh memiliki satu Wakil Ketua; terpilih" in response.content.decode()
    with scopes_disabled():
        assert set(TeamMember.objects.values_list("position", flat=True)) == {"anggota"}


def test_tapem_records_origin_jabatan_and_the_sk_on_the_team_page(tapem, setup, tenancy):
    stage = stage_of(setup)
    with scopes_disabled():
        seats = list(TeamMember.objects.filter(period=setup.period).order_by("order"))
    data = {
        "sk_number": "067/Kep.112-Tapem/III/2026",
        "sk_date": "2026-03-02",
        "sk_issuer": "Wali Kota Bekasi",
        "sk_title": "Pembentukan Tim Penilai",
        **{f"origin-{seat.pk}": "perangkat_daerah" for seat in seats},
        **{f"jabatan-{seat.pk}": "" for seat in seats},
    }
    data[f"origin-{seats[1].pk}"] = "akademisi"
    data[f"jabatan-{seats[0].pk}"] = "Asisten Pemerintahan dan Kesra"
    url = f"/bekasi/periode/2026/tim/{stage.pk}/susunan/"
    response = tapem.post(url, data)
    assert response.status_code == 302
    with scopes_disabled():
        first, second = (TeamMember.objects.get(pk=seat.pk) for seat in seats[:2])
        (sk,) = setup.period.appointments.all()
    assert (first.origin, first.jabatan) == ("perangkat_daerah", "Asisten Pemerintahan dan Kesra")
    assert second.origin == "akademisi"
    assert first.updated_by == tenancy.users["tapem_bekasi"] and first.updated_at is not None
    assert (sk.number, sk.date, sk.issuer) == (
        "067/Kep.112-Tapem/III/2026",
        datetime.date(2026, 3, 2),
        "Wali Kota Bekasi",
    )
    assert sk.recorded_by == tenancy.users["tapem_bekasi"]
    page = tapem.get(TEAM).content.decode()
    assert "Keputusan Wali Kota Bekasi Nomor 067/Kep.112-Tapem/III/2026" in page

    # Saving the same again records no second SK; a half-filled SK is refused, unchanged.
    assert tapem.post(url, data).status_code == 302
    half = {**data, "sk_issuer": ""}
    refused = tapem.post(url, half)
    assert refused.status_code == 422
    assert "Isi nomor, tanggal dan pejabat yang menetapkan SK." in refused.content.decode()
    with scopes_disabled():
        assert setup.period.appointments.count() == 1


def test_the_positions_grid_keeps_origin_and_jabatan(tapem, setup):
    stage = stage_of(setup)
    with scopes_disabled():
        TeamMember.objects.filter(period=setup.period).update(
            origin="perangkat_daerah", jabatan="Inspektur"
        )
    data = {f"tahap-{stage.pk}-penilai-{u.pk}": "anggota" for u in setup.penilai}
    data[f"tahap-{stage.pk}-penilai-{setup.penilai[2].pk}"] = "ketua"
    assert tapem.post(TEAM, data).status_code == 302
    with scopes_disabled():
        rows = set(TeamMember.objects.values_list("position", "origin", "jabatan"))
    assert rows == {
        ("ketua", "perangkat_daerah", "Inspektur"),
        ("anggota", "perangkat_daerah", "Inspektur"),
    }


# ---------------------------------------------------------------- assignments


def test_the_assignment_grid_refuses_a_member_with_no_kecamatan_and_an_empty_kecamatan(
    tapem, setup
):
    stage = stage_of(setup)
    url = f"/bekasi/periode/2026/tim/{stage.pk}/penugasan/"
    (bantargebang,) = kecamatan_ids(setup, "Bantargebang")
    # Everyone ticks Bantargebang only: Jatiasih would be scored by nobody.
    data = {f"tugas-{u.pk}-{bantargebang}": "on" for u in setup.penilai}
    response = tapem.post(url, data)
    assert response.status_code == 422
    text = response.content.decode()
    assert "Tidak ada penilai yang ditugaskan menilai Jatiasih." in text
    del data[f"tugas-{setup.penilai[0].pk}-{bantargebang}"]
    response = tapem.post(url, data)
    assert "tidak ditugaskan menilai satu kecamatan pun" in response.content.decode()
    with scopes_disabled():
        assert not MemberAssignment.objects.exists()


def test_the_assignment_grid_stores_only_restrictions(tapem, setup, tenancy):
    stage = stage_of(setup)
    url = f"/bekasi/periode/2026/tim/{stage.pk}/penugasan/"
    ids = kecamatan_ids(setup, "Bantargebang", "Jatiasih")
    data = {f"tugas-{u.pk}-{k}": "on" for u in setup.penilai for k in ids}
    (jatiasih,) = kecamatan_ids(setup, "Jatiasih")
    del data[f"tugas-{setup.penilai[2].pk}-{jatiasih}"]
    assert tapem.post(url, data).status_code == 302
    with scopes_disabled():
        rows = list(MemberAssignment.objects.values_list("seat__user__username", "kecamatan_id"))
        sheets = set(Sheet.objects.filter(period=setup.period).values_list("assessor", "kecamatan"))
    assert rows == [("penilai-3", k) for k in kecamatan_ids(setup, "Bantargebang")]
    assert (setup.penilai[2].pk, jatiasih) not in sheets  # the empty sheet went
    page = tapem.get(TEAM).content.decode()
    assert "1 anggota menilai sebagian kecamatan saja." in page


def test_unassigning_a_member_who_has_values_is_refused(setup):
    member = setup.penilai[2]
    write(sheet_of(setup, member, "Jatiasih"), member, A1="80")
    with pytest.raises(Exception) as refused:
        only_bantargebang(setup, member)
    assert "sudah memiliki nilai untuk Jatiasih" in str(refused.value)
    assert "kosongkan nilainya lebih dulu" in str(refused.value)
    with scopes_disabled():
        assert not MemberAssignment.objects.exists()


def test_an_unassigned_member_is_not_awaited_and_not_in_that_kecamatans_mean(setup):
    """tiny_set: a member's total = A × 60% + B × 40%; the kecamatan's score is the mean of
    the members' totals. penilai-3 scores Bantargebang only:

        Bantargebang: (80 + 60 + 40) / 3 = 60      (every member: 80, 60, 40)
        Jatiasih:     (90 + 70) / 2     = 80      (penilai-3 not expected; were they
                                                   counted, Jatiasih would wait for them)
    """
    a, b, c = setup.penilai
    only_bantargebang(setup, c)
    for user, value in ((a, "80"), (b, "60"), (c, "40")):
        write(sheet_of(setup, user, "Bantargebang"), user, A1=value, B1=value)
    for user, value in ((a, "90"), (b, "70")):
        write(sheet_of(setup, user, "Jatiasih"), user, A1=value, B1=value)
    with scope(region=setup.region):
        ranking = ranking_for_period(period=setup.period)
        fast = ranking_for_period(period=setup.period, trace=False)
    scores = {r.name: r.final_score for r in ranking.results}
    assert scores == {"Bantargebang": Decimal(60), "Jatiasih": Decimal(80)}
    jatiasih = next(r for r in ranking.results if r.name == "Jatiasih")
    assert [m.assessor for m in jatiasih.stages[0].members] == [a.username, b.username]
    assert jatiasih.stages[0].missing == ()
    assert fast.essentials() == ranking.essentials()


# ---------------------------------------------------------------- every write path refuses


def test_the_sheets_api_refuses_an_unassigned_member(client, setup, tenancy):
    member = setup.penilai[2]
    sheet = kept_sheet(setup, member)
    client.force_login(member)
    response = client.patch(
        f"/api/v1/bekasi/sheets/{sheet.pk}/",
        json.dumps({"version": sheet.version, "values": [{"indicator": "A1", "value": 70}]}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 403
    assert "tidak ditugaskan menilai Kecamatan Jatiasih" in response.json()["message"]
    listed = client.get("/api/v1/bekasi/periods/2026/sheets/").json()
    assert [sheet["kecamatan"] for sheet in listed] == ["Bantargebang"]
    # The write service itself refuses too, whoever writes (Tapem included).
    with scope(region=setup.region), pytest.raises(SheetRefused) as refused:
        sheet_write(
            sheet=sheet,
            expected_version=sheet.version,
            values=[{"indicator": "A1", "value": "70"}],
            by=tenancy.users["tapem_bekasi"],
            via="form",
        )
    assert refused.value.code == "not_assigned"
    with scopes_disabled():
        assert not sheet.entries.exists()


def test_the_tablet_outbox_import_refuses_an_unassigned_member(setup, tenancy):
    member = setup.penilai[2]
    sheet = kept_sheet(setup, member)
    change = {"id": uuid.uuid4().hex, "indicator": "A1", "part": "", "kind": "number",
              "value": "70", "base": None}  # fmt: skip
    with scope(region=setup.region):
        (result,) = outbox_import(
            sheet=sheet, data={"changes": [change]}, by=tenancy.users["tapem_bekasi"]
        )
    assert result.outcome == "refused"
    assert "tidak ditugaskan menilai Kecamatan Jatiasih" in result.message
    with scopes_disabled():
        assert not sheet.entries.exists()


def test_the_score_workbook_import_refuses_an_unassigned_member(setup):
    only_bantargebang(setup, setup.penilai[2])
    rows = [
        ("T1", "Bantargebang", "penilai-3", "A", "A1", 50),
        ("T1", "Jatiasih", "penilai-3", "A", "A1", 50),
    ]
    with scope(region=setup.region), pytest.raises(ScoreImportError) as refused:
        scores_import_rows(period=setup.period, rows=list(enumerate(rows, start=2)), by=None)
    assert refused.value.messages == [
        "baris 3: penilai 'penilai-3' tidak ditugaskan menilai kecamatan Jatiasih pada tahap T1"
    ]
    assert stored(setup.period) == {}


def test_the_member_template_has_no_row_for_an_unassigned_kecamatan(setup):
    only_bantargebang(setup, setup.penilai[2])
    with scope(region=setup.region):
        own = read_rows(score_template_bytes(period=setup.period, penilai="penilai-3"))
        whole = read_rows(score_template_bytes(period=setup.period))
    assert {row[1] for row in own[1:]} == {"Bantargebang"}
    assert ("Jatiasih", "penilai-3") not in {(row[1], row[2]) for row in whole[1:]}
    assert ("Jatiasih", "penilai_lintas") in {(row[1], row[2]) for row in whole[1:]}


def test_an_absence_for_an_unassigned_kecamatan_is_refused(tapem, setup):
    only_bantargebang(setup, setup.penilai[2])
    with scopes_disabled():
        seat = TeamMember.objects.get(user=setup.penilai[2])
        (jatiasih,) = kecamatan_ids(setup, "Jatiasih")
    response = tapem.post(
        "/bekasi/periode/2026/tim/ketidakhadiran/",
        {"seat": seat.pk, "kecamatan": jatiasih, "kind": "absent", "reason": "sakit"},
    )
    assert response.status_code == 422
    assert "memang tidak ditunggu" in response.content.decode()


# ---------------------------------------------------------------- the tablet list and board


def test_the_tablet_list_and_the_board_show_only_assigned_cells(client, setup):
    member = setup.penilai[2]
    kept_sheet(setup, member)  # a sheet kept for its history is not theirs to fill
    client.force_login(member)
    page = client.get("/bekasi/periode/2026/penilaian/").content.decode()
    assert "Bantargebang" in page and "Jatiasih" not in page
    with scope(region=setup.region):
        (stage,) = board_for_period(period=setup.period)
    cells = {
        (row.kecamatan.name, cell.member.user.username): cell.assigned
        for row in stage.rows
        for cell in row.cells
    }
    assert cells[("Jatiasih", "penilai-3")] is False
    assert cells[("Bantargebang", "penilai-3")] is True
    assert sum(stage.counts.values()) == 5  # 2 × 3 cells, less the unassigned one


# ---------------------------------------------------------------- conflict of interest


def test_tapem_records_a_conflict_of_interest_and_the_member_cannot_open_the_sheet(
    tapem, client, setup
):
    member = setup.penilai[1]
    with scopes_disabled():
        seat = TeamMember.objects.get(user=member)
        (jatiasih,) = kecamatan_ids(setup, "Jatiasih")
    response = tapem.post(
        "/bekasi/periode/2026/tim/ketidakhadiran/",
        {
            "seat": seat.pk,
            "kecamatan": jatiasih,
            "kind": "conflict",
            "reason": "pernah menjabat Camat Jatiasih 2019–2022",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        (row,) = MemberAbsence.objects.all()
    assert row.kind == MemberAbsence.Kind.RECUSED
    assert row.reason == (
        "Konflik kepentingan (dicatat Tapem): pernah menjabat Camat Jatiasih 2019–2022"
    )
    sheet = sheet_of(setup, member, "Jatiasih")
    tapem.logout()
    client.force_login(member)
    assert client.get(f"/bekasi/periode/2026/penilaian/{sheet.pk}/").status_code == 409


# ---------------------------------------------------------------- the demo


def test_the_demo_appoints_banggai_stage_3_as_pasal_14_2_does():
    call_command("load_demo", "--no-scores", stdout=io.StringIO())
    with scopes_disabled():
        seats = list(
            TeamMember.objects.filter(period__region__slug="banggai", stage__code="T3")
            .select_related("user__profile")
            .order_by("order")
        )
        appointments = {
            (a.period.region.slug, a.stage.code): a.number
            for a in TeamAppointment.objects.select_related("period__region", "stage")
        }
        restricted = list(
            MemberAssignment.objects.values_list(
                "seat__period__region__slug", "seat__stage__code", "seat__user__username"
            ).distinct()
        )
    described = [(s.position, s.origin, s.jabatan) for s in seats]
    assert described[:3] == [
        ("ketua", "kepala_daerah", "Bupati Banggai"),
        ("wakil_ketua", "kepala_daerah", "Wakil Bupati Banggai"),
        ("sekretaris", "perangkat_daerah", "Sekretaris Daerah"),
    ]
    assert len(seats) == 9
    assert {s.jabatan for s in seats} >= {"Asisten Pemerintahan dan Kesra", "Kepala Bappeda"}
    assert [s.origin for s in seats].count("akademisi") == 1
    assert appointments[("banggai", "T3")] == "100.3.3.2/3/Tapem/2026"
    assert {region for region, _stage in appointments} == {
        "bekasi",
        "banggai",
        "pekalongan",
        "tegal",
    }
    assert restricted == [("banggai", "T2", "penilai-banggai-1")]
    with scopes_disabled():
        panel = list(
            TeamMember.objects.filter(
                period__region__slug="pekalongan", stage__code="PANEL", origin="independen"
            )
        )
    assert len(panel) >= 3  # Panduan B.1: a panel of at least three independent members


def test_a_recorded_sk_is_not_recorded_twice(setup):
    stage = stage_of(setup)
    sk = AppointmentInput(stage, "1/2026", datetime.date(2026, 3, 2), "Wali Kota Bekasi")
    with scope(region=setup.region):
        assert len(team_appointments_record(period=setup.period, appointments=[sk], by=None)) == 1
        assert team_appointments_record(period=setup.period, appointments=[sk], by=None) == []
