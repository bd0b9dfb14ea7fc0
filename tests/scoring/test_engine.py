"""The engine's rules beyond the four worked regions: every indicator kind, incomplete
sheets, the order of unranked results, and the refusals."""

import gc
from dataclasses import replace
from decimal import Decimal

import pytest

from scoring.engine import compute_ranking
from scoring.rules import (
    AspectCombine,
    EnteredBy,
    FinalCombine,
    IndicatorKind,
    Polarity,
)
from scoring.structures import (
    IndicatorSpec,
    InstrumentSpec,
    ResultStatus,
    ScoringInput,
)
from scoring.validation import instrument_errors
from tests.scoring.builders import (
    aspect,
    capaian,
    count,
    participants,
    score,
    sheet,
    single,
    stage,
    texts,
    yes_no,
)

D = Decimal
KEC = EnteredBy.KECAMATAN


def instrument(*stages, final=FinalCombine.SINGLE_STAGE, **kwargs) -> InstrumentSpec:
    return InstrumentSpec("uji", final, stages, **kwargs)


def run(spec, names, teams, entries):
    return compute_ranking(ScoringInput(spec, participants(*names), teams, tuple(entries)))


def by_name(ranking):
    return {r.name: r for r in ranking.results}


SIMPLE = instrument(stage("S", single("X", weight=100)))
TEAM = (("S", ("ani", "budi")),)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (sheet("S", "Bunta", "zaki", {"X": 80}), "tidak termasuk tim"),
        (sheet("S", "Bunta", "ani", {"X": 101}), "di atas batas"),
        (sheet("S", "Bunta", "ani", {"Y": 80}), "tidak dikenal"),
        (sheet("S", "Bunta", None, {"X": 80}), "diisi oleh tim"),
        (sheet("S", "Toili", "ani", {"X": 80}), "kecamatan 'toili'"),
        (sheet("T", "Bunta", "ani", {"X": 80}), "tahap 'T'"),
        (
            sheet("S", "Bunta", "ani", {"X": 80}) + sheet("S", "Bunta", "ani", {"X": 70}),
            "Dua nilai",
        ),
        (sheet("S", "Bunta", "ani", {"X": "a"}), "diisi pilihan"),
    ],
)
def test_entries_that_contradict_the_instrument_are_refused(entries, message):
    with pytest.raises(ValueError, match=message):
        run(SIMPLE, ["Bunta"], TEAM, entries)


def test_a_team_value_for_a_kecamatan_indicator_is_refused():
    spec = instrument(stage("S", single("X", weight=100, by=KEC)))
    with pytest.raises(ValueError, match="diisi oleh kecamatan"):
        run(spec, ["Bunta"], TEAM, sheet("S", "Bunta", "ani", {"X": 80}))


def test_an_unscorable_instrument_is_refused():
    spec = instrument(
        stage("S", aspect("A", score("X"), score("Y"), combine=AspectCombine.WEIGHTED_SUM))
    )
    assert "bobot indikator wajib diisi" in " ".join(instrument_errors(spec))
    with pytest.raises(ValueError, match="tidak dapat dinilai"):
        run(spec, ["Bunta"], TEAM, [])


def test_unknown_option_is_refused():
    spec = instrument(stage("S", aspect("A", yes_no("PUNYA"), weight=100)))
    with pytest.raises(ValueError, match="pilihan 'mungkin'"):
        run(spec, ["Bunta"], TEAM, sheet("S", "Bunta", "ani", {"A/PUNYA": "mungkin"}))


# ---------------------------------------------------------------- kinds


def test_yes_no_scores_the_chosen_option():
    spec = instrument(stage("S", aspect("A", yes_no("PUNYA", ya=100, tidak=0), weight=100)))
    ranking = run(
        spec,
        ["Bunta"],
        TEAM,
        sheet("S", "Bunta", "ani", {"A/PUNYA": "ya"})
        + sheet("S", "Bunta", "budi", {"A/PUNYA": "tidak"}),
    )
    assert ranking.results[0].final_score == D(50)  # (100 + 0) / 2


def test_text_entries_are_never_scored():
    text = IndicatorSpec("URAIAN", "Uraian", IndicatorKind.TEXT)
    spec = instrument(stage("S", aspect("A", score("X"), text, weight=100)))
    entries = sheet("S", "Bunta", "ani", {"A/X": 70, "A/URAIAN": None})
    ranking = run(spec, ["Bunta"], (("S", ("ani",)),), entries)
    assert ranking.results[0].final_score == D(70)
    assert [i.code for i in ranking.results[0].stages[0].members[0].aspects[0].indicators] == ["X"]


def test_informational_figures_and_files_are_never_scored():
    # Banggai stage 1: the kecamatan's IKU proves the aspect the team scores beside it;
    # Bekasi: the Camat's presentation is a file only.
    iku = replace(capaian("IKU", Polarity.HIGHER_IS_BETTER), informational=True)
    presentation = IndicatorSpec("PAPARAN", "Paparan", IndicatorKind.FILE, entered_by=KEC)
    spec = instrument(stage("S", aspect("A", score("X"), iku, presentation, weight=100)))
    assert not instrument_errors(spec)
    entries = sheet("S", "Bunta", "ani", {"A/X": 70}) + sheet(
        "S", "Bunta", None, {"A/IKU:target": 100, "A/IKU:realisasi": 20, "A/PAPARAN": None}
    )
    ranking = run(spec, ["Bunta"], (("S", ("ani",)),), entries)
    bunta = ranking.results[0]
    assert (bunta.status, bunta.final_score) == (ResultStatus.RANKED, D(70))
    assert [m.assessor for m in bunta.stages[0].members] == ["ani"]
    # Without the figures the kecamatan is just as complete: they are never required.
    alone = run(spec, ["Bunta"], (("S", ("ani",)),), sheet("S", "Bunta", "ani", {"A/X": 70}))
    assert alone.results[0].final_score == D(70)


def test_the_kecamatan_answer_to_a_team_indicator_never_counts():
    # Pekalongan K1: the kecamatan answers first, each evaluator's own choice counts.
    answered = replace(score("X"), answered_by_kecamatan=True)
    spec = instrument(stage("S", aspect("A", answered, weight=100)))
    entries = sheet("S", "Bunta", "ani", {"A/X": 40}) + sheet("S", "Bunta", None, {"A/X": 100})
    ranking = run(spec, ["Bunta"], (("S", ("ani",)),), entries)
    assert ranking.results[0].final_score == D(40)
    # The same value on a team indicator the kecamatan does not answer is refused.
    with pytest.raises(ValueError, match="diisi oleh tim"):
        run(instrument(stage("S", aspect("A", score("X"), weight=100))), ["Bunta"],
            (("S", ("ani",)),), entries)  # fmt: skip


CAPAIAN = instrument(
    stage("S", aspect("IKU", capaian("SKM", Polarity.HIGHER_IS_BETTER), weight=100))
)


def test_capaian_is_capped_into_the_indicator_range():
    entries = sheet("S", "Bunta", None, {"IKU/SKM:target": 80, "IKU/SKM:realisasi": "82.5"})
    ranking = run(CAPAIAN, ["Bunta"], (), entries)
    bunta = ranking.results[0]
    assert bunta.final_score == D(100)
    member = bunta.stages[0].members[0]
    assert member.assessor == "mandiri"  # a stage the kecamatan alone fills
    assert member.aspects[0].indicators[0].formula == (
        "82.5 / 80 × 100 = 103.125, dibatasi menjadi 100"
    )


def test_capaian_lower_is_better():
    spec = instrument(
        stage("S", aspect("IKU", capaian("KEMISKINAN", Polarity.LOWER_IS_BETTER), weight=100))
    )
    entries = sheet(
        "S", "Bunta", None, {"IKU/KEMISKINAN:target": 10, "IKU/KEMISKINAN:realisasi": 12}
    )
    assert run(spec, ["Bunta"], (), entries).results[0].final_score == D(80)


def test_capaian_with_target_zero_leaves_the_kecamatan_incomplete():
    entries = sheet("S", "Bunta", None, {"IKU/SKM:target": 0, "IKU/SKM:realisasi": 50})
    bunta = run(CAPAIAN, ["Bunta"], (), entries).results[0]
    assert (bunta.status, bunta.rank, bunta.final_score) == (ResultStatus.INCOMPLETE, None, None)
    indicator = bunta.stages[0].members[0].aspects[0].indicators[0]
    assert indicator.score is None
    assert indicator.note == "Target indikator SKM bernilai 0; capaian tidak dapat dihitung."
    assert any("bernilai 0" in note for note in texts(bunta.notes))


def test_counts_with_highest_zero_score_zero_for_everyone():
    spec = instrument(stage("S", aspect("SIN", count("MITRA"), weight=100)))
    entries = sheet("S", "Bunta", None, {"SIN/MITRA": 0}) + sheet(
        "S", "Toili", None, {"SIN/MITRA": 0}
    )
    ranking = run(spec, ["Bunta", "Toili"], (), entries)
    assert [r.final_score for r in ranking.results] == [D(0), D(0)]
    assert [r.rank for r in ranking.results] == [1, 1]
    assert any("jumlah tertinggi di antara peserta 0" in w for w in texts(ranking.warnings))


def test_counts_entered_by_the_team_use_the_highest_of_all_sheets():
    spec = instrument(stage("S", aspect("SIN", count("MITRA", by=EnteredBy.TEAM), weight=100)))
    entries = (
        sheet("S", "Bunta", "ani", {"SIN/MITRA": 8})
        + sheet("S", "Bunta", "budi", {"SIN/MITRA": 4})
        + sheet("S", "Toili", "ani", {"SIN/MITRA": 2})
        + sheet("S", "Toili", "budi", {"SIN/MITRA": 2})
    )
    results = by_name(run(spec, ["Bunta", "Toili"], TEAM, entries))
    assert results["Bunta"].final_score == D(75)  # (8/8 × 100 + 4/8 × 100) / 2
    assert results["Toili"].final_score == D(25)


# ---------------------------------------------------------------- incomplete sheets


def test_a_half_entered_sheet_leaves_the_stage_without_a_score():
    # Digest, "Rules for every region": a member's sheet is complete or it is not; the stage
    # score waits for it (before, budi was silently left out and Bunta scored 70).
    spec = instrument(stage("S", single("X", weight=50), single("Y", weight=50)))
    entries = sheet("S", "Bunta", "ani", {"X": 80, "Y": 60}) + sheet(
        "S", "Bunta", "budi", {"X": 100, "Y": None}
    )
    ranking = run(spec, ["Bunta"], TEAM, entries)
    bunta = ranking.results[0]
    ani, budi = bunta.stages[0].members
    assert ani.total == D(70)
    assert (budi.total, budi.excluded_reason) == (None, "penilaian belum lengkap")
    assert (bunta.status, bunta.final_score, bunta.stages[0].score) == (
        ResultStatus.INCOMPLETE,
        None,
        None,
    )
    assert bunta.stages[0].missing == ("budi",)
    assert bunta.missing == (("S", "budi"),)
    assert [a.score for a in bunta.stages[0].aspects] == [None, None]  # no mean over ani alone
    assert texts(ranking.warnings) == [
        "Penilaian budi untuk Kecamatan Bunta pada tahap S belum lengkap (Y); lembar yang belum "
        "lengkap tidak dihitung sebagian, sehingga nilai tahap menunggu lembar itu lengkap.",
        "Kecamatan Bunta belum lengkap dinilai; tidak diperingkat. Menunggu: budi (S).",
    ]


def test_nobody_scored_means_incomplete_without_predikat_or_award():
    spec = instrument(
        stage("S", single("X", weight=100)),
        bands=(),
        award_for_others="Piagam",
    )
    entries = sheet("S", "Toili", "ani", {"X": 60}) + sheet("S", "Toili", "budi", {"X": 60})
    ranking = run(spec, ["Bunta", "Toili"], TEAM, entries)
    bunta = by_name(ranking)["Bunta"]
    assert (bunta.status, bunta.rank, bunta.award, bunta.predikat) == (
        ResultStatus.INCOMPLETE,
        None,
        "",
        "",
    )
    assert bunta.stages[0].score is None
    assert (
        "Kecamatan Bunta belum lengkap dinilai; tidak diperingkat. Menunggu: ani (S), budi (S)."
        in texts(ranking.warnings)
    )
    assert by_name(ranking)["Toili"].award == "Piagam"


def test_a_kecamatan_that_left_its_self_assessment_empty():
    spec = instrument(stage("S", single("X", weight=100, by=KEC)))
    ranking = run(spec, ["Bunta"], (), [])
    member = ranking.results[0].stages[0].members[0]
    assert (member.assessor, member.excluded_reason) == ("mandiri", "belum menilai")
    assert (
        "Kecamatan Bunta belum mengisi penilaian mandiri tahap S; nilai tahap belum dapat "
        "dihitung." in texts(ranking.warnings)
    )


def test_unranked_come_last_in_a_fixed_order():
    spec = instrument(
        stage("S1", single("X", weight=100), shortlist=2),
        stage("S2", single("X", weight=100)),
        final=FinalCombine.MEAN_OF_STAGES,
    )
    teams = (("S1", ("ani",)), ("S2", ("ani",)))
    s1 = {"Bunta": 90, "Toili": 80, "Zeta": 70, "Alpha": 60}
    entries = [e for name, v in s1.items() for e in sheet("S1", name, "ani", {"X": v})]
    entries += sheet("S2", "Bunta", "ani", {"X": 50}) + sheet("S2", "Toili", "ani", {"X": 100})
    names = [*s1, "Mid", "Aaa"]
    ranking = compute_ranking(
        ScoringInput(spec, participants(*names, disqualified={"Aaa": ""}), teams, tuple(entries))
    )
    assert [(r.name, r.status, r.rank) for r in ranking.results] == [
        ("Toili", ResultStatus.RANKED, 1),  # (80 + 100) / 2 = 90
        ("Bunta", ResultStatus.RANKED, 2),  # (90 + 50) / 2 = 70
        ("Mid", ResultStatus.INCOMPLETE, None),
        ("Zeta", ResultStatus.NOT_SHORTLISTED, None),  # 70 before 60, whatever the name
        ("Alpha", ResultStatus.NOT_SHORTLISTED, None),
        ("Aaa", ResultStatus.DISQUALIFIED, None),
    ]
    assert texts(by_name(ranking)["Aaa"].notes) == ["Didiskualifikasi."]


def test_the_garbage_collector_is_restored():
    assert gc.isenabled()
    run(SIMPLE, ["Bunta"], TEAM, sheet("S", "Bunta", "ani", {"X": 80}))
    assert gc.isenabled()
    gc.disable()
    try:
        run(SIMPLE, ["Bunta"], TEAM, sheet("S", "Bunta", "ani", {"X": 80}))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_sum_and_mean_aspects():
    spec = instrument(
        stage(
            "S",
            aspect("A", score("P", hi=10), score("Q", hi=10), max_score=20),
            aspect("B", score("R"), score("T"), combine=AspectCombine.MEAN),
            aspect_combine=AspectCombine.SUM,
            max_score=120,
        )
    )
    entries = sheet("S", "Bunta", "ani", {"A/P": 7, "A/Q": 8, "B/R": 60, "B/T": 70})
    member = run(spec, ["Bunta"], TEAM, entries).results[0].stages[0].members[0]
    assert [a.score for a in member.aspects] == [D(15), D(65)]
    assert member.total == D(80)
    assert member.formula == "A 15 + B 65 = 80"
