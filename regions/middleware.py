"""Resolve the region in the URL, check the user belongs to it, and activate its scope.

It also holds back a user whose password is temporary (given by Admin Tapem): every page
but the password change, logout and login redirects to the password change until they
choose their own.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from regions.access import StateConflict
from regions.models import Membership, Profile, Region
from regions.people import profile_of

# Reachable with a temporary password (URL names).
PASSWORD_PAGES = frozenset({"password_change", "password_change_done", "logout", "login"})


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

        if match.url_name not in PASSWORD_PAGES and _password_is_temporary(request.user):
            messages.warning(
                request,
                _(
                    "Kata sandi Anda masih sementara (diberikan Admin Tapem). Buat kata sandi "
                    "baru sebelum melanjutkan."
                ),
            )
            return redirect("password_change")

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
                Membership.objects.filter(
                    user=request.user, status=Membership.Status.ACTIVE
                ).select_related("kecamatan")
            )
            if not memberships:
                # Not revealing whether the region runs Kinerja to outsiders (nor to a user
                # Admin Tapem deactivated here): same as unknown.
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


def _password_is_temporary(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    # `user.profile` stays cached on the request's user: the user menu reuses it.
    profile = profile_of(user)
    return getattr(profile, "password_status", None) == Profile.PasswordStatus.TEMPORARY
