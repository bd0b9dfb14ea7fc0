"""Kabupaten Tegal through the Django layer (issue 10.4): keuangan entered for the two last
years ("Basis data yang digunakan adalah 2 (dua) tahun terakhir", Perbup 30/2016 Lampiran I
C), each part read as the mean of its years; partner institutions recorded beside the
programs (Lampiran II B, "Jumlah institusi"), shown and never scored."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django_scopes import scope

from evaluations.forms import SheetForm
from evaluations.models import Sheet
from evaluations.score_workbook import part_label
from evaluations.scoring_input import scoring_input_for_period
from evaluations.selectors import ranking_for_period
from evaluations.services import scores_import_rows
from evaluations.sheets import sheet_as_data
from regions.formatting import formula
from tests.scoring.builders import count, pair

pytestmark = pytest.mark.django_db

TEGAL = json.loads(
    (Path(settings.BASE_DIR) / "fixtures" / "tegal" / "instrument_set.json").read_text("utf-8")
)


def test_part_labels_name_the_years_of_the_period():
    labelled = pair("KEU", {"fisik": 50, "keuangan": 50}, years=2)
    labelled = type(labelled)(
        **{**labelled.__dict__, "part_labels": (("fisik", "Realisasi fisik"),)}
    )
    assert part_label(labelled, "fisik_1", 2025) == "Realisasi fisik 2024 (%)"
    assert part_label(labelled, "fisik_2", 2025) == "Realisasi fisik 2025 (%)"
    assert part_label(labelled, "fisik_2", None) == "Realisasi fisik tahun ke-2 (%)"
    assert part_label(labelled, "keuangan_1", None) == "keuangan tahun ke-1 (%)"
    assert part_label(pair("KEU", {"fisik": 50, "keuangan": 50}), "fisik", 2025) == "fisik (%)"
    counted = count("PEM", recorded=("institusi",))
    assert part_label(counted, "institusi", 2025) == "institusi"
    assert part_label(counted, "", 2025) == ""


@pytest.fixture
def tegal(make_period):
    setup = make_period(json.loads(json.dumps(TEGAL)), kecamatan=("Slawi", "Pangkah"))
    team = [member.username for member in setup.penilai]
    rows = []
    for name, fisik, keuangan, pem, nonpem, inovasi in (
        # fisik 80,5 and 90, keuangan 70 and 100: A = (80,5 + 90) / 2 × 50% = 42,625,
        # B = (70 + 100) / 2 × 50% = 42,5; keuangan = 85,125
        ("Slawi", (80.5, 90), (70, 100), (6, 3), (4, 9), (35, 15, 25, 8)),
        ("Pangkah", (100, 100), (100, 100), (12, 1), (8, 2), (40, 20, 30, 10)),
    ):
        cells = {
            ("KEU", "KEU:fisik_1"): fisik[0],
            ("KEU", "KEU:fisik_2"): fisik[1],
            ("KEU", "KEU:keuangan_1"): keuangan[0],
            ("KEU", "KEU:keuangan_2"): keuangan[1],
            ("SIN", "PEM"): pem[0],
            ("SIN", "PEM:institusi"): pem[1],
            ("SIN", "NONPEM"): nonpem[0],
            ("SIN", "NONPEM:institusi"): nonpem[1],
        }
        rows += [("T1", name, "mandiri", a, c, v) for (a, c), v in cells.items()]
        for member in team:
            rows += [
                ("T1", name, member, "INO", code, value)
                for code, value in zip("ABCD", inovasi, strict=True)
            ]
    with scope(region=setup.region):
        result = scores_import_rows(
            period=setup.period, rows=list(enumerate(rows, start=2)), by=None
        )
    assert result.stored == len(rows)
    return setup


def test_keuangan_is_the_mean_of_two_years_and_the_trace_uses_decimal_commas(tegal):
    with scope(region=tegal.region):
        ranking = ranking_for_period(period=tegal.period, trace=True)
        fast = ranking_for_period(period=tegal.period, trace=False)
    assert fast.essentials() == ranking.essentials()
    slawi = next(r for r in ranking.results if r.name == "Slawi")
    keuangan = slawi.stages[0].members[0].aspects[0].indicators[0]
    assert keuangan.score == Decimal("85.125")
    assert formula(keuangan.formula) == (
        "fisik (80,5 + 90) / 2 × 50% + keuangan (70 + 100) / 2 × 50% = 85,125"
    )


def test_institutions_are_recorded_and_shown_but_never_scored(tegal):
    with scope(region=tegal.region):
        ranking = ranking_for_period(period=tegal.period, trace=True)
    slawi = next(r for r in ranking.results if r.name == "Slawi")
    pem, nonpem = slawi.stages[0].members[0].aspects[1].indicators
    # programs 6 of the highest 12 -> 50; Slawi's 9 institutions beat Pangkah's 8 programs
    # and still do not become the highest count: 4 / 8 -> 50
    assert (pem.score, nonpem.score) == (Decimal(50), Decimal(50))
    assert [(e.part, e.value) for e in pem.entries] == [("", 6), ("institusi", 3)]
    assert nonpem.formula == "4 / 8 × 100 = 50"


def test_the_sheet_form_and_the_api_label_each_year_and_the_institutions(tegal):
    with scope(region=tegal.region):
        sheet = Sheet.objects.select_related("period__region", "stage", "kecamatan").get(
            period=tegal.period, kecamatan__name="Slawi", assessor=None
        )
        data = sheet_as_data(sheet)
        form = SheetForm(sheet=sheet)
        labels = [field.label for _cell, field, _latest in form.cell_fields()]
    cells = {(c["indicator"], c["part"]): c for c in data["values"]}
    # the period evaluates 2025: the two last years are 2024 and 2025
    assert cells["KEU", "fisik_1"]["label"] == "Realisasi fisik 2024 (%)"
    assert cells["KEU", "keuangan_2"]["label"] == "Realisasi keuangan 2025 (%)"
    assert cells["KEU", "fisik_1"]["value"] == "80.5"
    assert cells["PEM", "institusi"] == {
        **cells["PEM", "institusi"],
        "label": "Jumlah institusi pemerintah mitra",
        "value": "3",
        "integer_only": True,
        "min": "0",
        "max": None,
    }
    assert any(label.startswith("KEU · Realisasi fisik 2024 (%) — ") for label in labels)
    assert any(
        label.startswith("NONPEM · Jumlah lembaga non pemerintah mitra — ") for label in labels
    )


def test_a_set_without_years_keeps_the_single_year_form(make_period):
    data = json.loads(json.dumps(TEGAL))
    keu = data["stages"][0]["aspects"][0]["indicators"][0]
    keu["params"] = {"parts": {"fisik": "50", "keuangan": "50"}}
    setup = make_period(data, kecamatan=("Slawi",))
    with scope(region=setup.region):
        spec = scoring_input_for_period(period=setup.period).instrument
    keuangan = spec.stages[0].aspects[0].indicators[0]
    assert [name for name, _ in keuangan.cells] == ["fisik", "keuangan"]


def test_the_breakdown_names_each_part_as_the_set_labels_it(tegal, client, tenancy):
    from django.urls import reverse

    client.force_login(tenancy.users["tapem_bekasi"])
    page = client.get(
        reverse(
            "ranking_breakdown",
            kwargs={"region": "bekasi", "period": tegal.period.slug, "kecamatan": "slawi"},
        )
    ).content.decode()
    assert "Realisasi fisik 2024 (%): 80,5" in page
    assert "Jumlah institusi pemerintah mitra: 3" in page
    assert "fisik_1:" not in page
