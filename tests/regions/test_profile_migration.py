"""The person facts kept on each role move to the person's one profile, and back."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_scopes import scopes_disabled

from regions.models import Membership, Profile
from tests.regions.test_migrate_forward import latest_targets, migrate

# Later migrations of evaluations and awards depend on regions past 0004: step them back too.
BEFORE = [
    ("awards", None),
    ("evaluations", "0006_every_value_in_a_sheet"),
    ("regions", "0004_profile"),
]


@pytest.fixture
def old_schema():
    try:
        yield migrate(BEFORE)
    finally:
        migrate(latest_targets())


def _old_roles(old):
    Region = old.get_model("regions", "Region")
    Kecamatan = old.get_model("regions", "Kecamatan")
    Membership = old.get_model("regions", "Membership")
    User = old.get_model("auth", "User")
    bekasi = Region.objects.create(slug="bekasi", name="Kota Bekasi", kind="kota", head_title="W")
    tegal = Region.objects.create(slug="tegal", name="Kabupaten Tegal", kind="kabupaten")
    kecamatan = Kecamatan.objects.create(region=bekasi, slug="bantargebang", name="Bantargebang")
    siti = User.objects.create(username="siti", first_name="Siti", last_name="Aminah")
    lintas = User.objects.create(username="lintas")
    operator = User.objects.create(username="op")
    Membership.objects.create(
        user=siti,
        region=bekasi,
        role="admin_tapem",
        position="Kabag Tapem",
        nip="19850317 201001 1 003",
    )
    Membership.objects.create(user=lintas, region=bekasi, role="penilai", position="Asisten I")
    Membership.objects.create(user=lintas, region=tegal, role="penilai", position="Asisten I")
    Membership.objects.create(user=lintas, region=tegal, role="pimpinan", position="Staf Ahli")
    Membership.objects.create(user=operator, region=bekasi, role="operator", kecamatan=kecamatan)
    return Membership


@pytest.mark.django_db(transaction=True)
def test_facts_move_to_one_profile_per_person_and_back(old_schema):
    _old_roles(old_schema)

    migrate(latest_targets())
    with scopes_disabled():
        profiles = {p.user.username: p for p in Profile.objects.select_related("user")}
        assert not any(hasattr(m, "position") for m in Membership.objects.all())
    assert set(profiles) == {"siti", "lintas", "op"}
    siti = profiles["siti"]
    assert (siti.full_name, siti.jabatan, siti.nip) == (
        "Siti Aminah",
        "Kabag Tapem",
        "198503172010011003",
    )
    assert profiles["lintas"].jabatan == "Asisten I; Staf Ahli"
    assert (profiles["op"].jabatan, profiles["op"].nip) == ("", "")

    old = migrate(BEFORE)
    OldMembership = old.get_model("regions", "Membership")
    rows = set(OldMembership.objects.values_list("user__username", "role", "position", "nip"))
    assert ("siti", "admin_tapem", "Kabag Tapem", "198503172010011003") in rows
    assert ("lintas", "pimpinan", "Asisten I; Staf Ahli", "") in rows
    assert not old.get_model("regions", "Profile").objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_nip_of_two_accounts_stops_the_migration_instead_of_losing_one(old_schema):
    Membership = _old_roles(old_schema)
    Membership.objects.filter(user__username="op").update(nip="198503172010011003")

    with pytest.raises(RuntimeError, match="op: NIP 198503172010011003 juga milik siti"):
        migrate(latest_targets())
    assert get_user_model().objects.count() == 3  # nothing was changed
    assert "regions_profile" in connection.introspection.table_names()
    executor = MigrationExecutor(connection)
    assert ("regions", "0005_profile_from_membership") not in executor.loader.applied_migrations
    Membership.objects.filter(user__username="op").update(nip="")
