"""The recomputation task, the receiver and the periodic pick-up of pending rounds.

The first tests run the task eagerly in-process. Those marked ``services`` use a real
Celery worker on PostgreSQL and Redis (``worker`` fixture) and prove the outage rules
of issue 7: no manual step, no lost work, no half-written run.

The services publish the task by name (a signature), which ends in the task's
``apply_async``: that is where these tests listen or make the broker fail.
"""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from indices import tasks
from indices.models import IndexRun, KitaIndex, RecomputeRequest
from indices.selectors import current_run
from sozialraeume import roles
from surveys.models import Response, SurveyRound
from surveys.services import response_submit
from surveys.signals import round_answers_changed
from tests.conftest import wait_for
from tests.factories import KitaFactory, make_user
from tests.indices.factories import round_with_answers, varied_answers

HOLDING_WORKER = "tests.indices.holding_worker"


@pytest.fixture
def eager(settings):
    """Run tasks in-process even when a broker is configured."""
    from srb_project.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.task_always_eager = previous


def _leader_with_new_kita(survey_round):
    room = Response.objects.filter(round=survey_round).select_related("kita").first()
    kita = KitaFactory(sozialraum=room.kita.sozialraum)
    return kita, make_user(roles.KITA_LEITUNG, kitas=[kita])


def _submit(survey_round, kita, leader, seed=7):
    return response_submit(
        survey_round=survey_round,
        kita=kita,
        answers=varied_answers(random.Random(seed)),
        version=0,
        acting_user=leader,
    )


@pytest.mark.django_db
def test_the_task_computes_a_round_and_is_safe_to_run_twice(eager):
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    run_id = tasks.round_recompute.delay(survey_round.pk).get()
    run = IndexRun.objects.get(pk=run_id)
    assert run.status == IndexRun.Status.FINISHED
    assert tasks.round_recompute.delay(survey_round.pk).get() is None
    assert IndexRun.objects.count() == 1


@pytest.mark.django_db
def test_the_task_ignores_a_round_that_no_longer_exists(eager):
    assert tasks.round_recompute.delay(987654).get() is None
    assert not IndexRun.objects.exists()


@pytest.mark.django_db
def test_a_manual_start_through_the_task_is_recorded_with_the_user(eager):
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    staff = make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt)
    tasks.round_recompute.delay(survey_round.pk)
    run_id = tasks.round_recompute.delay(
        survey_round.pk, force=True, triggered_by_id=staff.pk
    ).get()
    run = IndexRun.objects.get(pk=run_id)
    assert run.triggered_by == staff and run.trigger == IndexRun.Trigger.MANUAL


@pytest.mark.django_db
def test_submitting_queues_the_recomputation_only_after_commit(
    eager, monkeypatch, django_capture_on_commit_callbacks
):
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    kita, leader = _leader_with_new_kita(survey_round)
    queued = []

    def publish(args=None, kwargs=None, **options):
        queued.append((tuple(args or ()), kwargs or {}))

    monkeypatch.setattr(tasks.round_recompute, "apply_async", publish)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _submit(survey_round, kita, leader)
    assert queued == []
    assert len(callbacks) >= 1
    # committing runs the signal; the receiver publishes (after commit, again)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert queued == [((survey_round.pk,), {})]


@pytest.mark.django_db
def test_submitting_a_questionnaire_recomputes_the_round(eager, django_capture_on_commit_callbacks):
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    before = tasks.round_recompute.delay(survey_round.pk).get()
    kita, leader = _leader_with_new_kita(survey_round)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(survey_round, kita, leader)
    run = current_run(round_id=survey_round.pk)
    assert run.pk != before and run.kita_values.filter(kita=kita).exists()
    assert not RecomputeRequest.objects.exists()


@pytest.mark.django_db
def test_with_the_broker_down_the_submission_is_saved_and_picked_up_later(
    eager, monkeypatch, django_capture_on_commit_callbacks
):
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    kita, leader = _leader_with_new_kita(survey_round)

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.round_recompute, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(survey_round, kita, leader)
    assert Response.objects.get(pk=response.pk).status == Response.Status.SUBMITTED
    assert not IndexRun.objects.exists()
    request = RecomputeRequest.objects.get(round=survey_round)
    assert "6379" in request.last_error

    # broker back: the periodic task queues the round once the grace period is over
    monkeypatch.undo()
    assert tasks.recompute_pending() == {"stale": 0, "queued": 0}  # still in grace
    RecomputeRequest.objects.update(requested_at=timezone.now() - timedelta(minutes=2))
    assert tasks.recompute_pending() == {"stale": 0, "queued": 1}
    run = current_run(round_id=survey_round.pk)
    assert run.trigger == IndexRun.Trigger.PENDING
    assert run.kita_values.filter(kita=kita).exists()
    assert not RecomputeRequest.objects.exists()


@pytest.mark.django_db
def test_the_periodic_task_marks_abandoned_runs_failed_and_requeues_their_round(eager, settings):
    settings.SRB_INDEX_RUN_STALE_MINUTES = 30
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    long_ago = timezone.now() - timedelta(hours=1)
    RecomputeRequest.objects.create(round=survey_round, requested_at=long_ago)
    stuck = IndexRun.objects.create(
        round=survey_round,
        started_at=long_ago + timedelta(seconds=1),
        method_version="x",
        instrument_code="SRB-2021",
        input_checksum="0" * 64,
    )
    assert tasks.recompute_pending() == {"stale": 1, "queued": 1}
    assert IndexRun.objects.get(pk=stuck.pk).status == IndexRun.Status.FAILED
    assert current_run(round_id=survey_round.pk).status == IndexRun.Status.FINISHED


@pytest.mark.django_db
def test_a_receiver_error_never_undoes_the_submission(monkeypatch):
    from indices import services

    def db_trouble(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "round_recompute_queue", db_trouble)
    round_answers_changed.send(sender=SurveyRound, round_id=1)  # logs, does not raise


# --- with the real worker (PostgreSQL, Redis) -----------------------------------------


def _services_round():
    survey_round = round_with_answers(kitas=6, sozialraeume=2)
    from indices.services import index_run_compute

    first = index_run_compute(round_id=survey_round.pk)
    kita, leader = _leader_with_new_kita(survey_round)
    return survey_round, first, kita, leader


def _newer_finished_run(survey_round, than):
    def check():
        run = current_run(round_id=survey_round.pk)
        return run if run is not None and run.pk != than.pk else None

    return check


@pytest.mark.services
def test_submitting_leads_to_a_new_finished_run_without_a_manual_step(worker, transactional_db):
    survey_round, first, kita, leader = _services_round()
    _submit(survey_round, kita, leader)
    run = wait_for(_newer_finished_run(survey_round, first), timeout=60)
    assert run.kita_values.filter(kita=kita).exists()
    assert run.kita_count == first.kita_count + 1


@pytest.mark.services
def test_a_submission_while_the_worker_is_down_is_computed_once_it_is_back(
    worker, transactional_db
):
    survey_round, first, kita, leader = _services_round()
    worker.stop()
    _submit(survey_round, kita, leader)
    assert Response.objects.get(round=survey_round, kita=kita).is_submitted
    assert current_run(round_id=survey_round.pk) == first
    worker.start()
    run = wait_for(_newer_finished_run(survey_round, first), timeout=60)
    assert run.kita_values.filter(kita=kita).exists()


@pytest.mark.services
def test_a_worker_killed_mid_run_leaves_the_previous_run_current(
    worker, transactional_db, settings
):
    survey_round, first, kita, leader = _services_round()
    worker.start(app=HOLDING_WORKER)  # its runs pause before they store their values
    _submit(survey_round, kita, leader)
    running = wait_for(
        lambda: IndexRun.objects.filter(round=survey_round, status=IndexRun.Status.RUNNING).first(),
        timeout=60,
    )
    worker.stop(kill=True)
    # the previous results stay current, nothing of the killed run is visible
    assert current_run(round_id=survey_round.pk) == first
    assert not KitaIndex.objects.filter(run=running).exists()
    assert IndexRun.objects.get(pk=running.pk).status == IndexRun.Status.RUNNING
    assert RecomputeRequest.objects.filter(round=survey_round).exists()

    # once the run counts as stale, the periodic task recovers the lost work
    worker.start()
    settings.SRB_INDEX_RUN_STALE_MINUTES = 0
    RecomputeRequest.objects.update(requested_at=timezone.now() - timedelta(minutes=5))
    assert tasks.recompute_pending() == {"stale": 1, "queued": 1}
    run = wait_for(_newer_finished_run(survey_round, first), timeout=60)
    assert run.kita_values.filter(kita=kita).exists()
    assert IndexRun.objects.get(pk=running.pk).status == IndexRun.Status.FAILED
