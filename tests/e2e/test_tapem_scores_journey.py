"""Admin Tapem runs a paper-based evaluation in the browser, from template to ranking."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from regions.people import person_with_jabatan
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _fill(content: bytes) -> bytes:
    """Give every row the value halfway up its range (or its first option)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["nilai"]
    header = [cell.value for cell in sheet[1]]
    column = {name: index for index, name in enumerate(header)}
    for row in sheet.iter_rows(min_row=2):
        choices = row[column["pilihan"]].value
        if choices:
            row[column["nilai"]].value = choices.split("/")[0]
        else:
            low = row[column["nilai_min"]].value or 0
            high = row[column["nilai_maks"]].value or 50
            row[column["nilai"]].value = int((low + high) / 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_tapem_downloads_fills_uploads_and_reads_the_ranking(page, live_server, demo, tmp_path):
    login(page, live_server, "tapem-tegal")
    page.click("text=Evaluasi Kinerja Kecamatan Kabupaten Tegal 2026")
    with page.expect_download() as download_info:
        page.click("text=Unduh templat nilai (xlsx)")
    template = download_info.value.path().read_bytes()

    filled = tmp_path / "nilai.xlsx"
    filled.write_bytes(_fill(template))
    page.click("text=Unggah nilai (xlsx)")
    page.set_input_files("input[name=workbook]", str(filled))
    page.click("main button[type=submit]")
    expect(page.locator("h2", has_text="Nilai tersimpan")).to_be_visible()

    page.click("main >> text=Lihat peringkat")
    expect(page.locator("h1", has_text="Hasil penilaian dan peringkat")).to_be_visible()
    # Every kecamatan entered the same values, so all tie at rank 1 and the page warns.
    expect(page.locator("table.ranking tbody tr")).to_have_count(18)
    expect(page.locator(".alert.warning")).to_be_visible()

    page.click("tbody tr >> nth=0 >> a")
    expect(page.locator("h1", has_text="Rincian nilai Kecamatan")).to_be_visible()
    # Each assessor by name and jabatan (the workbook's penilai column keeps usernames).
    ketua = person_with_jabatan(get_user_model().objects.get(username="penilai-tegal-1"))
    expect(page.locator("summary", has_text=ketua)).to_be_visible()
    expect(page.locator("summary", has_text="penilai-tegal-1")).to_have_count(0)
