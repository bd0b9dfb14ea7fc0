"""Shared by the score commands: `--region` and `--period` resolved inside the region scope."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError, CommandParser
from django_scopes import scope

from evaluations.models import Period
from regions.models import Region


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
