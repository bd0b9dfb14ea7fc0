"""Shared by the score commands: `--region` and `--period` resolved inside the region scope."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import CommandError, CommandParser
from django.db.models import Q
from django_scopes import scope

from evaluations.models import Period
from regions.models import Kecamatan, Membership, Region


def add_period_arguments(parser: CommandParser) -> None:
    parser.add_argument("--region", required=True, help="Kode URL pemerintah daerah (slug).")
    parser.add_argument("--period", required=True, help="Kode URL periode (slug).")


@contextmanager
def period_in_scope(region_slug: str, period_slug: str) -> Iterator[Period]:
    """The period, with its region's scope active for the whole block."""
    region = Region.objects.filter(slug=region_slug).first()
    if region is None:
        raise CommandError(f"Pemerintah daerah '{region_slug}' tidak ditemukan.")
    with scope(region=region):
        period = Period.objects.select_related("region").filter(slug=period_slug).first()
        if period is None:
            raise CommandError(f"Periode '{period_slug}' tidak ditemukan di {region.name}.")
        yield period


def kecamatan_named(wanted: str, period: Period) -> Kecamatan:
    """The region's kecamatan called `wanted` (its name in any case, or its URL code)."""
    wanted = wanted.strip()
    found = Kecamatan.objects.filter(Q(name__iexact=wanted) | Q(slug=wanted.casefold())).first()
    if found is None:
        raise CommandError(f"Kecamatan '{wanted}' tidak ditemukan di {period.region.name}.")
    return found


def recorder(username: str | None, period: Period) -> AbstractBaseUser | None:
    """Who records a change made from the command line: `--by`, a member of the region;
    None (shown as "sistem") when not given."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None or not Membership.objects.filter(user=user, region=period.region).exists():
        raise CommandError(f"Pengguna '{username}' bukan anggota {period.region.name}.")
    return user
