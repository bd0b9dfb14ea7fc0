"""Who may do what with an instrument set, from role and the set's state — in one place."""

from enum import StrEnum

from django.http import Http404, HttpRequest

from instruments import selectors
from instruments.models import InstrumentSet
from instruments.services import frozen_reason
from regions.access import Action, StateConflict, require


class SetAction(StrEnum):
    VIEW = "view"  # every member of the region reads the regulation
    MANAGE = "manage"  # Admin Tapem: download, compare, new version from it
    EDIT = "edit"  # Admin Tapem, and only while the set is a draft


def access_instrument_set(
    *, request: HttpRequest, pk: int, action: SetAction, tree: bool = False
) -> InstrumentSet:
    """The set `pk` of the request's region: 403 for a role that never may, 404 when it is
    not there, 409 (the page offering a new version) when it is frozen and `action` edits.
    `tree=True` prefetches every level for the pages that show the whole set."""
    role = Action.VIEW_REGION if action == SetAction.VIEW else Action.MANAGE_REGION
    # Role first: a member without it learns nothing about which sets exist.
    require(request.user, role, request.region)
    try:
        if tree:
            instrument_set = selectors.instrument_set_tree(pk=pk)
        else:
            instrument_set = selectors.instrument_set_get(pk=pk)
    except InstrumentSet.DoesNotExist:
        raise Http404 from None
    if action == SetAction.EDIT and instrument_set.is_frozen:
        raise set_frozen(instrument_set)
    return instrument_set


def set_frozen(instrument_set: InstrumentSet) -> StateConflict:
    """The refusal every edit of a frozen set ends in: why, and the way forward."""
    return StateConflict(
        frozen_reason(),
        template="instruments/frozen.html",
        context={"instrument_set": instrument_set, "reason": frozen_reason()},
    )
