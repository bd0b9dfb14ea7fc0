"""An instrument set travels as one xlsx workbook and comes back unchanged; a workbook
with bad rows is refused with every bad row named, and nothing is stored."""

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django_scopes import scopes_disabled

from instruments.models import InstrumentSet
from instruments.services import (
    InstrumentImportError,
    instrument_set_export_workbook,
    instrument_set_import_data,
    instrument_set_import_workbook,
    instrument_set_to_data,
)
from instruments.workbook import SHEET_NAMES
from tests.factories import RegionFactory
from tests.instruments.builders import bigger_set, tiny_set
from tests.instruments.workbooks import edited, exported, with_cell

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REGIONS = ["bekasi", "banggai", "pekalongan", "tegal"]


@pytest.fixture
def region(db):
    with scopes_disabled():
        return RegionFactory(slug="bekasi", name="Kota Bekasi")


def _round_trip(region, data):
    """(original data, data after export → import into a new version)."""
    with scopes_disabled():
        original = instrument_set_import_data(region=region, data=data)
        content = instrument_set_export_workbook(instrument_set=original)
        again = instrument_set_import_workbook(region=region, source=content)
        return instrument_set_to_data(original), instrument_set_to_data(again), again


def _import(region, content):
    with scopes_disabled():
        return instrument_set_import_workbook(region=region, source=content)


def _refusal(region, content) -> list[str]:
    with scopes_disabled():
        before = InstrumentSet.objects.count()
        with pytest.raises(InstrumentImportError) as refused:
            instrument_set_import_workbook(region=region, source=content)
        assert InstrumentSet.objects.count() == before, "a refused workbook stores nothing"
    return refused.value.messages


# ------------------------------------------------------------------------------ round trip


@pytest.mark.parametrize("builder", [tiny_set, bigger_set], ids=["tiny_set", "bigger_set"])
def test_round_trip_keeps_every_value(region, builder):
    data = builder(
        description="Baris satu\nbaris dua",
        assumption="+62 dan @camat: teks, bukan rumus",
        legal_date="2026-01-02",
    )
    original, again, new_set = _round_trip(region, data)
    assert new_set.version == original["version"] + 1  # the code existed: a new version
    assert again == {**original, "version": original["version"] + 1}


@pytest.mark.parametrize("region_slug", REGIONS)
def test_shipped_sets_survive_the_round_trip(region_slug, region):
    path = FIXTURES / region_slug / "instrument_set.json"
    if not path.exists():
        pytest.skip(f"{path} is not written yet")
    original, again, _new = _round_trip(region, json.loads(path.read_text("utf-8")))
    assert again == {**original, "version": original["version"] + 1}


def _with_references(data: dict) -> dict:
    """`data` with a reference on every level and the exact score deciding."""
    data["decision_basis"] = "exact"
    data["reference"] = "Pasal 1"
    for s_n, stage in enumerate(data["stages"], start=1):
        stage["reference"] = f"Pasal {s_n + 1} ayat (2) huruf a–d"
        for aspect in stage["aspects"]:
            aspect["reference"] = f"Lampiran I angka {aspect['order']}"
            for indicator in aspect["indicators"]:
                indicator["reference"] = f"Lampiran I angka {aspect['order']}.{indicator['order']}"
                for option in indicator.get("options", []):
                    option["reference"] = "Keputusan Tim (asumsi)"
    for key in ("predicate_bands", "tie_break_rules", "award_tiers"):
        for item in data.get(key, []):
            item["reference"] = f"Pasal 8 ({key})"
    return data


def test_round_trip_keeps_references_on_every_level_and_the_decision_basis(region):
    data = _with_references(bigger_set())
    original, again, _new = _round_trip(region, data)
    assert again == {**original, "version": original["version"] + 1}
    assert again["decision_basis"] == "exact"
    assert again["stages"][0]["reference"] == "Pasal 2 ayat (2) huruf a–d"
    every = [
        item.get("reference")
        for stage in again["stages"]
        for aspect in stage["aspects"]
        for item in (stage, aspect, *aspect["indicators"])
    ] + [
        item["reference"]
        for key in ("predicate_bands", "tie_break_rules", "award_tiers")
        for item in again[key]
    ]
    assert every and all(every), "no level lost its reference"
    book = openpyxl.load_workbook(io.BytesIO(exported(again)))
    headers = {name: [cell.value for cell in book[name][1]] for name in SHEET_NAMES}
    assert all("rujukan" in columns for columns in headers.values())
    assert "dasar keputusan" in headers["set"]


def test_a_workbook_from_before_references_still_imports(region):
    """A workbook exported before the reference and decision-basis columns existed."""

    def drop_columns(book):
        for worksheet in book.worksheets:
            headers = [cell.value for cell in worksheet[1]]
            for name in ("rujukan", "dasar keputusan"):
                if name in headers:
                    worksheet.delete_cols(headers.index(name) + 1)
                    headers = [cell.value for cell in worksheet[1]]

    content = edited(exported(_with_references(tiny_set())), drop_columns)
    new_set = _import(region, content)
    with scopes_disabled():
        data = instrument_set_to_data(new_set)
    assert data["decision_basis"] == "published"
    assert data["reference"] == "" and data["stages"][0]["reference"] == ""


def test_a_new_code_keeps_the_workbook_version(region):
    new_set = _import(region, exported(tiny_set(code="baru", version=3)))
    assert (new_set.code, new_set.version, new_set.previous_version) == ("baru", 3, None)


def test_a_known_code_becomes_the_next_draft_version(region):
    with scopes_disabled():
        first = instrument_set_import_data(region=region, data=tiny_set())
    second = _import(region, exported(tiny_set()))
    assert (second.version, second.status, second.previous_version) == (2, "draft", first)


def test_workbook_has_one_sheet_per_level_with_indonesian_headers():
    book = openpyxl.load_workbook(io.BytesIO(exported()))
    assert book.sheetnames == [*SHEET_NAMES, "petunjuk"]
    assert [cell.value for cell in book["indikator"][1]][:6] == [
        "tahap",
        "aspek",
        "urutan",
        "kode",
        "kelompok",
        "pertanyaan/uraian",
    ]
    assert [cell.value for cell in book["seri"][1]] == [
        "urutan",
        "tahap",
        "aspek",
        "indikator",
        "nilai lebih tinggi menang",
        "keterangan",
        "rujukan",
        "asumsi",
    ]
    row = [cell.value for cell in book["aspek"][2]]
    assert row[:3] == ["T1", 1, "A"] and "ya" in row  # parent code, numbers, ya/tidak


def test_typed_values_a_person_would_enter_are_accepted(region):
    content = with_cell(exported(), "aspek", 2, "bobot (%)", "60,0")  # text with a comma
    content = with_cell(content, "indikator", 2, "jenis", "Nilai dalam rentang")  # the label
    content = with_cell(content, "tahap", 2, "kode", "T1 ")  # stray space
    content = with_cell(content, "aspek", 2, "dihitung dalam nilai", "Ya")
    new_set = _import(region, content)
    with scopes_disabled():
        data = instrument_set_to_data(new_set)
    aspect = data["stages"][0]["aspects"][0]
    assert aspect["weight"] == "60" and aspect["counts_toward_total"] is True
    assert aspect["indicators"][0]["kind"] == "score"


# ------------------------------------------------------------------------------ bad rows


def test_every_bad_row_is_reported_in_sheet_and_row_order(region):
    content = exported(bigger_set(stages=2, aspects=2, indicators=2))
    content = with_cell(content, "penghargaan", 2, "peringkat", "satu")
    content = with_cell(content, "indikator", 7, "bobot dalam aspek (%)", "enam puluh")
    content = with_cell(content, "pilihan", 3, "skor", "tinggi")
    content = with_cell(content, "indikator", 3, "hanya bilangan bulat", "mungkin")
    content = with_cell(content, "tahap", 3, "nilai maksimal tahap", "seratus")
    content = with_cell(content, "set", 2, "tanggal dasar hukum", "2 Januari")
    assert _refusal(region, content) == [
        "set baris 2: tanggal dasar hukum harus tanggal berformat TTTT-BB-HH.",
        "tahap baris 3: nilai maksimal tahap harus berupa angka.",
        "indikator baris 3: hanya bilangan bulat harus ya atau tidak.",
        "indikator baris 7: bobot dalam aspek (%) harus berupa angka.",
        "pilihan baris 3: skor harus berupa angka.",
        "penghargaan baris 2: peringkat harus berupa bilangan bulat.",
    ]


def test_rows_naming_a_parent_that_does_not_exist_are_reported(region):
    content = with_cell(exported(), "aspek", 3, "tahap", "T9")
    content = with_cell(content, "indikator", 2, "aspek", "")
    assert _refusal(region, content) == [
        "aspek baris 3: tahap T9 tidak ada di lembar tahap.",
        "indikator baris 2: kolom aspek wajib diisi.",
        # The aspect's own indicator has lost its parent with it.
        "indikator baris 3: aspek T1 · B tidak ada di lembar aspek.",
    ]


def test_rules_of_the_model_are_reported_by_row(region):
    content = with_cell(exported(), "indikator", 3, "kode", "B 1")
    content = with_cell(content, "indikator", 2, "jenis", "apa saja")
    content = with_cell(content, "tahap", 2, "nama tahap", "")
    messages = _refusal(region, content)
    assert messages == [
        "tahap baris 2: nama tahap wajib diisi.",
        "indikator baris 2: jenis: Nilai 'apa saja' bukan pilihan yang valid.",
        "indikator baris 3: kode: Kode hanya boleh berisi huruf, angka, titik, garis bawah "
        "dan tanda hubung.",
    ]


def test_duplicate_codes_and_dangling_tie_breaks_are_named(region):
    content = with_cell(exported(), "aspek", 3, "kode", "A")
    content = with_cell(content, "seri", 2, "aspek", "Z")
    assert _refusal(region, content) == [
        "aspek baris 3: kode A dipakai lebih dari sekali.",
        "indikator baris 3: aspek T1 · B tidak ada di lembar aspek.",
        "seri baris 2: tahap, aspek atau indikator yang dirujuk tidak ada.",
    ]


def test_a_set_that_would_not_validate_is_refused(region):
    content = with_cell(exported(), "indikator", 2, "nilai minimal", 200)
    messages = _refusal(region, content)
    assert messages == ["Tahap T1 · A · A1: Nilai minimal lebih besar dari nilai maksimal."]


def test_set_sheet_holds_exactly_one_row(region):
    def second_set_row(book):
        book["set"].append([cell.value for cell in book["set"][2]])

    assert _refusal(region, edited(exported(), second_set_row)) == [
        "set baris 3: lembar set hanya boleh berisi satu baris."
    ]


def test_data_in_a_column_without_header_is_refused(region):
    def note_in_margin(book):
        book["tahap"].cell(row=2, column=30).value = "catatan"

    assert _refusal(region, edited(exported(), note_in_margin)) == [
        "tahap baris 2: kolom AD tidak berjudul tetapi berisi data."
    ]


def test_blank_rows_between_items_are_ignored(region):
    def blank_rows(book):
        book["aspek"].insert_rows(3, amount=2)

    new_set = _import(region, edited(exported(), blank_rows))
    with scopes_disabled():
        assert len(instrument_set_to_data(new_set)["stages"][0]["aspects"]) == 2


# ------------------------------------------------------------------------------ presentation


# Banggai stage 3's, as the shipped set carries them.
LIMITS = json.loads((FIXTURES / "banggai" / "instrument_set.json").read_text("utf-8"))["stages"][2][
    "presentation_limits"
]


def test_presentation_limits_travel_through_the_workbook(region):
    data = tiny_set()
    data["stages"][0]["presentation_limits"] = LIMITS
    original, again, new_set = _round_trip(region, data)
    assert again["stages"][0]["presentation_limits"] == LIMITS
    assert again == {**original, "version": original["version"] + 1}
    book = openpyxl.load_workbook(io.BytesIO(exported(data)))
    headers = [cell.value for cell in book["tahap"][1]]
    assert "batas waktu pemaparan" in headers
    # The timer of a period using the imported version reads what the workbook carried.
    from evaluations.tablet import presentation_limits

    with scopes_disabled():
        limits = presentation_limits(new_set.stages.get())
    assert [(p.label, p.minutes) for p in limits.phases] == [
        ("Video kewilayahan", 10),
        ("Pemaparan Camat", 30),
        ("Wawancara panel", None),
    ]
    assert limits.slides == 12


def test_a_malformed_presentation_limit_is_refused_by_row(region):
    bad = json.dumps({"phases": [{"code": "video", "label": "Video", "minutes": 10.5}]})
    content = with_cell(exported(), "tahap", 2, "batas waktu pemaparan", bad)
    assert _refusal(region, content) == [
        "tahap baris 2: batas waktu pemaparan: Fase 1: menit harus bilangan bulat 1–600, atau "
        "null bila fase ini tanpa batas waktu."
    ]


def test_a_workbook_from_before_presentation_limits_still_imports(region):
    def drop_column(book):
        headers = [cell.value for cell in book["tahap"][1]]
        book["tahap"].delete_cols(headers.index("batas waktu pemaparan") + 1)

    new_set = _import(region, edited(exported(), drop_column))
    with scopes_disabled():
        assert new_set.stages.get().presentation_limits == {}
