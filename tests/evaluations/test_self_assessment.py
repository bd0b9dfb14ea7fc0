"""The kecamatan's own sheet through its states: draft → submitted → returned → submitted →
accepted, or "tidak dinilai"; who may move it; what the operator may still change."""

import json
import uuid
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from evaluations.models import (
    IndicatorReview,
    Participation,
    RepairRequest,
    ScoreEntry,
    Sheet,
    StageDeadline,
)
from evaluations.self_assessment import sheet_disqualify
from regions.models import Transition
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


@pytest.fixture
def setup(make_period):
    return make_period(mandiri_set())


@pytest.fixture
def sheet(setup):
    return kecamatan_sheet(setup.period)


def as_persona(client, tenancy, name):
    client.force_login(tenancy.users[name])
    return client


def api(sheet, action=""):
    return f"/api/v1/bekasi/sheets/{sheet.pk}/{action + '/' if action else ''}"


def current(sheet):
    with scopes_disabled():
        return Sheet.objects.get(pk=sheet.pk)


def fill(client, sheet, values=FILLED):
    version = client.get(api(sheet)).json()["version"]
    response = client.patch(
        api(sheet),
        json.dumps({"version": version, "values": values}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 200, response.content
    return response.json()


def submit(client, sheet):
    return post_json(client, api(sheet, "submit"), {"version": current(sheet).version})


def moves(sheet):
    with scopes_disabled():
        return [
            (t.from_state, t.to_state, t.by.username if t.by else None, t.reason)
            for t in Transition.objects.filter(
                content_type=ContentType.objects.get_for_model(Sheet), object_id=sheet.pk
            ).order_by("pk")
        ]


def test_the_whole_round_submitted_returned_resubmitted_accepted(client, sheet, tenancy):
    operator = as_persona(client, tenancy, "operator_bantargebang")
    fill(operator, sheet)
    incomplete = submit(operator, sheet)
    assert incomplete.status_code == 422
    missing = {(e["indicator"], e["message"]) for e in incomplete.json()["errors"]}
    assert missing == {(code, f"Data dukung {code} belum diunggah.") for code in EVIDENCE_REQUIRED}
    for code in EVIDENCE_REQUIRED:
        assert upload(operator, sheet, code, pdf_bytes(code)).status_code == 201
    assert submit(operator, sheet).json()["state"] == "submitted"

    tapem = as_persona(client, tenancy, "tapem_bekasi")
    returned = post_json(
        tapem,
        api(sheet, "return"),
        {
            "reason": "Data dukung KEU belum lengkap",
            "items": [{"indicator": "KEU", "comment": "Lampirkan SP2D"}],
        },
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["state"] == "returned"
    with scopes_disabled():
        [request] = RepairRequest.objects.filter(sheet=sheet)
        [item] = IndicatorReview.objects.filter(repair_request=request)
        assert (request.reason, item.indicator.code, item.comment, item.verdict) == (
            "Data dukung KEU belum lengkap", "KEU", "Lampirkan SP2D", "needs_repair",
        )  # fmt: skip

    operator = as_persona(client, tenancy, "operator_bantargebang")
    fill(operator, sheet, [{"indicator": "KEU", "part": "fisik", "value": "85"}])
    assert upload(operator, sheet, "KEU", pdf_bytes("SP2D")).status_code == 201
    assert submit(operator, sheet).json()["state"] == "submitted"

    tapem = as_persona(client, tenancy, "tapem_bekasi")
    accepted = tapem.post(api(sheet, "accept"))
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert [(old, new, by) for old, new, by, _reason in moves(sheet)] == [
        ("draft", "submitted", "operator_bantargebang"),
        ("submitted", "returned", "tapem_bekasi"),
        ("returned", "submitted", "operator_bantargebang"),
        ("submitted", "accepted", "tapem_bekasi"),
    ]
    assert moves(sheet)[1][3] == "Data dukung KEU belum lengkap"
    # Accepted is final: no write, no upload, no second acceptance.
    operator = as_persona(client, tenancy, "operator_bantargebang")
    assert upload(operator, sheet, "KEU", pdf_bytes("lagi")).status_code == 403
    tapem = as_persona(client, tenancy, "tapem_bekasi")
    again = tapem.post(api(sheet, "accept"))
    assert again.status_code == 409 and again.json()["code"] == "state_conflict"


def test_return_and_accept_need_a_submitted_sheet(client, sheet, tenancy):
    tapem = as_persona(client, tenancy, "tapem_bekasi")
    draft_return = post_json(tapem, api(sheet, "return"), {"reason": "x", "items": []})
    assert draft_return.status_code == 409
    assert "Draf" in draft_return.json()["message"]
    assert tapem.post(api(sheet, "accept")).status_code == 409
    assert current(sheet).state == "draft"
    assert moves(sheet) == []


def test_only_admin_tapem_returns_or_accepts(client, sheet, tenancy):
    body = {"reason": "x", "items": []}
    for persona in ("operator_bantargebang", "penilai_bekasi", "pimpinan_bekasi"):
        as_persona(client, tenancy, persona)
        assert post_json(client, api(sheet, "return"), body).status_code == 403, persona
        assert client.post(api(sheet, "accept")).status_code == 403, persona
    as_persona(client, tenancy, "tapem_tegal")
    assert post_json(client, api(sheet, "return"), body).status_code == 404


def test_a_return_needs_a_reason_and_known_indicators(client, sheet, tenancy):
    operator = as_persona(client, tenancy, "operator_bantargebang")
    fill(operator, sheet)
    for code in EVIDENCE_REQUIRED:
        upload(operator, sheet, code, pdf_bytes(code))
    submit(operator, sheet)
    tapem = as_persona(client, tenancy, "tapem_bekasi")
    no_reason = post_json(tapem, api(sheet, "return"), {"reason": " ", "items": []})
    assert no_reason.status_code == 422
    unknown = post_json(
        tapem, api(sheet, "return"), {"reason": "x", "items": [{"indicator": "S1"}]}
    )
    assert unknown.status_code == 422 and "S1" in unknown.json()["message"]
    assert current(sheet).state == "submitted"


def test_a_submitted_sheet_refuses_a_crafted_patch(client, sheet, tenancy):
    operator = as_persona(client, tenancy, "operator_bantargebang")
    fill(operator, sheet)
    for code in EVIDENCE_REQUIRED:
        upload(operator, sheet, code, pdf_bytes(code))
    submit(operator, sheet)
    before = current(sheet).version
    response = operator.patch(
        api(sheet),
        json.dumps({"version": before, "values": [{"indicator": "PEM", "value": "9"}]}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 403 and response.json()["code"] == "sheet_submitted"
    with scopes_disabled():
        assert ScoreEntry.objects.get(sheet=sheet, indicator__code="PEM").value == 4
    # And through the page's form post: refused, nothing changed.
    page = operator.post(
        f"/bekasi/periode/2026/lembar/{sheet.pk}/",
        {"version": before, "key": uuid.uuid4().hex, "action": "save"},
    )
    assert page.status_code == 409
    assert current(sheet).version == before


def test_an_operator_changes_only_their_own_kecamatan(client, setup, tenancy):
    theirs = kecamatan_sheet(setup.period, "Jatiasih")
    operator = as_persona(client, tenancy, "operator_bantargebang")
    assert operator.get(api(theirs)).status_code == 404
    response = operator.patch(
        api(theirs),
        json.dumps({"version": 0, "values": [{"indicator": "PEM", "value": "1"}]}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 404
    assert post_json(operator, api(theirs, "submit"), {"version": 0}).status_code == 404
    assert operator.get(f"/bekasi/periode/2026/lembar/{theirs.pk}/").status_code == 404
    with scopes_disabled():
        assert not ScoreEntry.objects.filter(sheet=theirs).exists()


def test_disqualifying_marks_the_participation_not_scored(sheet, setup, tenancy):
    with scope(region=setup.region):
        sheet_disqualify(sheet=sheet, reason="", by=tenancy.users["tapem_bekasi"])
        participation = Participation.objects.get(
            period=setup.period, kecamatan__name="Bantargebang"
        )
    assert current(sheet).state == "disqualified"
    assert participation.disqualified
    assert participation.disqualification_reason == SET_REASON
    assert moves(sheet) == [("draft", "disqualified", "tapem_bekasi", SET_REASON)]


def test_submission_after_the_deadline_is_refused_and_the_draft_stays(
    client, sheet, setup, tenancy
):
    with scopes_disabled():
        StageDeadline.objects.create(
            period=setup.period,
            stage=sheet.stage,
            submit_by=timezone.now() - timedelta(minutes=1),
            repair_days=2,
        )
    operator = as_persona(client, tenancy, "operator_bantargebang")
    fill(operator, sheet)
    for code in EVIDENCE_REQUIRED:
        upload(operator, sheet, code, pdf_bytes(code))
    late = submit(operator, sheet)
    assert late.status_code == 403
    assert late.json()["code"] == "deadline_passed"
    assert "Batas waktu pengajuan sudah lewat" in late.json()["message"]
    assert current(sheet).state == "draft"
    with scopes_disabled():
        assert ScoreEntry.objects.filter(sheet=sheet).count() == len(FILLED)


def test_a_return_sets_the_repair_deadline_from_the_repair_days(client, sheet, setup, tenancy):
    with scopes_disabled():
        StageDeadline.objects.create(period=setup.period, stage=sheet.stage, repair_days=2)
    operator = as_persona(client, tenancy, "operator_bantargebang")
    fill(operator, sheet)
    for code in EVIDENCE_REQUIRED:
        upload(operator, sheet, code, pdf_bytes(code))
    submit(operator, sheet)
    tapem = as_persona(client, tenancy, "tapem_bekasi")
    post_json(tapem, api(sheet, "return"), {"reason": "Perbaiki", "items": []})
    with scopes_disabled():
        request = RepairRequest.objects.get(sheet=sheet)
    due = timezone.localtime(request.repair_by)
    assert due.date() == timezone.localtime(request.at).date() + timedelta(days=2)
    assert (due.hour, due.minute) == (23, 59)
