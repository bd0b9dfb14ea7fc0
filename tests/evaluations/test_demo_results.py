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
