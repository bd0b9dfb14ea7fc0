"""Writes on a region's periods: participants, teams, status and values."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.access import PeriodAction, period_ensure, period_refusal
from evaluations.models import (
    MemberAssignment,
    Participation,
    Period,
    ScoreEntry,
    Sheet,
    StageDeadline,
    TeamAppointment,
    TeamMember,
    ValueChange,
)
from evaluations.score_workbook import (
    KECAMATAN_ASSESSOR,
    ParsedCell,
    ScoreRowParser,
    ScoreWorkbookError,
    read_score_rows,
    region_kecamatan,
    stage_participants,
)
from evaluations.scoring_input import (
    PeriodScoreLayout,
    period_score_layout,
    scoring_input_from_layout,
)
from evaluations.selectors import stage_takes_team
from evaluations.sheets import WRITABLE_STATES, CellChange, sheet_cells_apply, sheets_sync
from instruments.models import InstrumentSet, Stage
from instruments.services import instrument_set_freeze
from regions.models import Kecamatan, Membership, Region, Role
from regions.people import person_name
from regions.transitions import StateMachine, transition_apply
from regions.workdays import deadline_after

User = get_user_model()


@transaction.atomic
def period_create(
    *,
    region: Region,
    slug: str,
    name: str,
    year_evaluated: int,
    instrument_set: InstrumentSet,
    kecamatan: Iterable[Kecamatan],
) -> Period:
    """A new period on a set of the same region, with the given kecamatan participating."""
    if instrument_set.region_id != region.pk:
        raise ValidationError(_("Set instrumen bukan milik pemerintah daerah ini."))
    period = Period(
        region=region,
        slug=slug,
        name=name,
        year_evaluated=year_evaluated,
        instrument_set=instrument_set,
    )
    period.full_clean(exclude=["region", "instrument_set"])
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError:  # period_unique_slug: the slug is taken in this region
        raise ValidationError({"slug": _("Kode URL ini sudah dipakai periode lain.")}) from None
    Participation.objects.bulk_create(
        [Participation(period=period, kecamatan=k) for k in kecamatan if k.region_id == region.pk]
    )
    sheets_sync(period=period)
    return period


@transaction.atomic
def team_member_add(
    *, period: Period, stage: Stage, user: AbstractBaseUser, position: str = "anggota"
) -> TeamMember:
    """Seat a penilai of the period's region on the team of one of its stages."""
    if stage.instrument_set_id != period.instrument_set_id:
        raise ValidationError(_("Tahap tersebut bukan bagian dari set instrumen periode ini."))
    if not Membership.objects.filter(
        user=user, region=period.region, role=Role.PENILAI, status=Membership.Status.ACTIVE
    ).exists():
        raise ValidationError(
            _("%(user)s bukan penilai di %(region)s.")
            % {"user": person_name(user), "region": period.region}
        )
    order = TeamMember.objects.filter(period=period, stage=stage).count()
    member, _created = TeamMember.objects.get_or_create(
        period=period, stage=stage, user=user, defaults={"position": position, "order": order}
    )
    return member


_POSITION_ORDER = {
    TeamMember.Position.KETUA: 0,
    TeamMember.Position.WAKIL_KETUA: 1,
    TeamMember.Position.SEKRETARIS: 2,
    TeamMember.Position.ANGGOTA: 3,
}
# The positions a stage's team holds once at most (Banggai Pasal 14(2): one Ketua, one Wakil
# Ketua, one Sekretaris).
SINGLE_POSITIONS = (
    TeamMember.Position.KETUA,
    TeamMember.Position.WAKIL_KETUA,
    TeamMember.Position.SEKRETARIS,
)


@dataclass(frozen=True)
class Seat:
    """A member as the SK appoints them: position, origin (unsur) and jabatan/instansi
    (None: keep what the seat has, empty for a new one)."""

    user: AbstractBaseUser
    position: str = TeamMember.Position.ANGGOTA
    origin: str | None = None
    jabatan: str | None = None


def _seat(item: "Seat | tuple[AbstractBaseUser, str]") -> Seat:
    return item if isinstance(item, Seat) else Seat(item[0], item[1])


@transaction.atomic
def team_set(
    *,
    period: Period,
    stage: Stage,
    seats: Sequence["Seat | tuple[AbstractBaseUser, str]"],
    by: AbstractBaseUser | None = None,
) -> list[TeamMember]:
    """Make `seats` — `Seat`s, or (penilai, position) — the whole team of `stage` in
    `period`: ketua first, then wakil ketua, sekretaris, then anggota in the given order
    (the order of the score template). A changed position, origin or jabatan records `by`
    and the time on the seat.

    Refused with a ValidationError listing every problem: a closed or published period, a
    stage the kecamatan fills alone, someone who is not a penilai of the region or is seated
    twice, more than one ketua, wakil ketua or sekretaris, an unknown position or origin, and
    removing a penilai whose values for this stage are stored (they would silently drop out
    of the means)."""
    chosen = [_seat(item) for item in seats]
    period = Period.objects.select_for_update().get(pk=period.pk)
    period_ensure(period=period, action=PeriodAction.CHANGE_SETUP)
    # The locks an import takes: a team cannot change under an import of its stage.
    list(
        Sheet.objects.select_for_update(of=("self",))
        .filter(period=period, stage=stage)
        .values_list("pk")
    )
    if stage.instrument_set_id != period.instrument_set_id:
        raise ValidationError(_("Tahap tersebut bukan bagian dari set instrumen periode ini."))
    if not stage_takes_team(stage=stage):
        raise ValidationError(
            _("Tahap %(stage)s diisi oleh kecamatan sendiri; tahap ini tidak memiliki tim.")
            % {"stage": stage.name}
        )
    problems: list[str] = []
    users = [seat.user for seat in chosen]
    seen: set[int] = set()
    for user in users:
        if user.pk in seen:
            problems.append(_("%(user)s tercantum dua kali.") % {"user": person_name(user)})
        seen.add(user.pk)
    penilai = dict(
        Membership.objects.filter(
            region=period.region, role=Role.PENILAI, user__in=users
        ).values_list("user_id", "status")
    )
    current = {seat.user_id: seat for seat in TeamMember.objects.filter(period=period, stage=stage)}
    for user in users:
        if user.pk not in penilai:
            problems.append(
                _("%(user)s bukan penilai di %(region)s.")
                % {"user": person_name(user), "region": period.region}
            )
        elif penilai[user.pk] != Membership.Status.ACTIVE and user.pk not in current:
            # A deactivated penilai keeps the seats they had (their values still count).
            problems.append(
                _(
                    "%(user)s nonaktif di %(region)s; aktifkan kembali sebelum "
                    "menempatkannya di tim."
                )
                % {"user": person_name(user), "region": period.region}
            )
    for seat in chosen:
        if seat.position not in TeamMember.Position.values:
            problems.append(
                _("Kedudukan %(user)s tidak dikenal.") % {"user": person_name(seat.user)}
            )
        if seat.origin and seat.origin not in TeamMember.Origin.values:
            problems.append(_("Unsur %(user)s tidak dikenal.") % {"user": person_name(seat.user)})
    for position in SINGLE_POSITIONS:
        holders = [person_name(seat.user) for seat in chosen if seat.position == position]
        if len(holders) > 1:
            problems.append(
                _("Tim hanya boleh memiliki satu %(position)s; terpilih: %(users)s.")
                % {"position": position.label, "users": ", ".join(holders)}
            )
    leaving = set(current) - seen
    scored = sorted(
        person_name(seat.user)
        for seat in TeamMember.objects.filter(
            period=period,
            stage=stage,
            user_id__in=ScoreEntry.objects.filter(
                period=period, indicator__aspect__stage=stage, assessor_id__in=leaving
            ).values("assessor_id"),
        ).select_related("user__profile")
    )
    if scored:
        problems.append(
            _(
                "%(users)s sudah memiliki nilai pada tahap ini; kosongkan nilainya lebih dulu "
                "sebelum mengeluarkannya dari tim."
            )
            % {"users": ", ".join(scored)}
        )
    if problems:
        raise ValidationError(problems)

    TeamMember.objects.filter(period=period, stage=stage, user_id__in=leaving).delete()
    ordered = sorted(
        enumerate(chosen), key=lambda item: (_POSITION_ORDER[item[1].position], item[0])
    )
    now = timezone.now()
    team = []
    for order, (_index, wanted) in enumerate(ordered):
        seat = current.get(wanted.user.pk) or TeamMember(
            period=period, stage=stage, user=wanted.user
        )
        described = (
            wanted.position,
            seat.origin if wanted.origin is None else wanted.origin,
            seat.jabatan if wanted.jabatan is None else wanted.jabatan.strip(),
        )
        if seat.pk is None or (seat.position, seat.origin, seat.jabatan) != described:
            seat.position, seat.origin, seat.jabatan = described
            seat.updated_by, seat.updated_at = by, now
        seat.order = order
        seat.save()
        team.append(seat)
    sheets_sync(period=period)
    return team


@transaction.atomic
def teams_set(
    *,
    period: Period,
    seats: dict[Stage, Sequence["Seat | tuple[AbstractBaseUser, str]"]],
    by: AbstractBaseUser | None = None,
) -> None:
    """`team_set` for several stages at once: all teams change, or none (every problem of
    every stage is reported, each prefixed with its stage)."""
    problems: list[str] = []
    for stage, stage_seats in seats.items():
        try:
            with transaction.atomic():
                team_set(period=period, stage=stage, seats=stage_seats, by=by)
        except ValidationError as error:
            problems += [
                _("Tahap %(stage)s: %(problem)s") % {"stage": stage.name, "problem": message}
                for message in error.messages
            ]
    if problems:
        raise ValidationError(problems)


@dataclass(frozen=True)
class AppointmentInput:
    stage: Stage
    number: str
    date: datetime.date
    issuer: str
    title: str = ""


def standing_appointments(*, period: Period) -> dict[int, TeamAppointment]:
    """The SK that stands for each stage's team (its latest record), by stage id."""
    latest: dict[int, TeamAppointment] = {}
    rows = TeamAppointment.objects.filter(period=period).select_related(
        "stage", "recorded_by__profile"
    )
    for row in rows.order_by("recorded_at", "pk"):
        latest[row.stage_id] = row
    return latest


@transaction.atomic
def team_appointments_record(
    *, period: Period, appointments: Sequence[AppointmentInput], by: AbstractBaseUser | None
) -> list[TeamAppointment]:
    """Record the SK appointing each listed stage's team; an SK equal to the one that
    stands records nothing. Insert-only: the earlier record stays as history."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    period_ensure(period=period, action=PeriodAction.CHANGE_SETUP)
    standing = standing_appointments(period=period)
    now = timezone.now()
    recorded = []
    for item in appointments:
        if item.stage.instrument_set_id != period.instrument_set_id:
            raise ValidationError(_("Tahap tersebut bukan bagian dari set instrumen periode ini."))
        number, issuer, title = item.number.strip(), item.issuer.strip(), item.title.strip()
        if not number or not issuer or item.date is None:
            raise ValidationError(
                _("Tahap %(stage)s: isi nomor, tanggal dan pejabat yang menetapkan SK.")
                % {"stage": item.stage.name}
            )
        current = standing.get(item.stage.pk)
        if current is not None and (
            current.number,
            current.date,
            current.issuer,
            current.title,
        ) == (number, item.date, issuer, title):
            continue
        recorded.append(
            TeamAppointment.objects.create(
                period=period,
                stage=item.stage,
                number=number,
                date=item.date,
                issuer=issuer,
                title=title,
                recorded_by=by,
                recorded_at=now,
            )
        )
    return recorded


@transaction.atomic
def team_describe(
    *,
    period: Period,
    stage: Stage,
    seats: Sequence[Seat],
    appointment: AppointmentInput | None,
    by: AbstractBaseUser | None,
) -> None:
    """One stage's team as its SK appoints it, in one transaction: each seat's position,
    origin and jabatan (`team_set`'s rules), and the SK when given."""
    team_set(period=period, stage=stage, seats=seats, by=by)
    if appointment is not None:
        team_appointments_record(period=period, appointments=[appointment], by=by)


@transaction.atomic
def assignments_set(
    *,
    period: Period,
    stage: Stage,
    chosen: dict[int, set[int]],
    by: AbstractBaseUser | None,
) -> None:
    """Which kecamatan each seated member of `stage` scores: `chosen` maps a member's user
    id to kecamatan ids (a member not named keeps what they have). Choosing every
    participant stores no row (the default: the whole team scores every kecamatan).

    Refused, nothing changed: a member with no kecamatan (take them off the team instead),
    a kecamatan left with no member, and taking a member off a kecamatan whose sheet already
    holds their values (they would silently drop out of its mean; clear them first)."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    period_ensure(period=period, action=PeriodAction.CHANGE_SETUP)
    seats = {
        seat.user_id: seat
        for seat in TeamMember.objects.filter(period=period, stage=stage).select_related(
            "user__profile"
        )
    }
    participants = dict(
        Participation.objects.filter(period=period).values_list("kecamatan_id", "kecamatan__name")
    )
    current: dict[int, set[int]] = {}
    for user_id, kecamatan_id in MemberAssignment.objects.filter(
        seat__period=period, seat__stage=stage
    ).values_list("seat__user_id", "kecamatan_id"):
        current.setdefault(user_id, set()).add(kecamatan_id)
    after = {
        user_id: set(chosen.get(user_id, current.get(user_id, participants))) & set(participants)
        for user_id in seats
    }
    problems: list[str] = []
    for user_id in chosen:
        if user_id not in seats:
            problems.append(_("Penilai yang dipilih tidak duduk di tim tahap ini."))
    for user_id, kecamatan in after.items():
        if not kecamatan:
            problems.append(
                _(
                    "%(user)s tidak ditugaskan menilai satu kecamatan pun; pilih paling sedikit "
                    "satu, atau keluarkan ia dari tim."
                )
                % {"user": person_name(seats[user_id].user)}
            )
    if seats:
        empty = sorted(
            name
            for kecamatan_id, name in participants.items()
            if not any(kecamatan_id in kecamatan for kecamatan in after.values())
        )
        if empty:
            problems.append(
                _("Tidak ada penilai yang ditugaskan menilai %(names)s.")
                % {"names": ", ".join(empty)}
            )
    leaving = [
        (user_id, kecamatan_id)
        for user_id, kecamatan in after.items()
        for kecamatan_id in set(participants) - kecamatan
    ]
    if leaving:
        valued = set(
            ScoreEntry.objects.filter(
                period=period,
                indicator__aspect__stage=stage,
                assessor_id__in={user_id for user_id, _k in leaving},
            ).values_list("assessor_id", "kecamatan_id")
        )
        for user_id, kecamatan_id in sorted(
            set(leaving) & valued, key=lambda pair: participants[pair[1]]
        ):
            problems.append(
                _(
                    "%(user)s sudah memiliki nilai untuk %(kecamatan)s pada tahap ini; "
                    "kosongkan nilainya lebih dulu sebelum melepas penugasannya."
                )
                % {
                    "user": person_name(seats[user_id].user),
                    "kecamatan": participants[kecamatan_id],
                }
            )
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    for user_id, kecamatan in after.items():
        wanted = set() if kecamatan == set(participants) else kecamatan
        if wanted == current.get(user_id, set()):
            continue
        seat = seats[user_id]
        MemberAssignment.objects.filter(seat=seat).exclude(kecamatan_id__in=wanted).delete()
        MemberAssignment.objects.bulk_create(
            [
                MemberAssignment(seat=seat, kecamatan_id=k, recorded_by=by, recorded_at=now)
                for k in sorted(wanted - current.get(user_id, set()))
            ]
        )
    sheets_sync(period=period)


@transaction.atomic
def participation_set_scored(
    *, period: Period, kecamatan: Kecamatan, scored: bool, reason: str = ""
) -> Participation:
    """Mark a participating kecamatan "tidak dinilai" (with the reason the results print), or
    score it again. Its stored values stay; the ranking leaves it out while it is marked."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    period_ensure(period=period, action=PeriodAction.CHANGE_SETUP)
    participation = Participation.objects.get(period=period, kecamatan=kecamatan)
    reason = reason.strip()
    if not scored and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Tuliskan alasan kecamatan tidak dinilai; alasan ini tercantum pada hasil "
                    "penilaian."
                )
            }
        )
    participation.disqualified = not scored
    participation.disqualification_reason = "" if scored else reason
    participation.save(update_fields=["disqualified", "disqualification_reason"])
    return participation


# Which status Admin Tapem may move a period to from each status on the status page.
# Freezing, publishing and reopening a frozen result are `PERIOD_RESULT`'s moves.
PERIOD_STATUS = StateMachine(
    field="status",
    moves={
        Period.Status.PREPARATION: frozenset({Period.Status.OPEN}),
        Period.Status.OPEN: frozenset({Period.Status.CLOSED}),
        Period.Status.CLOSED: frozenset({Period.Status.OPEN}),
        Period.Status.FROZEN: frozenset(),
        Period.Status.PUBLISHED: frozenset(),
    },
    labels=dict(Period.Status.choices),
    # Reopening a closed period changes what was final: say why.
    reason_required=frozenset({(Period.Status.CLOSED, Period.Status.OPEN)}),
)


# The result's moves, made only by `awards.services` (which snapshots the result when it
# freezes, and marks the snapshot superseded when it reopens): freezing closes scoring that
# is still open, and reopening a frozen or published result must say why.
PERIOD_RESULT = StateMachine(
    field="status",
    moves={
        Period.Status.OPEN: frozenset({Period.Status.CLOSED}),
        Period.Status.CLOSED: frozenset({Period.Status.FROZEN}),
        Period.Status.FROZEN: frozenset({Period.Status.PUBLISHED, Period.Status.OPEN}),
        Period.Status.PUBLISHED: frozenset({Period.Status.OPEN}),
    },
    labels=dict(Period.Status.choices),
    reason_required=frozenset(
        {(Period.Status.FROZEN, Period.Status.OPEN), (Period.Status.PUBLISHED, Period.Status.OPEN)}
    ),
)


def period_set_status(
    *, period: Period, status: str, by: AbstractBaseUser | None, reason: str = ""
) -> Period:
    """Open a period, close its scoring (values, teams and participants then stay as they
    are), or reopen it (with a reason); refused for any other move. Recorded."""
    with transaction.atomic():
        transition_apply(
            obj=period,
            machine=PERIOD_STATUS,
            to=status,
            by=by,
            region=period.region,
            reason=reason,
        )
        if status == Period.Status.OPEN:
            sheets_sync(period=period)
        if status == Period.Status.CLOSED:
            # What a closed period was scored with cannot change under it, scores or not.
            instrument_set_freeze(
                instrument_set=period.instrument_set,
                by=by,
                reason=_("Periode %(period)s ditutup.") % {"period": period},
            )
    return period


# ---------------------------------------------------------------- scores from a workbook


@dataclass(frozen=True)
class ScoreImportResult:
    rows: int  # data rows read
    stored: int  # values created or changed
    cleared: int  # stored values removed by an empty `nilai`
    unchanged: int  # rows equal to what was stored (left untouched)


class ScoreImportError(Exception):
    """Nothing was stored; `messages` has one line per problem (`baris N: …` for a row)."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


def scores_import(
    *,
    period: Period,
    workbook: IO[bytes] | bytes | str | Path,
    by: AbstractBaseUser | None,
) -> ScoreImportResult:
    """Store the values of a score workbook (sheet `nilai`) in `period`: all rows or none.

    Each row sets one cell (kecamatan, indicator, penilai or mandiri, part); an empty `nilai`
    removes the stored value; cells the file does not name are left as they are. Raises
    ScoreImportError listing every bad row. The first values stored freeze the period's
    instrument set. Call inside the region scope; `by` is recorded as `updated_by`.
    """
    try:
        rows = read_score_rows(workbook)
    except ScoreWorkbookError as error:
        raise ScoreImportError(error.messages) from None
    return scores_import_rows(period=period, rows=rows, by=by)


@transaction.atomic
def scores_import_rows(
    *,
    period: Period,
    rows: Sequence[tuple[int, Sequence[Any]]],
    by: AbstractBaseUser | None,
) -> ScoreImportResult:
    """`scores_import` for rows already read: (spreadsheet row number, the 9 columns).

    Written through the sheet model (`evaluations.sheets`): each row's sheet is locked, so
    two imports of different stages do not wait for each other, and a value for a final
    sheet, or for a kecamatan that did not reach a stage after a shortlist, is refused with
    its row.
    """
    period = Period.objects.select_related("instrument_set", "region").get(pk=period.pk)
    refusal = period_refusal(period=period, action=PeriodAction.ENTER_VALUES)
    if refusal is not None:
        raise ScoreImportError([refusal])
    layout = period_score_layout(period=period)
    parser = ScoreRowParser(layout, region_kecamatan())
    try:
        cells = parser.parse(rows)
    except ScoreWorkbookError as error:
        raise ScoreImportError(error.messages) from None

    stage_ids = {stage.code: stage.pk for stage in layout.instrument_set.stages.all()}
    stage_of = {pk: ref.stage_code for pk, ref in layout.indicators.items()}
    participant_of = {ref.kecamatan_id: ref.participant for ref in layout.participants}
    errors = _shortlist_errors(layout, cells, stage_of, participant_of)

    keys = {
        (stage_ids[stage_of[cell.indicator_id]], cell.kecamatan_id, cell.assessor_id)
        for cell in cells
    }
    sheets = _sheets_locked(period, keys)
    planned: dict[int, list[CellChange]] = {}
    for cell in cells:
        sheet = sheets[
            (stage_ids[stage_of[cell.indicator_id]], cell.kecamatan_id, cell.assessor_id)
        ]
        if sheet.state not in WRITABLE_STATES:
            errors.append(
                _("baris %(n)s: lembar %(who)s untuk %(kecamatan)s berstatus %(state)s")
                % {
                    "n": cell.row,
                    "who": sheet.assessor.username if sheet.assessor_id else KECAMATAN_ASSESSOR,
                    "kecamatan": participant_of[cell.kecamatan_id].name,
                    "state": sheet.get_state_display(),
                }
            )
            continue
        planned.setdefault(sheet.pk, []).append(
            CellChange(cell.indicator_id, cell.part, cell.value, cell.option_code)
        )
    if errors:
        raise ScoreImportError(sorted(errors, key=_row_number))
    counts = sheet_cells_apply(
        planned=planned,
        by=by,
        via=ValueChange.Via.IMPORT,
        sheets={sheet.pk: sheet for sheet in sheets.values()},
    )
    return ScoreImportResult(
        rows=len(cells), stored=counts.stored, cleared=counts.cleared, unchanged=counts.unchanged
    )


def _row_number(message: str) -> int:
    digits = message.split(":", 1)[0].rsplit(" ", 1)[-1]
    return int(digits) if digits.isdigit() else 0


def _shortlist_errors(
    layout: PeriodScoreLayout,
    cells: Sequence[ParsedCell],
    stage_of: dict[int, str],
    participant_of: dict[int, Any],
) -> list[str]:
    """Rows for a kecamatan that did not reach a stage after a shortlist (Pekalongan's panel
    takes only the 5 besar), once the shortlist is settled."""
    if not any(stage.shortlist_size for stage in layout.spec.stages[:-1]):
        return []
    allowed = stage_participants(scoring_input_from_layout(layout=layout))
    errors = []
    for cell in cells:
        stage = stage_of[cell.indicator_id]
        participant = participant_of[cell.kecamatan_id]
        if participant.key not in allowed[stage] and not cell.cleared:
            errors.append(
                _("baris %(n)s: kecamatan %(kecamatan)s tidak masuk seleksi tahap %(stage)s")
                % {"n": cell.row, "kecamatan": participant.name, "stage": stage}
            )
    return errors


def _sheets_locked(
    period: Period, keys: set[tuple[int, int, int | None]]
) -> dict[tuple[int, int, int | None], Sheet]:
    """The sheets named by (stage, kecamatan, assessor), created when missing and locked in
    a fixed order (so two imports never wait on each other in a circle)."""

    def lookup(found_keys: set[tuple[int, int, int | None]]) -> dict:
        stage_ids = {stage for stage, _k, _a in found_keys}
        kecamatan_ids = {kecamatan for _s, kecamatan, _a in found_keys}
        return {
            (sheet.stage_id, sheet.kecamatan_id, sheet.assessor_id): sheet.pk
            for sheet in Sheet.objects.filter(
                period=period, stage_id__in=stage_ids, kecamatan_id__in=kecamatan_ids
            ).only("pk", "stage_id", "kecamatan_id", "assessor_id")
        }

    ids = lookup(keys)
    missing = keys - set(ids)
    if missing:
        Sheet.objects.bulk_create(
            [
                Sheet(period=period, stage_id=stage, kecamatan_id=kecamatan, assessor_id=assessor)
                for stage, kecamatan, assessor in missing
            ],
            ignore_conflicts=True,  # another import created it meanwhile: use that one
        )
        ids = lookup(keys)
    wanted = sorted(ids[key] for key in keys)
    locked: dict[int, Sheet] = {}
    for start in range(0, len(wanted), 2000):
        for sheet in (
            # OF self: the sheet rows only (not the outer-joined assessor, not the period).
            Sheet.objects.select_for_update(of=("self",))
            .select_related("assessor")
            .filter(pk__in=wanted[start : start + 2000])
            .order_by("pk")
        ):
            locked[sheet.pk] = sheet
    for sheet in locked.values():
        sheet.period = period
    return {key: locked[ids[key]] for key in keys}


@dataclass(frozen=True)
class DeadlineInput:
    stage: Stage
    submit_by: datetime.datetime | None
    verify_by: datetime.datetime | None
    repair_days: int | None
    form_received_on: datetime.date | None = None


@transaction.atomic
def stage_deadlines_set(*, period: Period, deadlines: Sequence[DeadlineInput]) -> None:
    """Set the period's deadlines of the stages the kecamatan fills (an empty row removes
    them). Refused once the period is closed; a sheet already returned keeps the repair
    deadline it was given.

    Given the date the kecamatan received the form, a deadline left empty follows the set's
    rule: submit by the end of the set's `submit_days`-th day after it, verify by the end of
    the `verify_days`-th day after that (working days where the set says so)."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    period_ensure(period=period, action=PeriodAction.CHANGE_SETUP)
    for row in deadlines:
        if row.stage.instrument_set_id != period.instrument_set_id:
            raise ValidationError(_("Tahap tersebut bukan bagian dari set instrumen periode ini."))
        row = _deadlines_from_rule(row, working=period.instrument_set.working_days)
        if row.submit_by and row.verify_by and row.verify_by < row.submit_by:
            raise ValidationError(
                _("Tahap %(stage)s: batas verifikasi tidak boleh sebelum batas pengajuan.")
                % {"stage": row.stage.name}
            )
        if (row.form_received_on, row.submit_by, row.verify_by, row.repair_days) == (None,) * 4:
            StageDeadline.objects.filter(period=period, stage=row.stage).delete()
            continue
        StageDeadline.objects.update_or_create(
            period=period,
            stage=row.stage,
            defaults={
                "form_received_on": row.form_received_on,
                "submit_by": row.submit_by,
                "verify_by": row.verify_by,
                "repair_days": row.repair_days,
            },
        )


def _deadlines_from_rule(row: DeadlineInput, *, working: bool) -> DeadlineInput:
    submit_by, verify_by = row.submit_by, row.verify_by
    if submit_by is None and row.form_received_on and row.stage.submit_days is not None:
        submit_by = deadline_after(row.form_received_on, row.stage.submit_days, working=working)
    if verify_by is None and submit_by and row.stage.verify_days is not None:
        verify_by = deadline_after(submit_by, row.stage.verify_days, working=working)
    return replace(row, submit_by=submit_by, verify_by=verify_by)
