"""Reading results: current runs, tables, eligibility, explanations, status."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from indices import selectors, services
from indices.models import IndexRun
from surveys.models import Response
from tests.indices.factories import IndexRunFactory, round_with_answers
from tests.surveys.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db


def test_current_run_is_the_newest_finished_one_not_a_running_or_failed_one():
    survey_round = SurveyRoundFactory()
    now = timezone.now()
    old = IndexRunFactory(round=survey_round, status="finished", started_at=now - timedelta(2))
    new = IndexRunFactory(round=survey_round, status="finished", started_at=now - timedelta(1))
    IndexRunFactory(round=survey_round, status="running", started_at=now)
    IndexRunFactory(round=survey_round, status="failed", started_at=now)
    assert selectors.current_run(round_id=survey_round.pk) == new != old


def test_latest_finished_run_comes_from_the_newest_round_with_a_result():
    older = SurveyRoundFactory(stichtag=datetime.date(2020, 10, 1))
    newer = SurveyRoundFactory(jugendamt=older.jugendamt, stichtag=datetime.date(2027, 10, 1))
    result = IndexRunFactory(round=older, status="finished")
    IndexRunFactory(round=newer, status="running")
    assert selectors.latest_finished_run(jugendamt_id=older.jugendamt_id) == result
    done = IndexRunFactory(round=newer, status="finished")
    assert selectors.latest_finished_run(jugendamt_id=older.jugendamt_id) == done
    other = SurveyRoundFactory()
    assert selectors.latest_finished_run(jugendamt_id=other.jugendamt_id) is None


@pytest.mark.parametrize("budget_cents", [100_224_000, 48_889_700, 1, 12_345_678_901])
def test_sozialraum_amounts_add_up_to_the_budget_to_the_cent(budget_cents):
    survey_round = round_with_answers(kitas=14, sozialraeume=7)
    run = services.index_run_compute(round_id=survey_round.pk)
    rows = selectors.sozialraum_rows(run=run, budget_cents=budget_cents)
    assert sum(r.amount for r in rows) == Decimal(budget_cents) / 100
    assert sum(r.percent for r in rows) == Decimal("100.00")
    # more need, more money
    by_need = sorted(rows, key=lambda r: r.values["GESAMT"])
    assert by_need[0].amount <= by_need[-1].amount


NORMS = {
    "kita": {
        "GESAMT": {"mean": 50.0, "sd": 10.0, "lower": 40.0, "upper": 60.0},
        "FM": {"mean": 45.0, "sd": 15.0, "lower": 30.0, "upper": 60.0},
    }
}


@pytest.mark.parametrize(
    ("gesamt", "fm", "fs1", "fs3"),
    [
        (40.0, 45.1, "ja", "ja"),  # at the lower bound: FS1 eligible
        (39.99, 45.0, "nein", "begruendung"),  # FM at the mean is not above it
        (70.0, 30.0, "ja", "nein"),  # FM at the lower bound: not even with justification
        (55.0, 30.01, "ja", "begruendung"),
        (None, None, "unbekannt", "unbekannt"),
    ],
)
def test_fs1_and_fs3_eligibility_follow_methodology_section_8(gesamt, fm, fs1, fs3):
    result = selectors.eligibility(gesamt=gesamt, fm=fm, norms=NORMS)
    assert (result.fs1, result.fs3) == (fs1, fs3)


def test_without_a_norm_range_eligibility_is_unknown():
    norms = {"kita": {"GESAMT": {"mean": 50.0, "sd": None, "lower": None, "upper": None}}}
    result = selectors.eligibility(gesamt=50.0, fm=50.0, norms=norms)
    assert (result.fs1, result.fs3) == ("unbekannt", "unbekannt")


def test_kita_table_sorts_by_an_index_descending_with_missing_values_last():
    survey_round = round_with_answers(kitas=6, sozialraeume=2)
    incomplete = Response.objects.filter(round=survey_round).order_by("pk").first()
    answers = dict(incomplete.answers)
    for code in ("E1", "E2", "E3a", "E3b", "E3c", "E3d", "E4", "B3f"):
        answers.pop(code)
    Response.objects.filter(pk=incomplete.pk).update(answers=answers)
    run = services.index_run_compute(round_id=survey_round.pk)
    rows = list(selectors.kita_values(run=run, sort="-gesamt"))
    values = [r.gesamt for r in rows]
    assert values[-1] is None and rows[-1].kita_id == incomplete.kita_id
    assert values[:-1] == sorted(values[:-1], reverse=True)
    names = [r.kita.name for r in selectors.kita_values(run=run, sort="unknown-key")]
    assert names == sorted(names)


def test_the_explanation_reproduces_each_standard_point_from_min_and_max():
    survey_round = round_with_answers(kitas=6, sozialraeume=2)
    run = services.index_run_compute(round_id=survey_round.pk)
    value = run.kita_values.select_related("kita").first()
    answers = Response.objects.get(round=survey_round, kita=value.kita).answers
    sections = selectors.kita_explanation(run=run, value=value, answers=answers)
    assert [s["category"] for s in sections] == ["AB", "SL", "FM", "IN"]
    for section in sections:
        for var in section["variables"]:
            if var["excluded"] or var["value"] is None:
                continue
            expected = 100 * (var["value"] - var["min"]) / (var["max"] - var["min"])
            assert var["point"] == pytest.approx(expected)
        assert section["index"] == pytest.approx(
            sum(section["points_used"]) / len(section["points_used"])
        )
    sl1 = next(v for v in sections[1]["variables"] if v["code"] == "SL1")
    assert [i["answer"] for i in sl1["items"]] == [answers["B1"], answers["A2"]]
    assert sl1["value"] == pytest.approx(100 * answers["B1"] / answers["A2"])


def test_run_status_tells_none_queued_running_stale_finished_and_failed(settings):
    settings.SRB_INDEX_RUN_STALE_MINUTES = 30
    survey_round = SurveyRoundFactory()
    assert selectors.run_status(round_id=survey_round.pk)["state"] == "none"
    services.recompute_request_record(round_id=survey_round.pk)
    status = selectors.run_status(round_id=survey_round.pk)
    assert status["state"] == "queued" and status["active"]
    running = IndexRunFactory(round=survey_round)
    assert selectors.run_status(round_id=survey_round.pk)["state"] == "running"
    IndexRun.objects.filter(pk=running.pk).update(started_at=timezone.now() - timedelta(hours=1))
    # the request is older than the run? then the run was for it: it is simply stale
    services.RecomputeRequest.objects.update(requested_at=timezone.now() - timedelta(hours=2))
    status = selectors.run_status(round_id=survey_round.pk)
    assert status["state"] == "stale" and not status["active"]
    finished = IndexRunFactory(round=survey_round, status="finished", finished_at=timezone.now())
    services._request_done(round_id=survey_round.pk, since=timezone.now())
    status = selectors.run_status(round_id=survey_round.pk)
    assert status["state"] == "finished" and status["current_run_id"] == finished.pk
    IndexRunFactory(round=survey_round, status="failed", error="kaputt")
    status = selectors.run_status(round_id=survey_round.pk)
    assert status["state"] == "failed" and status["error"] == "kaputt"
    assert status["current_run_id"] == finished.pk
