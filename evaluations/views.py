from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from evaluations import selectors
from evaluations.access import Action, require
from evaluations.models import Role, TeamMember


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
