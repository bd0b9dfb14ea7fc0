import json
from decimal import Decimal

from django import template
from django.utils.translation import gettext

from instruments import descriptions
from instruments.models import Aspect, Indicator, InstrumentSet, Stage

register = template.Library()


@register.filter
def final_formula(instrument_set: InstrumentSet) -> str:
    return descriptions.final_formula(instrument_set)


@register.filter
def stage_formula(stage: Stage) -> str:
    return descriptions.stage_formula(stage)


@register.filter
def aspect_formula(aspect: Aspect) -> str:
    return descriptions.aspect_formula(aspect)


@register.filter
def indicator_formula(indicator: Indicator) -> str:
    return descriptions.indicator_formula(indicator)


@register.filter
def plain_number(value: Decimal | None) -> str:
    """A Decimal without trailing zeros, with a decimal comma (85,5)."""
    if value is None or value == "":
        return "—"
    return descriptions._num(value).replace(".", ",")


@register.filter
def diff_value(value: object) -> str:
    """A plain-data value as Tapem reads it in a comparison: ya/tidak, 85,5, — for empty."""
    if value is None or value == "" or value == {}:
        return "—"
    if isinstance(value, bool):
        return gettext("ya") if value else gettext("tidak")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    try:
        Decimal(text)
    except ArithmeticError:
        return text
    return text.replace(".", ",")
