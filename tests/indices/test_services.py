"""Computing and storing index runs: stored values, idempotence, failures, stale runs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from indices import compute, services
from indices.models import IndexRun, KitaIndex, RecomputeRequest
from indices.selectors import current_run, fresh_running_run
from surveys.models import Response
from surveys.selectors import answers_frame
from tests.factories import KitaFactory
from tests.indices.factories import IndexRunFactory, round_with_answers, varied_answers

pytestmark = pytest.mark.django_db


def test_a_run_stores_every_kita_and_sozialraum_as_the_engine_computes_them():
    survey_round = round_with_answers(kitas=9, sozialraeume=3)
    run = services.index_run_compute(round_id=survey_round.pk)

    assert run.status == IndexRun.Status.FINISHED and run.finished_at
    assert run.kita_count == 9
    assert len(run.input_checksum) == 64
    assert run.method_version == compute.METHOD_VERSION
    assert run.instrument_code == "SRB-2021"
    frame = answers_frame(round_id=survey_round.pk)
    frame["kita"] = frame["kita_id"].astype(str)
    expected = compute.compute_indices(frame)
    stored = {v.kita_id: v for v in run.kita_values.all()}
    assert set(stored) == set(frame["kita_id"])
    for kita_id, value in stored.items():
        row = expected.kitas.loc[str(kita_id)]
        assert value.gesamt == pytest.approx(row["GESAMT"])
        assert value.fm == pytest.approx(row["FM"])
        assert value.classes["GESAMT"] == row["class_GESAMT"]
        assert value.points["SL1"] == pytest.approx(expected.points.loc[str(kita_id), "SL1"])
    percents = [v.percent for v in run.sozialraum_values.all()]
    assert len(percents) == 3 and sum(percents) == Decimal("100.00")
    assert run.norms["kita"]["GESAMT"]["mean"] == pytest.approx(
        expected.norms["kita"]["GESAMT"]["mean"]
    )
    assert run.minmax["SL1"] == list(expected.minmax["SL1"])
    assert AuditEvent.objects.filter(action="index_run.finished", object_id=str(run.pk)).exists()


def test_kitas_with_the_same_name_in_two_sozialraeume_are_kept_apart():
    survey_round = round_with_answers(kitas=4, sozialraeume=2)
    twin = Response.objects.filter(round=survey_round).select_related("kita").first()
    other_room = Response.objects.exclude(kita__sozialraum=twin.kita.sozialraum).first()
    namesake = KitaFactory(sozialraum=other_room.kita.sozialraum, name=twin.kita.name)
    Response.objects.create(
        round=survey_round, kita=namesake, status="submitted", answers=varied_answers_seeded()
    )
    run = services.index_run_compute(round_id=survey_round.pk)
    assert run.status == IndexRun.Status.FINISHED, run.error
    assert run.kita_values.filter(kita__name=twin.kita.name).count() == 2


def varied_answers_seeded():
    import random

    return varied_answers(random.Random(99))


def test_recomputing_unchanged_answers_makes_no_new_run():
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    first = services.index_run_compute(round_id=survey_round.pk)
    assert services.index_run_compute(round_id=survey_round.pk) is None
    assert IndexRun.objects.filter(round=survey_round).count() == 1
    assert current_run(round_id=survey_round.pk) == first


def test_forced_recomputation_makes_a_new_current_run_with_the_same_numbers():
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    first = services.index_run_compute(round_id=survey_round.pk)
    second = services.index_run_compute(round_id=survey_round.pk, force=True)
    assert second.pk != first.pk
    assert current_run(round_id=survey_round.pk) == second
    assert second.input_checksum == first.input_checksum
    assert sorted(v.gesamt for v in second.kita_values.all()) == pytest.approx(
        sorted(v.gesamt for v in first.kita_values.all())
    )


def test_changed_answers_make_a_new_run_and_the_old_one_stays_stored():
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    first = services.index_run_compute(round_id=survey_round.pk)
    response = Response.objects.filter(round=survey_round).first()
    Response.objects.filter(pk=response.pk).update(answers={**response.answers, "B1": 0})
    second = services.index_run_compute(round_id=survey_round.pk)
    assert second is not None and second.input_checksum != first.input_checksum
    assert current_run(round_id=survey_round.pk) == second
    assert first.kita_values.count() == 5  # the old run keeps its values


def test_drafts_are_not_part_of_the_computation():
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    Response.objects.filter(round=survey_round).order_by("pk").first().delete()
    draft_kita = KitaFactory(sozialraum__jugendamt=survey_round.jugendamt)
    Response.objects.create(round=survey_round, kita=draft_kita, status="draft", answers={})
    run = services.index_run_compute(round_id=survey_round.pk)
    assert run.kita_count == 4
    assert not run.kita_values.filter(kita=draft_kita).exists()


def test_a_failed_computation_records_the_error_and_keeps_the_previous_run_current(monkeypatch):
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    good = services.index_run_compute(round_id=survey_round.pk)

    def broken(frame, **kwargs):
        raise ValueError("Testfehler im Rechenkern")

    monkeypatch.setattr(compute, "compute_indices", broken)
    failed = services.index_run_compute(round_id=survey_round.pk, force=True)

    assert failed.status == IndexRun.Status.FAILED
    assert "Testfehler im Rechenkern" in failed.error
    assert failed.finished_at is not None
    assert not KitaIndex.objects.filter(run=failed).exists()
    assert current_run(round_id=survey_round.pk) == good
    assert AuditEvent.objects.filter(action="index_run.failed", object_id=str(failed.pk)).exists()


def test_a_failure_while_storing_leaves_no_half_written_values(monkeypatch):
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    good = services.index_run_compute(round_id=survey_round.pk)
    from indices.models import SozialraumIndex

    def explode(*args, **kwargs):
        raise RuntimeError("Datenbank weg")

    monkeypatch.setattr(SozialraumIndex.objects, "bulk_create", explode)
    failed = services.index_run_compute(round_id=survey_round.pk, force=True)
    assert failed.status == IndexRun.Status.FAILED
    # Kita values were inserted before the error in the same transaction: rolled back.
    assert not KitaIndex.objects.filter(run=failed).exists()
    assert current_run(round_id=survey_round.pk) == good


def test_a_run_stuck_in_running_is_never_current_and_does_not_block_a_new_run(settings):
    settings.SRB_INDEX_RUN_STALE_MINUTES = 30
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    good = services.index_run_compute(round_id=survey_round.pk)
    stuck = IndexRunFactory(round=survey_round, started_at=timezone.now() - timedelta(hours=2))
    assert current_run(round_id=survey_round.pk) == good
    assert fresh_running_run(round_id=survey_round.pk) is None

    newer = services.index_run_compute(round_id=survey_round.pk, force=True)
    assert newer.status == IndexRun.Status.FINISHED
    assert current_run(round_id=survey_round.pk) == newer

    assert services.index_runs_mark_stale() == 1
    stuck = IndexRun.objects.get(pk=stuck.pk)
    assert stuck.status == IndexRun.Status.FAILED and "Abgebrochen" in stuck.error


def test_a_fresh_running_run_is_not_marked_stale(settings):
    settings.SRB_INDEX_RUN_STALE_MINUTES = 30
    running = IndexRunFactory(started_at=timezone.now() - timedelta(minutes=2))
    assert services.index_runs_mark_stale() == 0
    assert IndexRun.objects.get(pk=running.pk).status == IndexRun.Status.RUNNING


def test_loading_and_storing_take_the_same_number_of_queries_for_few_and_many_kitas(
    django_assert_max_num_queries,
):
    small = round_with_answers(kitas=4, sozialraeume=2, seed=1)
    large = round_with_answers(kitas=60, sozialraeume=6, seed=2)
    with django_assert_max_num_queries(14) as small_ctx:
        services.index_run_compute(round_id=small.pk)
    with django_assert_max_num_queries(14) as large_ctx:
        services.index_run_compute(round_id=large.pk)
    assert len(large_ctx.captured_queries) == len(small_ctx.captured_queries)
    loads = [q for q in large_ctx.captured_queries if "surveys_response" in q["sql"]]
    assert len(loads) == 1


def test_a_finished_run_clears_the_pending_request_but_a_later_request_stays():
    survey_round = round_with_answers(kitas=5, sozialraeume=2)
    services.recompute_request_record(round_id=survey_round.pk)
    RecomputeRequest.objects.update(requested_at=timezone.now() - timedelta(minutes=5))
    services.index_run_compute(round_id=survey_round.pk)
    assert not RecomputeRequest.objects.exists()

    services.recompute_request_record(round_id=survey_round.pk)
    RecomputeRequest.objects.update(requested_at=timezone.now() + timedelta(minutes=5))
    services.index_run_compute(round_id=survey_round.pk, force=True)
    assert RecomputeRequest.objects.filter(round=survey_round).exists()


def test_queueing_with_the_broker_down_keeps_the_round_pending(monkeypatch):
    from indices import tasks

    survey_round = round_with_answers(kitas=3, sozialraeume=1)

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis nicht erreichbar")

    monkeypatch.setattr(tasks.round_recompute, "apply_async", broker_down)
    assert services.round_recompute_queue(round_id=survey_round.pk) is False
    request = RecomputeRequest.objects.get(round=survey_round)
    assert "Redis nicht erreichbar" in request.last_error
    assert not IndexRun.objects.exists()


def test_a_manual_request_is_audited_and_queued_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    from indices import tasks
    from sozialraeume import roles
    from tests.factories import make_user

    survey_round = round_with_answers(kitas=3, sozialraeume=1)
    staff = make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt)
    calls = []

    def publish(args=None, kwargs=None, **options):
        calls.append((tuple(args or ()), kwargs or {}))

    monkeypatch.setattr(tasks.round_recompute, "apply_async", publish)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.index_run_request(survey_round=survey_round, acting_user=staff)
    assert calls == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert calls == [((survey_round.pk,), {"force": True, "triggered_by_id": staff.pk})]
    assert AuditEvent.objects.filter(action="index_run.requested", actor=staff).exists()
    assert RecomputeRequest.objects.get(round=survey_round).force is True


def test_the_demo_round_is_computed_once(demo):
    from indices import demo as indices_demo
    from surveys.models import SurveyRound

    survey_round = SurveyRound.objects.get(jugendamt=demo, code="2020")
    run = current_run(round_id=survey_round.pk)
    assert run is not None and run.status == IndexRun.Status.FINISHED
    assert (
        run.kita_values.count()
        == Response.objects.filter(round=survey_round, status="submitted").count()
    )
    assert indices_demo.seed() == run  # idempotent: no second run
    assert IndexRun.objects.filter(round=survey_round).count() == 1
