"""Every state change goes through one function and leaves an insert-only record."""

import pytest
from django.db import DatabaseError, transaction
from django_scopes import scope

from evaluations.models import Period
from evaluations.services import PERIOD_STATUS
from regions.models import InsertOnlyError, Transition
from regions.transitions import TransitionRefused, transition_apply, transition_history


@pytest.fixture
def period(make_period):
    return make_period(status="preparation").period


def test_a_move_is_recorded_with_who_when_and_why(period, tenancy):
    tapem = tenancy.users["tapem_bekasi"]
    with scope(region=period.region):
        transition_apply(
            obj=period,
            machine=PERIOD_STATUS,
            to=Period.Status.OPEN,
            by=tapem,
            region=period.region,
            reason="Rapat persiapan selesai",
        )
        period.refresh_from_db()
        assert period.status == Period.Status.OPEN
        (record,) = transition_history(obj=period)
        assert (record.from_state, record.to_state) == ("preparation", "open")
        assert record.by == tapem and record.reason == "Rapat persiapan selesai"
        assert record.at is not None


def test_a_move_the_machine_does_not_allow_changes_nothing(period, tenancy):
    with scope(region=period.region):
        with pytest.raises(TransitionRefused):
            transition_apply(
                obj=period,
                machine=PERIOD_STATUS,
                to=Period.Status.CLOSED,
                by=tenancy.users["tapem_bekasi"],
                region=period.region,
            )
        period.refresh_from_db()
        assert period.status == Period.Status.PREPARATION
        assert not transition_history(obj=period).exists()


def test_side_effects_wait_for_the_commit(period, tenancy, django_capture_on_commit_callbacks):
    ran = []
    with scope(region=period.region), django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition_apply(
            obj=period,
            machine=PERIOD_STATUS,
            to=Period.Status.OPEN,
            by=tenancy.users["tapem_bekasi"],
            region=period.region,
            on_commit=[lambda: ran.append("mail")],
        )
        assert ran == []
    assert len(callbacks) == 1 and ran == ["mail"]


def test_a_record_cannot_be_changed_or_deleted(period, tenancy):
    with scope(region=period.region):
        record = transition_apply(
            obj=period,
            machine=PERIOD_STATUS,
            to=Period.Status.OPEN,
            by=tenancy.users["tapem_bekasi"],
            region=period.region,
        )
        record.reason = "diubah"
        with pytest.raises(InsertOnlyError):
            record.save()
        with pytest.raises(InsertOnlyError):
            record.delete()
        # Written around the ORM, the database trigger refuses it.
        with pytest.raises(DatabaseError), transaction.atomic():
            Transition.objects.filter(pk=record.pk).update(reason="diubah")
        assert Transition.objects.get(pk=record.pk).reason == ""
