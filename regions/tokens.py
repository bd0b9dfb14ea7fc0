"""Personal API tokens: how a person's scripts call `/api/v1/` without a browser session.

A script sends `Authorization: Bearer <key>`. `ApiTokenMiddleware` turns a valid key into
its owner before the region middleware checks memberships, so a token reaches exactly what
its owner's session would and nothing more; it is read only on `/api/` (pages ignore it).
A bearer key is not sent by a browser on its own, so a request carrying one needs no CSRF
token; a session request still does.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from regions.models import ApiToken

KEY_PREFIX = "kin_"
# A token's last use is written at most this often: not one UPDATE per API request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    key: str  # shown once; only its digest is stored


def api_token_create(
    *, user: AbstractBaseUser, name: str, valid_days: int | None = None
) -> NewToken:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=valid_days) if valid_days else None
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=_digest(key),
        expires_at=expires_at,
    )
    return NewToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_tokens_of(user: AbstractBaseUser) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))


def token_user(key: str) -> tuple[ApiToken | None, AbstractBaseUser | None]:
    """The usable token with this key and its active owner, or (None, None)."""
    if not key.startswith(KEY_PREFIX):
        return None, None
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(key)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None, None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, token.user


class ApiTokenMiddleware:
    """Between Django's authentication and the region middleware (settings.MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if request.path_info.startswith("/api/") and header[:7].lower() == "bearer ":
            token, user = token_user(header[7:].strip())
            if user is None:
                return JsonResponse(
                    {
                        "code": "invalid_token",
                        "message": _(
                            "Token API tidak dikenal, sudah dicabut atau sudah habis masa "
                            "berlakunya. Buat token baru di halaman Token API."
                        ),
                    },
                    status=401,
                )
            request.user = user
            request.api_token = token
            # Read by Django's CSRF check (and Django Ninja's, which calls it).
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)


class ApiTokenAuth(HttpBearer):
    """Django Ninja's side: the request carries a token the middleware accepted."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        accepted = getattr(request, "api_token", None)
        if accepted is not None and accepted.key_hash == _digest(token):
            return request.user
        return None
