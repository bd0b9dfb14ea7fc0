"""Reads shaped for pages. Scoped models are only queried inside an active region scope."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from evaluations.models import Kecamatan, Period, Region


def regions_for_user(*, user: AbstractBaseUser) -> QuerySet[Region]:
    """Regions where the user holds any role (Region itself is not a scoped model)."""
    return Region.objects.filter(is_active=True, memberships__user=user).distinct()


def kecamatan_list() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.order_by("name")


def kecamatan_get(*, slug: str) -> Kecamatan:
    return Kecamatan.objects.select_related("region").get(slug=slug)


def period_list() -> QuerySet[Period]:
    return Period.objects.select_related("instrument_set").order_by("-year_evaluated", "slug")
