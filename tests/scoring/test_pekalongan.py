"""Kabupaten Pekalongan, Panduan Kompetisi Kinerja dan Inovasi Pelayanan Kecamatan 2017:
a desk evaluation (komponen 1 options, komponen 2 proposal parts), the 5 besar, a panel, and
ties decided by part A1 (Mekanisme A.9). The 50/50 weights are the digest's decisions."""

from decimal import Decimal

import pytest

from scoring.engine import compute_ranking
from scoring.structures import ResultStatus, ScoringInput
from tests.scoring.builders import participants, pekalongan, sheet, texts

SPEC = pekalongan()
EVALUATORS = ("e1", "e2")
PANEL = ("p1", "p2", "p3")
TEAMS = (("DESK", EVALUATORS), ("PANEL", PANEL))
K1_CODES = ("SOP", "PENGADUAN1", "PENGADUAN2", "PENGADUAN3")


def desk(kecamatan: str, evaluator: str, options: str, parts: list) -> list:
    cells: dict = {f"K1/{code}": option for code, option in zip(K1_CODES, options, strict=True)}
    cells |= {f"K2/A{n}": value for n, value in enumerate(parts, start=1)}
    return sheet("DESK", kecamatan, evaluator, cells)


def both_evaluators(kecamatan: str, parts: list) -> list:
    """Komponen 1 all a (100 each, mean 100); komponen 2 as given, by both evaluators."""
    return [e for evaluator in EVALUATORS for e in desk(kecamatan, evaluator, "aaaa", parts)]


def panel(kecamatan: str, scores: dict) -> list:
    return [
        e
        for member, (p1, p2) in scores.items()
        for e in sheet("PANEL", kecamatan, member, {"P1": p1, "P2": p2})
    ]


def all_panel(kecamatan: str, value: int) -> list:
    return panel(kecamatan, dict.fromkeys(PANEL, (value, value)))


@pytest.fixture
def ranking():
    entries = [
        # Kajen, desk.
        # e1: K1 (100 + 100 + 100 + 100) / 4 = 100; K2 28 + 22 + 20 + 18 = 88;
        #     desk 100 × 50% + 88 × 50% = 94
        *desk("Kajen", "e1", "aaaa", [28, 22, 20, 18]),
        # e2: K1 SOP a 100, Pengaduan 1 c 0, Pengaduan 2 a 100, Pengaduan 3 c 50
        #     -> 250 / 4 = 62.5; K2 26 + 20 + 22 + 16 = 84; desk 31.25 + 42 = 73.25
        *desk("Kajen", "e2", "acac", [26, 20, 22, 16]),
        # desk stage (94 + 73.25) / 2 = 83.625, published 83.63 (half up)
        # panel: p1 (90 + 80) / 2 = 85, p2 (85 + 85) / 2 = 85, p3 (80 + 90) / 2 = 85 -> 85
        *panel("Kajen", {"p1": (90, 80), "p2": (85, 85), "p3": (80, 90)}),
        # final 83.625 × 50% + 85 × 50% = 41.8125 + 42.5 = 84.3125 -> 84.31
        # Desk = 50 + K2 / 2 for the others (komponen 1 = 100):
        *both_evaluators("Wiradesa", [25, 15, 10, 10]),  # K2 60 -> desk 80
        *all_panel("Wiradesa", 80),  # final 80 × 50% + 80 × 50% = 80, A1 25
        *both_evaluators("Kedungwuni", [27, 10, 10, 9]),  # K2 56 -> desk 78
        *all_panel("Kedungwuni", 82),  # final 39 + 41 = 80, A1 27: wins the tie
        *both_evaluators("Bojong", [20, 10, 10, 10]),  # desk 75
        *all_panel("Bojong", 70),  # final 72.5
        *both_evaluators("Tirto", [10, 10, 10, 10]),  # desk 70
        *all_panel("Tirto", 60),  # final 65
        *both_evaluators("Sragi", [10, 10, 5, 5]),  # desk 65: sixth, not in the 5 besar
        *panel("Sragi", {"p1": (90, 90)}),  # entered anyway: ignored
        *both_evaluators("Doro", [5, 5, 5, 5]),  # desk 60: seventh
    ]
    names = ("Kajen", "Wiradesa", "Kedungwuni", "Bojong", "Tirto", "Sragi", "Doro")
    return compute_ranking(ScoringInput(SPEC, participants(*names), TEAMS, tuple(entries)))


def result(ranking, name):
    return next(r for r in ranking.results if r.name == name)


def test_desk_is_half_komponen_one_half_komponen_two_averaged_over_evaluators(ranking):
    desk_stage = result(ranking, "Kajen").stages[0]
    e1, e2 = desk_stage.members
    assert (e1.total, e2.total) == (Decimal(94), Decimal("73.25"))
    assert e2.aspects[0].score == Decimal("62.5")  # komponen 1: mean of option scores
    assert e2.aspects[0].formula == "(100 + 0 + 100 + 50) / 4 = 62.5"
    assert e2.aspects[1].score == Decimal(84)  # komponen 2: sum of parts
    assert e2.formula == "K1 62.5 × 50% + K2 84 × 50% = 73.25"
    assert desk_stage.score == Decimal("83.625")


def test_final_is_half_desk_half_panel(ranking):
    kajen = result(ranking, "Kajen")
    assert kajen.stages[1].score == Decimal(85)
    assert kajen.final_score == Decimal("84.3125")
    assert kajen.published_score == Decimal("84.31")
    assert kajen.formula == "DESK 83.625 × 50% + PANEL 85 × 50% = 84.3125"


def test_equal_final_scores_are_decided_by_part_a1(ranking):
    kedungwuni, wiradesa = result(ranking, "Kedungwuni"), result(ranking, "Wiradesa")
    assert kedungwuni.published_score == wiradesa.published_score == Decimal("80.00")
    assert (kedungwuni.rank, wiradesa.rank) == (2, 3)
    assert (kedungwuni.tie_break_values, wiradesa.tie_break_values) == (
        (Decimal(27),),
        (Decimal(25),),
    )
    a1 = kedungwuni.stages[0].aspects[1].indicators[0]
    assert (a1.code, a1.formula) == ("A1", "(27 + 27) / 2 = 27")


def test_only_the_five_besar_go_to_the_panel(ranking):
    assert [(r.name, r.status, r.rank, r.award) for r in ranking.results] == [
        ("Kajen", ResultStatus.RANKED, 1, "Peringkat 1"),
        ("Kedungwuni", ResultStatus.RANKED, 2, "Peringkat 2"),
        ("Wiradesa", ResultStatus.RANKED, 3, "Peringkat 3"),
        ("Bojong", ResultStatus.RANKED, 4, "Peringkat 4"),
        ("Tirto", ResultStatus.RANKED, 5, "Peringkat 5"),
        ("Sragi", ResultStatus.NOT_SHORTLISTED, None, ""),
        ("Doro", ResultStatus.NOT_SHORTLISTED, None, ""),
    ]


def test_not_shortlisted_keep_their_desk_score_and_skip_the_panel(ranking):
    sragi = result(ranking, "Sragi")
    assert (sragi.final_score, sragi.published_score, sragi.predikat) == (None, None, "")
    desk_stage, panel_stage = sragi.stages
    assert desk_stage.score == Decimal(65)
    assert panel_stage.score is None
    assert panel_stage.skipped_reason == "tidak masuk 5 besar tahap Desk evaluasi"
    assert "Tidak masuk 5 besar tahap Desk evaluasi (nilai 65,00, urutan 6)." in texts(sragi.notes)
    assert any("diabaikan" in note for note in texts(sragi.notes))


def test_proposal_parts_are_whole_numbers_within_their_maximum():
    names = participants("Kajen")
    too_high = desk("Kajen", "e1", "aaaa", [31, 10, 10, 10])  # A1 maximum is 30 (A.6)
    with pytest.raises(ValueError, match="A1"):
        compute_ranking(ScoringInput(SPEC, names, TEAMS, tuple(too_high)))
    fractional = desk("Kajen", "e1", "aaaa", ["27.5", 10, 10, 10])  # whole numbers (A.5)
    with pytest.raises(ValueError, match="bilangan bulat"):
        compute_ranking(ScoringInput(SPEC, names, TEAMS, tuple(fractional)))


def desk_only(parts_by_name: dict) -> tuple:
    entries = [e for name, parts in parts_by_name.items() for e in both_evaluators(name, parts)]
    return compute_ranking(ScoringInput(SPEC, participants(*parts_by_name), TEAMS, tuple(entries)))


def test_a_tie_at_the_cut_is_decided_by_a1_first():
    ranking = desk_only(
        {
            "Kajen": [30, 25, 25, 20],  # desk 100
            "Buaran": [30, 25, 25, 10],  # 95
            "Doro": [30, 25, 20, 10],  # 92.5
            "Sragi": [30, 20, 20, 10],  # 90
            "Talun": [10, 10, 10, 10],  # K2 40 -> 70, A1 10
            "Tirto": [20, 10, 5, 5],  # K2 40 -> 70, A1 20: goes on
        }
    )
    statuses = {r.name: r.status for r in ranking.results}
    assert statuses["Tirto"] == ResultStatus.INCOMPLETE  # on the panel list, not yet scored
    assert statuses["Talun"] == ResultStatus.NOT_SHORTLISTED


def test_an_undecided_tie_at_the_cut_sends_everyone_tied():
    ranking = desk_only(
        {
            "Kajen": [30, 25, 25, 20],
            "Buaran": [30, 25, 25, 10],
            "Doro": [30, 25, 20, 10],
            "Sragi": [30, 20, 20, 10],
            "Talun": [20, 10, 5, 5],  # 70, A1 20
            "Tirto": [20, 10, 5, 5],  # 70, A1 20
            "Kesesi": [5, 5, 5, 5],  # 60
        }
    )
    statuses = {r.name: r.status for r in ranking.results}
    assert statuses["Talun"] == statuses["Tirto"] == ResultStatus.INCOMPLETE
    assert statuses["Kesesi"] == ResultStatus.NOT_SHORTLISTED
    (warning,) = [w for w in ranking.warnings if w.code == "shortlist_tie_unbroken"]
    assert warning.text == (
        "Nilai seri pada batas 5 besar tahap Desk evaluasi yang tidak terpecahkan aturan nilai "
        "seri: Kecamatan Talun, Kecamatan Tirto; semuanya lolos (6 peserta)."
    )
    assert warning.parameters["keys"] == ("talun", "tirto")


def test_the_lighter_trace_keeps_the_tie_break_indicator():
    entries = both_evaluators("Kajen", [28, 22, 20, 18])
    light = compute_ranking(
        ScoringInput(SPEC, participants("Kajen"), TEAMS, tuple(entries)), trace=False
    )
    desk_stage = light.results[0].stages[0]
    assert desk_stage.score == Decimal(94)
    e1 = desk_stage.members[0]
    assert e1.aspects[0].indicators == ()  # komponen 1: no indicator results
    assert [i.code for i in e1.aspects[1].indicators] == ["A1"]  # the tie-break reads A1
    assert [i.code for i in desk_stage.aspects[1].indicators] == ["A1"]
    assert (e1.formula, e1.aspects[1].formula) == ("", "")
