from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from evaluations import selectors
from evaluations.access import Action, can, require
from evaluations.forms import ScoreWorkbookForm
from evaluations.models import Period, Role, TeamMember
from evaluations.presentation import ranking_table
from evaluations.score_workbook import score_template_bytes
from evaluations.services import ScoreImportError, scores_import


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
    return render(request, "evaluations/kecamatan_detail.html", {"kecamatan": obj})


def _period_or_404(slug: str) -> Period:
    return get_object_or_404(selectors.period_list(), slug=slug)


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
    form = ScoreWorkbookForm(request.POST or None, request.FILES or None)
    context = {"period": obj, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            result = scores_import(
                period=obj, workbook=form.cleaned_data["workbook"], by=request.user
            )
        except ScoreImportError as error:
            context["refused"] = error.messages
            return render(request, "evaluations/score_upload.html", context, status=422)
        context["result"] = result
    return render(request, "evaluations/score_upload.html", context)
