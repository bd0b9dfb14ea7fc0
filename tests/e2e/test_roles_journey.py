"""Each demo role logs in and lands on the dashboard that says what comes next."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("tapem-bekasi", "Admin Tapem"),
        ("op-bekasi-bantargebang", "Kecamatan saya"),
        ("penilai-banggai-1", "Tugas penilaian saya"),
        ("pimpinan-tegal", "Pimpinan"),
    ],
)
def test_demo_role_sees_its_dashboard(page, live_server, demo, username, heading):
    login(page, live_server, username)
    expect(page.locator("h2", has_text=heading)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "id"


def test_multi_region_penilai_picks_a_region(page, live_server, demo):
    login(page, live_server, "penilai-lintas")
    expect(page.locator("h1", has_text="Pilih pemerintah daerah")).to_be_visible()
    page.click("text=Kabupaten Tegal")
    expect(page).to_have_url(re.compile(r".*/tegal/$"))


def test_wrong_password_is_refused_in_indonesian(page, live_server, demo):
    login(page, live_server, "tapem-bekasi", password="salah")
    assert "/akun/login/" in page.url
    expect(page.locator(".errorlist")).not_to_be_empty()
