"""`ranking` and the selector behind it: a worked example, the JSON contract, query counts."""

import io
import json

import pytest
from django.core.management import call_command
from django_scopes import scope

from evaluations.models import ScoreEntry, TeamMember
from evaluations.scoring_input import scoring_input_for_period
from evaluations.selectors import ranking_for_period
from evaluations.services import scores_import_rows
from scoring.serialize import ENGINE_VERSION, canonical_json
from scoring.structures import Entry
from tests.evaluations.conftest import disqualify
from tests.instruments.builders import tiny_set

pytestmark = pytest.mark.django_db

# set tree (8), participants, team seats, values, absences, tie decisions
SCORING_INPUT_QUERIES = 14  # 13 + the assignments (read with the layout)
CONTRACT = ("kecamatan", "rank", "status", "final_score", "predikat", "award", "stages", "aspects")


def enter(period, values):
    """values: {(kecamatan, penilai): (A, B)} through the import service."""
    rows = []
    for (kecamatan, penilai), scores in values.items():
        for aspect, score in zip("AB", scores, strict=True):
            rows.append(("T1", kecamatan, penilai, aspect, f"{aspect}1", score))
    with scope(region=period.region):
        scores_import_rows(period=period, rows=list(enumerate(rows, start=2)), by=None)


@pytest.fixture
def worked(make_period):
    """Tiny set (A 60%, B 40%, mean of member totals), two penilai, four kecamatan:

    Jatiasih     (90×60% + 70×40% = 82, 80×60% + 80×40% = 80) → 81.00, rank 1
    Bantargebang (80×60% + 90×40% = 84, 70×60% + 60×40% = 66) → 75.00, rank 2
    Medan Satria  no values → incomplete;  Bekasi Barat disqualified.
    """
    setup = make_period(kecamatan=("Bantargebang", "Jatiasih", "Medan Satria", "Bekasi Barat"))
    enter(
        setup.period,
        {
            ("Jatiasih", "penilai_bekasi"): (90, 70),
            ("Jatiasih", "penilai_lintas"): (80, 80),
            ("Bantargebang", "penilai_bekasi"): (80, 90),
            ("Bantargebang", "penilai_lintas"): (70, 60),
        },
    )
    disqualify(setup.period, "Bekasi Barat")
    return setup


def ranking_json(period):
    out = io.StringIO()
    call_command(
        "ranking", "--region", period.region.slug, "--period", period.slug, "--json", stdout=out
    )
    return json.loads(out.getvalue())


def test_json_contract_on_the_worked_example(worked):
    data = ranking_json(worked.period)
    assert data["region"] == "bekasi"
    assert data["period"] == "2026"
    assert any("Medan Satria belum lengkap dinilai" in w for w in data["warnings"])
    assert [(r["kecamatan"], r["rank"], r["status"]) for r in data["results"]] == [
        ("Jatiasih", 1, "ranked"),
        ("Bantargebang", 2, "ranked"),
        ("Medan Satria", None, "incomplete"),
        ("Bekasi Barat", None, "disqualified"),
    ]
    first = data["results"][0]
    # The contract's fields stay exactly; scoring.serialize adds others beside them.
    assert {key: first[key] for key in CONTRACT} == {
        "kecamatan": "Jatiasih",
        "rank": 1,
        "status": "ranked",
        "final_score": "81.00",
        "predikat": "Baik",
        "award": "Terbaik",
        "stages": [{"name": "Penilaian tim", "score": "81.00"}],
        "aspects": [
            {"stage": "Penilaian tim", "name": "Aspek A", "weight": "60", "score": "85.00"},
            {"stage": "Penilaian tim", "name": "Aspek B", "weight": "40", "score": "75.00"},
        ],
    }
    assert data["results"][1]["final_score"] == "75.00"
    assert data["results"][1]["award"] == ""
    unranked = data["results"][3]
    assert unranked["final_score"] is None
    assert unranked["stages"] == []
    assert unranked["predikat"] == ""


def test_json_is_the_canonical_serialisation(worked):
    out = io.StringIO()
    call_command("ranking", "--region", "bekasi", "--period", "2026", "--json", stdout=out)
    with scope(region=worked.region):
        ranking = ranking_for_period(period=worked.period)
    assert out.getvalue() == canonical_json(ranking, region="bekasi", period="2026") + "\n"
    assert json.loads(out.getvalue())["engine_version"] == ENGINE_VERSION


def test_table(worked):
    out = io.StringIO()
    call_command("ranking", "--region", "bekasi", "--period", "2026", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[2].split() == ["Peringkat", "Kecamatan", "Nilai", "akhir", "Predikat",
                                "Penghargaan", "Status"]  # fmt: skip
    assert lines[4].split() == ["1", "Jatiasih", "81,00", "Baik", "Terbaik", "Diperingkat"]
    assert lines[5].split() == ["2", "Bantargebang", "75,00", "Baik", "Diperingkat"]
    assert lines[6].split() == ["Medan", "Satria", "Belum", "lengkap"]
    assert lines[7].split() == ["Bekasi", "Barat", "Tidak", "dinilai"]
    assert "Peringatan:" in lines
    # columns line up: every row starts its name where the header does
    start = lines[2].index("Kecamatan")
    assert all(line[start:].startswith(name) for line, name in zip(
        lines[4:8], ("Jatiasih", "Bantargebang", "Medan Satria", "Bekasi Barat"), strict=True
    ))  # fmt: skip


def test_instrument_warnings_reach_the_ranking(make_period):
    data = tiny_set(regulation_conflict="Lampiran II mencetak bobot lain.")
    data["stages"][0]["aspects"][1]["weight"] = "45"  # 60 + 45 = 105
    setup = make_period(data)
    warnings = ranking_json(setup.period)["warnings"]
    assert "Regulasi: Lampiran II mencetak bobot lain." in warnings
    assert any("berjumlah 105%, bukan 100%" in warning for warning in warnings)


@pytest.mark.parametrize("basis", ["published", "exact"])
def test_the_sets_decision_basis_reaches_the_engine(make_period, basis):
    setup = make_period(tiny_set(decision_basis=basis))
    with scope(region=setup.region):
        data = scoring_input_for_period(period=setup.period)
        ranking = ranking_for_period(period=setup.period)
    assert data.instrument.decision_basis == basis
    assert ranking.decision_basis == basis


def test_scoring_input(worked):
    with scope(region=worked.region):
        data = scoring_input_for_period(period=worked.period)
    assert [p.name for p in data.participants] == [
        "Bantargebang", "Bekasi Barat", "Jatiasih", "Medan Satria"
    ]  # fmt: skip
    assert [p.disqualified for p in data.participants] == [False, True, False, False]
    assert data.teams == (("T1", ("penilai_bekasi", "penilai_lintas")),)
    assert len(data.entries) == 8
    assert Entry("T1", "jatiasih", "A", "A1", "penilai_bekasi", "", 90, None) in data.entries


def test_values_the_engine_would_refuse_are_left_out_with_a_warning(worked):
    with scope(region=worked.region):
        TeamMember.objects.filter(user__username="penilai_lintas").delete()
        ranking = ranking_for_period(period=worked.period)
    (warning,) = [w for w in ranking.warnings if w.code == "values_skipped_team"]
    assert warning.text == (
        "Tahap T1: 4 nilai dari penilai yang tidak lagi tercantum dalam tim tahap ini diabaikan."
    )
    assert warning.parameters == {"n": 4, "stage": "T1"}
    assert [(r.name, str(r.published_score)) for r in ranking.results[:2]] == [
        ("Bantargebang", "84.00"),
        ("Jatiasih", "82.00"),
    ]


def fill(period, kecamatan):
    with scope(region=period.region):
        rows = [
            ("T1", name, penilai, aspect, f"{aspect}1", 50)
            for name in kecamatan
            for penilai in ("penilai_bekasi", "penilai_lintas")
            for aspect in "AB"
        ]
        scores_import_rows(period=period, rows=list(enumerate(rows, start=2)), by=None)


def test_scoring_input_takes_the_same_queries_for_one_or_many_kecamatan(
    make_period, django_assert_num_queries
):
    one = make_period(tiny_set(code="satu"), kecamatan=("Jatiasih",), slug="satu")
    many_names = [f"Kecamatan {n}" for n in range(12)]
    many = make_period(tiny_set(code="banyak"), kecamatan=many_names, slug="banyak")
    fill(one.period, ["Jatiasih"])
    fill(many.period, many_names)
    with scope(region=one.region):
        with django_assert_num_queries(SCORING_INPUT_QUERIES):
            small = scoring_input_for_period(period=one.period)
        with django_assert_num_queries(SCORING_INPUT_QUERIES):
            large = scoring_input_for_period(period=many.period)
        assert ScoreEntry.objects.filter(period=many.period).count() == 48
    assert (len(small.entries), len(large.entries)) == (4, 48)
