"""Kabupaten Tegal, Perbup 30/2016, as the shipped set reads it since issue 10.4:

- Keuangan on two years. Lampiran I C: "Adapun basis data yang digunakan adalah 2 (dua)
  tahun terakhir"; Lampiran II A: "Prosentase realisasi fisik dikalikan 50 % = A",
  "Prosentase realisasi Keuangan dikalikan 50 % = B". The kecamatan enters both percentages
  for each year; each part is the mean of its two years (digest decision).
- Sinergitas, Lampiran II B: each row asks for the programs with partners and "Jumlah
  institusi"; the programs are scored against the highest participant, the number of
  institutions is recorded beside them and never scored.
"""

from dataclasses import replace
from decimal import Decimal

import pytest

from scoring.engine import compute_ranking
from scoring.rules import AspectCombine, FinalCombine
from scoring.structures import InstrumentSpec, ScoringInput
from scoring.validation import instrument_errors
from tests.scoring.builders import aspect, count, pair, participants, score, sheet, stage


def two_year_tegal() -> InstrumentSpec:
    keuangan = aspect("KEU", pair("REALISASI", {"fisik": 50, "keuangan": 50}, years=2), weight=25)
    sinergitas = aspect(
        "SIN",
        count("PEMERINTAH", weight=40, recorded=("institusi",)),
        count("NONPEMERINTAH", weight=60, recorded=("institusi",)),
        combine=AspectCombine.WEIGHTED_SUM,
        weight=30,
    )
    inovasi = aspect("INO", score("A", hi=100), weight=45)
    return InstrumentSpec(
        "Tegal",
        FinalCombine.SINGLE_STAGE,
        (stage("PENILAIAN", keuangan, sinergitas, inovasi),),
    )


def kecamatan(name, fisik, keuangan, pemerintah, nonpemerintah) -> list:
    (fisik_1, fisik_2), (keuangan_1, keuangan_2) = fisik, keuangan
    return sheet(
        "PENILAIAN",
        name,
        None,
        {
            "KEU/REALISASI:fisik_1": fisik_1,
            "KEU/REALISASI:fisik_2": fisik_2,
            "KEU/REALISASI:keuangan_1": keuangan_1,
            "KEU/REALISASI:keuangan_2": keuangan_2,
            "SIN/PEMERINTAH": pemerintah[0],
            "SIN/PEMERINTAH:institusi": pemerintah[1],
            "SIN/NONPEMERINTAH": nonpemerintah[0],
            "SIN/NONPEMERINTAH:institusi": nonpemerintah[1],
        },
    )


def run(*entries, names=("Slawi", "Pangkah")):
    data = ScoringInput(
        two_year_tegal(),
        participants(*names),
        (("PENILAIAN", ("t1",)),),
        tuple(e for group in entries for e in group),
    )
    return compute_ranking(data)


def result(ranking, name):
    return next(r for r in ranking.results if r.name == name)


@pytest.fixture
def ranking():
    return run(
        # Slawi: fisik 80 (2014) and 90 (2015), keuangan 70 and 100:
        # A = (80 + 90) / 2 × 50% = 85 × 50% = 42,5; B = (70 + 100) / 2 × 50% = 42,5;
        # A + B = 85. Programs 6 with 3 institutions (pemerintah), 4 with 9 (non pemerintah).
        kecamatan("Slawi", (80, 90), (70, 100), (6, 3), (4, 9)),
        sheet("PENILAIAN", "Slawi", "t1", {"INO/A": 80}),
        # Pangkah has the most programs (12 and 8) but few institutions: institutions
        # never make the highest count.
        kecamatan("Pangkah", (100, 100), (100, 100), (12, 1), (8, 1)),
        sheet("PENILAIAN", "Pangkah", "t1", {"INO/A": 100}),
    )


def test_keuangan_is_the_mean_of_two_years_half_fisik_half_keuangan(ranking):
    realisasi = result(ranking, "Slawi").stages[0].members[0].aspects[0].indicators[0]
    assert realisasi.score == Decimal("85")
    assert realisasi.formula == ("fisik (80 + 90) / 2 × 50% + keuangan (70 + 100) / 2 × 50% = 85")
    assert len(realisasi.entries) == 4


def test_unequal_years_give_a_fractional_mean():
    ranking = run(
        # fisik (75 + 80) / 2 = 77,5 × 50% = 38,75; keuangan (60 + 65) / 2 = 62,5 × 50%
        # = 31,25; A + B = 70
        kecamatan("Slawi", (75, 80), (60, 65), (1, 1), (1, 1)),
        sheet("PENILAIAN", "Slawi", "t1", {"INO/A": 0}),
        names=("Slawi",),
    )
    realisasi = result(ranking, "Slawi").stages[0].members[0].aspects[0].indicators[0]
    assert realisasi.score == Decimal("70")
    assert realisasi.formula == "fisik (75 + 80) / 2 × 50% + keuangan (60 + 65) / 2 × 50% = 70"


def test_one_missing_year_leaves_the_kecamatan_incomplete():
    entries = [
        e for e in kecamatan("Slawi", (80, 90), (70, 100), (6, 3), (4, 9))
        if e.part != "keuangan_2"
    ]  # fmt: skip
    ranking = run(entries, sheet("PENILAIAN", "Slawi", "t1", {"INO/A": 80}), names=("Slawi",))
    slawi = result(ranking, "Slawi")
    assert slawi.status == "incomplete" and slawi.final_score is None


def test_institutions_are_recorded_beside_the_programs_and_never_scored(ranking):
    sinergitas = result(ranking, "Slawi").stages[0].members[0].aspects[1]
    pemerintah, nonpemerintah = sinergitas.indicators
    # programs: 6 of the highest 12 -> 50, 4 of the highest 8 -> 50
    assert (pemerintah.score, nonpemerintah.score) == (Decimal(50), Decimal(50))
    assert pemerintah.formula == "6 / 12 × 100 = 50"
    assert [(e.part, e.value) for e in pemerintah.entries] == [("", 6), ("institusi", 3)]
    assert sinergitas.score == Decimal(50)
    # Slawi's 9 institutions are more than Pangkah's 8 programs: still not the highest count
    assert nonpemerintah.formula == "4 / 8 × 100 = 50"


def test_institutions_may_be_left_empty():
    entries = [
        e for e in kecamatan("Slawi", (80, 90), (70, 100), (6, 3), (4, 9))
        if e.part != "institusi"
    ]  # fmt: skip
    ranking = run(entries, sheet("PENILAIAN", "Slawi", "t1", {"INO/A": 80}), names=("Slawi",))
    assert result(ranking, "Slawi").status == "ranked"


def test_a_negative_number_of_institutions_is_refused():
    with pytest.raises(ValueError, match="PEMERINTAH"):
        run(
            kecamatan("Slawi", (80, 90), (70, 100), (6, -1), (4, 9)),
            sheet("PENILAIAN", "Slawi", "t1", {"INO/A": 80}),
            names=("Slawi",),
        )


def test_the_cells_of_the_two_designs():
    spec = two_year_tegal()
    keuangan, sinergitas, _ = spec.stages[0].aspects
    assert [name for name, _ in keuangan.indicators[0].cells] == [
        "fisik_1", "fisik_2", "keuangan_1", "keuangan_2"
    ]  # fmt: skip
    assert [name for name, _ in sinergitas.indicators[0].cells] == ["", "institusi"]
    assert [name for name, _ in sinergitas.indicators[0].scored_cells] == [""]
    assert [name for name, _ in pair("X", {"fisik": 50, "keuangan": 50}).cells] == [
        "fisik", "keuangan"
    ]  # fmt: skip


def test_years_and_recorded_parts_belong_to_their_kinds():
    wrong = InstrumentSpec(
        "x",
        FinalCombine.SINGLE_STAGE,
        (
            stage(
                "T",
                aspect("A", pair("P", {"a": 50, "b": 50}, years=0)),
                aspect("B", replace(score("S"), recorded=("institusi",), years=2)),
            ),
        ),
    )
    errors = instrument_errors(wrong)
    assert "Tahap T aspek A indikator P: jumlah tahun bagian harus minimal 1." in errors
    assert "Tahap T aspek B indikator S: isian per tahun hanya untuk persentase ganda." in errors
    assert (
        "Tahap T aspek B indikator S: bagian yang hanya dicatat hanya untuk jumlah yang "
        "dibandingkan." in errors
    )
