"""The whole team scores (digest, "Rules for every region"): a kecamatan's stage score exists
only once every seated member has completed their sheet for it, or Tapem has recorded the
member absent or recused for it; the means then divide by the members who took part.

Perbup Banggai 49/2022 divides by "JA = Jumlah Anggota" (Lampiran I and II) and holds every
weighting meeting "dihadiri oleh semua anggota" (Pasal 10(3), 12(4), 14(7)).
"""

from datetime import datetime
from decimal import Decimal

import pytest

from scoring.engine import compute_ranking
from scoring.rules import AbsenceKind
from scoring.structures import Absence, ExpectedMembers, ResultStatus, ScoringInput
from tests.scoring.builders import (
    BANGGAI_ASPECTS,
    banggai,
    fill,
    participants,
    sheet,
    tegal,
    texts,
)

D = Decimal
SPEC = banggai()
T1, T2, T3 = SPEC.stages
VERIFIKASI = ("v1", "v2", "v3")
TIM_EKK = ("akademisi", "bupati", "kadis", "sekda", "wabup")
TEAMS = (("T1", ("asesor",)), ("T2", VERIFIKASI), ("T3", TIM_EKK))
WHEN = datetime(2026, 5, 12, 14, 30)


def absence(stage: str, kecamatan: str, member: str, kind=AbsenceKind.ABSENT, reason="sakit"):
    return Absence(stage, kecamatan, member, kind, reason, "tapem-banggai", WHEN)


def objektif(kecamatan: str, member: str, ko, ik: list) -> list:
    cells = {"KO": ko} | {f"IK/{letter}": v for letter, v in zip(BANGGAI_ASPECTS, ik, strict=True)}
    return sheet("T2", kecamatan, member, cells)


def luwuk(*, t2=None, t3_members=TIM_EKK) -> list:
    """Luwuk with T1 = 10 × 8 = 80, T2 as given (else 40 + 10 × 4 = 80 by everyone), and
    T3 = 80 by each of `t3_members` (ΣP = (80 × 5) / 5 = 80)."""
    entries = fill(T1, "Luwuk", "asesor", {f"M{letter}": 8 for letter in BANGGAI_ASPECTS})
    if t2 is None:
        for member in VERIFIKASI:
            entries += fill(T2, "Luwuk", member, {"KO": 40, "IK": 4})
    else:
        entries += t2
    for member in t3_members:
        entries += fill(T3, "Luwuk", member, {f"A{n}": 80 for n in range(1, 6)})
    return entries


def rank(entries, absences=()):
    data = ScoringInput(SPEC, participants("Luwuk"), TEAMS, tuple(entries), absences=absences)
    return compute_ranking(data)


# ---------------------------------------------------------------- a member who did not score


def test_a_member_who_entered_nothing_holds_the_stage_until_tapem_records_why():
    # Four of the five members of the Tim EKK score Luwuk 80; wabup enters nothing.
    entries = luwuk(t3_members=("akademisi", "bupati", "kadis", "sekda"))
    ranking = rank(entries)
    result = ranking.results[0]
    t3 = result.stages[2]
    # Before: wabup was silently left out and T3 was (80 × 4) / 4 = 80, Na 80, "Baik"; the
    # text's JA, counting wabup as 0, gives (80 × 4) / 5 = 64. Now: no stage score yet.
    assert (t3.score, t3.missing) == (None, ("wabup",))
    assert (result.status, result.rank, result.final_score, result.predikat) == (
        ResultStatus.INCOMPLETE,
        None,
        None,
        "",
    )
    assert result.missing == (("T3", "wabup"),)
    assert texts(ranking.warnings) == [
        "Penilai wabup belum menilai Kecamatan Luwuk pada tahap Pemaparan dan wawancara; nilai "
        "tahap menunggu penilaiannya, atau catatan Tapem bahwa ia tidak hadir atau mengundurkan "
        "diri.",
        "Kecamatan Luwuk belum lengkap dinilai; tidak diperingkat. Menunggu: wabup (Pemaparan "
        "dan wawancara).",
    ]
    assert [w.code for w in ranking.warnings] == ["member_not_scored", "incomplete"]
    assert ranking.warnings[1].parameters["missing"] == ("wabup (Pemaparan dan wawancara)",)


def test_a_member_recorded_absent_leaves_the_mean_over_those_who_took_part():
    entries = luwuk(t3_members=("akademisi", "bupati", "kadis", "sekda"))
    wabup = absence("T3", "luwuk", "wabup", reason="tugas ke Jakarta")
    result = rank(entries, (wabup,)).results[0]
    t3 = result.stages[2]
    # Lampiran II: Bn = (ΣP1 + … + ΣPn) / JA over the four who took part: 320 / 4 = 80.
    assert t3.score == D(80)
    assert t3.formula == "(80 + 80 + 80 + 80) / 4 = 80"
    assert t3.missing == ()
    assert t3.absences == (wabup,)
    member = next(m for m in t3.members if m.assessor == "wabup")
    assert (member.total, member.excluded_reason, member.absence) == (None, "tidak hadir", wabup)
    # Na = (80 + 80 + 80) / 3 = 80 -> Baik (Pasal 19: 76–85)
    assert (result.status, result.final_score, result.predikat) == (
        ResultStatus.RANKED,
        D(80),
        "Baik",
    )
    (note,) = [n for n in result.notes if n.code == "member_absent"]
    assert note.text == (
        "Tahap Pemaparan dan wawancara: penilai wabup tidak hadir (tugas ke Jakarta; dicatat "
        "oleh tapem-banggai, 2026-05-12T14:30:00) dan tidak dihitung dalam rata-rata."
    )
    assert note.parameters["recorded_by"] == "tapem-banggai"


def test_values_of_a_member_recorded_absent_are_ignored():
    entries = luwuk(t3_members=("akademisi", "bupati", "kadis", "sekda"))
    entries += fill(T3, "Luwuk", "wabup", {"A1": 10})  # wabup started, then withdrew
    ranking = rank(entries, (absence("T3", "luwuk", "wabup", AbsenceKind.RECUSED, "kerabat"),))
    t3 = ranking.results[0].stages[2]
    assert t3.score == D(80)
    assert (
        "Nilai dari wabup untuk Kecamatan Luwuk pada tahap Pemaparan dan wawancara diabaikan: "
        "Tapem mencatat ia tidak ikut menilai kecamatan ini." in texts(ranking.warnings)
    )
    assert next(m for m in t3.members if m.assessor == "wabup").excluded_reason == (
        "mengundurkan diri"
    )


def test_nobody_taking_part_leaves_no_score():
    entries = luwuk(t3_members=())
    absences = tuple(absence("T3", "luwuk", member) for member in TIM_EKK)
    ranking = rank(entries, absences)
    result = ranking.results[0]
    assert (result.stages[2].score, result.stages[2].missing, result.status) == (
        None,
        (),
        ResultStatus.INCOMPLETE,
    )
    assert [w.code for w in ranking.warnings] == ["nobody_took_part", "not_scorable"]


# ---------------------------------------------------------------- a half-entered sheet


def test_banggai_ko_and_ik_are_taken_over_the_same_members():
    # Lampiran I: ΣKo = (V1 + … + Vn) / JA and ΣIk = (V1 + … + Vn) / JA, one JA for both.
    # v1: Ko 45, Ik 5+4+4+5+4+5+4+4+5+4 = 44; v2: Ko 40, Ik 40; v3: Ko 44, Ik j left empty.
    t2 = objektif("Luwuk", "v1", 45, [5, 4, 4, 5, 4, 5, 4, 4, 5, 4])
    t2 += objektif("Luwuk", "v2", 40, [4] * 10)
    t2 += objektif("Luwuk", "v3", 44, [4] * 9 + [None])
    ranking = rank(luwuk(t2=t2))
    stage = ranking.results[0].stages[1]
    # Before: ΣKo over 3 members (43) plus ΣIk over 2 (42) = 85. Now v3's sheet is
    # incomplete, so the stage waits; nothing of v3's sheet is counted.
    assert (stage.score, stage.missing) == (None, ("v3",))
    assert [a.score for a in stage.aspects] == [None, None]
    v3 = stage.members[2]
    assert (v3.total, v3.excluded_reason) == (None, "penilaian belum lengkap")
    assert (
        "Penilaian v3 untuk Kecamatan Luwuk pada tahap Kondisi objektif belum lengkap (IK); "
        "lembar yang belum lengkap tidak dihitung sebagian, sehingga nilai tahap menunggu "
        "lembar itu lengkap." in texts(ranking.warnings)
    )
    # Tapem records v3 recused: ΣKo = (45 + 40) / 2 = 42.5, ΣIk = (44 + 40) / 2 = 42,
    # Bn = 84.5 — both over v1 and v2.
    recused = absence("T2", "luwuk", "v3", AbsenceKind.RECUSED, "kerabat camat")
    stage = rank(luwuk(t2=t2), (recused,)).results[0].stages[1]
    assert [a.score for a in stage.aspects] == [D("42.5"), D(42)]
    assert stage.score == D("84.5")
    assert stage.formula == "KO 42.5 + IK 42 = 84.5"


def test_a_half_entered_sheet_is_not_counted_in_part():
    # v3 scores Ik completely but not Ko: incomplete too (Ik is not counted on its own).
    t2 = objektif("Luwuk", "v1", 40, [4] * 10) + objektif("Luwuk", "v2", 40, [4] * 10)
    t2 += objektif("Luwuk", "v3", None, [5] * 10)
    stage = rank(luwuk(t2=t2)).results[0].stages[1]
    assert (stage.score, stage.missing) == (None, ("v3",))
    assert stage.members[2].aspects[1].score == D(50)  # shown on v3's own sheet only


# ---------------------------------------------------------------- the kecamatan's own values


def test_a_team_stage_waits_for_the_kecamatans_own_values():
    # Tegal: the kecamatan reports keuangan and partner counts; t1 and t2 score Inovasi.
    entries = sheet("PENILAIAN", "Slawi", None, {"KEU/REALISASI:fisik": 90})  # keuangan missing
    entries += sheet("PENILAIAN", "Slawi", None, {"SIN/PEMERINTAH": 4, "SIN/NONPEMERINTAH": 6})
    entries += sheet(
        "PENILAIAN", "Slawi", "t1", {"INO/A": 30, "INO/B": 15, "INO/C": 20, "INO/D": 5}
    )
    entries += sheet("PENILAIAN", "Slawi", "t2", {"INO/A": 30})  # t2 is not done either
    data = ScoringInput(tegal(), participants("Slawi"), (("PENILAIAN", ("t1", "t2")),), entries)
    ranking = compute_ranking(data)
    stage = ranking.results[0].stages[0]
    assert stage.missing == ("mandiri", "t2")
    t1, t2 = stage.members
    assert t1.excluded_reason == "menunggu isian mandiri kecamatan"  # t1's own part is in
    assert t2.excluded_reason == "penilaian belum lengkap"
    assert [w.code for w in ranking.warnings] == [
        "instrument_note",
        "self_assessment_incomplete",
        "member_incomplete",
        "incomplete",
    ]
    assert ranking.warnings[-1].parameters["missing"] == (
        "mandiri (Penilaian kinerja)",
        "t2 (Penilaian kinerja)",
    )


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (absence("T9", "luwuk", "v1"), "yang tidak dikenal"),
        (absence("T2", "toili", "v1"), "yang tidak dikenal"),
        (absence("T2", "luwuk", "bupati"), "tidak termasuk tim tahap ini"),
        (absence("T2", "luwuk", "v1", kind="sakit"), "jenis tidak dikenal"),
    ],
)
def test_absences_that_contradict_the_teams_are_refused(record, message):
    with pytest.raises(ValueError, match=message):
        rank(luwuk(), (record,))


def test_an_absence_recorded_twice_is_refused():
    record = absence("T2", "luwuk", "v1")
    with pytest.raises(ValueError, match="Dua catatan"):
        rank(luwuk(), (record, absence("T2", "luwuk", "v1", reason="lain")))


def test_no_absence_for_a_stage_the_kecamatan_fills_alone():
    spec = tegal()
    data = ScoringInput(
        spec,
        participants("Slawi"),
        (),
        (),
        absences=(Absence("PENILAIAN", "slawi", "mandiri", AbsenceKind.ABSENT, "", "", WHEN),),
    )
    with pytest.raises(ValueError, match="tidak termasuk tim"):
        compute_ranking(data)


# ---------------------------------------------------------------- assignments


def test_a_member_not_assigned_to_a_kecamatan_is_neither_awaited_nor_in_its_mean():
    """Worked case (Banggai stage 2, Lampiran I: ΣKo = (V1+…+Vn)/JA, ΣIk likewise, Bn =
    ΣKo + ΣIk). Tapem assigns v3 only to other kecamatan, so Luwuk expects v1 and v2:

        v1: Ko 40, Ik 4 × 10 = 40  → 80
        v2: Ko 30, Ik 3 × 10 = 30  → 60
        v3: not assigned; enters nothing (if v3 were counted, Luwuk would wait for v3)

        ΣKo = (40 + 30) / 2 = 35, ΣIk = (40 + 30) / 2 = 35, Bn = 35 + 35 = 70.
    """
    t2 = objektif("Luwuk", "v1", 40, [4] * 10) + objektif("Luwuk", "v2", 30, [3] * 10)
    data = ScoringInput(
        SPEC,
        participants("Luwuk"),
        TEAMS,
        tuple(luwuk(t2=t2)),
        expected=(ExpectedMembers("T2", "luwuk", ("v2", "v1")),),  # any order: team order kept
    )
    ranking = compute_ranking(data)
    t2_result = ranking.results[0].stages[1]
    assert t2_result.score == D(70)
    assert t2_result.missing == ()
    assert [m.assessor for m in t2_result.members] == ["v1", "v2"]
    assert ranking.results[0].status == ResultStatus.RANKED
    # Everyone else still scores with the whole team: T3 over all five.
    assert len(ranking.results[0].stages[2].members) == len(TIM_EKK)


def test_values_of_an_unassigned_member_are_ignored_with_a_warning():
    t2 = objektif("Luwuk", "v1", 40, [4] * 10) + objektif("Luwuk", "v2", 30, [3] * 10)
    t2 += objektif("Luwuk", "v3", 0, [0] * 10)  # written around every write path
    data = ScoringInput(
        SPEC,
        participants("Luwuk"),
        TEAMS,
        tuple(luwuk(t2=t2)),
        expected=(ExpectedMembers("T2", "luwuk", ("v1", "v2")),),
    )
    ranking = compute_ranking(data)
    assert ranking.results[0].stages[1].score == D(70)
    assert [w.code for w in ranking.warnings] == ["unassigned_values_ignored"]
    assert texts(ranking.warnings) == [
        "Nilai dari v3 untuk Kecamatan Luwuk pada tahap Kondisi objektif diabaikan: ia tidak "
        "ditugaskan menilai kecamatan ini."
    ]


def test_an_assignment_naming_someone_off_the_team_is_refused():
    data = ScoringInput(
        SPEC,
        participants("Luwuk"),
        TEAMS,
        tuple(luwuk()),
        expected=(ExpectedMembers("T2", "luwuk", ("v1", "orang-lain")),),
    )
    with pytest.raises(ValueError, match="tidak termasuk tim"):
        compute_ranking(data)
