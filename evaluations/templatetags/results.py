from collections.abc import Mapping

from django import template

from scoring.structures import Entry

register = template.Library()


def entry_key(stage: str, aspect: str, indicator: str, part: str) -> str:
    return f"{stage}|{aspect}|{indicator}|{part}"


@register.filter
def part_name(entry: Entry, labels: Mapping[str, str]) -> str:
    """The part of a multi-part value as people read it ("Realisasi fisik 2024 (%)"), from
    the view's `labels`; the part's code when the set names no label."""
    key = entry_key(entry.stage_code, entry.aspect_code, entry.indicator_code, entry.part)
    return labels.get(key, entry.part) if labels else entry.part
