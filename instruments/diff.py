"""What changed between two versions of an instrument set, computed from their plain data.

Pure: two dicts shaped like `services.instrument_set_to_data` in, a list of changes out;
no database. Items are matched by what names them in the regulation: stages by code,
aspects, indicators and options by their code under their parent's, predicate bands by
label, tie-break rules by order, award tiers by rank. An added or removed item is listed
once, with a count of what it contains, rather than once per child.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from instruments.models import (
    Aspect,
    AwardTier,
    Indicator,
    InstrumentSet,
    Option,
    PredicateBand,
    Stage,
    TieBreakRule,
)

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
LEVELS = ("set", "tahap", "aspek", "indikator", "pilihan", "predikat", "seri", "penghargaan")
LEVEL_LABELS = {
    "set": _("Set"),
    "tahap": _("Tahap"),
    "aspek": _("Aspek"),
    "indikator": _("Indikator"),
    "pilihan": _("Pilihan"),
    "predikat": _("Predikat"),
    "seri": _("Aturan nilai seri"),
    "penghargaan": _("Penghargaan"),
}
_MODELS = {
    "set": InstrumentSet,
    "tahap": Stage,
    "aspek": Aspect,
    "indikator": Indicator,
    "pilihan": Option,
    "predikat": PredicateBand,
    "seri": TieBreakRule,
    "penghargaan": AwardTier,
}
_CHILD_LEVEL = {"tahap": "aspek", "aspek": "indikator", "indikator": "pilihan"}
_CHILDREN = {"set": "stages", "tahap": "aspects", "aspek": "indicators", "indikator": "options"}
_TITLE_FIELDS = ("name", "text", "label", "description")
_IGNORED = {"version", *_CHILDREN.values(), "predicate_bands", "tie_break_rules", "award_tiers"}
_REFERENCE_LABELS = {"stage": _("tahap"), "aspect": _("aspek"), "indicator": _("indikator")}


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    action: str  # ADDED | REMOVED | CHANGED
    level: str  # one of LEVELS
    key: str  # the item's codes, "T1 · A · A1"; "" for the set itself
    title: str
    fields: tuple[FieldChange, ...] = ()
    contains: dict[str, int] = field(default_factory=dict)  # for added/removed: children

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])


def instrument_set_diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every added, removed and changed item from `old` to `new`, set first, then by level."""
    old_items, new_items = _items(old), _items(new)
    changes = []
    for (level, key), item in new_items.items():
        before = old_items.get((level, key))
        if before is None:
            if _parent_present(level, key, old_items):
                changes.append(_whole(ADDED, level, key, item, new_items))
            continue
        fields = tuple(
            FieldChange(name, _label(level, name), before.get(name), item.get(name))
            for name in dict.fromkeys([*before, *item])
            if before.get(name) != item.get(name)
        )
        if fields:
            changes.append(Change(CHANGED, level, " · ".join(key), _title(item), fields))
    for (level, key), item in old_items.items():
        if (level, key) not in new_items and _parent_present(level, key, new_items):
            changes.append(_whole(REMOVED, level, key, item, old_items))
    return sorted(changes, key=lambda change: LEVELS.index(change.level))


def _items(data: dict[str, Any]) -> dict[tuple[str, tuple[str, ...]], dict[str, Any]]:
    """Every item of the set by (level, key), with only its own fields."""
    items: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}

    def add(level: str, key: tuple[str, ...], item: dict[str, Any]) -> None:
        while (level, key) in items:  # two items with the same name: keep both apart
            key = (*key[:-1], f"{key[-1]}′")
        items[(level, key)] = {k: v for k, v in item.items() if k not in _IGNORED}

    add("set", (), data)
    for stage in data.get("stages", []):
        stage_key = (str(stage.get("code")),)
        add("tahap", stage_key, stage)
        for aspect in stage.get("aspects", []):
            aspect_key = (*stage_key, str(aspect.get("code")))
            add("aspek", aspect_key, aspect)
            for indicator in aspect.get("indicators", []):
                indicator_key = (*aspect_key, str(indicator.get("code")))
                add("indikator", indicator_key, indicator)
                for option in indicator.get("options", []):
                    add("pilihan", (*indicator_key, str(option.get("code"))), option)
    for band in data.get("predicate_bands", []):
        add("predikat", (str(band.get("label")),), band)
    for rule in data.get("tie_break_rules", []):
        add("seri", (str(rule.get("order")),), rule)
    for tier in data.get("award_tiers", []):
        add("penghargaan", (str(tier.get("rank")),), tier)
    return items


def _parent_present(level: str, key: tuple[str, ...], items: dict) -> bool:
    """Whether the item's parent exists on the other side (else the parent says it all)."""
    parent_level = next((p for p, child in _CHILD_LEVEL.items() if child == level), None)
    return parent_level is None or (parent_level, key[:-1]) in items


def _whole(action: str, level: str, key: tuple[str, ...], item: dict, items: dict) -> Change:
    contains: Counter[str] = Counter()
    for other_level, other_key in items:
        if (
            other_level in _CHILD_LEVEL.values()
            and LEVELS.index(other_level) > LEVELS.index(level)
            and len(other_key) > len(key)
            and other_key[: len(key)] == key
            and level in _CHILD_LEVEL
        ):
            contains[str(LEVEL_LABELS[other_level]).lower()] += 1
    return Change(action, level, " · ".join(key), _title(item), contains=dict(contains))


def _title(item: dict[str, Any]) -> str:
    return next((str(item[name]) for name in _TITLE_FIELDS if item.get(name)), "")


def _label(level: str, name: str) -> str:
    if level == "seri" and name in _REFERENCE_LABELS:
        return str(_REFERENCE_LABELS[name])
    return str(_MODELS[level]._meta.get_field(name).verbose_name)
