"""Celery tasks of the indices app. Both take ids, are safe to run twice and call services.

Periodic schedule (Celery beat), to be set in the settings::

    CELERY_BEAT_SCHEDULE = {
        "indices-recompute-pending": {
            "task": "indices.tasks.recompute_pending",
            "schedule": 60.0,  # seconds
        },
    }

and run a beat process next to the worker (``celery -A srb_project beat``, or
``celery -A srb_project worker -B`` on a single machine). Every minute it marks
runs abandoned by a killed worker as failed and queues the rounds whose answers
changed while Redis or the worker was down.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)

# A pending request younger than this is probably still in the queue.
PENDING_GRACE = timedelta(seconds=60)


def _test_hold_seconds() -> float:
    """Test hook: SRB_TEST_TASK_DELAY=<seconds> makes a run pause before it stores
    its values, so a test can kill the worker in the middle of a run."""
    try:
        return max(0.0, float(os.environ.get("SRB_TEST_TASK_DELAY", "0") or 0))
    except ValueError:
        return 0.0


@shared_task(name="indices.tasks.round_recompute", acks_late=True, ignore_result=True)
def round_recompute(round_id, force=False, triggered_by_id=None, trigger=None):
    """Recompute a survey round (skips when its answers did not change, unless forced)."""
    from django.contrib.auth import get_user_model

    from indices.models import IndexRun
    from indices.services import index_run_compute
    from surveys.models import SurveyRound

    if not SurveyRound.objects.filter(pk=round_id).exists():
        logger.warning("round_recompute: round %s does not exist", round_id)
        return None
    user = None
    if triggered_by_id:
        user = get_user_model().objects.filter(pk=triggered_by_id).first()
    run = index_run_compute(
        round_id=round_id,
        acting_user=user,
        force=bool(force),
        trigger=trigger
        or (IndexRun.Trigger.MANUAL if triggered_by_id else IndexRun.Trigger.AUTOMATIC),
        hold_seconds=_test_hold_seconds(),
    )
    return None if run is None else run.pk


@shared_task(name="indices.tasks.recompute_pending", ignore_result=True)
def recompute_pending():
    """Mark stale runs failed and queue every round with an old pending request."""
    from indices.models import IndexRun, RecomputeRequest
    from indices.services import index_runs_mark_stale, recompute_request_failed

    stale = index_runs_mark_stale()
    queued = 0
    cutoff = timezone.now() - PENDING_GRACE
    for request in RecomputeRequest.objects.filter(requested_at__lte=cutoff):
        busy = IndexRun.objects.filter(
            round_id=request.round_id,
            status=IndexRun.Status.RUNNING,
            started_at__gte=request.requested_at,
        ).exists()
        if busy:
            continue
        try:
            round_recompute.delay(
                request.round_id,
                force=request.force,
                triggered_by_id=request.requested_by_id,
                trigger=IndexRun.Trigger.PENDING,
            )
        except Exception as exc:  # noqa: BLE001 - broker still down: try next time
            logger.error("Could not queue pending round %s: %s", request.round_id, exc)
            recompute_request_failed(round_id=request.round_id, error=str(exc))
            break
        queued += 1
    return {"stale": stale, "queued": queued}
