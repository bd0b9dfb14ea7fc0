"""The operator's form autosaves on a phone through a lost connection: each description is
stored while typing (the page says so), a figure out of range is refused at its field with
nothing stored, a change made offline waits on the device and is
sent once when the connection is back, and Ajukan afterwards submits on the version the
server holds. Every value is stored exactly once, recorded as typed in the form."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from evaluations.models import Sheet, ValueChange
from tests.e2e.conftest import login
from tests.evaluations.selfassessment import pdf_bytes

pytestmark = pytest.mark.e2e


def stored_texts(page, live_server, sheet_id):
    """{aspect code: description} as the server holds it, read through the Sheets API (the
    live server's own connection: an in-memory SQLite database locks a table another
    thread reads while it writes)."""
    answer = page.request.get(f"{live_server.url}/api/v1/banggai/sheets/{sheet_id}/")
    assert answer.status == 200, answer.text()
    return {
        cell["indicator"].split("/")[0]: cell["text"]
        for cell in answer.json()["values"]
        if cell["text"] and cell["indicator"].endswith("uraian")
    }


def saved(page, *, version):
    """Wait until the page's autosave has the server holding `version` with nothing left
    to send: only then does the test read (the live server is idle again)."""
    page.wait_for_function(
        "v => { const s = document.querySelector('.save-state');"
        " return Number(s.dataset.version) >= v && s.textContent === 'Tersimpan otomatis'; }",
        arg=version,
    )


def test_the_operator_form_autosaves_and_keeps_an_offline_change(
    browser, live_server, demo, tmp_path
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    login(page, live_server, "op-banggai-balantak")
    page.goto(f"{live_server.url}/banggai/periode/2026/lembar/")
    page.click("main >> text=Balantak")
    sheet_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    state = page.locator(".save-state")
    expect(state).to_have_text("Tersimpan otomatis")

    answers = page.locator("textarea[name^=sel-]")
    answers.nth(0).fill("Rapat koordinasi kecamatan setiap bulan.")
    answers.nth(1).fill("Struktur organisasi kecamatan lengkap.")
    saved(page, version=2)
    assert stored_texts(page, live_server, sheet_id) == {
        "a": "Rapat koordinasi kecamatan setiap bulan.",
        "b": "Struktur organisasi kecamatan lengkap.",
    }

    # A figure out of range is refused at its field; nothing is stored.
    target = page.locator("[data-indicator][data-part=target] input").first
    target.fill("-5")
    refused = page.locator(".autosave-error")
    expect(refused).to_have_text("nilai -5 di bawah nilai minimal 0")
    expect(state).to_have_text("Tidak tersimpan: nilai -5 di bawah nilai minimal 0")
    answer = page.request.get(f"{live_server.url}/api/v1/banggai/sheets/{sheet_id}/").json()
    assert all(c["value"] is None for c in answer["values"] if c["part"] == "target")
    target.fill("100")
    expect(refused).to_have_count(0)
    saved(page, version=3)

    # The connection drops: the change waits on the device and the page says so.
    context.set_offline(True)
    answers.nth(2).fill("Pelimpahan kewenangan dijalankan.")
    expect(state).to_contain_text("1 perubahan tersimpan di perangkat ini")
    with scopes_disabled():  # offline, the server is idle: the test may read the database
        assert not ValueChange.objects.filter(sheet_id=sheet_id, new_text__startswith="Pelim")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    saved(page, version=4)
    assert stored_texts(page, live_server, sheet_id)["c"] == "Pelimpahan kewenangan dijalankan."

    # Filling the rest and attaching the files, Ajukan submits on the current version.
    for n in range(3, answers.count()):
        answers.nth(n).fill(f"Capaian aspek {n + 1} tahun 2025 sesuai target.")
    evidence = tmp_path / "laporan.pdf"
    evidence.write_bytes(pdf_bytes("Laporan capaian"))
    files = page.locator("input[type=file][name^=berkas-]")
    for n in range(files.count()):
        files.nth(n).set_input_files(str(evidence))
    page.click("button[value=submit]")
    expect(page.locator(".messages")).to_contain_text("Lembar diajukan.")
    expect(page.locator("#sheet-state")).to_have_text("Diajukan")
    context.close()

    with scopes_disabled():
        assert Sheet.objects.get(pk=sheet_id).state == Sheet.State.SUBMITTED
        changes = ValueChange.objects.filter(sheet_id=sheet_id, indicator__aspect__code="c")
        assert [(c.new_text, c.via) for c in changes] == [
            ("Pelimpahan kewenangan dijalankan.", ValueChange.Via.FORM)
        ]
        assert ValueChange.objects.filter(sheet_id=sheet_id).exclude(via="form").count() == 0


def test_a_page_opened_while_the_api_failed_still_saves_and_submits(browser, live_server, demo):
    """The sheet's first read through the API fails (a dropped request): what the operator
    types waits, and is sent once the API answers again; Simpan still saves."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    login(page, live_server, "op-banggai-balantak")
    page.goto(f"{live_server.url}/banggai/periode/2026/lembar/")
    failed = []

    def drop_first_read(route):
        if route.request.method == "GET" and not failed:
            failed.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/api/v1/banggai/sheets/*/", drop_first_read)
    page.click("main >> text=Balantak")
    sheet_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.locator(".save-state")).to_be_visible()  # the autosave has started
    page.locator("textarea[name^=sel-]").first.fill("Ditulis saat API belum menjawab.")
    saved(page, version=1)  # sent after the typing pause, on a second read of the sheet
    assert failed
    assert stored_texts(page, live_server, sheet_id) == {"a": "Ditulis saat API belum menjawab."}
    expect(page.locator(".save-state")).to_have_text("Tersimpan otomatis")
    page.click("button[value=save]")
    expect(page.locator(".messages")).to_contain_text("Lembar disimpan.")
    context.close()
    with scopes_disabled():
        assert ValueChange.objects.filter(sheet_id=sheet_id).count() == 1
