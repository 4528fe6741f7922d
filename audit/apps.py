from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Protokoll")

    def ready(self):
        from . import permissions  # noqa: F401 - registers the app's policies (templates find them)
