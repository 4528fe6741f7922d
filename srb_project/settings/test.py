"""Test settings: fast password hashing is NOT used, Argon2 stays the hasher under test."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# Tasks run eagerly in tests; the `worker` fixture switches to the real broker and worker.
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = [
    "srb_project.hashers.TestArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
