"""The four shipped instrument sets load through the import service and validate."""

import json
from html import escape
from pathlib import Path

import pytest
from django.conf import settings
from django_scopes import scopes_disabled

from instruments.selectors import instrument_set_tree
from instruments.services import instrument_set_import_data
from instruments.validation import validate_instrument_set
from tests.factories import RegionFactory

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REGIONS = ["bekasi", "banggai", "pekalongan", "tegal"]


def _load(region_slug: str):
    data = json.loads((FIXTURES / region_slug / "instrument_set.json").read_text("utf-8"))
    with scopes_disabled():
        region = RegionFactory(slug=region_slug, name=region_slug.title())
        instrument_set = instrument_set_import_data(region=region, data=data)
        return instrument_set_tree(pk=instrument_set.pk)


@pytest.mark.parametrize("region_slug", REGIONS)
def test_shipped_set_loads_without_errors(region_slug, db):
    with scopes_disabled():
        findings = validate_instrument_set(_load(region_slug))
    assert [str(f) for f in findings if f.is_error] == []


def test_a_consistent_regulation_carries_no_warning(db):
    with scopes_disabled():
        assert validate_instrument_set(_load("pekalongan")) == []


@pytest.mark.parametrize(
    ("region_slug", "words"),
    [
        ("bekasi", ("Diktum KEEMPAT", "Lampiran III", "II.6", "jadwal")),
        ("banggai", ("Pasal 14 ayat (6)", "menjumlahkan", "Lampiran III", "JTK")),
    ],
)
def test_a_conflict_of_the_text_is_surfaced_as_a_warning(region_slug, words, db):
    with scopes_disabled():
        warnings = [f for f in validate_instrument_set(_load(region_slug)) if not f.is_error]
    (warning,) = warnings
    assert warning.where == "Regulasi"
    for word in words:
        assert word in warning.message, word


@pytest.mark.parametrize("region_slug", REGIONS)
def test_references_and_the_decision_basis_survive_loading(region_slug, db):
    with scopes_disabled():
        tree = _load(region_slug)
        parts = [
            *tree.stages.all(),
            *(a for s in tree.stages.all() for a in s.aspects.all()),
            *(i for s in tree.stages.all() for a in s.aspects.all() for i in a.indicators.all()),
            *(
                o
                for s in tree.stages.all()
                for a in s.aspects.all()
                for i in a.indicators.all()
                for o in i.options.all()
            ),
            *tree.predicate_bands.all(),
            *tree.tie_break_rules.all(),
            *tree.award_tiers.all(),
        ]
    assert tree.decision_basis == "published"
    assert tree.assumption.startswith("Peringkat, seri, daftar pendek dan predikat")
    assert [part for part in parts if not part.reference.strip()] == []


def test_tegal_contradiction_is_surfaced_as_a_warning(db):
    with scopes_disabled():
        warnings = [f for f in validate_instrument_set(_load("tegal")) if not f.is_error]
    assert len(warnings) == 1
    assert "35%" in warnings[0].message and "105%" in warnings[0].message


def test_weights_not_summing_to_100_warn(db):
    data = json.loads((FIXTURES / "bekasi" / "instrument_set.json").read_text("utf-8"))
    data["stages"][0]["aspects"][0]["weight"] = "30"  # 35 → 30: the criteria now sum to 95
    with scopes_disabled():
        region = RegionFactory(slug="bekasi")
        instrument_set = instrument_set_import_data(region=region, data=data)
        messages = [
            str(f) for f in validate_instrument_set(instrument_set_tree(pk=instrument_set.pk))
        ]
    assert any("95%" in message and "bukan 100%" in message for message in messages)


def test_a_weight_sum_prints_with_a_decimal_comma(db):
    data = json.loads((FIXTURES / "bekasi" / "instrument_set.json").read_text("utf-8"))
    data["stages"][0]["aspects"][0]["weight"] = "37.5"  # 35 → 37,5: the criteria sum to 102,5
    with scopes_disabled():
        region = RegionFactory(slug="bekasi")
        instrument_set = instrument_set_import_data(region=region, data=data)
        messages = [
            str(f) for f in validate_instrument_set(instrument_set_tree(pk=instrument_set.pk))
        ]
    assert any("berjumlah 102,5%, bukan 100%" in message for message in messages)


@pytest.mark.parametrize("region_slug", REGIONS)
def test_assumptions_survive_loading(region_slug, db):
    with scopes_disabled():
        tree = _load(region_slug)
        assumed = [
            indicator
            for stage in tree.stages.all()
            for aspect in stage.aspects.all()
            for indicator in aspect.indicators.all()
            if indicator.is_assumed
        ]
    assert assumed, "every shipped set decides something the regulation leaves open"
    assert all(indicator.assumption.strip() for indicator in assumed)


def test_set_page_shows_the_regulation_tree_with_assumptions(client, db):
    from regions.models import Role
    from regions.services import membership_grant
    from tests.factories import UserFactory

    with scopes_disabled():
        tree = _load("banggai")
        user = UserFactory(username="tapem_banggai")
        membership_grant(user=user, region=tree.region, role=Role.ADMIN_TAPEM)
    client.force_login(user)
    page = client.get(f"/banggai/instrumen/{tree.pk}/").content.decode()
    assert "Peraturan Bupati Banggai Nomor 49 Tahun 2022" in page
    assert "Kurang Sekali" in page and "Baik Sekali" in page
    assert "Asumsi" in page
    assert "(T1 + T2 + T3) / 3" in page


def test_a_version_stored_meanwhile_is_a_clear_message_not_a_crash(db, monkeypatch):
    """Two Tapem staff upload the same set at once: the second gets a message."""
    from instruments import services
    from instruments.services import InstrumentImportError

    data = json.loads((FIXTURES / "tegal" / "instrument_set.json").read_text("utf-8"))
    with scopes_disabled():
        region = RegionFactory(slug="tegal")
        instrument_set_import_data(region=region, data=data)
        # Simulate the race: the existence check runs before the other upload commits.
        real_filter = services.InstrumentSet.objects.filter
        monkeypatch.setattr(
            services.InstrumentSet.objects,
            "filter",
            lambda *a, **k: real_filter(pk=-1) if "version" in k else real_filter(*a, **k),
        )
        with pytest.raises(InstrumentImportError) as error:
            instrument_set_import_data(region=region, data=data)
    assert "baru saja dibuat oleh pengguna lain" in error.value.messages[0]


@pytest.mark.parametrize(
    ("region_slug", "bands"),
    [
        ("banggai", ["≤ 30", "31 – 60", "86 – 100"]),
        ("tegal", ["> 85", "> 75 dan ≤ 85", "≤ 40"]),
    ],
)
def test_bands_read_as_the_regulation_prints_them(client, db, region_slug, bands):
    from regions.models import Role
    from regions.services import membership_grant
    from tests.factories import UserFactory

    with scopes_disabled():
        tree = _load(region_slug)
        user = UserFactory()
        membership_grant(user=user, region=tree.region, role=Role.PIMPINAN)
    client.force_login(user)
    page = client.get(f"/{region_slug}/instrumen/{tree.pk}/").content.decode()
    for band in bands:
        assert f'"Rentang nilai">{escape(band)}</td>' in page
    assert ".0000" not in page
