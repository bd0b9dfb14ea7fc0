"""Reads on tenancy shaped for pages. Scoped models are queried inside the region scope."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from regions.models import Kecamatan, Membership, Profile, Role, Transition
from regions.people import person_name, profile_of


def people_by_username(*, usernames: Iterable[str]) -> dict[str, AbstractBaseUser]:
    """The accounts behind usernames the scoring engine reports (its public contract names
    people by username), with their profiles, so a page can print names (one query)."""
    users = get_user_model().objects.filter(username__in=set(usernames)).select_related("profile")
    return {user.get_username(): user for user in users}


@dataclass(frozen=True)
class RegionUser:
    """A person as a user of the region in scope: their roles here and the state of them."""

    user: AbstractBaseUser
    memberships: tuple[Membership, ...]  # their roles in this region
    # Whether they hold roles in other regions too, and whether one is Admin Tapem there
    # (known only from `region_user_get`; the list leaves them False).
    elsewhere: bool = False
    tapem_elsewhere: bool = False

    @property
    def pk(self) -> int:
        return self.user.pk

    @property
    def profile(self) -> Profile | None:
        return profile_of(self.user)  # type: ignore[return-value]

    @property
    def is_active(self) -> bool:
        return any(m.status == Membership.Status.ACTIVE for m in self.memberships)

    @property
    def is_tapem(self) -> bool:
        return any(m.role == Role.ADMIN_TAPEM for m in self.memberships)

    @property
    def roles(self) -> list[str]:
        return [m.get_role_display() for m in self.memberships]

    @property
    def kecamatan(self) -> Kecamatan | None:
        return next((m.kecamatan for m in self.memberships if m.kecamatan_id), None)

    @property
    def is_operator(self) -> bool:
        return any(m.role == Role.OPERATOR for m in self.memberships)


def _memberships() -> QuerySet[Membership]:
    return Membership.objects.select_related("user__profile", "kecamatan").order_by("role", "pk")


def _grouped(memberships: Iterable[Membership]) -> list[RegionUser]:
    by_user: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership)
    people = [RegionUser(user=ms[0].user, memberships=tuple(ms)) for ms in by_user.values()]
    return sorted(people, key=lambda p: (person_name(p.user).casefold(), p.user.get_username()))


def region_user_list(*, role: str | None = None) -> list[RegionUser]:
    """Everyone holding a role in the region in scope (active or not), by name; with `role`,
    only those holding that role (with all their roles shown). One query."""
    people = _grouped(_memberships())
    if role:
        people = [p for p in people if any(m.role == role for m in p.memberships)]
    return people


def region_user_get(*, user_id: int) -> RegionUser | None:
    """The person `user_id` as a user of the region in scope, or None when they hold no
    role here (another region's user is as unknown as a user that does not exist)."""
    people = _grouped(_memberships().filter(user_id=user_id))
    if not people:
        return None
    person = people[0]
    region_id = person.memberships[0].region_id
    # The one look past the region: what this region's Admin Tapem may do to the account.
    elsewhere = set(
        Membership._base_manager.filter(user_id=user_id)
        .exclude(region_id=region_id)
        .values_list("role", flat=True)
    )
    return RegionUser(
        user=person.user,
        memberships=person.memberships,
        elsewhere=bool(elsewhere),
        tapem_elsewhere=Role.ADMIN_TAPEM in elsewhere,
    )


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    event: str
    by: AbstractBaseUser | None
    reason: str


def region_user_history(*, person: RegionUser) -> list[HistoryRow]:
    """What happened to the person's account as this region recorded it, newest first:
    deactivations and reactivations of their roles here, temporary passwords given and
    the owner's own new password. One query."""
    roles = {m.pk: m.get_role_display() for m in person.memberships}
    membership_type = ContentType.objects.get_for_model(Membership)
    profile_type = ContentType.objects.get_for_model(Profile)
    records = Transition.objects.filter(
        Q(content_type=membership_type, object_id__in=roles)
        | Q(content_type=profile_type, object_id=getattr(person.profile, "pk", None) or 0)
    ).select_related("by__profile")
    rows = []
    for record in records.order_by("-at", "-pk"):
        if record.content_type_id == membership_type.pk:
            if record.to_state == Membership.Status.INACTIVE:
                event = _("Dinonaktifkan sebagai %(role)s")
            else:
                event = _("Diaktifkan kembali sebagai %(role)s")
            event = event % {"role": roles[record.object_id]}
        elif record.to_state == Profile.PasswordStatus.TEMPORARY:
            event = _("Kata sandi sementara dibuat")
        else:
            event = _("Kata sandi baru dibuat oleh pemiliknya")
        rows.append(HistoryRow(at=record.at, event=event, by=record.by, reason=record.reason))
    return rows
