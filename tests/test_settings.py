"""Production settings refuse insecure configuration; the deploy check is clean."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# Not passed on to the manage.py under test. (The browser tests allow async-unsafe calls
# in this process; a deployment never does.)
_NOT_INHERITED = (
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "TRUST_X_FORWARDED_PROTO",
)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("secret", ["", "short", "x" * 60 + "not-secret"])
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    result = _manage(
        "check", DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=secret
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_deploy_check_reports_nothing():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="kinerja.example.go.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_come_from_the_environment():
    result = _manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS, s.CELERY_TASK_ALWAYS_EAGER,"
        " s.TIME_ZONE, s.LANGUAGE_CODE)",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL="postgres://u@db.internal:5432/kinerja",
        ALLOWED_HOSTS="a.example,b.example",
        CELERY_BROKER_URL="redis://redis:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "['a.example',",
        "'b.example']",
        "False",
        "Asia/Jakarta",
        "id",
    ]


def _production_setting(expression: str, **env: str) -> subprocess.CompletedProcess:
    return _manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        f"from django.conf import settings as s; print({expression})",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        **env,
    )


def test_x_forwarded_proto_is_not_trusted_by_default():
    """gunicorn is published directly: a client's X-Forwarded-Proto must not mean HTTPS."""
    result = _production_setting("s.SECURE_PROXY_SSL_HEADER")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"
    result = _production_setting("s.SECURE_PROXY_SSL_HEADER", TRUST_X_FORWARDED_PROTO="0")
    assert result.stdout.strip() == "None"


def test_x_forwarded_proto_is_trusted_when_a_proxy_sets_it():
    result = _production_setting("s.SECURE_PROXY_SSL_HEADER", TRUST_X_FORWARDED_PROTO="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_embedded_default_needs_no_broker():
    result = _manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings as s; print(s.CELERY_TASK_ALWAYS_EAGER,"
        " s.DATABASES['default']['ENGINE'])",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL="",
        CELERY_BROKER_URL="",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


def test_health_probe_answers_without_an_allowed_host(client, db, settings):
    settings.ALLOWED_HOSTS = ["kinerja.example.go.id"]
    response = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.get("/", HTTP_HOST="127.0.0.1").status_code == 400


def test_celery_reaches_the_configured_broker():
    """CI sets CELERY_BROKER_URL to a real Redis; the embedded default needs none."""
    broker_url = os.environ.get("CELERY_BROKER_URL")
    if not broker_url:
        pytest.skip("no broker configured: tasks run eagerly (the embedded default)")
    from config.celery import app

    with app.connection_for_write(broker_url) as connection:
        connection.ensure_connection(max_retries=1, timeout=5)
        assert connection.connected
