"""Test settings: fast password hashing is NOT used, Argon2 stays the hasher under test."""

from .base import *  # noqa: F403
from .base import POST_OFFICE, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Django's test runner puts its in-memory backend in front of the outbox anyway; tests of
# the outbox set EMAIL_BACKEND = "post_office.EmailBackend" and deliver into mail.outbox.
POST_OFFICE = {
    **POST_OFFICE,
    "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
}
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
# Uploaded attachments of the tests go to a temporary directory, never the checkout.
MEDIA_ROOT = env.path("SRB_MEDIA_ROOT", default="/tmp/srb-test-media")  # noqa: S108
