"""Who may manage which user of a region: Admin Tapem of that region, within limits.

Fetch and check in one call (STYLE §9): `access_region_user` returns the person or refuses —
404 for someone without a role in the region in scope (another region's user included,
so the answer does not reveal that they exist), 403 for a member who is not Admin Tapem
and for an action the rules below keep from Admin Tapem.
"""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from regions.access import Action, require
from regions.models import Region
from regions.selectors import RegionUser, region_user_get


class UserAction(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # the person's facts, an operator's kecamatan
    SET_STATUS = "set_status"  # deactivate in the region, reactivate
    RESET_PASSWORD = "reset_password"


def region_user_refusal(
    *, actor: AbstractBaseUser, person: RegionUser, action: UserAction
) -> str | None:
    """Why Admin Tapem `actor` may not do `action` to `person` (said on the page), or None.

    The superuser manages Admin Tapem (of any region) in Django admin; a password is reset
    here only for someone whose every role is in this region, since the new password would
    open their other regions to this region's Admin Tapem.
    """
    myself = person.user.pk == actor.pk
    managed_by_superuser = person.is_tapem or person.tapem_elsewhere or person.user.is_staff
    if action == UserAction.EDIT and not myself and managed_by_superuser:
        return _("Data Admin Tapem dan pengelola aplikasi diubah oleh pengelola aplikasi.")
    if action == UserAction.SET_STATUS:
        if myself:
            return _("Anda tidak dapat menonaktifkan akun Anda sendiri.")
        if person.is_tapem:
            return _("Admin Tapem diaktifkan dan dinonaktifkan oleh pengelola aplikasi.")
    if action == UserAction.RESET_PASSWORD:
        if myself:
            return _("Ubah kata sandi Anda sendiri lewat menu akun (Ubah kata sandi).")
        if managed_by_superuser:
            return _(
                "Kata sandi Admin Tapem dan pengelola aplikasi diatur oleh pengelola aplikasi."
            )
        if person.elsewhere:
            return _(
                "Pengguna ini juga berperan di pemerintah daerah lain; kata sandinya diatur oleh "
                "pengelola aplikasi."
            )
    return None


def access_region_user(
    *, user: AbstractBaseUser, region: Region, user_id: int, action: UserAction
) -> RegionUser:
    """The person `user_id` of `region` (in scope) for Admin Tapem `user` to do `action`.

    Raises PermissionDenied unless `user` is Admin Tapem of `region` (checked first, so a
    non-Tapem learns nothing about who exists), Http404 when the person holds no role in
    `region`, PermissionDenied when `region_user_refusal` refuses the action.
    """
    require(user, Action.MANAGE_REGION, region)
    person = region_user_get(user_id=user_id)
    if person is None:
        raise Http404(_("Pengguna tidak ditemukan."))
    if region_user_refusal(actor=user, person=person, action=action) is not None:
        raise PermissionDenied
    return person
