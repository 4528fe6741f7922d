"""Celery task of the outbox, and the kick after a commit that queued mail."""

import logging

from celery import shared_task
from django.db import transaction

from outbox.delivery import outbox_deliver

logger = logging.getLogger(__name__)


@shared_task(name="outbox.tasks.deliver_outbox", ignore_result=True)
def deliver_outbox() -> int:
    """Every minute (beat) and after each commit that queued mail: deliver what is due.

    Safe to run twice: one run at a time (a lock in the shared cache), and a row is sent
    only while it is queued, so a second run finds nothing left to send."""
    return outbox_deliver().sent


def deliver_after_commit(sender, emails=(), **kwargs) -> None:
    """post_office's ``email_queued``: ask a worker to deliver once the rows are committed."""
    transaction.on_commit(_kick)


def _kick() -> None:
    try:
        # One try, no retries: with the broker down the request must not wait; the rows
        # are committed and beat's next run delivers them.
        deliver_outbox.apply_async(retry=False)
    except Exception:  # noqa: BLE001 - any broker failure only delays the mail
        logger.warning(
            "outbox: delivery could not be queued (broker unreachable); "
            "the mail stays queued for the next run",
            exc_info=True,
        )
