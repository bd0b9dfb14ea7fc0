"""A tiny but complete instrument set as plain data, for tests that need one."""

import copy

TINY_SET = {
    "code": "uji",
    "version": 1,
    "name": "Set uji",
    "legal_number": "Nomor 1 Tahun 2026",
    "legal_date": "2026-01-02",
    "legal_title": "Peraturan uji",
    "description": "",
    "assumption": "",
    "regulation_conflict": "",
    "final_combine": "single_stage",
    "predicate_name": "Predikat",
    "predicate_rounding": "none",
    "decision_basis": "published",
    "award_for_others": "",
    "reference": "",
    "stages": [
        {
            "order": 1,
            "code": "T1",
            "name": "Penilaian tim",
            "scorer_label": "Tim Penilai",
            "member_combine": "mean_of_member_totals",
            "aspect_combine": "weighted_sum",
            "weight": None,
            "max_score": "100",
            "shortlist_size": None,
            "disqualify_if_incomplete": False,
            "disqualification_reason": "",
            "min_team_size": 1,
            "deadline_note": "",
            "assumption": "",
            "aspects": [
                {
                    "order": order,
                    "code": code,
                    "name": f"Aspek {code}",
                    "weight": weight,
                    "max_score": "100",
                    "indicator_combine": "sum",
                    "counts_toward_total": True,
                    "assumption": "",
                    "indicators": [
                        {
                            "order": 1,
                            "code": f"{code}1",
                            "group": "",
                            "text": f"Nilai {code}",
                            "guidance": "",
                            "help_text": "",
                            "kind": "score",
                            "entered_by": "team",
                            "min_value": "0",
                            "max_value": "100",
                            "integer_only": False,
                            "weight": None,
                            "evidence_required": False,
                            "evidence_note": "",
                            "params": {},
                            "assumption": "",
                            "options": [],
                        }
                    ],
                }
                for order, code, weight in ((1, "A", "60"), (2, "B", "40"))
            ],
        }
    ],
    "predicate_bands": [
        {
            "order": 1,
            "label": "Baik",
            "lower": "50",
            "lower_inclusive": True,
            "upper": None,
            "upper_inclusive": True,
            "consequence": "",
            "assumption": "",
        },
        {
            "order": 2,
            "label": "Kurang",
            "lower": None,
            "lower_inclusive": True,
            "upper": "50",
            "upper_inclusive": False,
            "consequence": "",
            "assumption": "",
        },
    ],
    "tie_break_rules": [
        {
            "order": 1,
            "stage": "T1",
            "aspect": "A",
            "indicator": None,
            "higher_wins": True,
            "description": "Nilai aspek A lebih tinggi",
            "assumption": "",
        }
    ],
    "award_tiers": [{"rank": 1, "label": "Terbaik", "prizes": "Piagam", "assumption": ""}],
}


def tiny_set(**changes) -> dict:
    data = copy.deepcopy(TINY_SET)
    data.update(changes)
    return data


def _choice_indicator(code: str, order: int) -> dict:
    return {
        "order": order,
        "code": code,
        "group": "",
        "text": f"Pertanyaan {code}",
        "guidance": "",
        "help_text": "",
        "kind": "choice",
        "entered_by": "team",
        "min_value": "0",
        "max_value": "4",
        "integer_only": False,
        "weight": None,
        "evidence_required": True,
        "evidence_note": "SK Camat",
        "params": {},
        "assumption": "",
        "options": [
            {"order": n, "code": letter, "label": f"Pilihan {letter}", "score": str(n),
             "assumption": ""}
            for n, letter in enumerate("abcd", start=1)
        ],
    }  # fmt: skip


def bigger_set(*, stages: int = 3, aspects: int = 3, indicators: int = 4, **changes) -> dict:
    """Like tiny_set() with more of everything: several stages of choice indicators with
    options, mean of stages as the final score. Sizes are parameters, for query counts."""
    data = tiny_set(final_combine="mean_of_stages", **changes)
    data["stages"] = [
        {
            **copy.deepcopy(TINY_SET["stages"][0]),
            "order": s,
            "code": f"T{s}",
            "name": f"Tahap {s}",
            "aspect_combine": "sum",
            "aspects": [
                {
                    **{k: v for k, v in TINY_SET["stages"][0]["aspects"][0].items()},
                    "order": a,
                    "code": f"K{a}",
                    "name": f"Kriteria {a}",
                    "weight": None,
                    "indicators": [
                        _choice_indicator(f"K{a}.{i}", i) for i in range(1, indicators + 1)
                    ],
                }
                for a in range(1, aspects + 1)
            ],
        }
        for s in range(1, stages + 1)
    ]
    data["tie_break_rules"] = [
        {"order": 1, "stage": "T1", "aspect": "K1", "indicator": "K1.1", "higher_wins": True,
         "description": "", "assumption": ""},
    ]  # fmt: skip
    return data
