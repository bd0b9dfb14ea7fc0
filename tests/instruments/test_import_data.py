"""The plain-data import reports every problem at once and stores nothing on any."""

import pytest
from django_scopes import scopes_disabled

from instruments.models import InstrumentSet, Stage
from instruments.services import (
    InstrumentImportError,
    instrument_set_clone,
    instrument_set_import_data,
    instrument_set_to_data,
)
from tests.factories import RegionFactory
from tests.instruments.builders import bigger_set, tiny_set


@pytest.fixture
def region(db):
    with scopes_disabled():
        return RegionFactory(slug="bekasi", name="Kota Bekasi")


def _refusal(region, data, **kwargs) -> list[str]:
    with scopes_disabled(), pytest.raises(InstrumentImportError) as refused:
        instrument_set_import_data(region=region, data=data, **kwargs)
    with scopes_disabled():
        assert not InstrumentSet.objects.exists() and not Stage.objects.exists()
    return refused.value.messages


def test_every_bad_item_is_reported_not_only_the_first(region):
    data = bigger_set(stages=2, aspects=1, indicators=1)
    data["stages"][0]["max_score"] = "seratus"
    data["stages"][0]["aspects"][0]["weight"] = "banyak"
    data["stages"][1]["aspects"][0]["indicators"][0]["options"][1]["score"] = None
    data["award_tiers"][0]["label"] = ""
    assert _refusal(region, data) == [
        "Tahap ke-1: nilai maksimal tahap harus berupa angka.",
        "Tahap ke-1 (T1) · aspek ke-1: bobot (%) harus berupa angka.",
        "Tahap ke-2 (T2) · aspek ke-1 (K1) · indikator ke-1 (K1.1) · pilihan ke-2: "
        "skor wajib diisi.",
        "Penghargaan ke-1: penghargaan wajib diisi.",
    ]


def test_duplicate_codes_are_refused_before_the_database_sees_them(region):
    data = tiny_set()
    data["stages"].append({**data["stages"][0], "order": 2})
    data["stages"][0]["aspects"][1]["code"] = "A"
    data["award_tiers"].append({**data["award_tiers"][0]})
    assert _refusal(region, data) == [
        "Tahap ke-1 (T1) · aspek ke-2: kode A dipakai lebih dari sekali.",
        "Tahap ke-2: kode T1 dipakai lebih dari sekali.",
        "Tahap ke-2 (T1) · aspek ke-2: kode A dipakai lebih dari sekali.",
        "Penghargaan ke-2: peringkat 1 dipakai lebih dari sekali.",
    ]


def test_sources_name_where_each_item_came_from(region):
    data = tiny_set()
    data["stages"][0]["aspects"][1]["max_score"] = "x"
    data["tie_break_rules"][0]["stage"] = ""
    sources = {("stages", 0, "aspects", 1): "aspek baris 3", ("tie_break_rules", 0): "seri baris 2"}
    assert _refusal(region, data, sources=sources) == [
        "aspek baris 3: nilai maksimal harus berupa angka.",
        "seri baris 2: tahap wajib diisi.",
    ]


def test_text_starting_with_equals_is_refused(region):
    data = tiny_set(name='=HYPERLINK("x")')
    assert _refusal(region, data) == [
        "Set instrumen: nama tidak boleh diawali tanda = (dibaca sebagai rumus)."
    ]


def test_an_existing_version_is_not_overwritten(region):
    with scopes_disabled():
        instrument_set_import_data(region=region, data=tiny_set())
        with pytest.raises(InstrumentImportError) as refused:
            instrument_set_import_data(region=region, data=tiny_set(name="Lain"))
        assert InstrumentSet.objects.get().name == "Set uji"
    assert refused.value.messages == [
        "Set uji versi 1 sudah ada; buat versi baru untuk mengubahnya."
    ]


def test_clone_copies_everything_into_the_next_draft(region):
    with scopes_disabled():
        first = instrument_set_import_data(region=region, data=bigger_set())
        second = instrument_set_clone(instrument_set=first)
        third = instrument_set_clone(instrument_set=first)  # from v1 again: still the next
        assert (second.version, third.version) == (2, 3)
        assert third.previous_version == first and third.status == "draft"
        assert instrument_set_to_data(third) == {**instrument_set_to_data(first), "version": 3}
