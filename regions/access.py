"""Who may do what, in one place.

Roles live in `Membership`; the matching django-guardian object permissions are granted by
`regions.services.membership_grant`. Checks below run only on objects that were fetched
inside the active region scope, so a permission can never reach across regions.
"""

from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from regions.models import ApiToken, Kecamatan, Membership, Region, Role


class StateConflict(Exception):
    """The object may be seen, but its state does not allow this now (a closed period, a
    frozen set, a final sheet). Pages answer 409 with `message` (regions.middleware renders
    `template`); nothing has changed."""

    def __init__(
        self, message: str, *, template: str = "state_conflict.html", context: Any = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.template = template
        self.context = context or {}


class Action(StrEnum):
    VIEW_REGION = "view_region"  # dashboard, kecamatan list
    MANAGE_REGION = "manage_region"  # instruments, periods, imports (Admin Tapem)
    VIEW_RESULTS = "view_results"  # rankings and breakdowns (Admin Tapem, pimpinan)
    SCORE = "score"  # enter assessor scores (penilai)
    VIEW_KECAMATAN = "view_kecamatan"
    FILL_SELF_ASSESSMENT = "fill_self_assessment"


# Region-level actions and the guardian permission that grants each on the Region object.
REGION_PERMISSIONS = {
    Action.MANAGE_REGION: "regions.manage_region",
    Action.VIEW_RESULTS: "regions.view_results",
    Action.SCORE: "regions.score_region",
}

# The guardian permissions each role receives on its Region (or, for operators, Kecamatan).
ROLE_REGION_PERMISSIONS = {
    Role.ADMIN_TAPEM: ("manage_region", "view_results"),
    Role.PIMPINAN: ("view_results",),
    Role.PENILAI: ("score_region",),
    Role.OPERATOR: (),
}
ROLE_KECAMATAN_PERMISSIONS = {Role.OPERATOR: ("fill_self_assessment",)}


def can(user: AbstractBaseUser, action: Action, obj: Region | Kecamatan) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if isinstance(obj, Region):
        if action == Action.VIEW_REGION:
            return _is_member(user, obj)
        return user.has_perm(REGION_PERMISSIONS[action], obj)
    if isinstance(obj, Kecamatan):
        if action == Action.FILL_SELF_ASSESSMENT:
            return user.has_perm("regions.fill_self_assessment", obj)
        if action == Action.VIEW_KECAMATAN:
            return (
                user.has_perm("regions.fill_self_assessment", obj)
                or user.has_perm("regions.manage_region", obj.region)
                or user.has_perm("regions.view_results", obj.region)
                or user.has_perm("regions.score_region", obj.region)
            )
    raise ValueError(f"No access rule for {action} on {type(obj).__name__}")


def require(user: AbstractBaseUser, action: Action, obj: Region | Kecamatan) -> None:
    """Raise PermissionDenied (403) when `user` may not do `action` on an in-scope object."""
    if not can(user, action, obj):
        raise PermissionDenied


def _is_member(user: AbstractBaseUser, region: Region) -> bool:
    return Membership.objects.filter(
        user=user, region=region, status=Membership.Status.ACTIVE
    ).exists()


def access_region(*, request: HttpRequest, action: Action) -> Region:
    """The request's region, when the user's roles there allow `action` (403 otherwise)."""
    require(request.user, action, request.region)
    return request.region


def access_kecamatan(*, request: HttpRequest, slug: str, action: Action) -> Kecamatan:
    """A kecamatan of the request's region, or 404 — also for an operator asking for another
    kecamatan than their own, so the answer never tells whether it exists."""
    kecamatan = Kecamatan.objects.select_related("region").filter(slug=slug).first()
    if kecamatan is None or not can(request.user, action, kecamatan):
        raise Http404
    return kecamatan


def access_api_token(*, request: HttpRequest, token_id: int) -> ApiToken:
    """A person's own API token; anyone else's is as if it did not exist (404). Tokens
    belong to people, not to a region, so this needs no region scope."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise Http404
    return token
