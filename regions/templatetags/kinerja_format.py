"""Template filters over `regions.formatting`, the one Indonesian formatter.

    {% load kinerja_format %}
    {{ result.published_score|skor }}   85,50
    {{ aspect.weight|angka }}           33,33 · 1.234,5
    {{ aspect.weight|persen }}          102,5%
    {{ result.final_score|tepat }}      62,7733…
    {{ stage.formula|rumus }}           (75 + 67,5) / 2 = 71,25
    {{ set.legal_date|tanggal }}        1 Desember 2026
    {{ entry.created|waktu }}           1 Desember 2026 14.05 WIB

A value that is not a number prints unchanged, as Django's own filters fail quietly.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import wraps

from django import template

from regions import formatting

register = template.Library()

Number = Decimal | int | float | str | None


def _quiet(function: Callable[..., str]) -> Callable[..., str]:
    @wraps(function)
    def filter_function(value: object, *args: object) -> str:
        try:
            return function(value, *args)
        except (ValueError, TypeError):
            return str(value)

    return filter_function


@register.filter
@_quiet
def skor(value: Number, places: int = 2) -> str:
    """A published score: 85.5 → "85,50"; None → "—"."""
    return formatting.number(value, int(places))


@register.filter
@_quiet
def angka(value: Number) -> str:
    """A number without trailing zeros: 33.3300 → "33,33", 1234.5 → "1.234,5"."""
    return formatting.number(value)


@register.filter
@_quiet
def persen(value: Number) -> str:
    """A percentage: 102.5 → "102,5%"."""
    return formatting.percent(value)


@register.filter
@_quiet
def tepat(value: Number, places: int = formatting.TRACE_PLACES) -> str:
    """An unrounded score as the trace writes it: 62.773333… → "62,7733…"."""
    return formatting.exact(value, int(places))


@register.filter
def rumus(formula: str) -> str:
    """A trace formula with decimal commas: "(75 + 67.5) / 2" → "(75 + 67,5) / 2"."""
    return formatting.formula(formula)


@register.filter
@_quiet
def tanggal(value: date | None) -> str:
    """1 Desember 2026."""
    return formatting.date(value)


@register.filter
@_quiet
def waktu(value: date | None) -> str:
    """1 Desember 2026 14.05 WIB."""
    return formatting.date_time(value)
