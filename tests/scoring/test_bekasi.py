"""Kota Bekasi, Kep. Wali Kota 067/Kep.294-Tapem/VIII/2022, Lampiran I III.C.2.b: six criteria
weighted 35/30/20/5/5/5; decision: a member's total is the weighted sum, the kecamatan's score
the mean of the members' totals, and the indikator penunjang (Lampiran I II.5) breaks ties."""

from datetime import datetime
from decimal import Decimal

import pytest

from scoring.engine import compute_ranking
from scoring.rules import AbsenceKind
from scoring.structures import Absence, ResultStatus, ScoringInput
from tests.scoring.builders import BEKASI_CRITERIA, bekasi, participants, sheet, texts

TEAM = ("ani", "budi", "citra")
CITRA_ABSENT = Absence(
    "PENILAIAN",
    "pondokgede",
    "citra",
    AbsenceKind.ABSENT,
    "sakit (surat keterangan dokter)",
    "tapem-bekasi",
    datetime(2026, 8, 14, 10, 0),
)
ORDER = list(BEKASI_CRITERIA)  # PELAYANAN, KOORDINASI, INOVASI, SDM, ANGGARAN, DATA


def criteria(kecamatan: str, assessor: str, values: list[int], penunjang: int | None = None):
    cells: dict = dict(zip(ORDER, values, strict=True))
    if penunjang is not None:
        cells["PENUNJANG"] = penunjang
    return sheet("PENILAIAN", kecamatan, assessor, cells)


@pytest.fixture
def ranking():
    entries = [
        # Bantargebang
        # ani:   80×35% + 70×30% + 90×20% + 60×5% + 70×5% + 80×5%
        #      = 28 + 21 + 18 + 3 + 3.5 + 4 = 77.5
        *criteria("Bantargebang", "ani", [80, 70, 90, 60, 70, 80], penunjang=70),
        # budi:  85×35% + 75×30% + 80×20% + 70×5% + 60×5% + 90×5%
        #      = 29.75 + 22.5 + 16 + 3.5 + 3 + 4.5 = 79.25
        *criteria("Bantargebang", "budi", [85, 75, 80, 70, 60, 90], penunjang=80),
        # citra: 75×35% + 80×30% + 85×20% + 80×5% + 80×5% + 70×5%
        #      = 26.25 + 24 + 17 + 4 + 4 + 3.5 = 78.75
        *criteria("Bantargebang", "citra", [75, 80, 85, 80, 80, 70], penunjang=90),
        # score (77.5 + 79.25 + 78.75) / 3 = 235.5 / 3 = 78.5; penunjang (70 + 80 + 90) / 3 = 80
        # Jatiasih
        # ani:   31.5 + 21 + 16 + 3.5 + 3.5 + 3.5 = 79
        *criteria("Jatiasih", "ani", [90, 70, 80, 70, 70, 70], penunjang=85),
        # budi:  28 + 24 + 14 + 4 + 4 + 4 = 78
        *criteria("Jatiasih", "budi", [80, 80, 70, 80, 80, 80], penunjang=85),
        # citra: 28 + 22.5 + 16 + 4 + 4 + 4 = 78.5
        *criteria("Jatiasih", "citra", [80, 75, 80, 80, 80, 80], penunjang=85),
        # score (79 + 78 + 78.5) / 3 = 78.5, equal to Bantargebang; penunjang 85 > 80 wins
        # Rawalumbu and Medan Satria: 60 everywhere, penunjang 70 each: an undecided tie
        *(e for m in TEAM for e in criteria("Rawalumbu", m, [60] * 6, penunjang=70)),
        *(e for m in TEAM for e in criteria("Medan Satria", m, [60] * 6, penunjang=70)),
        # Pondokgede: citra is recorded absent for it (digest, "Rules for every region": the
        # whole team scores, or Tapem records who did not and why); (50 + 50) / 2 = 50
        *(e for m in ("ani", "budi") for e in criteria("Pondokgede", m, [50] * 6)),
    ]
    data = ScoringInput(
        bekasi(),
        participants("Bantargebang", "Jatiasih", "Rawalumbu", "Medan Satria", "Pondokgede"),
        (("PENILAIAN", TEAM),),
        tuple(entries),
        absences=(CITRA_ABSENT,),
    )
    return compute_ranking(data)


def by_name(ranking):
    return {r.name: r for r in ranking.results}


def test_member_totals_and_the_mean_of_members(ranking):
    bantargebang = by_name(ranking)["Bantargebang"]
    stage = bantargebang.stages[0]
    assert [m.total for m in stage.members] == [Decimal("77.5"), Decimal("79.25"), Decimal("78.75")]
    assert stage.score == Decimal("78.5")
    assert bantargebang.published_score == Decimal("78.50")
    ani = stage.members[0]
    assert ani.formula == (
        "PELAYANAN 80 × 35% + KOORDINASI 70 × 30% + INOVASI 90 × 20% + SDM 60 × 5% "
        "+ ANGGARAN 70 × 5% + DATA 80 × 5% = 77.5"
    )
    assert stage.formula == "(77.5 + 79.25 + 78.75) / 3 = 78.5"


def test_equal_scores_are_decided_by_indikator_penunjang(ranking):
    results = by_name(ranking)
    assert results["Jatiasih"].published_score == results["Bantargebang"].published_score
    assert (results["Jatiasih"].rank, results["Bantargebang"].rank) == (1, 2)
    assert results["Jatiasih"].tie_break_values == (Decimal(85),)
    assert results["Bantargebang"].tie_break_values == (Decimal(80),)
    assert any("indikator penunjang" in note for note in texts(results["Jatiasih"].notes))
    # the indikator penunjang never enters the score
    penunjang = results["Jatiasih"].stages[0].aspects[-1]
    assert (penunjang.code, penunjang.counts_toward_total) == ("PENUNJANG", False)


def test_an_undecided_tie_shares_the_rank_and_waits_for_the_tim(ranking):
    results = by_name(ranking)
    assert results["Medan Satria"].rank == results["Rawalumbu"].rank == 3
    assert results["Pondokgede"].rank == 5  # competition ranking: 1, 2, 3, 3, 5
    # Digest, "Ties at an award": places 3 and 4 carry Peringkat III and Harapan I, so both
    # are withheld until Tapem records the Tim's decision (Lampiran I II.5).
    assert (
        "Seri — diputuskan Tim: Kecamatan Medan Satria, Kecamatan Rawalumbu memiliki nilai akhir "
        "sama (60,00) yang tidak terpecahkan aturan nilai seri dan berbagi peringkat 3; "
        "penghargaan Peringkat III, Harapan I ditahan sampai Tapem mencatat keputusan Tim, dan "
        "hasil belum dapat dibekukan." in texts(ranking.warnings)
    )
    assert ranking.has_undecided_tie


def test_awards_follow_the_ranks(ranking):
    results = by_name(ranking)
    assert results["Jatiasih"].award == "Peringkat I"
    assert results["Bantargebang"].award == "Peringkat II"
    # Before: both were Peringkat III and nobody Harapan I; now withheld, never given twice.
    assert results["Rawalumbu"].award == results["Medan Satria"].award == ""
    assert results["Pondokgede"].award == "Harapan II"


def test_a_member_recorded_absent_is_excluded_not_zero(ranking):
    pondokgede = by_name(ranking)["Pondokgede"]
    assert pondokgede.final_score == Decimal(50)  # (50 + 50) / 2, not (50 + 50 + 0) / 3
    citra = pondokgede.stages[0].members[2]
    assert (citra.assessor, citra.total, citra.excluded_reason) == ("citra", None, "tidak hadir")
    assert citra.absence == CITRA_ABSENT
    assert pondokgede.stages[0].absences == (CITRA_ABSENT,)
    assert pondokgede.stages[0].formula == "(50 + 50) / 2 = 50"
    assert (
        "Tahap Penilaian Tim Penilai: penilai citra tidak hadir (sakit (surat keterangan "
        "dokter); dicatat oleh tapem-bekasi, 2026-08-14T10:00:00) dan tidak dihitung dalam "
        "rata-rata." in texts(pondokgede.notes)
    )


def test_results_in_rank_order(ranking):
    assert [(r.name, r.rank) for r in ranking.results] == [
        ("Jatiasih", 1),
        ("Bantargebang", 2),
        ("Medan Satria", 3),
        ("Rawalumbu", 3),
        ("Pondokgede", 5),
    ]
    assert {r.status for r in ranking.results} == {ResultStatus.RANKED}
    assert all(r.predikat == "" for r in ranking.results)  # Bekasi prints no predikat
