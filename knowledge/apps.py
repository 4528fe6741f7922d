from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Sozialraumwissen")

    def ready(self):
        from importlib import import_module
        from importlib.util import find_spec

        # the app's audit actions and policies register themselves on import
        for module in ("audit_actions", "permissions"):
            if find_spec(f"knowledge.{module}") is not None:
                import_module(f"knowledge.{module}")
