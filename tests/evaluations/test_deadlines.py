"""Deadlines of the kecamatan's own sheet: Tapem sets them per stage (WIB); the operator sees
the countdown; a submission after the deadline is refused and the draft stays."""

import json
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from evaluations.models import Period, ScoreEntry, StageDeadline
from evaluations.self_assessment import repair_deadline
from evaluations.services import period_set_status
from regions.workdays import deadline_after, holiday_name
from tests.evaluations.selfassessment import (
    EVIDENCE_REQUIRED,
    FILLED,
    kecamatan_sheet,
    mandiri_set,
    pdf_bytes,
    post_json,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_period):
    return make_period(mandiri_set())


def stage_id(setup):
    with scopes_disabled():
        return kecamatan_sheet(setup.period).stage_id


def test_tapem_sets_the_deadlines_in_wib(client, setup, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    url = "/bekasi/periode/2026/batas-waktu/"
    page = client.get(url).content.decode()
    assert 'type="datetime-local"' in page
    stage = stage_id(setup)
    response = client.post(
        url,
        {
            f"submit-{stage}": "2026-04-10T16:00",
            f"verify-{stage}": "2026-04-12T16:00",
            f"repair-{stage}": "2",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        deadline = StageDeadline.objects.get(period=setup.period)
    assert timezone.localtime(deadline.submit_by).strftime("%Y-%m-%d %H:%M %Z") == (
        "2026-04-10 16:00 WIB"
    )
    assert deadline.repair_days == 2
    queue = client.get("/bekasi/periode/2026/verifikasi/").content.decode()
    assert "10 April 2026 16.00 WIB" in queue


def test_verify_before_submit_is_refused(client, setup, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    stage = stage_id(setup)
    response = client.post(
        "/bekasi/periode/2026/batas-waktu/",
        {f"submit-{stage}": "2026-04-10T16:00", f"verify-{stage}": "2026-04-09T16:00"},
    )
    assert response.status_code == 422
    assert "batas verifikasi tidak boleh sebelum batas pengajuan" in response.content.decode()
    with scopes_disabled():
        assert not StageDeadline.objects.exists()


def test_a_closed_period_keeps_its_deadlines(client, setup, tenancy):
    with scopes_disabled():
        period_set_status(period=setup.period, status=Period.Status.CLOSED, by=None)
    client.force_login(tenancy.users["tapem_bekasi"])
    stage = stage_id(setup)
    response = client.post("/bekasi/periode/2026/batas-waktu/", {f"repair-{stage}": "2"})
    assert response.status_code == 409


def test_the_operator_sees_the_countdown_and_a_late_submit_keeps_the_draft(client, setup, tenancy):
    sheet = kecamatan_sheet(setup.period)
    with scopes_disabled():
        deadline = StageDeadline.objects.create(
            period=setup.period, stage=sheet.stage, submit_by=timezone.now() + timedelta(days=3)
        )
    client.force_login(tenancy.users["operator_bantargebang"])
    url = f"/bekasi/periode/2026/lembar/{sheet.pk}/"
    page = client.get(url).content.decode()
    assert "Batas pengajuan" in page
    assert "sisa 2\xa0hari" in page or "sisa 3\xa0hari" in page  # timeuntil rounds down
    with scopes_disabled():
        StageDeadline.objects.filter(pk=deadline.pk).update(
            submit_by=timezone.now() - timedelta(hours=1)
        )
        pem = (
            sheet.period.instrument_set.stages.first()
            .aspects.get(code="M")
            .indicators.get(code="PEM")
        )
    response = client.post(
        url,
        {"version": 0, "key": uuid.uuid4().hex, "action": "submit", f"sel-{pem.pk}-_": "4"},
    )
    assert response.status_code == 409
    assert "Batas waktu pengajuan sudah lewat" in response.content.decode()
    # Saved as a draft all the same: the value typed is kept.
    with scopes_disabled():
        assert ScoreEntry.objects.get(sheet=sheet, indicator=pem).value == 4
    assert "sudah lewat" in client.get(url).content.decode()


# ------------------------------------------------ the set's rule, in working days


def test_working_days_skip_weekends_holidays_and_cuti_bersama():
    """Banggai Pasal 1 angka 9: "Hari adalah hari kerja". Received Tuesday 17 March 2026:
    18 (cuti bersama Nyepi), 19 (Nyepi), 20 (cuti bersama Idulfitri), 21–22 (Idulfitri,
    weekend), 23–24 (cuti bersama) are not working days; 25, 26, 27, 30 and 31 March are the
    five counted."""
    assert deadline_after(date(2026, 3, 17), 5, working=True) == wib(2026, 3, 31)
    assert deadline_after(date(2026, 3, 17), 5, working=False) == wib(2026, 3, 22)
    # A sheet returned on a Friday afternoon has Monday and Tuesday to repair.
    friday = timezone.make_aware(datetime(2026, 4, 10, 15, 30))
    assert deadline_after(friday, 2, working=True) == wib(2026, 4, 14)
    assert holiday_name(date(2026, 3, 19)) and holiday_name(date(2026, 3, 25)) is None


def wib(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 23, 59, 59))


@pytest.fixture
def ruled(make_period):
    """A set that, like Banggai's, gives the stage 5 days to fill, 2 to verify and 2 to
    repair, in working days."""
    data = mandiri_set()
    data["working_days"] = True
    data["stages"][0].update(submit_days=5, verify_days=2, repair_days=2)
    return make_period(data)


def test_the_date_the_form_was_received_gives_the_deadlines(client, ruled, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    url = "/bekasi/periode/2026/batas-waktu/"
    page = client.get(url).content.decode()
    assert "pengisian paling lama 5 hari kerja setelah format diterima" in page
    assert "verifikasi 2 hari kerja" in page and "perbaikan 2 hari kerja" in page
    stage = stage_id(ruled)
    # Received Monday 6 April 2026: five working days to Monday 13 April, two more to the
    # 15th; the repair days are left to the set.
    response = client.post(url, {f"received-{stage}": "2026-04-06"})
    assert response.status_code == 302
    with scopes_disabled():
        deadline = StageDeadline.objects.get(period=ruled.period)
    assert deadline.form_received_on == date(2026, 4, 6)
    assert deadline.submit_by == wib(2026, 4, 13)
    assert deadline.verify_by == wib(2026, 4, 15)
    assert deadline.repair_days is None
    # A date Tapem writes stands over the rule.
    client.post(url, {f"received-{stage}": "2026-04-06", f"submit-{stage}": "2026-04-20T16:00"})
    with scopes_disabled():
        deadline.refresh_from_db()
    assert timezone.localtime(deadline.submit_by).strftime("%d %H:%M") == "20 16:00"
    assert deadline.verify_by == wib(2026, 4, 22)


def test_a_return_takes_the_sets_repair_days_in_working_days(ruled):
    sheet = kecamatan_sheet(ruled.period)
    friday = timezone.make_aware(datetime(2026, 4, 10, 15, 30))
    with scopes_disabled():
        assert repair_deadline(sheet=sheet, start=friday) == wib(2026, 4, 14)
        # The period's own repair days come first.
        StageDeadline.objects.create(period=ruled.period, stage=sheet.stage, repair_days=1)
        assert repair_deadline(sheet=sheet, start=friday) == wib(2026, 4, 13)


def test_the_queue_shows_when_each_submitted_form_must_be_verified(
    client, ruled, tenancy, monkeypatch
):
    """Pasal 7(2): Tapem verifies within 2 (working) days of the submission. Submitted on
    Friday 10 April 2026 at 15.30 WIB, the form is due Tuesday the 14th; on Wednesday it is
    late."""
    now = [timezone.make_aware(datetime(2026, 4, 10, 15, 30))]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    sheet = kecamatan_sheet(ruled.period)
    client.force_login(tenancy.users["operator_bantargebang"])
    api = f"/api/v1/bekasi/sheets/{sheet.pk}/"
    client.patch(
        api,
        json.dumps({"version": 0, "values": FILLED}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    for code in EVIDENCE_REQUIRED:
        upload(client, sheet, code, pdf_bytes(code))
    version = client.get(api).json()["version"]
    assert post_json(client, api + "submit/", {"version": version}).status_code == 200

    client.force_login(tenancy.users["tapem_bekasi"])
    queue = client.get("/bekasi/periode/2026/verifikasi/").content.decode()
    assert "diverifikasi paling lambat 14 April 2026 23.59 WIB" in queue
    now[0] = timezone.make_aware(datetime(2026, 4, 15, 8, 0))
    queue = client.get("/bekasi/periode/2026/verifikasi/").content.decode()
    assert "verifikasi terlambat: batasnya 14 April 2026 23.59 WIB" in queue
