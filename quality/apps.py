from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Amtliche Daten und Plausibilität")

    def ready(self):
        from importlib import import_module
        from importlib.util import find_spec

        # the app's audit actions and policies register themselves on import
        for module in ("audit_actions", "permissions"):
            if find_spec(f"quality.{module}") is not None:
                import_module(f"quality.{module}")
