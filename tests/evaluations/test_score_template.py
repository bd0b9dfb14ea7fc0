"""`score_template`: the workbook Tapem hands to the tim penilai and the kecamatan."""

import io

import pytest
from django.core.management import call_command
from django_scopes import scope

from evaluations.score_workbook import HEADER, score_template_bytes
from evaluations.services import ScoreImportError, scores_import_rows
from regions import formatting
from tests.evaluations.conftest import (
    add_kecamatan,
    disqualify,
    read_rows,
    rich_set,
    stored,
)

pytestmark = pytest.mark.django_db


def template(tmp_path, period, name="nilai.xlsx"):
    out = tmp_path / name
    stdout = io.StringIO()
    call_command(
        "score_template",
        "--region",
        period.region.slug,
        "--period",
        period.slug,
        str(out),
        stdout=stdout,
    )
    rows = read_rows(out.read_bytes())
    assert f"{formatting.number(len(rows) - 1)} baris nilai ditulis" in stdout.getvalue()
    return rows


def test_header_and_one_row_per_member_aspect_and_indicator(make_period, tmp_path):
    setup = make_period()  # tiny set: aspects A (A1) and B (B1); 2 kecamatan, 2 penilai
    rows = template(tmp_path, setup.period)
    assert rows[0] == HEADER
    assert rows[1:] == [
        ("T1", kecamatan, penilai, aspect, f"{aspect}1", None, 0, 100, None)
        for kecamatan in ("Bantargebang", "Jatiasih")
        for penilai in ("penilai_bekasi", "penilai_lintas")
        for aspect in ("A", "B")
    ]


def test_every_kind_of_cell(make_period, tmp_path):
    setup = make_period(rich_set(), kecamatan=("Jatiasih",), penilai=2)
    rows = template(tmp_path, setup.period)
    desk = [row for row in rows[1:] if row[0] == "T1"]
    assert desk == [
        # the kecamatan's own values, once, before the members' sheets; no text indicator
        ("T1", "Jatiasih", "mandiri", "M", "KEU:fisik", None, 0, 100, None),
        ("T1", "Jatiasih", "mandiri", "M", "KEU:keuangan", None, 0, 100, None),
        ("T1", "Jatiasih", "mandiri", "M", "PEM", None, 0, None, None),
        ("T1", "Jatiasih", "mandiri", "M", "CAP:target", None, 0, None, None),
        ("T1", "Jatiasih", "mandiri", "M", "CAP:realisasi", None, 0, None, None),
        *(
            row
            for member in ("penilai_bekasi", "penilai_lintas")
            for row in (
                ("T1", "Jatiasih", member, "T", "S1", None, 0, 100, None),
                ("T1", "Jatiasih", member, "T", "C1", None, None, None, "a/b/c"),
                ("T1", "Jatiasih", member, "T", "YN", None, None, None, "ya/tidak"),
                ("T1", "Jatiasih", member, "T", "INT", None, 0, 30, None),
            )
        ),
    ]
    assert [row[:5] for row in rows[1:] if row[0] == "P"] == [
        ("P", "Jatiasih", "penilai_bekasi", "P", "P1"),
        ("P", "Jatiasih", "penilai_lintas", "P", "P1"),
    ]


def test_kecamatan_in_name_order_and_not_participating_or_disqualified_left_out(
    make_period, tmp_path
):
    setup = make_period(kecamatan=("Rawalumbu", "Bekasi Barat", "Jatiasih"), penilai=1)
    add_kecamatan(setup.region, "Medan Satria")  # in the region, not in the period
    disqualify(setup.period, "Jatiasih")
    rows = template(tmp_path, setup.period)
    assert [row[1] for row in rows[1:]] == ["Bekasi Barat"] * 2 + ["Rawalumbu"] * 2


def test_stored_values_are_prefilled_so_a_reexport_round_trips(make_period, tmp_path):
    setup = make_period(rich_set(shortlist=None), kecamatan=("Jatiasih", "Rawalumbu"), penilai=1)
    first = template(tmp_path, setup.period)
    values = {
        "KEU:fisik": 80.5,
        "KEU:keuangan": 70,
        "PEM": 3,
        "CAP:target": 10,
        "CAP:realisasi": 12.25,
        "S1": 66.125,
        "C1": "b",
        "YN": "ya",
        "INT": 30,
        "P1": 90,
    }
    filled = [(*row[:5], values[row[4]], *row[6:]) for row in first[1:]]
    with scope(region=setup.region):
        scores_import_rows(period=setup.period, rows=list(enumerate(filled, start=2)), by=None)
    second = template(tmp_path, setup.period, "lagi.xlsx")
    assert second[1:] == filled  # same rows, same order, the values back as entered
    assert stored(setup.period)[("Jatiasih", "S1", "penilai_bekasi", "")] == 66.125


def test_stage_after_a_shortlist_lists_everyone_until_the_shortlist_is_settled(
    make_period, tmp_path
):
    setup = make_period(rich_set(), kecamatan=("Jatiasih", "Rawalumbu"), penilai=1)
    rows = template(tmp_path, setup.period)
    assert {row[1] for row in rows[1:] if row[0] == "P"} == {"Jatiasih", "Rawalumbu"}

    # Score the whole first stage; Rawalumbu does better and is the top 1.
    marks = {"Jatiasih": 40, "Rawalumbu": 90}
    desk = []
    for row in rows[1:]:
        if row[0] != "T1":
            continue
        if row[8]:
            value = row[8].split("/")[0 if row[1] == "Rawalumbu" else -1]
        elif row[7] is None:
            value = 5
        else:
            value = min(marks[row[1]], row[7])
        desk.append((*row[:5], value, *row[6:]))
    with scope(region=setup.region):
        scores_import_rows(period=setup.period, rows=list(enumerate(desk, start=2)), by=None)
    rows = template(tmp_path, setup.period, "lagi.xlsx")
    assert {row[1] for row in rows[1:] if row[0] == "P"} == {"Rawalumbu"}
    assert {row[1] for row in rows[1:] if row[0] == "T1"} == {"Jatiasih", "Rawalumbu"}

    # A panel value for Jatiasih, which did not reach the panel, is refused with its row
    # (it was stored and silently ignored before).
    panel = [row for row in rows[1:] if row[0] == "P"]
    late = [(*panel[0][:1], "Jatiasih", *panel[0][2:5], 50, *panel[0][6:])]
    with scope(region=setup.region), pytest.raises(ScoreImportError) as refused:
        scores_import_rows(period=setup.period, rows=list(enumerate(late, start=2)), by=None)
    assert refused.value.messages == ["baris 2: kecamatan Jatiasih tidak masuk seleksi tahap P"]


def test_names_that_look_like_formulas_stay_text(make_period):
    setup = make_period(kecamatan=("=1+1",), penilai=1)
    with scope(region=setup.region):
        rows = read_rows(score_template_bytes(period=setup.period))
    assert rows[1][1] == "=1+1"


def test_shipped_fixtures(db, tmp_path):
    call_command("load_demo", "--no-scores", stdout=io.StringIO())
    from evaluations.models import Period
    from regions.models import Region

    region = Region.objects.get(slug="pekalongan")
    with scope(region=region):
        period = Period.objects.get(slug="2026")
    rows = template(tmp_path, period)
    # desk: 19 kecamatan × 5 penilai × 25 indicators; panel: everyone until the desk is done
    assert len(rows) - 1 == 19 * 5 * 25 + 19 * 5 * 2
    assert rows[1] == (
        "DESK",
        "Bojong",
        "penilai-pekalongan-1",
        "K1",
        "VMM.1",
        None,
        None,  # a choice takes a code, not a number in a range
        None,
        "a/b/c/d",
    )
    region = Region.objects.get(slug="tegal")
    with scope(region=region):
        period = Period.objects.get(slug="2026")
    rows = template(tmp_path, period, "tegal.xlsx")
    # Keuangan on two years (Lampiran I C), partner institutions recorded beside the programs
    assert [row[2:5] for row in rows[1:9]] == [
        ("mandiri", "KEU", "KEU:fisik_1"),
        ("mandiri", "KEU", "KEU:fisik_2"),
        ("mandiri", "KEU", "KEU:keuangan_1"),
        ("mandiri", "KEU", "KEU:keuangan_2"),
        ("mandiri", "SIN", "PEM"),
        ("mandiri", "SIN", "PEM:institusi"),
        ("mandiri", "SIN", "NONPEM"),
        ("mandiri", "SIN", "NONPEM:institusi"),
    ]
    assert len(rows) - 1 == 18 * (8 + 5 * 4)
