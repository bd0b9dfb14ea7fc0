"""Who hears about a kecamatan's form, and when: the operators of the kecamatan when Tapem
returns or accepts it, and a day before a deadline while it is not yet submitted (the sweep
Celery beat runs hourly); Admin Tapem when the sweep proposes a kecamatan for "tidak
dinilai". Through `regions.services.notices_send`: in the app, and by e-mail
when SMTP is configured; each only once."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from evaluations.models import DisqualificationProposal, RepairRequest, Sheet, StageDeadline
from regions import formatting
from regions.models import Membership, Region, Role
from regions.services import notices_send

REMIND_BEFORE = timedelta(hours=24)


def each_region_scoped() -> Iterator[Region]:
    """Every active region, each with its scope active while the caller's loop body runs
    (the sweeps of Celery beat, which run outside any request)."""
    with scopes_disabled():
        regions = list(Region.objects.filter(is_active=True))
    for region in regions:
        with scope(region=region):
            yield region


def _operators_by_kecamatan(region_id: int, **only: int) -> dict[int, list[AbstractBaseUser]]:
    """The active operators of the region's kecamatan (or of `kecamatan_id=` only)."""
    memberships = Membership.objects.filter(
        region_id=region_id, role=Role.OPERATOR, status=Membership.Status.ACTIVE, **only
    ).select_related("user")
    found: dict[int, list[AbstractBaseUser]] = {}
    for membership in memberships:
        found.setdefault(membership.kecamatan_id, []).append(membership.user)
    return found


def _operators(sheet: Sheet) -> list[AbstractBaseUser]:
    found = _operators_by_kecamatan(sheet.period.region_id, kecamatan_id=sheet.kecamatan_id)
    return found.get(sheet.kecamatan_id, [])


def _sheet_url(sheet: Sheet) -> str:
    return reverse(
        "sheet_edit",
        kwargs={"region": sheet.period.region.slug, "period": sheet.period.slug, "sheet": sheet.pk},
    )


def notify_returned(*, sheet: Sheet, request: RepairRequest) -> None:
    by = formatting.date_time(request.repair_by) if request.repair_by else _("segera")
    notices_send(
        region=sheet.period.region,
        users=_operators(sheet),
        text=_(
            "Isian %(stage)s %(kecamatan)s dikembalikan untuk perbaikan: %(reason)s. "
            "Perbaiki dan ajukan lagi paling lambat %(by)s."
        )
        % {"stage": sheet.stage.name, "kecamatan": sheet.kecamatan.name,
           "reason": request.reason, "by": by},
        url=_sheet_url(sheet),
        key=f"sheet:{sheet.pk}:returned:{request.pk}",
    )  # fmt: skip


def notify_accepted(*, sheet: Sheet) -> None:
    notices_send(
        region=sheet.period.region,
        users=_operators(sheet),
        text=_("Isian %(stage)s %(kecamatan)s diterima Tapem.")
        % {"stage": sheet.stage.name, "kecamatan": sheet.kecamatan.name},
        url=_sheet_url(sheet),
        key=f"sheet:{sheet.pk}:accepted:{sheet.version}",
    )


def notify_proposed(*, proposal: DisqualificationProposal) -> None:
    """Tell the region's Admin Tapem that a returned form stayed incomplete past its repair
    deadline and waits for their decision."""
    sheet = proposal.sheet
    region = sheet.period.region
    tapem = [
        membership.user
        for membership in Membership.objects.filter(
            region=region, role=Role.ADMIN_TAPEM, status=Membership.Status.ACTIVE
        ).select_related("user")
    ]
    notices_send(
        region=region,
        users=tapem,
        text=_(
            "Isian %(stage)s %(kecamatan)s tetap tidak lengkap setelah batas perbaikan "
            "%(deadline)s; diusulkan tidak dinilai. Pastikan atau tolak usulan ini."
        )
        % {"stage": sheet.stage.name, "kecamatan": sheet.kecamatan.name,
           "deadline": formatting.date_time(proposal.deadline)},
        url=reverse(
            "verification_queue", kwargs={"region": region.slug, "period": sheet.period.slug}
        ),
        key=f"proposal:{proposal.pk}",
    )  # fmt: skip


def deadline_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the operators of every kecamatan sheet whose submit deadline (or repair
    deadline, when returned) falls within the next day; returns how many were notified."""
    now = now or timezone.now()
    sent = 0
    for region in each_region_scoped():
        operators = _operators_by_kecamatan(region.pk)
        for deadline in StageDeadline.objects.filter(
            period__status="open", submit_by__gt=now, submit_by__lte=now + REMIND_BEFORE
        ).select_related("period__region", "stage"):
            sheets = Sheet.objects.filter(
                period=deadline.period, stage=deadline.stage, assessor__isnull=True,
                state=Sheet.State.DRAFT,
            ).select_related("period__region", "stage", "kecamatan")  # fmt: skip
            for sheet in sheets:
                sent += _remind(sheet, deadline.submit_by, operators)
        repairs = RepairRequest.objects.filter(
            sheet__state=Sheet.State.RETURNED,
            repair_by__gt=now,
            repair_by__lte=now + REMIND_BEFORE,
            sheet__period__status="open",
        ).select_related("sheet__period__region", "sheet__stage", "sheet__kecamatan")
        for repair in repairs:
            sent += _remind(repair.sheet, repair.repair_by, operators)
    return sent


def _remind(sheet: Sheet, deadline: datetime, operators: dict[int, list[AbstractBaseUser]]) -> int:
    notices = notices_send(
        region=sheet.period.region,
        users=operators.get(sheet.kecamatan_id, []),
        text=_("Batas waktu isian %(stage)s %(kecamatan)s: %(deadline)s. Isian belum diajukan.")
        % {
            "stage": sheet.stage.name,
            "kecamatan": sheet.kecamatan.name,
            "deadline": formatting.date_time(deadline),
        },
        url=_sheet_url(sheet),
        key=f"reminder:{sheet.pk}:{deadline.isoformat()}",
    )
    return len(notices)
