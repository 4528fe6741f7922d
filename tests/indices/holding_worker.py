"""The Celery app of a worker that holds every index run before storing it (tests only).

``celery -A tests.indices.holding_worker worker`` (``worker.start(app=HOLDING_WORKER)`` in
``tests/conftest.py``) runs the project's own app, with one change made here and nowhere in
production code: ``indices.compute.compute_indices`` sleeps ``HOLD_SECONDS`` after
computing. ``indices.services.index_run_compute`` has committed the run as ``running`` by
then and stores nothing until the engine returns, so a test can kill the worker in the
middle of a run.
"""

import time

from indices import compute
from srb_project.celery import app

HOLD_SECONDS = 30

_compute_indices = compute.compute_indices


def _compute_then_hold(*args, **kwargs):
    result = _compute_indices(*args, **kwargs)
    time.sleep(HOLD_SECONDS)
    return result


compute.compute_indices = _compute_then_hold

__all__ = ["app"]
