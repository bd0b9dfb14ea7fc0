"""Admin Tapem deactivates a user in one region: that region shuts them out like an
outsider, their other regions carry on, and every move is recorded with who and why."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from evaluations.models import TeamMember
from evaluations.selectors import penilai_list
from evaluations.services import period_create, team_member_add, team_set
from instruments.services import instrument_set_import_data
from regions.access import Action, can
from regions.models import Membership
from regions.services import (
    membership_grant,
    region_user_deactivate,
    region_user_reactivate,
)
from regions.transitions import TransitionRefused, transition_history
from tests.instruments.builders import tiny_set

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The user as the next request loads it (guardian caches permissions per instance)."""
    return get_user_model().objects.get(pk=user.pk)


def test_deactivation_in_bekasi_leaves_tegal_untouched(tenancy, login):
    lintas, tapem = tenancy.users["penilai_lintas"], tenancy.users["tapem_bekasi"]
    with scope(region=tenancy.bekasi):
        region_user_deactivate(user=lintas, region=tenancy.bekasi, by=tapem, reason="Pindah tugas")

    client = login(lintas)
    assert client.get("/bekasi/").status_code == 404
    assert client.get("/bekasi/kecamatan/").status_code == 404
    assert client.get("/tegal/").status_code == 200
    # One region left: home goes straight there instead of offering Bekasi.
    assert client.get("/")["Location"] == "/tegal/"
    lintas = _fresh(lintas)
    assert not lintas.has_perm("regions.score_region", tenancy.bekasi)
    assert lintas.has_perm("regions.score_region", tenancy.tegal)
    with scope(region=tenancy.bekasi):
        assert not can(lintas, Action.VIEW_REGION, tenancy.bekasi)


def test_reactivation_gives_back_the_region_and_its_permissions(tenancy, login):
    operator, tapem = tenancy.users["operator_bantargebang"], tenancy.users["tapem_bekasi"]
    with scope(region=tenancy.bekasi):
        region_user_deactivate(user=operator, region=tenancy.bekasi, by=tapem, reason="Cuti")
        assert not _fresh(operator).has_perm("regions.fill_self_assessment", tenancy.bantargebang)
        region_user_reactivate(user=operator, region=tenancy.bekasi, by=tapem, reason="Kembali")
    assert _fresh(operator).has_perm("regions.fill_self_assessment", tenancy.bantargebang)
    assert login(operator).get("/bekasi/kecamatan/bantargebang/").status_code == 200


def test_each_move_is_recorded_with_who_when_and_why(tenancy):
    penilai, tapem = tenancy.users["penilai_bekasi"], tenancy.users["tapem_bekasi"]
    with scope(region=tenancy.bekasi):
        region_user_deactivate(user=penilai, region=tenancy.bekasi, by=tapem, reason="Pensiun")
        region_user_reactivate(user=penilai, region=tenancy.bekasi, by=tapem)
        membership = Membership.objects.get(user=penilai)
        records = list(transition_history(obj=membership))
    moves = [(r.from_state, r.to_state, r.by, r.reason) for r in records]
    assert moves == [("active", "inactive", tapem, "Pensiun"), ("inactive", "active", tapem, "")]
    assert records[0].at <= records[1].at


def test_deactivating_needs_a_reason_and_changes_nothing_without_one(tenancy):
    penilai, tapem = tenancy.users["penilai_bekasi"], tenancy.users["tapem_bekasi"]
    with scope(region=tenancy.bekasi):
        with pytest.raises(TransitionRefused) as refused:
            region_user_deactivate(user=penilai, region=tenancy.bekasi, by=tapem, reason="  ")
        assert "Tuliskan alasannya" in refused.value.message_dict["reason"][0]
        assert Membership.objects.get(user=penilai).status == Membership.Status.ACTIVE
    assert _fresh(penilai).has_perm("regions.score_region", tenancy.bekasi)


def test_tapem_cannot_deactivate_themselves_or_another_tapem(tenancy):
    tapem = tenancy.users["tapem_bekasi"]
    other = get_user_model().objects.create(username="tapem_bekasi_2")
    with scopes_disabled():
        membership_grant(user=other, region=tenancy.bekasi, role="admin_tapem")
    with scope(region=tenancy.bekasi):
        with pytest.raises(ValidationError, match="akun Anda sendiri"):
            region_user_deactivate(user=tapem, region=tenancy.bekasi, by=tapem, reason="x")
        with pytest.raises(ValidationError, match="pengelola aplikasi"):
            region_user_deactivate(user=other, region=tenancy.bekasi, by=tapem, reason="x")
        assert not Membership.objects.exclude(status=Membership.Status.ACTIVE).exists()


def test_a_second_deactivation_is_refused(tenancy):
    penilai, tapem = tenancy.users["penilai_bekasi"], tenancy.users["tapem_bekasi"]
    with scope(region=tenancy.bekasi):
        region_user_deactivate(user=penilai, region=tenancy.bekasi, by=tapem, reason="Pensiun")
        with pytest.raises(TransitionRefused, match="sudah berstatus nonaktif"):
            region_user_deactivate(user=penilai, region=tenancy.bekasi, by=tapem, reason="Lagi")
        assert transition_history(obj=Membership.objects.get(user=penilai)).count() == 1


def test_a_user_of_another_region_is_not_found(tenancy):
    with scope(region=tenancy.bekasi), pytest.raises(ValidationError, match="tidak berperan"):
        region_user_deactivate(
            user=tenancy.users["operator_slawi"],
            region=tenancy.bekasi,
            by=tenancy.users["tapem_bekasi"],
            reason="x",
        )


@pytest.fixture
def period(tenancy):
    with scope(region=tenancy.bekasi):
        instrument_set = instrument_set_import_data(region=tenancy.bekasi, data=tiny_set())
        return period_create(
            region=tenancy.bekasi,
            slug="2026",
            name="Evaluasi 2026",
            year_evaluated=2025,
            instrument_set=instrument_set,
            kecamatan=[tenancy.bantargebang],
        )


def test_a_deactivated_penilai_keeps_their_seat_but_takes_no_new_one(tenancy, period):
    users, tapem = tenancy.users, tenancy.users["tapem_bekasi"]
    with scope(region=tenancy.bekasi):
        stage = period.instrument_set.stages.get()
        team_set(period=period, stage=stage, seats=[(users["penilai_lintas"], "ketua")])
        for name in ("penilai_lintas", "penilai_bekasi"):
            region_user_deactivate(user=users[name], region=tenancy.bekasi, by=tapem, reason="x")

        # The seat they hold stays (their values still count) …
        team_set(period=period, stage=stage, seats=[(users["penilai_lintas"], "ketua")])
        # … but nobody deactivated is seated anew.
        with pytest.raises(ValidationError, match="nonaktif di Kota Bekasi"):
            team_set(period=period, stage=stage, seats=[(users["penilai_bekasi"], "anggota")])
        with pytest.raises(ValidationError, match="bukan penilai"):
            team_member_add(period=period, stage=stage, user=users["penilai_bekasi"])
        assert [s.user for s in TeamMember.objects.filter(period=period)] == [
            users["penilai_lintas"]
        ]
        offered = {u.username: u.active_here for u in penilai_list()}
    assert offered == {"penilai_bekasi": False, "penilai_lintas": False}
