from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = _("Stellen und Ist-Kosten")

    def ready(self):
        from . import permissions  # noqa: F401 - registers the app's policies (templates find them)
