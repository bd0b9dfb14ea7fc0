"""The comparison of two versions is a pure function of their plain data."""

import copy

from instruments.diff import ADDED, CHANGED, REMOVED, instrument_set_diff
from tests.instruments.builders import bigger_set, tiny_set


def _summary(changes):
    return [(c.action, c.level, c.key) for c in changes]


def test_identical_versions_have_no_changes():
    assert instrument_set_diff(tiny_set(), tiny_set(version=2)) == []


def test_changed_values_show_old_and_new():
    new = tiny_set(legal_number="Nomor 9 Tahun 2027")
    new["stages"][0]["aspects"][1]["weight"] = "45"
    new["stages"][0]["aspects"][1]["counts_toward_total"] = False
    changes = instrument_set_diff(tiny_set(), new)
    assert _summary(changes) == [(CHANGED, "set", ""), (CHANGED, "aspek", "T1 · B")]
    assert [(f.label, f.old, f.new) for f in changes[1].fields] == [
        ("bobot (%)", "40", "45"),
        ("dihitung dalam nilai", True, False),
    ]
    assert changes[0].fields[0].label == "nomor dasar hukum"
    assert changes[1].title == "Aspek B"


def test_an_added_stage_is_one_change_with_what_it_contains():
    old = bigger_set(stages=1, aspects=2, indicators=2)
    new = bigger_set(stages=2, aspects=2, indicators=2)
    changes = instrument_set_diff(old, new)
    assert _summary(changes) == [(ADDED, "tahap", "T2")]
    assert changes[0].contains == {"aspek": 2, "indikator": 4, "pilihan": 16}


def test_removed_and_added_options_and_rules():
    old = bigger_set(stages=1, aspects=1, indicators=1)
    new = copy.deepcopy(old)
    options = new["stages"][0]["aspects"][0]["indicators"][0]["options"]
    options.pop()  # option d gone
    options.append({"order": 5, "code": "e", "label": "Baru", "score": "4", "assumption": ""})
    new["tie_break_rules"] = []
    new["award_tiers"].append({"rank": 2, "label": "Kedua", "prizes": "", "assumption": ""})
    assert _summary(instrument_set_diff(old, new)) == [
        (ADDED, "pilihan", "T1 · K1 · K1.1 · e"),
        (REMOVED, "pilihan", "T1 · K1 · K1.1 · d"),
        (REMOVED, "seri", "1"),
        (ADDED, "penghargaan", "2"),
    ]


def test_renaming_a_code_is_a_removal_and_an_addition():
    new = tiny_set()
    new["stages"][0]["aspects"][0]["indicators"][0]["code"] = "A1a"
    assert _summary(instrument_set_diff(tiny_set(), new)) == [
        (ADDED, "indikator", "T1 · A · A1a"),
        (REMOVED, "indikator", "T1 · A · A1"),
    ]


def test_direction_matters():
    new = tiny_set()
    new["predicate_bands"].pop()
    assert _summary(instrument_set_diff(tiny_set(), new)) == [(REMOVED, "predikat", "Kurang")]
    assert _summary(instrument_set_diff(new, tiny_set())) == [(ADDED, "predikat", "Kurang")]


def test_a_changed_reference_or_decision_basis_is_listed():
    new = tiny_set(decision_basis="exact")
    new["stages"][0]["reference"] = "Pasal 14 ayat (2) huruf a–d"
    changes = instrument_set_diff(tiny_set(), new)
    assert _summary(changes) == [(CHANGED, "set", ""), (CHANGED, "tahap", "T1")]
    assert [(f.label, f.old, f.new) for f in changes[0].fields] == [
        ("dasar keputusan", "published", "exact")
    ]
    assert [(f.label, f.old, f.new) for f in changes[1].fields] == [
        ("rujukan", None, "Pasal 14 ayat (2) huruf a–d")
    ]
