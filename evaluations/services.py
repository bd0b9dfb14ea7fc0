"""Writes on a region's periods: participants, teams, status and values."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from evaluations.models import Participation, Period, ScoreEntry, TeamMember
from evaluations.score_workbook import (
    ParsedCell,
    ScoreRowParser,
    ScoreWorkbookError,
    read_score_rows,
    region_kecamatan,
)
from evaluations.scoring_input import PeriodScoreLayout, period_score_layout
from evaluations.selectors import stage_takes_team
from instruments.models import InstrumentSet, Stage
from instruments.services import instrument_set_freeze
from regions.models import Kecamatan, Membership, Region, Role
from regions.people import person_name
from regions.transitions import StateMachine, transition_apply

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
    TeamMember.Position.SEKRETARIS: 1,
    TeamMember.Position.ANGGOTA: 2,
}


@transaction.atomic
def team_set(
    *, period: Period, stage: Stage, seats: Sequence[tuple[AbstractBaseUser, str]]
) -> list[TeamMember]:
    """Make `seats` — (penilai, position) — the whole team of `stage` in `period`: ketua first,
    then sekretaris, then anggota in the given order (the order of the score template).

    Refused with a ValidationError listing every problem: a closed or published period, a
    stage the kecamatan fills alone, someone who is not a penilai of the region or is seated
    twice, more than one ketua or sekretaris, and removing a penilai whose values for this
    stage are stored (they would silently drop out of the means)."""
    # The lock scores_import takes: a team cannot change under an import.
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status in (Period.Status.CLOSED, Period.Status.PUBLISHED):
        raise ValidationError(
            _("Periode %(period)s berstatus %(status)s; tim penilai tidak dapat diubah.")
            % {"period": period, "status": period.get_status_display()}
        )
    if stage.instrument_set_id != period.instrument_set_id:
        raise ValidationError(_("Tahap tersebut bukan bagian dari set instrumen periode ini."))
    if not stage_takes_team(stage=stage):
        raise ValidationError(
            _("Tahap %(stage)s diisi oleh kecamatan sendiri; tahap ini tidak memiliki tim.")
            % {"stage": stage.name}
        )
    problems: list[str] = []
    users = [user for user, _position in seats]
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
    for position in (TeamMember.Position.KETUA, TeamMember.Position.SEKRETARIS):
        if sum(1 for _user, p in seats if p == position) > 1:
            problems.append(
                _("Tim hanya boleh memiliki satu %(position)s.")
                % {"position": position.label.lower()}
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
    ordered = sorted(enumerate(seats), key=lambda item: (_POSITION_ORDER[item[1][1]], item[0]))
    team = []
    for order, (_index, (user, position)) in enumerate(ordered):
        seat = current.get(user.pk) or TeamMember(period=period, stage=stage, user=user)
        seat.position, seat.order = position, order
        seat.save()
        team.append(seat)
    return team


@transaction.atomic
def teams_set(
    *, period: Period, seats: dict[Stage, Sequence[tuple[AbstractBaseUser, str]]]
) -> None:
    """`team_set` for several stages at once: all teams change, or none (every problem of
    every stage is reported, each prefixed with its stage)."""
    problems: list[str] = []
    for stage, stage_seats in seats.items():
        try:
            with transaction.atomic():
                team_set(period=period, stage=stage, seats=stage_seats)
        except ValidationError as error:
            problems += [
                _("Tahap %(stage)s: %(problem)s") % {"stage": stage.name, "problem": message}
                for message in error.messages
            ]
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def participation_set_scored(
    *, period: Period, kecamatan: Kecamatan, scored: bool, reason: str = ""
) -> Participation:
    """Mark a participating kecamatan "tidak dinilai" (with the reason the results print), or
    score it again. Its stored values stay; the ranking leaves it out while it is marked."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status in (Period.Status.CLOSED, Period.Status.PUBLISHED):
        raise ValidationError(
            _("Periode %(period)s berstatus %(status)s; peserta tidak dapat diubah.")
            % {"period": period, "status": period.get_status_display()}
        )
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


# Which status Admin Tapem may move a period to from each status. Publication is not here:
# it snapshots the results and issues documents (a later piece of work).
PERIOD_STATUS = StateMachine(
    field="status",
    moves={
        Period.Status.PREPARATION: frozenset({Period.Status.OPEN}),
        Period.Status.OPEN: frozenset({Period.Status.CLOSED}),
        Period.Status.CLOSED: frozenset({Period.Status.OPEN}),
        Period.Status.PUBLISHED: frozenset(),
    },
    labels=dict(Period.Status.choices),
    # Reopening a closed period changes what was final: say why.
    reason_required=frozenset({(Period.Status.CLOSED, Period.Status.OPEN)}),
)


def period_set_status(
    *, period: Period, status: str, by: AbstractBaseUser | None, reason: str = ""
) -> Period:
    """Open a period, close its scoring (values, teams and participants then stay as they
    are), or reopen it (with a reason); refused for any other move. Recorded."""
    transition_apply(
        obj=period, machine=PERIOD_STATUS, to=status, by=by, region=period.region, reason=reason
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


SCORE_IMPORT_BATCH = 2000


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
    """`scores_import` for rows already read: (spreadsheet row number, the 9 columns)."""
    # One import at a time per period, so two uploads cannot interleave their cells.
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status in (Period.Status.CLOSED, Period.Status.PUBLISHED):
        raise ScoreImportError(
            [
                _("Periode %(period)s berstatus %(status)s; nilai tidak dapat diubah.")
                % {"period": period, "status": period.get_status_display()}
            ]
        )
    layout = period_score_layout(period=period)
    parser = ScoreRowParser(layout, region_kecamatan())
    try:
        cells = parser.parse(rows)
    except ScoreWorkbookError as error:
        raise ScoreImportError(error.messages) from None

    stored = {
        (kecamatan_id, indicator_id, assessor_id, part): (pk, value, option_code)
        for pk, kecamatan_id, indicator_id, assessor_id, part, value, option_code in (
            ScoreEntry.objects.filter(period=period).values_list(
                "pk", "kecamatan_id", "indicator_id", "assessor_id", "part", "value", "option_code"
            )
        )
    }
    doomed: list[int] = []
    new: list[ScoreEntry] = []
    cleared = unchanged = 0
    for cell in cells:
        old = stored.get(cell.key)
        if cell.cleared:
            if old is not None:
                doomed.append(old[0])
                cleared += 1
            continue
        value = _option_score(layout, cell) if cell.option_code else cell.value
        if old is not None:
            if old[1] == value and old[2] == cell.option_code:
                unchanged += 1
                continue
            doomed.append(old[0])
        new.append(
            ScoreEntry(
                period=period,
                kecamatan_id=cell.kecamatan_id,
                indicator_id=cell.indicator_id,
                assessor_id=cell.assessor_id,
                part=cell.part,
                value=value,
                option_code=cell.option_code,
                updated_by=by,
            )
        )
    # Delete then insert: the kecamatan ("mandiri") uniqueness is a partial index, which
    # an upsert cannot name portably on SQLite and PostgreSQL.
    for start in range(0, len(doomed), SCORE_IMPORT_BATCH):
        ScoreEntry.objects.filter(pk__in=doomed[start : start + SCORE_IMPORT_BATCH]).delete()
    ScoreEntry.objects.bulk_create(new, batch_size=SCORE_IMPORT_BATCH)

    instrument_set = layout.instrument_set
    if not instrument_set.is_frozen and ScoreEntry.objects.filter(period=period).exists():
        instrument_set_freeze(instrument_set=instrument_set)
    return ScoreImportResult(rows=len(cells), stored=len(new), cleared=cleared, unchanged=unchanged)


def _option_score(layout: PeriodScoreLayout, cell: ParsedCell) -> Decimal:
    """A choice is stored as its option code, with the option's score alongside for reports
    and SQL sums (the engine reads the code)."""
    spec = layout.indicators[cell.indicator_id].spec
    return next(option.score for option in spec.options if option.code == cell.option_code)
