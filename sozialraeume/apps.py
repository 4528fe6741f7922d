from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SozialraeumeConfig(AppConfig):
    name = "sozialraeume"
    verbose_name = _("Stammdaten")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import permissions  # noqa: F401 - registers the app's policies (templates find them)
        from .roles import sync_role_groups

        # Role groups get the permissions of every app, so sync after all migrations.
        post_migrate.connect(sync_role_groups, dispatch_uid="sozialraeume.sync_role_groups")
