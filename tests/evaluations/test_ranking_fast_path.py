"""`ranking_for_period(trace=False)`, which lets the database add up the values, ranks exactly
as the value-by-value path does, on the four shipped instrument sets, on SQLite and on
PostgreSQL (DATABASE_URL), in a fixed number of queries.

Every test compares the two paths on the same stored values:
- `fast == compute_ranking(every value one by one, trace=False)`: the whole Ranking,
  dataclass by dataclass (the light trace included);
- `fast.essentials() == ranking_for_period(trace=True).essentials()`: ranks, scores, predikat,
  awards, statuses, notes, tie-break values, stage, aspect and member scores, warnings.
"""

import io
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from evaluations.models import Period, ScoreEntry, TeamMember
from evaluations.ranking_sums import summed_scoring_input_from_layout
from evaluations.score_workbook import score_template_rows
from evaluations.scoring_input import (
    period_score_layout,
    scoring_input_for_period,
    scoring_input_from_layout,
)
from evaluations.selectors import ranking_for_period
from evaluations.services import scores_import_rows
from instruments.models import Indicator
from scoring.engine import compute_ranking
from tests.evaluations.conftest import disqualify, write_around_services

pytestmark = pytest.mark.django_db

REGIONS = ["bekasi", "banggai", "pekalongan", "tegal"]
LAYOUT_QUERIES = 11  # the set tree (8), participants, team seats, assignments
# sums, incomplete-sheet counts, values read one by one, absences, tie decisions
FAST_QUERIES = LAYOUT_QUERIES + 5


@pytest.fixture
def demo():
    call_command("load_demo", "--no-scores", stdout=io.StringIO())


def demo_period(region: str) -> Period:
    with scopes_disabled():
        return Period.objects.select_related("region").get(region__slug=region, slug="2026")


def fill(period, rng, *, blank=0.0, missing=0.0):
    """Random values the import accepts in the period's template rows; each cell left empty
    with probability `blank`, each (stage, kecamatan, penilai or mandiri) sheet with
    probability `missing`. Non-whole values where the indicator allows them."""
    with scope(region=period.region):
        data = scoring_input_for_period(period=period)
        specs = {
            (stage.code, aspect.code, indicator.code): indicator
            for stage in data.instrument.stages
            for aspect in stage.aspects
            for indicator in aspect.indicators
        }
        rows, dropped = [], {}
        for row in score_template_rows(data):
            stage, kecamatan, assessor, aspect, cell, _, low, high, options = row
            sheet = (stage, kecamatan, assessor)
            if sheet not in dropped:
                dropped[sheet] = rng.random() < missing
            if dropped[sheet] or rng.random() < blank:
                continue
            indicator = specs[(stage, aspect, cell.partition(":")[0])]
            if options:
                value = rng.choice(options.split("/"))
            else:
                low = Decimal(low if low is not None else 0)
                high = Decimal(high if high is not None else 60)
                if indicator.integer_only:
                    value = rng.randint(int(low), int(high))
                else:
                    value = Decimal(rng.randint(int(low * 100), int(high * 100))) / 100
            rows.append((stage, kecamatan, assessor, aspect, cell, value))
        scores_import_rows(period=period, rows=list(enumerate(rows, start=2)), by=None)


def assert_same(period, *, summed=True):
    """The fast ranking equals the value-by-value one (and `summed`: it did use sums)."""
    with scope(region=period.region):
        layout = period_score_layout(period=period)
        fast_input = summed_scoring_input_from_layout(layout=layout)
        used = fast_input is not None and any(stage.sheets for stage in fast_input.sums)
        assert used == summed
        fast = ranking_for_period(period=period, trace=False)
        one_by_one = compute_ranking(scoring_input_from_layout(layout=layout), trace=False)
        full = ranking_for_period(period=period, trace=True)
    assert fast == one_by_one
    assert fast.essentials() == full.essentials()
    return fast


@pytest.mark.parametrize("region", REGIONS)
def test_complete_values(demo, region):
    period = demo_period(region)
    fill(period, random.Random(region))
    ranking = assert_same(period)
    assert sum(1 for r in ranking.results if r.rank is not None) >= 3


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gaps_missing_sheets_and_disqualification(demo, region, seed):
    period = demo_period(region)
    rng = random.Random(f"{region}-{seed}")
    fill(period, rng, blank=0.02, missing=0.12)
    with scope(region=period.region):
        names = sorted(p.kecamatan.name for p in period.participations.select_related("kecamatan"))
    disqualify(period, rng.choice(names))
    ranking = assert_same(period)
    statuses = {str(r.status) for r in ranking.results}
    # A missing sheet or an empty cell holds the kecamatan's stage (digest, "Rules for every
    # region": the whole team scores), so most of these kecamatan are incomplete.
    assert {"incomplete", "disqualified"} <= statuses


@pytest.mark.parametrize("region", REGIONS)
def test_values_left_out_are_counted_in_the_same_warnings(demo, region):
    """Values of an assessor taken off the team, of a kecamatan no longer participating, of
    another set's indicator, and a text value: left out by both paths, with equal warnings."""
    period = demo_period(region)
    fill(period, random.Random(region))
    with scope(region=period.region):
        seat = TeamMember.objects.filter(period=period).order_by("stage__order", "order").first()
        seat.delete()
        gone = period.participations.order_by("kecamatan__name").last()
        gone.delete()
        with scopes_disabled():
            other = Indicator.objects.exclude(
                aspect__stage__instrument_set=period.instrument_set
            ).first()
        kecamatan = period.participations.first().kecamatan
        write_around_services(period=period, kecamatan=kecamatan, indicator=other, value=Decimal(5))
        text = Indicator.objects.filter(
            aspect__stage__instrument_set=period.instrument_set, kind="text"
        ).first()
        if text is not None:
            write_around_services(period=period, kecamatan=kecamatan, indicator=text, text="uraian")
    ranking = assert_same(period)
    assert any("indikator di luar set instrumen" in w.text for w in ranking.warnings)
    assert any("tidak lagi tercantum dalam tim" in w.text for w in ranking.warnings)
    assert any("bukan peserta periode ini" in w.text for w in ranking.warnings)


def test_a_shortlist_keeps_the_notes_on_values_entered_after_the_cut(demo):
    # Every kecamatan gets panel values before the desk shortlist is known; those of the
    # kecamatan cut at the shortlist are noted as ignored, by both paths.
    period = demo_period("pekalongan")
    fill(period, random.Random(7))
    ranking = assert_same(period)
    cut = [r for r in ranking.results if str(r.status) == "not_shortlisted"]
    assert cut
    assert all(any("diabaikan" in note.text for note in r.notes) for r in cut)


# ---------------------------------------------------------------- when the sums step aside


def first_summed_value(period, kind):
    """A stored team value of an indicator of `kind` in an aspect the database sums."""
    with scope(region=period.region):
        return (
            ScoreEntry.objects.filter(period=period, indicator__kind=kind, assessor__isnull=False)
            .order_by("pk")
            .first()
        )


def test_a_stored_score_other_than_the_options_is_read_value_by_value(demo):
    # A choice is stored with its option's score; should the two differ, the engine's
    # reading (the option's score) wins, so the fast path steps aside.
    period = demo_period("pekalongan")
    fill(period, random.Random(3))
    entry = first_summed_value(period, "choice")
    with scope(region=period.region):
        ScoreEntry.objects.filter(pk=entry.pk).update(value=Decimal("12.5"))
    assert_same(period, summed=False)


def test_a_value_without_a_value_is_read_value_by_value(demo):
    period = demo_period("bekasi")
    fill(period, random.Random(3))
    entry = first_summed_value(period, "score")
    with scope(region=period.region):
        ScoreEntry.objects.filter(pk=entry.pk).update(value=None)
    ranking = assert_same(period, summed=False)
    assert any(
        m.excluded_reason == "penilaian belum lengkap"
        for r in ranking.results
        for s in r.stages
        for m in s.members
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": Decimal(101)}, "di atas batas 100"),
        ({"value": Decimal("-0.5")}, "di bawah batas 0"),
        ({"part": "fisik"}, "tidak dikenal"),
    ],
)
def test_a_value_the_engine_refuses_is_refused_alike(demo, change, message):
    period = demo_period("bekasi")
    fill(period, random.Random(5))
    entry = first_summed_value(period, "score")
    with scope(region=period.region):
        ScoreEntry.objects.filter(pk=entry.pk).update(**change)
        layout = period_score_layout(period=period)
        assert summed_scoring_input_from_layout(layout=layout) is None
        with pytest.raises(ValueError, match=message) as fast:
            ranking_for_period(period=period, trace=False)
        with pytest.raises(ValueError) as full:
            ranking_for_period(period=period, trace=True)
    assert str(fast.value) == str(full.value)


def test_a_fraction_where_whole_numbers_are_required_is_refused_alike(demo):
    period = demo_period("banggai")
    fill(period, random.Random(5))
    with scope(region=period.region):
        entry = (
            ScoreEntry.objects.filter(period=period, indicator__integer_only=False)
            .order_by("pk")
            .first()
        )
        Indicator.objects.filter(pk=entry.indicator_id).update(integer_only=True)
        ScoreEntry.objects.filter(pk=entry.pk).update(value=Decimal("2.5"))
        with pytest.raises(ValueError, match="harus bilangan bulat") as fast:
            ranking_for_period(period=period, trace=False)
        with pytest.raises(ValueError) as full:
            ranking_for_period(period=period, trace=True)
    assert str(fast.value) == str(full.value)


# ---------------------------------------------------------------- queries and time


def pekalongan_set():
    path = Path(settings.BASE_DIR) / "fixtures" / "pekalongan" / "instrument_set.json"
    return json.loads(path.read_text(encoding="utf-8"))


def bekasi_set():
    path = Path(settings.BASE_DIR) / "fixtures" / "bekasi" / "instrument_set.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("data", "queries"),
    [
        (pekalongan_set, FAST_QUERIES),  # the tie-break aspect is read value by value
        (bekasi_set, FAST_QUERIES - 1),  # every aspect summed: no value read one by one
    ],
)
def test_the_same_queries_for_2_or_40_kecamatan(make_period, data, queries):
    small = make_period(data(), kecamatan=["Kecamatan 00", "Kecamatan 01"], penilai=5)
    fill(small.period, random.Random(2))
    names = [f"Kecamatan {n:02d}" for n in range(2, 42)]
    other = data()
    other["code"] += "-besar"
    large = make_period(other, kecamatan=names, penilai=5, slug="besar")
    fill(large.period, random.Random(40))
    counts = []
    for setup in (small, large):
        with scope(region=setup.region):
            ranking_for_period(period=setup.period, trace=False)  # warm
            with CaptureQueriesContext(connection) as captured:
                ranking = ranking_for_period(period=setup.period, trace=False)
        counts.append(len(captured))
        assert_same(setup.period)
    assert len(ranking.results) == 40
    assert counts == [queries, queries]
    # How fast 40 kecamatan rank is a figure `make bench` prints, not a timed assertion.


def spy_on_sums(monkeypatch):
    """Record each period the fast path reads."""
    import evaluations.selectors as selectors

    calls = []
    original = selectors.summed_scoring_input_from_layout

    def spy(*, layout):
        calls.append(layout.period.pk)
        return original(layout=layout)

    monkeypatch.setattr(selectors, "summed_scoring_input_from_layout", spy)
    return calls


def test_the_ranking_command_uses_the_fast_path(demo, monkeypatch):
    period = demo_period("tegal")
    fill(period, random.Random(1))
    calls = spy_on_sums(monkeypatch)
    out = io.StringIO()
    call_command("ranking", "--region", "tegal", "--period", "2026", "--json", stdout=out)
    assert calls == [period.pk]
    data = json.loads(out.getvalue())
    with scope(region=period.region):
        full = ranking_for_period(period=period)
    assert [(r["kecamatan"], r["rank"]) for r in data["results"]] == [
        (r.name, r.rank) for r in full.results
    ]
    assert data["warnings"] == [w.text for w in full.warnings]


def test_the_ranking_page_uses_the_fast_path_and_the_breakdown_the_full_trace(
    client, tenancy, make_period, monkeypatch
):
    setup = make_period(bekasi_set(), kecamatan=["Jatiasih", "Bantargebang"], penilai=5)
    fill(setup.period, random.Random(1))
    calls = spy_on_sums(monkeypatch)
    client.force_login(tenancy.users["pimpinan_bekasi"])
    assert client.get("/bekasi/periode/2026/peringkat/").status_code == 200
    assert calls == [setup.period.pk]
    page = client.get("/bekasi/periode/2026/peringkat/jatiasih/")
    assert page.status_code == 200
    assert calls == [setup.period.pk]  # the breakdown reads every value, for its trace
    member = page.context["result"].stages[0].members[0]
    assert member.aspects[0].indicators and member.formula
