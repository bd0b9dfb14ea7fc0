"""Numbers, percentages and dates the way Indonesian official documents print them.

The one formatter for pages (the `kinerja_format` template filters), management commands,
instrument descriptions and messages: a decimal comma and a dot between thousands
(`1.234,5`), published scores with two decimals (`85,50`), percentages without a space
(`102,5%`), predikat bands (`≤ 30`, `> 85`, `31 – 60`), dates `1 Desember 2026` and times
`1 Desember 2026 14.05 WIB`. A missing value prints as `EMPTY`.

It sits in `regions`, the lowest layer, so every app may use it. Machine-read output (the
`ranking --json` contract, xlsx cells) keeps plain decimals and does not come here.
"""

import re
from collections.abc import Mapping
from datetime import date as Date
from datetime import datetime as DateTime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import dateformat, timezone
from django.utils.translation import gettext
from num2words import num2words

EMPTY = "—"
TRACE_PLACES = 4  # the scoring trace writes at most four decimals, "…" when it cut more

Number = Decimal | int | float | str


def to_decimal(value: Number) -> Decimal:
    """The exact Decimal of a number, a float read as the shortest decimal that prints it, or
    a string such as "85.5". Raises ValueError for anything else (also "85,5" and booleans)."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError):
            raise ValueError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _is_empty(value: object) -> bool:
    return value is None or value == ""


def _digits(number: Decimal) -> str:
    """Indonesian digits of a Decimal as it stands: 1234.50 → "1.234,50", -0.00 → "0,00"."""
    if number == 0:
        number = abs(number)  # no "-0,00"
    text = format(number, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    grouped = ".".join([whole, *groups])
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def _trimmed(number: Decimal) -> Decimal:
    """The same value without trailing zeros after the decimal point: 40.0000 → 40."""
    if number == number.to_integral_value():
        return number.to_integral_value()
    return number.normalize()


def number(value: Number | None, places: int | None = None) -> str:
    """An Indonesian number. Without `places`, exact and without trailing zeros
    (33.3300 → "33,33", 40.0000 → "40", 1234.5 → "1.234,5"); with `places`, that many
    decimals rounded half up (number(85.5, 2) → "85,50"). None or "" → "—"."""
    if _is_empty(value):
        return EMPTY
    decimal = to_decimal(value)  # type: ignore[arg-type]
    if places is None:
        return _digits(_trimmed(decimal))
    quantum = Decimal(1).scaleb(-int(places))
    return _digits(decimal.quantize(quantum, rounding=ROUND_HALF_UP))


def score(value: Number | None) -> str:
    """A published score: two decimals, half up (85.5 → "85,50"). Display only: the engine
    has already rounded what it publishes (scoring.rounding)."""
    return number(value, 2)


def percent(value: Number | None, places: int | None = None) -> str:
    """A percentage: 102.5 → "102,5%", 30.0000 → "30%"; None → "—"."""
    if _is_empty(value):
        return EMPTY
    return f"{number(value, places)}%"


def exact(value: Number | None, places: int = TRACE_PLACES) -> str:
    """An unrounded score for reading, as the scoring trace writes it: at most `places`
    decimals (half up), no trailing zeros, "…" when decimals were cut
    (62.773333… → "62,7733…", 76.83 → "76,83")."""
    if _is_empty(value):
        return EMPTY
    decimal = to_decimal(value)  # type: ignore[arg-type]
    shown = decimal.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return _digits(_trimmed(shown)) + ("" if shown == decimal else "…")


# A number in a scoring trace: written with a decimal point and no grouping ("67.5", "1500"),
# standing alone, not part of a code such as "A1.2", "IKU1" or "1.2.3".
_TRACE_NUMBER = re.compile(r"(?<![\w.,])\d+(?:\.\d+)?(?![\w]|\.\w)")


def formula(text: str | None) -> str:
    """A trace formula the Indonesian way: "(75 + 67.5) / 2 = 71.25" → "(75 + 67,5) / 2 =
    71,25", "1500 / 2000 × 100" → "1.500 / 2.000 × 100". A dot is the thousands separator in
    Indonesian, so a point left in would read as 675 to the people who sign the decree."""
    return _TRACE_NUMBER.sub(lambda match: _digits(Decimal(match.group())), text or "")


def band(
    lower: Number | None,
    lower_inclusive: bool,
    upper: Number | None,
    upper_inclusive: bool,
) -> str:
    """A predikat band as the regulation prints it: "≤ 30", "> 85", "31 – 60" (both bounds
    included), "> 75 dan ≤ 85" (otherwise)."""
    has_lower, has_upper = not _is_empty(lower), not _is_empty(upper)
    if has_lower and has_upper and lower_inclusive and upper_inclusive:
        return f"{number(lower)} – {number(upper)}"
    parts = []
    if has_lower:
        parts.append(f"{'≥' if lower_inclusive else '>'} {number(lower)}")
    if has_upper:
        parts.append(f"{'≤' if upper_inclusive else '<'} {number(upper)}")
    if len(parts) == 2:
        return gettext("%(lower)s dan %(upper)s") % {"lower": parts[0], "upper": parts[1]}
    return parts[0] if parts else gettext("semua nilai")


def date(value: Date | DateTime | None) -> str:
    """1 Desember 2026; a datetime is read in the current time zone (Asia/Jakarta)."""
    if _is_empty(value):
        return EMPTY
    if isinstance(value, DateTime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, "j F Y")


def in_words(number: int) -> str:
    """A whole number in Indonesian words, as Berita Acara write dates (2026 → dua ribu dua
    puluh enam), through num2words."""
    return num2words(number, lang="id")


def date_in_words(value: Date) -> str:
    """The opening of a Berita Acara: "Senin tanggal satu bulan Desember tahun dua ribu dua
    puluh enam" (weekday and month names from the Indonesian locale)."""
    return gettext("%(day)s tanggal %(date)s bulan %(month)s tahun %(year)s") % {
        "day": dateformat.format(value, "l"),
        "date": in_words(value.day),
        "month": dateformat.format(value, "F"),
        "year": in_words(value.year),
    }


def date_time(value: DateTime | Date | None) -> str:
    """1 Desember 2026 14.05 WIB: the current time zone (Asia/Jakarta) and its Indonesian
    abbreviation (WIB, WITA, WIT). A naive datetime is taken as already local; a date prints
    as `date` does."""
    if _is_empty(value):
        return EMPTY
    if not isinstance(value, DateTime):
        return date(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else timezone.make_aware(value)
    return f"{dateformat.format(local, 'j F Y H.i')} {local.tzname()}"


def display(item: object, places: int | None = None) -> str:
    """Any value for a sentence: numbers as `number` (floats too), dates as `date`,
    datetimes as `date_time`, None as "—", text unchanged."""
    if item is None:
        return EMPTY
    if isinstance(item, bool):
        return gettext("ya") if item else gettext("tidak")
    if isinstance(item, Decimal | int | float):
        return number(item, places)
    if isinstance(item, DateTime):
        return date_time(item)
    if isinstance(item, Date):
        return date(item)
    return str(item)


def format_parameters(
    parameters: Mapping[str, object], places: Mapping[str, int] | None = None
) -> dict[str, str]:
    """A structured message's parameters ready for its Indonesian template
    (`_("Bobot %(name)s berjumlah %(total)s%%, bukan 100%%.") % format_parameters(p)`):
    each value as `display` prints it ({"total": Decimal("102.5000")} → {"total": "102,5"}).
    `places` fixes the decimals of the named parameters, e.g. {"score": 2} for a published
    score ("65,00")."""
    places = places or {}
    return {key: display(item, places.get(key)) for key, item in parameters.items()}
