"""Deadlines of the kecamatan's own sheet: Tapem sets them per stage (WIB); the operator sees
the countdown; a submission after the deadline is refused and the draft stays."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from evaluations.models import Period, ScoreEntry, StageDeadline
from evaluations.services import period_set_status
from tests.evaluations.selfassessment import kecamatan_sheet, mandiri_set

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
