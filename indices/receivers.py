"""Signal receivers: a change of a round's answers queues its recomputation."""

from __future__ import annotations

import logging

from django.db import transaction

from indices import services

logger = logging.getLogger(__name__)


def on_round_answers_changed(sender, round_id=None, **kwargs):
    """Queue ``indices.tasks.round_recompute`` after commit.

    Never raises: the questionnaire is already saved. If the broker is down the
    error is logged and the round stays marked as pending (``RecomputeRequest``),
    so the periodic task ``recompute_pending`` queues it once Redis is back.
    """
    if round_id is None:
        return

    def publish():
        try:
            services.round_recompute_queue(round_id=round_id)
        except Exception:  # noqa: BLE001 - a failed queue must never undo a submission
            logger.exception("Recomputation of round %s could not be requested", round_id)

    # The signal is sent from on_commit already; outside a transaction this runs now.
    transaction.on_commit(publish)
