from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = _("Zentren und Anträge")

    def ready(self):
        from . import permissions  # noqa: F401 - registers the app's policies (templates find them)
