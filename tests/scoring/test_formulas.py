"""One rule per function, with the regulations' own numbers."""

from decimal import Decimal

import pytest

from scoring import formulas
from scoring.rules import AspectCombine, FinalCombine, Polarity, Refusal, ValueRange
from tests.scoring.builders import pekalongan, tegal

D = Decimal


def test_option_score():
    # Panduan Pekalongan, Penanganan Pengaduan 3: a) 100, b) 75, c) 50, d) 10
    options = {"a": D(100), "b": D(75), "c": D(50), "d": D(10)}
    assert formulas.option_score(options, "b") == D(75)
    with pytest.raises(ValueError, match="pilihan 'e'"):
        formulas.option_score(options, "e")


def test_the_range_rule_refuses_rather_than_clamps():
    # Panduan Pekalongan A.5 and A.6: whole numbers, and never above the part's maximum.
    a1 = ValueRange(D(0), D(30), integer_only=True)
    assert a1.check(D(30)) == D(30)
    assert a1.check(D("27.0")) == D(27)
    with pytest.raises(ValueError, match="di atas batas"):
        ValueRange(D(0), D(30)).check(D(31))
    with pytest.raises(ValueError, match="di bawah batas"):
        ValueRange(D(0), None).check(D(-1))
    with pytest.raises(ValueError, match="bilangan bulat"):
        a1.check(D("27.5"))
    assert [a1.refusal(D(v)) for v in ("-1", "31", "27.5", "12")] == [
        Refusal.BELOW,
        Refusal.ABOVE,
        Refusal.FRACTION,
        None,
    ]
    # What the database-sums fast path turns into SQL: the same tests, with their bounds.
    assert a1.tests() == ((Refusal.BELOW, D(0)), (Refusal.ABOVE, D(30)), (Refusal.FRACTION, None))
    assert ValueRange().tests() == ()


def test_each_cell_of_an_indicator_has_its_range():
    assert pekalongan().stages[0].aspects[1].indicators[0].cells == (
        ("", ValueRange(D(0), D(30), integer_only=True)),
    )
    keuangan = tegal().stages[0].aspects[0].indicators[0]
    assert keuangan.cells == (
        ("fisik", ValueRange(D(0), D(100))),
        ("keuangan", ValueRange(D(0), D(100))),
    )
    mitra = tegal().stages[0].aspects[1].indicators[0]  # a count: never negative, no maximum
    assert mitra.cells == (("", ValueRange(D(0), None)),)
    assert pekalongan().stages[0].aspects[0].indicators[0].cells == (("", None),)  # a choice


def test_percentage_pair():
    # Perbup Tegal Lampiran II A: 90 × 50% + 80 × 50% = 45 + 40 = 85
    assert formulas.percentage_pair([(D(90), D(50)), (D(80), D(50))]) == D(85)


@pytest.mark.parametrize(
    ("target", "realisasi", "polarity", "expected"),
    [
        (80, "82.5", Polarity.HIGHER_IS_BETTER, "103.125"),  # 82.5 / 80 × 100
        (100, 75, Polarity.HIGHER_IS_BETTER, "75"),
        (10, 8, Polarity.LOWER_IS_BETTER, "120"),  # (10 - (8 - 10)) / 10 × 100
        (10, 12, Polarity.LOWER_IS_BETTER, "80"),  # (10 - (12 - 10)) / 10 × 100
        (10, 25, Polarity.LOWER_IS_BETTER, "-50"),
    ],
)
def test_capaian_lkjip_bangsalsari(target, realisasi, polarity, expected):
    assert formulas.capaian(D(target), D(realisasi), polarity) == D(expected)


def test_capped():
    assert formulas.capped(D("103.125"), D(0), D(100)) == D(100)
    assert formulas.capped(D(-50), D(0), D(100)) == D(0)
    assert formulas.capped(D(-50), None, None) == D(-50)


def test_count_normalised():
    # Tegal sinergitas, decision: 6 of the highest 12 scores 50 of 100
    assert formulas.count_normalised(D(6), D(12), D(100)) == D(50)
    assert formulas.count_normalised(D(0), D(0), D(100)) == D(0)


def test_combine():
    # Bekasi: 80 × 35% + 70 × 30% + 90 × 20% + 60 × 5% + 70 × 5% + 80 × 5% = 77.5
    scores = [D(v) for v in (80, 70, 90, 60, 70, 80)]
    weights = [D(w) for w in (35, 30, 20, 5, 5, 5)]
    assert formulas.combine(AspectCombine.WEIGHTED_SUM, scores, weights) == D("77.5")
    assert formulas.combine(AspectCombine.SUM, scores) == D(450)
    assert formulas.combine(AspectCombine.MEAN, scores) == D(75)
    with pytest.raises(ValueError):
        formulas.mean([])
    with pytest.raises(ValueError):
        formulas.weighted_sum(scores, weights[:2])


def test_members_to_stage():
    # Banggai Lampiran II: Bn = (ΣP1 + ΣP2 + ΣP3) / JA = (88 + 85 + 86.5) / 3 = 86.5
    assert formulas.mean_of_member_totals([D(88), D(85), D("86.5")]) == D("86.5")
    # Banggai Lampiran I: Bn = ΣKo + ΣIk = 43 + 42
    assert formulas.sum_of_aspect_means(AspectCombine.SUM, [D(43), D(42)]) == D(85)


def test_final_score():
    # Banggai Lampiran III: Na = (85 + 85 + 86.5) / 3 = 85.5
    assert formulas.final_score(FinalCombine.MEAN_OF_STAGES, [D(85), D(85), D("86.5")]) == D("85.5")
    # Pekalongan (decision): 50% desk + 50% panel
    assert formulas.final_score(
        FinalCombine.WEIGHTED_STAGES, [D("83.625"), D(85)], [D(50), D(50)]
    ) == D("84.3125")
    assert formulas.final_score(FinalCombine.SINGLE_STAGE, [D(78)]) == D(78)
