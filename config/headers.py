"""Security headers beyond Django's own: the Content-Security-Policy (django-csp reads
`CONTENT_SECURITY_POLICY`, built here) and a Permissions-Policy.

Kinerja's templates hold no inline script, no `on…=` handler and no `style=` attribute
(a test keeps it so), and htmx is told not to inject its indicator `<style>` (a meta tag in
base.html), so the policy needs no 'unsafe-inline'. The one exception is third-party
markup: django-import-export's admin export page carries an `onchange` handler and two
`style` attributes. Those exact texts are allowed by hash ('unsafe-hashes' admits an
attribute whose text has that hash, and nothing else); a test fails when an upgrade of
the package changes them.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.http import HttpRequest, HttpResponse

# Attribute texts of django-import-export's admin/import_export/export.html.
THIRD_PARTY_SCRIPT_ATTRIBUTES = ("onSelectToggleChange(event)",)
THIRD_PARTY_STYLE_ATTRIBUTES = ("padding: 0;", "font-weight: bold;")


def source_hash(text: str) -> str:
    """The CSP source expression admitting exactly `text` (an inline attribute's value)."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy() -> dict:
    """The value of settings.CONTENT_SECURITY_POLICY (django-csp 4)."""
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "script-src-attr": [UNSAFE_HASHES, *map(source_hash, THIRD_PARTY_SCRIPT_ATTRIBUTES)],
            "style-src": [SELF],
            "style-src-attr": [UNSAFE_HASHES, *map(source_hash, THIRD_PARTY_STYLE_ATTRIBUTES)],
            "img-src": [SELF, "data:"],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [NONE],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }


# Browser features no page of Kinerja uses: denied to the pages and anything they embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=(), interest-cohort=(), browsing-topics=()"
)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
