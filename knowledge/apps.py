from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The field of ``surveys.retention.RetentionReport`` that counts this app's rule.
RETENTION_FIELD = "child_pictures_deleted"


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Sozialraumwissen")

    def ready(self):
        from importlib import import_module
        from importlib.util import find_spec

        from indices import konzeption
        from surveys.retention import register_retention_rule

        from .retention import delete_expired_pictures
        from .selectors import konzeption_label

        # the app's audit actions and policies register themselves on import
        for module in ("audit_actions", "permissions"):
            if find_spec(f"knowledge.{module}") is not None:
                import_module(f"knowledge.{module}")

        # issue 17, inversion: each index run (indices, below) names the Konzeption
        # version in force, which lives in this app's document box.
        konzeption.register_provider(konzeption_label)
        # apply_retention (surveys, below) applies the pictures' rule through the registry
        # (RetentionReport.child_pictures_deleted).
        register_retention_rule(RETENTION_FIELD, delete_expired_pictures)
