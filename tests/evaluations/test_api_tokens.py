"""Personal API tokens: a penilai makes one on the Token API page and a script autosaves
with it, without a browser session or CSRF token; a revoked, expired or unknown token gets
401 and changes nothing; the token reaches no further than its owner."""

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from evaluations.models import ScoreEntry, Sheet
from regions.models import ApiToken
from regions.tokens import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_period):
    return make_period()


def script() -> Client:
    """A client as a script is: no session cookie, and CSRF enforced like a browser."""
    return Client(enforce_csrf_checks=True)


def own_sheet(setup, tenancy, user="penilai_bekasi"):
    with scopes_disabled():
        return Sheet.objects.get(
            period=setup.period, assessor=tenancy.users[user], kecamatan__name="Bantargebang"
        )


def autosave(sheet, key, value=80):
    return script().patch(
        f"/api/v1/bekasi/sheets/{sheet.pk}/",
        json.dumps({"version": sheet.version, "values": [{"indicator": "A1", "value": value}]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex},
    )


def stored_a1(sheet):
    with scopes_disabled():
        entry = ScoreEntry.objects.filter(sheet=sheet, indicator__code="A1").first()
        return entry.value if entry else None


def test_a_token_made_on_the_page_autosaves_without_a_session(client, setup, tenancy):
    client.force_login(tenancy.users["penilai_bekasi"])
    response = client.post("/akun/token/", {"name": "skrip tablet cadangan", "valid_days": 30})
    assert response.status_code == 200
    key = re.search(r'<code class="api-key">([^<]+)</code>', response.content.decode()).group(1)
    assert key.startswith("kin_")
    with scopes_disabled():
        token = ApiToken.objects.get(user=tenancy.users["penilai_bekasi"])
    assert key not in (token.key_hash, token.prefix) and key.startswith(token.prefix)
    # The key is shown once: the list afterwards shows only its prefix.
    listing = client.get("/akun/token/").content.decode()
    assert key not in listing and token.prefix in listing and "skrip tablet cadangan" in listing

    sheet = own_sheet(setup, tenancy)
    response = autosave(sheet, key)
    assert response.status_code == 200, response.content
    assert stored_a1(sheet) == 80
    me = script().get("/api/v1/bekasi/me/", headers={"Authorization": f"Bearer {key}"})
    assert me.json()["username"] == "penilai_bekasi"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_session_without_csrf_is_still_refused(client, setup, tenancy):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(tenancy.users["penilai_bekasi"])
    sheet = own_sheet(setup, tenancy)
    response = browser.patch(
        f"/api/v1/bekasi/sheets/{sheet.pk}/",
        json.dumps({"version": 0, "values": [{"indicator": "A1", "value": 80}]}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code in (401, 403)
    assert stored_a1(sheet) is None


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "inactive owner"])
def test_an_unusable_token_is_refused_and_nothing_changes(setup, tenancy, state):
    owner = tenancy.users["penilai_bekasi"]
    made = api_token_create(user=owner, name="skrip")
    key = made.key
    if state == "revoked":
        ApiToken.objects.filter(pk=made.token.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        ApiToken.objects.filter(pk=made.token.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif state == "unknown":
        key = "kin_" + "x" * 43
    else:
        owner.is_active = False
        owner.save(update_fields=["is_active"])
    sheet = own_sheet(setup, tenancy)
    response = autosave(sheet, key)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert "Token API" in response.json()["message"]
    assert stored_a1(sheet) is None


def test_a_token_reaches_no_further_than_its_owner(setup, tenancy):
    key = api_token_create(user=tenancy.users["penilai_bekasi"], name="skrip").key
    # Another penilai's sheet: refused as for the owner's own session.
    other = own_sheet(setup, tenancy, user="penilai_lintas")
    assert autosave(other, key).status_code in (403, 404)
    assert stored_a1(other) is None
    # Another region: as if it did not exist.
    tegal = script().get("/api/v1/tegal/me/", headers={"Authorization": f"Bearer {key}"})
    assert tegal.status_code == 404
    # Pages ignore the header: a token is for the API only.
    page = script().get("/bekasi/", headers={"Authorization": f"Bearer {key}"})
    assert page.status_code == 302 and "/akun/login/" in page["Location"]


def test_only_the_owner_revokes_a_token(client, tenancy):
    made = api_token_create(user=tenancy.users["penilai_bekasi"], name="skrip")
    client.force_login(tenancy.users["tapem_bekasi"])
    assert client.post(f"/akun/token/{made.token.pk}/cabut/").status_code == 404
    client.force_login(tenancy.users["penilai_bekasi"])
    response = client.post(f"/akun/token/{made.token.pk}/cabut/", follow=True)
    assert "dicabut" in response.content.decode()
    made.token.refresh_from_db()
    assert made.token.revoked_at is not None


def test_a_token_needs_a_name(client, tenancy):
    client.force_login(tenancy.users["penilai_bekasi"])
    response = client.post("/akun/token/", {"name": "  "})
    assert response.status_code == 422
    assert "Bidang ini tidak boleh kosong." in response.content.decode()
    assert not ApiToken.objects.exists()
