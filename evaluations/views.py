from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.http import posted_data, problem_list
from evaluations import selectors
from evaluations.access import Action, can, require
from evaluations.forms import NotScoredForm, PeriodForm, ScoreWorkbookForm, TeamForm
from evaluations.models import Period, Role, TeamMember
from evaluations.presentation import ranking_table
from evaluations.score_workbook import score_template_bytes
from evaluations.services import (
    ScoreImportError,
    participation_set_scored,
    period_create,
    period_set_status,
    scores_import,
    teams_set,
)
from instruments.selectors import instrument_set_list


@login_required
def home(request: HttpRequest) -> HttpResponse:
    regions = list(selectors.regions_for_user(user=request.user))
    if len(regions) == 1:
        return redirect("dashboard", region=regions[0].slug)
    return render(request, "evaluations/region_picker.html", {"regions": regions})


def dashboard(request: HttpRequest, region: str) -> HttpResponse:
    roles = {membership.role for membership in request.memberships}
    context = {
        "memberships": request.memberships,
        "periods": list(selectors.period_list()),
        "kecamatan_count": selectors.kecamatan_list().count(),
        "operator_kecamatan": [m.kecamatan for m in request.memberships if m.kecamatan_id],
        "team_seats": list(
            TeamMember.objects.filter(user=request.user).select_related("period", "stage")
        )
        if Role.PENILAI in roles
        else [],
    }
    return render(request, "evaluations/dashboard.html", context)


def kecamatan_list(request: HttpRequest, region: str) -> HttpResponse:
    require(request.user, Action.VIEW_REGION, request.region)
    return render(
        request,
        "evaluations/kecamatan_list.html",
        {"kecamatan_list": selectors.kecamatan_list()},
    )


def kecamatan_detail(request: HttpRequest, region: str, kecamatan: str) -> HttpResponse:
    obj = get_object_or_404(selectors.kecamatan_list(), slug=kecamatan)
    require(request.user, Action.VIEW_KECAMATAN, obj)
    return render(
        request,
        "evaluations/kecamatan_detail.html",
        {"kecamatan": obj, "participations": selectors.kecamatan_participations(kecamatan=obj)},
    )


def _period_or_404(slug: str) -> Period:
    return get_object_or_404(selectors.period_list(), slug=slug)


def period_new(request: HttpRequest, region: str) -> HttpResponse:
    require(request.user, Action.MANAGE_REGION, request.region)
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
    require(request.user, Action.MANAGE_REGION, request.region)
    obj = _period_or_404(period)
    form = TeamForm(
        posted_data(request),
        stages=selectors.period_team_stages(period=obj),
        penilai=selectors.penilai_list(),
        seats=selectors.period_team_seats(period=obj),
    )
    if request.method == "POST" and form.is_valid():
        try:
            teams_set(period=obj, seats=form.seats())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Tim penilai disimpan."))
            return redirect("period_detail", region=region, period=obj.slug)
    status = 422 if form.errors else 200
    return render(
        request, "evaluations/period_team.html", {"period": obj, "form": form}, status=status
    )


def period_participants(request: HttpRequest, region: str, period: str) -> HttpResponse:
    require(request.user, Action.MANAGE_REGION, request.region)
    obj = _period_or_404(period)
    return _participants_page(request, obj)


@require_POST
def participant_update(
    request: HttpRequest, region: str, period: str, kecamatan: str
) -> HttpResponse:
    require(request.user, Action.MANAGE_REGION, request.region)
    obj = _period_or_404(period)
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
        {"period": period, "rows": rows, "rules": rules},
        status=status,
    )


@require_POST
def period_status(request: HttpRequest, region: str, period: str) -> HttpResponse:
    require(request.user, Action.MANAGE_REGION, request.region)
    obj = _period_or_404(period)
    try:
        obj = period_set_status(period=obj, status=request.POST.get("status", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Status periode sekarang: %(status)s.") % {"status": obj.get_status_display()},
        )
    return redirect("period_detail", region=region, period=obj.slug)


def period_detail(request: HttpRequest, region: str, period: str) -> HttpResponse:
    require(request.user, Action.VIEW_REGION, request.region)
    obj = _period_or_404(period)
    return render(
        request,
        "evaluations/period_detail.html",
        {
            "period": obj,
            "stages": selectors.period_stages_with_teams(period=obj),
            "participant_count": obj.participations.count(),
            "can_manage": can(request.user, Action.MANAGE_REGION, request.region),
            "can_view_results": can(request.user, Action.VIEW_RESULTS, request.region),
        },
    )


def ranking(request: HttpRequest, region: str, period: str) -> HttpResponse:
    require(request.user, Action.VIEW_RESULTS, request.region)
    obj = _period_or_404(period)
    result = selectors.ranking_for_period(period=obj, trace=False)
    return render(
        request,
        "evaluations/ranking.html",
        {
            "period": obj,
            "ranking": result,
            "table": ranking_table(result),
            "has_scores": selectors.period_has_scores(period=obj),
            "can_manage": can(request.user, Action.MANAGE_REGION, request.region),
        },
    )


def ranking_breakdown(
    request: HttpRequest, region: str, period: str, kecamatan: str
) -> HttpResponse:
    require(request.user, Action.VIEW_RESULTS, request.region)
    obj = _period_or_404(period)
    result = selectors.ranking_for_period(period=obj)
    participant = next((r for r in result.results if r.key == kecamatan), None)
    if participant is None:
        raise Http404
    return render(
        request,
        "evaluations/ranking_breakdown.html",
        {"period": obj, "result": participant, "warnings": result.warnings},
    )


def score_template(request: HttpRequest, region: str, period: str) -> HttpResponse:
    require(request.user, Action.MANAGE_REGION, request.region)
    obj = _period_or_404(period)
    response = HttpResponse(
        score_template_bytes(period=obj),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"nilai-{request.region.slug}-{obj.slug}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def score_upload(request: HttpRequest, region: str, period: str) -> HttpResponse:
    require(request.user, Action.MANAGE_REGION, request.region)
    obj = _period_or_404(period)
    form = ScoreWorkbookForm(posted_data(request), request.FILES or None)
    context = {"period": obj, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            result = scores_import(
                period=obj, workbook=form.cleaned_data["workbook"], by=request.user
            )
        except ScoreImportError as error:
            context["refused"] = problem_list(error.messages)
            return render(request, "evaluations/score_upload.html", context, status=422)
        context["result"] = result
    return render(request, "evaluations/score_upload.html", context)
