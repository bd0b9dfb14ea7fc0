"""Ties at an award (digest, "Rules for every region"): configured tie-breaks come first; a
tie that survives them shares its rank, but an award is never handed out twice and never
skipped in silence. When the tied kecamatan would receive different tiers (or one a tier and
the other none), those tiers are withheld ("seri — diputuskan Tim") until Tapem records the
Tim's decision (Kep. Wali Kota Bekasi Lampiran I II.5 gives the Tim that discretion; Perbup
Banggai 49/2022 Pasal 22(2) sends a single Terbaik I to the province)."""

from datetime import datetime
from decimal import Decimal

import pytest

from scoring.engine import compute_ranking
from scoring.rules import DecisionBasis, FinalCombine
from scoring.structures import (
    AwardSpec,
    InstrumentSpec,
    ScoringInput,
    TieBreakSpec,
    TieDecision,
    UndecidedTie,
)
from tests.scoring.builders import BEKASI_AWARDS, participants, sheet, single, slug, stage, texts

D = Decimal
BANGGAI_AWARDS = ("Terbaik I", "Terbaik II", "Terbaik III", "Terbaik IV")  # Pasal 23(1)
PIAGAM = "Piagam Penghargaan"  # Pasal 23(3)


def instrument(awards, others="", **kwargs) -> InstrumentSpec:
    return InstrumentSpec(
        "uji",
        FinalCombine.SINGLE_STAGE,
        (stage("S", single("X", weight=100), single("P", counts=False), name="Penilaian"),),
        awards=tuple(AwardSpec(rank, label) for rank, label in enumerate(awards, start=1)),
        award_for_others=others,
        **kwargs,
    )


BEKASI = instrument(BEKASI_AWARDS, tie_breaks=(TieBreakSpec("S", "P", label="penunjang"),))
BANGGAI = instrument(BANGGAI_AWARDS, PIAGAM)


def run(spec, scores: dict[str, object], decisions=(), penunjang=None):
    """One member ("ani") scores X for each kecamatan; `penunjang`: {kecamatan: P}."""
    entries = []
    for name, value in scores.items():
        cells = {"X": value}
        if penunjang and name in penunjang:
            cells["P"] = penunjang[name]
        entries += sheet("S", name, "ani", cells)
    data = ScoringInput(
        spec,
        participants(*scores),
        (("S", ("ani",)),),
        tuple(entries),
        tie_decisions=tuple(decisions),
    )
    return compute_ranking(data)


def places(ranking):
    return [(r.name, r.rank, r.award) for r in ranking.results]


def decided(order, scores, reason="paparan lebih lengkap", meeting="Rapat Pleno 25 Agustus"):
    return TieDecision(
        tuple(slug(name) for name in order),
        reason,
        meeting,
        tuple((slug(name), D(score)) for name, score in scores.items()),
        recorded_by="tapem",
        recorded_at=datetime(2026, 8, 25, 16, 0),
    )


# ---------------------------------------------------------------- every award boundary


@pytest.mark.parametrize(
    ("spec", "tiers"),
    [(BEKASI, (*BEKASI_AWARDS, "")), (BANGGAI, (*BANGGAI_AWARDS, PIAGAM))],
    ids=["bekasi", "banggai"],
)
@pytest.mark.parametrize("place", range(1, 7))
def test_a_tie_across_any_award_boundary_withholds_both_awards(spec, tiers, place):
    """Places `place` and `place + 1` tie: wherever their awards differ, both are withheld
    and the places above and below keep theirs."""
    if place >= len(tiers):  # Banggai has four tiers, then the Piagam for everyone
        pytest.skip("no boundary")
    names = [f"Kec {n:02d}" for n in range(1, place + 3)]
    scores = {name: 100 - n for n, name in enumerate(names, start=1)}
    scores[names[place]] = scores[names[place - 1]]  # places `place` and `place + 1` tie
    ranking = run(spec, scores)
    expected = [tiers[min(n, len(tiers) - 1)] for n in range(len(names))]
    tied = {place - 1, place}
    assert [(r.rank, r.award) for r in ranking.results] == [
        (place if n in tied else n + 1, "" if n in tied else expected[n]) for n in range(len(names))
    ]
    (tie,) = ranking.undecided_ties
    assert tie.tiers == tuple(t for t in (expected[place - 1], expected[place]) if t)
    assert (tie.rank, tie.keys) == (place, tuple(slug(n) for n in names[place - 1 : place + 1]))


# ---------------------------------------------------------------- Bekasi: I–III, Harapan I–III


def test_bekasi_a_tie_at_peringkat_three_withholds_three_and_harapan_one():
    ranking = run(
        BEKASI,
        {"Jatiasih": 90, "Bantargebang": 85, "Rawalumbu": 60, "Medan Satria": 60, "Bekasi": 50},
        penunjang={"Rawalumbu": 70, "Medan Satria": 70},  # the penunjang does not break it
    )
    # Before: Rawalumbu and Medan Satria were both Peringkat III, and no Harapan I.
    assert places(ranking) == [
        ("Jatiasih", 1, "Peringkat I"),
        ("Bantargebang", 2, "Peringkat II"),
        ("Medan Satria", 3, ""),
        ("Rawalumbu", 3, ""),
        ("Bekasi", 5, "Harapan II"),
    ]
    assert ranking.has_undecided_tie
    assert ranking.undecided_ties == (
        UndecidedTie(3, ("medan-satria", "rawalumbu"), D("60.00"), ("Peringkat III", "Harapan I")),
    )
    (warning,) = [w for w in ranking.warnings if w.code == "tie_undecided"]
    assert warning.text == (
        "Seri — diputuskan Tim: Kecamatan Medan Satria, Kecamatan Rawalumbu memiliki nilai "
        "akhir sama (60,00) yang tidak terpecahkan aturan nilai seri dan berbagi peringkat 3; "
        "penghargaan Peringkat III, Harapan I ditahan sampai Tapem mencatat keputusan Tim, "
        "dan hasil belum dapat dibekukan."
    )
    rawalumbu = ranking.results[3]
    assert (
        "Penghargaan Peringkat III, Harapan I ditahan: seri dengan Kecamatan Medan Satria — "
        "diputuskan Tim." in texts(rawalumbu.notes)
    )


def test_bekasi_a_tie_at_harapan_three_withholds_it():
    scores = {f"K{n}": 100 - n for n in range(1, 6)} | {"Pondokgede": 40, "Rawalumbu": 40}
    ranking = run(BEKASI, scores)
    assert places(ranking)[5:] == [("Pondokgede", 6, ""), ("Rawalumbu", 6, "")]
    assert ranking.undecided_ties[0].tiers == ("Harapan III",)  # one a tier, the other none


def test_bekasi_a_tie_past_the_awards_shares_the_rank():
    scores = {f"K{n}": 100 - n for n in range(1, 7)} | {"Pondokgede": 40, "Rawalumbu": 40}
    ranking = run(BEKASI, scores)
    assert places(ranking)[6:] == [("Pondokgede", 7, ""), ("Rawalumbu", 7, "")]
    assert not ranking.has_undecided_tie
    assert [w.code for w in ranking.warnings] == ["tie_unbroken"]


def test_bekasi_the_penunjang_breaks_a_tie_before_the_tim_is_asked():
    ranking = run(
        BEKASI,
        {"Jatiasih": 78, "Bantargebang": 78},
        penunjang={"Jatiasih": 85, "Bantargebang": 80},  # Lampiran I II.5
    )
    assert places(ranking) == [("Jatiasih", 1, "Peringkat I"), ("Bantargebang", 2, "Peringkat II")]
    assert not ranking.has_undecided_tie


# ---------------------------------------------------------------- Banggai: Terbaik I–IV, Piagam


def test_banggai_never_two_terbaik_one():
    ranking = run(BANGGAI, {"Luwuk": "85.5", "Toili": "85.5", "Bunta": 70})
    assert places(ranking) == [
        ("Luwuk", 1, ""),
        ("Toili", 1, ""),
        ("Bunta", 3, "Terbaik III"),
    ]
    assert ranking.undecided_ties[0].tiers == ("Terbaik I", "Terbaik II")


def test_banggai_a_tie_at_terbaik_four_withholds_it_and_the_piagam():
    scores = {"A": 90, "B": 80, "C": 70, "Luwuk": 60, "Toili": 60}
    ranking = run(BANGGAI, scores)
    assert places(ranking)[3:] == [("Luwuk", 4, ""), ("Toili", 4, "")]
    assert ranking.undecided_ties[0].tiers == ("Terbaik IV", PIAGAM)


def test_banggai_a_tie_among_the_piagam_shares_it():
    scores = {"A": 90, "B": 80, "C": 70, "D": 65, "Luwuk": 60, "Toili": 60}
    ranking = run(BANGGAI, scores)
    assert places(ranking)[4:] == [("Luwuk", 5, PIAGAM), ("Toili", 5, PIAGAM)]
    assert not ranking.has_undecided_tie


# ---------------------------------------------------------------- the Tim's decision


def test_a_decision_orders_the_tie_and_the_awards_follow():
    decision = decided(["Toili", "Luwuk"], {"Luwuk": "85.50", "Toili": "85.50"})
    ranking = run(BANGGAI, {"Luwuk": "85.5", "Toili": "85.5", "Bunta": 70}, [decision])
    assert places(ranking) == [
        ("Toili", 1, "Terbaik I"),
        ("Luwuk", 2, "Terbaik II"),
        ("Bunta", 3, "Terbaik III"),
    ]
    assert not ranking.has_undecided_tie
    assert ranking.tie_decisions == (decision,)
    assert ranking.results[0].tie_decision == decision
    assert ranking.results[2].tie_decision is None
    (note,) = [n for n in ranking.results[0].notes if n.code == "tie_decided"]
    assert note.text == (
        "Seri dengan Kecamatan Luwuk diputuskan Tim (Rapat Pleno 25 Agustus): urutan Kecamatan "
        "Toili, Kecamatan Luwuk; alasan: paparan lebih lengkap."
    )
    assert not [w for w in ranking.warnings if w.code.startswith("tie_")]


def test_a_decision_lapses_when_a_score_changes():
    decision = decided(["Toili", "Luwuk"], {"Luwuk": "85.50", "Toili": "85.50"})
    # A value is corrected after the meeting: both now 85.40, still tied, on other scores.
    ranking = run(BANGGAI, {"Luwuk": "85.4", "Toili": "85.4"}, [decision])
    assert places(ranking) == [("Luwuk", 1, ""), ("Toili", 1, "")]
    assert ranking.has_undecided_tie
    assert (ranking.tie_decisions, ranking.lapsed_tie_decisions) == ((), (decision,))
    (lapsed,) = [w for w in ranking.warnings if w.code == "tie_decision_lapsed"]
    assert lapsed.text == (
        "Keputusan Tim atas seri Kecamatan Toili, Kecamatan Luwuk (Rapat Pleno 25 Agustus) tidak "
        "berlaku lagi karena nilai atau kecamatan yang seri telah berubah; keputusan itu "
        "diabaikan."
    )
    # A correction that ends the tie: the scores decide, and the decision still lapses.
    ranking = run(BANGGAI, {"Luwuk": "85.6", "Toili": "85.5"}, [decision])
    assert places(ranking) == [("Luwuk", 1, "Terbaik I"), ("Toili", 2, "Terbaik II")]
    assert [w.code for w in ranking.warnings] == ["tie_decision_lapsed"]


def test_a_decision_on_part_of_a_wider_tie_lapses():
    decision = decided(["Toili", "Luwuk"], {"Luwuk": "85.50", "Toili": "85.50"})
    ranking = run(BANGGAI, {"Luwuk": "85.5", "Toili": "85.5", "Bunta": "85.5"}, [decision])
    assert ranking.undecided_ties[0].keys == ("bunta", "luwuk", "toili")
    assert ranking.lapsed_tie_decisions == (decision,)


def test_a_decision_on_the_exact_score_for_a_set_that_decides_on_it():
    spec = instrument(BANGGAI_AWARDS, PIAGAM, decision_basis=DecisionBasis.EXACT)
    decision = decided(["Toili", "Luwuk"], {"Luwuk": "85.5", "Toili": "85.5"})
    ranking = run(spec, {"Luwuk": "85.5", "Toili": "85.5"}, [decision])
    assert places(ranking) == [("Toili", 1, "Terbaik I"), ("Luwuk", 2, "Terbaik II")]


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (decided(["Luwuk"], {"Luwuk": "85.50"}), "≥ 2 kecamatan"),
        (decided(["Luwuk", "Luwuk"], {"Luwuk": "85.50"}), "≥ 2 kecamatan"),
        (decided(["Luwuk", "Nuhon"], {"Luwuk": 1, "Nuhon": 1}), "tidak dikenal"),
        (decided(["Luwuk", "Toili"], {"Luwuk": "85.50"}), "tiap kecamatannya"),
    ],
)
def test_decisions_that_cannot_name_a_tie_are_refused(decision, message):
    with pytest.raises(ValueError, match=message):
        run(BANGGAI, {"Luwuk": "85.5", "Toili": "85.5"}, [decision])


def test_two_decisions_on_the_same_tie_are_refused():
    scores = {"Luwuk": "85.50", "Toili": "85.50"}
    decisions = [decided(["Toili", "Luwuk"], scores), decided(["Luwuk", "Toili"], scores)]
    with pytest.raises(ValueError, match="Dua keputusan Tim"):
        run(BANGGAI, {"Luwuk": "85.5", "Toili": "85.5"}, decisions)
