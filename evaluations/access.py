"""Who may do what with a period, from role and the period's state — in one place.

`access_period` is the only way a view gets a period: it answers 403 for a role that never
may (or a penilai without a seat in the period, for their own sheets), 404 for a period that
is not there (or not in this region), and 409 (`StateConflict`)
when the period's state does not allow the action now. Services call `period_ensure` with
the row they locked, so the command line, imports and the browser meet the same rule.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluations.models import (
    Evidence,
    MemberAbsence,
    MemberAssignment,
    Period,
    Sheet,
    TeamMember,
)
from regions.access import Action, StateConflict, require
from regions.models import Role


class PeriodAction(StrEnum):
    VIEW = "view"  # the period page: every member of the region
    VIEW_RESULTS = "view_results"  # ranking and breakdowns: Admin Tapem, pimpinan
    MANAGE = "manage"  # the setup pages and the score template: Admin Tapem
    OWN_SHEETS = "own_sheets"  # a penilai's own score template: penilai seated in the period
    CHANGE_SETUP = "change_setup"  # teams and participants
    ENTER_VALUES = "enter_values"  # store or clear values
    CHANGE_STATUS = "change_status"  # start, close, reopen (the machine checks the move)
    RECORD_DECISIONS = "record_decisions"  # members' absences and the Tim's tie decisions


_ROLE_FOR = {
    PeriodAction.VIEW: Action.VIEW_REGION,
    PeriodAction.VIEW_RESULTS: Action.VIEW_RESULTS,
    PeriodAction.MANAGE: Action.MANAGE_REGION,
    PeriodAction.OWN_SHEETS: Action.SCORE,
    PeriodAction.CHANGE_SETUP: Action.MANAGE_REGION,
    PeriodAction.ENTER_VALUES: Action.MANAGE_REGION,
    PeriodAction.CHANGE_STATUS: Action.MANAGE_REGION,
    PeriodAction.RECORD_DECISIONS: Action.MANAGE_REGION,
}

# The states in which an action that writes is possible at all.
_WRITABLE_IN = {
    PeriodAction.CHANGE_SETUP: frozenset({Period.Status.PREPARATION, Period.Status.OPEN}),
    PeriodAction.ENTER_VALUES: frozenset({Period.Status.OPEN}),
    PeriodAction.RECORD_DECISIONS: frozenset({Period.Status.PREPARATION, Period.Status.OPEN}),
}


def period_refusal(*, period: Period, action: PeriodAction) -> str | None:
    """Why `action` is not possible in the period's current state, or None when it is."""
    allowed = _WRITABLE_IN.get(action)
    if allowed is None or period.status in allowed:
        return None
    if period.status == Period.Status.PREPARATION:
        return _(
            "Periode %(period)s masih dipersiapkan; nilai baru dapat diisi setelah periode dimulai."
        ) % {"period": period}
    if action == PeriodAction.RECORD_DECISIONS:
        return _(
            "Periode %(period)s berstatus %(status)s; ketidakhadiran penilai dan keputusan Tim "
            "tidak dapat dicatat atau ditarik."
        ) % {"period": period, "status": period.get_status_display()}
    if action == PeriodAction.CHANGE_SETUP:
        return _(
            "Periode %(period)s berstatus %(status)s; tim penilai dan peserta tidak dapat diubah."
        ) % {"period": period, "status": period.get_status_display()}
    return _("Periode %(period)s berstatus %(status)s; nilai tidak dapat diubah.") % {
        "period": period,
        "status": period.get_status_display(),
    }


def period_ensure(*, period: Period, action: PeriodAction) -> None:
    """Raise ValidationError when the state of `period` (locked by the caller) refuses."""
    refusal = period_refusal(period=period, action=action)
    if refusal is not None:
        raise ValidationError(refusal)


def access_period(*, request: HttpRequest, slug: str, action: PeriodAction) -> Period:
    """The period `slug` of the request's region, checked for `action` (see module doc)."""
    # Role first: a member without it learns nothing about which periods exist.
    require(request.user, _ROLE_FOR[action], request.region)
    period = Period.objects.select_related("instrument_set", "region").filter(slug=slug).first()
    if period is None:
        raise Http404
    if (
        action == PeriodAction.OWN_SHEETS
        and not TeamMember.objects.filter(period=period, user=request.user).exists()
    ):
        raise PermissionDenied
    refusal = period_refusal(period=period, action=action)
    if refusal is not None:
        back = reverse("period_detail", kwargs={"region": period.region.slug, "period": slug})
        raise StateConflict(refusal, context={"back_url": back})
    return period


def access_sheet(*, request: HttpRequest, sheet_id: int) -> Sheet:
    """A sheet of the request's region the user may see, or 404 — the same answer for "does
    not exist" and "not yours" (another penilai's sheet, another kecamatan's). Whether they
    may write it now is `evaluations.sheets.sheet_write_refusal`'s to say."""
    roles = {membership.role for membership in request.memberships}
    sheet = sheets_visible_to(user=request.user, roles=roles).filter(pk=sheet_id).first()
    if sheet is None:
        raise Http404
    if sheet.assessor_id == request.user.pk:
        reason = recusal_reason(sheet=sheet) or assignment_refusal(sheet=sheet)
        if reason is not None:
            raise StateConflict(reason)
    return sheet


def recusal_reason(*, sheet: Sheet) -> str | None:
    """Why the sheet's own member may not open it — a standing recusal (a conflict of
    interest) for its kecamatan — or None. One query."""
    latest = (
        MemberAbsence.objects.filter(
            period_id=sheet.period_id,
            stage_id=sheet.stage_id,
            kecamatan_id=sheet.kecamatan_id,
            member_id=sheet.assessor_id,
        )
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if latest is None or latest.withdrawn or latest.kind != MemberAbsence.Kind.RECUSED:
        return None
    return _(
        "Anda tercatat mengundurkan diri dari penilaian Kecamatan %(kecamatan)s pada tahap ini "
        "(%(reason)s); lembarnya tidak dapat dibuka."
    ) % {"kecamatan": sheet.kecamatan.name, "reason": latest.reason}


def assignment_refusal(*, sheet: Sheet) -> str | None:
    """Why nobody may write the member sheet `sheet`: Tapem assigned its member other
    kecamatan than this one in this stage — or None. One query."""
    chosen = set(
        MemberAssignment.objects.filter(
            seat__period_id=sheet.period_id,
            seat__stage_id=sheet.stage_id,
            seat__user_id=sheet.assessor_id,
        ).values_list("kecamatan_id", flat=True)
    )
    if not chosen or sheet.kecamatan_id in chosen:
        return None
    return _(
        "Penilai ini tidak ditugaskan menilai Kecamatan %(kecamatan)s pada tahap ini; nilainya "
        "tidak dapat disimpan. Admin Tapem mengatur penugasan di halaman Tim penilai."
    ) % {"kecamatan": sheet.kecamatan.name}


def without_unassigned(sheets: QuerySet[Sheet]) -> QuerySet[Sheet]:
    """`sheets` less the member sheets of kecamatan their member is not assigned (kept only
    as the record of values once entered and cleared): nobody fills those."""
    restricted = MemberAssignment.objects.filter(
        seat__period=OuterRef("period"),
        seat__stage=OuterRef("stage"),
        seat__user=OuterRef("assessor"),
    )
    return sheets.exclude(
        Exists(restricted) & ~Exists(restricted.filter(kecamatan=OuterRef("kecamatan")))
    )


def sheets_visible_to(
    *, user: AbstractBaseUser, roles: Iterable[str], period: Period | None = None
) -> QuerySet[Sheet]:
    """The sheets (of `period`, or of the active region) `user` may see: Admin Tapem all;
    a penilai their own; an operator their kecamatan's own sheets. Pimpinan none."""
    sheets = Sheet.objects.select_related("stage", "kecamatan", "assessor", "period__region")
    if period is not None:
        sheets = sheets.filter(period=period)
    roles = set(roles)
    if Role.ADMIN_TAPEM in roles:
        return sheets
    visible = Q(pk__in=[])
    if Role.PENILAI in roles:
        visible |= Q(assessor=user)
    if Role.OPERATOR in roles:
        visible |= Q(assessor__isnull=True, kecamatan__operators__user=user)
    return sheets.filter(visible).distinct()


def access_evidence(*, request: HttpRequest, sheet_id: int, evidence_id: int) -> Evidence:
    """An evidence file of a kecamatan's sheet (current or replaced), or 404 — the same
    answer for "does not exist" and "not yours". It may be read by the operators of that
    kecamatan, Admin Tapem of the region, and the penilai seated in the period who score
    that kecamatan (they hold a sheet for it); nobody else."""
    evidence = (
        Evidence.objects.select_related("sheet__period", "sheet__kecamatan")
        .filter(pk=evidence_id, sheet_id=sheet_id)
        .first()
    )
    if evidence is None or not evidence_readable(
        user=request.user, memberships=request.memberships, sheet=evidence.sheet
    ):
        raise Http404
    return evidence


def evidence_readable(*, user: AbstractBaseUser, memberships: Iterable, sheet: Sheet) -> bool:
    """Whether `user` (with their `memberships` in the sheet's region) may read the evidence
    files of the kecamatan sheet `sheet`: see `access_evidence`."""
    memberships = list(memberships)
    if any(m.role == Role.ADMIN_TAPEM for m in memberships):
        return True
    if any(m.role == Role.OPERATOR and m.kecamatan_id == sheet.kecamatan_id for m in memberships):
        return True
    if any(m.role == Role.PENILAI for m in memberships):
        return (
            TeamMember.objects.filter(period_id=sheet.period_id, user=user).exists()
            and Sheet.objects.filter(
                period_id=sheet.period_id, kecamatan_id=sheet.kecamatan_id, assessor=user
            ).exists()
        )
    return False
