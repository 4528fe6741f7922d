"""Embedded development settings: SQLite and eager Celery unless the environment says otherwise.

The demo (``make demo``) runs as the product looks: DEBUG is off, so a mistyped address
shows the project's own 404 page (not Django's technical page listing every URL pattern),
and whitenoise serves the static files straight from the apps and ``static/`` (no
``collectstatic``, no build step). ``DJANGO_DEBUG=1`` switches Django's debug pages on for
developers (README, "Demo").
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The embedded demo may load the demo accounts (password "demo") without DEBUG; the
# production settings never set this, so seed_demo refuses there.
SRB_DEMO_DATA_ALLOWED = True
# Static files from the finders (the app and vendor directories), as runserver would with
# DEBUG; with DEBUG on, a changed file is served without a restart.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
