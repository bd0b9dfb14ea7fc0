import json
from decimal import Decimal

from django import template
from django.utils.translation import gettext

from instruments import descriptions
from instruments.limits import PresentationLimits, presentation_limits_of
from instruments.models import Aspect, Indicator, InstrumentSet, Stage
from regions import formatting

register = template.Library()


@register.filter
def final_formula(instrument_set: InstrumentSet) -> str:
    return descriptions.final_formula(instrument_set)


@register.filter
def stage_formula(stage: Stage) -> str:
    return descriptions.stage_formula(stage)


@register.filter
def member_total_formula(stage: Stage) -> str:
    return descriptions.member_total_formula(stage)


@register.filter
def members_formula(stage: Stage) -> str:
    return descriptions.members_formula(stage)


@register.filter
def presentation(stage: Stage) -> PresentationLimits | None:
    """The stage's presentation limits as the timer reads them, or None."""
    return presentation_limits_of(stage.presentation_limits)


@register.filter
def aspect_formula(aspect: Aspect) -> str:
    return descriptions.aspect_formula(aspect)


@register.filter
def indicator_formula(indicator: Indicator) -> str:
    return descriptions.indicator_formula(indicator)


@register.filter
def diff_value(value: object) -> str:
    """A plain-data value as Tapem reads it in a comparison: ya/tidak, 85,5, — for empty."""
    if value is None or value == "" or value == {}:
        return "—"
    if isinstance(value, bool):
        return gettext("ya") if value else gettext("tidak")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal | float):
        return formatting.number(value)
    text = str(value)
    if "." not in text:
        return text  # whole numbers, codes and years as written: 3, 01, 2026
    try:
        return formatting.number(text)
    except ValueError:
        return text


@register.filter
def capaian_scale(indicator: Indicator) -> list[tuple[str, str]]:
    return descriptions.capaian_scale(indicator)
