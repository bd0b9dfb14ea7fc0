"""Kabupaten Tegal, Perbup 30/2016: Keuangan 25, Sinergitas 30, Inovasi 45 (Lampiran I),
keuangan A + B with A = fisik × 50% and B = keuangan × 50% (Lampiran II A), partner counts
scored against the highest participant (decision) weighted 40/60 (Lampiran II B), inovasi
A-D with maxima 40/20/30/10 (Lampiran II C), and the status bands of Pasal 8."""

from decimal import Decimal

import pytest

from scoring.engine import compute_ranking
from scoring.structures import ScoringInput
from scoring.validation import instrument_warnings
from tests.scoring.builders import TEGAL_NOTE, participants, sheet, tegal

TEAM = ("t1", "t2")


def kecamatan(name: str, fisik, keuangan, pemerintah, nonpemerintah) -> list:
    """What the kecamatan reports itself (self-assessment, checked by the Tim/Pokja)."""
    return sheet(
        "PENILAIAN",
        name,
        None,
        {
            "KEU/REALISASI:fisik": fisik,
            "KEU/REALISASI:keuangan": keuangan,
            "SIN/PEMERINTAH": pemerintah,
            "SIN/NONPEMERINTAH": nonpemerintah,
        },
    )


def inovasi(name: str, member: str, a, b, c, d, **extra) -> list:
    cells = {"INO/A": a, "INO/B": b, "INO/C": c, "INO/D": d} | extra
    return sheet("PENILAIAN", name, member, cells)


@pytest.fixture
def ranking():
    entries = [
        # Slawi: keuangan 90 × 50% + 80 × 50% = 45 + 40 = 85;
        # sinergitas: 10 of the highest 10 -> 100, 6 of the highest 12 -> 50;
        #             100 × 40% + 50 × 60% = 40 + 30 = 70
        *kecamatan("Slawi", 90, 80, 10, 6),
        # t1: inovasi 35 + 15 + 25 + 8 = 83; total 85 × 25% + 70 × 30% + 83 × 45%
        #     = 21.25 + 21 + 37.35 = 79.6 (the uraian is text, never scored)
        *inovasi("Slawi", "t1", 35, 15, 25, 8, **{"INO/URAIAN": None}),
        # t2: inovasi 30 + 18 + 20 + 9 = 77; total 21.25 + 21 + 34.65 = 76.9
        *inovasi("Slawi", "t2", 30, 18, 20, 9),
        # Slawi (79.6 + 76.9) / 2 = 78.25 -> kuat
        # Pangkah: 100 everywhere -> 100 -> sangat kuat
        *kecamatan("Pangkah", 100, 100, 10, 12),
        *(e for m in TEAM for e in inovasi("Pangkah", m, 40, 20, 30, 10)),
        # Adiwerna: keuangan 100; sinergitas 5/10 -> 50, 12/12 -> 100: 20 + 60 = 80;
        # inovasi 32 + 16 + 24 + 8 = 80; 25 + 24 + 36 = 85 -> exactly 85 is kuat
        *kecamatan("Adiwerna", 100, 100, 5, 12),
        *(e for m in TEAM for e in inovasi("Adiwerna", m, 32, 16, 24, 8)),
        # Kramat: keuangan 70; sinergitas 50 × 40% + 50 × 60% = 50; inovasi 50;
        # 17.5 + 15 + 22.5 = 55 -> lemah
        *kecamatan("Kramat", 70, 70, 5, 6),
        *(e for m in TEAM for e in inovasi("Kramat", m, 20, 10, 15, 5)),
        # Talang: keuangan 40; sinergitas 4/10 -> 40, 6/12 -> 50: 16 + 30 = 46;
        # inovasi 16 + 8 + 9 + 3 = 36; 10 + 13.8 + 16.2 = 40 -> exactly 40 is sangat lemah
        *kecamatan("Talang", 40, 40, 4, 6),
        *(e for m in TEAM for e in inovasi("Talang", m, 16, 8, 9, 3)),
        # Bojong is disqualified: its 30 partners must not become the highest count
        *kecamatan("Bojong", 100, 100, 30, 30),
    ]
    data = ScoringInput(
        tegal(),
        participants(
            *("Slawi", "Pangkah", "Adiwerna", "Kramat", "Talang", "Bojong"),
            disqualified={"Bojong": "data dukung tidak sah"},
        ),
        (("PENILAIAN", TEAM),),
        tuple(entries),
    )
    return compute_ranking(data)


def result(ranking, name):
    return next(r for r in ranking.results if r.name == name)


def test_keuangan_is_half_fisik_half_keuangan(ranking):
    keuangan = result(ranking, "Slawi").stages[0].members[0].aspects[0]
    realisasi = keuangan.indicators[0]
    assert realisasi.score == Decimal(85)
    assert realisasi.formula == "fisik 90 × 50% + keuangan 80 × 50% = 85"
    assert len(realisasi.entries) == 2


def test_partner_counts_are_scored_against_the_highest_participant(ranking):
    sinergitas = result(ranking, "Slawi").stages[0].members[0].aspects[1]
    pemerintah, nonpemerintah = sinergitas.indicators
    assert (pemerintah.score, nonpemerintah.score) == (Decimal(100), Decimal(50))
    assert nonpemerintah.formula == "6 / 12 × 100 = 50"  # Bojong's 30 is not the highest
    assert sinergitas.score == Decimal(70)
    assert sinergitas.formula == "100 × 40% + 50 × 60% = 70"


def test_kecamatan_values_count_for_every_member(ranking):
    members = result(ranking, "Slawi").stages[0].members
    assert [m.total for m in members] == [Decimal("79.6"), Decimal("76.9")]
    assert members[0].aspects[0].indicators[0] is members[1].aspects[0].indicators[0]
    assert result(ranking, "Slawi").final_score == Decimal("78.25")


@pytest.mark.parametrize(
    ("name", "published", "status"),
    [
        ("Pangkah", "100.00", "sangat kuat"),
        ("Adiwerna", "85.00", "kuat"),
        ("Slawi", "78.25", "kuat"),
        ("Kramat", "55.00", "lemah"),
        ("Talang", "40.00", "sangat lemah"),
    ],
)
def test_status_inovasi_dan_kemitraan(ranking, name, published, status):
    participant = result(ranking, name)
    assert participant.published_score == Decimal(published)
    assert participant.predikat == status


def test_the_lampiran_contradiction_is_shown_first(ranking):
    assert ranking.warnings[0].text == TEGAL_NOTE
    assert ranking.warnings[0].code == "instrument_note"
    assert [r.rank for r in ranking.results] == [1, 2, 3, 4, 5, None]


def test_lampiran_two_weights_are_flagged():
    assert "Bobot aspek tahap PENILAIAN berjumlah 105%, bukan 100%." in instrument_warnings(
        tegal(sinergitas_weight=35)
    )
    assert instrument_warnings(tegal()) == []
