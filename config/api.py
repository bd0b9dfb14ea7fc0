"""The JSON API: one NinjaAPI, its OpenAPI document at /api/openapi.json, version 1 under
/api/v1/. Each app contributes a router; errors keep the contract's shape
(`{"code", "message", …}`, Indonesian messages, stable English codes)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from evaluations.api import router as evaluations_router
from regions.access import StateConflict
from regions.tokens import ApiTokenAuth

api = NinjaAPI(
    title="Kinerja API",
    version="1",
    description=_("Lembar isian evaluasi kinerja kecamatan: baca, ubah, ajukan."),
    # A browser session (with its CSRF token) or a personal token (regions/tokens.py).
    auth=[django_auth, ApiTokenAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)
api.add_router("/v1/", evaluations_router)


class MeOut(Schema):
    username: str
    region: str
    roles: list[str]


@api.get("/v1/{region}/me/", response=MeOut, url_name="api_me", tags=["akun"])
def me(request: HttpRequest, region: str) -> dict[str, Any]:
    """Who the session is and their roles in this region: nothing beyond what every
    request of the region already loads (the load benchmark's baseline, a client's check
    that its session still holds)."""
    return {
        "username": request.user.get_username(),
        "region": request.region.slug,
        "roles": sorted({membership.role for membership in request.memberships}),
    }


_MESSAGES = {
    "idempotency_key_missing": _(
        "Header Idempotency-Key wajib diisi (paling panjang 100 karakter) agar pengiriman "
        "ulang tidak menyimpan dua kali."
    ),
}


@api.exception_handler(ValidationError)
def _invalid_body(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = [
        {
            "indicator": "",
            "part": "",
            "message": _("%(where)s: %(what)s")
            % {
                "where": ".".join(str(place) for place in item.get("loc", ())[1:]) or "body",
                "what": item.get("msg", ""),
            },
        }
        for item in error.errors
    ]
    return api.create_response(
        request,
        {
            "code": "invalid",
            "message": _("Isi permintaan tidak dapat dibaca; tidak ada yang diubah."),
            "errors": errors,
        },
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": "not_authenticated",
            "message": _(
                "Masuk lebih dulu dan sertakan token CSRF sesi Anda, atau kirim token API "
                "pada header Authorization: Bearer."
            ),
        },
        status=401,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(
        request, {"code": "not_found", "message": _("Tidak ditemukan.")}, status=404
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "forbidden", "message": _("Peran Anda tidak mencakup permintaan ini.")},
        status=403,
    )


@api.exception_handler(StateConflict)
def _state(request: HttpRequest, error: StateConflict) -> HttpResponse:
    return api.create_response(
        request, {"code": "state_conflict", "message": error.message}, status=403
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    code = str(error)
    if code not in _MESSAGES:
        # Django Ninja's own refusals (a body that is not JSON, …) keep the contract's shape.
        code = {400: "malformed", 405: "method_not_allowed"}.get(error.status_code, "error")
    message = _MESSAGES.get(
        code, _("Isi permintaan tidak dapat dibaca sebagai JSON; tidak ada yang diubah.")
    )
    return api.create_response(
        request, {"code": code, "message": message}, status=error.status_code
    )
