"""Admin Tapem opens next year's period and seats a team, in the browser."""

import re

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from evaluations.selectors import penilai_list
from regions.models import Region
from regions.people import person_name
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_tapem_opens_a_period_and_seats_its_teams(page, live_server, demo):
    login(page, live_server, "tapem-tegal")
    page.click("text=Buat periode baru")
    page.fill("input[name=name]", "Evaluasi Kinerja Kecamatan Kabupaten Tegal 2027")
    page.fill("input[name=slug]", "2026")  # taken by the demo period
    page.click("main button[type=submit]")
    expect(page.locator(".errorlist")).to_contain_text("Kode URL ini sudah dipakai periode lain.")
    expect(page.locator("input[name=name]")).to_have_value(
        "Evaluasi Kinerja Kecamatan Kabupaten Tegal 2027"
    )

    page.fill("input[name=slug]", "2027")
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r".*/tegal/periode/2027/tim/$"))
    selects = page.locator("table.team-grid select")  # one stage: a row per penilai, by name
    selects.nth(0).select_option("ketua")
    selects.nth(1).select_option("sekretaris")
    selects.nth(2).select_option("anggota")
    page.click("main button[type=submit]")

    expect(page).to_have_url(re.compile(r".*/tegal/periode/2027/$"))
    expect(page.locator(".messages")).to_contain_text("Tim penilai disimpan.")
    # The grid lists the penilai by name; the first three took the seats, in that order.
    with scope(region=Region.objects.get(slug="tegal")):
        ketua, sekretaris, anggota = (person_name(user) for user in penilai_list()[:3])
    expect(page.locator("main table")).to_contain_text(
        f"{ketua} (Ketua), {sekretaris} (Sekretaris), {anggota} (Anggota)"
    )
