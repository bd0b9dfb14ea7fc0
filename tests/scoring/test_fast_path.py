"""Scoring from sums (`AspectSum`, what the database adds up for a national ranking) gives the
ranking that scoring the same values one by one gives (hypothesis), and the engine refuses
sums it cannot read."""

from __future__ import annotations

import os
import random
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from scoring.engine import compute_ranking
from scoring.rules import (
    CAPAIAN_PARTS,
    CHOICE_KINDS,
    SUMMABLE_KINDS,
    AbsenceKind,
    AspectCombine,
    EnteredBy,
    FinalCombine,
    IndicatorKind,
    MemberCombine,
    Polarity,
    PredicateRounding,
)
from scoring.structures import (
    Absence,
    AspectSpec,
    AwardSpec,
    Entry,
    IndicatorSpec,
    InstrumentSpec,
    OptionSpec,
    Participant,
    ScoringInput,
    SheetSums,
    StageSpec,
    StageSums,
    SumColumn,
    TieBreakSpec,
)
from scoring.validation import instrument_errors
from tests.scoring.builders import band, bekasi, fill, participants, pekalongan, sheet

LINEAR = SUMMABLE_KINDS
CHOICE = CHOICE_KINDS
NAMES = ["Bunta", "Luwuk", "Toili", "Nuhon", "Batui", "Lobu", "Masama"]
MEMBERS = ["ani", "budi", "citra", "dedi"]


# ---------------------------------------------------------------- entries → sums (reference)


def summable(spec: InstrumentSpec) -> dict[tuple[str, str], AspectSpec]:
    """The aspects a caller may give as sums: scored indicators all linear and all entered by
    the side that fills the stage's sheets, and no tie-break reading one of them."""
    read = {(t.stage_code, t.aspect_code) for t in spec.tie_breaks if t.indicator_code}
    result = {}
    for stage in spec.stages:
        scored = [i for a in stage.aspects for i in a.indicators if i.scored]
        side = (
            EnteredBy.KECAMATAN
            if all(i.entered_by == EnteredBy.KECAMATAN for i in scored)
            else EnteredBy.TEAM
        )
        for aspect in stage.aspects:
            own = [i for i in aspect.indicators if i.scored]
            if (
                own
                and (stage.code, aspect.code) not in read
                and all(i.kind in LINEAR and i.entered_by == side for i in own)
            ):
                result[(stage.code, aspect.code)] = aspect
    return result


def to_sums(data: ScoringInput, rng: random.Random | None = None) -> ScoringInput:
    """`data` with every valued cell of a summable aspect added up, per sheet and column
    (aspect and weight), as the database does: a choice counts its option's score. Cells
    without a value stay entries; a sheet without values gets no sums."""
    aspects = summable(data.instrument)
    columns: dict[str, list[SumColumn]] = {}
    for (stage_code, _), aspect in aspects.items():
        weighted = aspect.combine == AspectCombine.WEIGHTED_SUM
        weights = dict.fromkeys(
            i.weight if weighted else None for i in aspect.indicators if i.scored
        )
        columns.setdefault(stage_code, []).extend(SumColumn(aspect.code, w) for w in weights)
    kept: list[Entry] = []
    sheets: dict[tuple, dict[SumColumn, tuple[int, Decimal]]] = {}
    for entry in data.entries:
        aspect = aspects.get((entry.stage_code, entry.aspect_code))
        if aspect is None or (entry.value is None and entry.option_code is None):
            kept.append(entry)
            continue
        indicator = next(i for i in aspect.indicators if i.code == entry.indicator_code)
        if not indicator.scored:  # text: never scored, stays an entry
            kept.append(entry)
            continue
        if indicator.kind in CHOICE:
            value = next(o.score for o in indicator.options if o.code == entry.option_code)
        else:
            value = entry.value
        weighted = aspect.combine == AspectCombine.WEIGHTED_SUM
        column = SumColumn(aspect.code, indicator.weight if weighted else None)
        sheet = sheets.setdefault((entry.stage_code, entry.participant_key, entry.assessor), {})
        count, total = sheet.get(column, (0, Decimal(0)))
        sheet[column] = (count + 1, total + value)
    stages = []
    for stage_code, stage_columns in columns.items():
        if rng is not None:
            rng.shuffle(stage_columns)
        rows = [
            SheetSums(
                key,
                assessor,
                tuple(sums.get(c, (0, Decimal(0)))[0] for c in stage_columns),
                tuple(sums.get(c, (0, Decimal(0)))[1] for c in stage_columns),
            )
            for (stage, key, assessor), sums in sheets.items()
            if stage == stage_code
        ]
        if rng is not None:
            rng.shuffle(rows)
        stages.append(StageSums(stage_code, tuple(stage_columns), tuple(rows)))
    if rng is not None:
        rng.shuffle(kept)
        rng.shuffle(stages)
    return replace(data, entries=tuple(kept), sums=tuple(stages))


def team_scored(stage: StageSpec) -> bool:
    """Whether a team scores the stage (absences are recorded for team members only)."""
    indicators = [i for a in stage.aspects for i in a.indicators]
    return any(i.scored and i.entered_by == EnteredBy.TEAM for i in indicators)


def absence(stage_code, key, assessor, kind=AbsenceKind.ABSENT) -> Absence:
    return Absence(stage_code, key, assessor, kind, "dinas luar", "tapem", datetime(2026, 5, 4))


def sheet_count(data: ScoringInput) -> int:
    return sum(len(stage.sheets) for stage in data.sums)


# ---------------------------------------------------------------- random instruments


@st.composite
def indicator_specs(draw, code: str, *, by: EnteredBy, weighted: bool, linear_only: bool):
    kinds = [IndicatorKind.SCORE, IndicatorKind.PERCENTAGE, IndicatorKind.CHOICE]
    kinds += [IndicatorKind.YES_NO]
    if not linear_only:
        kinds += [IndicatorKind.PERCENTAGE_PAIR, IndicatorKind.COUNT_NORMALISED]
        kinds += [IndicatorKind.CAPAIAN, IndicatorKind.TEXT]
    kind = draw(st.sampled_from(kinds))
    weight = Decimal(draw(st.sampled_from([10, 20, 25, 40, 60]))) if weighted else None
    if kind == IndicatorKind.CHOICE:
        scores = draw(
            st.lists(
                st.sampled_from(["0", "10", "25.5", "50", "75", "100", "33.3333"]),
                min_size=2,
                max_size=4,
            )
        )
        codes = "abcd"[: len(scores)]
        options = tuple(
            OptionSpec(c, c.upper(), Decimal(s)) for c, s in zip(codes, scores, strict=True)
        )
        return IndicatorSpec(code, code, kind, entered_by=by, weight=weight, options=options)
    if kind == IndicatorKind.YES_NO:
        ya = Decimal(draw(st.sampled_from(["100", "10", "1"])))
        options = (OptionSpec("ya", "Ya", ya), OptionSpec("tidak", "Tidak", Decimal(0)))
        return IndicatorSpec(code, code, kind, entered_by=by, weight=weight, options=options)
    if kind == IndicatorKind.TEXT:
        return IndicatorSpec(code, code, kind, entered_by=by)
    if kind == IndicatorKind.PERCENTAGE_PAIR:
        parts = (("fisik", Decimal(50)), ("keuangan", Decimal(50)))
        return IndicatorSpec(
            code, code, kind, EnteredBy.KECAMATAN, Decimal(0), Decimal(100), weight=weight,
            parts=parts,
        )  # fmt: skip
    if kind == IndicatorKind.CAPAIAN:
        polarity = draw(st.sampled_from(list(Polarity)))
        return IndicatorSpec(
            code, code, kind, EnteredBy.KECAMATAN, Decimal(0), Decimal(100), weight=weight,
            polarity=polarity,
        )  # fmt: skip
    if kind == IndicatorKind.COUNT_NORMALISED:
        return IndicatorSpec(
            code, code, kind, EnteredBy.KECAMATAN, Decimal(0), Decimal(100), True, weight
        )
    lo = draw(st.sampled_from([Decimal(0), Decimal(-10), None]))
    hi = draw(st.sampled_from([Decimal(5), Decimal(100), Decimal("99.5"), None]))
    return IndicatorSpec(
        code, code, kind, by, lo, hi, integer_only=draw(st.booleans()), weight=weight
    )


@st.composite
def stage_specs(draw, code: str, *, last: bool, weighted_final: bool):
    pseudo = draw(st.integers(0, 4)) == 0  # a stage the kecamatan scores alone
    by = EnteredBy.KECAMATAN if pseudo else EnteredBy.TEAM
    aspect_combine = draw(st.sampled_from(list(AspectCombine)))
    aspects = []
    for number in range(draw(st.integers(1, 3))):
        combine = draw(st.sampled_from(list(AspectCombine)))
        weighted = combine == AspectCombine.WEIGHTED_SUM
        # A kecamatan-only stage stays linear, so that it remains kecamatan-only.
        linear_only = pseudo or draw(st.integers(0, 3)) > 0
        indicators = tuple(
            draw(indicator_specs(f"I{n}", by=by, weighted=weighted, linear_only=linear_only))
            for n in range(draw(st.integers(1, 4)))
        )
        aspects.append(
            AspectSpec(
                f"A{number}",
                f"Aspek {number}",
                combine,
                Decimal(100),
                weight=Decimal(draw(st.sampled_from([20, 30, 50]))),
                counts_toward_total=number == 0 or draw(st.booleans()),
                indicators=indicators,
            )
        )
    shortlist = None if last else draw(st.sampled_from([None, 1, 2, 3]))
    return StageSpec(
        code,
        f"Tahap {code}",
        draw(st.sampled_from(list(MemberCombine))),
        aspect_combine,
        Decimal(100),
        weight=Decimal(50) if weighted_final else None,
        shortlist_size=shortlist,
        aspects=tuple(aspects),
    )


@st.composite
def instruments(draw):
    count = draw(st.integers(1, 3))
    final = (
        FinalCombine.SINGLE_STAGE
        if count == 1
        else draw(st.sampled_from([FinalCombine.MEAN_OF_STAGES, FinalCombine.WEIGHTED_STAGES]))
    )
    stages = tuple(
        draw(
            stage_specs(
                f"S{n}", last=n == count - 1, weighted_final=final == FinalCombine.WEIGHTED_STAGES
            )
        )
        for n in range(count)
    )
    rules = []
    for _ in range(draw(st.integers(0, 2))):
        stage = draw(st.sampled_from(stages))
        aspect = draw(st.sampled_from(stage.aspects))
        scored = [i.code for i in aspect.indicators if i.scored]
        indicator = draw(st.sampled_from([None, *scored]))
        rules.append(TieBreakSpec(stage.code, aspect.code, indicator, draw(st.booleans())))
    return InstrumentSpec(
        "acak",
        final,
        stages,
        predicate_rounding=draw(st.sampled_from(list(PredicateRounding))),
        bands=(band("Baik", 60, None), band("Cukup", None, 60, upper_inclusive=False)),
        tie_breaks=tuple(rules),
        awards=(AwardSpec(1, "Terbaik I"), AwardSpec(2, "Terbaik II")),
        award_for_others=draw(st.sampled_from(["", "Piagam"])),
    )


def value_for(draw, indicator: IndicatorSpec) -> tuple[Decimal | None, str | None]:
    """(value, option code) the engine accepts for the cell."""
    if indicator.kind in CHOICE:
        return (None, draw(st.sampled_from([o.code for o in indicator.options])))
    if indicator.kind == IndicatorKind.COUNT_NORMALISED:
        return (Decimal(draw(st.integers(0, 40))), None)
    lo = indicator.min_value if indicator.min_value is not None else Decimal(-50)
    hi = indicator.max_value if indicator.max_value is not None else Decimal(150)
    if indicator.integer_only:
        return (Decimal(draw(st.integers(int(lo), int(hi) - (hi % 1 != 0)))), None)
    hundredths = draw(st.integers(int(lo * 100), int(hi * 100)))
    return (Decimal(hundredths) / 100, None)


@st.composite
def periods(draw):
    spec = draw(instruments())
    assume(not instrument_errors(spec))
    names = NAMES[: draw(st.integers(1, len(NAMES)))]
    disqualified = {n: "terlambat" for n in names if draw(st.integers(0, 6)) == 0}
    people = participants(*names, disqualified=disqualified)
    teams = tuple(
        (stage.code, tuple(MEMBERS[: draw(st.integers(1, len(MEMBERS)))])) for stage in spec.stages
    )
    entries = []
    for stage, (_, team) in zip(spec.stages, teams, strict=True):
        for person in people:
            for assessor in [None, *team]:
                shape = draw(st.sampled_from(["full", "full", "full", "none", "holes"]))
                if shape == "none":
                    continue
                for aspect in stage.aspects:
                    for indicator in aspect.indicators:
                        by_kecamatan = indicator.entered_by == EnteredBy.KECAMATAN
                        if by_kecamatan != (assessor is None):
                            continue
                        hole = shape == "holes" and draw(st.sampled_from(["", "skip", "blank"]))
                        if hole == "skip":
                            continue
                        parts = [name for name, _ in indicator.parts] or [""]
                        if indicator.kind == IndicatorKind.CAPAIAN:
                            parts = list(CAPAIAN_PARTS)
                        for part in parts:
                            # "blank": an entry without a value
                            value, option = (None, None) if hole else value_for(draw, indicator)
                            entries.append(
                                Entry(
                                    stage.code,
                                    person.key,
                                    aspect.code,
                                    indicator.code,
                                    assessor,
                                    part,
                                    value,
                                    option,
                                )
                            )
    absences = tuple(
        absence(stage.code, person.key, member, draw(st.sampled_from(list(AbsenceKind))))
        for stage, (_, team) in zip(spec.stages, teams, strict=True)
        if any(
            i.scored and i.entered_by == EnteredBy.TEAM for a in stage.aspects for i in a.indicators
        )
        for person in people
        for member in team
        if draw(st.integers(0, 5)) == 0
    )
    return ScoringInput(spec, people, teams, tuple(entries), absences=absences)


# ---------------------------------------------------------------- the property


@settings(
    max_examples=int(os.environ.get("FAST_PATH_EXAMPLES", 300)),  # more for a long run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(periods(), st.randoms(use_true_random=False))
def test_sums_give_the_ranking_the_values_give(data, rng):
    summed = to_sums(data, rng)
    event(f"summed sheets: {'some' if sheet_count(summed) else 'none'}")
    try:
        expected = compute_ranking(data, trace=False)
    except ValueError as error:  # e.g. a mean over an aspect without scored indicators
        event("refused")
        with pytest.raises(ValueError) as raised:
            compute_ranking(summed, trace=False)
        assert str(raised.value) == str(error)
        return
    for status in {r.status for r in expected.results}:
        event(f"status {status}")
    # The whole ranking is equal (the trace too, which trace=False keeps per aspect), ...
    assert compute_ranking(summed, trace=False) == expected
    # ... and it is the full trace's ranking.
    assert expected.essentials() == compute_ranking(data).essentials()


def test_the_property_exercises_sums():
    """The random periods are not all degenerate: many cells end up summed."""
    examples = []

    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
    @given(periods())
    def collect(data):
        examples.append(sheet_count(to_sums(data)))

    collect()
    assert sum(1 for n in examples if n) > 25


# ---------------------------------------------------------------- worked examples


def bekasi_period():
    spec = bekasi()
    criteria = {code: 80 for code in ("PELAYANAN", "KOORDINASI", "INOVASI", "SDM", "ANGGARAN")}
    entries = fill(spec.stages[0], "Jatiasih", "ani", {**criteria, "DATA": 70, "PENUNJANG": 90})
    entries += fill(spec.stages[0], "Jatiasih", "budi", {**criteria, "DATA": 90, "PENUNJANG": 60})
    entries += fill(spec.stages[0], "Medan Satria", "ani", {"PELAYANAN": 50})  # incomplete
    return ScoringInput(
        spec,
        participants("Jatiasih", "Medan Satria", "Bantargebang"),
        (("PENILAIAN", ("ani", "budi", "citra")),),
        tuple(entries),
        absences=(absence("PENILAIAN", "jatiasih", "citra"),),
    )


def test_a_worked_example():
    data = bekasi_period()
    summed = to_sums(data)
    assert (sheet_count(summed), summed.entries) == (3, ())
    ranking = compute_ranking(summed, trace=False)
    assert ranking == compute_ranking(data, trace=False)
    jatiasih = ranking.results[0]
    assert (jatiasih.name, jatiasih.published_score) == ("Jatiasih", Decimal("80.00"))
    members = jatiasih.stages[0].members
    assert [(m.assessor, m.total, m.excluded_reason) for m in members] == [
        ("ani", Decimal("79.5"), ""),
        ("budi", Decimal("80.5"), ""),
        ("citra", None, "tidak hadir"),  # recorded absent: the mean is over ani and budi
    ]
    medan = next(r for r in ranking.results if r.name == "Medan Satria")
    assert medan.stages[0].members[0].excluded_reason == "penilaian belum lengkap"
    assert medan.stages[0].members[0].aspects[0].score == Decimal(50)
    assert medan.stages[0].missing == ("ani", "budi", "citra")
    assert medan.stages[0].aspects[0].score is None  # no mean over part of the team


def weighted_period():
    spec = InstrumentSpec(
        "berbobot",
        FinalCombine.SINGLE_STAGE,
        (
            StageSpec(
                "S", "S", MemberCombine.MEAN_OF_MEMBER_TOTALS, AspectCombine.SUM, Decimal(100),
                aspects=(
                    AspectSpec(
                        "A", "A", AspectCombine.WEIGHTED_SUM, Decimal(100),
                        indicators=tuple(
                            IndicatorSpec(code, code, IndicatorKind.SCORE, weight=Decimal(w))
                            for code, w in (("X", 25), ("Y", 25), ("Z", 50))
                        ),
                    ),
                ),
            ),
        ),
    )  # fmt: skip
    return ScoringInput(
        spec,
        (Participant("a", "A"),),
        (("S", ("ani",)),),
        tuple(sheet("S", "A", "ani", {"A/X": "80", "A/Y": "60.5", "A/Z": "90"})),
    )


def test_a_weighted_aspect_takes_one_column_per_weight():
    data = weighted_period()
    summed = to_sums(data)
    (stage,) = summed.sums
    assert stage.columns == (SumColumn("A", Decimal(25)), SumColumn("A", Decimal(50)))
    assert stage.sheets == (SheetSums("a", "ani", (2, 1), (Decimal("140.5"), Decimal(90))),)
    result = compute_ranking(summed, trace=False).results[0]
    assert result.final_score == Decimal("80.125")  # (80 + 60.5) × 25% + 90 × 50%
    assert result.final_score == compute_ranking(data).results[0].final_score


# ---------------------------------------------------------------- what the engine refuses


def with_change(stage=None, column=None, sheet=None, extra_sheet=False):
    """bekasi_period's sums with one thing changed: the StageSums, its first column or its
    first sheet; `extra_sheet`: the first sheet twice."""
    summed = to_sums(bekasi_period())
    (stages,) = summed.sums
    columns, sheets = list(stages.columns), list(stages.sheets)
    if column:
        columns[0] = replace(columns[0], **column)
    if sheet:
        sheets[0] = replace(sheets[0], **sheet)
    if extra_sheet:
        sheets.append(sheets[0])
    stages = replace(stages, columns=tuple(columns), sheets=tuple(sheets), **(stage or {}))
    return replace(summed, sums=(stages,))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stage": {"stage_code": "X"}}, "tahap 'X' yang tidak dikenal"),
        ({"sheet": {"participant_key": "x"}}, "kecamatan 'x' yang tidak dikenal"),
        ({"sheet": {"assessor": "eka"}}, "Penilai 'eka' tidak termasuk tim"),
        ({"sheet": {"assessor": None}}, "hanya untuk tahap yang dinilai kecamatan sendiri"),
        ({"column": {"aspect_code": "X"}}, "Aspek X tahap PENILAIAN tidak dapat dinilai"),
        ({"column": {"weight": Decimal(35)}}, "berbobot 35 tidak ada"),
        ({"sheet": {"counts": (2, 1, 1, 1, 1, 1, 1)}}, "tidak sesuai kolomnya"),
        ({"sheet": {"counts": (1, 1)}}, "tidak sesuai kolomnya"),
        ({"extra_sheet": True}, "Dua jumlah nilai untuk tahap PENILAIAN"),
    ],
)
def test_sums_the_engine_cannot_read_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        compute_ranking(with_change(**change), trace=False)


def test_a_stage_summed_twice_is_refused():
    summed = to_sums(bekasi_period())
    with pytest.raises(ValueError, match="tercantum dua kali"):
        compute_ranking(replace(summed, sums=summed.sums * 2), trace=False)


def test_sums_are_refused_with_the_full_trace():
    with pytest.raises(ValueError, match="trace=False"):
        compute_ranking(to_sums(bekasi_period()))


def test_a_value_given_twice_is_refused():
    data = bekasi_period()
    summed = to_sums(data)
    twice = replace(summed, entries=data.entries[:1])
    with pytest.raises(ValueError, match="diberikan dua kali"):
        compute_ranking(twice, trace=False)
    # An entry without a value next to the sums scores nothing, as it would on its own.
    emptied = replace(data, entries=(replace(data.entries[0], value=None), *data.entries[1:]))
    summed = to_sums(emptied)
    assert len(summed.entries) == 1
    assert compute_ranking(summed, trace=False) == compute_ranking(emptied, trace=False)


def test_an_aspect_a_tie_break_reads_by_indicator_is_not_summed():
    spec = pekalongan()
    assert set(summable(spec)) == {("DESK", "K1"), ("PANEL", "P1"), ("PANEL", "P2")}
    k2 = StageSums(
        "DESK",
        (SumColumn("K2"),),
        (SheetSums("kajen", "e1", (4,), (Decimal(80),)),),
    )
    data = ScoringInput(spec, participants("Kajen"), (("DESK", ("e1",)),), (), (k2,))
    with pytest.raises(ValueError, match="Aspek K2 tahap DESK tidak dapat dinilai"):
        compute_ranking(data, trace=False)


def test_a_weighted_aspect_needs_a_column_for_every_weight():
    data = to_sums(weighted_period())
    (stage,) = data.sums
    partial = replace(
        stage,
        columns=stage.columns[:1],
        sheets=tuple(replace(s, counts=s.counts[:1], totals=s.totals[:1]) for s in stage.sheets),
    )
    with pytest.raises(ValueError, match="tidak mencakup semua indikatornya"):
        compute_ranking(replace(data, sums=(partial,)), trace=False)
