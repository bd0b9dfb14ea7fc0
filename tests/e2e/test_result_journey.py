"""Tapem freezes Kota Bekasi's demo result after the Rapat Penetapan, issues its documents,
downloads the Berita Acara, publishes, and the public sees the ranking without logging in."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def scored_demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())  # every sheet filled


def test_freeze_issue_download_publish(page, live_server, scored_demo, browser):
    login(page, live_server, "tapem-bekasi")
    page.goto(f"{live_server.url}/bekasi/periode/2026/peringkat/")
    expect(page.locator(".draft-banner")).to_contain_text("Rancangan — belum ditetapkan")
    page.click("text=Penetapan hasil")
    page.fill("input[name=meeting_date]", "2026-08-25")
    page.fill("input[name=meeting_place]", "Ruang Rapat Wali Kota")
    with page.expect_navigation():
        page.click("button:has-text('Tetapkan hasil')")
    expect(page.locator("h2", has_text="Penetapan nomor 1")).to_be_visible()

    page.goto(f"{live_server.url}/bekasi/periode/2026/dokumen/")
    with page.expect_navigation():
        page.click("button:has-text('Terbitkan semua dokumen')")
    # Celery runs eagerly here; with a worker the list polls itself until ready.
    expect(page.locator("text=berita_acara_penetapan-bekasi-2026.pdf")).to_be_visible()
    with page.expect_download() as download_info:
        page.click("text=berita_acara_penetapan-bekasi-2026.pdf")
    assert download_info.value.suggested_filename == "berita_acara_penetapan-bekasi-2026.pdf"

    page.goto(f"{live_server.url}/bekasi/periode/2026/penetapan/")
    with page.expect_navigation():
        page.click("button:has-text('Umumkan hasil')")

    public = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    public.goto(f"{live_server.url}/publik/bekasi/2026/")
    expect(public.locator("h1")).to_contain_text("Hasil evaluasi kinerja kecamatan")
    expect(public.locator("table.ranking tbody tr")).to_have_count(12)
    expect(public.locator("text=Peringkat I").first).to_be_visible()
    # Nothing sticks out sideways at phone width.
    width = public.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
