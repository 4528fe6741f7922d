"""Delivering the outbox, and handing over the mails that belong to a step.

The rows are django-post-office's ``Email``; its ``send_queued`` does the sending (the
transport from ``EMAIL_URL``, retries of a failed mail after ``RETRY_INTERVAL`` up to
``MAX_RETRIES``, a ``Log`` row per attempt). This module adds what the product needs
around it: one delivery at a time across all workers, and the rule for mail that belongs
to a step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils.module_loading import import_string
from post_office.backends import EmailBackend as OutboxBackend
from post_office.mail import get_queued, send_queued

logger = logging.getLogger(__name__)

LOCK_KEY = "outbox:deliver:lock"
# Longer than post_office's batch deadline (180 s), so a lock is never lifted under a run.
LOCK_SECONDS = 300
# A run stops after this many batches (of POST_OFFICE["BATCH_SIZE"]); beat runs the next.
MAX_BATCHES = 20


@dataclass(frozen=True)
class Delivery:
    """What one run did: mails handed to the transport, failed for good, to retry later."""

    sent: int = 0
    failed: int = 0
    requeued: int = 0
    skipped: bool = False  # another run held the lock


def outbox_deliver() -> Delivery:
    """Send every queued mail that is due, batch by batch; one run at a time.

    The lock lives in the shared cache (``CACHE_URL``, Redis in docker-compose), so two
    workers, or beat's run and a kick after commit, never send the same row twice.
    """
    if not cache.add(LOCK_KEY, "1", timeout=LOCK_SECONDS):
        logger.info("outbox: another delivery is running")
        return Delivery(skipped=True)
    sent = failed = requeued = 0
    try:
        for _ in range(MAX_BATCHES):
            batch = send_queued()
            sent, failed, requeued = sent + batch[0], failed + batch[1], requeued + batch[2]
            if not get_queued().exists():
                break
    finally:
        cache.delete(LOCK_KEY)
    if sent or failed or requeued:
        logger.info("outbox: %s sent, %s failed, %s to retry", sent, failed, requeued)
    return Delivery(sent=sent, failed=failed, requeued=requeued)


def uses_outbox() -> bool:
    """Does Django's mail API write to the outbox (every environment but the test runner,
    which swaps in its in-memory backend)?"""
    backend = import_string(settings.EMAIL_BACKEND)
    return isinstance(backend, type) and issubclass(backend, OutboxBackend)


def send_with_step(messages: Sequence[EmailMessage], *, what: str) -> None:
    """Hand over the mails of a step from inside its transaction.

    Through the outbox they become rows of the step's transaction: a step that rolls back
    sends nothing, a step that commits cannot lose them, and delivery follows after the
    commit (``outbox.tasks``). Through a direct backend (the tests' in-memory one, a
    developer's console) they are sent after the commit; a failing transport is logged and
    does not undo the step.
    """
    if not messages:
        return
    if uses_outbox():
        get_connection().send_messages(list(messages))
        return
    transaction.on_commit(_send_logged(list(messages), what))


def _send_logged(messages: list[EmailMessage], what: str) -> Callable[[], None]:
    def send() -> None:
        try:
            get_connection().send_messages(messages)
        except Exception:  # noqa: BLE001 - the step is done; a lost mail is logged
            logger.exception("mail %s could not be sent", what)

    return send
