from django import template

from instruments import descriptions

register = template.Library()


@register.filter
def final_formula(instrument_set) -> str:
    return descriptions.final_formula(instrument_set)


@register.filter
def stage_formula(stage) -> str:
    return descriptions.stage_formula(stage)


@register.filter
def aspect_formula(aspect) -> str:
    return descriptions.aspect_formula(aspect)


@register.filter
def indicator_formula(indicator) -> str:
    return descriptions.indicator_formula(indicator)


@register.filter
def plain_number(value) -> str:
    """A Decimal without trailing zeros, with a decimal comma (85,5)."""
    if value is None or value == "":
        return "—"
    return descriptions._num(value).replace(".", ",")
