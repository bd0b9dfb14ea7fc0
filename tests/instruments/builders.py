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
    "award_for_others": "",
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
