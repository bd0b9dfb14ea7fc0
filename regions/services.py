"""Writes on tenancy: regions, kecamatan and the roles people hold in them."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from regions.access import ROLE_KECAMATAN_PERMISSIONS, ROLE_REGION_PERMISSIONS
from regions.models import Kecamatan, Membership, Profile, Region, Role
from regions.people import nip_digits


@transaction.atomic
def membership_grant(
    *,
    user: AbstractBaseUser,
    region: Region,
    role: Role,
    kecamatan: Kecamatan | None = None,
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
        defaults={"kecamatan": kecamatan},
    )
    for codename in ROLE_REGION_PERMISSIONS[role]:
        assign_perm(f"regions.{codename}", user, region)
    for codename in ROLE_KECAMATAN_PERMISSIONS.get(role, ()):
        assign_perm(f"regions.{codename}", user, kecamatan)
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
            remove_perm(f"regions.{codename}", user, region)
    for codename in ROLE_KECAMATAN_PERMISSIONS.get(Role(role), ()):
        remove_perm(f"regions.{codename}", user, kecamatan)


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


def profile_update(
    *,
    user: AbstractBaseUser,
    full_name: str,
    nip: str = "",
    jabatan: str = "",
    pangkat: str = "",
    instansi: str = "",
) -> Profile:
    """Store the person's facts (creating the profile if the account has none yet).

    The NIP is stored as digits only; a NIP another person holds is refused
    (ValidationError on `nip`), as is one that cannot be a NIP.
    """
    nip = nip_digits(nip)
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user=user).first() or Profile(
            user=user
        )
        profile.full_name = " ".join(full_name.split())
        profile.nip = nip
        profile.jabatan = jabatan.strip()
        profile.pangkat = pangkat
        profile.instansi = instansi.strip()
        if nip and Profile.objects.filter(nip=nip).exclude(user=user).exists():
            raise ValidationError({"nip": _("NIP ini sudah terdaftar untuk pengguna lain.")})
        profile.full_clean(exclude=["user"])
        try:
            with transaction.atomic():
                profile.save()
        except IntegrityError as error:  # the same NIP stored by someone a moment ago
            raise ValidationError(
                {"nip": _("NIP ini sudah terdaftar untuk pengguna lain.")}
            ) from error
    return profile
