from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Netzwerkanalyse")

    def ready(self):
        from importlib import import_module
        from importlib.util import find_spec

        # the app's audit actions and policies register themselves on import
        for module in ("audit_actions", "permissions"):
            if find_spec(f"network.{module}") is not None:
                import_module(f"network.{module}")
