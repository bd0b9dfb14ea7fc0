"""Properties every ranking keeps, whatever the scores (hypothesis)."""

import random
from datetime import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import compute_ranking
from scoring.rounding import publish
from scoring.rules import AbsenceKind, AspectCombine, FinalCombine, MemberCombine
from scoring.structures import (
    Absence,
    InstrumentSpec,
    Participant,
    ResultStatus,
    ScoringInput,
    TieBreakSpec,
)
from tests.scoring.builders import aspect, choice, score, sheet, stage

NAMES = ["Bunta", "Luwuk", "Toili", "Nuhon", "Batui", "Lobu", "Masama", "Pagimana"]
MEMBERS = ["ani", "budi", "citra", "dedi", "eka"]
WHEN = datetime(2026, 5, 4, 9, 0)


def instrument(member_combine: MemberCombine, with_choice: bool = True) -> InstrumentSpec:
    aspects = [
        aspect("X", score("X1", weight=100), combine=AspectCombine.WEIGHTED_SUM, weight=50),
        aspect(
            "Y",
            score("Y1", hi=60),
            score("Y2", hi=40),
            max_score=100,
            weight=30 if with_choice else 50,
        ),
    ]
    if with_choice:
        options = {"a": 100, "b": 50, "c": 0}
        aspects.append(
            aspect(
                "Z",
                choice("Z1", options),
                choice("Z2", options),
                combine=AspectCombine.MEAN,
                weight=20,
            )
        )
    return InstrumentSpec(
        "sifat",
        FinalCombine.SINGLE_STAGE,
        (stage("S", *aspects, member_combine=member_combine),),
        tie_breaks=(TieBreakSpec("S", "X"),),
    )


CELLS = {
    "X/X1": st.integers(0, 100),
    "Y/Y1": st.integers(0, 60),
    "Y/Y2": st.integers(0, 40),
    "Z/Z1": st.sampled_from("abc"),
    "Z/Z2": st.sampled_from("abc"),
}


@st.composite
def periods(draw, *, full: bool = False, with_choice: bool = True, team_sizes=None):
    """A period: participants, a team, and each member's sheet for each participant (a full
    sheet, nothing, or a sheet with holes, unless `full`)."""
    combine = draw(st.sampled_from(list(MemberCombine)))
    spec = instrument(combine, with_choice)
    names = NAMES[: draw(st.integers(1, len(NAMES)))]
    size = draw(st.sampled_from(team_sizes)) if team_sizes else draw(st.integers(1, 4))
    team = MEMBERS[:size]
    cells = {k: v for k, v in CELLS.items() if with_choice or not k.startswith("Z")}
    entries = []
    absences = []
    for name in names:
        for member in team:
            shape = "full" if full else draw(st.sampled_from(["full", "full", "none", "holes"]))
            if shape != "full" and draw(st.booleans()):
                kind = draw(st.sampled_from(list(AbsenceKind)))
                absences.append(Absence("S", name.lower(), member, kind, "alasan", "tapem", WHEN))
            if shape == "none":
                continue
            values = {cell: draw(strategy) for cell, strategy in cells.items()}
            if shape == "holes":
                dropped = draw(st.lists(st.sampled_from(sorted(values)), min_size=1, unique=True))
                values = {k: v for k, v in values.items() if k not in dropped}
            entries += sheet("S", name, member, values)
    participants = tuple(Participant(name.lower(), name) for name in names)
    return ScoringInput(
        spec, participants, (("S", tuple(team)),), tuple(entries), absences=tuple(absences)
    )


SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(periods())
def test_the_ranking_is_a_permutation_with_competition_ranks(data):
    ranking = compute_ranking(data)
    assert sorted(r.key for r in ranking.results) == sorted(p.key for p in data.participants)
    ranked = [r for r in ranking.results if r.status == ResultStatus.RANKED]
    assert ranking.results[: len(ranked)] == tuple(ranked)  # ranked first
    for position, result in enumerate(ranked, start=1):
        if position == 1:
            assert result.rank == 1
            continue
        previous = ranked[position - 2]
        assert result.published_score <= previous.published_score
        if result.rank == previous.rank:
            assert result.published_score == previous.published_score
            assert [publish(v) for v in result.tie_break_values] == [
                publish(v) for v in previous.tie_break_values
            ]
        else:
            assert result.rank == position
    for result in ranking.results[len(ranked) :]:
        assert (result.rank, result.final_score, result.published_score) == (None, None, None)


@SETTINGS
@given(periods())
def test_scores_stay_within_their_range(data):
    stage_spec = data.instrument.stages[0]
    maxima = {a.code: a.max_score for a in stage_spec.aspects}
    for result in compute_ranking(data).results:
        if result.final_score is not None:
            assert 0 <= result.final_score <= stage_spec.max_score
            assert 0 <= result.published_score <= stage_spec.max_score
        for member in result.stages[0].members:
            if member.total is not None:
                assert 0 <= member.total <= stage_spec.max_score
            for aspect_result in member.aspects:
                if aspect_result.score is not None:
                    assert 0 <= aspect_result.score <= maxima[aspect_result.code]


@SETTINGS
@given(periods(), st.randoms(use_true_random=False))
def test_input_order_changes_nothing(data, rnd: random.Random):
    def shuffled(items):
        items = list(items)
        rnd.shuffle(items)
        return tuple(items)

    permuted = ScoringInput(
        data.instrument,
        shuffled(data.participants),
        tuple((code, shuffled(members)) for code, members in data.teams),
        shuffled(data.entries),
        absences=shuffled(data.absences),
    )
    assert compute_ranking(permuted) == compute_ranking(data)


def stage_scores(ranking):
    return {
        r.key: (r.stages[0].score, [a.score for a in r.stages[0].aspects]) for r in ranking.results
    }


@SETTINGS
@given(periods(full=True, with_choice=False, team_sizes=[1, 2, 4, 5]))
def test_a_member_scoring_the_current_means_changes_no_mean(data):
    # With 1, 2, 4 or 5 members every mean of whole numbers has at most two decimals, so the
    # newcomer can enter it exactly (values carry at most four decimals).
    before = compute_ranking(data)
    newcomer = "zaki"
    entries = list(data.entries)
    for result in before.results:
        means = {
            f"{a.code}/{i.code}": i.score for a in result.stages[0].aspects for i in a.indicators
        }
        entries += sheet("S", result.name, newcomer, means)
    ((code, members),) = data.teams
    after = compute_ranking(
        ScoringInput(
            data.instrument, data.participants, ((code, (*members, newcomer)),), tuple(entries)
        )
    )
    assert stage_scores(after) == stage_scores(before)
    for result in after.results:
        member = next(m for m in result.stages[0].members if m.assessor == newcomer)
        assert member.total == result.stages[0].score


def with_late_member(data, what, absent):
    """`data` with one more member on the team, who entered nothing or half a sheet for every
    kecamatan, recorded absent for each (`absent`) or not."""
    late = "zaki"
    entries = list(data.entries)
    if what == "holes":  # a half-filled sheet: X only
        names = [p.name for p in data.participants]
        entries += [e for name in names for e in sheet("S", name, late, {"X/X1": 0})]
    ((code, members),) = data.teams
    absences = data.absences
    if absent:
        absences += tuple(
            Absence(code, p.key, late, AbsenceKind.RECUSED, "kerabat camat", "tapem", WHEN)
            for p in data.participants
        )
    return ScoringInput(
        data.instrument,
        data.participants,
        ((code, (*members, late)),),
        tuple(entries),
        absences=absences,
    )


@SETTINGS
@given(periods(), st.sampled_from(["nothing", "holes"]))
def test_a_member_recorded_absent_changes_no_score(data, what):
    # Digest, "Rules for every region": the mean divides by the members who took part; a
    # member recorded absent or recused is neither a zero nor a reason to wait.
    before = compute_ranking(data)
    after = compute_ranking(with_late_member(data, what, absent=True))
    assert [(r.key, r.final_score, r.rank) for r in after.results] == [
        (r.key, r.final_score, r.rank) for r in before.results
    ]
    for result in after.results:
        member = next(m for m in result.stages[0].members if m.assessor == "zaki")
        assert (member.total, member.excluded_reason) == (None, "mengundurkan diri")


@SETTINGS
@given(periods(), st.sampled_from(["nothing", "holes"]))
def test_a_member_who_did_not_complete_leaves_every_stage_waiting(data, what):
    # Digest, "Rules for every region": no stage score while a seated member has not
    # completed their sheet (before, the member was silently left out of the mean).
    after = compute_ranking(with_late_member(data, what, absent=False))
    for result in after.results:
        stage = result.stages[0]
        assert stage.score is None
        assert "zaki" in stage.missing
        assert result.status == ResultStatus.INCOMPLETE
        member = next(m for m in stage.members if m.assessor == "zaki")
        assert member.excluded_reason == (
            "belum menilai" if what == "nothing" else "penilaian belum lengkap"
        )


def test_a_zero_is_a_score_not_a_gap():
    # The contrast that makes the property above meaningful: a real 0 lowers the mean.
    spec = instrument(MemberCombine.MEAN_OF_MEMBER_TOTALS, with_choice=False)
    full = {"X/X1": 100, "Y/Y1": 60, "Y/Y2": 40}
    zero = dict.fromkeys(full, 0)
    data = ScoringInput(
        spec,
        (Participant("bunta", "Bunta"),),
        (("S", ("ani", "budi")),),
        tuple(sheet("S", "Bunta", "ani", full) + sheet("S", "Bunta", "budi", zero)),
    )
    assert compute_ranking(data).results[0].final_score == Decimal(50)


@SETTINGS
@given(periods())
def test_a_lighter_trace_gives_the_same_ranking(data):
    assert compute_ranking(data, trace=False).essentials() == compute_ranking(data).essentials()
