"""Reads of instrument sets, with the whole tree fetched in a fixed number of queries.

Call inside the region scope: every query here goes through the scoped managers, so a set
of another region is simply not found.
"""

from typing import Any

from django.db.models import Max, Prefetch, QuerySet

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

# The parts of a set that Admin Tapem edits one by one, by their name in the URL.
PART_MODELS: dict[str, type] = {
    "tahap": Stage,
    "aspek": Aspect,
    "indikator": Indicator,
    "pilihan": Option,
    "predikat": PredicateBand,
    "seri": TieBreakRule,
    "penghargaan": AwardTier,
}
# The kind of part a new part of each kind hangs from; None: the set itself.
PART_PARENT_KIND: dict[str, str | None] = {
    "tahap": None,
    "aspek": "tahap",
    "indikator": "aspek",
    "pilihan": "indikator",
    "predikat": None,
    "seri": None,
    "penghargaan": None,
}
# The field naming the parent each kind of part hangs from.
PART_PARENT_FIELD: dict[type, str] = {
    Stage: "instrument_set",
    Aspect: "stage",
    Indicator: "aspect",
    Option: "indicator",
    PredicateBand: "instrument_set",
    TieBreakRule: "instrument_set",
    AwardTier: "instrument_set",
}
# How each part reaches its set, for lookups that must stay inside one set.
PART_SET_LOOKUP: dict[type, str] = {
    Stage: "instrument_set",
    Aspect: "stage__instrument_set",
    Indicator: "aspect__stage__instrument_set",
    Option: "indicator__aspect__stage__instrument_set",
    PredicateBand: "instrument_set",
    TieBreakRule: "instrument_set",
    AwardTier: "instrument_set",
}


def instrument_set_list() -> QuerySet[InstrumentSet]:
    return InstrumentSet.objects.order_by("code", "-version")


def instrument_set_get(*, pk: int) -> InstrumentSet:
    """One set without its tree; raises InstrumentSet.DoesNotExist."""
    return InstrumentSet.objects.select_related("region").get(pk=pk)


def instrument_set_versions(*, instrument_set: InstrumentSet) -> QuerySet[InstrumentSet]:
    """The other versions of the same regulation (same code), newest first."""
    return (
        InstrumentSet.objects.filter(code=instrument_set.code)
        .exclude(pk=instrument_set.pk)
        .order_by("-version")
        .only("pk", "code", "version", "status", "name")
    )


def instrument_set_version_get(*, instrument_set: InstrumentSet, pk: int) -> InstrumentSet:
    """Another version of the same regulation; raises InstrumentSet.DoesNotExist."""
    return InstrumentSet.objects.get(code=instrument_set.code, pk=pk)


def instrument_set_tree(*, pk: int) -> InstrumentSet:
    """One set with stages → aspects → indicators → options, bands, tie-breaks, awards.

    Items with the same `order` keep the order they were created in.
    """
    return (
        InstrumentSet.objects.select_related("region", "previous_version")
        .prefetch_related(
            Prefetch(
                "stages",
                queryset=Stage.objects.order_by("order", "pk").prefetch_related(
                    Prefetch(
                        "aspects",
                        queryset=Aspect.objects.order_by("order", "pk").prefetch_related(
                            Prefetch(
                                "indicators",
                                queryset=Indicator.objects.order_by("order", "pk").prefetch_related(
                                    Prefetch(
                                        "options", queryset=Option.objects.order_by("order", "pk")
                                    )
                                ),
                            )
                        ),
                    )
                ),
            ),
            Prefetch("predicate_bands", queryset=PredicateBand.objects.order_by("order", "pk")),
            Prefetch(
                "tie_break_rules",
                queryset=TieBreakRule.objects.order_by("order", "pk").select_related(
                    "stage", "aspect", "indicator"
                ),
            ),
            Prefetch("award_tiers", queryset=AwardTier.objects.order_by("rank", "pk")),
        )
        .get(pk=pk)
    )


def part_get(*, instrument_set: InstrumentSet, kind: str, pk: int) -> Any:
    """One part of the set by kind ("tahap", "aspek", …); raises Model.DoesNotExist."""
    model = PART_MODELS[kind]
    queryset = model.objects.filter(**{PART_SET_LOOKUP[model]: instrument_set})
    if model is TieBreakRule:
        queryset = queryset.select_related("stage", "aspect", "indicator")
    return queryset.get(pk=pk)


def part_siblings(*, model: type, parent: Any) -> QuerySet:
    """The parts of the same kind under the same parent (codes and ranks are unique there)."""
    return model.objects.filter(**{PART_PARENT_FIELD[model]: parent})


def part_next_order(*, model: type, parent: Any) -> int:
    field = "rank" if model is AwardTier else "order"
    highest = part_siblings(model=model, parent=parent).aggregate(top=Max(field))["top"]
    return (highest or 0) + 1


def part_delete_summary(*, part: Any) -> dict[str, int]:
    """What else goes when `part` is deleted: counts of parts under it and tie-break rules."""
    if isinstance(part, Stage):
        return {
            "aspects": Aspect.objects.filter(stage=part).count(),
            "indicators": Indicator.objects.filter(aspect__stage=part).count(),
            "rules": TieBreakRule.objects.filter(stage=part).count(),
        }
    if isinstance(part, Aspect):
        return {
            "indicators": Indicator.objects.filter(aspect=part).count(),
            "rules": TieBreakRule.objects.filter(aspect=part).count(),
        }
    if isinstance(part, Indicator):
        return {
            "options": Option.objects.filter(indicator=part).count(),
            "rules": TieBreakRule.objects.filter(indicator=part).count(),
        }
    return {}
