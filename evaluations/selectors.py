"""Reads shaped for pages. Scoped models are only queried inside an active region scope."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import (
    MemberAssignment,
    NoteChange,
    Participation,
    Period,
    ScoreEntry,
    Sheet,
    StageDeadline,
    TeamAppointment,
    TeamMember,
    ValueChange,
)
from evaluations.ranking_sums import summed_scoring_input_from_layout
from evaluations.scoring_input import (
    period_score_layout,
    scoring_input_for_period,
    scoring_input_from_layout,
)
from evaluations.self_assessment import (
    evidence_by_indicator,
    evidence_history,
    indicator_name,
    proposals_open,
    sheet_open_repair,
    sheet_reviews_latest,
)
from evaluations.sheets import (
    KECAMATAN_SHEET,
    WRITABLE_STATES,
    plain_decimal,
    sheet_cells,
    sheet_due,
    sheet_missing_cells,
    sheet_missing_evidence,
)
from instruments.models import Indicator, Stage
from regions.models import Kecamatan, Membership, Region, Role
from regions.people import person_name
from regions.transitions import transition_history_labelled, transitions_last_reached
from regions.workdays import deadline_after
from scoring.engine import compute_ranking
from scoring.rules import EnteredBy
from scoring.structures import Ranking


def regions_for_user(*, user: AbstractBaseUser) -> QuerySet[Region]:
    """Regions where the user holds an active role (Region itself is not a scoped model)."""
    return Region.objects.filter(
        is_active=True, memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).distinct()


def kecamatan_list() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.order_by("name")


def kecamatan_get(*, slug: str) -> Kecamatan:
    return Kecamatan.objects.select_related("region").get(slug=slug)


def period_list() -> QuerySet[Period]:
    return Period.objects.select_related("instrument_set").order_by("-year_evaluated", "slug")


def period_has_scores(*, period: Period) -> bool:
    """Whether any value (self-assessment or team) is stored for `period`."""
    return ScoreEntry.objects.filter(period=period).exists()


def ranking_for_period(*, period: Period, trace: bool = True) -> Ranking:
    """The period's ranking as the engine computes it from the stored values.

    `trace=False` (the ranking table, the `ranking` command, national scale) gives the same
    ranks, scores, predikat, awards, notes and warnings with the engine's lighter trace, and
    lets the database add up the values of the aspects that can be summed
    (`summed_scoring_input_from_layout`), in a fixed number of queries. `trace=True` keeps
    every indicator's result and worked arithmetic (the per-kecamatan breakdown).
    """
    if trace:
        return compute_ranking(scoring_input_for_period(period=period))
    layout = period_score_layout(period=period)
    data = summed_scoring_input_from_layout(layout=layout)
    if data is None:  # the sums cannot vouch for the values: read them one by one
        data = scoring_input_from_layout(layout=layout)
    return compute_ranking(data, trace=False)


@dataclass(frozen=True)
class StageTeam:
    order: int
    code: str
    name: str
    scorer_label: str
    seats: tuple[TeamMember, ...]
    takes_team: bool  # False: the kecamatan fills the stage alone
    min_team_size: int

    @property
    def short_of_members(self) -> int:
        """How many more penilai the instrument asks for on this team (0 when enough)."""
        return max(0, self.min_team_size - len(self.seats)) if self.takes_team else 0


def _team_entered(stage: Stage | OuterRef) -> QuerySet[Indicator]:
    """The indicators the team (not the kecamatan) enters in `stage`."""
    return Indicator.objects.filter(aspect__stage=stage, entered_by=EnteredBy.TEAM)


def stage_takes_team(*, stage: Stage) -> bool:
    """Whether anyone but the kecamatan enters values in `stage` (then it has a team)."""
    return _team_entered(stage).exists()


def period_team_stages(*, period: Period) -> list[Stage]:
    """The stages of the period's set in which the team (not the kecamatan) enters values."""
    return list(
        period.instrument_set.stages.annotate(takes_team=Exists(_team_entered(OuterRef("pk"))))
        .filter(takes_team=True)
        .order_by("order")
    )


@dataclass(frozen=True)
class StatusMove:
    target: str
    label: str  # the button: "Mulai periode", "Tutup penilaian", "Buka kembali penilaian"
    explanation: str


def period_status_moves(*, period: Period) -> list[StatusMove]:
    """The moves Admin Tapem may make from the period's status, for its page."""
    from_status = {
        Period.Status.PREPARATION: [
            StatusMove(
                Period.Status.OPEN,
                _("Mulai periode"),
                _(
                    "Periode masih dipersiapkan: tetapkan tim penilai dan peserta, lalu mulai "
                    "periode. Nilai baru dapat diisi setelah periode dimulai."
                ),
            )
        ],
        Period.Status.OPEN: [
            StatusMove(
                Period.Status.CLOSED,
                _("Tutup penilaian"),
                _(
                    "Penilaian berlangsung. Setelah semua nilai masuk, tutup penilaian: nilai, "
                    "tim penilai dan peserta tidak dapat diubah lagi sampai periode dibuka "
                    "kembali, dan set instrumennya dibekukan."
                ),
            )
        ],
        Period.Status.CLOSED: [
            StatusMove(
                Period.Status.OPEN,
                _("Buka kembali penilaian"),
                _(
                    "Penilaian ditutup: nilai, tim penilai dan peserta tidak dapat diubah. Buka "
                    "kembali bila ada nilai yang harus diperbaiki; alasannya dicatat."
                ),
            )
        ],
    }
    return from_status.get(period.status, [])


def period_stages_with_teams(*, period: Period) -> list[StageTeam]:
    """The period's stages in order, each with its team seats (two queries)."""
    seats: dict[int, list[TeamMember]] = {}
    for seat in TeamMember.objects.filter(period=period).select_related("user__profile"):
        seats.setdefault(seat.stage_id, []).append(seat)
    return [
        StageTeam(
            stage.order,
            stage.code,
            stage.name,
            stage.scorer_label,
            tuple(seats.get(stage.pk, ())),
            stage.takes_team,
            stage.min_team_size,
        )
        for stage in period.instrument_set.stages.annotate(
            takes_team=Exists(_team_entered(OuterRef("pk")))
        ).order_by("order")
    ]


def period_participations(*, period: Period) -> QuerySet[Participation]:
    """The period's participants with their kecamatan, by name."""
    return (
        Participation.objects.filter(period=period)
        .select_related("kecamatan")
        .order_by("kecamatan__name")
    )


def kecamatan_participations(*, kecamatan: Kecamatan) -> QuerySet[Participation]:
    """The periods `kecamatan` takes part in, newest first."""
    return (
        Participation.objects.filter(kecamatan=kecamatan)
        .select_related("period")
        .order_by("-period__year_evaluated", "period__slug")
    )


def period_team_seats(*, period: Period) -> dict[tuple[int, int], str]:
    """Each seat's position by (stage pk, user pk)."""
    return {
        (stage_id, user_id): position
        for stage_id, user_id, position in TeamMember.objects.filter(period=period).values_list(
            "stage_id", "user_id", "position"
        )
    }


def period_assigned(
    *, period: Period, user_id: int | None = None
) -> dict[tuple[int, int], set[int]]:
    """(stage id, member) → the kecamatan ids the member scores, for members Tapem assigned
    part of the participants (absent: all). One query."""
    rows = MemberAssignment.objects.filter(seat__period=period)
    if user_id is not None:
        rows = rows.filter(seat__user_id=user_id)
    assigned: dict[tuple[int, int], set[int]] = {}
    for stage_id, member_id, kecamatan_id in rows.values_list(
        "seat__stage_id", "seat__user_id", "kecamatan_id"
    ):
        assigned.setdefault((stage_id, member_id), set()).add(kecamatan_id)
    return assigned


@dataclass
class TeamComposition:
    """One stage's team for the team page: its seats (with their people), the SK that
    appoints it and its history, and which kecamatan each member scores."""

    stage: Stage
    seats: list[TeamMember]
    appointment: Any  # TeamAppointment | None
    appointment_history: list[Any]
    assigned: dict[tuple[int, int], set[int]]  # (stage, member) → kecamatan; absent: all

    def restricted(self, seat: TeamMember) -> set[int] | None:
        return self.assigned.get((self.stage.pk, seat.user_id))


def period_stage_teams(*, period: Period) -> list[TeamComposition]:
    """Every stage with a seated team, in stage order (four queries)."""
    seats: dict[int, list[TeamMember]] = {}
    stages: dict[int, Stage] = {}
    for seat in (
        TeamMember.objects.filter(period=period)
        .select_related("stage", "user__profile", "updated_by__profile")
        .order_by("stage__order", "order", "user__username")
    ):
        seats.setdefault(seat.stage_id, []).append(seat)
        stages[seat.stage_id] = seat.stage
    history: dict[int, list[Any]] = {}
    for row in (
        TeamAppointment.objects.filter(period=period)
        .select_related("recorded_by__profile")
        .order_by("recorded_at", "pk")
    ):
        history.setdefault(row.stage_id, []).append(row)
    assigned = period_assigned(period=period)
    return [
        TeamComposition(
            stage=stages[stage_id],
            seats=stage_seats,
            appointment=(history.get(stage_id) or [None])[-1],
            appointment_history=list(reversed(history.get(stage_id, []))),
            assigned={key: value for key, value in assigned.items() if key[0] == stage_id},
        )
        for stage_id, stage_seats in seats.items()
    ]


def penilai_list() -> list[AbstractBaseUser]:
    """The penilai of the region in scope, by name. `user.active_here` is False for one
    Admin Tapem deactivated: they keep the seats they have and take no new one."""
    users = []
    for membership in Membership.objects.filter(role=Role.PENILAI).select_related("user__profile"):
        membership.user.active_here = membership.status == Membership.Status.ACTIVE
        users.append(membership.user)
    return sorted(users, key=lambda user: (person_name(user).casefold(), user.get_username()))


@dataclass(frozen=True)
class HistoryRow:
    """One changed cell as the history shows it (oldest first)."""

    at: datetime.datetime
    by: str  # username, or "" for the system
    by_name: str
    via: str
    stage: str
    kecamatan: str
    assessor: str | None  # username; None for the kecamatan's own values
    assessor_name: str
    indicator: str
    part: str
    old: str | None
    new: str | None

    def as_data(self) -> dict[str, Any]:
        """The `score_history --json` contract."""
        return {
            "at": self.at.isoformat(),
            "by": self.by or None,
            "via": self.via,
            "stage": self.stage,
            "kecamatan": self.kecamatan,
            "assessor": self.assessor,
            "indicator": self.indicator,
            "part": self.part,
            "old": self.old,
            "new": self.new,
        }


def value_history(*, period: Period, kecamatan: Kecamatan | None = None) -> list[HistoryRow]:
    """Every recorded change of a value in `period` (of one kecamatan), oldest first. One
    query."""
    changes = (
        ValueChange.objects.filter(sheet__period=period)
        .select_related(
            "sheet__stage",
            "sheet__kecamatan",
            "sheet__assessor__profile",
            "indicator",
            "by__profile",
        )
        .order_by("at", "pk")
    )
    if kecamatan is not None:
        changes = changes.filter(sheet__kecamatan=kecamatan)
    return [
        HistoryRow(
            at=change.at,
            by=change.by.username if change.by else "",
            by_name=person_name(change.by) if change.by else "",
            via=change.via,
            stage=change.sheet.stage.code,
            kecamatan=change.sheet.kecamatan.name,
            assessor=change.sheet.assessor.username if change.sheet.assessor_id else None,
            assessor_name=person_name(change.sheet.assessor) if change.sheet.assessor_id else "",
            indicator=change.indicator.code,
            part=change.part,
            old=_shown(change.old_option, change.old_value, change.old_text),
            new=_shown(change.new_option, change.new_value, change.new_text),
        )
        for change in changes
    ]


def note_history(*, sheet: Sheet) -> list[NoteChange]:
    """Every change of the member's notes on `sheet`, oldest first (one query)."""
    if sheet.is_kecamatan_sheet:
        return []
    return list(sheet.note_changes.select_related("by__profile").order_by("at", "pk"))


def _shown(option: str, value: Decimal | None, text: str) -> str | None:
    if option:
        return option
    if value is not None:
        return plain_decimal(value)
    return text or None


# ---------------------------------------------------------------- the kecamatan's own sheet


@dataclass(frozen=True)
class MissingItem:
    indicator_id: int  # the page anchors each indicator as #indikator-<id>
    name: str  # the indicator's code (with its aspect where the code repeats) and text
    what: list[str]  # "nilai fisik belum diisi", "data dukung belum diunggah", …


@dataclass(frozen=True)
class Completeness:
    """How much of a kecamatan's sheet is filled: every cell, and the evidence file of every
    indicator that requires one; `missing` names what is still missing, by indicator, in
    sheet order."""

    done: int
    total: int
    missing: list[MissingItem]

    @property
    def complete(self) -> bool:
        return not self.missing


def sheet_completeness(*, sheet: Sheet) -> Completeness:
    cells = sheet_cells(sheet)
    empty = sheet_missing_cells(sheet)
    no_file = {c.indicator_id for c in sheet_missing_evidence(sheet)}
    # Informational figures and file-only items are no cells to fill (a file is counted
    # below when the indicator requires one).
    total = len([c for c in cells if c.required]) + len(
        {c.indicator_id for c in cells if c.evidence_required}
    )
    gaps: dict[int, list[str]] = {}
    for cell in empty:
        what = _("%(part)s belum diisi") % {"part": cell.part} if cell.part else _("belum diisi")
        gaps.setdefault(cell.indicator_id, []).append(what)
    for indicator_id in no_file:
        gaps.setdefault(indicator_id, []).append(_("data dukung belum diunggah"))
    missing = []
    for cell in cells:
        if cell.indicator_id in gaps:
            what = gaps.pop(cell.indicator_id)
            code = cell.name
            text = cell.text if len(cell.text) <= 70 else cell.text[:69] + "…"
            missing.append(MissingItem(cell.indicator_id, f"{code} — {text}", what))
    return Completeness(done=total - len(empty) - len(no_file), total=total, missing=missing)


def self_assessment_state(*, sheet: Sheet) -> dict[str, Any]:
    """What the kecamatan's sheet page shows beside the form: completeness, the deadline,
    the repair Tapem asked for and Tapem's latest verdict per indicator."""
    due = sheet_due(sheet) if sheet.state in WRITABLE_STATES else None
    disqualification = ""
    if sheet.state == Sheet.State.DISQUALIFIED:
        disqualification = (
            Participation.objects.filter(period_id=sheet.period_id, kecamatan_id=sheet.kecamatan_id)
            .values_list("disqualification_reason", flat=True)
            .first()
        ) or ""
    return {
        "completeness": sheet_completeness(sheet=sheet),
        "due": due,
        "due_passed": due is not None and timezone.now() > due,
        "repair": sheet_open_repair(sheet=sheet),
        "history": sheet_state_history(sheet=sheet),
        "disqualification": disqualification,
    }


def sheet_state_history(*, sheet: Sheet) -> list[Any]:
    return transition_history_labelled(obj=sheet, machine=KECAMATAN_SHEET)


@dataclass(frozen=True)
class QueueStage:
    stage: Stage
    deadline: Any  # StageDeadline or None
    rows: list[Any]  # kecamatan sheets, each with `files` (current evidence count) and
    # `proposal` (the open DisqualificationProposal or None)
    counts: list[tuple[str, str, int]]  # (state, label, how many), every state of the machine


def verification_queue(*, period: Period) -> list[QueueStage]:
    """Every kecamatan's own sheet of the period by stage, with its state and current file
    count and any open proposal to disqualify, the counts per state and the stage's
    deadlines. Five queries, however many kecamatan."""
    sheets = (
        Sheet.objects.filter(period=period, assessor__isnull=True)
        .select_related("stage__instrument_set", "kecamatan")
        .annotate(  # the count of `Evidence.objects.current()`, in the same query
            files=Count(
                "evidence",
                filter=Q(evidence__replaced_by__isnull=True, evidence__withdrawal__isnull=True),
            )
        )
        .order_by("stage__order", "kecamatan__name")
    )
    deadlines = {d.stage_id: d for d in StageDeadline.objects.filter(period=period)}
    proposals = proposals_open(period=period)
    submitted_at = transitions_last_reached(
        objects=Sheet.objects.filter(period=period, assessor__isnull=True),
        field_name="state",
        state=Sheet.State.SUBMITTED,
    )
    now = timezone.now()
    stages: dict[int, QueueStage] = {}
    for sheet in sheets:
        sheet.proposal = proposals.get(sheet.pk)
        # A submitted form waits for Tapem: verified within the set's days of its (latest)
        # submission (Banggai Pasal 7(2): 2 working days).
        sheet.verify_due = None
        if sheet.state == Sheet.State.SUBMITTED and sheet.stage.verify_days is not None:
            since = submitted_at.get(sheet.pk)
            if since is not None:
                sheet.verify_due = deadline_after(
                    since,
                    sheet.stage.verify_days,
                    working=sheet.stage.instrument_set.working_days,
                )
        sheet.verify_overdue = sheet.verify_due is not None and sheet.verify_due < now
        if sheet.stage_id not in stages:
            stages[sheet.stage_id] = QueueStage(sheet.stage, deadlines.get(sheet.stage_id), [], [])
        stages[sheet.stage_id].rows.append(sheet)
    for entry in stages.values():
        states = [sheet.state for sheet in entry.rows]
        entry.counts.extend(
            (state, label, states.count(state))
            for state, label in Sheet.State.choices
            if state in KECAMATAN_SHEET.moves
        )
    return list(stages.values())


@dataclass(frozen=True)
class ReviewRow:
    """One indicator of a kecamatan's sheet as Tapem verifies it."""

    indicator_id: int
    code: str
    text: str
    evidence_required: bool
    evidence_note: str
    values: list[tuple[str, str]]  # (part, the stored answer as typed)
    files: list[Any]  # the current Evidence files, oldest first
    earlier: list[Any]  # replaced or withdrawn files, newest first
    review: Any  # Tapem's latest IndicatorReview or None


def sheet_review_rows(*, sheet: Sheet) -> list[ReviewRow]:
    """Answers and evidence side by side, per indicator, in sheet order (five queries)."""
    cells = sheet_cells(sheet)
    stored = {(e.indicator_id, e.part): e for e in sheet.entries.all()}
    current = evidence_by_indicator(sheet=sheet)
    current_ids = {e.pk for files in current.values() for e in files}
    earlier: dict[int, list[Any]] = {}
    for evidence in evidence_history(sheet=sheet).order_by("-uploaded_at", "-pk"):
        if evidence.pk not in current_ids:
            earlier.setdefault(evidence.indicator_id, []).append(evidence)
    reviews = sheet_reviews_latest(sheet=sheet)
    rows: dict[int, ReviewRow] = {}
    for cell in cells:
        entry = stored.get((cell.indicator_id, cell.part))
        if entry is None:
            shown = ""
        elif cell.is_text:
            shown = entry.text
        elif entry.option_code:
            label = dict(cell.options).get(entry.option_code, "")
            shown = f"{entry.option_code}) {label}" if label else entry.option_code
        else:
            shown = plain_decimal(entry.value) if entry.value is not None else ""
        if cell.indicator_id not in rows:
            rows[cell.indicator_id] = ReviewRow(
                indicator_id=cell.indicator_id,
                code=indicator_name(cells, cell.indicator_id),
                text=cell.text,
                evidence_required=cell.evidence_required,
                evidence_note=cell.evidence_note,
                values=[],
                files=current.get(cell.indicator_id, []),
                earlier=earlier.get(cell.indicator_id, []),
                review=reviews.get(cell.indicator_id),
            )
        if not cell.is_file:  # a file-only item has its file, no answer
            rows[cell.indicator_id].values.append((cell.part, shown))
    return list(rows.values())


def period_self_assessment_stages(*, period: Period) -> list[Stage]:
    """The period's stages the kecamatan fills itself, in order, each with `deadline` (its
    StageDeadline or None). Two queries."""
    stages = list(
        period.instrument_set.stages.filter(
            Q(aspects__indicators__entered_by=EnteredBy.KECAMATAN)
            | Q(aspects__indicators__kecamatan_answers=True)
        )
        .distinct()
        .order_by("order")
    )
    deadlines = {d.stage_id: d for d in StageDeadline.objects.filter(period=period)}
    for stage in stages:
        stage.deadline = deadlines.get(stage.pk)
    return stages
