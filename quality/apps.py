from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Amtliche Daten und Plausibilität")

    def ready(self):
        from surveys.services import register_close_check

        # the app's audit actions and policies register themselves on import
        from . import audit_actions, permissions  # noqa: F401
        from .services import round_close_check

        # inversion: surveys sits below quality; an undecided jump refuses the close
        register_close_check(round_close_check)
