"""The kecamatan's operators hear when Tapem returns or accepts their form and a day before a
deadline: in the app and by e-mail, each only once (issue 11 item 3)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from evaluations.models import StageDeadline
from evaluations.notices import deadline_reminders_send
from regions.models import Notice
from tests.evaluations.selfassessment import (
    EVIDENCE_REQUIRED,
    kecamatan_sheet,
    mandiri_set,
    pdf_bytes,
    post_json,
    upload,
)
from tests.evaluations.test_self_assessment import api, as_persona, fill, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_period):
    return make_period(mandiri_set())


@pytest.fixture
def sheet(setup):
    return kecamatan_sheet(setup.period)


def notices_of(user):
    with scopes_disabled():
        return [n.text for n in Notice.objects.filter(user=user).order_by("pk")]


def test_return_and_accept_reach_the_operator_in_the_app_and_by_mail(
    client,
    sheet,
    tenancy,
    django_capture_on_commit_callbacks,
):
    operator_user = tenancy.users["operator_bantargebang"]
    operator_user.email = "op@bantargebang.example"
    operator_user.save()
    operator = as_persona(client, tenancy, "operator_bantargebang")
    fill(operator, sheet)
    for code in EVIDENCE_REQUIRED:
        upload(operator, sheet, code, pdf_bytes(code))
    submit(operator, sheet)
    tapem = as_persona(client, tenancy, "tapem_bekasi")
    with django_capture_on_commit_callbacks(execute=True):
        post_json(tapem, api(sheet, "return"), {"reason": "Foto kabur", "items": []})
    (returned,) = notices_of(operator_user)
    assert "dikembalikan untuk perbaikan: Foto kabur" in returned
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["op@bantargebang.example"]

    operator = as_persona(client, tenancy, "operator_bantargebang")
    submit(operator, sheet)
    tapem = as_persona(client, tenancy, "tapem_bekasi")
    with django_capture_on_commit_callbacks(execute=True):
        post_json(tapem, api(sheet, "accept"), {})
    assert "diterima Tapem" in notices_of(operator_user)[-1]

    operator = as_persona(client, tenancy, "operator_bantargebang")
    page = client.get(reverse("dashboard", kwargs={"region": "bekasi"})).content.decode()
    assert "Pemberitahuan baru" in page and "diterima Tapem" in page
    client.post(reverse("notice_list", kwargs={"region": "bekasi"}))
    page = client.get(reverse("dashboard", kwargs={"region": "bekasi"})).content.decode()
    assert "Pemberitahuan baru" not in page


def test_a_deadline_within_a_day_reminds_once(sheet, setup, tenancy):
    now = timezone.now()
    with scopes_disabled():
        StageDeadline.objects.create(
            period=setup.period, stage=sheet.stage, submit_by=now + timedelta(hours=20)
        )
    assert deadline_reminders_send(now=now) == 1
    assert deadline_reminders_send(now=now + timedelta(hours=1)) == 0  # once
    (reminder,) = notices_of(tenancy.users["operator_bantargebang"])
    assert "Batas waktu isian" in reminder and "belum diajukan" in reminder


def test_no_reminder_two_days_ahead(sheet, setup):
    with scopes_disabled():
        StageDeadline.objects.create(
            period=setup.period, stage=sheet.stage, submit_by=timezone.now() + timedelta(days=2)
        )
    assert deadline_reminders_send() == 0
