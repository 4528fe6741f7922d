from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from surveys import instrument


def ensure_instruments(sender=None, **kwargs):
    """Every instrument version defined in code exists as a row (idempotent).

    The data migration creates it once; this keeps it after a database flush (which
    emits post_migrate, like the role groups in ``sozialraeume.roles``).
    """
    from surveys.models import Instrument  # not at the top: apps.py loads before the models

    for code, name in instrument.INSTRUMENT_NAMES.items():
        if not Instrument.objects.filter(code=code).exists():
            Instrument.objects.create(code=code, name=name, definition=instrument.definition(code))


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Erhebung")

    def ready(self):
        # Registers the app's policies (templates find them); needs the loaded models.
        from surveys import permissions  # noqa: F401

        post_migrate.connect(ensure_instruments, sender=self, dispatch_uid="surveys.instruments")
