from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Berichte")

    def ready(self):
        # issue 17: the audit action of the public results page registers itself
        from . import audit_actions, permissions_public  # noqa: F401
