"""One Indonesian formatter: decimal comma, thousands with a dot, "1 Desember 2026"."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.translation import gettext

from regions import formatting
from regions.templatetags.kinerja_format import angka, persen, rumus, skor, tanggal, tepat, waktu


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("85"), "85"),
        (85, "85"),
        (Decimal("40.0000"), "40"),  # DecimalField values carry four places
        (Decimal("33.3300"), "33,33"),
        (Decimal("1234.5"), "1.234,5"),
        (Decimal("1234567.891"), "1.234.567,891"),
        (Decimal("1E+3"), "1.000"),
        (Decimal("-12.50"), "-12,5"),
        (Decimal("-1234.5"), "-1.234,5"),
        (Decimal("0.0000"), "0"),
        (0.1, "0,1"),  # a float as the shortest decimal that prints it
        ("85.5", "85,5"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_number(value, expected):
    assert formatting.number(value) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("85.5"), 2, "85,50"),
        (Decimal("85"), 2, "85,00"),
        (Decimal("1234.005"), 2, "1.234,01"),  # half up
        (Decimal("-2.345"), 2, "-2,35"),
        (Decimal("-0.001"), 2, "0,00"),  # never "-0,00"
        (Decimal("1999999.995"), 2, "2.000.000,00"),
        (Decimal("71.5"), 0, "72"),
    ],
)
def test_number_with_fixed_decimals(value, places, expected):
    assert formatting.number(value, places) == expected


def test_score_is_two_decimals():
    assert formatting.score(Decimal("85.5")) == "85,50"
    assert formatting.score(None) == "—"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("102.5"), "102,5%"),
        (Decimal("30.0000"), "30%"),
        (Decimal("-5"), "-5%"),
        (Decimal("1250"), "1.250%"),
        (None, "—"),
    ],
)
def test_percent(value, expected):
    assert formatting.percent(value) == expected


def test_percent_with_fixed_decimals():
    assert formatting.percent(Decimal("33.333"), 1) == "33,3%"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("62.77333333333333333333333333333333333333"), "62,7733…"),
        (Decimal("76.82666666666666666666666666666666666667"), "76,8267…"),  # half up
        (Decimal("76.83"), "76,83"),
        (Decimal("76.8300"), "76,83"),
        (Decimal("60"), "60"),
        (Decimal("1234.56789"), "1.234,5679…"),
        (Decimal("-0.00001"), "0…"),
        (None, "—"),
    ],
)
def test_exact_reads_like_the_trace(value, expected):
    assert formatting.exact(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(75 + 67.5) / 2 = 71.25", "(75 + 67,5) / 2 = 71,25"),
        ("KO 29.4 + IK 21.4 = 50.8", "KO 29,4 + IK 21,4 = 50,8"),
        (
            "fisik 80 × 50% + keuangan 92.5 × 50% = 86.25",
            "fisik 80 × 50% + keuangan 92,5 × 50% = 86,25",
        ),
        ("A1.2 70 + 1.2.3 5 = 75", "A1.2 70 + 1.2.3 5 = 75"),  # codes keep their points
        ("IKU1 102.5", "IKU1 102,5"),
        ("10 / 3 = 3.3333…", "10 / 3 = 3,3333…"),
        ("1500 / 2000 × 100 = 75", "1.500 / 2.000 × 100 = 75"),
        ("(80 - (95.5 - 80)) / 80 × 100 = 80.625.", "(80 - (95,5 - 80)) / 80 × 100 = 80,625."),
        ("", ""),
        (None, ""),
    ],
)
def test_trace_formulas_read_with_decimal_commas(text, expected):
    assert formatting.formula(text) == expected


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ((None, True, Decimal("30.0000"), True), "≤ 30"),
        ((Decimal("85.0000"), False, None, True), "> 85"),
        ((Decimal("30"), True, Decimal("45"), True), "30 – 45"),
        ((Decimal("75"), False, Decimal("85"), True), "> 75 dan ≤ 85"),
        ((Decimal("60.5"), True, Decimal("75"), False), "≥ 60,5 dan < 75"),
        ((None, True, Decimal("40"), False), "< 40"),
        ((None, True, None, True), "semua nilai"),
    ],
)
def test_band(bounds, expected):
    assert formatting.band(*bounds) == expected


def test_dates_print_the_indonesian_month():
    assert formatting.date(date(2026, 12, 1)) == "1 Desember 2026"
    assert formatting.date(date(2027, 1, 25)) == "25 Januari 2027"
    assert formatting.date(None) == "—"


def test_datetimes_are_read_in_asia_jakarta():
    # 17.30 UTC on 30 November is 00.30 WIB on 1 December
    moment = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
    assert formatting.date(moment) == "1 Desember 2026"
    assert formatting.date_time(moment) == "1 Desember 2026 00.30 WIB"
    assert formatting.date_time(datetime(2026, 12, 1, 7, 5, tzinfo=UTC)) == (
        "1 Desember 2026 14.05 WIB"
    )
    assert formatting.date_time(None) == "—"


def test_a_naive_datetime_is_taken_as_local():
    assert formatting.date_time(datetime(2026, 12, 1, 14, 5)) == "1 Desember 2026 14.05 WIB"


def test_another_zone_names_itself():
    with timezone.override("Asia/Makassar"):
        assert formatting.date_time(datetime(2026, 12, 1, 6, 5, tzinfo=UTC)) == (
            "1 Desember 2026 14.05 WITA"
        )


def test_format_parameters_renders_a_structured_message():
    parameters = {
        "name": "aspek tahap T1",
        "total": Decimal("102.5000"),
        "score": Decimal("65"),
        "rank": 6,
        "missing": None,
        "deadline": date(2026, 12, 1),
    }
    shown = formatting.format_parameters(parameters, places={"score": 2})
    assert shown == {
        "name": "aspek tahap T1",
        "total": "102,5",
        "score": "65,00",
        "rank": "6",
        "missing": "—",
        "deadline": "1 Desember 2026",
    }
    assert gettext("Bobot %(name)s berjumlah %(total)s%%, bukan 100%%.") % shown == (
        "Bobot aspek tahap T1 berjumlah 102,5%, bukan 100%."
    )


def test_not_a_number_is_refused():
    for value in ("85,5", "abc", True, Decimal("NaN")):
        with pytest.raises(ValueError):
            formatting.number(value)


def test_filters():
    assert skor(Decimal("85.5")) == "85,50"
    assert skor(Decimal("1234.005")) == "1.234,01"
    assert skor(None) == "—"
    assert angka(Decimal("33.3300")) == "33,33"
    assert persen(Decimal("102.5")) == "102,5%"
    assert tepat(Decimal("76.82666666666666666666666666666666666667")) == "76,8267…"
    assert rumus("(75 + 67.5) / 2 = 71.25") == "(75 + 67,5) / 2 = 71,25"
    assert tanggal(date(2026, 12, 1)) == "1 Desember 2026"
    assert waktu(datetime(2026, 12, 1, 7, 5, tzinfo=UTC)) == "1 Desember 2026 14.05 WIB"


def test_filters_leave_what_is_not_a_number_alone():
    assert skor("belum") == "belum"
    assert angka("—") == "—"


def test_templates_load_the_library():
    template = Template("{% load kinerja_format %}{{ v|skor }} · {{ v|persen }} · {{ d|tanggal }}")
    rendered = template.render(Context({"v": Decimal("102.5"), "d": date(2026, 12, 1)}))
    assert rendered == "102,50 · 102,5% · 1 Desember 2026"
