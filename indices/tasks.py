"""Celery tasks of the indices app. Each takes ids, is safe to run twice and calls one service.

Only this module imports ``indices.services``; the services publish ``round_recompute`` by
its name (``services.ROUND_RECOMPUTE_TASK``), so there is no import cycle.

Periodic schedule (Celery beat), set in the settings::

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

from celery import shared_task

from indices import services


@shared_task(name=services.ROUND_RECOMPUTE_TASK, acks_late=True, ignore_result=True)
def round_recompute(round_id, force=False, triggered_by_id=None, trigger=None):
    """Recompute a survey round (skips when its answers did not change, unless forced)."""
    run = services.round_recompute(
        round_id=round_id,
        force=bool(force),
        triggered_by_id=triggered_by_id,
        trigger=trigger or "",
    )
    return None if run is None else run.pk


@shared_task(name="indices.tasks.recompute_pending", ignore_result=True)
def recompute_pending():
    """Mark stale runs failed and queue every round with an old pending request."""
    return services.recompute_requests_queue()
