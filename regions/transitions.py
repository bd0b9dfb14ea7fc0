"""The one way a state changes: check the move, save the field, record it, queue side effects.

pretalx's `set_submission_state` and healthchecks' `Flip` are the model: a state machine is
a table of allowed moves; `transition_apply` locks the row, refuses a move the table does
not allow (or one without a required reason), saves only the state field, writes an
insert-only `Transition` row (who, when, from, to, why) and hands side effects to
`transaction.on_commit`, so a rolled-back change never sends a mail or renders a PDF.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Region, Transition


@dataclass(frozen=True)
class StateMachine:
    """The allowed moves of one state field, and which moves must say why."""

    field: str
    moves: Mapping[str, frozenset[str]]
    labels: Mapping[str, str]
    reason_required: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def allows(self, current: str, target: str) -> bool:
        return target in self.moves.get(current, frozenset())

    def label(self, state: str) -> str:
        return str(self.labels.get(state, state))


class TransitionRefused(ValidationError):
    """The move is not allowed from the current state (or lacks its reason); nothing changed."""


def transition_apply(
    *,
    obj: models.Model,
    machine: StateMachine,
    to: str,
    by: AbstractBaseUser | None,
    region: Region,
    reason: str = "",
    on_commit: Iterable[Callable[[], object]] = (),
) -> Transition:
    """Move `obj` to state `to` and record it. Raises TransitionRefused, changing nothing.

    `obj` is updated in place; the row is locked for the move, so two people pressing the
    same button one after the other see the second refused instead of a double record.
    """
    reason = reason.strip()
    with transaction.atomic():
        locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
        current = getattr(locked, machine.field)
        if not machine.allows(current, to):
            raise TransitionRefused(
                _("Status tidak dapat diubah dari %(old)s menjadi %(new)s.")
                % {"old": machine.label(current), "new": machine.label(to)}
            )
        if (current, to) in machine.reason_required and not reason:
            raise TransitionRefused(
                {"reason": _("Tuliskan alasannya; alasan ini dicatat dalam riwayat.")}
            )
        setattr(locked, machine.field, to)
        locked.save(update_fields=[machine.field])
        setattr(obj, machine.field, to)
        record = Transition.objects.create(
            region=region,
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            field=machine.field,
            from_state=current,
            to_state=to,
            reason=reason,
            by=by,
            at=timezone.now(),
        )
        for effect in on_commit:
            transaction.on_commit(effect)
    return record


def transition_history(*, obj: models.Model, field_name: str | None = None) -> models.QuerySet:
    """The recorded moves of `obj`, oldest first (call inside its region scope)."""
    history = Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("by")
    if field_name is not None:
        history = history.filter(field=field_name)
    return history


def transitions_last_reached(
    *, objects: models.QuerySet, field_name: str, state: str
) -> dict[int, datetime.datetime]:
    """When each object of `objects` last moved into `state`, in one query (scoped)."""
    moves = (
        Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(objects.model),
            object_id__in=objects.values("pk"),
            field=field_name,
            to_state=state,
        )
        .values("object_id")
        .annotate(last=models.Max("at"))
    )
    return {move["object_id"]: move["last"] for move in moves}


@dataclass(frozen=True)
class HistoryEntry:
    """A recorded move as a page shows it."""

    record: Transition
    from_label: str
    to_label: str


def transition_history_labelled(*, obj: models.Model, machine: StateMachine) -> list[HistoryEntry]:
    """`transition_history` of the machine's field with the states' display names."""
    return [
        HistoryEntry(record, machine.label(record.from_state), machine.label(record.to_state))
        for record in transition_history(obj=obj, field_name=machine.field)
    ]
