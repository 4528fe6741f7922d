from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from importlib import import_module
        from importlib.util import find_spec

        # the app's audit actions and policies register themselves on import
        for module in ("audit_actions", "permissions"):
            if find_spec(f"evaluation.{module}") is not None:
                import_module(f"evaluation.{module}")
