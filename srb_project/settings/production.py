"""Production settings: secrets are required, HTTPS everywhere, PostgreSQL and Redis expected.

The three services are required, not defaulted: without ``DATABASE_URL``,
``CELERY_BROKER_URL`` or ``EMAIL_URL`` the base settings would fall back to SQLite,
in-process Celery and console e-mail (password-reset links in the logs). Production
refuses to start instead and names what is missing.
"""

import environ
from django.core.exceptions import ImproperlyConfigured

REQUIRED_SERVICES = {
    "DATABASE_URL": "the database, e.g. postgres://srb:…@postgres:5432/srb",
    "CELERY_BROKER_URL": "the Celery broker, e.g. redis://redis:6379/0",
    "EMAIL_URL": "the mail transport, e.g. smtp+tls://user:password@mail.example:587",
}


def _require_services(environment: environ.Env) -> None:
    missing = [name for name in REQUIRED_SERVICES if not environment.str(name, default="").strip()]
    if missing:
        details = "; ".join(f"{name}: {REQUIRED_SERVICES[name]}" for name in missing)
        raise ImproperlyConfigured(
            f"Production settings need {', '.join(missing)} (not set or empty): {details}. "
            "See README, 'Betrieb: Anmeldung, E-Mail, Produktion'."
        )


# Before the base settings: they would parse (or reject) a value that is only empty.
_require_services(environ.Env())

from .base import *  # noqa: E402, F403
from .base import MIDDLEWARE, env  # noqa: E402

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
CELERY_TASK_ALWAYS_EAGER = False

# docker-compose's health check (plain HTTP, Host 127.0.0.1:8000) is answered before host
# validation and the HTTPS redirect (srb_project.health); /healthz/ under the site's own
# name is exempt from the redirect as well.
MIDDLEWARE = ["srb_project.health.LoopbackHealthzMiddleware", *MIDDLEWARE]
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
