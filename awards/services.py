"""Freezing, reopening and publishing a period's result — the only writers of snapshots.

`ranking_freeze` is refused while any kecamatan is incomplete or a tie at an award waits for
the Tim, naming them; it closes scoring that is still open (a recorded transition), moves
the period to *Hasil ditetapkan* and stores the snapshot. After that no value, seat,
absence or decision of the period can change by any path, because every one of those
writers refuses a period that is not in Persiapan or Berlangsung
(`evaluations.access.period_refusal`). `ranking_reopen` supersedes the snapshot with a
reason and reopens scoring; `ranking_publish` makes the frozen result public.
"""

import datetime
import hashlib
import json
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import DocumentSettings, FollowUp, ResultSnapshot, SnapshotReopening
from evaluations.models import HandOver, Period, TeamMember
from evaluations.selectors import ranking_for_period
from evaluations.services import PERIOD_RESULT, period_set_status, standing_appointments
from regions.models import Kecamatan
from regions.people import person_name, profile_of
from regions.transitions import transition_apply
from scoring.serialize import ENGINE_VERSION, ranking_document
from scoring.structures import Ranking, ResultStatus


def canonical_text(data: dict[str, Any]) -> str:
    """JSON with sorted keys and no insignificant whitespace: equal data, equal bytes."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def freeze_refusals(ranking: Ranking) -> list[str]:
    """Why `ranking` cannot be frozen yet, one sentence per reason (none: it can)."""
    refusals = []
    incomplete = [r.name for r in ranking.results if r.status == ResultStatus.INCOMPLETE]
    if incomplete:
        refusals.append(_("Belum lengkap dinilai: %(names)s.") % {"names": ", ".join(incomplete)})
    names = {r.key: r.name for r in ranking.results}
    for tie in ranking.undecided_ties:
        refusals.append(
            _("Seri — diputuskan Tim: %(names)s (peringkat %(rank)s) belum diputuskan.")
            % {"names": ", ".join(names[key] for key in tie.keys), "rank": tie.rank}
        )
    return refusals


def _team(period: Period) -> list[dict[str, Any]]:
    """Each seat as its SK appoints it: position, origin (unsur), the jabatan the SK names
    (else the person's own), and the kecamatan the member scores when Tapem assigned part
    of them (None: all)."""
    seats = (
        TeamMember.objects.filter(period=period)
        .select_related("stage", "user__profile")
        .prefetch_related("assignments__kecamatan")
        .order_by("stage__order", "order", "user__username")
    )
    team = []
    for seat in seats:
        profile = profile_of(seat.user)
        assigned = sorted(row.kecamatan.slug for row in seat.assignments.all())
        team.append(
            {
                "stage": seat.stage.code,
                "username": seat.user.get_username(),
                "name": person_name(seat.user),
                "position": seat.position,
                "origin": seat.origin,
                "nip": getattr(profile, "nip", "") or "",
                "jabatan": seat.jabatan or getattr(profile, "jabatan", "") or "",
                "assigned": assigned or None,
            }
        )
    return team


def _appointments(period: Period) -> list[dict[str, Any]]:
    """The SK that stands for each stage's team, in stage order."""
    standing = standing_appointments(period=period)
    rows = sorted(standing.values(), key=lambda row: (row.stage.order, row.stage.code))
    return [
        {
            "stage": row.stage.code,
            "number": row.number,
            "date": row.date.isoformat(),
            "issuer": row.issuer,
            "title": row.title,
        }
        for row in rows
    ]


def snapshot_payload(
    *,
    period: Period,
    ranking: Ranking,
    meeting_date: datetime.date,
    meeting_place: str,
    attendees: list[str] | None = None,
) -> dict[str, Any]:
    """Everything the decree rests on, as plain data: the canonical ranking (with its
    absences and the Tim's decisions), the instrument version, the team and the meeting."""
    instrument_set = period.instrument_set
    team = _team(period)
    return {
        "kind": "kinerja.result_snapshot",
        "engine_version": ENGINE_VERSION,
        "region": {"slug": period.region.slug, "name": period.region.name},
        "period": {"slug": period.slug, "name": period.name, "year": period.year_evaluated},
        "instrument_set": {
            "code": instrument_set.code,
            "version": instrument_set.version,
            "name": instrument_set.name,
            "legal_number": instrument_set.legal_number,
            "legal_title": instrument_set.legal_title,
            "stages": [
                {"code": stage.code, "name": stage.name}
                for stage in instrument_set.stages.order_by("order")
            ],
        },
        "meeting": {
            "date": meeting_date.isoformat(),
            "place": meeting_place,
            "attendees": _attendees(team, attendees),
        },
        "team": team,
        "appointments": _appointments(period),
        "members": _member_totals(ranking),
        "handovers": _handovers(period),
        "ranking": ranking_document(ranking, region=period.region.slug, period=period.slug),
    }


def _handovers(period: Period) -> list[dict[str, Any]]:
    """Who handed which accepted self-assessments to whom, and when (Banggai Pasal 8)."""
    rows = HandOver.objects.filter(period=period).select_related("stage", "to__profile", "by")
    return [
        {
            "stage": row.stage.code,
            "to": person_name(row.to),
            "to_nip": getattr(profile_of(row.to), "nip", "") or "",
            "by": person_name(row.by) if row.by else "",
            "at": row.at.isoformat(),
            "kecamatan": [entry["name"] for entry in row.kecamatan],
        }
        for row in rows.order_by("at", "pk")
    ]


def _member_totals(ranking: Ranking) -> list[dict[str, Any]]:
    """Each member's total per kecamatan and stage, for the recap's per-assessor sheet."""
    return [
        {
            "kecamatan": result.key,
            "stage": stage.code,
            "assessor": member.assessor,
            "total": None if member.total is None else format(member.total, "f"),
            "absent": member.absence is not None,
        }
        for result in ranking.results
        for stage in result.stages
        for member in stage.members
    ]


def _attendees(team: list[dict[str, Any]], usernames: list[str] | None) -> list[dict[str, str]]:
    """Who attended the meeting: the named members of the team, or (by default) the whole
    team of the last stage, each once, in team order."""
    last = team[-1]["stage"] if team else ""
    seen: dict[str, dict[str, str]] = {}
    for seat in team:
        wanted = seat["username"] in usernames if usernames is not None else seat["stage"] == last
        if wanted and seat["username"] not in seen:
            seen[seat["username"]] = {
                "username": seat["username"], "name": seat["name"], "position": seat["position"],
                "nip": seat["nip"],
            }  # fmt: skip
    return list(seen.values())


def current_snapshot(*, period: Period) -> ResultSnapshot | None:
    """The snapshot that stands for `period`: its latest, unless a reopening superseded it."""
    latest = ResultSnapshot.objects.filter(period=period).order_by("-number").first()
    if latest is None or SnapshotReopening.objects.filter(snapshot=latest).exists():
        return None
    return latest


@transaction.atomic
def ranking_freeze(
    *,
    period: Period,
    by: AbstractBaseUser | None,
    meeting_date: datetime.date | None = None,
    meeting_place: str = "",
    attendees: list[str] | None = None,
) -> ResultSnapshot:
    """Freeze the period's result as the Tim determined it (see the module docstring).
    `attendees`: usernames of the team members at the meeting (default: the last stage's
    whole team); someone not on the team is refused."""
    period = (
        Period.objects.select_for_update()
        .select_related("region", "instrument_set")
        .get(pk=period.pk)
    )
    if period.status not in (Period.Status.OPEN, Period.Status.CLOSED):
        raise ValidationError(
            _("Hasil periode %(period)s tidak dapat ditetapkan dari status %(status)s.")
            % {"period": period, "status": period.get_status_display()}
        )
    ranking = ranking_for_period(period=period, trace=False)
    refusals = freeze_refusals(ranking)
    if refusals:
        raise ValidationError([_("Hasil belum dapat ditetapkan."), *refusals])
    if period.status == Period.Status.OPEN:
        period_set_status(
            period=period,
            status=Period.Status.CLOSED,
            by=by,
            reason=_("Penilaian ditutup untuk penetapan hasil."),
        )
    meeting_date = meeting_date or timezone.localdate()
    if attendees is not None:
        seated = set(
            TeamMember.objects.filter(period=period).values_list("user__username", flat=True)
        )
        strangers = sorted(set(attendees) - seated)
        if strangers:
            raise ValidationError(
                _("Bukan anggota tim periode ini: %(names)s.") % {"names": ", ".join(strangers)}
            )
    payload = canonical_text(
        snapshot_payload(
            period=period,
            ranking=ranking,
            meeting_date=meeting_date,
            meeting_place=meeting_place.strip(),
            attendees=attendees,
        )
    )
    number = ResultSnapshot.objects.filter(period=period).count() + 1
    snapshot = ResultSnapshot.objects.create(
        period=period,
        number=number,
        payload=payload,
        sha256=hashlib.sha256(payload.encode("utf-8")).hexdigest(),
        engine_version=ENGINE_VERSION,
        meeting_date=meeting_date,
        meeting_place=meeting_place.strip(),
        frozen_by=by,
        frozen_at=timezone.now(),
    )
    _followups_open(snapshot=snapshot, ranking=ranking)
    transition_apply(
        obj=period,
        machine=PERIOD_RESULT,
        to=Period.Status.FROZEN,
        by=by,
        region=period.region,
        reason=_("Penetapan hasil nomor %(number)s (SHA-256 %(sha)s).")
        % {"number": number, "sha": snapshot.sha256[:16]},
    )
    return snapshot


def _followups_open(*, snapshot: ResultSnapshot, ranking: Ranking) -> None:
    """A pembinaan for each kecamatan whose frozen predikat the region's settings name."""
    options = DocumentSettings.objects.filter(region=snapshot.period.region).first()
    if options is None or not options.followup_labels:
        return
    kecamatan = {k.slug: k for k in Kecamatan.objects.all()}
    due = snapshot.meeting_date + relativedelta(months=options.followup_months)
    for result in ranking.results:
        if result.predikat in options.followup_labels and result.key in kecamatan:
            FollowUp.objects.create(
                snapshot=snapshot,
                kecamatan=kecamatan[result.key],
                predikat=result.predikat,
                responsible=options.followup_pd,
                due=due,
            )


@transaction.atomic
def followup_report(*, followup: FollowUp, report: str, by: AbstractBaseUser | None) -> FollowUp:
    """Record the written re-evaluation report that closes a pembinaan."""
    report = report.strip()
    if not report:
        raise ValidationError(_("Tuliskan laporan evaluasi ulang."))
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.reported_at is not None:
        raise ValidationError(_("Laporan pembinaan ini sudah dicatat."))
    followup.report, followup.reported_by, followup.reported_at = report, by, timezone.now()
    followup.save(update_fields=["report", "reported_by", "reported_at"])
    return followup


@transaction.atomic
def ranking_reopen(*, period: Period, reason: str, by: AbstractBaseUser | None) -> Period:
    """Supersede the standing snapshot (it is kept, and verifies as superseded) and reopen
    scoring, so values, seats, absences and decisions can change again."""
    period = Period.objects.select_for_update().select_related("region").get(pk=period.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan membuka kembali hasil yang sudah ditetapkan."))
    snapshot = current_snapshot(period=period)
    if snapshot is None or period.status not in (Period.Status.FROZEN, Period.Status.PUBLISHED):
        raise ValidationError(
            _("Hasil periode %(period)s belum ditetapkan; tidak ada yang dibuka kembali.")
            % {"period": period}
        )
    SnapshotReopening.objects.create(snapshot=snapshot, reason=reason, by=by, at=timezone.now())
    transition_apply(
        obj=period,
        machine=PERIOD_RESULT,
        to=Period.Status.OPEN,
        by=by,
        region=period.region,
        reason=reason,
    )
    return period


@transaction.atomic
def ranking_publish(*, period: Period, by: AbstractBaseUser | None) -> ResultSnapshot:
    """Make the frozen result public at /publik/<region>/<period>/ (and its open data)."""
    period = Period.objects.select_for_update().select_related("region").get(pk=period.pk)
    snapshot = current_snapshot(period=period)
    if period.status != Period.Status.FROZEN or snapshot is None:
        if period.status == Period.Status.PUBLISHED:
            raise ValidationError(_("Hasil periode ini sudah diumumkan."))
        raise ValidationError(
            _("Hasil periode %(period)s belum ditetapkan; tetapkan dahulu sebelum diumumkan.")
            % {"period": period}
        )
    transition_apply(
        obj=period,
        machine=PERIOD_RESULT,
        to=Period.Status.PUBLISHED,
        by=by,
        region=period.region,
        reason=_("Hasil penetapan nomor %(number)s diumumkan.") % {"number": snapshot.number},
    )
    return snapshot
