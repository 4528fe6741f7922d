from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Sozialraum-Teams")

    def ready(self):
        from surveys.retention import register_retention_rule

        from . import (  # noqa: F401 - register the app's policies (templates find them)
            permissions,
            permissions_review,
        )
        from .retention import anonymise_external_members

        # apply_retention (surveys, below) applies this app's rule through the registry.
        register_retention_rule("external_members_anonymised", anonymise_external_members)
