"""Tenant data is unreachable without a region scope; inside one, only that region's rows."""

import io

import pytest
from django.core.management import call_command
from django_scopes import ScopeError, scope, scopes_disabled

from evaluations.models import Period, ScoreEntry
from instruments.models import Indicator, InstrumentSet, Stage
from regions.models import Kecamatan, Membership


@pytest.mark.parametrize(
    "model", [Kecamatan, Membership, Period, ScoreEntry, InstrumentSet, Stage, Indicator]
)
def test_query_without_scope_raises(model, tenancy):
    with pytest.raises(ScopeError):
        list(model.objects.all())


def test_scope_shows_only_its_region(tenancy):
    with scope(region=tenancy.bekasi):
        names = set(Kecamatan.objects.values_list("name", flat=True))
    assert names == {"Bantargebang", "Jatiasih"}
    with scope(region=tenancy.tegal):
        assert list(Kecamatan.objects.values_list("name", flat=True)) == ["Slawi"]


def test_operator_permission_does_not_cross_kecamatan(tenancy):
    operator = tenancy.users["operator_bantargebang"]
    assert operator.has_perm("regions.fill_self_assessment", tenancy.bantargebang)
    assert not operator.has_perm("regions.fill_self_assessment", tenancy.jatiasih)
    assert not operator.has_perm("regions.fill_self_assessment")  # no global grant


def test_admin_tapem_permission_is_per_region(tenancy):
    tapem = tenancy.users["tapem_bekasi"]
    assert tapem.has_perm("regions.manage_region", tenancy.bekasi)
    assert not tapem.has_perm("regions.manage_region", tenancy.tegal)


def test_revoking_a_role_removes_its_permissions(tenancy):
    from regions.services import membership_revoke

    with scopes_disabled():
        membership = Membership.objects.get(user__username="tapem_bekasi")
        membership_revoke(membership=membership)
    tapem = type(tenancy.users["tapem_bekasi"]).objects.get(username="tapem_bekasi")
    assert not tapem.has_perm("regions.manage_region", tenancy.bekasi)


def test_demo_command_is_idempotent(db):
    call_command("load_demo", "--no-scores", stdout=io.StringIO())
    with scopes_disabled():
        counts = (Kecamatan.objects.count(), Membership.objects.count(), Period.objects.count())
    call_command("load_demo", "--no-scores", stdout=io.StringIO())
    with scopes_disabled():
        assert (
            Kecamatan.objects.count(),
            Membership.objects.count(),
            Period.objects.count(),
        ) == counts
        assert Kecamatan.objects.count() == 12 + 23 + 19 + 18


@pytest.mark.parametrize("slug", ["admin", "akun", "static"])
def test_region_slug_cannot_shadow_an_application_url(slug, db):
    from django.core.exceptions import ValidationError

    from regions.models import Region

    region = Region(slug=slug, name="Kota Uji", kind="kota", head_title="Wali Kota")
    with pytest.raises(ValidationError) as error:
        region.full_clean()
    assert "dipakai oleh aplikasi" in str(error.value)
