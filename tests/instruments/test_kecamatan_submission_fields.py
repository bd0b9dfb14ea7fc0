"""What the kecamatan submits is part of the set like everything else: a file-only item,
informational figures with a capaian scale, a team question the kecamatan answers first,
and the evidence types an indicator accepts are validated, edited by Tapem, carried through
the workbook and shown on the regulation card."""

import copy

import pytest
from django_scopes import scopes_disabled

from instruments.models import Aspect, Indicator
from instruments.services import (
    InstrumentImportError,
    instrument_set_export_workbook,
    instrument_set_import_data,
    instrument_set_import_workbook,
    instrument_set_to_data,
)
from tests.instruments.builders import tiny_set
from tests.instruments.test_regulation_card import card, text
from tests.instruments.workbooks import edited, exported

pytestmark = pytest.mark.django_db

SCALE = [
    {"label": "Baik", "lower": "76", "upper": "100"},
    {"label": "Kurang", "upper": "76", "upper_inclusive": False},
]
NEW_COLUMNS = (
    "jenis berkas data dukung",
    "hanya informasi (tanpa skor)",
    "dijawab juga oleh kecamatan",
)


def with_submission() -> dict:
    """tiny_set with what a kecamatan submits beside the team's score of aspect A."""
    data = tiny_set()
    indicators = data["stages"][0]["aspects"][0]["indicators"]
    team = indicators[0]
    base = {k: v for k, v in team.items() if k != "options"}
    team["kecamatan_answers"] = False
    indicators += [
        {**copy.deepcopy(base), "order": 10, "code": "IKU", "kind": "capaian",
         "entered_by": "kecamatan", "min_value": None, "max_value": None, "weight": None,
         "informational": True, "evidence_types": "pdf, xlsx",
         "params": {"polarity": "lower_is_better", "scale": SCALE}, "options": []},
        {**copy.deepcopy(base), "order": 11, "code": "PAPARAN", "kind": "file",
         "entered_by": "kecamatan", "min_value": None, "max_value": None, "weight": None,
         "evidence_required": True, "evidence_types": "pdf", "options": []},
    ]  # fmt: skip
    return data


def test_the_new_fields_survive_the_workbook_round_trip(tenancy):
    with scopes_disabled():
        original = instrument_set_import_data(region=tenancy.bekasi, data=with_submission())
        content = instrument_set_export_workbook(instrument_set=original)
        again = instrument_set_import_workbook(region=tenancy.bekasi, source=content)
        before, after = instrument_set_to_data(original), instrument_set_to_data(again)
    assert after == {**before, "version": before["version"] + 1}
    iku = after["stages"][0]["aspects"][0]["indicators"][1]
    assert (iku["code"], iku["informational"], iku["evidence_types"]) == ("IKU", True, "pdf, xlsx")
    assert iku["params"]["scale"] == SCALE


def test_a_workbook_from_before_the_submission_columns_still_imports(tenancy):
    def drop_columns(book):
        sheet = book["indikator"]
        for name in NEW_COLUMNS:
            headers = [cell.value for cell in sheet[1]]
            sheet.delete_cols(headers.index(name) + 1)

    content = edited(exported(tiny_set()), drop_columns)
    with scopes_disabled():
        data = instrument_set_to_data(
            instrument_set_import_workbook(region=tenancy.bekasi, source=content)
        )
    indicator = data["stages"][0]["aspects"][0]["indicators"][0]
    assert (indicator["evidence_types"], indicator["informational"]) == ("", False)
    assert indicator["kecamatan_answers"] is False


BAD_SCALE = {"polarity": "higher_is_better", "scale": [{"lower": "1"}]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"code": "PAPARAN", "kind": "file", "entered_by": "team"},
            "berkas saja harus diisi oleh kecamatan",
        ),
        ({"code": "IKU", "informational": True}, "hanya informasi harus diisi oleh kecamatan"),
        (
            {"code": "X", "entered_by": "kecamatan", "kecamatan_answers": True},
            "Hanya indikator tim",
        ),
        ({"code": "X", "evidence_types": "pdf, exe"}, "Jenis berkas exe tidak dikenal"),
        ({"code": "X", "params": {"scale": SCALE}}, "Skala capaian (scale) hanya untuk"),
        ({"code": "X", "kind": "capaian", "params": BAD_SCALE}, "daftar rentang berlabel"),
    ],
)
def test_a_submission_the_set_cannot_hold_is_refused(tenancy, change, message):
    data = tiny_set()
    extra = {**data["stages"][0]["aspects"][0]["indicators"][0], "order": 9, **change}
    data["stages"][0]["aspects"][0]["indicators"].append(extra)
    with scopes_disabled(), pytest.raises(InstrumentImportError) as refused:
        instrument_set_import_data(region=tenancy.bekasi, data=data)
    assert any(message in line for line in refused.value.messages), refused.value.messages


def test_tapem_adds_a_pdf_only_file_item_in_the_set_editor(login, tenancy):
    with scopes_disabled():
        draft = instrument_set_import_data(region=tenancy.bekasi, data=tiny_set())
        aspect = Aspect.objects.get(stage__instrument_set=draft, code="A")
    tapem = login(tenancy.users["tapem_bekasi"])
    response = tapem.post(
        f"/bekasi/instrumen/{draft.pk}/aspek/{aspect.pk}/indikator/tambah/",
        {"order": "2", "code": "PAPARAN", "text": "Bahan presentasi Camat", "kind": "file",
         "entered_by": "kecamatan", "evidence_required": "on", "evidence_types": "pdf",
         "params": "{}", "evidence_note": "", "assumption": "", "reference": "Keputusan Tim"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:1500]
    with scopes_disabled():
        item = Indicator.objects.get(aspect=aspect, code="PAPARAN")
    assert (item.kind, item.evidence_types, item.scored) == ("file", "pdf", False)


def test_the_card_shows_what_each_kecamatan_submits(client):
    page, _tree = card(client, "banggai")
    shown = text(page)
    assert (
        "Skala capaian: > 100 Sangat Baik · 76 – 100 Baik · ≥ 55 dan < 76 Cukup · < 55 Kurang"
        in shown
    )
    assert "realisasi / target × 100; hanya informasi, tanpa skor" in shown
    client.logout()
    page, _tree = card(client, "pekalongan")
    shown = text(page)
    assert "dijawab kecamatan lebih dulu; titik awal penilai, tidak dihitung" in shown
    assert "Jenis berkas: PDF" in shown and "berkas, tanpa skor" in shown
