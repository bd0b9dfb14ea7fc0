"""The Tim penilai on tablets (issue 12): the presentation limits a scoring screen shows,
what a member has left, Tapem's live board, reopening a final sheet and a member's
declared conflict of interest.

Writes go through services here (one transaction each) that reuse the sheet and absence
services; the scoring screen itself writes only through the Sheets API.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import mean, median, pstdev
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from evaluations.access import PeriodAction, period_ensure
from evaluations.decisions import absence_record
from evaluations.models import (
    MemberAbsence,
    Participation,
    Period,
    ScoreEntry,
    Sheet,
    TeamMember,
)
from evaluations.scoring_input import standing_absences
from evaluations.selectors import period_assigned
from evaluations.sheets import TEAM_SHEET, plain_decimal, sheet_cells
from instruments.limits import PresentationLimits, presentation_limits_of
from instruments.models import Aspect, Stage
from regions.people import person_name
from regions.transitions import transition_apply

# ---------------------------------------------------------------- presentation limits


def presentation_limits(stage: Stage) -> PresentationLimits | None:
    """The limits of a stage's presentation as its set gives them (`Stage.
    presentation_limits`), or None when it has none (a field visit, a desk evaluation)."""
    return presentation_limits_of(stage.presentation_limits)


def board_margin(asked: str | None) -> tuple[Decimal, str]:
    """The margin Tapem asked for on the board (`?selisih=`, 1–100 points), else the
    default; with a message in Indonesian when what was asked cannot be used."""
    if not asked:
        return disagreement_margin(), ""
    try:
        value = Decimal(asked.replace(",", "."))
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite() or not 1 <= value <= 100:
        return disagreement_margin(), _(
            "Batas selisih harus angka 1 sampai 100; dipakai batas baku %(margin)s poin."
        ) % {"margin": disagreement_margin()}
    return value.normalize(), ""


def disagreement_margin() -> Decimal:
    """How far (points on a 0–100 scale of the aspect's maximum) a member's aspect score may
    lie from the team's median before the board flags it."""
    return Decimal(str(getattr(settings, "KINERJA_DISAGREEMENT_MARGIN", 15)))


# ---------------------------------------------------------------- the scoring screen


@dataclass(frozen=True)
class CellInput:
    """One cell as the scoring screen draws it: its rule, bounds and stored value."""

    cell: Any  # evaluations.sheets.SheetCell
    value: str  # the stored value ("" when empty): a plain decimal, an option code or text
    low: str
    high: str
    step: str

    @property
    def key(self) -> str:
        return f"{self.cell.code}:{self.cell.part}" if self.cell.part else self.cell.code


@dataclass(frozen=True)
class AspectCells:
    code: str
    name: str
    assumption: str
    cells: list[CellInput]
    tie_only: bool = False  # Bekasi's indikator penunjang: used only to break ties


def sheet_aspects(sheet: Sheet) -> list[AspectCells]:
    """The sheet's cells grouped by aspect, in instrument order, with their stored values
    (four queries)."""
    stored = {(e.indicator_id, e.part): e for e in sheet.entries.all()}
    aspects = {
        a.code: a for a in Aspect.objects.filter(stage_id=sheet.stage_id).order_by("order", "pk")
    }
    grouped: dict[str, list[CellInput]] = defaultdict(list)
    for cell in sheet_cells(sheet):
        entry = stored.get((cell.indicator_id, cell.part))
        rule = cell.rule
        if rule is None:
            value = entry.text if entry else ""
        elif rule.choice:
            value = entry.option_code if entry else ""
        else:
            value = plain_decimal(entry.value) if entry and entry.value is not None else ""
        low = plain_decimal(rule.low) if rule and not rule.choice and rule.low is not None else ""
        high = (
            plain_decimal(rule.high) if rule and not rule.choice and rule.high is not None else ""
        )
        step = "1" if rule and rule.integer_only else "any"
        grouped[cell.aspect_code].append(CellInput(cell, value, low, high, step))
    return [
        AspectCells(
            code,
            aspects[code].name,
            aspects[code].assumption,
            grouped[code],
            tie_only=not aspects[code].counts_toward_total,
        )
        for code in aspects
        if code in grouped
    ]


@dataclass
class OwnSheet:
    sheet: Sheet
    filled: int
    cells: int
    recused: bool

    @property
    def left(self) -> int:
        return max(self.cells - self.filled, 0)


def own_sheets(*, period: Period, user: AbstractBaseUser) -> list[OwnSheet]:
    """A penilai's sheets of the period, with how many cells each still lacks and whether
    they are recused from it (a fixed number of queries)."""
    # What is left counts the cells a complete sheet needs: not those of an aspect that
    # only breaks ties (filled when the Tim uses it).
    sheets = list(
        Sheet.objects.filter(period=period, assessor=user)
        .select_related("stage", "kecamatan", "period__region")
        .annotate(
            filled=Count("entries", filter=Q(entries__indicator__aspect__counts_toward_total=True))
        )
        .order_by("stage__order", "kecamatan__name")
    )
    sheets = _assigned_only(sheets, period=period, user_id=user.pk)
    recused = {
        (row.stage_id, row.kecamatan_id)
        for row in standing_absences(period=period)
        if row.member_id == user.pk and row.kind == MemberAbsence.Kind.RECUSED
    }
    # Cells per stage (a multi-part indicator has several): two queries per stage shown.
    cells: dict[int, int] = {}
    for sheet in sheets:
        if sheet.stage_id not in cells:
            cells[sheet.stage_id] = sum(1 for c in sheet_cells(sheet) if not c.tie_only)
    return [
        OwnSheet(
            sheet,
            sheet.filled,
            cells[sheet.stage_id],
            (sheet.stage_id, sheet.kecamatan_id) in recused,
        )
        for sheet in sheets
    ]


def _assigned_only(sheets: list[Sheet], *, period: Period, user_id: int) -> list[Sheet]:
    """The sheets of kecamatan the member is assigned (a sheet kept for its history after
    an assignment changed is not theirs to fill)."""
    assigned = period_assigned(period=period, user_id=user_id)
    if not assigned:
        return sheets
    return [
        sheet
        for sheet in sheets
        if sheet.kecamatan_id in assigned.get((sheet.stage_id, user_id), {sheet.kecamatan_id})
    ]


# ---------------------------------------------------------------- services


def sheet_reopen(*, sheet: Sheet, reason: str, by: AbstractBaseUser) -> Sheet:
    """Admin Tapem reopens a member's final sheet (final → draft) with a reason, recorded
    as a transition; the version rises, so a tablet holding the final sheet reloads it."""
    if sheet.is_kecamatan_sheet:
        raise ValidationError(_("Hanya lembar anggota tim yang dapat dibuka kembali."))
    with transaction.atomic():
        locked = (
            Sheet.objects.select_for_update(of=("self",))
            .select_related("period__region")
            .get(pk=sheet.pk)
        )
        period_ensure(period=locked.period, action=PeriodAction.ENTER_VALUES)
        transition_apply(
            obj=locked,
            machine=TEAM_SHEET,
            to=Sheet.State.DRAFT,
            by=by,
            region=locked.period.region,
            reason=reason,
        )
        Sheet.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        locked.refresh_from_db(fields=["version", "state"])
    sheet.state, sheet.version = locked.state, locked.version
    return sheet


def conflict_declare(*, sheet: Sheet, reason: str, by: AbstractBaseUser) -> MemberAbsence:
    """A member declares a conflict of interest for their sheet's kecamatan (e.g. a former
    post there): recorded as a recusal, so the mean divides by the others and the Berita
    Acara says why; the member can no longer open the sheet."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tuliskan konflik kepentingannya; alasan dicatat."))
    if sheet.assessor_id != by.pk:
        raise ValidationError(_("Hanya penilai lembar ini yang dapat menyatakannya."))
    if sheet.state == Sheet.State.FINAL:
        raise ValidationError(
            _("Lembar ini sudah final; minta Admin Tapem membukanya kembali lebih dulu.")
        )
    return absence_record(
        period=sheet.period,
        stage=sheet.stage,
        kecamatan=sheet.kecamatan,
        member=by,
        kind=MemberAbsence.Kind.RECUSED,
        reason=_("Konflik kepentingan (dinyatakan penilai): %(reason)s") % {"reason": reason},
        by=by,
    )


# ---------------------------------------------------------------- Tapem's live board


class Status:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    FINAL = "final"
    ABSENT = "absent"
    RECUSED = "recused"


STATUS_LABELS = {
    Status.NOT_STARTED: "Belum mulai",
    Status.IN_PROGRESS: "Sedang dinilai",
    Status.FINAL: "Final",
    Status.ABSENT: "Tidak hadir",
    Status.RECUSED: "Mengundurkan diri",
}


@dataclass(frozen=True)
class Flag:
    aspect: str
    score: Decimal
    median: Decimal


@dataclass
class BoardCell:
    member: TeamMember
    status: str
    sheet: Sheet | None
    flags: list[Flag] = field(default_factory=list)
    assigned: bool = True  # False: the member does not score this kecamatan (no status)

    @property
    def label(self) -> str:
        return _(STATUS_LABELS[self.status])


@dataclass
class BoardRow:
    kecamatan: Any
    cells: list[BoardCell]


@dataclass(frozen=True)
class Severity:
    """How a member scores against the team in one stage: shown, never applied."""

    member: TeamMember
    kecamatan: int  # how many kecamatan they gave a value for
    mean: Decimal | None
    spread: Decimal | None  # population standard deviation
    difference: Decimal | None  # their mean minus the team's


@dataclass
class BoardStage:
    stage: Stage
    members: list[TeamMember]
    rows: list[BoardRow]
    counts: dict[str, int]
    severity: list[Severity] = field(default_factory=list)
    team_mean: Decimal | None = None
    team_spread: Decimal | None = None

    @property
    def count_list(self) -> list[tuple[str, str, int]]:
        return [(code, _(label), self.counts[code]) for code, label in STATUS_LABELS.items()]


def board_for_period(
    *, period: Period, stage_code: str | None = None, margin: Decimal | None = None
) -> list[BoardStage]:
    """Each team stage: every kecamatan × seated member with its status, and the aspects
    where the member's score lies further than the margin from the team's median (a fixed
    number of queries, whatever the size of the period)."""
    seats: dict[int, list[TeamMember]] = defaultdict(list)
    team = TeamMember.objects.filter(period=period).select_related("user", "stage")
    if stage_code:
        team = team.filter(stage__code=stage_code)
    for seat in team:
        seats[seat.stage_id].append(seat)
    stages = [s for s in Stage.objects.filter(pk__in=seats).order_by("order")]
    kecamatan = [
        p.kecamatan
        for p in Participation.objects.filter(period=period, disqualified=False)
        .select_related("kecamatan")
        .order_by("kecamatan__name")
    ]
    sheets = {
        (s.stage_id, s.kecamatan_id, s.assessor_id): s
        for s in Sheet.objects.filter(period=period, assessor__isnull=False, stage__in=stages)
    }
    absences = {
        (a.stage_id, a.kecamatan_id, a.member_id): a.kind for a in standing_absences(period=period)
    }
    aspect_max = {
        a.pk: (a.code, a.max_score)
        for a in Aspect.objects.filter(stage__in=stages).only("pk", "code", "max_score")
    }
    totals: dict[tuple[int, int, int], dict[int, Decimal]] = defaultdict(dict)
    for row in (
        ScoreEntry.objects.filter(
            period=period, assessor__isnull=False, value__isnull=False, sheet__stage__in=stages
        )
        .values("sheet__stage_id", "kecamatan_id", "assessor_id", "indicator__aspect_id")
        .annotate(total=Sum("value"))
    ):
        key = (row["sheet__stage_id"], row["kecamatan_id"], row["assessor_id"])
        totals[key][row["indicator__aspect_id"]] = row["total"]
    assigned = period_assigned(period=period)
    margin = disagreement_margin() if margin is None else margin
    board = []
    for stage in stages:
        members = seats[stage.pk]
        counts: dict[str, int] = dict.fromkeys(STATUS_LABELS, 0)
        rows = []
        for kec in kecamatan:
            flags = _flags(
                {m.user_id: totals.get((stage.pk, kec.pk, m.user_id), {}) for m in members},
                aspect_max,
                margin,
                excluded={
                    m.user_id
                    for m in members
                    if (stage.pk, kec.pk, m.user_id) in absences
                    or not _assigned(assigned, stage.pk, m.user_id, kec.pk)
                },
            )
            cells = []
            for member in members:
                key = (stage.pk, kec.pk, member.user_id)
                if not _assigned(assigned, stage.pk, member.user_id, kec.pk):
                    cells.append(BoardCell(member, Status.NOT_STARTED, None, assigned=False))
                    continue
                sheet = sheets.get(key)
                status = _status(sheet, absences.get(key))
                counts[status] += 1
                cells.append(BoardCell(member, status, sheet, flags.get(member.user_id, [])))
            rows.append(BoardRow(kec, cells))
        board.append(_with_severity(BoardStage(stage, members, rows, counts), totals, aspect_max))
    return board


def _assigned(
    assigned: dict[tuple[int, int], set[int]], stage_id: int, user_id: int, kecamatan_id: int
) -> bool:
    chosen = assigned.get((stage_id, user_id))
    return chosen is None or kecamatan_id in chosen


def _with_severity(
    entry: BoardStage,
    totals: dict[tuple[int, int, int], dict[int, Decimal]],
    aspect_max: dict[int, tuple[str, Decimal]],
) -> BoardStage:
    """Each member's mean and spread over the kecamatan they scored, against the team's. A
    member's figure for one kecamatan is the mean of their aspect scores as a percentage of
    each aspect's maximum, so stages whose aspects have different scales compare alike."""
    every: list[Decimal] = []
    per_member: dict[int, list[Decimal]] = {}
    for member in entry.members:
        figures = []
        for (stage_id, _kecamatan, user_id), by_aspect in totals.items():
            if stage_id != entry.stage.pk or user_id != member.user_id:
                continue
            shares = [
                score * 100 / aspect_max[aspect][1]
                for aspect, score in by_aspect.items()
                if aspect_max[aspect][1]
            ]
            if shares:
                figures.append(sum(shares) / len(shares))
        per_member[member.user_id] = figures
        every.extend(figures)
    entry.team_mean = mean(every) if every else None
    entry.team_spread = pstdev(every) if len(every) > 1 else None
    for member in entry.members:
        figures = per_member[member.user_id]
        own = mean(figures) if figures else None
        entry.severity.append(
            Severity(
                member,
                len(figures),
                own,
                pstdev(figures) if len(figures) > 1 else None,
                own - entry.team_mean if own is not None and entry.team_mean is not None else None,
            )
        )
    return entry


def _status(sheet: Sheet | None, absence: str | None) -> str:
    if absence == MemberAbsence.Kind.RECUSED:
        return Status.RECUSED
    if absence == MemberAbsence.Kind.ABSENT:
        return Status.ABSENT
    if sheet is None or (sheet.version == 0 and sheet.state == Sheet.State.DRAFT):
        return Status.NOT_STARTED
    if sheet.state == Sheet.State.FINAL:
        return Status.FINAL
    return Status.IN_PROGRESS


def _flags(
    scores: dict[int, dict[int, Decimal]],
    aspect_max: dict[int, tuple[str, Decimal]],
    margin: Decimal,
    excluded: set[int],
) -> dict[int, list[Flag]]:
    """Per member, the aspects whose score lies more than `margin` percent of the aspect's
    maximum from the median of the members who scored it (at least two)."""
    flags: dict[int, list[Flag]] = defaultdict(list)
    aspect_ids = {a for member in scores.values() for a in member}
    for aspect_id in sorted(aspect_ids, key=lambda a: aspect_max[a][0]):
        code, maximum = aspect_max[aspect_id]
        given = {
            user: by_aspect[aspect_id]
            for user, by_aspect in scores.items()
            if aspect_id in by_aspect and user not in excluded
        }
        if len(given) < 2 or not maximum:
            continue
        middle = median(given.values())
        for user, score in given.items():
            if abs(score - middle) * 100 / maximum > margin:
                flags[user].append(Flag(code, score, middle))
    return flags


def member_names(members: list[TeamMember]) -> dict[int, str]:
    return {m.user_id: person_name(m.user) for m in members}


# ---------------------------------------------------------------- a downloaded outbox


IMPORT_LABELS = {
    "stored": "Disimpan",
    "already": "Sudah tersimpan",
    "conflict": "Konflik",
    "refused": "Ditolak",
}


@dataclass(frozen=True)
class ImportedChange:
    cell: str
    outcome: str  # "stored", "already", "conflict", "refused"
    message: str = ""

    @property
    def label(self) -> str:
        return _(IMPORT_LABELS[self.outcome])


def _same(a: Any, b: Any, kind: str) -> bool:
    def norm(value: Any) -> Any:
        if value is None or str(value).strip() == "":
            return None
        if kind != "number":
            return str(value).strip()
        try:
            return Decimal(str(value).strip().replace(",", "."))
        except ArithmeticError:
            return str(value)

    return norm(a) == norm(b)


def outbox_import(
    *, sheet: Sheet, data: dict[str, Any], by: AbstractBaseUser
) -> list[ImportedChange]:
    """Store the changes of a tablet's downloaded outbox file (`kinerja-tablet-outbox`) for
    `sheet`, oldest first, on the member's behalf (`via` import, `by` Tapem): a change already
    stored (its key in the history, or the cell already holds its value) is skipped; a cell
    that holds neither the value the member saw nor theirs is a conflict, left for the Tim;
    refusals (a final sheet, a closed period) store nothing. The changes the member had not
    decided yet (the file's `conflicts`) are reported, never written."""
    from evaluations.models import NoteChange, ValueChange
    from evaluations.sheets import SheetWriteError, sheet_as_data, sheet_write

    results: list[ImportedChange] = []
    for change in data.get("changes") or []:
        indicator, part = str(change.get("indicator", "")), str(change.get("part") or "")
        kind = change.get("kind", "number")
        is_notes = kind == "notes"
        where = _("catatan") if is_notes else f"{indicator}:{part}" if part else indicator
        key = str(change.get("id") or "")[:100]
        if key and (
            ValueChange.objects.filter(sheet=sheet, idempotency_key=key).exists()
            or NoteChange.objects.filter(sheet=sheet, idempotency_key=key).exists()
        ):
            results.append(ImportedChange(where, "already"))
            continue
        sheet.refresh_from_db(fields=["version", "state", "notes"])
        current = (
            {"value": sheet.notes}
            if is_notes
            else next(
                (
                    c
                    for c in sheet_as_data(sheet)["values"]
                    if c["indicator"] == indicator and c["part"] == part
                ),
                None,
            )
        )
        if current is None:
            results.append(
                ImportedChange(where, "refused", _("Lembar ini tidak memiliki sel ini."))
            )
            continue
        held = {"choice": current.get("option"), "text": current.get("text")}.get(
            kind, current["value"]
        )
        if _same(held, change.get("value"), kind):
            results.append(ImportedChange(where, "already"))
            continue
        if not _same(held, change.get("base"), kind):
            results.append(
                ImportedChange(
                    where,
                    "conflict",
                    _("tersimpan %(held)s, di tablet %(mine)s (semula %(base)s)")
                    % {"held": held, "mine": change.get("value"), "base": change.get("base")},
                )
            )
            continue
        field_name = {"choice": "option", "text": "text"}.get(kind, "value")
        try:
            sheet_write(
                sheet=sheet,
                expected_version=sheet.version,
                values=[]
                if is_notes
                else [{"indicator": indicator, "part": part, field_name: change.get("value")}],
                notes=str(change.get("value") or "") if is_notes else None,
                by=by,
                via="import",
                key=key,
            )
        except SheetWriteError as error:
            results.append(ImportedChange(where, "refused", error.message))
            continue
        results.append(ImportedChange(where, "stored"))
    for undecided in data.get("conflicts") or []:
        where = undecided.get("indicator", "") or _("catatan")
        if undecided.get("part"):
            where += f":{undecided['part']}"
        results.append(
            ImportedChange(
                where,
                "conflict",
                _("belum diputuskan penilai: di tablet %(mine)s, tersimpan %(theirs)s")
                % {"mine": undecided.get("mine"), "theirs": undecided.get("theirs")},
            )
        )
    return results
