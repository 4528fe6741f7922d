"""Signal receivers: a change of a round's answers queues its recomputation; the close of
a round that already has a finished run publishes that run."""

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
            # The round was closed (or its answers changed after it was): its finished
            # run is now the published result; the recomputation below publishes a
            # newer one if the answers changed since. Nothing for an open round.
            services.result_publish(round_id=round_id)
        except Exception:  # noqa: BLE001 - the round is closed already; the run retries it
            logger.exception("Result of round %s could not be recorded as published", round_id)
        try:
            services.round_recompute_queue(round_id=round_id)
        except Exception:  # noqa: BLE001 - a failed queue must never undo a submission
            logger.exception("Recomputation of round %s could not be requested", round_id)

    # The signal is sent from on_commit already; outside a transaction this runs now.
    transaction.on_commit(publish)
