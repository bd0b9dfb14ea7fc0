"""Reads on tenancy shaped for pages. Scoped models are queried inside the region scope."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser


def people_by_username(*, usernames: Iterable[str]) -> dict[str, AbstractBaseUser]:
    """The accounts behind usernames the scoring engine reports (its public contract names
    people by username), with their profiles, so a page can print names (one query)."""
    users = get_user_model().objects.filter(username__in=set(usernames)).select_related("profile")
    return {user.get_username(): user for user in users}
