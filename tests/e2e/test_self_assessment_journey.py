"""Penilaian mandiri on a phone: the Banggai operator fills the form and attaches evidence
(two files on the first aspect), submits; Admin Tapem marks an aspect (htmx) and returns it
with a comment; the operator reads it, replaces one file, withdraws the other, resubmits;
Admin Tapem sees the history and accepts. At 390 px, without the page scrolling sideways."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.evaluations.selfassessment import pdf_bytes

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True)
    return context, context.new_page()


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_operator_and_tapem_complete_a_round_of_repair_on_a_phone(
    browser, live_server, demo, tmp_path
):
    evidence = tmp_path / "laporan capaian.pdf"
    evidence.write_bytes(pdf_bytes("Laporan capaian kinerja"))
    repaired = tmp_path / "sp2d.pdf"
    repaired.write_bytes(pdf_bytes("SP2D triwulan IV"))
    extra = tmp_path / "foto kegiatan.pdf"
    extra.write_bytes(pdf_bytes("Foto kegiatan"))
    sheets = f"{live_server.url}/banggai/periode/2026/lembar/"

    # The operator fills every aspect, attaches a file to each and submits.
    context, page = phone(browser)
    login(page, live_server, "op-banggai-balantak")
    page.goto(sheets)
    page.click("main >> text=Balantak")
    expect(page.locator("#completeness h2")).to_contain_text("Kelengkapan: 0 dari 20")
    fits(page)
    answers = page.locator("textarea[name^=sel-]")
    for n in range(answers.count()):
        answers.nth(n).fill(f"Capaian aspek {n + 1} tahun 2025 sesuai target.")
    files = page.locator("input[type=file]")
    for n in range(files.count()):
        files.nth(n).set_input_files([str(evidence), str(extra)] if n == 0 else str(evidence))
    page.click("button[value=submit]")
    expect(page.locator(".messages")).to_contain_text("Lembar diajukan.")
    expect(page.locator("#sheet-state")).to_have_text("Diajukan")
    expect(page.locator("input[type=file]")).to_have_count(0)
    expect(page.locator(".current-evidence").first).to_contain_text("laporan capaian.pdf")
    fits(page)
    context.close()

    # Admin Tapem sees it in the queue, marks the first aspect for repair and returns it.
    context, page = phone(browser)
    login(page, live_server, "tapem-banggai")
    page.goto(f"{live_server.url}/banggai/periode/2026/verifikasi/")
    expect(page.locator('[data-state="submitted"]')).to_have_text("1")
    fits(page)
    page.click("main >> text=Balantak")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("laporan capaian.pdf")
    expect(first).to_contain_text("foto kegiatan.pdf")
    second = page.locator("tbody tr").nth(1)  # marked on its own, the page not reloaded
    second.locator("input[value=verified]").check()
    second.locator("button.mark").click()
    expect(second.locator(".mark-state")).to_contain_text("Tersimpan")
    first.locator("input[value=needs_repair]").check()
    first.locator("textarea").fill("Lampirkan SP2D triwulan IV sebagai bukti realisasi.")
    page.fill("textarea[name=reason]", "Data dukung aspek a belum membuktikan capaian.")
    fits(page)
    page.click("button[value=return]")
    expect(page.locator(".messages")).to_contain_text("dikembalikan untuk perbaikan")
    expect(page.locator('[data-state="returned"]')).to_have_text("1")
    context.close()

    # The operator reads exactly what to fix, repairs aspect a and resubmits.
    context, page = phone(browser)
    login(page, live_server, "op-banggai-balantak")
    page.goto(sheets)
    page.click("main >> text=Balantak")
    expect(page.locator("#repair")).to_contain_text("Data dukung aspek a belum membuktikan")
    comment = page.locator(".repair-comment")
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text("Lampirkan SP2D triwulan IV")
    fits(page)
    aspect_a = page.locator("fieldset.indicator").first
    aspect_a.locator("textarea").fill("Capaian aspek 1 dengan SP2D triwulan IV terlampir.")
    current = aspect_a.locator(".current-evidence")
    expect(current).to_have_count(2)
    current.nth(0).locator("summary").click()
    current.nth(0).locator("input[type=file]").set_input_files(str(repaired))
    current.nth(1).locator("summary").click()
    current.nth(1).locator("input[type=checkbox]").check()
    fits(page)
    page.screenshot(path=str(tmp_path / "operator-repair-390.png"), full_page=True)
    page.click("button[value=submit]")
    expect(page.locator("#sheet-state")).to_have_text("Diajukan")
    expect(aspect_a.locator(".current-evidence")).to_have_count(1)
    expect(aspect_a.locator(".current-evidence")).to_contain_text("sp2d.pdf")
    context.close()

    # Admin Tapem sees the new file beside the old one, and accepts.
    context, page = phone(browser)
    login(page, live_server, "tapem-banggai")
    page.goto(f"{live_server.url}/banggai/periode/2026/verifikasi/")
    page.click("main >> text=Balantak")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("sp2d.pdf")
    expect(first.locator("details summary")).to_contain_text("2 berkas sebelumnya")
    first.locator("details summary").click()
    expect(first.locator("details")).to_contain_text("ditarik")
    page.click("button[value=accept]")
    expect(page.locator(".messages")).to_contain_text("diterima")
    expect(page.locator('[data-state="accepted"]')).to_have_text("1")
    fits(page)
    context.close()
