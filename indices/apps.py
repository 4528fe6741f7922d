from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicesConfig(AppConfig):
    name = "indices"
    verbose_name = _("Auswertung")

    def ready(self):
        from surveys.signals import round_answers_changed

        from . import (
            permissions,  # noqa: F401 - registers the app's policies (templates find them)
            tasks,  # noqa: F401 - registers the tasks the services publish by name
        )
        from .receivers import on_round_answers_changed

        round_answers_changed.connect(
            on_round_answers_changed, dispatch_uid="indices.round_answers_changed"
        )
