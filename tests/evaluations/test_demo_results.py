"""`load_demo` gives every region a whole ranking to look at, built through the import."""

import io

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from evaluations.models import MemberAbsence, Period, ScoreEntry
from evaluations.selectors import ranking_for_period
from scoring.structures import ResultStatus

pytestmark = pytest.mark.django_db


def test_the_demo_ranks_every_region_and_records_one_absence_each():
    call_command("load_demo", stdout=io.StringIO())
    with scopes_disabled():
        periods = list(Period.objects.select_related("region", "instrument_set"))
        values = ScoreEntry.objects.count()
    assert len(periods) == 4
    for period in periods:
        with scope(region=period.region):
            ranking = ranking_for_period(period=period)
            (absence,) = MemberAbsence.objects.filter(period=period)
            has_awards = period.instrument_set.award_tiers.exists()
        statuses = {result.status for result in ranking.results}
        assert statuses <= {ResultStatus.RANKED, ResultStatus.NOT_SHORTLISTED}, period.region
        assert ranking.results[0].rank == 1
        assert bool(ranking.results[0].award) == has_awards  # Tegal gives a status only
        absent_in = next(r for r in ranking.results if r.name == absence.kecamatan.name)
        recorded = [a for stage in absent_in.stages for a in stage.absences]
        assert [a.assessor for a in recorded] == [absence.member.username]
        # The absent member's sheet was left empty, so nothing is ignored with a warning.
        assert not any(w.code == "absent_values_ignored" for w in ranking.warnings)

    call_command("load_demo", stdout=io.StringIO())  # again: nothing changes
    with scopes_disabled():
        assert ScoreEntry.objects.count() == values
        assert MemberAbsence.objects.count() == 4


def test_the_demo_assignment_leaves_toili_barat_to_four_members_and_ranked():
    """The demo's one assignment (evaluations.demo._RESTRICTED): the Ketua of Banggai's
    stage 2 does not score Toili Barat, which is still ranked, with a stage 2 mean over the
    other four. (Measured against the demo without it: every rank and award is the same;
    Toili Barat's final score moves from 81,42 to 81,36.)"""
    call_command("load_demo", stdout=io.StringIO())
    with scopes_disabled():
        period = Period.objects.select_related("region").get(region__slug="banggai")
    with scope(region=period.region):
        ranking = ranking_for_period(period=period)
    toili_barat = next(r for r in ranking.results if r.name == "Toili Barat")
    t2 = toili_barat.stages[1]
    assert toili_barat.status == ResultStatus.RANKED
    assert [m.assessor for m in t2.members] == [f"penilai-banggai-{n}" for n in (2, 3, 4, 5)]
    assert not any(w.code == "unassigned_values_ignored" for w in ranking.warnings)
