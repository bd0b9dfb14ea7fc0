"""Production: PostgreSQL, Redis, Celery workers; refuses to start when insecure."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY, env

DEBUG = False

_INSECURE_KEY_MARKERS = ("not-secret", "change-me", "django-insecure")
if len(SECRET_KEY) < 50 or any(marker in SECRET_KEY for marker in _INSECURE_KEY_MARKERS):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

# X-Forwarded-Proto says "this came over HTTPS" only when a reverse proxy in front sets it
# (overwriting whatever the client sent); docker-compose.yml publishes gunicorn directly,
# where any client could send it. So it is trusted only when the deployment says so.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
