"""A database built before tenancy moved to `regions` migrates forward with every row kept:
regions, kecamatan, roles and the django-guardian object permissions that hang on them."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_scopes import scopes_disabled

from regions.models import Kecamatan, Membership, Region

BEFORE = [
    ("awards", None),  # came later; it depends on evaluations
    ("evaluations", "0003_region_reserved_slugs"),
    ("instruments", "0001_initial"),
    ("regions", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    named = {app for app, _name in targets}
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in named]
    return executor.loader.project_state(
        others + [target for target in targets if target[1] is not None]
    ).apps


def latest_targets():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def old_schema():
    try:
        yield migrate(BEFORE)
    finally:
        migrate(latest_targets())  # whatever happened, later tests get today's schema


@pytest.mark.django_db(transaction=True)
def test_rows_and_object_permissions_survive_the_move(old_schema):
    old = old_schema
    OldRegion = old.get_model("evaluations", "Region")
    OldKecamatan = old.get_model("evaluations", "Kecamatan")
    OldMembership = old.get_model("evaluations", "Membership")
    OldPeriod = old.get_model("evaluations", "Period")
    OldSet = old.get_model("instruments", "InstrumentSet")
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    UserObjectPermission = old.get_model("guardian", "UserObjectPermission")
    User = old.get_model("auth", "User")

    region = OldRegion.objects.create(
        slug="banggai", name="Kabupaten Banggai", kind="kabupaten", head_title="Bupati"
    )
    kecamatan = OldKecamatan.objects.create(region=region, slug="balantak", name="Balantak")
    tapem = User.objects.create(username="tapem-old", is_active=True)
    operator = User.objects.create(username="op-old", is_active=True)
    OldMembership.objects.create(user=tapem, region=region, role="admin_tapem")
    OldMembership.objects.create(user=operator, region=region, role="operator", kecamatan=kecamatan)
    instrument_set = OldSet.objects.create(
        region=region, code="ekk", version=1, name="EKK", final_combine="mean_of_stages"
    )
    OldPeriod.objects.create(
        region=region,
        slug="2026",
        name="EKK 2026",
        year_evaluated=2025,
        instrument_set=instrument_set,
    )
    # The permissions exactly as an old database holds them: on the evaluations content types.
    region_type, _ = ContentType.objects.get_or_create(app_label="evaluations", model="region")
    kecamatan_type, _ = ContentType.objects.get_or_create(
        app_label="evaluations", model="kecamatan"
    )
    manage, _ = Permission.objects.get_or_create(
        codename="manage_region", content_type=region_type, defaults={"name": "manage"}
    )
    fill, _ = Permission.objects.get_or_create(
        codename="fill_self_assessment", content_type=kecamatan_type, defaults={"name": "fill"}
    )
    UserObjectPermission.objects.create(
        user=tapem, permission=manage, content_type=region_type, object_pk=str(region.pk)
    )
    UserObjectPermission.objects.create(
        user=operator, permission=fill, content_type=kecamatan_type, object_pk=str(kecamatan.pk)
    )

    migrate(latest_targets())

    with scopes_disabled():
        moved_region = Region.objects.get(slug="banggai")
        moved_kecamatan = Kecamatan.objects.get(region=moved_region, slug="balantak")
        assert moved_region.pk == region.pk and moved_kecamatan.pk == kecamatan.pk
        assert Membership.objects.filter(region=moved_region).count() == 2
        assert moved_region.periods.get().instrument_set.region == moved_region
        assert moved_region.instrument_sets.count() == 1
    users = get_user_model().objects
    assert users.get(username="tapem-old").has_perm("regions.manage_region", moved_region)
    assert users.get(username="op-old").has_perm("regions.fill_self_assessment", moved_kecamatan)
    assert not users.get(username="op-old").has_perm("regions.manage_region", moved_region)
    tables = connection.introspection.table_names()
    assert {"regions_region", "regions_kecamatan", "regions_membership"} <= set(tables)
    assert "evaluations_region" not in tables
