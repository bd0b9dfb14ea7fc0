"""Reads of instrument sets, with the whole tree fetched in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from instruments.models import Aspect, Indicator, InstrumentSet, Stage


def instrument_set_list() -> QuerySet[InstrumentSet]:
    return InstrumentSet.objects.order_by("code", "-version")


def instrument_set_tree(*, pk: int) -> InstrumentSet:
    """One set with stages → aspects → indicators → options, bands, tie-breaks, awards."""
    return (
        InstrumentSet.objects.select_related("region", "previous_version")
        .prefetch_related(
            Prefetch(
                "stages",
                queryset=Stage.objects.order_by("order").prefetch_related(
                    Prefetch(
                        "aspects",
                        queryset=Aspect.objects.order_by("order").prefetch_related(
                            Prefetch(
                                "indicators",
                                queryset=Indicator.objects.order_by("order").prefetch_related(
                                    "options"
                                ),
                            )
                        ),
                    )
                ),
            ),
            "predicate_bands",
            Prefetch(
                "tie_break_rules",
                queryset=InstrumentSet.tie_break_rules.rel.related_model.objects.select_related(
                    "stage", "aspect", "indicator"
                ),
            ),
            "award_tiers",
        )
        .get(pk=pk)
    )
