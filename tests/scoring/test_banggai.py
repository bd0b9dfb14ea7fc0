"""Kabupaten Banggai, Perbup 49/2022: three stages, Na the mean of the stage scores
(Lampiran III), the predikat of Pasal 19 after rounding half up to a whole number, Terbaik I-IV
and a Piagam Penghargaan for every other participant (Pasal 23)."""

from decimal import Decimal

import pytest

from scoring.engine import compute_ranking
from scoring.structures import ResultStatus, ScoringInput
from tests.scoring.builders import BANGGAI_ASPECTS, banggai, fill, participants, sheet, texts

SPEC = banggai()
T1, T2, T3 = SPEC.stages
VERIFIKASI = ("v1", "v2", "v3")
TIM_EKK = ("akademisi", "bupati", "sekda")
TEAMS = (("T1", ("asesor",)), ("T2", VERIFIKASI), ("T3", TIM_EKK))
MANDIRI = [f"M{letter}" for letter in BANGGAI_ASPECTS]


def mandiri(kecamatan: str, values: list) -> list:
    return sheet("T1", kecamatan, "asesor", dict(zip(MANDIRI, values, strict=True)))


def objektif(kecamatan: str, assessor: str, ko, ik: list) -> list:
    cells = {"KO": ko} | {f"IK/{letter}": v for letter, v in zip(BANGGAI_ASPECTS, ik, strict=True)}
    return sheet("T2", kecamatan, assessor, cells)


def paparan(kecamatan: str, assessor: str, values: list) -> list:
    cells = {f"A{n}": v for n, v in enumerate(values, start=1)}
    return sheet("T3", kecamatan, assessor, cells)


def uniform(kecamatan: str, t1, ko, ik, t3) -> list:
    """The same value on every aspect: T1 = 10 × t1, T2 = ko + 10 × ik, T3 = t3."""
    entries = fill(T1, kecamatan, "asesor", dict.fromkeys(MANDIRI, t1))
    for member in VERIFIKASI:
        entries += fill(T2, kecamatan, member, {"KO": ko, "IK": ik})
    for member in TIM_EKK:
        entries += fill(T3, kecamatan, member, {f"A{n}": t3 for n in range(1, 6)})
    return entries


@pytest.fixture
def ranking():
    entries = [
        # Luwuk, worked in full.
        # T1 (decision: ten aspects 0-10 summed): 9+8+9+7+8+9+8+9+10+8 = 85
        *mandiri("Luwuk", [9, 8, 9, 7, 8, 9, 8, 9, 10, 8]),
        # T2, Lampiran I: Ko by v1 45, v2 40, v3 44 -> ΣKo = (45 + 40 + 44) / 3 = 43;
        # Ik by v1 5+4+4+5+4+5+4+4+5+4 = 44, by v2 10 × 4 = 40, by v3 8 × 4 + 5 + 5 = 42
        # -> ΣIk = (44 + 40 + 42) / 3 = 42, over the same three members. Bn = ΣKo + ΣIk = 85
        *objektif("Luwuk", "v1", 45, [5, 4, 4, 5, 4, 5, 4, 4, 5, 4]),
        *objektif("Luwuk", "v2", 40, [4] * 10),
        *objektif("Luwuk", "v3", 44, [4] * 8 + [5, 5]),
        # T3, Lampiran II: ΣP bupati (90+85+90+85+90)/5 = 88, sekda 85, akademisi
        # (90+85+85+85+87.5)/5 = 86.5; Bn = (88 + 85 + 86.5) / 3 = 86.5
        *paparan("Luwuk", "bupati", [90, 85, 90, 85, 90]),
        *paparan("Luwuk", "sekda", [85] * 5),
        *paparan("Luwuk", "akademisi", [90, 85, 85, 85, "87.5"]),
        # Na = (85 + 85 + 86.5) / 3 = 85.5 -> rounded half up 86 -> Baik Sekali
        # Toili: T1 10 × 8.5 = 85; T2 42.5 + 10 × 4.25 = 85; T3 86.47;
        # Na = (85 + 85 + 86.47) / 3 = 256.47 / 3 = 85.49 -> 85 -> Baik
        *uniform("Toili", "8.5", "42.5", "4.25", "86.47"),
        # Bunta: 30, 30, 31.5 -> Na = 91.5 / 3 = 30.5 -> 31 -> Kurang
        *uniform("Bunta", 3, 15, "1.5", "31.5"),
        # Nuhon: 30, 30, 31.2 -> Na = 91.2 / 3 = 30.4 -> 30 -> Kurang Sekali
        *uniform("Nuhon", 3, 15, "1.5", "31.2"),
        # Batui: 20, 20, 20 -> Na = 20, fifth: Piagam Penghargaan
        *uniform("Batui", 2, 10, 1, 20),
        # Lamala was disqualified (Pasal 8 ayat 5); the values entered for it are ignored
        *paparan("Lamala", "bupati", [100] * 5),
    ]
    reason = "isian penilaian mandiri tetap tidak lengkap setelah perbaikan (Pasal 8 ayat 5)"
    data = ScoringInput(
        SPEC,
        participants(
            "Luwuk", "Toili", "Bunta", "Nuhon", "Batui", "Lamala", disqualified={"Lamala": reason}
        ),
        TEAMS,
        tuple(entries),
    )
    return compute_ranking(data)


def result(ranking, name):
    return next(r for r in ranking.results if r.name == name)


def test_stage_one_sums_the_ten_aspects(ranking):
    t1 = result(ranking, "Luwuk").stages[0]
    assert t1.score == Decimal(85)
    assert [m.assessor for m in t1.members] == ["asesor"]


def test_stage_two_is_ko_plus_ik_each_the_mean_over_the_same_members(ranking):
    t2 = result(ranking, "Luwuk").stages[1]
    ko, ik = t2.aspects
    assert ko.score == Decimal(43)
    assert ik.score == Decimal(42)
    assert t2.score == Decimal(85)
    assert t2.formula == "KO 43 + IK 42 = 85"
    assert [m.total for m in t2.members] == [Decimal(89), Decimal(80), Decimal(86)]
    # A member who leaves an Ik aspect empty is worked in tests/scoring/test_whole_team.py.


def test_stage_three_means_the_aspects_then_the_members(ranking):
    t3 = result(ranking, "Luwuk").stages[2]
    assert [(m.assessor, m.total) for m in t3.members] == [
        ("akademisi", Decimal("86.5")),
        ("bupati", Decimal(88)),
        ("sekda", Decimal(85)),
    ]
    assert t3.score == Decimal("86.5")
    assert t3.members[1].formula == "(A1 90 + A2 85 + A3 90 + A4 85 + A5 90) / 5 = 88"


def test_na_is_the_mean_of_the_three_stages(ranking):
    luwuk = result(ranking, "Luwuk")
    assert luwuk.final_score == Decimal("85.5")
    assert luwuk.formula == "(T1 85 + T2 85 + T3 86.5) / 3 = 85.5"
    assert result(ranking, "Toili").published_score == Decimal("85.49")


@pytest.mark.parametrize(
    ("name", "published", "predikat"),
    [
        ("Luwuk", "85.50", "Baik Sekali"),
        ("Toili", "85.49", "Baik"),
        ("Bunta", "30.50", "Kurang"),
        ("Nuhon", "30.40", "Kurang Sekali"),
        ("Batui", "20.00", "Kurang Sekali"),
    ],
)
def test_predikat_after_rounding_half_up_to_a_whole_number(ranking, name, published, predikat):
    participant = result(ranking, name)
    assert participant.published_score == Decimal(published)
    assert participant.predikat == predikat


def test_terbaik_one_to_four_and_a_piagam_for_the_others(ranking):
    assert [(r.name, r.rank, r.award) for r in ranking.results] == [
        ("Luwuk", 1, "Terbaik I"),
        ("Toili", 2, "Terbaik II"),
        ("Bunta", 3, "Terbaik III"),
        ("Nuhon", 4, "Terbaik IV"),
        ("Batui", 5, "Piagam Penghargaan"),
        ("Lamala", None, ""),
    ]


def test_a_disqualified_kecamatan_is_not_scored(ranking):
    lamala = result(ranking, "Lamala")
    assert lamala.status == ResultStatus.DISQUALIFIED
    assert (lamala.rank, lamala.final_score, lamala.published_score) == (None, None, None)
    assert (lamala.predikat, lamala.award, lamala.stages) == ("", "", ())
    assert tuple(texts(lamala.notes)) == (
        "Didiskualifikasi: isian penilaian mandiri tetap tidak lengkap setelah perbaikan "
        "(Pasal 8 ayat 5)",
    )
