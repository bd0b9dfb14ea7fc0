"""Canonical results: the same input gives byte-identical JSON (whose SHA-256 is stored at
freezing), with the fields of the `ranking --json` contract (README) kept exactly."""

import hashlib
import json
import random
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from scoring.engine import compute_ranking
from scoring.rules import AbsenceKind
from scoring.serialize import ENGINE_VERSION, canonical_json, ranking_document, ranking_sha256
from scoring.structures import Absence, ScoringInput, TieDecision
from tests.scoring.builders import BEKASI_CRITERIA, bekasi, participants, sheet

TEAM = ("ani", "budi", "citra")
STAGE = "Penilaian Tim Penilai"
CONTRACT = {"kecamatan", "rank", "status", "final_score", "predikat", "award", "stages", "aspects"}


def period(decisions=()) -> ScoringInput:
    entries = []
    scores = {"Jatiasih": 80, "Bantargebang": 70, "Rawalumbu": 60, "Medan Satria": 60}
    for name, value in scores.items():
        for member in TEAM:
            if (name, member) == ("Bantargebang", "citra"):
                continue  # recorded absent below
            cells = dict.fromkeys(BEKASI_CRITERIA, value)
            entries += sheet("PENILAIAN", name, member, cells)
    entries += sheet("PENILAIAN", "Pondokgede", "ani", {"PELAYANAN": 50})  # incomplete
    absent = Absence(
        "PENILAIAN",
        "bantargebang",
        "citra",
        AbsenceKind.RECUSED,
        "istri camat",
        "tapem-bekasi",
        datetime(2026, 8, 20, 9, 30),
    )
    return ScoringInput(
        bekasi(),
        participants(*scores, "Pondokgede"),
        (("PENILAIAN", TEAM),),
        tuple(entries),
        absences=(absent,),
        tie_decisions=tuple(decisions),
    )


def document(data=None):
    ranking = compute_ranking(data or period())
    return ranking_document(ranking, region="bekasi", period="2026")


def test_the_contract_fields_stay_as_they_were():
    doc = document()
    assert {"region", "period", "warnings", "results"} <= set(doc)
    assert (doc["region"], doc["period"]) == ("bekasi", "2026")
    first = doc["results"][0]
    assert set(first) >= CONTRACT
    assert {k: first[k] for k in CONTRACT} == {
        "kecamatan": "Jatiasih",
        "rank": 1,
        "status": "ranked",
        "final_score": "80.00",
        "predikat": "",
        "award": "Peringkat I",
        "stages": [{"name": "Penilaian Tim Penilai", "score": "80.00"}],
        "aspects": [
            {
                "stage": "Penilaian Tim Penilai",
                "name": code,
                "weight": str(weight),
                "score": "80.00",
            }
            for code, weight in BEKASI_CRITERIA.items()
        ]
        + [{"stage": STAGE, "name": "PENUNJANG", "weight": None, "score": None}],
    }
    assert all(set(stage) == {"name", "score"} for r in doc["results"] for stage in r["stages"])
    assert [r["kecamatan"] for r in doc["results"]] == [
        "Jatiasih",
        "Bantargebang",
        "Medan Satria",
        "Rawalumbu",
        "Pondokgede",
    ]


def test_warnings_as_code_parameters_and_text():
    doc = document()
    assert doc["warnings"] == [detail["text"] for detail in doc["warning_details"]]
    tie = next(d for d in doc["warning_details"] if d["code"] == "tie_undecided")
    assert tie["params"] == {
        "kecamatan": ["Kecamatan Medan Satria", "Kecamatan Rawalumbu"],
        "keys": ["medan-satria", "rawalumbu"],
        "score": "60.00",
        "rank": 3,
        "tiers": ["Peringkat III", "Harapan I"],
    }
    assert doc["undecided_ties"] == [
        {
            "rank": 3,
            "kecamatan": ["medan-satria", "rawalumbu"],
            "score": "60",
            "tiers": ["Peringkat III", "Harapan I"],
        }
    ]


def test_the_new_fields_show_absences_missing_members_and_decisions():
    doc = document()
    by_name = {r["kecamatan"]: r for r in doc["results"]}
    assert doc["engine_version"] == ENGINE_VERSION
    assert doc["decision_basis"] == "published"
    assert by_name["Bantargebang"]["absences"] == [
        {
            "stage": "PENILAIAN",
            "kecamatan": "bantargebang",
            "assessor": "citra",
            "kind": "recused",
            "reason": "istri camat",
            "recorded_by": "tapem-bekasi",
            "recorded_at": "2026-08-20T09:30:00",
        }
    ]
    assert by_name["Pondokgede"]["missing"] == [
        {"stage": "PENILAIAN", "assessor": "ani"},
        {"stage": "PENILAIAN", "assessor": "budi"},
        {"stage": "PENILAIAN", "assessor": "citra"},
    ]
    assert by_name["Jatiasih"]["exact_score"] == "80"
    decision = TieDecision(
        ("rawalumbu", "medan-satria"),
        "inovasi lebih berkelanjutan",
        "Rapat Penetapan Pemenang",
        (("medan-satria", Decimal("60.00")), ("rawalumbu", Decimal("60.00"))),
        recorded_by="tapem-bekasi",
    )
    doc = document(period([decision]))
    by_name = {r["kecamatan"]: r for r in doc["results"]}
    assert (by_name["Rawalumbu"]["award"], by_name["Medan Satria"]["award"]) == (
        "Peringkat III",
        "Harapan I",
    )
    assert (
        by_name["Rawalumbu"]["tie_decision"]
        == doc["tie_decisions"][0]
        == {
            "order": ["rawalumbu", "medan-satria"],
            "reason": "inovasi lebih berkelanjutan",
            "meeting": "Rapat Penetapan Pemenang",
            "scores": {"medan-satria": "60", "rawalumbu": "60"},
            "recorded_by": "tapem-bekasi",
            "recorded_at": None,
        }
    )


def test_the_same_input_gives_the_same_bytes_whatever_its_order():
    data = period()
    text = canonical_json(compute_ranking(data), region="bekasi", period="2026")
    rng = random.Random(4)

    def shuffled(items):
        items = list(items)
        rng.shuffle(items)
        return tuple(items)

    for _ in range(3):
        permuted = replace(
            data,
            participants=shuffled(data.participants),
            entries=shuffled(data.entries),
            teams=tuple((code, shuffled(members)) for code, members in data.teams),
        )
        again = canonical_json(compute_ranking(permuted), region="bekasi", period="2026")
        assert again == text
        # the light trace, used by the command, serialises to the same bytes
        light = compute_ranking(permuted, trace=False)
        assert canonical_json(light, region="bekasi", period="2026") == text


def test_canonical_text_is_compact_sorted_and_has_no_float():
    ranking = compute_ranking(period())
    text = canonical_json(ranking, region="bekasi", period="2026")
    parsed = json.loads(text, parse_float=lambda s: (_ for _ in ()).throw(AssertionError(s)))
    assert text == json.dumps(parsed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert "Kecamatan" in text and "\\u" not in text  # UTF-8 as is
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert ranking_sha256(ranking, region="bekasi", period="2026") == digest
