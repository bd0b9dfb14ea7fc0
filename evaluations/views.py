from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from config.http import posted_data, problem_list
from evaluations import selectors
from evaluations.access import (
    PeriodAction,
    access_period,
    access_sheet,
    period_refusal,
    sheets_visible_to,
)
from evaluations.decisions import (
    CONFLICT,
    absence_book,
    absence_record,
    absence_withdraw,
    conflict_record,
    ranking_ties,
    tie_decision_history,
    tie_decision_record,
)
from evaluations.forms import (
    AbsenceForm,
    AbsenceWithdrawForm,
    AssignmentForm,
    DeadlinesForm,
    DisqualifyForm,
    NotScoredForm,
    PeriodForm,
    PeriodStatusForm,
    ProposalDismissForm,
    ReviewForm,
    ScoreWorkbookForm,
    SheetForm,
    StageTeamForm,
    TeamForm,
    TieDecisionForm,
)
from evaluations.models import HandOver, Period, Sheet, TeamMember, ValueChange
from evaluations.presentation import messages_text, messages_usernames, ranking_table
from evaluations.score_template import NotOnTeam, score_template_bytes
from evaluations.score_workbook import part_label
from evaluations.scoring_input import instrument_spec_for
from evaluations.self_assessment import (
    ReviewRefused,
    disqualification_reason,
    evidence_attach,
    evidence_by_indicator,
    evidence_refusal,
    handover_record,
    indicator_review,
    proposal_dismiss,
    proposals_open,
    sheet_copy_previous,
    sheet_copy_source,
    sheet_disqualify,
    sheet_verify,
    submission_for,
)
from evaluations.services import (
    PERIOD_STATUS,
    ScoreImportError,
    assignments_set,
    participation_set_scored,
    period_create,
    period_set_status,
    scores_import,
    stage_deadlines_set,
    team_describe,
    teams_set,
)
from evaluations.sheets import (
    KECAMATAN_SHEET,
    SheetWriteError,
    request_fingerprint,
    sheet_submit,
    sheet_write,
    sheet_write_refusal,
)
from evaluations.templatetags.results import entry_key
from instruments.selectors import instrument_set_list
from regions.access import Action, access_kecamatan, access_region, can
from regions.models import Kecamatan, Notice, Role
from regions.people import person_name
from regions.selectors import people_by_username
from regions.transitions import transition_history_labelled


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    regions = list(selectors.regions_for_user(user=request.user))
    if len(regions) == 1:
        return redirect("dashboard", region=regions[0].slug)
    return render(request, "evaluations/region_picker.html", {"regions": regions})


@require_safe
def dashboard(request: HttpRequest, region: str) -> HttpResponse:
    roles = {membership.role for membership in request.memberships}
    context = {
        "memberships": request.memberships,
        "periods": list(selectors.period_list()),
        "kecamatan_count": selectors.kecamatan_list().count(),
        "notices": list(Notice.objects.filter(user=request.user, read_at__isnull=True)[:5]),
        "operator_kecamatan": [m.kecamatan for m in request.memberships if m.kecamatan_id],
        "team_seats": list(
            TeamMember.objects.filter(user=request.user).select_related("period", "stage")
        )
        if Role.PENILAI in roles
        else [],
    }
    return render(request, "evaluations/dashboard.html", context)


@require_safe
def kecamatan_list(request: HttpRequest, region: str) -> HttpResponse:
    access_region(request=request, action=Action.VIEW_REGION)
    return render(
        request,
        "evaluations/kecamatan_list.html",
        {"kecamatan_list": selectors.kecamatan_list()},
    )


@require_safe
def kecamatan_detail(request: HttpRequest, region: str, kecamatan: str) -> HttpResponse:
    obj = access_kecamatan(request=request, slug=kecamatan, action=Action.VIEW_KECAMATAN)
    return render(
        request,
        "evaluations/kecamatan_detail.html",
        {"kecamatan": obj, "participations": selectors.kecamatan_participations(kecamatan=obj)},
    )


def period_new(request: HttpRequest, region: str) -> HttpResponse:
    access_region(request=request, action=Action.MANAGE_REGION)
    form = PeriodForm(
        posted_data(request),
        instrument_sets=instrument_set_list(),
        kecamatan=selectors.kecamatan_list(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = period_create(
                region=request.region,
                slug=data["slug"],
                name=data["name"],
                year_evaluated=data["year_evaluated"],
                instrument_set=data["instrument_set"],
                kecamatan=data["kecamatan"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Periode %(period)s dibuat.") % {"period": period})
            return redirect("period_team", region=region, period=period.slug)
    status = 422 if form.errors else 200
    return render(request, "evaluations/period_form.html", {"form": form}, status=status)


def period_team(request: HttpRequest, region: str, period: str) -> HttpResponse:
    obj = access_period(request=request, slug=period, action=_setup_action(request))
    form = _team_form(obj, posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            teams_set(period=obj, seats=form.seats(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Tim penilai disimpan."))
            return redirect("period_detail", region=region, period=obj.slug)
    return _team_page(request, obj, form=form, status=422 if form.errors else 200)


def _team_page(
    request: HttpRequest,
    period: Period,
    *,
    form: TeamForm | None = None,
    absence_form: AbsenceForm | None = None,
    withdraw_failed: tuple[int, AbsenceWithdrawForm] | None = None,
    failed: StageTeamForm | AssignmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    form = form or _team_form(period, None)
    book = absence_book(period=period)
    kecamatan = list(selectors.kecamatan_list().filter(participations__period=period))
    stage_teams = []
    for team in selectors.period_stage_teams(period=period):
        describe = _stage_team_form(team, None)
        assign = _assignment_form(team, kecamatan, None)
        if failed is not None and failed.stage.pk == team.stage.pk:
            describe = failed if isinstance(failed, StageTeamForm) else describe
            assign = failed if isinstance(failed, AssignmentForm) else assign
        stage_teams.append((team, describe, assign))
    standing = [
        (row, withdraw_failed[1] if withdraw_failed and withdraw_failed[0] == row.pk else None)
        for row in book.standing
    ]
    return render(
        request,
        "evaluations/period_team.html",
        {
            "period": period,
            "form": form,
            "refusal": _setup_refusal(period),
            "absence_form": absence_form or _absence_form(period),
            "absence_refusal": period_refusal(period=period, action=PeriodAction.RECORD_DECISIONS),
            "absences": standing,
            "absence_history": book.history,
            "stage_teams": stage_teams,
        },
        status=status,
    )


def _stage_team_form(team: selectors.TeamComposition, data: dict[str, Any] | None) -> StageTeamForm:
    return StageTeamForm(data, stage=team.stage, seats=team.seats, appointment=team.appointment)


def _assignment_form(
    team: selectors.TeamComposition, kecamatan: list[Kecamatan], data: dict[str, Any] | None
) -> AssignmentForm:
    return AssignmentForm(
        data, stage=team.stage, seats=team.seats, kecamatan=kecamatan, assigned=team.assigned
    )


def _stage_team(period: Period, stage: int) -> selectors.TeamComposition:
    team = next(
        (t for t in selectors.period_stage_teams(period=period) if t.stage.pk == stage), None
    )
    if team is None:
        raise Http404
    return team


@require_POST
def period_team_stage(request: HttpRequest, region: str, period: str, stage: int) -> HttpResponse:
    """One stage's team as its SK appoints it: origins, jabatan and the SK itself."""
    obj = access_period(request=request, slug=period, action=PeriodAction.CHANGE_SETUP)
    team = _stage_team(obj, stage)
    form = _stage_team_form(team, request.POST)
    if form.is_valid():
        try:
            team_describe(
                period=obj,
                stage=team.stage,
                seats=form.described(),
                appointment=form.appointment(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Susunan tim tahap %(stage)s disimpan.") % {"stage": team.stage.name}
            )
            return redirect(_team_url(region, obj, f"susunan-{team.stage.pk}"))
    return _team_page(request, obj, failed=form, status=422)


@require_POST
def period_team_assignments(
    request: HttpRequest, region: str, period: str, stage: int
) -> HttpResponse:
    """Which kecamatan each member of one stage's team scores."""
    obj = access_period(request=request, slug=period, action=PeriodAction.CHANGE_SETUP)
    team = _stage_team(obj, stage)
    kecamatan = list(selectors.kecamatan_list().filter(participations__period=obj))
    form = _assignment_form(team, kecamatan, request.POST)
    if form.is_valid():
        try:
            assignments_set(period=obj, stage=team.stage, chosen=form.chosen(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Penugasan penilai tahap %(stage)s disimpan.") % {"stage": team.stage.name},
            )
            return redirect(_team_url(region, obj, f"penugasan-{team.stage.pk}"))
    return _team_page(request, obj, failed=form, status=422)


def _team_form(period: Period, data: dict | None) -> TeamForm:
    return TeamForm(
        data,
        stages=selectors.period_team_stages(period=period),
        penilai=selectors.penilai_list(),
        seats=selectors.period_team_seats(period=period),
    )


def _absence_form(period: Period, data: dict | None = None) -> AbsenceForm:
    return AbsenceForm(
        data,
        seats=TeamMember.objects.filter(period=period)
        .select_related("user__profile", "stage")
        .order_by("stage__order", "order", "user__username"),
        kecamatan=selectors.kecamatan_list().filter(participations__period=period),
    )


@require_POST
def absence_add(request: HttpRequest, region: str, period: str) -> HttpResponse:
    obj = access_period(request=request, slug=period, action=PeriodAction.RECORD_DECISIONS)
    form = _absence_form(obj, request.POST)
    if form.is_valid():
        seat, kind = form.cleaned_data["seat"], form.cleaned_data["kind"]
        where = {
            "period": obj,
            "stage": seat.stage,
            "kecamatan": form.cleaned_data["kecamatan"],
            "member": seat.user,
            "reason": form.cleaned_data["reason"],
            "by": request.user,
        }
        try:
            if kind == CONFLICT:
                conflict_record(**where)
            else:
                absence_record(kind=kind, **where)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Ketidakhadiran penilai dicatat."))
            return redirect(_team_url(region, obj))
    return _team_page(request, obj, absence_form=form, status=422)


@require_POST
def absence_remove(request: HttpRequest, region: str, period: str, absence: int) -> HttpResponse:
    obj = access_period(request=request, slug=period, action=PeriodAction.RECORD_DECISIONS)
    row = next((row for row in absence_book(period=obj).standing if row.pk == absence), None)
    if row is None:
        raise Http404
    form = AbsenceWithdrawForm(request.POST)
    if form.is_valid():
        try:
            absence_withdraw(
                period=obj,
                stage=row.stage,
                kecamatan=row.kecamatan,
                member=row.member,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Catatan ketidakhadiran ditarik."))
            return redirect(_team_url(region, obj))
    return _team_page(request, obj, withdraw_failed=(row.pk, form), status=422)


def _team_url(region: str, period: Period, anchor: str = "ketidakhadiran") -> str:
    return reverse("period_team", kwargs={"region": region, "period": period.slug}) + (f"#{anchor}")


@require_safe
def period_participants(request: HttpRequest, region: str, period: str) -> HttpResponse:
    obj = access_period(request=request, slug=period, action=PeriodAction.MANAGE)
    return _participants_page(request, obj)


@require_POST
def participant_update(
    request: HttpRequest, region: str, period: str, kecamatan: str
) -> HttpResponse:
    obj = access_period(request=request, slug=period, action=PeriodAction.CHANGE_SETUP)
    participation = get_object_or_404(
        selectors.period_participations(period=obj), kecamatan__slug=kecamatan
    )
    form = NotScoredForm(request.POST)
    scored = request.POST.get("action") == "nilai"
    if form.is_valid():
        try:
            participation_set_scored(
                period=obj,
                kecamatan=participation.kecamatan,
                scored=scored,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if scored:
                done = _("%(kecamatan)s dinilai kembali.")
            else:
                done = _("%(kecamatan)s ditandai tidak dinilai.")
            messages.success(request, done % {"kecamatan": participation.kecamatan})
            return redirect("period_participants", region=region, period=obj.slug)
    return _participants_page(request, obj, failed=(participation.pk, form), status=422)


def _participants_page(
    request: HttpRequest,
    period: Period,
    failed: tuple[int, NotScoredForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = [
        (p, failed[1] if failed and failed[0] == p.pk else NotScoredForm())
        for p in selectors.period_participations(period=period)
    ]
    rules = [s for s in period.instrument_set.stages.all() if s.disqualify_if_incomplete]
    return render(
        request,
        "evaluations/period_participants.html",
        {"period": period, "rows": rows, "rules": rules, "refusal": _setup_refusal(period)},
        status=status,
    )


def period_status(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """Start, close or reopen a period: GET asks for confirmation (and, to reopen, the
    reason), POST makes the move through the transition service."""
    obj = access_period(request=request, slug=period, action=PeriodAction.CHANGE_STATUS)
    target = request.POST.get("status") or request.GET.get("ke", "")
    if not PERIOD_STATUS.allows(obj.status, target):
        messages.error(
            request,
            _("Status periode tidak dapat diubah dari %(old)s menjadi %(new)s.")
            % {"old": PERIOD_STATUS.label(obj.status), "new": PERIOD_STATUS.label(target)},
        )
        return redirect("period_detail", region=region, period=obj.slug)
    form = PeriodStatusForm(
        posted_data(request), reason_required=(obj.status, target) in PERIOD_STATUS.reason_required
    )
    if request.method == "POST" and form.is_valid():
        try:
            period_set_status(
                period=obj, status=target, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Status periode sekarang: %(status)s.") % {"status": obj.get_status_display()},
            )
            return redirect("period_detail", region=region, period=obj.slug)
    return render(
        request,
        "evaluations/period_status.html",
        {
            "period": obj,
            "target": target,
            "target_label": PERIOD_STATUS.label(target),
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@require_safe
def period_detail(request: HttpRequest, region: str, period: str) -> HttpResponse:
    obj = access_period(request=request, slug=period, action=PeriodAction.VIEW)
    can_manage = can(request.user, Action.MANAGE_REGION, request.region)
    return render(
        request,
        "evaluations/period_detail.html",
        {
            "period": obj,
            "stages": selectors.period_stages_with_teams(period=obj),
            "participant_count": obj.participations.count(),
            "can_manage": can_manage,
            "can_view_results": can(request.user, Action.VIEW_RESULTS, request.region),
            "status_moves": selectors.period_status_moves(period=obj) if can_manage else [],
            "history": transition_history_labelled(obj=obj, machine=PERIOD_STATUS)
            if can_manage
            else [],
            "values_refusal": period_refusal(period=obj, action=PeriodAction.ENTER_VALUES),
        },
    )


@require_safe
def ranking(request: HttpRequest, region: str, period: str) -> HttpResponse:
    obj = access_period(request=request, slug=period, action=PeriodAction.VIEW_RESULTS)
    return _ranking_page(request, obj)


def _ranking_page(
    request: HttpRequest,
    period: Period,
    failed: TieDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    result = selectors.ranking_for_period(period=period, trace=False)
    can_manage = can(request.user, Action.MANAGE_REGION, request.region)
    decision_refusal = period_refusal(period=period, action=PeriodAction.RECORD_DECISIONS)
    tie_forms = []
    if can_manage and decision_refusal is None:
        # Only a tie whose awards are withheld waits for the Tim.
        withheld = {frozenset(tie.keys) for tie in result.undecided_ties}
        for tie in ranking_ties(result):
            if tie.decided or frozenset(tie.keys) not in withheld:
                continue
            same = failed is not None and failed.tie.keys == tie.keys
            tie_forms.append(failed if same else TieDecisionForm(tie=tie))
    return render(
        request,
        "evaluations/ranking.html",
        {
            "period": period,
            "ranking": result,
            "warnings": messages_text(result.warnings),
            "table": ranking_table(result),
            "has_scores": selectors.period_has_scores(period=period),
            "can_manage": can_manage,
            "tie_forms": tie_forms,
            "withheld": {key for tie in result.undecided_ties for key in tie.keys},
            "decision_history": tie_decision_history(period=period) if can_manage else [],
        },
        status=status,
    )


@require_POST
def tie_decision_add(request: HttpRequest, region: str, period: str) -> HttpResponse:
    obj = access_period(request=request, slug=period, action=PeriodAction.RECORD_DECISIONS)
    wanted = tuple(request.POST.get("tie", "").split(","))
    tie = next(
        (t for t in ranking_ties(selectors.ranking_for_period(period=obj, trace=False))
         if t.keys == wanted and not t.decided),
        None,
    )  # fmt: skip
    if tie is None:
        messages.error(
            request,
            _("Nilai seri itu sudah berubah atau sudah diputuskan; periksa peringkat terbaru."),
        )
        return redirect("ranking", region=region, period=obj.slug)
    form = TieDecisionForm(request.POST, tie=tie)
    if form.is_valid():
        by_slug = {k.slug: k for k in selectors.kecamatan_list().filter(slug__in=tie.keys)}
        try:
            tie_decision_record(
                period=obj,
                order=[by_slug[key] for key in form.order_keys()],
                reason=form.cleaned_data["reason"],
                meeting=form.cleaned_data["meeting"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Keputusan Tim atas nilai seri dicatat."))
            return redirect("ranking", region=region, period=obj.slug)
    return _ranking_page(request, obj, failed=form, status=422)


@require_safe
def ranking_breakdown(
    request: HttpRequest, region: str, period: str, kecamatan: str
) -> HttpResponse:
    obj = access_period(request=request, slug=period, action=PeriodAction.VIEW_RESULTS)
    result = selectors.ranking_for_period(period=obj)
    participant = next((r for r in result.results if r.key == kecamatan), None)
    if participant is None:
        raise Http404
    kecamatan_obj = selectors.kecamatan_list().filter(slug=kecamatan).first()
    people = people_by_username(
        usernames={m.assessor for s in participant.stages for m in s.members}
        | messages_usernames((*result.warnings, *participant.notes))
        | {a.recorded_by for s in participant.stages for a in s.absences}
    )
    return render(
        request,
        "evaluations/ranking_breakdown.html",
        {
            "period": obj,
            "result": participant,
            "warnings": messages_text(result.warnings, people),
            "notes": messages_text(participant.notes, people),
            "part_labels": _part_labels(obj),
            "history": selectors.value_history(period=obj, kecamatan=kecamatan_obj),
            "assessors": people,
        },
    )


def _part_labels(period: Period) -> dict[str, str]:
    """Labels of the set's multi-part cells for the breakdown ("Realisasi fisik 2024 (%)")."""
    spec = instrument_spec_for(period=period)
    return {
        entry_key(stage.code, aspect.code, indicator.code, part): part_label(
            indicator, part, period.year_evaluated
        )
        for stage in spec.stages
        for aspect in stage.aspects
        for indicator in aspect.indicators
        for part, _rule in indicator.cells
        if part
    }


@require_safe
def score_template(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """The whole template, or with `?penilai=<username>` one team member's rows."""
    obj = access_period(request=request, slug=period, action=PeriodAction.MANAGE)
    return _template_download(request, obj, request.GET.get("penilai") or None)


@require_safe
def score_template_own(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """A penilai's own rows: every kecamatan of the stages they are seated on."""
    obj = access_period(request=request, slug=period, action=PeriodAction.OWN_SHEETS)
    return _template_download(request, obj, request.user.get_username())


def _template_download(request: HttpRequest, period: Period, penilai: str | None) -> HttpResponse:
    try:
        content = score_template_bytes(period=period, penilai=penilai)
    except NotOnTeam:
        raise Http404 from None
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    who = f"-{slugify(penilai)}" if penilai else ""
    filename = f"nilai-{request.region.slug}-{period.slug}{who}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def score_upload(request: HttpRequest, region: str, period: str) -> HttpResponse:
    write = request.method == "POST"
    obj = access_period(
        request=request,
        slug=period,
        action=PeriodAction.ENTER_VALUES if write else PeriodAction.MANAGE,
    )
    form = ScoreWorkbookForm(posted_data(request), request.FILES or None)
    context = {
        "period": obj,
        "form": form,
        "refusal": period_refusal(period=obj, action=PeriodAction.ENTER_VALUES),
    }
    if request.method == "POST" and form.is_valid():
        try:
            result = scores_import(
                period=obj, workbook=form.cleaned_data["workbook"], by=request.user
            )
        except ScoreImportError as error:
            context["refused"] = problem_list(error.messages)
            return render(request, "evaluations/score_upload.html", context, status=422)
        context["result"] = result
    return render(
        request,
        "evaluations/score_upload.html",
        context,
        status=422 if form.errors else 200,
    )


def _setup_action(request: HttpRequest) -> PeriodAction:
    return PeriodAction.CHANGE_SETUP if request.method == "POST" else PeriodAction.MANAGE


def _setup_refusal(period: Period) -> str | None:
    return period_refusal(period=period, action=PeriodAction.CHANGE_SETUP)


# ---------------------------------------------------------------- sheets in the browser


@require_safe
def sheet_list(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """The sheets of the period the user may see, with their state."""
    obj = access_period(request=request, slug=period, action=PeriodAction.VIEW)
    sheets = sheets_visible_to(
        period=obj, user=request.user, roles={m.role for m in request.memberships}
    ).order_by("stage__order", "kecamatan__name", "assessor__username")
    return render(request, "evaluations/sheet_list.html", {"period": obj, "sheets": sheets})


def sheet_edit(request: HttpRequest, region: str, period: str, sheet: int) -> HttpResponse:
    """One sheet as a form: every cell with its rule; saving goes through the sheet write
    service with the version shown and a key made when the page was drawn, so pressing
    Save twice stores once and a change made elsewhere meanwhile is shown, not lost.

    A kecamatan's own sheet also takes its operator's evidence in the same post (plain
    multipart, no script needed): new files per indicator, a file in place of a current
    one, a current one withdrawn. Every file is checked first, and a refused one stores
    nothing of the post, keeping what was typed."""
    obj = access_sheet(request=request, sheet_id=sheet)
    if obj.period.slug != period:
        raise Http404
    evidence = evidence_by_indicator(sheet=obj) if obj.is_kecamatan_sheet else {}
    # A member's sheet shows the kecamatan's accepted self-assessment beside it, and starts
    # the choices the kecamatan answered first from its answers (Pekalongan K1).
    submissions = [] if obj.is_kecamatan_sheet else submission_for(sheet=obj)
    refusal = sheet_write_refusal(sheet=obj, user=request.user)
    answers = (
        {  # a locked sheet shows what is stored, nothing prefilled
            k: v for submission in submissions for k, v in submission.answers.items()
        }
        if refusal is None
        else {}
    )
    form = SheetForm(
        posted_data(request),
        request.FILES or None,
        sheet=obj,
        evidence=evidence,
        answers=answers,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # values and files together, or nothing
                sheet_write(
                    sheet=obj,
                    expected_version=form.cleaned_data["version"],
                    values=form.values(),
                    by=request.user,
                    via=ValueChange.Via.FORM,
                    key=form.cleaned_data["key"],
                    body_hash=request_fingerprint(form.fingerprint()),
                    notes=form.notes_to_store(request.user),
                )
                if form.evidence_files or form.withdraw:
                    evidence_attach(
                        sheet=obj,
                        files=form.evidence_files,
                        withdraw=form.withdraw,
                        by=request.user,
                    )
            done = _("Lembar disimpan.")
            if form.cleaned_data["action"] == "submit":
                sheet_submit(sheet=obj, expected_version=obj.version, by=request.user)
                done = _("Lembar difinalkan.") if obj.assessor_id else _("Lembar diajukan.")
        except SheetWriteError as error:
            form.add_write_error(error)
            status = error.status if error.status != 403 else 409
        else:
            messages.success(request, done)
            return redirect("sheet_edit", region=region, period=period, sheet=obj.pk)
    elif form.errors:
        status = 413 if form.too_large else 422
    context = {
        "period": obj.period,
        "sheet": obj,
        "form": form,
        # Asked again: a refused write may have met a state the page must now show.
        "refusal": sheet_write_refusal(sheet=obj, user=request.user),
        "notes_editable": obj.assessor_id == request.user.pk,
        "note_history": selectors.note_history(sheet=obj),
        "submissions": submissions,
    }
    if obj.is_kecamatan_sheet:
        context["evidence_refusal"] = evidence_refusal(sheet=obj, user=request.user)
        if context["evidence_refusal"] is None and obj.state == Sheet.State.DRAFT:
            context["copy_source"] = sheet_copy_source(sheet=obj)
        state = selectors.self_assessment_state(sheet=obj)
        if state["repair"] is not None:
            form.comments = state["repair"].comments
        context.update(state)
    return render(request, "evaluations/sheet_edit.html", context, status=status)


@require_POST
def sheet_copy_previous_view(
    request: HttpRequest, region: str, period: str, sheet: int
) -> HttpResponse:
    """The operator copies last period's answers into the empty cells of their draft."""
    obj = access_sheet(request=request, sheet_id=sheet)
    if obj.period.slug != period or not obj.is_kecamatan_sheet:
        raise Http404
    try:
        outcome = sheet_copy_previous(sheet=obj, by=request.user)
    except SheetWriteError as error:
        messages.error(request, error.message)
    else:
        if outcome.source is None:
            messages.error(request, _("Tidak ada lembar periode sebelumnya untuk disalin."))
        else:
            done = _(
                "%(n)s isian disalin dari %(period)s. Data dukung tidak ikut disalin; unggah "
                "berkasnya lagi."
            ) % {"n": outcome.copied, "period": outcome.source.period.name}
            if outcome.skipped:
                done += " " + _(
                    "%(n)s jawaban lama tidak sesuai aturan set sekarang dan tidak disalin."
                ) % {"n": outcome.skipped}
            messages.success(request, done)
    return redirect("sheet_edit", region=region, period=period, sheet=obj.pk)


# ---------------------------------------------------------------- Tapem verifies self-assessments


@require_safe
def verification_queue(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """Every kecamatan's own sheet of the period at a glance: state, files, deadlines."""
    obj = access_period(request=request, slug=period, action=PeriodAction.MANAGE)
    handovers: dict[int, list[HandOver]] = {}
    for handover in HandOver.objects.filter(period=obj).select_related("to__profile", "by"):
        handovers.setdefault(handover.stage_id, []).append(handover)
    seats: dict[int, list[TeamMember]] = {}
    for seat in TeamMember.objects.filter(period=obj).select_related("user__profile"):
        seats.setdefault(seat.stage_id, []).append(seat)
    stages = [
        (entry, handovers.get(entry.stage.pk, []), seats.get(entry.stage.pk, []))
        for entry in selectors.verification_queue(period=obj)
    ]
    return render(
        request,
        "evaluations/verification_queue.html",
        {"period": obj, "stages": stages, "now": timezone.now()},
    )


@require_POST
def handover_add(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """Tapem hands a stage's accepted self-assessments to the Penilai Kinerja Mandiri."""
    obj = access_period(request=request, slug=period, action=PeriodAction.MANAGE)
    seat = (
        TeamMember.objects.filter(period=obj, pk=request.POST.get("seat") or 0)
        .select_related("stage", "user")
        .first()
    )
    if seat is None:
        messages.error(request, _("Pilih penilai yang menerima penyerahan."))
    else:
        try:
            handover = handover_record(period=obj, stage=seat.stage, to=seat.user, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(n)s isian diserahkan kepada %(person)s.")
                % {"n": len(handover.kecamatan), "person": person_name(seat.user)},
            )
    return redirect("verification_queue", region=region, period=obj.slug)


def _review_sheet(request: HttpRequest, period: str, sheet: int) -> tuple[Period, Sheet]:
    action = PeriodAction.ENTER_VALUES if request.method == "POST" else PeriodAction.MANAGE
    obj = access_period(request=request, slug=period, action=action)
    kecamatan_sheet = (
        Sheet.objects.filter(period=obj, assessor__isnull=True, pk=sheet)
        .select_related("period__region", "stage", "kecamatan")
        .first()
    )
    if kecamatan_sheet is None:
        raise Http404
    return obj, kecamatan_sheet


def _reviewable(period: Period, sheet: Sheet) -> bool:
    return (
        sheet.state == Sheet.State.SUBMITTED
        and period_refusal(period=period, action=PeriodAction.ENTER_VALUES) is None
    )


def sheet_review(request: HttpRequest, region: str, period: str, sheet: int) -> HttpResponse:
    """One kecamatan's answers and evidence side by side; Tapem marks each indicator
    verified or needing repair, then returns the sheet for repair or accepts it."""
    obj, kecamatan_sheet = _review_sheet(request, period, sheet)
    rows = selectors.sheet_review_rows(sheet=kecamatan_sheet)
    form = ReviewForm(posted_data(request), rows=rows)
    status = 200
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"] or "save"
        try:
            sheet_verify(
                sheet=kecamatan_sheet,
                verdicts=form.verdicts(),
                decision="" if decision == "save" else decision,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ReviewRefused as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            done = {
                "save": _("Hasil verifikasi disimpan."),
                "return": _("Lembar %(kecamatan)s dikembalikan untuk perbaikan."),
                "accept": _("Lembar %(kecamatan)s diterima."),
            }[decision]
            messages.success(request, done % {"kecamatan": kecamatan_sheet.kecamatan})
            if decision == "save":
                return redirect("sheet_review", region=region, period=period, sheet=sheet)
            return redirect("verification_queue", region=region, period=period)
    elif form.errors:
        status = 422
    return render(
        request,
        "evaluations/sheet_review.html",
        {
            "period": obj,
            "sheet": kecamatan_sheet,
            "form": form,
            "reviewable": _reviewable(obj, kecamatan_sheet),
            **selectors.self_assessment_state(sheet=kecamatan_sheet),
        },
        status=status,
    )


@require_POST
def sheet_review_mark(
    request: HttpRequest, region: str, period: str, sheet: int, indicator: int
) -> HttpResponse:
    """Tapem marks one indicator verified or needing repair (with a comment). From htmx
    (the row's button) the answer is the row's verification cell, saved or with the
    reason it was not; without JavaScript the button posts the whole page's form here and
    is sent back to the page at that indicator."""
    obj, kecamatan_sheet = _review_sheet(request, period, sheet)
    rows = selectors.sheet_review_rows(sheet=kecamatan_sheet)
    row = next((r for r in rows if r.indicator_id == indicator), None)
    if row is None:
        raise Http404
    verdict = request.POST.get(f"verdict-{indicator}", "")
    comment = request.POST.get(f"comment-{indicator}", "")
    error = ""
    try:
        indicator_review(
            sheet=kecamatan_sheet,
            indicator_code=row.code,
            verdict=verdict,
            comment=comment,
            by=request.user,
        )
    except ReviewRefused as refused:
        error, status = refused.message, refused.status
    else:
        status = 200
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, f"{row.code}: {error}")
        else:
            messages.success(request, _("Verifikasi %(code)s disimpan.") % {"code": row.code})
        back = reverse("sheet_review", kwargs={"region": region, "period": period, "sheet": sheet})
        return redirect(f"{back}#indikator-{indicator}")
    if error:  # keep what was typed, say why beside it
        form = ReviewForm(request.POST, rows=[row])
        form.is_valid()
    else:
        row = next(
            r
            for r in selectors.sheet_review_rows(sheet=kecamatan_sheet)
            if r.indicator_id == indicator
        )
        form = ReviewForm(rows=[row])
    [(row, verdict_field, comment_field)] = form.grouped()
    # htmx swaps only a 2xx answer; the refusal is in the cell, status in a header.
    response = render(
        request,
        "evaluations/_partials/review_mark.html",
        {
            "period": obj,
            "sheet": kecamatan_sheet,
            "row": row,
            "verdict": verdict_field,
            "comment": comment_field,
            "reviewable": _reviewable(obj, kecamatan_sheet),
            "error": error,
            "saved": not error,
        },
    )
    response["X-Kinerja-Status"] = str(status)
    return response


def sheet_disqualify_confirm(
    request: HttpRequest, region: str, period: str, sheet: int
) -> HttpResponse:
    """Tapem confirms that the kecamatan is not scored: the sheet and the participation.
    The reason starts as the set's for the stage; an open proposal of the deadline sweep is
    shown with the deadline that passed, and may be dismissed instead."""
    obj, kecamatan_sheet = _review_sheet(request, period, sheet)
    form = DisqualifyForm(
        posted_data(request), initial={"reason": disqualification_reason(sheet=kecamatan_sheet)}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            sheet_disqualify(
                sheet=kecamatan_sheet, reason=form.cleaned_data["reason"], by=request.user
            )
        except ReviewRefused as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(
                request,
                _("%(kecamatan)s ditandai tidak dinilai.")
                % {"kecamatan": kecamatan_sheet.kecamatan},
            )
            return redirect("verification_queue", region=region, period=period)
    elif form.errors:
        status = 422
    return _disqualify_page(request, obj, kecamatan_sheet, form, ProposalDismissForm(), status)


def _disqualify_page(
    request: HttpRequest,
    period: Period,
    sheet: Sheet,
    form: DisqualifyForm,
    dismiss_form: ProposalDismissForm,
    status: int,
) -> HttpResponse:
    return render(
        request,
        "evaluations/sheet_disqualify.html",
        {
            "period": period,
            "sheet": sheet,
            "form": form,
            "dismiss_form": dismiss_form,
            "proposal": proposals_open(period=period).get(sheet.pk),
            "movable": KECAMATAN_SHEET.allows(sheet.state, Sheet.State.DISQUALIFIED),
            **selectors.self_assessment_state(sheet=sheet),
        },
        status=status,
    )


@require_POST
def proposal_dismiss_view(
    request: HttpRequest, region: str, period: str, sheet: int
) -> HttpResponse:
    """Tapem declines the sweep's proposal to disqualify, with a reason (and perhaps a new
    repair deadline)."""
    obj, kecamatan_sheet = _review_sheet(request, period, sheet)
    proposal = proposals_open(period=obj).get(kecamatan_sheet.pk)
    if proposal is None:
        raise Http404
    dismiss_form = ProposalDismissForm(request.POST)
    status = 422
    if dismiss_form.is_valid():
        try:
            proposal_dismiss(
                proposal=proposal,
                reason=dismiss_form.cleaned_data["reason"],
                repair_by=dismiss_form.cleaned_data["repair_by"],
                by=request.user,
            )
        except ReviewRefused as error:
            dismiss_form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(
                request,
                _("Usulan tidak dinilai untuk %(kecamatan)s ditolak.")
                % {"kecamatan": kecamatan_sheet.kecamatan},
            )
            return redirect("verification_queue", region=region, period=period)
    form = DisqualifyForm(initial={"reason": disqualification_reason(sheet=kecamatan_sheet)})
    return _disqualify_page(request, obj, kecamatan_sheet, form, dismiss_form, status)


def period_deadlines(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """The period's deadlines for the stages the kecamatan fills (Asia/Jakarta)."""
    obj = access_period(request=request, slug=period, action=_setup_action(request))
    form = DeadlinesForm(
        posted_data(request), stages=selectors.period_self_assessment_stages(period=obj)
    )
    if request.method == "POST" and form.is_valid():
        try:
            stage_deadlines_set(period=obj, deadlines=form.deadlines())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Batas waktu disimpan."))
            return redirect("verification_queue", region=region, period=obj.slug)
    return render(
        request,
        "evaluations/period_deadlines.html",
        {"period": obj, "form": form, "refusal": _setup_refusal(obj)},
        status=422 if form.errors else 200,
    )
