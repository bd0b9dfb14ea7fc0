"""The rounding rules: the published two-decimal score and the predikat bands."""

from decimal import Decimal

import pytest

from scoring.rounding import predicate_for, publish, round_for_predicate, settle
from scoring.rules import PredicateRounding
from tests.scoring.builders import banggai, tegal

HALF_UP = PredicateRounding.HALF_UP_INTEGER
NONE = PredicateRounding.NONE


@pytest.mark.parametrize(
    ("score", "published"),
    [
        ("85.125", "85.13"),  # half up, not half even
        ("85.135", "85.14"),
        ("85.124", "85.12"),
        ("85", "85.00"),
        ("0", "0.00"),
        ("100", "100.00"),
        ("78.91666666666666666666666666666666666667", "78.92"),
        # a mean's division noise below the exact 85.125 still publishes 85.13
        ("85.12499999999999999999999999999999999999", "85.13"),
    ],
)
def test_publish_two_decimals_half_up(score, published):
    assert publish(Decimal(score)) == Decimal(published)
    assert str(publish(Decimal(score))) == published


def test_settle_keeps_exact_values():
    assert settle(Decimal("85.1249")) == Decimal("85.1249")


@pytest.mark.parametrize(
    ("score", "whole"),
    [("30.4", 30), ("30.5", 31), ("85.49", 85), ("85.5", 86), ("85.495", 86), ("60.49", 60)],
)
def test_half_up_to_a_whole_number_reads_the_published_score(score, whole):
    # 85.495 publishes as 85.50, which the predikat rule then reads as 86 (decision).
    assert round_for_predicate(Decimal(score), HALF_UP) == Decimal(whole)


def test_no_predicate_rounding_reads_the_published_score():
    assert round_for_predicate(Decimal("40.004"), NONE) == Decimal("40.00")


@pytest.mark.parametrize(
    ("score", "predikat"),
    [
        ("0", "Kurang Sekali"),
        ("30.4", "Kurang Sekali"),
        ("30.5", "Kurang"),
        ("60.49", "Kurang"),
        ("60.5", "Cukup"),
        ("75.49", "Cukup"),
        ("75.5", "Baik"),
        ("85.49", "Baik"),
        ("85.5", "Baik Sekali"),
        ("100", "Baik Sekali"),
        ("100.6", ""),  # outside every band
    ],
)
def test_banggai_pasal_19(score, predikat):
    spec = banggai()
    assert predicate_for(Decimal(score), spec.predicate_rounding, spec.bands) == predikat


@pytest.mark.parametrize(
    ("score", "status"),
    [
        ("100", "sangat kuat"),
        ("85.01", "sangat kuat"),
        ("85", "kuat"),
        ("75.01", "kuat"),
        ("75", "sedang"),
        ("55.01", "sedang"),
        ("55", "lemah"),
        ("40.01", "lemah"),
        ("40", "sangat lemah"),  # decision: exactly 40 is sangat lemah
        ("40.004", "sangat lemah"),  # published 40.00
        ("0", "sangat lemah"),
    ],
)
def test_tegal_pasal_8(score, status):
    spec = tegal()
    assert predicate_for(Decimal(score), spec.predicate_rounding, spec.bands) == status
