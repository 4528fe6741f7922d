from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Verteilung")

    def ready(self):
        from . import permissions  # noqa: F401 - registers the app's policies (templates find them)
