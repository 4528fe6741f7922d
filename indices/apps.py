from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicesConfig(AppConfig):
    name = "indices"
    verbose_name = _("Auswertung")

    def ready(self):
        # surveys may not be installed yet in a partial checkout; the receiver is
        # connected as soon as its signal exists.
        try:
            from surveys.signals import round_answers_changed
        except ImportError:
            return
        from indices.receivers import on_round_answers_changed

        round_answers_changed.connect(
            on_round_answers_changed, dispatch_uid="indices.round_answers_changed"
        )
