"""Every page carries a Content-Security-Policy without 'unsafe-inline' and a
Permissions-Policy; no template holds what such a policy would block."""

import re
from pathlib import Path

import import_export
import pytest

from config.headers import (
    THIRD_PARTY_SCRIPT_ATTRIBUTES,
    THIRD_PARTY_STYLE_ATTRIBUTES,
    source_hash,
)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*(["'])(.*?)\1""", re.S | re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*(["'])(.*?)\1""", re.S | re.I)


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/akun/login/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_deny_browser_features_they_do_not_use(client):
    response = client.get("/akun/login/")
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


@pytest.mark.django_db
def test_tenant_pages_and_admin_carry_the_headers_too(client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    for url in ("/bekasi/", "/bekasi/instrumen/", "/bekasi/halaman-yang-tidak-ada/"):
        response = client.get(url)
        assert "script-src 'self'" in response["Content-Security-Policy"], url
        assert "camera=()" in response["Permissions-Policy"], url


def test_htmx_is_told_not_to_inject_an_inline_style():
    base = (ROOT / "templates" / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_inline_script_handlers_or_style_attributes(template):
    text = template.read_text()
    bodies = [body for body in INLINE_SCRIPT.findall(text) if body.strip()]
    assert bodies == [], "inline <script> body: move it to a file under static/"
    assert HANDLER.findall(text) == [], "on…= handler: bind it from a script file"
    assert STYLE_ATTRIBUTE.findall(text) == [], "style= attribute: use a class in kinerja.css"


def test_the_third_party_attributes_allowed_by_hash_are_exactly_those_of_the_template():
    template = Path(import_export.__file__).parent / "templates/admin/import_export/export.html"
    text = template.read_text()
    assert {value for _quote, value in HANDLER.findall(text)} == set(THIRD_PARTY_SCRIPT_ATTRIBUTES)
    assert {value for _quote, value in STYLE_ATTRIBUTE.findall(text)} == set(
        THIRD_PARTY_STYLE_ATTRIBUTES
    )


@pytest.mark.django_db
def test_the_admin_export_page_is_allowed_its_attributes_by_hash(admin_client):
    response = admin_client.get("/admin/regions/kecamatan/export/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src-attr"] == [
        "'unsafe-hashes'",
        source_hash("onSelectToggleChange(event)"),
    ]
    assert source_hash("padding: 0;") in policy["style-src-attr"]
