"""The shipped instrument sets carry the regulations' numbers.

Pure data: every fixture is read with `json.load` and checked against the digest in
`/work/shared/regulations/README.md` (weights, maxima, option scores, bands, tie-breaks,
awards, stage formulas) and against the rule that every assumed value carries a non-empty
`assumption` note on its own level. No Django, no database.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scoring.rules import (  # noqa: E402
    AspectCombine,
    EnteredBy,
    FinalCombine,
    IndicatorKind,
    MemberCombine,
    Polarity,
    PredicateRounding,
)

FIXTURES = ROOT / "fixtures"
REGIONS = ("bekasi", "banggai", "pekalongan", "tegal")

SET_KEYS = {
    "code", "version", "name", "legal_number", "legal_date", "legal_title", "description",
    "assumption", "regulation_conflict", "final_combine", "predicate_name",
    "predicate_rounding", "decision_basis", "award_for_others", "working_days", "reference",
    "stages",
    "predicate_bands", "tie_break_rules", "award_tiers",
}  # fmt: skip
STAGE_KEYS = {
    "order", "code", "name", "scorer_label", "member_combine", "aspect_combine", "weight",
    "max_score", "shortlist_size", "disqualify_if_incomplete", "min_team_size",
    "deadline_note", "submit_days", "verify_days", "repair_days", "presentation_limits",
    "reference", "assumption", "aspects",
}  # fmt: skip
ASPECT_KEYS = {
    "order", "code", "name", "weight", "max_score", "indicator_combine",
    "counts_toward_total", "reference", "assumption", "indicators",
}  # fmt: skip
INDICATOR_KEYS = {
    "order", "code", "group", "text", "guidance", "help_text", "kind", "entered_by",
    "min_value", "max_value", "integer_only", "weight", "evidence_required", "evidence_note",
    "evidence_types", "informational", "kecamatan_answers", "params", "reference", "assumption",
    "options",
}  # fmt: skip
OPTION_KEYS = {"order", "code", "label", "score", "reference", "assumption"}
BAND_KEYS = {
    "order", "label", "lower", "lower_inclusive", "upper", "upper_inclusive", "consequence",
    "reference", "assumption",
}  # fmt: skip
TIE_KEYS = {
    "order", "stage", "aspect", "indicator", "higher_wins", "description", "reference",
    "assumption",
}  # fmt: skip
AWARD_KEYS = {"rank", "label", "prizes", "reference", "assumption"}
# The digest's "Which figure decides": every set declares it as an assumption.
DECISION_BASIS = "Peringkat, seri, daftar pendek dan predikat membaca skor terbitan dua desimal"
REFERENCE_RE = re.compile(r"(Pasal|Lampiran|Diktum|Mekanisme|Pendahuluan|Keputusan Tim)")

RANGED_KINDS = {
    IndicatorKind.SCORE,
    IndicatorKind.PERCENTAGE,
    IndicatorKind.PERCENTAGE_PAIR,
    IndicatorKind.COUNT_NORMALISED,
}
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
DECIMAL_RE = re.compile(r"^-?\d+(\.\d{1,4})?$")


# ---------------------------------------------------------------- helpers


def load(region: str) -> dict:
    with (FIXTURES / region / "instrument_set.json").open(encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(params=REGIONS)
def instrument(request):
    return load(request.param)


def D(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def by_code(items: list[dict], code: str) -> dict:
    found = [item for item in items if item["code"] == code]
    assert len(found) == 1, f"kode {code!r} tidak ditemukan tepat satu kali"
    return found[0]


def node(data: dict, path: str) -> dict:
    """`T1`, `T1/K1`, `T1/K1/K1`, `T1/K1/K1/a` → the stage, aspect, indicator or option."""
    parts = path.split("/")
    current = by_code(data["stages"], parts[0])
    for child_key, code in zip(("aspects", "indicators", "options"), parts[1:], strict=False):
        current = by_code(current[child_key], code)
    return current


def assumed(obj: dict) -> bool:
    return bool(obj["assumption"].strip())


def combine(how: str, values: list[Decimal], weights: list[Decimal | None]) -> Decimal:
    if how == AspectCombine.SUM:
        return sum(values, Decimal(0))
    if how == AspectCombine.MEAN:
        return sum(values, Decimal(0)) / len(values)
    assert how == AspectCombine.WEIGHTED_SUM
    return sum((v * w / 100 for v, w in zip(values, weights, strict=True)), Decimal(0))


def indicator_max(ind: dict) -> Decimal:
    if ind["kind"] in (IndicatorKind.CHOICE, IndicatorKind.YES_NO):
        return max(D(o["score"]) for o in ind["options"])
    return D(ind["max_value"])


def indicator_min(ind: dict) -> Decimal:
    if ind["kind"] in (IndicatorKind.CHOICE, IndicatorKind.YES_NO):
        return min(D(o["score"]) for o in ind["options"])
    return D(ind["min_value"])


def scored(aspect: dict) -> list[dict]:
    """What makes a score: not text, not a file, not informational figures."""
    return [
        i
        for i in aspect["indicators"]
        if i["kind"] not in (IndicatorKind.TEXT, IndicatorKind.FILE) and not i["informational"]
    ]


def team(aspect: dict) -> list[dict]:
    return [i for i in aspect["indicators"] if i["entered_by"] == EnteredBy.TEAM]


def own(aspect: dict) -> list[dict]:
    return [i for i in aspect["indicators"] if i["entered_by"] == EnteredBy.KECAMATAN]


def aspect_bound(aspect: dict, bound) -> Decimal:
    inds = scored(aspect)
    return combine(
        aspect["indicator_combine"], [bound(i) for i in inds], [D(i["weight"]) for i in inds]
    )


def stage_bound(stage: dict, bound) -> Decimal:
    counted = [a for a in stage["aspects"] if a["counts_toward_total"]]
    return combine(
        stage["aspect_combine"],
        [aspect_bound(a, bound) for a in counted],
        [D(a["weight"]) for a in counted],
    )


def final_bound(data: dict, bound) -> Decimal:
    stages = data["stages"]
    values = [stage_bound(s, bound) for s in stages]
    if data["final_combine"] == FinalCombine.SINGLE_STAGE:
        return values[-1]
    if data["final_combine"] == FinalCombine.MEAN_OF_STAGES:
        return sum(values, Decimal(0)) / len(values)
    return sum((v * D(s["weight"]) / 100 for v, s in zip(values, stages, strict=True)), Decimal(0))


def band_for(data: dict, score: Decimal) -> str:
    if data["predicate_rounding"] == PredicateRounding.HALF_UP_INTEGER:
        score = score.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    hits = []
    for band in data["predicate_bands"]:
        lower, upper = D(band["lower"]), D(band["upper"])
        if lower is not None and (
            score < lower or (score == lower and not band["lower_inclusive"])
        ):
            continue
        if upper is not None and (
            score > upper or (score == upper and not band["upper_inclusive"])
        ):
            continue
        hits.append(band["label"])
    assert len(hits) == 1, f"nilai {score} cocok dengan {hits}"
    return hits[0]


def evenly_spaced(n: int) -> list[Decimal]:
    step = Decimal(100) / (n - 1)
    return [
        (Decimal(100) - step * i).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        for i in range(n)
    ]


def assert_assumed(data: dict, paths: list[str]) -> None:
    missing = [p for p in paths if not assumed(node(data, p))]
    assert not missing, f"tanpa catatan asumsi: {missing}"


def assert_printed(data: dict, paths: list[str]) -> None:
    noted = [p for p in paths if assumed(node(data, p))]
    assert not noted, f"angka tercetak diberi catatan asumsi: {noted}"


# ---------------------------------------------------------------- shape of every file


def test_every_level_has_exactly_the_documented_keys(instrument):
    assert set(instrument) == SET_KEYS
    for stage in instrument["stages"]:
        assert set(stage) == STAGE_KEYS
        for aspect in stage["aspects"]:
            assert set(aspect) == ASPECT_KEYS
            for ind in aspect["indicators"]:
                assert set(ind) == INDICATOR_KEYS
                for opt in ind["options"]:
                    assert set(opt) == OPTION_KEYS
    for band in instrument["predicate_bands"]:
        assert set(band) == BAND_KEYS
    for rule in instrument["tie_break_rules"]:
        assert set(rule) == TIE_KEYS
    for award in instrument["award_tiers"]:
        assert set(award) == AWARD_KEYS


def _walk(data: dict):
    """Every (level, object) pair in a set."""
    yield "set", data
    for stage in data["stages"]:
        yield "stage", stage
        for aspect in stage["aspects"]:
            yield "aspect", aspect
            for ind in aspect["indicators"]:
                yield "indicator", ind
                for opt in ind["options"]:
                    yield "option", opt
    for level in ("predicate_bands", "tie_break_rules", "award_tiers"):
        for item in data[level]:
            yield level, item


DECIMAL_FIELDS = {
    "stage": ("weight", "max_score"),
    "aspect": ("weight", "max_score"),
    "indicator": ("min_value", "max_value", "weight"),
    "option": ("score",),
    "predicate_bands": ("lower", "upper"),
}
REQUIRED_DECIMALS = {("stage", "max_score"), ("aspect", "max_score"), ("option", "score")}
MAX_LENGTHS = {
    "set": {"name": 250, "legal_number": 200, "legal_title": 500, "predicate_name": 120,
            "award_for_others": 250, "code": 60},
    "stage": {"code": 30, "name": 250, "scorer_label": 250, "deadline_note": 250},
    "aspect": {"code": 30, "name": 250},
    "indicator": {"code": 30, "group": 250, "evidence_note": 500},
    "option": {"code": 10},
    "predicate_bands": {"label": 120},
    "tie_break_rules": {"description": 500},
    "award_tiers": {"label": 120, "prizes": 500},
}  # fmt: skip


def test_decimals_are_strings_and_texts_fit_the_columns(instrument):
    for level, obj in _walk(instrument):
        assert isinstance(obj["assumption"], str)
        assert obj["assumption"] == obj["assumption"].strip()
        for field in DECIMAL_FIELDS.get(level, ()):
            value = obj[field]
            if value is None:
                assert (level, field) not in REQUIRED_DECIMALS, (level, field)
                continue
            assert isinstance(value, str) and DECIMAL_RE.match(value), (level, field, value)
        for field, limit in MAX_LENGTHS.get(level, {}).items():
            assert len(obj[field]) <= limit, (level, field)


def test_codes_are_valid_and_unique_and_orders_run_from_one(instrument):
    assert SLUG_RE.match(instrument["code"])
    assert instrument["version"] == 1

    def check(items: list[dict]) -> None:
        codes = [item["code"] for item in items]
        assert all(CODE_RE.match(code) for code in codes), codes
        assert len(set(codes)) == len(codes), codes
        assert [item["order"] for item in items] == list(range(1, len(items) + 1))

    check(instrument["stages"])
    for stage in instrument["stages"]:
        check(stage["aspects"])
        for aspect in stage["aspects"]:
            check(aspect["indicators"])
            for ind in aspect["indicators"]:
                if ind["options"]:
                    check(ind["options"])
    for level in ("predicate_bands", "tie_break_rules"):
        orders = [item["order"] for item in instrument[level]]
        assert orders == list(range(1, len(orders) + 1))
    ranks = [award["rank"] for award in instrument["award_tiers"]]
    assert ranks == list(range(1, len(ranks) + 1))


def test_rule_names_come_from_the_scoring_vocabulary(instrument):
    assert instrument["final_combine"] in set(FinalCombine)
    assert instrument["predicate_rounding"] in set(PredicateRounding)
    for stage in instrument["stages"]:
        assert stage["member_combine"] in set(MemberCombine)
        assert stage["aspect_combine"] in set(AspectCombine)
        assert stage["min_team_size"] >= 1
        for aspect in stage["aspects"]:
            assert aspect["indicator_combine"] in set(AspectCombine)
            for ind in aspect["indicators"]:
                assert ind["kind"] in set(IndicatorKind)
                assert ind["entered_by"] in set(EnteredBy)
                kind = ind["kind"]
                if kind in (IndicatorKind.CHOICE, IndicatorKind.YES_NO):
                    assert len(ind["options"]) >= 2
                    assert all(opt["label"].strip() for opt in ind["options"])
                else:
                    assert ind["options"] == []
                if kind == IndicatorKind.YES_NO:
                    assert [o["code"] for o in ind["options"]] == ["ya", "tidak"]
                if kind == IndicatorKind.PERCENTAGE_PAIR:
                    parts = ind["params"]["parts"]
                    assert set(ind["params"]) <= {"parts", "years", "labels"}
                    assert sum(Decimal(w) for w in parts.values()) == 100
                    assert set(ind["params"].get("labels", {})) <= set(parts)
                elif kind == IndicatorKind.CAPAIAN:
                    assert ind["params"]["polarity"] in set(Polarity)
                    assert set(ind["params"]) <= {"polarity", "scale"}
                elif kind == IndicatorKind.COUNT_NORMALISED and ind["params"]:
                    assert set(ind["params"]) <= {"recorded", "labels"}
                    assert set(ind["params"].get("labels", {})) <= set(ind["params"]["recorded"])
                else:
                    assert ind["params"] == {}
                if kind in RANGED_KINDS:
                    assert D(ind["min_value"]) < D(ind["max_value"])
                if kind in (IndicatorKind.TEXT, IndicatorKind.FILE) or ind["informational"]:
                    assert ind["min_value"] is None and ind["max_value"] is None
                if kind == IndicatorKind.FILE or ind["informational"]:
                    assert ind["entered_by"] == EnteredBy.KECAMATAN
                if ind["kecamatan_answers"]:
                    assert ind["entered_by"] == EnteredBy.TEAM and ind["evidence_required"]
                types = set(filter(None, ind["evidence_types"].split(",")))
                assert types <= {"pdf", "jpeg", "png", "docx", "xlsx"}
                assert ind["text"].strip()


def test_weights_sum_to_one_hundred_wherever_they_are_used(instrument):
    if instrument["final_combine"] == FinalCombine.WEIGHTED_STAGES:
        assert sum(D(s["weight"]) for s in instrument["stages"]) == 100
    else:
        assert all(s["weight"] is None for s in instrument["stages"])
    for stage in instrument["stages"]:
        counted = [a for a in stage["aspects"] if a["counts_toward_total"]]
        if stage["aspect_combine"] == AspectCombine.WEIGHTED_SUM:
            assert sum(D(a["weight"]) for a in counted) == 100
        else:
            assert all(a["weight"] is None for a in stage["aspects"])
        for aspect in stage["aspects"]:
            if aspect["indicator_combine"] == AspectCombine.WEIGHTED_SUM:
                assert sum(D(i["weight"]) for i in scored(aspect)) == 100
            else:
                assert all(i["weight"] is None for i in aspect["indicators"])


def test_maxima_add_up_from_indicators_to_the_final_score(instrument):
    for stage in instrument["stages"]:
        for aspect in stage["aspects"]:
            assert aspect_bound(aspect, indicator_max) == D(aspect["max_score"]), aspect["code"]
        assert stage_bound(stage, indicator_max) == D(stage["max_score"]), stage["code"]
    assert final_bound(instrument, indicator_max) == 100


def test_tie_breaks_name_existing_rows(instrument):
    for rule in instrument["tie_break_rules"]:
        stage = by_code(instrument["stages"], rule["stage"])
        aspect = by_code(stage["aspects"], rule["aspect"])
        if rule["indicator"] is not None:
            by_code(aspect["indicators"], rule["indicator"])
        assert rule["description"].strip()


def test_bekasi_banggai_and_tegal_record_a_conflict_of_their_text(instrument):
    if instrument["code"] == load("pekalongan")["code"]:
        assert instrument["regulation_conflict"] == ""
    else:
        assert instrument["regulation_conflict"].strip()


def test_every_level_names_its_reference(instrument):
    """Issue 10: every stage, aspect, indicator, option, band, tie-break and award says which
    Pasal, Lampiran or point sets it, or what decided it where the text is silent."""
    for level, obj in _walk(instrument):
        reference = obj["reference"]
        assert reference == reference.strip() and len(reference) <= 250, (level, reference)
        assert REFERENCE_RE.search(reference), (level, obj.get("code"), reference)


def test_every_set_declares_the_decision_basis_as_an_assumption(instrument):
    assert instrument["decision_basis"] == "published"
    assert instrument["assumption"].startswith(DECISION_BASIS)


# ---------------------------------------------------------------- Kota Bekasi (000)


def test_bekasi_numbers():
    data = load("bekasi")
    assert data["legal_number"] == "Keputusan Wali Kota Bekasi Nomor 067/Kep.294-Tapem/VIII/2022"
    assert data["legal_date"] is None  # the text leaves "pada tanggal" blank
    assert "tanggal" in data["description"]
    assert data["final_combine"] == FinalCombine.SINGLE_STAGE
    assert data["predicate_name"] == "" and data["predicate_bands"] == []
    assert data["predicate_rounding"] == PredicateRounding.NONE

    [stage] = data["stages"]
    assert stage["scorer_label"] == "Tim Penilai"
    assert stage["member_combine"] == MemberCombine.MEAN_OF_MEMBER_TOTALS
    assert stage["aspect_combine"] == AspectCombine.WEIGHTED_SUM
    assert D(stage["max_score"]) == 100
    criteria = [a for a in stage["aspects"] if a["counts_toward_total"]]
    assert [(a["name"], D(a["weight"])) for a in criteria] == [
        ("Pelayanan Publik Tingkat Kecamatan", 35),
        ("Koordinasi Penyelenggaraan Pemerintahan", 30),
        ("Inovasi Kecamatan dan Upaya yang Dilakukan Kecamatan", 20),
        ("Kompetensi SDM Kecamatan", 5),
        ("Pengelolaan Anggaran Kecamatan", 5),
        ("Keberadaan Data Pendukung Lainnya", 5),
    ]
    for aspect in criteria:
        [ind] = team(aspect)
        assert ind["kind"] == IndicatorKind.SCORE
        assert (D(ind["min_value"]), D(ind["max_value"])) == (0, 100)
        assert D(aspect["max_score"]) == 100
        # What the kecamatan submits: the data pendukung of each criterion, a file with a
        # short description; in the first criterion also the Camat's presentation (PDF).
        submitted = own(aspect)
        assert [i["code"] for i in submitted][-1] == "DP"
        data_pendukung = submitted[-1]
        assert data_pendukung["kind"] == IndicatorKind.TEXT
        assert data_pendukung["evidence_required"] is True
    presentation = by_code(by_code(stage["aspects"], "K1")["indicators"], "PAPARAN")
    assert presentation["kind"] == IndicatorKind.FILE
    assert presentation["evidence_required"] is True and presentation["evidence_types"] == "pdf"
    assert "III.C.2 huruf a" in presentation["reference"]
    assert own(by_code(stage["aspects"], "IP")) == []

    penunjang = by_code(stage["aspects"], "IP")
    assert penunjang["name"] == "Indikator Penunjang"
    assert penunjang["counts_toward_total"] is False
    [ind] = penunjang["indicators"]
    assert ind["kind"] == IndicatorKind.SCORE and ind["entered_by"] == EnteredBy.TEAM
    assert (D(ind["min_value"]), D(ind["max_value"])) == (0, 100)

    [tie] = data["tie_break_rules"]
    assert (tie["stage"], tie["aspect"], tie["higher_wins"]) == ("T1", "IP", True)

    # Lampiran I IV.2: "Piagam dan Thropi; dan/atau Bentuk lainnya sesuai dengan kemampuan
    # keuangan dan pertimbangan kondisi daerah", for Peringkat I-III and Harapan I-III.
    prize = (
        "Piagam dan Thropi; dan/atau bentuk lainnya sesuai dengan kemampuan keuangan dan "
        "pertimbangan kondisi daerah"
    )
    assert [(a["rank"], a["label"], a["prizes"]) for a in data["award_tiers"]] == [
        (1, "Peringkat I", prize),
        (2, "Peringkat II", prize),
        (3, "Peringkat III", prize),
        (4, "Harapan I", prize),
        (5, "Harapan II", prize),
        (6, "Harapan III", prize),
    ]
    assert all("IV.2" in a["reference"] for a in data["award_tiers"])
    assert data["award_for_others"] == ""


def test_bekasi_references_and_conflict():
    data = load("bekasi")
    conflict = data["regulation_conflict"]
    # Diktum KEEMPAT names Lampiran III (not in the text); Lampiran I II.6 names Lampiran II,
    # which Diktum KETIGA makes the schedule.
    for words in ("Diktum KEEMPAT", "Lampiran III", "II.6", "Lampiran II", "Diktum KETIGA"):
        assert words in conflict, words
    stage = data["stages"][0]
    assert [a["reference"] for a in stage["aspects"][:6]] == [
        f"Lampiran I angka III.C.2 huruf b angka {n})" for n in range(1, 7)
    ]
    assert data["tie_break_rules"][0]["reference"] == "Lampiran I angka II.5"
    assert "Keputusan Tim (asumsi)" in team(by_code(stage["aspects"], "K1"))[0]["reference"]


def test_bekasi_weighted_sum_of_member_scores():
    stage = load("bekasi")["stages"][0]
    criteria = [a for a in stage["aspects"] if a["counts_toward_total"]]
    # one member: 80, 70, 90, 60, 100, 50 → 28 + 21 + 18 + 3 + 5 + 2.5 = 77.5
    member = combine(
        stage["aspect_combine"],
        [Decimal(v) for v in (80, 70, 90, 60, 100, 50)],
        [D(a["weight"]) for a in criteria],
    )
    assert member == Decimal("77.5")


def test_bekasi_assumptions():
    data = load("bekasi")
    assert_assumed(
        data,
        ["T1", "T1/IP", "T1/IP/IP"] + [f"T1/K{i}/K{i}" for i in range(1, 7)],
    )
    assert_printed(data, [f"T1/K{i}" for i in range(1, 7)])  # weights 35/30/20/5/5/5
    assert assumed(data["tie_break_rules"][0])
    awards = data["award_tiers"]
    assert not any(assumed(a) for a in awards[:3])
    assert all(assumed(a) for a in awards[3:])  # Harapan I-III as ranks 4-6


# ---------------------------------------------------------------- Kabupaten Banggai (001)

PASAL_9_2 = list("abcdefghij")


def test_banggai_numbers():
    data = load("banggai")
    assert data["legal_number"] == "Peraturan Bupati Banggai Nomor 49 Tahun 2022"
    assert data["legal_date"] == "2022-09-05"
    assert data["final_combine"] == FinalCombine.MEAN_OF_STAGES  # Na = ΣT / JTK
    assert data["predicate_name"] == "Status Predikat"
    assert data["predicate_rounding"] == PredicateRounding.HALF_UP_INTEGER
    assert data["award_for_others"] == "Piagam Penghargaan"
    assert [s["code"] for s in data["stages"]] == ["T1", "T2", "T3"]

    t1, t2, t3 = data["stages"]
    # Pasal 11 ayat (5)–(8): video ≤ 10 menit, bahan ≤ 12 halaman, pemaparan ≤ 30 menit,
    # then the panel interview; stages 1 and 2 have no presentation.
    limits = t3["presentation_limits"]
    assert [(p["code"], p["minutes"]) for p in limits["phases"]] == [
        ("video", 10),
        ("paparan", 30),
        ("wawancara", None),
    ]
    assert limits["slides"] == 12 and limits["reference"] == "Pasal 11 ayat (5)–(8)"
    assert t1["presentation_limits"] == t2["presentation_limits"] == {}
    assert t1["scorer_label"] == "Penilai Kinerja Mandiri"
    assert t1["disqualify_if_incomplete"] is True
    assert t1["min_team_size"] == 1
    assert t1["aspect_combine"] == AspectCombine.SUM
    assert "April" in t1["deadline_note"] and "2" in t1["deadline_note"]
    # Pasal 6(3), 7(2), 8(2), in working days (Pasal 1 angka 9: "Hari adalah hari kerja").
    assert (t1["submit_days"], t1["verify_days"], t1["repair_days"]) == (5, 2, 2)
    assert data["working_days"] is True
    assert all(load(region)["working_days"] is False for region in REGIONS if region != "banggai")
    assert [a["code"] for a in t1["aspects"]] == PASAL_9_2
    for aspect in t1["aspects"]:
        text, iku, score = aspect["indicators"]
        assert text["kind"] == IndicatorKind.TEXT
        assert text["entered_by"] == EnteredBy.KECAMATAN
        assert text["evidence_required"] is True
        # The figures that prove the aspect (digest: IKU with target and realisasi, capaian
        # as in 004): entered by the kecamatan, shown, never scored.
        assert (iku["code"], iku["kind"], iku["entered_by"]) == ("IKU", "capaian", "kecamatan")
        assert iku["informational"] is True
        assert iku["params"]["polarity"] == Polarity.HIGHER_IS_BETTER
        assert [
            (b["label"], D(b["lower"]), b["lower_inclusive"], D(b["upper"]), b["upper_inclusive"])
            for b in iku["params"]["scale"]
        ] == [
            ("Sangat Baik", 100, False, None, True),
            ("Baik", 76, True, 100, True),
            ("Cukup", 55, True, 76, False),
            ("Kurang", None, True, 55, False),
        ]
        assert score["kind"] == IndicatorKind.SCORE and score["entered_by"] == EnteredBy.TEAM
        assert (D(score["min_value"]), D(score["max_value"])) == (0, 10)
        assert D(aspect["max_score"]) == 10
    assert D(t1["max_score"]) == 100

    assert t2["scorer_label"] == "Tim Verifikasi Lapangan"
    assert t2["member_combine"] == MemberCombine.SUM_OF_ASPECT_MEANS
    assert t2["aspect_combine"] == AspectCombine.SUM
    assert t2["min_team_size"] == 3
    assert "minggu ke-4 April" in t2["deadline_note"]
    ko, ik = t2["aspects"]
    assert ko["code"] == "KO" and ik["code"] == "IK"
    [ko_ind] = ko["indicators"]
    assert ko_ind["code"] == "Ko"
    assert (D(ko_ind["min_value"]), D(ko_ind["max_value"])) == (0, 50)
    assert ik["indicator_combine"] == AspectCombine.SUM
    assert [i["code"] for i in ik["indicators"]] == PASAL_9_2
    assert all((D(i["min_value"]), D(i["max_value"])) == (0, 5) for i in ik["indicators"])
    assert D(ko["max_score"]) == D(ik["max_score"]) == 50

    assert t3["scorer_label"].startswith("Tim EKK")
    assert t3["member_combine"] == MemberCombine.MEAN_OF_MEMBER_TOTALS
    assert t3["aspect_combine"] == AspectCombine.MEAN
    # Pasal 14 ayat (2) huruf a-d: Bupati, Wakil Bupati, Sekretaris Daerah and six members
    assert t3["min_team_size"] == 9
    assert "Pasal 14 ayat (2) huruf a–d" in t3["reference"]
    assert "tidak diatur" not in t3["assumption"]
    assert "minggu ke-2 Mei" in t3["deadline_note"]
    assert [(a["code"], a["name"]) for a in t3["aspects"]] == [
        ("A1", "Kewilayahan"),
        ("A2", "Implementasi Visi dan Misi"),
        ("A3", "Inovasi Pemberdayaan dan Pelayanan"),
        ("A4", "Sinergitas Forum Koordinasi Pimpinan di Kecamatan"),
        ("A5", "Pengawasan Pemerintah Desa/Kelurahan"),
    ]
    for aspect in t3["aspects"]:
        [ind] = aspect["indicators"]
        assert (D(ind["min_value"]), D(ind["max_value"])) == (0, 100)

    assert [a["label"] for a in data["award_tiers"]] == [
        "Terbaik I", "Terbaik II", "Terbaik III", "Terbaik IV",
    ]  # fmt: skip
    assert {a["prizes"] for a in data["award_tiers"]} == {
        "Uang Pembinaan, Tropi dan Piagam Penghargaan"
    }
    assert data["tie_break_rules"] == []


def test_banggai_predikat_bands():
    data = load("banggai")
    assert [
        (b["label"], D(b["lower"]), b["lower_inclusive"], D(b["upper"]), b["upper_inclusive"])
        for b in data["predicate_bands"]
    ] == [
        ("Kurang Sekali", None, True, 30, True),
        ("Kurang", 31, True, 60, True),
        ("Cukup", 61, True, 75, True),
        ("Baik", 76, True, 85, True),
        ("Baik Sekali", 86, True, 100, True),
    ]
    for band in data["predicate_bands"]:
        wants_consequence = band["label"] in ("Kurang", "Kurang Sekali")
        assert bool(band["consequence"].strip()) == wants_consequence
        if wants_consequence:
            assert "3 bulan" in band["consequence"]
    for score, label in [
        ("0", "Kurang Sekali"),
        ("30", "Kurang Sekali"),
        ("30.4", "Kurang Sekali"),
        ("30.5", "Kurang"),
        ("60.49", "Kurang"),
        ("60.5", "Cukup"),
        ("75.5", "Baik"),
        ("85.49", "Baik"),
        ("85.5", "Baik Sekali"),
        ("100", "Baik Sekali"),
    ]:
        assert band_for(data, Decimal(score)) == label, score


def test_banggai_stage_formulas_give_the_lampiran_results():
    _t1, t2, t3 = load("banggai")["stages"]
    # T2, Lampiran I: ΣKo = mean of members' Ko, ΣIk = mean of members' Ik, Bn = ΣKo + ΣIk.
    members = [(Decimal(40), [Decimal(4)] * 10), (Decimal(30), [Decimal(3)] * 10)]
    ko_mean = sum(m[0] for m in members) / len(members)
    ik_mean = sum(sum(m[1]) for m in members) / len(members)
    stage_score = combine(t2["aspect_combine"], [ko_mean, ik_mean], [None, None])
    assert stage_score == Decimal(35) + Decimal(35)
    # T3, Lampiran II: ΣP = (A1+…+A5)/JAP per member, Bn = mean over members.
    member_totals = [
        combine(t3["aspect_combine"], [Decimal(v) for v in vs], [None] * 5)
        for vs in ((80, 70, 60, 90, 100), (60, 60, 60, 60, 60))
    ]
    assert member_totals == [Decimal(80), Decimal(60)]
    assert sum(member_totals) / len(member_totals) == 70
    # Final, Lampiran III: Na = (T1 + T2 + T3) / JTK.
    assert final_bound(load("banggai"), indicator_max) == 100
    assert final_bound(load("banggai"), indicator_min) == 0


def test_banggai_references_and_conflict():
    data = load("banggai")
    conflict = data["regulation_conflict"]
    assert "Pasal 14 ayat (6)" in conflict and "menjumlahkan" in conflict
    assert "Lampiran III" in conflict and "JTK" in conflict
    t1, _t2, t3 = data["stages"]
    assert [s["reference"].split(";")[0] for s in data["stages"]] == [
        f"Pasal 5 ayat (1) huruf {letter}" for letter in "abc"
    ]
    assert [a["reference"].split(";")[0] for a in t1["aspects"]] == [
        f"Pasal 9 ayat (2) huruf {letter}" for letter in PASAL_9_2
    ]
    assert [a["reference"].split(";")[0] for a in t3["aspects"]] == [
        f"Pasal 11 ayat (3) huruf {letter}; Lampiran II (A{n})".split(";")[0]
        for n, letter in enumerate("abcde", start=1)
    ]
    assert [b["reference"].split(";")[0] for b in data["predicate_bands"]] == [
        f"Pasal 19 huruf {letter}" for letter in "abcde"
    ]
    assert all("Pasal 23 ayat (1)" in a["reference"] for a in data["award_tiers"])
    assert "Pasal 22 ayat (2)" in data["award_tiers"][0]["reference"]  # Terbaik I to province


def test_banggai_assumptions():
    data = load("banggai")
    assert assumed(data)  # half-up rounding before the predikat
    assert all(assumed(b) for b in data["predicate_bands"])
    assert_assumed(
        data,
        ["T1", "T2", "T2/KO", "T2/IK", "T2/KO/Ko"]
        + [f"T1/{c}" for c in PASAL_9_2]
        + [f"T1/{c}/nilai" for c in PASAL_9_2]
        + [f"T2/IK/{c}" for c in PASAL_9_2]
        + [f"T3/A{i}" for i in range(1, 6)]
        + [f"T3/A{i}/A{i}" for i in range(1, 6)],
    )
    assert_printed(data, [f"T1/{c}/uraian" for c in PASAL_9_2])
    assert not any(assumed(a) for a in data["award_tiers"])


# ---------------------------------------------------------------- Kabupaten Pekalongan (002)

KISI_GROUPS = [
    ("Visi-Misi-Motto", [4, 3, 3]),
    ("Standar Pelayanan dan Maklumat Pelayanan", [4, 3]),
    ("Sistem dan Prosedur", [3, 3, 3, 3]),
    ("Sumber Daya Manusia", [3, 3, 2, 3, 3]),
    ("Sarana dan Prasarana", [3, 3, 3]),
    ("Penanganan Pengaduan", [3, 2, 4, 2]),
]
PRINTED_PENGADUAN = {
    1: ["100", "50", "0"],
    2: ["100", "0"],
    3: ["100", "75", "50", "10"],
}


def test_pekalongan_numbers():
    data = load("pekalongan")
    assert data["final_combine"] == FinalCombine.WEIGHTED_STAGES
    assert data["predicate_name"] == "" and data["predicate_bands"] == []
    desk, panel = data["stages"]

    assert (desk["code"], desk["scorer_label"]) == ("DESK", "Tim Evaluator")
    assert D(desk["weight"]) == 50 and desk["shortlist_size"] == 5
    assert desk["aspect_combine"] == AspectCombine.WEIGHTED_SUM
    assert desk["member_combine"] == MemberCombine.MEAN_OF_MEMBER_TOTALS
    k1, k2 = desk["aspects"]
    assert (k1["code"], D(k1["weight"]), k1["indicator_combine"]) == ("K1", 50, "mean")
    assert (k2["code"], D(k2["weight"]), k2["indicator_combine"]) == ("K2", 50, "sum")
    assert [(i["code"], i["text"], D(i["max_value"]), i["integer_only"]) for i in team(k2)] == [
        ("A1", "Masalah, inovasi dan hasil", 30, True),
        ("A2", "Pemberdayaan masyarakat dan lintas sektor", 25, True),
        ("A3", "Kemanfaatan hasil inovasi", 25, True),
        ("A4", "Keberlanjutan dan replikasi", 20, True),
    ]
    assert all(D(i["min_value"]) == 0 for i in team(k2))
    # The kecamatan answers component 1 itself, with evidence per question, and uploads the
    # component 2 proposal as a PDF (mekanisme A.1–A.2).
    assert all(q["kecamatan_answers"] and q["evidence_required"] for q in k1["indicators"])
    [proposal] = own(k2)
    assert (proposal["code"], proposal["kind"], proposal["evidence_types"]) == (
        "PROPOSAL", "file", "pdf",
    )  # fmt: skip
    assert proposal["evidence_required"] is True

    assert (panel["code"], panel["scorer_label"]) == ("PANEL", "Tim Panel")
    assert D(panel["weight"]) == 50 and panel["min_team_size"] == 3
    assert panel["shortlist_size"] is None
    assert panel["aspect_combine"] == AspectCombine.MEAN
    assert [a["code"] for a in panel["aspects"]] == ["K1", "K2"]
    for aspect in panel["aspects"]:
        [ind] = aspect["indicators"]
        assert ind["kind"] == IndicatorKind.SCORE and ind["integer_only"] is True
        assert (D(ind["min_value"]), D(ind["max_value"])) == (0, 100)

    [tie] = data["tie_break_rules"]
    assert (tie["stage"], tie["aspect"], tie["indicator"], tie["higher_wins"]) == (
        "DESK", "K2", "A1", True,
    )  # fmt: skip
    assert [(a["rank"], a["label"]) for a in data["award_tiers"]] == [
        (r, f"Peringkat {r}") for r in range(1, 6)
    ]


def test_pekalongan_questionnaire_is_the_whole_kisi_kisi():
    k1 = node(load("pekalongan"), "DESK/K1")
    questions = k1["indicators"]
    assert all(q["kind"] == IndicatorKind.CHOICE for q in questions)
    assert all(q["guidance"].strip() and q["text"].strip() for q in questions)
    groups: list[tuple[str, list[int]]] = []
    for q in questions:
        if not groups or groups[-1][0] != q["group"]:
            groups.append((q["group"], []))
        groups[-1][1].append(len(q["options"]))
    assert groups == KISI_GROUPS
    assert len(questions) == 21
    for q in questions:
        assert [o["code"] for o in q["options"]] == list("abcd")[: len(q["options"])]


def test_pekalongan_option_scores():
    k1 = node(load("pekalongan"), "DESK/K1")
    pengaduan = [q for q in k1["indicators"] if q["group"] == "Penanganan Pengaduan"]
    for number, scores in PRINTED_PENGADUAN.items():
        q = pengaduan[number - 1]
        assert [D(o["score"]) for o in q["options"]] == [Decimal(s) for s in scores]
        assert not assumed(q) and not any(assumed(o) for o in q["options"])
    for q in k1["indicators"]:
        if q["group"] == "Penanganan Pengaduan" and pengaduan.index(q) + 1 in PRINTED_PENGADUAN:
            continue
        scores = [D(o["score"]) for o in q["options"]]
        assert scores == evenly_spaced(len(scores)), q["code"]
        assert scores[0] == 100 and scores[-1] == 0
        assert all(assumed(o) for o in q["options"]), q["code"]
        assert assumed(q), q["code"]
    # Penanganan Pengaduan question 4 prints no scores: 100 / 0, assumed.
    assert [D(o["score"]) for o in pengaduan[3]["options"]] == [100, 0]


def test_pekalongan_final_is_half_desk_half_panel():
    data = load("pekalongan")
    desk, panel = data["stages"]
    k1, k2 = desk["aspects"]
    # one evaluator: component 1 = 80, component 2 = 25 + 20 + 20 + 15 = 80 → desk 80
    comp2 = combine(k2["indicator_combine"], [Decimal(v) for v in (25, 20, 20, 15)], [None] * 4)
    desk_score = combine(
        desk["aspect_combine"], [Decimal(80), comp2], [D(k1["weight"]), D(k2["weight"])]
    )
    assert desk_score == 80
    panel_score = combine(panel["aspect_combine"], [Decimal(90), Decimal(70)], [None, None])
    assert panel_score == 80
    final = desk_score * D(desk["weight"]) / 100 + Decimal(60) * D(panel["weight"]) / 100
    assert final == 70
    # the lowest component 1 answer on every question still scores 10 on pengaduan question 3
    assert aspect_bound(k1, indicator_min) == Decimal(10) / 21


def test_pekalongan_assumptions():
    data = load("pekalongan")
    assert assumed(data)  # 50% desk + 50% panel
    assert_assumed(
        data,
        ["DESK", "PANEL", "DESK/K1", "DESK/K2", "DESK/K2/A2", "DESK/K2/A3", "DESK/K2/A4",
         "PANEL/K1", "PANEL/K2", "PANEL/K1/K1", "PANEL/K2/K2"],
    )  # fmt: skip
    assert_printed(data, ["DESK/K2/A1"])  # A1 30% is printed (Mekanisme A.9)
    assert not assumed(data["tie_break_rules"][0])
    assert all(assumed(a) for a in data["award_tiers"])  # the prizes are not specified


# ---------------------------------------------------------------- Kabupaten Tegal (003)


def test_tegal_numbers():
    data = load("tegal")
    assert data["legal_number"] == "Peraturan Bupati Tegal Nomor 30 Tahun 2016"
    assert data["legal_date"] == "2016-05-30"
    assert data["final_combine"] == FinalCombine.SINGLE_STAGE
    assert data["predicate_name"] == "Status Inovasi dan Kemitraan"
    assert data["predicate_rounding"] == PredicateRounding.NONE
    assert data["award_tiers"] == [] and data["award_for_others"] == ""
    assert data["tie_break_rules"] == []
    conflict = data["regulation_conflict"]
    for printed in ("35%", "105%", "20%", "25%", "30%", "45%"):
        assert printed in conflict, printed

    [stage] = data["stages"]
    assert stage["member_combine"] == MemberCombine.MEAN_OF_MEMBER_TOTALS
    assert stage["aspect_combine"] == AspectCombine.WEIGHTED_SUM
    assert [(a["code"], a["name"], D(a["weight"])) for a in stage["aspects"]] == [
        ("KEU", "Kinerja Keuangan", 25),
        ("SIN", "Sinergitas/Kerjasama antar Lembaga", 30),
        ("INO", "Inovasi", 45),
    ]
    keu, sin, ino = stage["aspects"]

    [pair] = keu["indicators"]
    assert pair["kind"] == IndicatorKind.PERCENTAGE_PAIR
    assert pair["entered_by"] == EnteredBy.KECAMATAN and pair["evidence_required"] is True
    # Lampiran I C: "basis data yang digunakan adalah 2 (dua) tahun terakhir"
    assert pair["params"] == {
        "parts": {"fisik": "50", "keuangan": "50"},
        "years": 2,
        "labels": {"fisik": "Realisasi fisik", "keuangan": "Realisasi keuangan"},
    }
    assert "2 tahun terakhir" in pair["reference"]
    assert (D(pair["min_value"]), D(pair["max_value"])) == (0, 100)

    assert sin["indicator_combine"] == AspectCombine.WEIGHTED_SUM
    assert [(i["code"], i["kind"], i["entered_by"], D(i["weight"])) for i in sin["indicators"]] == [
        ("PEM", "count_normalised", "kecamatan", 40),
        ("NONPEM", "count_normalised", "kecamatan", 60),
    ]
    for ind in sin["indicators"]:
        assert (D(ind["min_value"]), D(ind["max_value"])) == (0, 100)
        assert ind["evidence_required"] is True
        # Lampiran II B asks for the programs and "Jumlah institusi": recorded, not scored
        assert ind["params"]["recorded"] == ["institusi"]
    assert "NILAI (Jml x Bobot)" in sin["assumption"]

    assert ino["indicator_combine"] == AspectCombine.SUM
    assert [(i["code"], i["text"], D(i["max_value"])) for i in team(ino)] == [
        ("A", "Pendekatan dan Hasil", 40),
        ("B", "Pelaksanaan dan Penerapan", 20),
        ("C", "Keberlanjutan dan Peluang Replikasi", 30),
        ("D", "Perspektif Reformasi Birokrasi", 10),
    ]
    items = {"A": ("1.", "2.", "3."), "B": ("4.", "5.", "6.", "7."), "C": ("9.", "10.", "11."),
             "D": ("12.",)}  # fmt: skip
    # The written innovation description the Tim scores: items 1–12 (no 8) grouped A–D.
    description = own(ino)
    assert [(i["group"][0], i["text"].split(".")[0]) for i in description] == [
        ("A", "1"), ("A", "2"), ("A", "3"), ("B", "4"), ("B", "5"), ("B", "6"), ("B", "7"),
        ("C", "9"), ("C", "10"), ("C", "11"), ("D", "12"),
    ]  # fmt: skip
    assert all(i["kind"] == IndicatorKind.TEXT for i in description)
    for ind in team(ino):
        assert ind["kind"] == IndicatorKind.SCORE and ind["entered_by"] == EnteredBy.TEAM
        assert D(ind["min_value"]) == 0
        for item in items[ind["code"]]:
            assert item in ind["guidance"], (ind["code"], item)
        assert "8." not in ind["guidance"]


def test_tegal_keuangan_and_sinergitas_formulas():
    stage = load("tegal")["stages"][0]
    keu, sin, _ = stage["aspects"]
    params = keu["indicators"][0]["params"]
    parts, years = params["parts"], params["years"]
    # Two years each: fisik 80 and 90, keuangan 70 and 100 ->
    # A = (80 + 90) / 2 x 50% = 42,5, B = (70 + 100) / 2 x 50% = 42,5, nilai = 85 (not x 20%)
    fisik = (Decimal(80) + Decimal(90)) / years
    keuangan = (Decimal(70) + Decimal(100)) / years
    value = fisik * Decimal(parts["fisik"]) / 100 + keuangan * Decimal(parts["keuangan"]) / 100
    assert value == 85
    # 3 of a highest 6 government partners, 8 of a highest 8 non-government partners
    pem, nonpem = sin["indicators"]
    normalised = [Decimal(3) / 6 * D(pem["max_value"]), Decimal(8) / 8 * D(nonpem["max_value"])]
    score = combine(sin["indicator_combine"], normalised, [D(pem["weight"]), D(nonpem["weight"])])
    assert score == 80
    # member total with Inovasi 70: 85 x 25% + 80 x 30% + 70 x 45% = 21.25 + 24 + 31.5
    total = combine(
        stage["aspect_combine"],
        [value, score, Decimal(70)],
        [D(a["weight"]) for a in stage["aspects"]],
    )
    assert total == Decimal("76.75")


def test_tegal_status_bands():
    data = load("tegal")
    assert [
        (b["label"], D(b["lower"]), b["lower_inclusive"], D(b["upper"]), b["upper_inclusive"])
        for b in data["predicate_bands"]
    ] == [
        ("Sangat Kuat", 85, False, None, True),
        ("Kuat", 75, False, 85, True),
        ("Sedang", 55, False, 75, True),
        ("Lemah", 40, False, 55, True),
        ("Sangat Lemah", None, True, 40, True),
    ]
    for score, label in [
        ("100", "Sangat Kuat"),
        ("85.01", "Sangat Kuat"),
        ("85", "Kuat"),
        ("75.01", "Kuat"),
        ("75", "Sedang"),
        ("55", "Lemah"),
        ("40.01", "Lemah"),
        ("40", "Sangat Lemah"),
        ("0", "Sangat Lemah"),
    ]:
        assert band_for(data, Decimal(score)) == label, score


def test_tegal_assumptions():
    data = load("tegal")
    bands = {b["label"]: b for b in data["predicate_bands"]}
    assert assumed(bands["Sangat Lemah"])  # exactly 40 is sangat lemah
    assert not any(assumed(b) for label, b in bands.items() if label != "Sangat Lemah")
    assert_assumed(
        data,
        ["T1", "T1/KEU/KEU", "T1/SIN", "T1/SIN/PEM", "T1/SIN/NONPEM"]
        + [f"T1/INO/{c}" for c in "ABCD"],
    )
    assert_printed(data, ["T1/KEU", "T1/INO"])


@pytest.mark.parametrize("slug", ["bekasi", "pekalongan", "tegal"])
def test_no_other_text_gives_a_presentation_time_limit(slug):
    # Bekasi II.C.2.a names the Camat's presentation, Pekalongan B the paparan of the 5
    # besar, Tegal none; none of them sets minutes or pages, so no stage carries a limit.
    assert all(stage["presentation_limits"] == {} for stage in load(slug)["stages"])
