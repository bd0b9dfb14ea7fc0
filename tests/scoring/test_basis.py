"""Which figure decides (digest, "Rules for every region"): no text prescribes rounding, so
every set declares it. Ranks, ties, shortlists and predikat bands read the published
two-decimal score (half up) unless the set says `exact`; where the other figure would order,
shortlist or band differently, the ranking warns and names the kecamatan."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import compute_ranking
from scoring.rounding import predicate_for
from scoring.rules import DecisionBasis, FinalCombine, PredicateRounding
from scoring.structures import InstrumentSpec, ScoringInput, TieBreakSpec
from tests.scoring.builders import band, participants, sheet, single, stage, texts

D = Decimal
TEAM = ("ani", "budi", "citra")
TEGAL_BANDS = (  # Perbup Tegal 30/2016 Pasal 8
    band("sangat kuat", 85, None, lower_inclusive=False),
    band("kuat", 75, 85, lower_inclusive=False),
    band("sedang", 55, 75, lower_inclusive=False),
    band("lemah", 40, 55, lower_inclusive=False),
    band("sangat lemah", None, 40),
)


def one_stage(**kwargs) -> InstrumentSpec:
    return InstrumentSpec(
        "uji", FinalCombine.SINGLE_STAGE, (stage("S", single("X", weight=100)),), **kwargs
    )


def run(spec, scores: dict[str, tuple], team=TEAM):
    """scores: {kecamatan: (value by each member of `team`)}."""
    entries = [
        e
        for name, values in scores.items()
        for member, value in zip(team, values, strict=True)
        for e in sheet("S", name, member, {"X": value})
    ]
    data = ScoringInput(spec, participants(*scores), (("S", team),), tuple(entries))
    return compute_ranking(data)


def by_name(ranking):
    return {r.name: r for r in ranking.results}


# ---------------------------------------------------------------- bands


def test_a_band_that_differs_on_the_exact_score_is_named():
    # Slawi: (85 + 85 + 85.01) / 3 = 85.00333…, published 85,00: "kuat" (> 75 to ≤ 85), while
    # the exact score is above 85, "sangat kuat".
    ranking = run(one_stage(bands=TEGAL_BANDS), {"Slawi": (85, 85, "85.01")})
    slawi = ranking.results[0]
    assert (slawi.published_score, slawi.predikat) == (D("85.00"), "kuat")
    (warning,) = [w for w in ranking.warnings if w.code == "exact_band_differs"]
    assert warning.text == (
        "Kecamatan Slawi: nilai yang diumumkan 85,00 memberi predikat kuat; nilai tepat "
        "85,003333 akan memberi predikat sangat kuat."
    )
    assert warning.parameters["key"] == "slawi"


def test_banggai_whole_number_rounding_reads_the_published_score():
    # Pasal 19 bands, decision: round half up to a whole number. (30.49 + 30.50) / 2 = 30.495:
    # published 30,50 -> 31, Kurang; the exact 30.495 -> 30 would be Kurang Sekali.
    bands = (band("Kurang Sekali", None, 30), band("Kurang", 31, 60))
    spec = one_stage(bands=bands, predicate_rounding=PredicateRounding.HALF_UP_INTEGER)
    ranking = run(spec, {"Bunta": ("30.49", "30.50")}, team=("ani", "budi"))
    assert ranking.results[0].predikat == "Kurang"
    assert [w.code for w in ranking.warnings] == ["exact_band_differs"]
    exact = run(
        replace(spec, decision_basis=DecisionBasis.EXACT),
        {"Bunta": ("30.49", "30.50")},
        team=("ani", "budi"),
    )
    assert exact.results[0].predikat == "Kurang Sekali"
    assert texts(exact.warnings) == [
        "Kecamatan Bunta: nilai tepat 30,495 memberi predikat Kurang Sekali; nilai yang "
        "diumumkan 30,50 akan memberi predikat Kurang."
    ]


def test_no_warning_when_both_figures_agree():
    ranking = run(one_stage(bands=TEGAL_BANDS), {"Slawi": (80, 80, 80), "Talang": (60, 61, 62)})
    assert ranking.warnings == ()


# ---------------------------------------------------------------- order


def test_an_order_the_exact_scores_would_change_is_named():
    # Toili (80 + 80 + 80.01) / 3 = 80.00333…; Bunta (80 + 80 + 79.99) / 3 = 79.99666…:
    # both publish 80,00, an unbroken tie at rank 1; the exact scores put Toili first.
    ranking = run(one_stage(), {"Bunta": (80, 80, "79.99"), "Toili": (80, 80, "80.01")})
    assert [(r.name, r.rank) for r in ranking.results] == [("Bunta", 1), ("Toili", 1)]
    (warning,) = [w for w in ranking.warnings if w.code == "exact_order_differs"]
    assert warning.parameters["keys"] == ("bunta",)  # rank 1 by the published, 2 by the exact
    assert warning.text == (
        "Menurut nilai tepat (sebelum pembulatan), urutan Kecamatan Bunta berbeda dari urutan "
        "menurut nilai dua desimal yang diumumkan, yang menentukan peringkat."
    )


def test_basis_exact_ranks_on_the_exact_score():
    spec = one_stage(decision_basis=DecisionBasis.EXACT, bands=TEGAL_BANDS)
    ranking = run(spec, {"Bunta": (80, 80, "79.99"), "Toili": (80, 80, "80.01")})
    results = by_name(ranking)
    assert (results["Toili"].rank, results["Bunta"].rank) == (1, 2)
    assert results["Toili"].published_score == results["Bunta"].published_score == D("80.00")
    assert [w.code for w in ranking.warnings] == ["published_order_differs"]
    assert ranking.warnings[0].parameters["keys"] == ("bunta",)


def test_a_tie_break_against_the_exact_order_names_both():
    # Published tie at 80,00 broken by the penunjang (Bunta 90 > Toili 70); the exact scores
    # would put Toili first: both ranks change.
    spec = InstrumentSpec(
        "uji",
        FinalCombine.SINGLE_STAGE,
        (stage("S", single("X", weight=100), single("P", counts=False)),),
        tie_breaks=(TieBreakSpec("S", "P", label="indikator penunjang"),),
    )
    entries = []
    for name, values, penunjang in (
        ("Bunta", (80, 80, "79.99"), 90),
        ("Toili", (80, 80, "80.01"), 70),
    ):
        for member, value in zip(TEAM, values, strict=True):
            entries += sheet("S", name, member, {"X": value, "P": penunjang})
    ranking = compute_ranking(
        ScoringInput(spec, participants("Bunta", "Toili"), (("S", TEAM),), tuple(entries))
    )
    assert [(r.name, r.rank) for r in ranking.results] == [("Bunta", 1), ("Toili", 2)]
    (warning,) = [w for w in ranking.warnings if w.code == "exact_order_differs"]
    assert warning.parameters["keys"] == ("bunta", "toili")


# ---------------------------------------------------------------- shortlists


def test_a_shortlist_the_exact_scores_would_change_is_named():
    spec = InstrumentSpec(
        "uji",
        FinalCombine.MEAN_OF_STAGES,
        (stage("S", single("X", weight=100), shortlist=1), stage("F", single("Y", weight=100))),
    )
    entries = []
    for name, values in (("Bunta", (80, 80, "79.99")), ("Toili", (80, 80, "80.01"))):
        for member, value in zip(TEAM, values, strict=True):
            entries += sheet("S", name, member, {"X": value})
    teams = (("S", TEAM), ("F", TEAM))
    ranking = compute_ranking(
        ScoringInput(spec, participants("Bunta", "Toili"), teams, tuple(entries))
    )
    codes = [w.code for w in ranking.warnings]
    assert "shortlist_tie_unbroken" in codes  # both publish 80,00: both go on
    (warning,) = [w for w in ranking.warnings if w.code == "exact_shortlist_differs"]
    assert warning.parameters["keys"] == ("bunta",)  # the exact scores would send Toili alone


# ---------------------------------------------------------------- the warnings name exactly those


@st.composite
def close_scores(draw):
    """Kecamatan scored by three members on values close together, so that published ties
    and scores near a band bound are common; a tie-break on P for some runs."""
    names = [f"Kec {n}" for n in range(draw(st.integers(2, 7)))]
    values = st.sampled_from(["74.99", "75", "75.01", "75.5", "75.49", "84.99", "85", "85.01"])
    rows = {name: [draw(values) for _ in TEAM] for name in names}
    penunjang = {name: draw(st.sampled_from([None, 60, 70])) for name in names}
    rule = draw(st.sampled_from(list(PredicateRounding)))
    return rows, penunjang, rule


@settings(max_examples=80, deadline=None)
@given(close_scores())
def test_the_basis_warnings_name_exactly_the_kecamatan_that_differ(case):
    rows, penunjang, rule = case
    spec = InstrumentSpec(
        "uji",
        FinalCombine.SINGLE_STAGE,
        (stage("S", single("X", weight=100), single("P", counts=False)),),
        bands=TEGAL_BANDS,
        predicate_rounding=rule,
        tie_breaks=(TieBreakSpec("S", "P"),),
    )
    entries = []
    for name, values in rows.items():
        for member, value in zip(TEAM, values, strict=True):
            cells = {"X": value} | ({"P": penunjang[name]} if penunjang[name] else {})
            entries += sheet("S", name, member, cells)
    data = ScoringInput(spec, participants(*rows), (("S", TEAM),), tuple(entries))
    published = compute_ranking(data)
    exact = compute_ranking(replace(data, instrument=replace(spec, decision_basis="exact")))
    ranks = {r.key: r.rank for r in exact.results}
    moved = {r.key for r in published.results if r.rank != ranks[r.key]}
    warned = {
        k
        for w in published.warnings
        if w.code == "exact_order_differs"
        for k in w.parameters["keys"]
    }
    assert warned == moved
    banded = {
        r.key
        for r in published.results
        if r.predikat != predicate_for(r.final_score, rule, TEGAL_BANDS, DecisionBasis.EXACT)
    }
    assert {
        w.parameters["key"] for w in published.warnings if w.code == "exact_band_differs"
    } == banded
    # and the reverse, for the set that decides on the exact score
    back = {r.key: r.rank for r in published.results}
    assert {
        k
        for w in exact.warnings
        if w.code == "published_order_differs"
        for k in w.parameters["keys"]
    } == {r.key for r in exact.results if r.rank != back[r.key]}
