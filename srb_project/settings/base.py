"""Settings shared by every environment; values come from environment variables.

- ``DATABASE_URL``: defaults to a SQLite file in the repository (embedded mode).
- ``CELERY_BROKER_URL``: unset means Celery runs tasks eagerly in-process.
- ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``, ``EMAIL_URL`` / ``DEFAULT_FROM_EMAIL``.
- ``SRB_SITE_URL``: the site's address for links in e-mails.
- ``SRB_TRUSTED_PROXY_COUNT``, ``SRB_LOGIN_FAILURE_LIMIT(_PER_ADDRESS)``,
  ``SRB_PASSWORD_RESET_RATE``: login throttling behind a proxy (README, "Betrieb").
"""

import datetime
import importlib.util
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "post_office",
    "outbox",
    "audit",
    "sozialraeume",
    "surveys",
    "evaluation",
    "indices",
    "network",
    "quality",
    "foerderung",
    "allocation",
    "positions",
    "teams",
    "knowledge",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # axes must be last: it turns a lockout into the German lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "srb_project.urls"
WSGI_APPLICATION = "srb_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "srb_project.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# PostgreSQL: the role the application connects as in production (owns nothing, may
# only INSERT and SELECT on the audit trail). ``manage.py db_grant_runtime``, run by the
# owner role after ``migrate``, grants it its rights; empty = nothing to grant.
SRB_DB_RUNTIME_ROLE = env("SRB_DB_RUNTIME_ROLE", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache (e.g. rediscache://redis:6379/1) in production so that all web
# workers share rendered PDFs; an in-process cache is enough for the demo.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "sozialraeume.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes, README "Betrieb: Anmeldung, E-Mail, Produktion"): either
# parameter locks on its own: a username after AXES_FAILURE_LIMIT failures from any
# addresses, an address after SRB_LOGIN_FAILURE_LIMIT_PER_ADDRESS failures across all
# usernames (srb_project.throttling.LoginThrottleHandler weighs the two limits).
AXES_FAILURE_LIMIT = env.int("SRB_LOGIN_FAILURE_LIMIT", default=5)
SRB_LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("SRB_LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=20)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "srb_project.throttling.LoginThrottleHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address: REMOTE_ADDR, unless SRB_TRUSTED_PROXY_COUNT reverse proxies stand in
# front of the application (e.g. 1: the TLS proxy). Then it is the entry of X-Forwarded-For
# that the outermost trusted proxy appended (the N-th from the right), so a client cannot
# choose its address by sending the header itself (srb_project.throttling.client_ip).
SRB_TRUSTED_PROXY_COUNT = env.int("SRB_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "srb_project.throttling.client_ip"
# Password-reset mails: at most this many per client address and per e-mail address
# (django-ratelimit rate, e.g. "3/h"); the page answers the same either way.
SRB_PASSWORD_RESET_RATE = env("SRB_PASSWORD_RESET_RATE", default="3/h")

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# Grouping is explicit where a figure is shown (floatformat "g", number_format with
# force_grouping): the global switch also grouped ids and years in links and texts (3.587).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap comes from the PyPI package bootstrap-wrapper: served by the app, no CDN.
_bootstrap_dir = next(iter(importlib.util.find_spec("bootstrap").submodule_search_locations))
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/bootstrap", _bootstrap_dir)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files that browsers ask for at the site's root (/favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: EMAIL_URL like smtp://user:pass@host:587 or consolemail:// is the transport. Every
# mail is first a row of the outbox (django-post-office) in the transaction of its step;
# outbox.tasks.deliver_outbox hands it to the transport (kicked after commit, beat every
# minute), a failed mail is retried every 15 minutes up to 4 times.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_CONFIG["EMAIL_BACKEND"]},
    "CELERY_ENABLED": False,  # outbox.tasks kicks the delivery (tolerating a broker outage)
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": 4,
    "RETRY_INTERVAL": datetime.timedelta(minutes=15),
    "LOG_LEVEL": 2,
    "THREADS_PER_PROCESS": 1,
}
EMAIL_BACKEND = "post_office.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="sozialraumbudget@localhost")
# Where the site is reached from outside: the links in e-mails (no request to ask).
SRB_SITE_URL = env("SRB_SITE_URL", default="http://127.0.0.1:8000")

# Celery: without a broker URL tasks run eagerly (embedded mode).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Periodic work (the `beat` service): deliver the outbox; pick up rounds whose recomputation
# could not be queued (broker down) or whose run died with its worker; apply the retention rules.
CELERY_BEAT_SCHEDULE = {
    "outbox-deliver": {
        "task": "outbox.tasks.deliver_outbox",
        "schedule": 60.0,
    },
    "indices-recompute-pending": {
        "task": "indices.tasks.recompute_pending",
        "schedule": 60.0,
    },
    "apply-retention": {
        "task": "surveys.tasks.apply_retention",
        "schedule": 24 * 60 * 60.0,
    },
    # issue 15: open the reviews of the distribution that have come due (30 months)
    "teams-open-due-reviews": {
        "task": "teams.tasks.open_due_reviews",
        "schedule": 24 * 60 * 60.0,
    },
    # issue 17: the evaluation waves: a reminder in a wave's last week, closing past waves
    "evaluation-remind-due-waves": {
        "task": "evaluation.tasks.remind_due_waves",
        "schedule": 24 * 60 * 60.0,
    },
    "evaluation-close-expired-waves": {
        "task": "evaluation.tasks.close_expired_waves",
        "schedule": 24 * 60 * 60.0,
    },
}
SRB_INDEX_RUN_STALE_MINUTES = env.float("SRB_INDEX_RUN_STALE_MINUTES", default=30)

# Content Security Policy (django-csp 4): no inline scripts anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
CSRF_FAILURE_VIEW = "srb_project.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True

# Uploads (issue 13): an import file may have at most SRB_IMPORT_MAX_BYTES (default 5 MB); the
# import page checks the request's length before Django parses it, the form the file's size.
# Form bodies without files stay at Django's 2.5 MB; larger files are spooled to disk.
SRB_IMPORT_MAX_BYTES = env.int("SRB_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Attachments (issue 15: meeting documents, FS4 requests): PDF only, at most
# SRB_ATTACHMENT_MAX_BYTES each (default 10 MB), stored below MEDIA_ROOT and served only
# through views that ask the policy (no MEDIA_URL is routed).
MEDIA_ROOT = env.path("SRB_MEDIA_ROOT", default=BASE_DIR / "media")
SRB_ATTACHMENT_MAX_BYTES = env.int("SRB_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}
