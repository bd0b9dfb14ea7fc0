"""The set page is the region's regulation card (issue 10.5): the whole rule top to bottom,
with references, team sizes, formulas, the decision basis, assumptions in amber and
conflicts of the text in red; printable on A4 without the navigation."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django_scopes import scopes_disabled

from regions.models import Role
from regions.services import membership_grant
from tests.factories import UserFactory
from tests.instruments.test_shipped_sets import _load

pytestmark = pytest.mark.django_db


def card(client, region_slug: str) -> tuple[str, object]:
    with scopes_disabled():
        tree = _load(region_slug)
        user = UserFactory(username=f"pimpinan_{region_slug}")
        membership_grant(user=user, region=tree.region, role=Role.PIMPINAN)
    client.force_login(user)
    response = client.get(f"/{region_slug}/instrumen/{tree.pk}/")
    assert response.status_code == 200
    return response.content.decode(), tree


def section(page: str, element_id: str) -> str:
    """The HTML of the <section> with that id."""
    match = re.search(rf'<section[^>]*id="{element_id}"[^>]*>(.*?)</section>', page, re.S)
    assert match, element_id
    return match.group(0)


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_banggai_card_shows_references_team_conflict_and_decision_basis(client):
    page, tree = card(client, "banggai")
    with scopes_disabled():
        t3 = tree.stages.get(code="T3")
    stage = section(page, f"stage-{t3.pk}")
    # Pasal 14 ayat (2) huruf a-d: Bupati, Wakil Bupati, Sekretaris Daerah and six members
    assert "Pasal 14 ayat (2) huruf a–d" in text(stage)
    assert re.search(r'<dd class="team-size">\s*9 orang\s*</dd>', stage)
    assert "Tim EKK (Bupati, Wakil Bupati, Sekretaris Daerah dan enam anggota)" in text(stage)
    assert "minggu ke-2 Mei" in text(stage)
    # formulas written out: Lampiran II (members' ΣP averaged) with the aspects' mean
    assert "Total anggota = (A1 + A2 + A3 + A4 + A5) / 5" in text(stage)
    assert "Nilai tahap = (P1 + P2 + … + Pn) / JA" in text(stage)
    assert "Pasal 11 ayat (3) huruf a" in text(stage)

    # the conflict of the text, in red (its own block, not repeated among the warnings)
    conflict = section(page, "pertentangan")
    assert 'class="card conflict"' in conflict
    assert "Pasal 14 ayat (6)" in text(conflict) and "menjumlahkan" in text(conflict)
    assert text(page).count("menjumlahkan") == 1

    basis = text(section(page, "dasar-keputusan"))
    assert "Skor terbitan dua desimal (dibulatkan setengah ke atas)" in basis
    assert "Peringkat, seri, daftar pendek dan predikat membaca skor terbitan" in basis
    assert 'class="assumed"' in section(page, "dasar-keputusan")  # the decision, in amber

    assert "(T1 + T2 + T3) / 3" in text(section(page, "nilai-akhir"))
    bands = text(section(page, "predikat"))
    assert "Pasal 19 huruf a" in bands and "Pasal 19 huruf e" in bands
    awards = text(section(page, "penghargaan"))
    assert "Uang Pembinaan, Tropi dan Piagam Penghargaan" in awards
    assert "Pasal 22 ayat (2)" in awards
    # The self-assessment workflow proposes the disqualification; the reason is the set's.
    with scopes_disabled():
        t1 = tree.stages.get(code="T1")
    stage_one = text(section(page, f"stage-{t1.pk}"))
    assert "diusulkan tidak dinilai" in stage_one
    assert "tidak mendapatkan bobot nilai (Pasal 8 ayat (5))" in stage_one


def test_a_set_without_a_conflict_shows_no_red_block(client):
    page, _tree = card(client, "pekalongan")
    assert 'id="pertentangan"' not in page
    assert "66,6667" in page  # option scores with a decimal comma


def test_tegal_card_writes_the_two_year_mean_and_the_recorded_institutions(client):
    page, _tree = card(client, "tegal")
    body = text(page)
    assert (
        "rata-rata 2 tahun Realisasi fisik % × 50% + rata-rata 2 tahun Realisasi keuangan % × 50%"
        in body
    )
    assert "dicatat tanpa dinilai: Jumlah institusi pemerintah mitra" in body
    assert "NILAI (Jml x Bobot)" in body  # the reading, shown as an assumption
    assert "Lampiran II mencetak bobot Sinergitas/Kerjasama 35%" in text(
        section(page, "pertentangan")
    )


def test_the_card_prints_on_a4_without_navigation(client):
    page, _tree = card(client, "bekasi")
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/print\.css" media="print">', page)
    assert 'class="card no-print" id="kelola"' in page
    assert "data-print" in page and "js/print.js" in page
    printed = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text("utf-8")
    assert "size: A4" in printed and "@media print" in printed
    assert re.search(r"\.topbar, \.footer, \.no-print[^{]*\{ display: none", printed)
