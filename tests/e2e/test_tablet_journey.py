"""A penilai scores on a tablet through a lost connection (issue 12): every value typed
offline survives a reload and is stored exactly once; two devices of one member get a
conflict, not a silent overwrite; a final sheet refuses a crafted request; a recused
member is refused the sheet."""

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from evaluations.decisions import absence_record
from evaluations.models import (
    MemberAbsence,
    NoteChange,
    ScoreEntry,
    Sheet,
    ValueChange,
    WriteReceipt,
)
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}  # landscape; portrait is checked for overflow


def banggai_sheet(kecamatan="Balantak", member="penilai-banggai-1", stage="T3"):
    with scopes_disabled():
        return Sheet.objects.select_related("period__region", "stage", "kecamatan").get(
            period__region__slug="banggai",
            stage__code=stage,
            kecamatan__name=kecamatan,
            assessor__username=member,
        )


def stored(sheet):
    with scopes_disabled():
        return {
            e.indicator.code: e.value.normalize()
            for e in ScoreEntry.objects.filter(sheet=sheet).select_related("indicator")
        }


def history(sheet):
    with scopes_disabled():
        return list(
            ValueChange.objects.filter(sheet=sheet).select_related("indicator").order_by("pk")
        )


def tablet(browser, live_server, viewport=TABLET):
    context = browser.new_context(viewport=viewport, locale="id-ID")
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda m: (
            page.csp_violations.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    login(page, live_server, "penilai-banggai-1")
    return context, page


def open_sheet(page, live_server, sheet):
    page.goto(f"{live_server.url}/banggai/periode/2026/penilaian/{sheet.pk}/")
    page.wait_for_selector("#tablet[data-ready='1']")


def cell(page, code):
    return page.locator(f".cell[data-indicator='{code}']")


def type_score(page, code, value):
    box = cell(page, code).locator(".cell-input")
    box.fill(value)
    box.evaluate("input => input.blur()")  # as a finger tapping elsewhere: `change` fires


def eventually(page, check, seconds=15):
    """Wait until `check()` holds (the outbox sends in the background). SQLite's shared
    in-memory test database may refuse a read while the live server writes: try again."""
    for _ in range(seconds * 10):
        try:
            if check():
                return
        except OperationalError:
            pass
        page.wait_for_timeout(100)
    assert check()


def wait_until_cached(page):
    """The service worker controls the page and keeps it (the test's own reload offline
    depends on it)."""
    page.evaluate("navigator.serviceWorker.ready")
    for _ in range(50):
        if page.evaluate(
            "async () => !!(await caches.match(location.pathname, {ignoreVary: true}))"
        ):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the scoring page was not cached by the service worker")


def test_scores_typed_offline_survive_a_reload_and_are_stored_once(browser, live_server, demo):
    sheet = banggai_sheet()
    context, page = tablet(browser, live_server)
    page.goto(f"{live_server.url}/banggai/periode/2026/penilaian/")
    expect(page.locator("h1")).to_have_text("Lembar penilaian saya")
    open_sheet(page, live_server, sheet)
    expect(page.locator("h1")).to_have_text("Kecamatan Balantak")
    expect(page.locator("#timer .phase")).to_have_count(3)  # video, paparan, wawancara
    wait_until_cached(page)

    type_score(page, "A1", "80")
    eventually(page, lambda: stored(sheet) == {"A1": 80})
    expect(page.locator("#save-state")).to_have_text("Tersimpan")

    # A bad value is refused on the screen and never queued.
    type_score(page, "A2", "120")
    expect(cell(page, "A2").locator(".cell-error")).to_have_text("Nilai paling besar 100.")

    context.set_offline(True)
    type_score(page, "A2", "75,5")
    cell(page, "A3").locator("button[data-delta='5']").click()  # 5
    cell(page, "A3").locator("button[data-delta='5']").click()  # 10
    cell(page, "A3").locator("button[data-delta='1']").click()  # 11
    type_score(page, "A4", "90")
    notes = page.locator("#notes-input")
    notes.fill("Video 11 menit, lewat batas.\nInovasi antrean daring patut dicek.")
    notes.evaluate("input => input.blur()")
    expect(page.locator("#save-state")).to_contain_text("Luring")
    expect(page.locator("#unsent")).to_be_visible()
    assert stored(sheet) == {"A1": 80}

    page.reload()  # offline: the service worker's copy, the outbox's values
    page.wait_for_selector("#tablet[data-ready='1']")
    expect(cell(page, "A2").locator(".cell-input")).to_have_value("75,5")
    expect(cell(page, "A3").locator(".cell-input")).to_have_value("11")
    expect(cell(page, "A4").locator(".cell-input")).to_have_value("90")
    expect(page.locator("#notes-input")).to_have_value(
        "Video 11 menit, lewat batas.\nInovasi antrean daring patut dicek."
    )
    expect(page.locator("#save-state")).to_contain_text("Luring")
    with page.expect_download() as download:
        page.click("#download-unsent")
    unsent = json.loads(download.value.path().read_text())
    assert {c["indicator"]: c["value"] for c in unsent["changes"] if c["kind"] != "notes"} == {
        "A2": "75.5",
        "A3": "11",
        "A4": "90",
    }
    assert [c["value"] for c in unsent["changes"] if c["kind"] == "notes"] == [
        "Video 11 menit, lewat batas.\nInovasi antrean daring patut dicek."
    ]
    type_score(page, "A5", "65")  # still offline, after the reload

    context.set_offline(False)
    everything = {"A1": 80, "A2": 75.5, "A3": 11, "A4": 90, "A5": 65}
    eventually(page, lambda: stored(sheet) == everything, seconds=30)
    expect(page.locator("#save-state")).to_have_text("Tersimpan")
    expect(page.locator("#unsent")).to_be_hidden()
    changes = history(sheet)
    # Exactly once: one history row per cell (A3's three taps went out as one change).
    assert sorted(c.indicator.code for c in changes) == ["A1", "A2", "A3", "A4", "A5"]
    assert {c.via for c in changes} == {"tablet"}
    keys = [c.idempotency_key for c in changes]
    assert len(set(keys)) == 5
    with scopes_disabled():
        assert WriteReceipt.objects.filter(sheet=sheet).count() == 6  # five cells, the notes
        (note,) = NoteChange.objects.filter(sheet=sheet)
        assert note.new_text.startswith("Video 11 menit") and note.via == "tablet"

    # Finalise locks the sheet; a crafted request afterwards changes nothing.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#finalise")
    expect(page.locator("#sheet-state")).to_have_text("Final")
    expect(cell(page, "A1").locator(".cell-input")).to_be_disabled()
    with scopes_disabled():
        sheet.refresh_from_db()
    assert sheet.state == "final"
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    crafted = page.request.patch(
        f"{live_server.url}/api/v1/banggai/sheets/{sheet.pk}/",
        data=json.dumps({"version": sheet.version, "values": [{"indicator": "A1", "value": 1}]}),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": csrf,
            "Idempotency-Key": uuid.uuid4().hex,
            "X-Kinerja-Client": "tablet",
        },
    )
    assert crafted.status == 403 and crafted.json()["code"] == "sheet_final"
    assert stored(sheet)["A1"] == 80 and len(history(sheet)) == 5
    expect(page.locator("#notes-input")).to_be_disabled()
    crafted = page.request.patch(
        f"{live_server.url}/api/v1/banggai/sheets/{sheet.pk}/",
        data=json.dumps({"version": sheet.version, "notes": "ditulis sesudah final"}),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": csrf,
            "Idempotency-Key": uuid.uuid4().hex,
        },
    )
    assert crafted.status == 403 and crafted.json()["code"] == "sheet_final"
    with scopes_disabled():
        assert NoteChange.objects.filter(sheet=sheet).count() == 1

    page.goto(f"{live_server.url}/banggai/periode/2026/penilaian/")
    expect(page.locator(f"tr[data-sheet='{sheet.pk}'] .badge")).to_have_text("Final")
    assert page.csp_violations == []
    context.close()


def two_devices(browser, live_server, sheet):
    """The member's landscape tablet and portrait second device, both on `sheet`."""
    devices = [
        tablet(browser, live_server),
        tablet(browser, live_server, viewport={"width": 768, "height": 1024}),
    ]
    for _context, page in devices:
        open_sheet(page, live_server, sheet)
    return devices


def test_two_devices_of_one_member_get_a_conflict(browser, live_server, demo):
    sheet = banggai_sheet("Batui")
    (first, one), (second, two) = two_devices(browser, live_server, sheet)

    type_score(one, "A1", "70")
    eventually(one, lambda: stored(sheet) == {"A1": 70})
    type_score(two, "A1", "40")  # the second device still shows the empty cell
    expect(two.locator("#conflicts")).to_be_visible()
    expect(two.locator(".conflict-item")).to_contain_text("nilai Anda 40, tersimpan 70")
    assert stored(sheet) == {"A1": 70}  # nothing overwritten silently

    # The member decides: their own value, sent as a new change on the current version.
    two.click(".conflict-item .keep-mine")
    eventually(two, lambda: stored(sheet) == {"A1": 40})
    expect(two.locator("#conflicts")).to_be_hidden()
    expect(two.locator("#save-state")).to_have_text("Tersimpan")
    assert [(c.old_value, c.new_value) for c in history(sheet)] == [(None, 70), (70, 40)]

    # The other device meets a conflict too, and may keep what is stored.
    type_score(one, "A1", "71")
    expect(one.locator(".conflict-item")).to_contain_text("nilai Anda 71, tersimpan 40")
    one.click(".conflict-item .keep-theirs")
    expect(one.locator("#conflicts")).to_be_hidden()
    expect(cell(one, "A1").locator(".cell-input")).to_have_value("40")
    assert stored(sheet) == {"A1": 40} and len(history(sheet)) == 2
    first.close()
    second.close()


def test_a_recused_member_is_refused_the_sheet(browser, live_server, demo):
    sheet = banggai_sheet("Bunta")
    member = get_user_model().objects.get(username="penilai-banggai-1")
    with scope(region=sheet.period.region):
        absence_record(
            period=sheet.period,
            stage=sheet.stage,
            kecamatan=sheet.kecamatan,
            member=member,
            kind=MemberAbsence.Kind.RECUSED,
            reason="Mantan Camat Bunta",
            by=None,
        )
    context, page = tablet(browser, live_server)
    response = page.goto(f"{live_server.url}/banggai/periode/2026/penilaian/{sheet.pk}/")
    assert response.status == 409
    expect(page.locator("main")).to_contain_text("Mantan Camat Bunta")
    page.goto(f"{live_server.url}/banggai/periode/2026/penilaian/")
    row = page.locator(f"tr[data-sheet='{sheet.pk}']")
    expect(row).to_contain_text("Mengundurkan diri")
    expect(row.locator("a")).to_have_count(0)
    context.close()


@pytest.mark.parametrize(
    "viewport",
    [
        TABLET,
        {"width": 768, "height": 1024},
        {"width": 1280, "height": 800},
        {"width": 390, "height": 844},
    ],
    ids=["1024x768", "768x1024", "1280x800", "390x844"],
)
def test_the_scoring_screen_fits_tablets_and_phones(browser, live_server, demo, viewport):
    context, page = tablet(browser, live_server, viewport=viewport)
    for stage, kecamatan in (("T3", "Bualemo"), ("T2", "Bualemo")):
        open_sheet(page, live_server, banggai_sheet(kecamatan, stage=stage))
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        # A stepper's buttons stay large enough for a finger (≥ 44 px).
        box = page.locator(".cell .step:visible").first.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    context.close()


def test_the_timer_shows_the_limits_the_set_gives(browser, live_server, demo):
    """Tapem changed the set's limits for stage 3: the timer shows them, and the phase
    past its limit turns red."""
    sheet = banggai_sheet("Lamala")
    with scopes_disabled():
        sheet.stage.presentation_limits = {
            "phases": [
                {"code": "video", "label": "Video kewilayahan", "minutes": 8},
                {"code": "paparan", "label": "Pemaparan Camat", "minutes": 25},
                {"code": "wawancara", "label": "Wawancara panel", "minutes": None},
            ],
            "slides": 10,
            "reference": "Pasal 11 ayat (5)–(8)",
        }
        sheet.stage.save(update_fields=["presentation_limits"])
    context, page = tablet(browser, live_server, viewport={"width": 768, "height": 1024})
    open_sheet(page, live_server, sheet)
    phases = page.locator("#timer .phase")
    expect(phases).to_have_count(3)
    expect(phases.nth(0).locator(".phase-limit")).to_have_text("≤ 8 menit")
    expect(phases.nth(1).locator(".phase-limit")).to_have_text("≤ 25 menit")
    expect(phases.nth(2).locator(".phase-limit")).to_have_text("")
    expect(page.locator("#timer")).to_contain_text("Bahan paparan paling banyak 10 halaman.")
    # Nine minutes of video already spent on this device (kept across reloads).
    page.evaluate(
        "key => localStorage.setItem(key, JSON.stringify("
        "{index: 0, spent: [9 * 60000, 0, 0], since: null}))",
        f"kinerja-timer:{sheet.pk}",
    )
    page.reload()
    page.wait_for_selector("#tablet[data-ready='1']")
    expect(phases.nth(0)).to_have_class("phase current over")
    expect(phases.nth(0).locator(".phase-clock")).to_have_text("09.00")
    # A field-visit stage (T2: Ko and Ik) has no presentation, so no timer.
    open_sheet(page, live_server, banggai_sheet("Lamala", stage="T2"))
    expect(page.locator("#timer")).to_have_count(0)
    expect(page.locator("#notes-input")).to_be_visible()
    assert page.csp_violations == []
    context.close()


def test_tapems_board_follows_the_session_without_a_reload(browser, live_server, demo):
    sheet = banggai_sheet("Kintom")
    context = browser.new_context(viewport=TABLET, locale="id-ID")
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    login(page, live_server, "tapem-banggai")
    page.goto(f"{live_server.url}/banggai/periode/2026/papan/?tahap=T3")
    where = page.locator("td[data-member='penilai-banggai-1'][data-kecamatan='kintom'] .badge")
    expect(where).to_have_text("Belum mulai")
    with scope(region=sheet.period.region):
        from evaluations.sheets import sheet_write

        sheet_write(
            sheet=sheet,
            expected_version=sheet.version,
            values=[{"indicator": "A1", "value": "80"}],
            by=sheet.assessor,
            via="tablet",
            key=uuid.uuid4().hex,
        )
    expect(where).to_have_text("Sedang dinilai", timeout=15000)  # htmx polls every 5 s
    assert violations == []
    context.close()


def test_whole_numbers_and_bounds_are_checked_on_the_screen(browser, live_server, demo):
    """Pekalongan's proposal parts are whole numbers within their maximum (mekanisme A.5,
    A.6): the screen refuses 12,5 and 31 with the reason, the stepper stops at the bound,
    and nothing refused is queued."""
    with scopes_disabled():
        sheet = Sheet.objects.get(
            period__region__slug="pekalongan",
            stage__code="DESK",
            kecamatan__name="Bojong",
            assessor__username="penilai-pekalongan-1",
        )
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="id-ID")
    page = context.new_page()
    login(page, live_server, "penilai-pekalongan-1")
    page.goto(f"{live_server.url}/pekalongan/periode/2026/penilaian/{sheet.pk}/")
    page.wait_for_selector("#tablet[data-ready='1']")
    part = cell(page, "A1")
    expect(part.locator(".bounds")).to_have_text("0–30 · bilangan bulat")
    expect(part.locator(".cell-input")).to_have_attribute("inputmode", "numeric")
    type_score(page, "A1", "12,5")
    expect(part.locator(".cell-error")).to_have_text("Isi dengan bilangan bulat.")
    type_score(page, "A1", "31")
    expect(part.locator(".cell-error")).to_have_text("Nilai paling besar 30.")
    type_score(page, "A1", "tiga")
    expect(part.locator(".cell-error")).to_have_text("Isi dengan angka.")
    assert page.evaluate("() => document.querySelectorAll('.cell.pending').length") == 0
    type_score(page, "A1", "28")
    for _ in range(3):
        part.locator("button[data-delta='1']").click()
    expect(part.locator(".cell-input")).to_have_value("30")  # held at the maximum
    eventually(page, lambda: stored(sheet) == {"A1": 30})
    context.close()


def test_notes_changed_on_two_devices_are_a_conflict_not_an_overwrite(browser, live_server, demo):
    sheet = banggai_sheet("Luwuk")
    (first, one), (second, two) = two_devices(browser, live_server, sheet)

    def notes():
        with scopes_disabled():
            return Sheet.objects.get(pk=sheet.pk).notes

    one.fill("#notes-input", "Dari tablet")
    one.locator("#notes-input").evaluate("input => input.blur()")
    eventually(one, lambda: notes() == "Dari tablet")
    two.fill("#notes-input", "Dari laptop")
    two.locator("#notes-input").evaluate("input => input.blur()")
    expect(two.locator(".conflict-item")).to_contain_text(
        "Catatan saya: nilai Anda Dari laptop, tersimpan Dari tablet"
    )
    assert notes() == "Dari tablet"  # nothing overwritten silently
    two.click(".conflict-item .keep-mine")
    eventually(two, lambda: notes() == "Dari laptop")
    with scopes_disabled():
        assert [c.new_text for c in NoteChange.objects.filter(sheet=sheet)] == [
            "Dari tablet",
            "Dari laptop",
        ]
    first.close()
    second.close()
