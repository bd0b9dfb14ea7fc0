"""Test settings: the database comes from DATABASE_URL (SQLite when unset)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Tests run tasks in-process unless a test opts into the real broker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
