"""Scores print the Indonesian way: decimal comma, thousands with a dot."""

from decimal import Decimal

import pytest

from evaluations.templatetags.kinerja_format import angka, rumus, skor, tepat


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("85.5"), "85,50"), (Decimal("1234.005"), "1.234,01"), (None, "—")],
)
def test_skor(value, expected):
    assert skor(value) == expected


def test_angka_drops_trailing_zeros():
    assert angka(Decimal("33.3300")) == "33,33"
    assert angka(Decimal("40.0000")) == "40"


def test_tepat_shortens_long_exact_scores():
    assert tepat(Decimal("76.82666666666666666666666666666666666667")) == "76,826666…"
    assert tepat(Decimal("76.83")) == "76,83"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("(75 + 67.5) / 2 = 71.25", "(75 + 67,5) / 2 = 71,25"),
        ("KO 29.4 + IK 21.4 = 50.8", "KO 29,4 + IK 21,4 = 50,8"),
        (
            "fisik 80 × 50% + keuangan 92.5 × 50% = 86.25",
            "fisik 80 × 50% + keuangan 92,5 × 50% = 86,25",
        ),
        ("A1.2 70 + 1.2.3 5 = 75", "A1.2 70 + 1.2.3 5 = 75"),  # codes keep their points
        ("10 / 3 = 3.3333…", "10 / 3 = 3,3333…"),
    ],
)
def test_trace_formulas_read_with_decimal_commas(formula, expected):
    assert rumus(formula) == expected
