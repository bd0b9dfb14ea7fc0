"""Admin Tapem adds a penilai in the browser; the newcomer sets their own password first."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_tapem_adds_a_penilai_who_then_chooses_a_password(page, browser, live_server, demo):
    login(page, live_server, "tapem-tegal")
    page.click("main >> text=Pengguna")
    expect(page.locator("h1")).to_have_text("Pengguna")
    page.click("text=Tambah pengguna")
    page.fill("input[name=username]", "penilai-tegal-baru")
    page.select_option("select[name=role]", "penilai")
    page.fill("input[name=full_name]", "Dr. Siti Aminah, S.Sos., M.Si.")
    page.fill("input[name=nip]", "19850317 201001 2 00")  # one digit short
    page.fill("input[name=jabatan]", "Kepala Bidang Pemerintahan")
    page.select_option("select[name=pangkat]", "IV/a")
    page.fill("input[name=instansi]", "Bappeda Kabupaten Tegal")
    page.click("main button[type=submit]")
    expect(page.locator(".errorlist")).to_contain_text("NIP terdiri dari 18 angka")
    expect(page.locator("input[name=full_name]")).to_have_value("Dr. Siti Aminah, S.Sos., M.Si.")

    page.fill("input[name=nip]", "19850317 201001 2 003")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Pengguna dibuat")
    password = page.locator("code.temporary-password").inner_text()

    page.click("text=Lihat data pengguna")
    expect(page.locator("main")).to_contain_text("19850317 201001 2 003")
    expect(page.locator("main")).to_contain_text("Kata sandi sementara dibuat")

    newcomer = browser.new_context(locale="id-ID").new_page()
    login(newcomer, live_server, "penilai-tegal-baru", password=password)
    expect(newcomer).to_have_url(re.compile(r".*/akun/password/$"))
    expect(newcomer.locator(".messages")).to_contain_text("Kata sandi Anda masih sementara")
    newcomer.fill("input[name=old_password]", password)
    newcomer.fill("input[name=new_password1]", "Kebun-mangga-88")
    newcomer.fill("input[name=new_password2]", "Kebun-mangga-88")
    with newcomer.expect_navigation():
        newcomer.click("main button[type=submit]")
    expect(newcomer).to_have_url(re.compile(r".*/akun/password/done/$"))
    newcomer.goto(f"{live_server.url}/")
    expect(newcomer).to_have_url(re.compile(r".*/tegal/$"))
    expect(newcomer.locator(".usermenu summary")).to_have_text("Dr. Siti Aminah, M.Si.")
    newcomer.context.close()
