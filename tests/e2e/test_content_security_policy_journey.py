"""The pages work under their Content-Security-Policy: Chromium reports no violation while
Tapem and the superuser walk them, and htmx loads."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def violations(page):
    """Every CSP violation Chromium reports on the console, across navigations."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def test_tapem_pages_break_no_rule_of_the_policy(page, live_server, demo, violations, tmp_path):
    login(page, live_server, "tapem-tegal")
    assert page.evaluate("typeof htmx") == "object"
    page.click("text=Evaluasi Kinerja Kecamatan Kabupaten Tegal 2026")
    page.click("text=Unggah nilai (xlsx)")
    not_a_workbook = tmp_path / "nilai.xlsx"
    not_a_workbook.write_bytes(b"bukan xlsx")
    page.set_input_files("input[name=workbook]", str(not_a_workbook))
    page.click("main button[type=submit]")
    expect(page.locator("h2", has_text="Berkas ditolak")).to_be_visible()
    page.goto(f"{live_server.url}/tegal/instrumen/")
    page.click("main table a >> nth=0")
    expect(page.locator("h1")).to_be_visible()
    page.click("summary")  # the user menu opens without script
    assert violations == []


def test_admin_export_page_breaks_no_rule_of_the_policy(page, live_server, demo, violations):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/regions/kecamatan/export/")
    toggle = page.locator("input[name=select-all-toggle]")
    toggle.uncheck()  # django-import-export's onchange handler, allowed by its hash
    expect(page.locator("input[resource-id='0']").first).not_to_be_checked()
    assert violations == []
