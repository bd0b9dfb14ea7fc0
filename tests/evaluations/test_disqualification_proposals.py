"""After the repair deadline a returned form still incomplete is proposed for "tidak dinilai"
(Perbup Banggai 49/2022 Pasal 8(5)); Tapem confirms with the set's reason or dismisses. The
whole path runs on a frozen clock: the sweep is what Celery beat calls every hour."""

import json
import uuid
from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from evaluations.models import (
    DisqualificationProposal,
    EvidenceWithdrawal,
    Participation,
    ProposalDismissal,
    RepairRequest,
    Sheet,
    StageDeadline,
)
from evaluations.tasks import deadline_reminders
from regions.models import InsertOnlyError, Notice, Transition
from tests.evaluations.selfassessment import (
    EVIDENCE_REQUIRED,
    FILLED,
    SET_REASON,
    kecamatan_sheet,
    mandiri_set,
    pdf_bytes,
    post_json,
    upload,
)

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime(2026, 4, 6, 9, 0))  # Monday 6 April 2026, 09.00 WIB


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = START
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def setup(make_period, clock):
    setup = make_period(mandiri_set(disqualify_if_incomplete=True))
    sheet = kecamatan_sheet(setup.period)
    with scopes_disabled():
        StageDeadline.objects.create(period=setup.period, stage=sheet.stage, repair_days=2)
    return setup


@pytest.fixture
def sheet(setup):
    return kecamatan_sheet(setup.period)


def api(sheet, action=""):
    return f"/api/v1/bekasi/sheets/{sheet.pk}/{action + '/' if action else ''}"


def queue_url():
    return "/bekasi/periode/2026/verifikasi/"


def disqualify_url(sheet):
    return f"/bekasi/periode/2026/verifikasi/{sheet.pk}/tidak-dinilai/"


def state(sheet):
    with scopes_disabled():
        return Sheet.objects.get(pk=sheet.pk).state


def moves(sheet):
    with scopes_disabled():
        return [
            (t.from_state, t.to_state, t.by.username if t.by else None)
            for t in Transition.objects.filter(
                content_type=ContentType.objects.get_for_model(Sheet), object_id=sheet.pk
            ).order_by("pk")
        ]


def proposals(sheet):
    with scopes_disabled():
        return list(DisqualificationProposal.objects.filter(sheet=sheet).order_by("pk"))


def submitted_then_returned(client, tenancy, sheet):
    """The operator fills and submits; Tapem returns it (repair by 8 April 23.59 WIB)."""
    client.force_login(tenancy.users["operator_bantargebang"])
    version = client.get(api(sheet)).json()["version"]
    client.patch(
        api(sheet),
        json.dumps({"version": version, "values": FILLED}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    files = {
        code: upload(client, sheet, code, pdf_bytes(code)).json() for code in EVIDENCE_REQUIRED
    }
    version = client.get(api(sheet)).json()["version"]
    assert post_json(client, api(sheet, "submit"), {"version": version}).status_code == 200
    client.force_login(tenancy.users["tapem_bekasi"])
    returned = post_json(
        client,
        api(sheet, "return"),
        {"reason": "Data dukung URAI salah", "items": [{"indicator": "URAI", "comment": "Ganti"}]},
    )
    assert returned.status_code == 200
    return files


def left_incomplete(client, tenancy, sheet):
    """Returned, then the operator withdraws the wrong URAI file and attaches no other."""
    files = submitted_then_returned(client, tenancy, sheet)
    client.force_login(tenancy.users["operator_bantargebang"])
    withdrawn = client.post(api(sheet, f"evidence/{files['URAI']['id']}/withdraw"))
    assert withdrawn.status_code == 200


def test_not_repaired_in_time_is_proposed_then_confirmed_and_not_scored(
    client, clock, setup, sheet, tenancy
):
    left_incomplete(client, tenancy, sheet)

    clock.advance(days=2)  # 8 April 09.00: the repair deadline has not passed
    assert deadline_reminders() == 1  # only the reminder a day before; no proposal
    assert proposals(sheet) == []

    clock.advance(days=1)  # 9 April 09.00: 8 April 23.59 WIB has passed, still incomplete
    assert deadline_reminders() == 1
    [proposal] = proposals(sheet)
    with scopes_disabled():
        request = RepairRequest.objects.get(sheet=sheet)
        notice = Notice.objects.get(user=tenancy.users["tapem_bekasi"], key__startswith="prop")
    assert proposal.by is None and proposal.at == clock.now
    assert proposal.deadline == request.repair_by
    assert "diusulkan tidak dinilai" in notice.text and "Bantargebang" in notice.text
    assert deadline_reminders() == 0  # once: the next hour records nothing
    assert len(proposals(sheet)) == 1
    assert state(sheet) == "returned"  # a proposal only; Tapem decides

    client.force_login(tenancy.users["tapem_bekasi"])
    queue = client.get(queue_url()).content.decode()
    assert "Diusulkan tidak dinilai" in queue
    assert "batas perbaikan 8 April 2026 23.59 WIB lewat" in queue
    page = client.get(disqualify_url(sheet)).content.decode()
    assert SET_REASON in page  # prefilled from the set, not from code
    assert "8 April 2026 23.59 WIB sudah lewat" in page
    confirmed = client.post(disqualify_url(sheet), {"reason": SET_REASON, "confirm": "on"})
    assert confirmed.status_code == 302
    assert state(sheet) == "disqualified"
    assert moves(sheet) == [
        ("draft", "submitted", "operator_bantargebang"),
        ("submitted", "returned", "tapem_bekasi"),
        ("returned", "disqualified", "tapem_bekasi"),
    ]
    with scope(region=setup.region):
        participation = Participation.objects.get(
            period=setup.period, kecamatan__name="Bantargebang"
        )
        from evaluations.selectors import ranking_for_period

        ranking = ranking_for_period(period=setup.period, trace=False)
    assert participation.disqualified
    assert participation.disqualification_reason == SET_REASON
    assert {r.key: r.status for r in ranking.results}["bantargebang"] == "disqualified"
    assert "Diusulkan tidak dinilai" not in client.get(queue_url()).content.decode()
    assert deadline_reminders() == 0
    # The reason stands wherever the kecamatan does.
    ranking_page = client.get("/bekasi/periode/2026/peringkat/").content.decode()
    assert f"Didiskualifikasi: {SET_REASON}" in ranking_page
    breakdown = client.get("/bekasi/periode/2026/peringkat/bantargebang/").content.decode()
    assert f"Didiskualifikasi: {SET_REASON}" in breakdown


def test_resubmitted_in_time_is_never_proposed(client, clock, setup, sheet, tenancy):
    submitted_then_returned(client, tenancy, sheet)
    clock.advance(days=1)
    client.force_login(tenancy.users["operator_bantargebang"])
    upload(client, sheet, "URAI", pdf_bytes("yang benar"))
    version = client.get(api(sheet)).json()["version"]
    assert post_json(client, api(sheet, "submit"), {"version": version}).status_code == 200
    clock.advance(days=5)
    deadline_reminders()
    assert proposals(sheet) == []
    assert state(sheet) == "submitted"


def test_tapem_dismisses_with_a_reason_and_a_new_deadline(client, clock, setup, sheet, tenancy):
    left_incomplete(client, tenancy, sheet)
    clock.advance(days=3)
    deadline_reminders()
    [proposal] = proposals(sheet)

    client.force_login(tenancy.users["tapem_bekasi"])
    dismiss = disqualify_url(sheet) + "tolak/"
    refused = client.post(dismiss, {"reason": " "})
    assert refused.status_code == 422
    assert "Tuliskan alasan penolakan usulan." in refused.content.decode()
    past = client.post(dismiss, {"reason": "Server mati", "repair_by": "2026-04-08T23:00"})
    assert past.status_code == 422
    assert "Batas perbaikan baru harus setelah saat ini." in past.content.decode()
    with scopes_disabled():
        assert not ProposalDismissal.objects.exists()

    done = client.post(
        dismiss, {"reason": "Server kabupaten mati dua hari", "repair_by": "2026-04-10T23:59"}
    )
    assert done.status_code == 302
    with scopes_disabled():
        dismissal = ProposalDismissal.objects.get(proposal=proposal)
        latest = RepairRequest.objects.filter(sheet=sheet).order_by("-at", "-pk").first()
        comments = [item.comment for item in latest.items.all()]
    assert dismissal.reason == "Server kabupaten mati dua hari"
    assert timezone.localtime(latest.repair_by).strftime("%d %H:%M") == "10 23:59"
    assert comments == ["Ganti"]  # what to fix is still shown to the operator
    assert state(sheet) == "returned"
    assert "Diusulkan tidak dinilai" not in client.get(queue_url()).content.decode()
    assert client.post(dismiss, {"reason": "lagi"}).status_code == 404  # nothing to dismiss

    client.force_login(tenancy.users["operator_bantargebang"])
    page = client.get(f"/bekasi/periode/2026/lembar/{sheet.pk}/").content.decode()
    assert "10 April 2026 23.59 WIB" in page

    clock.advance(days=2)  # 11 April: the new deadline passed as well, still incomplete
    deadline_reminders()
    assert [p.repair_request_id for p in proposals(sheet)] == [
        proposal.repair_request_id,
        latest.pk,
    ]


def test_a_stage_that_does_not_disqualify_is_never_proposed(client, clock, make_period, tenancy):
    setup = make_period(mandiri_set(disqualify_if_incomplete=False))
    sheet = kecamatan_sheet(setup.period)
    with scopes_disabled():
        StageDeadline.objects.create(period=setup.period, stage=sheet.stage, repair_days=2)
    left_incomplete(client, tenancy, sheet)
    clock.advance(days=5)
    deadline_reminders()
    assert proposals(sheet) == []


def test_proposals_dismissals_and_withdrawals_are_permanent(client, clock, setup, sheet, tenancy):
    left_incomplete(client, tenancy, sheet)
    clock.advance(days=3)
    deadline_reminders()
    client.force_login(tenancy.users["tapem_bekasi"])
    client.post(disqualify_url(sheet) + "tolak/", {"reason": "Diberi kesempatan"})
    with scopes_disabled():
        records = [
            (EvidenceWithdrawal, {"at": clock.now}),
            (DisqualificationProposal, {"at": clock.now}),
            (ProposalDismissal, {"reason": "diubah"}),
        ]
        for model, change in records:
            record = model.objects.get()
            with pytest.raises(InsertOnlyError):
                record.delete()
            # Written around the ORM, the database trigger refuses it.
            with pytest.raises(DatabaseError), transaction.atomic():
                model.objects.filter(pk=record.pk).update(**change)
