"""Writes on tenancy: regions, kecamatan and the roles people hold in them."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from evaluations.access import ROLE_KECAMATAN_PERMISSIONS, ROLE_REGION_PERMISSIONS
from evaluations.models import (
    Kecamatan,
    Membership,
    Participation,
    Period,
    Region,
    Role,
    TeamMember,
)
from instruments.models import InstrumentSet, Stage

User = get_user_model()


@transaction.atomic
def membership_grant(
    *,
    user: AbstractBaseUser,
    region: Region,
    role: Role,
    kecamatan: Kecamatan | None = None,
    position: str = "",
    nip: str = "",
) -> Membership:
    """Give `user` a role in `region`, with the object permissions that role carries."""
    if (role == Role.OPERATOR) != (kecamatan is not None):
        raise ValidationError(_("Operator kecamatan harus terikat pada tepat satu kecamatan."))
    if kecamatan is not None and kecamatan.region_id != region.pk:
        raise ValidationError(_("Kecamatan tersebut bukan bagian dari pemerintah daerah ini."))
    membership, _created = Membership.objects.update_or_create(
        user=user,
        region=region,
        role=role,
        defaults={"kecamatan": kecamatan, "position": position, "nip": nip},
    )
    for codename in ROLE_REGION_PERMISSIONS[role]:
        assign_perm(f"evaluations.{codename}", user, region)
    for codename in ROLE_KECAMATAN_PERMISSIONS.get(role, ()):
        assign_perm(f"evaluations.{codename}", user, kecamatan)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership) -> None:
    """Remove a role and every object permission only that role gave."""
    user, region, role = membership.user, membership.region, membership.role
    kecamatan = membership.kecamatan
    membership.delete()
    still_held = {
        codename
        for other in Membership.objects.filter(user=user, region=region)
        for codename in ROLE_REGION_PERMISSIONS[Role(other.role)]
    }
    for codename in ROLE_REGION_PERMISSIONS[Role(role)]:
        if codename not in still_held:
            remove_perm(f"evaluations.{codename}", user, region)
    for codename in ROLE_KECAMATAN_PERMISSIONS.get(Role(role), ()):
        remove_perm(f"evaluations.{codename}", user, kecamatan)


@transaction.atomic
def region_upsert(*, slug: str, name: str, kind: str, head_title: str) -> Region:
    region, _created = Region.objects.update_or_create(
        slug=slug, defaults={"name": name, "kind": kind, "head_title": head_title}
    )
    return region


@transaction.atomic
def kecamatan_upsert(*, region: Region, name: str) -> Kecamatan:
    kecamatan, _created = Kecamatan.objects.get_or_create(
        region=region, slug=slugify(name), defaults={"name": name}
    )
    return kecamatan


@transaction.atomic
def period_create(
    *,
    region: Region,
    slug: str,
    name: str,
    year_evaluated: int,
    instrument_set: InstrumentSet,
    kecamatan: Iterable[Kecamatan],
) -> Period:
    """A new period on a set of the same region, with the given kecamatan participating."""
    if instrument_set.region_id != region.pk:
        raise ValidationError(_("Set instrumen bukan milik pemerintah daerah ini."))
    period = Period(
        region=region,
        slug=slug,
        name=name,
        year_evaluated=year_evaluated,
        instrument_set=instrument_set,
    )
    period.full_clean(exclude=["region", "instrument_set"])
    period.save()
    Participation.objects.bulk_create(
        [Participation(period=period, kecamatan=k) for k in kecamatan if k.region_id == region.pk]
    )
    return period


@transaction.atomic
def team_member_add(
    *, period: Period, stage: Stage, user: AbstractBaseUser, position: str = "anggota"
) -> TeamMember:
    """Seat a penilai of the period's region on the team of one of its stages."""
    if stage.instrument_set_id != period.instrument_set_id:
        raise ValidationError(_("Tahap tersebut bukan bagian dari set instrumen periode ini."))
    if not Membership.objects.filter(user=user, region=period.region, role=Role.PENILAI).exists():
        raise ValidationError(
            _("%(user)s bukan penilai di %(region)s.") % {"user": user, "region": period.region}
        )
    order = TeamMember.objects.filter(period=period, stage=stage).count()
    member, _created = TeamMember.objects.get_or_create(
        period=period, stage=stage, user=user, defaults={"position": position, "order": order}
    )
    return member
