"""A member's notes on their sheet (issue 12): saved through the Sheets API with the sheet
version and an idempotency key like the scores, exactly once; stored from a tablet's
downloaded outbox once; refused after Finalise, to anyone but the member and on a
kecamatan's sheet; read by Tapem on the sheet page with their history."""

import json
import uuid

import pytest
from django_scopes import scope, scopes_disabled

from evaluations.models import NoteChange, Sheet, ValueChange
from evaluations.sheets import sheet_submit, sheet_write
from evaluations.tablet import outbox_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_period):
    return make_period()


def own_sheet(setup, tenancy, user="penilai_bekasi", kecamatan="Bantargebang"):
    with scopes_disabled():
        return Sheet.objects.get(
            period=setup.period, assessor=tenancy.users[user], kecamatan__name=kecamatan
        )


def patch(client, sheet, body, key=None):
    return client.patch(
        f"/api/v1/bekasi/sheets/{sheet.pk}/",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key or uuid.uuid4().hex, "X-Kinerja-Client": "tablet"},
    )


def write_notes(sheet, user, notes, values=(), key=None):
    with scope(region=sheet.period.region):
        sheet.refresh_from_db()
        sheet_write(
            sheet=sheet,
            expected_version=sheet.version,
            values=list(values),
            notes=notes,
            by=user,
            via="tablet",
            key=key or uuid.uuid4().hex,
        )
        sheet.refresh_from_db()


def note_changes(sheet):
    with scopes_disabled():
        return list(NoteChange.objects.filter(sheet=sheet).order_by("pk"))


def test_notes_autosave_with_the_version_and_a_replay_stores_once(client, setup, tenancy):
    client.force_login(tenancy.users["penilai_bekasi"])
    sheet = own_sheet(setup, tenancy)
    body = {"version": 0, "notes": "  Video 12 menit, melebihi batas.\nInovasi: aplikasi antrean. "}
    first = patch(client, sheet, body, key="catatan-1")
    assert first.status_code == 200
    assert first.json()["notes"] == "Video 12 menit, melebihi batas.\nInovasi: aplikasi antrean."
    assert first.json()["version"] == 1
    again = patch(client, sheet, body, key="catatan-1")  # a lost answer, resent
    assert again.status_code == 200 and again.json() == first.json()
    (change,) = note_changes(sheet)
    assert (change.old_text, change.via, change.idempotency_key) == ("", "tablet", "catatan-1")
    # The stale version of another device is a conflict that shows the stored notes.
    stale = patch(client, sheet, {"version": 0, "notes": "Lain"})
    assert stale.status_code == 409
    assert stale.json()["notes"].startswith("Video 12 menit")
    # Notes and a score in one write raise the version once; GET shows both.
    both = patch(
        client,
        sheet,
        {"version": 1, "notes": "Catatan baru", "values": [{"indicator": "A1", "value": 80}]},
    )
    assert both.json()["version"] == 2
    shown = client.get(f"/api/v1/bekasi/sheets/{sheet.pk}/").json()
    assert shown["notes"] == "Catatan baru"
    with scopes_disabled():
        assert ValueChange.objects.filter(sheet=sheet).count() == 1
    assert [c.new_text for c in note_changes(sheet)][-1] == "Catatan baru"


def test_a_body_without_notes_leaves_them_alone(client, setup, tenancy):
    client.force_login(tenancy.users["penilai_bekasi"])
    sheet = own_sheet(setup, tenancy)
    patch(client, sheet, {"version": 0, "notes": "Tetap"})
    response = patch(client, sheet, {"version": 1, "values": [{"indicator": "A1", "value": 70}]})
    assert response.status_code == 200 and response.json()["notes"] == "Tetap"
    assert len(note_changes(sheet)) == 1


def test_notes_are_refused_after_finalise_and_to_a_crafted_request(client, setup, tenancy):
    member = tenancy.users["penilai_bekasi"]
    sheet = own_sheet(setup, tenancy)
    write_notes(
        sheet,
        member,
        "Sebelum final",
        values=[{"indicator": "A1", "value": 80}, {"indicator": "B1", "value": 70}],
    )
    with scope(region=setup.region):
        sheet_submit(sheet=sheet, expected_version=sheet.version, by=member)
        sheet.refresh_from_db()
    client.force_login(member)
    refused = patch(client, sheet, {"version": sheet.version, "notes": "Sesudah final"})
    assert refused.status_code == 403 and refused.json()["code"] == "sheet_final"
    # Another member of the team, Tapem, a non-string: refused, nothing stored.
    other = own_sheet(setup, tenancy, kecamatan="Jatiasih")
    client.force_login(tenancy.users["tapem_bekasi"])
    by_tapem = patch(client, other, {"version": 0, "notes": "Ditulis Tapem"})
    assert by_tapem.status_code == 403 and by_tapem.json()["code"] == "notes_not_yours"
    assert "hanya dapat diubah oleh penilainya" in by_tapem.json()["message"]
    client.force_login(member)
    wrong = patch(client, other, {"version": 0, "notes": 12})
    assert wrong.status_code == 422
    too_long = patch(client, other, {"version": 0, "notes": "x" * 10_001})
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["message"] == "Catatan paling panjang 10.000 karakter."
    with scopes_disabled():
        assert Sheet.objects.get(pk=sheet.pk).notes == "Sebelum final"
        assert Sheet.objects.get(pk=other.pk).notes == ""
    assert len(note_changes(sheet)) == 1 and note_changes(other) == []


def test_a_kecamatan_sheet_has_no_notes(client, make_period, tenancy):
    from tests.evaluations.selfassessment import kecamatan_sheet, mandiri_set

    setup = make_period(mandiri_set())
    sheet = kecamatan_sheet(setup.period)
    client.force_login(tenancy.users["operator_bantargebang"])
    response = patch(client, sheet, {"version": 0, "notes": "Catatan operator"})
    assert response.status_code == 422
    assert response.json()["message"] == "Catatan hanya ada pada lembar anggota tim penilai."
    with scopes_disabled():
        assert Sheet.objects.get(pk=sheet.pk).notes == ""


def test_a_downloaded_outbox_stores_the_notes_once(setup, tenancy):
    member, tapem = tenancy.users["penilai_bekasi"], tenancy.users["tapem_bekasi"]
    sheet = own_sheet(setup, tenancy)
    data = {
        "kind": "kinerja-tablet-outbox",
        "sheet": sheet.pk,
        "changes": [
            {
                "id": "n-1",
                "indicator": "",
                "part": "",
                "kind": "notes",
                "value": "Dari tablet",
                "base": None,
                "sent_version": None,
            },
            {
                "id": "v-1",
                "indicator": "A1",
                "part": "",
                "kind": "number",
                "value": "75",
                "base": None,
                "sent_version": None,
            },
        ],
        "conflicts": [],
    }
    with scope(region=setup.region):
        first = outbox_import(sheet=sheet, data=data, by=tapem)
        second = outbox_import(sheet=sheet, data=data, by=tapem)
        sheet.refresh_from_db()
    assert [r.outcome for r in first] == ["stored", "stored"]
    assert [r.outcome for r in second] == ["already", "already"]
    assert sheet.notes == "Dari tablet"
    (change,) = note_changes(sheet)
    assert (change.via, change.by, change.idempotency_key) == ("import", tapem, "n-1")
    # The member had changed the notes elsewhere since: a conflict, nothing overwritten.
    write_notes(sheet, member, "Di perangkat lain")
    with scope(region=setup.region):
        later = {
            **data,
            "changes": [
                {**data["changes"][0], "id": "n-2", "value": "Versi tablet", "base": "Dari tablet"}
            ],
        }
        (result,) = outbox_import(sheet=sheet, data=later, by=tapem)
        sheet.refresh_from_db()
    assert result.outcome == "conflict" and sheet.notes == "Di perangkat lain"


def test_tapem_reads_the_notes_and_their_history_on_the_sheet_page(client, setup, tenancy):
    import re

    member = tenancy.users["penilai_bekasi"]
    sheet = own_sheet(setup, tenancy)
    client.force_login(member)
    page = f"/bekasi/periode/2026/lembar/{sheet.pk}/"
    form = client.get(page).content.decode()
    assert 'name="notes"' in form
    key = re.search(r'name="key" value="([^"]+)"', form).group(1)
    response = client.post(
        page, {"version": "0", "key": key, "action": "save", "notes": "Ditulis di meja"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Sheet.objects.get(pk=sheet.pk).notes == "Ditulis di meja"
    client.force_login(tenancy.users["tapem_bekasi"])
    text = client.get(page).content.decode()
    assert "Ditulis di meja" in text and 'name="notes"' not in text
    assert "Riwayat catatan" in text and "formulir" in text
    # A crafted post by Tapem does not change the member's notes.
    tapem_form = client.get(page).content.decode()
    key = re.search(r'name="key" value="([^"]+)"', tapem_form).group(1)
    client.post(page, {"version": "1", "key": key, "action": "save", "notes": "Tapem menimpa"})
    with scopes_disabled():
        assert Sheet.objects.get(pk=sheet.pk).notes == "Ditulis di meja"


def test_the_scoring_screen_shows_the_notes_box(client, setup, tenancy):
    member = tenancy.users["penilai_bekasi"]
    sheet = own_sheet(setup, tenancy)
    write_notes(sheet, member, "Catatan awal")
    client.force_login(member)
    text = client.get(f"/bekasi/periode/2026/penilaian/{sheet.pk}/").content.decode()
    assert 'data-kind="notes"' in text and 'data-server="Catatan awal"' in text
    assert "Catatan saya" in text
