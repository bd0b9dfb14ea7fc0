"""What the kecamatan submits, in the browser: the Banggai operator types an IKU's target
and realisasi on a 390 px phone and reads the capaian and its band as they type; once Tapem
has accepted the form, the Penilai Kinerja Mandiri opens it with one tap on the tablet's
scoring screen."""

import pytest
from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from evaluations.models import Sheet
from evaluations.self_assessment import sheet_accept
from tests.e2e.conftest import login
from tests.evaluations.selfassessment import pdf_bytes

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_the_capaian_reads_live_and_the_accepted_form_is_one_tap_from_the_tablet(
    browser, live_server, demo, tmp_path
):
    evidence = tmp_path / "lkjip.pdf"
    evidence.write_bytes(pdf_bytes("LKjIP Kecamatan Balantak"))
    context = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True)
    page = context.new_page()
    login(page, live_server, "op-banggai-balantak")
    page.goto(f"{live_server.url}/banggai/periode/2026/lembar/")
    page.click("main >> text=Balantak")
    fits(page, PHONE["width"])

    iku = page.locator("fieldset.capaian").first
    iku.locator('[data-part="target"] input').fill("100")
    iku.locator('[data-part="realisasi"] input').fill("80")
    expect(iku.locator(".capaian-value")).to_have_text("80,00%")
    expect(iku.locator(".capaian-band")).to_have_text("Baik")
    iku.locator('[data-part="realisasi"] input').fill("101")
    expect(iku.locator(".capaian-band")).to_have_text("Sangat Baik")
    iku.locator('[data-part="realisasi"] input').fill("54,5")
    expect(iku.locator(".capaian-value")).to_have_text("54,50%")
    expect(iku.locator(".capaian-band")).to_have_text("Kurang")
    expect(iku).to_contain_text("> 100 Sangat Baik")
    fits(page, PHONE["width"])

    answers = page.locator("textarea[name^=sel-]")
    for n in range(answers.count()):
        answers.nth(n).fill(f"IKU aspek {n + 1}: persentase rekomendasi yang ditindaklanjuti.")
    uraian_files = page.locator("fieldset.indicator:not(.capaian) input[type=file]")
    for n in range(uraian_files.count()):
        uraian_files.nth(n).set_input_files(str(evidence))
    page.click("button[value=submit]")
    expect(page.locator("#sheet-state")).to_have_text("Diajukan")
    # What was typed is kept and read by the server the same way.
    expect(page.locator("fieldset.capaian .capaian-band").first).to_have_text("Kurang")
    fits(page, PHONE["width"])
    context.close()

    User = get_user_model()
    with scopes_disabled():
        own = Sheet.objects.get(
            period__region__slug="banggai", kecamatan__slug="balantak", assessor__isnull=True
        )
        sheet_accept(sheet=own, by=User.objects.get(username="tapem-banggai"))
        mine = Sheet.objects.get(
            period__region__slug="banggai",
            kecamatan__slug="balantak",
            assessor__username="penilai-banggai-1",
            stage__code="T1",
        )

    context = browser.new_context(viewport=TABLET, locale="id-ID")
    page = context.new_page()
    login(page, live_server, "penilai-banggai-1")
    page.goto(f"{live_server.url}/banggai/periode/2026/penilaian/{mine.pk}/")
    panel = page.locator("#isian-kecamatan")
    expect(panel).to_be_hidden()
    page.click("#tab-isian-kecamatan summary")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("IKU aspek 1: persentase rekomendasi yang ditindaklanjuti.")
    expect(panel).to_contain_text("54,50%")
    expect(panel.locator("a", has_text="lkjip.pdf").first).to_be_visible()
    fits(page, TABLET["width"])
    context.close()
