"""Writes on tenancy: regions, kecamatan, the roles people hold in them and the people."""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_scopes import scope
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from regions.access import ROLE_KECAMATAN_PERMISSIONS, ROLE_REGION_PERMISSIONS
from regions.models import Kecamatan, Membership, Notice, Profile, Region, Role, Transition
from regions.people import nip_digits
from regions.transitions import StateMachine, TransitionRefused, transition_apply

logger = logging.getLogger(__name__)


@transaction.atomic
def membership_grant(
    *,
    user: AbstractBaseUser,
    region: Region,
    role: Role,
    kecamatan: Kecamatan | None = None,
) -> Membership:
    """Give `user` a role in `region`, with the object permissions that role carries.

    Granting a role the user already holds changes its kecamatan only: an inactive role
    stays inactive (and without permissions) until Admin Tapem reactivates it."""
    _check_kecamatan(region=region, role=role, kecamatan=kecamatan)
    membership, _created = Membership.objects.update_or_create(
        user=user,
        region=region,
        role=role,
        defaults={"kecamatan": kecamatan},
    )
    _permissions_sync(user=user, region=region)
    return membership


@transaction.atomic
def membership_kecamatan_set(*, membership: Membership, kecamatan: Kecamatan) -> Membership:
    """Move an operator to another kecamatan of the same region (permissions follow)."""
    _check_kecamatan(region=membership.region, role=Role(membership.role), kecamatan=kecamatan)
    membership.kecamatan = kecamatan
    membership.save(update_fields=["kecamatan"])
    _permissions_sync(user=membership.user, region=membership.region)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership) -> None:
    """Remove a role and every object permission only that role gave."""
    user, region = membership.user, membership.region
    membership.delete()
    _permissions_sync(user=user, region=region)


def _check_kecamatan(*, region: Region, role: Role, kecamatan: Kecamatan | None) -> None:
    if (role == Role.OPERATOR) != (kecamatan is not None):
        raise ValidationError(_("Operator kecamatan harus terikat pada tepat satu kecamatan."))
    if kecamatan is not None and kecamatan.region_id != region.pk:
        raise ValidationError(_("Kecamatan tersebut bukan bagian dari pemerintah daerah ini."))


_REGION_CODENAMES = {c for codenames in ROLE_REGION_PERMISSIONS.values() for c in codenames}
_KECAMATAN_CODENAMES = {c for codenames in ROLE_KECAMATAN_PERMISSIONS.values() for c in codenames}


def _permissions_sync(*, user: AbstractBaseUser, region: Region) -> None:
    """Make the user's django-guardian permissions in `region` (on the Region and on its
    kecamatan) exactly those their active roles there carry; other regions are untouched."""
    active = list(
        Membership.objects.filter(user=user, region=region, status=Membership.Status.ACTIVE)
    )
    wanted = {c for m in active for c in ROLE_REGION_PERMISSIONS[Role(m.role)]}
    for codename in sorted(_REGION_CODENAMES):
        if codename in wanted:
            assign_perm(f"regions.{codename}", user, region)
        else:
            remove_perm(f"regions.{codename}", user, region)
    for codename in sorted(_KECAMATAN_CODENAMES):
        wanted_ids = {
            m.kecamatan_id
            for m in active
            if codename in ROLE_KECAMATAN_PERMISSIONS.get(Role(m.role), ())
        }
        held = get_objects_for_user(
            user,
            f"regions.{codename}",
            klass=Kecamatan.objects.filter(region=region),
            accept_global_perms=False,
            with_superuser=False,
        )
        for kecamatan in held:
            if kecamatan.pk not in wanted_ids:
                remove_perm(f"regions.{codename}", user, kecamatan)
        for kecamatan in Kecamatan.objects.filter(region=region, pk__in=wanted_ids):
            assign_perm(f"regions.{codename}", user, kecamatan)


# Admin Tapem deactivates a user in the region and reactivates them, saying why.
MEMBERSHIP_STATUS = StateMachine(
    field="status",
    moves={
        Membership.Status.ACTIVE: frozenset({Membership.Status.INACTIVE}),
        Membership.Status.INACTIVE: frozenset({Membership.Status.ACTIVE}),
    },
    labels=dict(Membership.Status.choices),
    reason_required=frozenset({(Membership.Status.ACTIVE, Membership.Status.INACTIVE)}),
)


def region_user_deactivate(
    *, user: AbstractBaseUser, region: Region, by: AbstractBaseUser | None, reason: str
) -> list[Transition]:
    """Make every role `user` holds in `region` inactive, recorded with `reason` (required).

    The region then answers them 404 like any outsider and their permissions there are
    withdrawn; roles in other regions, the account and its password stay as they are, and
    so do team seats and stored values (the results keep who scored). Refused with a
    ValidationError, changing nothing, for oneself, for an Admin Tapem of the region (the
    superuser manages those in Django admin) and for a user already inactive here.
    """
    if by is not None and by.pk == user.pk:
        raise ValidationError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    return _region_user_move(
        user=user, region=region, by=by, to=Membership.Status.INACTIVE, reason=reason
    )


def region_user_reactivate(
    *, user: AbstractBaseUser, region: Region, by: AbstractBaseUser | None, reason: str = ""
) -> list[Transition]:
    """Give back every role `user` held in `region`, with its permissions. Recorded."""
    return _region_user_move(
        user=user, region=region, by=by, to=Membership.Status.ACTIVE, reason=reason
    )


def _region_user_move(
    *, user: AbstractBaseUser, region: Region, by: AbstractBaseUser | None, to: str, reason: str
) -> list[Transition]:
    with transaction.atomic():
        memberships = list(
            Membership.objects.select_for_update().filter(user=user, region=region).order_by("pk")
        )
        if not memberships:
            raise ValidationError(_("Pengguna ini tidak berperan di pemerintah daerah ini."))
        if any(m.role == Role.ADMIN_TAPEM for m in memberships):
            raise ValidationError(
                _("Admin Tapem diaktifkan dan dinonaktifkan oleh pengelola aplikasi.")
            )
        moving = [m for m in memberships if m.status != to]
        if not moving:
            raise TransitionRefused(
                _("Pengguna ini sudah berstatus %(status)s.")
                % {"status": MEMBERSHIP_STATUS.label(to).lower()}
            )
        records = [
            transition_apply(
                obj=m, machine=MEMBERSHIP_STATUS, to=to, by=by, region=region, reason=reason
            )
            for m in moving
        ]
        _permissions_sync(user=user, region=region)
    return records


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


# ------------------------------------------------------------ users managed by Admin Tapem

# The roles Admin Tapem gives; Admin Tapem themselves are made by the superuser.
MANAGED_ROLES = (Role.OPERATOR, Role.PENILAI, Role.PIMPINAN)

# A temporary password given to someone by Admin Tapem; the owner must replace it.
PASSWORD_STATUS = StateMachine(
    field="password_status",
    moves={
        Profile.PasswordStatus.SET: frozenset({Profile.PasswordStatus.TEMPORARY}),
        Profile.PasswordStatus.TEMPORARY: frozenset(
            {Profile.PasswordStatus.TEMPORARY, Profile.PasswordStatus.SET}
        ),
    },
    labels=dict(Profile.PasswordStatus.choices),
)

# Read aloud or over the phone: no 0/o, 1/l/i.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """Twelve random characters in three groups, e.g. "k7mq-t3xa-9hbe" (about 59 bits)."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


@dataclass(frozen=True)
class CreatedUser:
    user: AbstractBaseUser
    membership: Membership
    password: str  # the temporary password, shown once to Admin Tapem and stored nowhere


def region_user_create(
    *,
    region: Region,
    by: AbstractBaseUser | None,
    username: str,
    role: str,
    kecamatan: Kecamatan | None,
    full_name: str,
    nip: str = "",
    jabatan: str = "",
    pangkat: str = "",
    instansi: str = "",
) -> CreatedUser:
    """Create an account with a temporary password and one role (operator with its
    kecamatan, penilai or pimpinan) in `region`, all or nothing. The owner must choose a
    new password at the first login; the history records who created the account.

    Refused with a ValidationError on `username` when that name is taken (in any region:
    a person already holding roles elsewhere is given one here by the superuser), and for
    Admin Tapem, whom the superuser creates in Django admin.
    """
    if role not in MANAGED_ROLES:
        raise ValidationError(_("Admin Tapem dibuat oleh pengelola aplikasi di halaman admin."))
    User = get_user_model()
    password = temporary_password()
    with transaction.atomic():
        if User._default_manager.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("Nama pengguna ini sudah dipakai.")})
        user = User._default_manager.create_user(username=username, password=password)
        profile = profile_update(
            user=user,
            full_name=full_name,
            nip=nip,
            jabatan=jabatan,
            pangkat=pangkat,
            instansi=instansi,
        )
        membership = membership_grant(
            user=user, region=region, role=Role(role), kecamatan=kecamatan
        )
        transition_apply(
            obj=profile,
            machine=PASSWORD_STATUS,
            to=Profile.PasswordStatus.TEMPORARY,
            by=by,
            region=region,
            reason=_("Akun baru."),
        )
    return CreatedUser(user=user, membership=membership, password=password)


@transaction.atomic
def region_user_update(
    *,
    user: AbstractBaseUser,
    region: Region,
    full_name: str,
    nip: str = "",
    jabatan: str = "",
    pangkat: str = "",
    instansi: str = "",
    kecamatan: Kecamatan | None = None,
) -> Profile:
    """Store the person's facts; for an operator of `region`, also move them to `kecamatan`
    (None leaves it)."""
    profile = profile_update(
        user=user, full_name=full_name, nip=nip, jabatan=jabatan, pangkat=pangkat, instansi=instansi
    )
    operator = Membership.objects.filter(user=user, region=region, role=Role.OPERATOR).first()
    if operator is not None and kecamatan is not None and operator.kecamatan_id != kecamatan.pk:
        membership_kecamatan_set(membership=operator, kecamatan=kecamatan)
    return profile


def password_reset(
    *, user: AbstractBaseUser, region: Region, by: AbstractBaseUser | None, reason: str = ""
) -> str:
    """Give `user` a new temporary password and return it (it is stored only hashed).

    Their open sessions end (Django ties a session to the password), the next login goes
    straight to the password-change page, and a login lockout on the account is lifted.
    Recorded in `region`'s history with who and why.
    """
    password = temporary_password()
    with transaction.atomic():
        profile = Profile.objects.get_or_create(user=user)[0]
        user.set_password(password)
        user.save(update_fields=["password"])
        transition_apply(
            obj=profile,
            machine=PASSWORD_STATUS,
            to=Profile.PasswordStatus.TEMPORARY,
            by=by,
            region=region,
            reason=reason,
            on_commit=[lambda: axes_reset(username=user.get_username())],
        )
    return password


def password_changed(*, user: AbstractBaseUser) -> None:
    """The owner chose their own password: a temporary one no longer holds them back.
    Recorded in the region that gave the temporary password."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None or profile.password_status != Profile.PasswordStatus.TEMPORARY:
        return
    given = (
        Transition._base_manager.filter(
            content_type=ContentType.objects.get_for_model(Profile),
            object_id=profile.pk,
            to_state=Profile.PasswordStatus.TEMPORARY,
        )
        .select_related("region")
        .order_by("-at", "-pk")
        .first()
    )
    if given is None:  # not given through the services; nothing to record it against
        profile.password_status = Profile.PasswordStatus.SET
        profile.save(update_fields=["password_status"])
        return
    with scope(region=given.region):
        transition_apply(
            obj=profile,
            machine=PASSWORD_STATUS,
            to=Profile.PasswordStatus.SET,
            by=user,
            region=given.region,
        )


def notices_send(
    *, region: Region, users: Iterable[AbstractBaseUser], text: str, url: str, key: str
) -> list[Notice]:
    """Notify `users` once per `key`; each new notice also goes out by e-mail after the
    transaction commits (`regions.tasks.send_notice_email`, Celery), when the person has an
    address. A person notified before under the same key is not notified again."""
    from regions.tasks import send_notice_email  # tasks import the models, not the reverse

    created = []
    for user in users:
        notice, fresh = Notice.objects.get_or_create(
            region=region, user=user, key=key, defaults={"text": text, "url": url}
        )
        if fresh:
            created.append(notice)
            if user.email:
                transaction.on_commit(lambda pk=notice.pk: _enqueue_mail(send_notice_email, pk))
    return created


def _enqueue_mail(task, notice_id: int) -> None:  # noqa: ANN001 - a Celery task
    try:
        task.delay(notice_id=notice_id)
    except Exception:
        logger.warning("Notice %s: e-mail not queued (broker unavailable)", notice_id)


def notices_mark_read(*, region: Region, user: AbstractBaseUser) -> int:
    return Notice.objects.filter(region=region, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
