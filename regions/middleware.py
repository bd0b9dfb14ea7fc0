"""Resolve the region in the URL, check the user belongs to it, and activate its scope."""

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from regions.access import StateConflict
from regions.models import Membership, Region


class RegionScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.region = None
        request.memberships = []
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)

        if match.app_name == "admin":
            # Django admin is the superuser's cross-region tool; it is staff-only by itself.
            with scopes_disabled():
                return self.get_response(request)

        region_slug = match.kwargs.get("region")
        if region_slug is None:
            return self.get_response(request)

        is_api = match.namespace == "api"
        region = Region.objects.filter(slug=region_slug, is_active=True).first()
        if region is None:
            return self._not_found(is_api)
        if not request.user.is_authenticated:
            if is_api:  # a script gets an answer it can read, not the login page
                return JsonResponse(
                    {"code": "not_authenticated", "message": _("Masuk lebih dulu.")}, status=401
                )
            return redirect_to_login(request.get_full_path())

        with scope(region=region):
            memberships = list(
                Membership.objects.filter(user=request.user).select_related("kecamatan")
            )
            if not memberships:
                # Not revealing whether the region runs Kinerja to outsiders: same as unknown.
                return self._not_found(is_api)
            request.region = region
            request.memberships = memberships
            return self.get_response(request)

    @staticmethod
    def _not_found(is_api: bool) -> HttpResponse:
        message = _("Pemerintah daerah tidak ditemukan.")
        if is_api:
            return JsonResponse({"code": "not_found", "message": message}, status=404)
        raise Http404(message)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, StateConflict):
            context = {"message": exception.message, **exception.context}
            return render(request, exception.template, context, status=409)
        return None
