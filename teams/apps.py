from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Sozialraum-Teams")

    def ready(self):
        from . import permissions  # noqa: F401 - registers the app's policies (templates find them)
