from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Postausgang")

    def ready(self):
        from post_office.signals import email_queued

        from outbox.tasks import deliver_after_commit

        email_queued.connect(deliver_after_commit, dispatch_uid="outbox.deliver_after_commit")
