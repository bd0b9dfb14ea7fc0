"""The sheets JSON API as scripts and tablets use it (README "API"): a penilai reads and
autosaves their sheet, replays are harmless, stale writes are conflicts, nothing stored
changes on a refusal."""

import json
import uuid

import pytest
from django_scopes import scope, scopes_disabled

from evaluations.models import Period, ScoreEntry, Sheet, ValueChange
from evaluations.services import period_set_status
from tests.evaluations.conftest import rich_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_period):
    return make_period()


@pytest.fixture
def penilai(client, tenancy):
    client.force_login(tenancy.users["penilai_bekasi"])
    return client


def own_sheet(setup, tenancy, kecamatan="Bantargebang", user="penilai_bekasi"):
    with scopes_disabled():
        return Sheet.objects.get(
            period=setup.period, assessor=tenancy.users[user], kecamatan__name=kecamatan
        )


def patch(client, sheet, body, key=None, **headers):
    return client.patch(
        f"/api/v1/bekasi/sheets/{sheet.pk}/",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key or uuid.uuid4().hex, **headers},
    )


def values(response):
    return {(c["indicator"], c["part"]): c["value"] for c in response.json()["values"]}


def stored(sheet):
    with scopes_disabled():
        return {e.indicator.code: e.value for e in ScoreEntry.objects.filter(sheet=sheet)}


def changes(sheet):
    with scopes_disabled():
        return list(ValueChange.objects.filter(sheet=sheet).order_by("pk"))


def test_a_penilai_lists_their_own_sheets(penilai, setup, tenancy):
    response = penilai.get("/api/v1/bekasi/periods/2026/sheets/")
    assert response.status_code == 200
    sheets = response.json()
    assert {s["kecamatan"] for s in sheets} == {"Bantargebang", "Jatiasih"}
    assert {s["assessor"] for s in sheets} == {"penilai_bekasi"}
    first = sheets[0]
    assert set(first) == {"id", "stage", "kecamatan", "assessor", "state", "version", "url"}
    assert first["stage"] == "T1" and first["state"] == "draft" and first["version"] == 0
    assert first["url"] == f"/bekasi/periode/2026/lembar/{first['id']}/"
    filtered = penilai.get("/api/v1/bekasi/periods/2026/sheets/?kecamatan=Jatiasih&stage=T1")
    assert [s["kecamatan"] for s in filtered.json()] == ["Jatiasih"]


def test_tapem_sees_every_sheet_and_pimpinan_none(client, setup, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    assert len(client.get("/api/v1/bekasi/periods/2026/sheets/").json()) == 4  # 2 × 2
    client.force_login(tenancy.users["pimpinan_bekasi"])
    assert client.get("/api/v1/bekasi/periods/2026/sheets/").json() == []


def test_a_sheet_shows_every_cell_with_its_rule(penilai, setup, tenancy):
    sheet = own_sheet(setup, tenancy)
    body = penilai.get(f"/api/v1/bekasi/sheets/{sheet.pk}/").json()
    assert body["values"] == [
        {"indicator": "A1", "part": "", "label": "", "value": None, "option": None, "text": "",
         "min": "0", "max": "100", "integer_only": False, "options": []},
        {"indicator": "B1", "part": "", "label": "", "value": None, "option": None, "text": "",
         "min": "0", "max": "100", "integer_only": False, "options": []},
    ]  # fmt: skip


def test_autosave_changes_only_the_listed_cells_and_records_them(penilai, setup, tenancy):
    sheet = own_sheet(setup, tenancy)
    response = patch(
        penilai, sheet, {"version": 0, "values": [{"indicator": "A1", "value": "85,5"}]}
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert values(response) == {("A1", ""): "85.5", ("B1", ""): None}
    response = patch(penilai, sheet, {"version": 1, "values": [{"indicator": "B1", "value": 70}]})
    assert values(response) == {("A1", ""): "85.5", ("B1", ""): "70"}
    # The same value again writes nothing and keeps the version.
    response = patch(penilai, sheet, {"version": 2, "values": [{"indicator": "B1", "value": 70}]})
    assert response.json()["version"] == 2
    history = changes(sheet)
    assert [(c.indicator.code, c.old_value, c.new_value, c.via) for c in history] == [
        ("A1", None, 85.5, "api"),
        ("B1", None, 70, "api"),
    ]
    assert history[0].by == tenancy.users["penilai_bekasi"]
    # null clears, recorded as such.
    response = patch(penilai, sheet, {"version": 2, "values": [{"indicator": "A1", "value": None}]})
    assert values(response)[("A1", "")] is None
    assert stored(sheet) == {"B1": 70}
    assert (changes(sheet)[-1].old_value, changes(sheet)[-1].new_value) == (85.5, None)


def test_two_writers_on_the_same_version_one_wins_the_other_sees_its_values(client, setup, tenancy):
    sheet = own_sheet(setup, tenancy)
    tablet, laptop = client, client.__class__()
    tablet.force_login(tenancy.users["penilai_bekasi"])
    laptop.force_login(tenancy.users["penilai_bekasi"])
    first = patch(tablet, sheet, {"version": 0, "values": [{"indicator": "A1", "value": 80}]})
    second = patch(laptop, sheet, {"version": 0, "values": [{"indicator": "A1", "value": 60}]})
    assert first.status_code == 200
    assert second.status_code == 409
    conflict = second.json()
    assert conflict["code"] == "version_conflict" and conflict["version"] == 1
    assert {(c["indicator"], c["value"]) for c in conflict["values"]} == {
        ("A1", "80"),
        ("B1", None),
    }
    assert "sudah diubah di tempat lain" in conflict["message"]
    assert stored(sheet) == {"A1": 80}  # nothing lost, nothing overwritten


def test_a_replayed_key_answers_again_and_writes_once(penilai, setup, tenancy):
    sheet = own_sheet(setup, tenancy)
    body = {"version": 0, "values": [{"indicator": "A1", "value": 75}]}
    first = patch(penilai, sheet, body, key="outbox-1")
    again = patch(penilai, sheet, body, key="outbox-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert len(changes(sheet)) == 1
    with scopes_disabled():
        assert Sheet.objects.get(pk=sheet.pk).version == 1


def test_a_key_reused_with_another_body_is_refused(penilai, setup, tenancy):
    sheet = own_sheet(setup, tenancy)
    patch(penilai, sheet, {"version": 0, "values": [{"indicator": "A1", "value": 75}]}, key="k")
    response = patch(
        penilai, sheet, {"version": 1, "values": [{"indicator": "A1", "value": 10}]}, key="k"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert stored(sheet) == {"A1": 75}


def test_a_missing_key_is_refused(penilai, setup, tenancy):
    sheet = own_sheet(setup, tenancy)
    response = penilai.patch(
        f"/api/v1/bekasi/sheets/{sheet.pk}/",
        json.dumps({"version": 0, "values": [{"indicator": "A1", "value": 75}]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert "Idempotency-Key" in response.json()["message"]
    assert stored(sheet) == {}


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ({"indicator": "A1", "value": 101}, "di atas nilai maksimal 100"),
        ({"indicator": "A1", "value": -1}, "di bawah nilai minimal 0"),
        ({"indicator": "A1", "value": "delapan"}, "bukan angka"),
        ({"indicator": "A1", "value": True}, "harus berupa angka"),
        ({"indicator": "Z9", "value": 1}, "tidak memiliki sel Z9"),
        ({"indicator": "A1", "part": "fisik", "value": 1}, "tidak memiliki sel A1:fisik"),
    ],
)
def test_bad_values_change_nothing(penilai, setup, tenancy, cell, message):
    sheet = own_sheet(setup, tenancy)
    patch(penilai, sheet, {"version": 0, "values": [{"indicator": "B1", "value": 50}]})
    response = patch(
        penilai, sheet, {"version": 1, "values": [{"indicator": "B1", "value": 60}, cell]}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert any(message in error["message"] for error in body["errors"]), body
    assert stored(sheet) == {"B1": 50}  # B1's valid change is not stored either


def test_whole_numbers_and_options_follow_the_instrument(client, make_period, tenancy):
    setup = make_period(rich_set())
    client.force_login(tenancy.users["penilai_bekasi"])
    sheets = client.get("/api/v1/bekasi/periods/2026/sheets/").json()
    sheet = next(s for s in sheets if s["kecamatan"] == "Bantargebang" and s["stage"] == "T1")
    detail = client.get(f"/api/v1/bekasi/sheets/{sheet['id']}/").json()
    integer = next((c for c in detail["values"] if c["integer_only"]), None)
    choice = next((c for c in detail["values"] if c["options"]), None)
    assert setup.period.slug == "2026"
    obj = Sheet(pk=sheet["id"])
    if integer is not None:
        response = patch(
            client, obj, {"version": 0, "values": [{"indicator": integer["indicator"],
                                                    "part": integer["part"], "value": "2,5"}]},
        )  # fmt: skip
        assert response.status_code == 422
        assert "bilangan bulat" in response.json()["errors"][0]["message"]
    if choice is not None:
        response = patch(
            client, obj, {"version": 0, "values": [{"indicator": choice["indicator"],
                                                    "option": "zz"}]},
        )  # fmt: skip
        assert response.status_code == 422
        assert "tidak tersedia" in response.json()["errors"][0]["message"]
        response = patch(
            client, obj, {"version": 0, "values": [{"indicator": choice["indicator"],
                                                    "option": choice["options"][0]}]},
        )  # fmt: skip
        assert response.status_code == 200
    assert integer is not None or choice is not None


def test_a_malformed_body_is_refused_in_indonesian(penilai, setup, tenancy):
    sheet = own_sheet(setup, tenancy)
    response = penilai.patch(
        f"/api/v1/bekasi/sheets/{sheet.pk}/",
        "{not json",
        content_type="application/json",
        headers={"Idempotency-Key": "x"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
    response = patch(penilai, sheet, {"values": []})  # no version
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_submit_lists_what_is_missing_then_finalises_and_locks(penilai, setup, tenancy):
    sheet = own_sheet(setup, tenancy)
    patch(penilai, sheet, {"version": 0, "values": [{"indicator": "A1", "value": 80}]})
    url = f"/api/v1/bekasi/sheets/{sheet.pk}/submit/"
    response = penilai.post(url, {"version": 1}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "incomplete"
    assert [(e["indicator"], e["part"]) for e in response.json()["errors"]] == [("B1", "")]
    patch(penilai, sheet, {"version": 1, "values": [{"indicator": "B1", "value": 70}]})
    stale = penilai.post(url, {"version": 1}, content_type="application/json")
    assert stale.status_code == 409
    response = penilai.post(url, {"version": 2}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["state"] == "final"
    # A crafted write after Finalise is refused and changes nothing.
    version = response.json()["version"]
    refused = patch(
        penilai, sheet, {"version": version, "values": [{"indicator": "A1", "value": 1}]}
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "sheet_final"
    assert "Final" in refused.json()["message"]
    assert stored(sheet) == {"A1": 80, "B1": 70}


def test_a_period_that_is_not_open_refuses_writes(penilai, setup, tenancy):
    sheet = own_sheet(setup, tenancy)
    with scope(region=tenancy.bekasi):
        period_set_status(period=setup.period, status=Period.Status.CLOSED, by=None)
    response = patch(penilai, sheet, {"version": 0, "values": [{"indicator": "A1", "value": 1}]})
    assert response.status_code == 403
    assert response.json()["code"] == "period_not_open"
    assert stored(sheet) == {}


def test_other_peoples_and_other_regions_sheets_are_not_found(client, setup, tenancy):
    theirs = own_sheet(setup, tenancy, user="penilai_lintas")
    client.force_login(tenancy.users["penilai_bekasi"])
    assert client.get(f"/api/v1/bekasi/sheets/{theirs.pk}/").status_code == 404
    response = patch(client, theirs, {"version": 0, "values": [{"indicator": "A1", "value": 1}]})
    assert response.status_code == 404
    # Through another region's URL: the same.
    client.force_login(tenancy.users["penilai_lintas"])
    assert client.get(f"/api/v1/tegal/sheets/{theirs.pk}/").status_code == 404
    client.force_login(tenancy.users["operator_bantargebang"])
    assert client.get(f"/api/v1/bekasi/sheets/{theirs.pk}/").status_code == 404
    assert stored(theirs) == {}


def test_the_tablet_is_recorded_as_such(penilai, setup, tenancy):
    sheet = own_sheet(setup, tenancy)
    patch(
        penilai,
        sheet,
        {"version": 0, "values": [{"indicator": "A1", "value": 1}]},
        **{"X-Kinerja-Client": "tablet"},
    )
    assert [c.via for c in changes(sheet)] == ["tablet"]


def test_the_openapi_document_describes_the_contract(client, db):
    document = client.get("/api/openapi.json").json()
    paths = document["paths"]
    assert "/api/v1/{region}/periods/{period}/sheets/" in paths
    assert {"get", "patch"} <= set(paths["/api/v1/{region}/sheets/{sheet_id}/"])
    assert "post" in paths["/api/v1/{region}/sheets/{sheet_id}/submit/"]


def test_a_session_write_needs_the_csrf_token(setup, tenancy):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(tenancy.users["penilai_bekasi"])
    sheet = own_sheet(setup, tenancy)
    body = {"version": 0, "values": [{"indicator": "A1", "value": 75}]}
    refused = patch(browser, sheet, body)
    assert refused.status_code in (401, 403)
    assert stored(sheet) == {}
    browser.get("/bekasi/")  # sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    accepted = patch(browser, sheet, body, **{"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert stored(sheet) == {"A1": 75}


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_the_same_instant_one_wins(make_period, tenancy):
    """Real concurrency (two threads, two connections) where the database can show it: the
    sheet row lock serialises the writers, the second sees the first's version."""
    import threading

    from django.db import connection, connections
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write anyway; CI runs this on PostgreSQL")
    setup = make_period()
    sheet = own_sheet(setup, tenancy)
    barrier = threading.Barrier(2)
    answers = {}

    def write(value):
        try:
            writer = Client()
            writer.force_login(tenancy.users["penilai_bekasi"])
            barrier.wait(timeout=10)
            body = {"version": 0, "values": [{"indicator": "A1", "value": value}]}
            answers[value] = patch(writer, sheet, body).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(value,)) for value in (40, 90)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers.values()) == [200, 409]
    winner = next(value for value, status in answers.items() if status == 200)
    assert stored(sheet) == {"A1": winner}
    assert len(changes(sheet)) == 1


def test_an_autosave_reads_the_sheets_cells_once(
    penilai, setup, tenancy, django_assert_max_num_queries
):
    """A PATCH validates against the sheet's cells and answers with them: one read of the
    instrument (indicators, options), not one per use. The count is pinned so that a
    second reader slipping in shows here (the tablet's autosave is the hottest path)."""
    sheet = own_sheet(setup, tenancy)
    patch(penilai, sheet, {"version": 0, "values": [{"indicator": "A1", "value": 60}]})
    with django_assert_max_num_queries(PATCH_QUERIES) as captured:
        response = patch(
            penilai, sheet, {"version": 1, "values": [{"indicator": "A1", "value": 61}]}
        )
    assert response.status_code == 200
    reads = [q["sql"] for q in captured.captured_queries]
    assert sum('FROM "instruments_indicator"' in sql for sql in reads) == 1


# Session, user, region, memberships, the sheet's access, then under the lock: sheet,
# receipt, refusal checks, cells, entries, the write, the answer, the receipt (savepoints
# included, as the test database counts them).
PATCH_QUERIES = 27
