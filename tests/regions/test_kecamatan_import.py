"""The superuser loads a region's kecamatan list from a spreadsheet (django-import-export)."""

import tablib
from django_scopes import scopes_disabled

from regions.models import Kecamatan
from regions.resources import KecamatanResource
from tests.factories import RegionFactory


def test_kecamatan_list_imports_with_derived_codes_and_is_idempotent(db):
    with scopes_disabled():
        RegionFactory(slug="banggai", name="Kabupaten Banggai")
        dataset = tablib.Dataset(headers=["pemerintah_daerah", "nama", "kode"])
        for name in ("Luwuk", "Luwuk Selatan", "Toili Barat"):
            dataset.append(["banggai", name, ""])
        first = KecamatanResource().import_data(dataset)
        assert not first.has_errors()
        second = KecamatanResource().import_data(dataset)
        assert not second.has_errors()
        assert sorted(Kecamatan.objects.values_list("slug", flat=True)) == [
            "luwuk",
            "luwuk-selatan",
            "toili-barat",
        ]


def test_unknown_region_is_reported_and_nothing_is_imported(db):
    with scopes_disabled():
        dataset = tablib.Dataset(headers=["pemerintah_daerah", "nama", "kode"])
        dataset.append(["kota-antah", "Sukamaju", ""])
        result = KecamatanResource().import_data(dataset)
        assert result.has_validation_errors() or result.has_errors()
        assert Kecamatan.objects.count() == 0


def test_admin_offers_import(admin_client, db):
    response = admin_client.get("/admin/regions/kecamatan/import/")
    assert response.status_code == 200
