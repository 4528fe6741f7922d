"""The Celery application.

With ``CELERY_BROKER_URL`` unset the settings switch Celery to eager mode, so the
embedded demo runs without Redis or a worker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srb_project.settings.local")

app = Celery("srb_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
