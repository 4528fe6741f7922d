"""One published result per Jugendamt (issue 12, finding 1).

The published result is the newest finished run of the most recent CLOSED round. In the
demo (2020 closed, 2027 open) one Kita submitting 2027 must not replace it: the Kita
leader and the Träger keep the 2020 values, the evaluation opens on 2020, and the
provisional 2027 result is reachable for Jugendamt staff only, marked "vorläufig — nicht
veröffentlicht", with the progress of the round. Closing 2027 publishes its result (the
pages switch, the audit trail says so, once per run).
"""

from __future__ import annotations

import random
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from indices import selectors, services
from indices.models import IndexRun
from sozialraeume.models import Kita
from surveys import services as survey_services
from surveys.models import Response, SurveyRound
from tests import shared_demo
from tests.indices.factories import varied_answers
from tests.surveys.factories import valid_answers

pytestmark = pytest.mark.django_db

# The demo is seeded once for the module, each test runs in a savepoint of its own
# (tests/shared_demo.py).
demo_seeded = shared_demo.demo_seeded
demo = shared_demo.demo

PROVISIONAL = "vorläufig — nicht veröffentlicht"


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _de(value: float, places: int) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def _rounds(jugendamt):
    return (
        SurveyRound.objects.get(jugendamt=jugendamt, code="2020"),
        SurveyRound.objects.get(jugendamt=jugendamt, code="2027"),
    )


def _submit_2027(kita, user, capture):
    """The Kita leader submits the 2027 questionnaire; the recomputation runs (eager)."""
    round_2027 = SurveyRound.objects.get(jugendamt=kita.sozialraum.jugendamt, code="2027")
    with capture(execute=True):
        survey_services.response_submit(
            survey_round=round_2027, kita=kita, answers=valid_answers(), version=0, acting_user=user
        )
    return round_2027


def _my_kita_table(client, kita) -> str:
    html = client.get(reverse("indices:my_kita_detail", args=[kita.pk])).content.decode()
    match = re.search(r'<table[^>]*id="my-kita-table".*?</table>', html, re.S)
    return match.group(0) if match else ""


def _published_events(jugendamt):
    return AuditEvent.objects.filter(action="results.published", jugendamt=jugendamt)


@pytest.fixture
def world(demo, role_users):
    round_2020, round_2027 = _rounds(demo)
    kita_leader = role_users["kita-leitung"]
    own_kita = kita_leader.kitas.get()
    traeger = role_users["traeger"]
    traeger_kita = (
        Kita.objects.filter(traeger_id=traeger.traeger_id).exclude(pk=own_kita.pk).order_by("pk")
    ).first()
    run_2020 = selectors.current_run(round_id=round_2020.pk)
    assert run_2020 is not None and round_2027.state == SurveyRound.State.OFFEN
    return {
        "jugendamt": demo,
        "round_2020": round_2020,
        "round_2027": round_2027,
        "run_2020": run_2020,
        "kita_leader": kita_leader,
        "own_kita": own_kita,
        "traeger": traeger,
        "traeger_kita": traeger_kita,
        "staff": role_users["jugendamt"],
        "leitung": role_users["jugendamt-leitung"],
        "ausschuss": role_users["ausschuss"],
    }


# --- the selector --------------------------------------------------------------------------


def test_the_published_run_is_the_closed_rounds_and_an_open_round_never_replaces_it(
    world, django_capture_on_commit_callbacks
):
    jugendamt, run_2020 = world["jugendamt"], world["run_2020"]
    assert selectors.published_run(jugendamt_id=jugendamt.pk) == run_2020

    round_2027 = _submit_2027(
        world["own_kita"], world["kita_leader"], django_capture_on_commit_callbacks
    )
    provisional = selectors.current_run(round_id=round_2027.pk)
    assert provisional is not None and provisional.kita_count == 1
    assert selectors.published_run(jugendamt_id=jugendamt.pk) == run_2020
    assert selectors.provisional_run(round_id=round_2027.pk) == provisional
    assert selectors.round_published_run(round_id=round_2027.pk) is None
    assert selectors.round_published_run(round_id=world["round_2020"].pk) == run_2020
    assert selectors.closed_round_runs(jugendamt_id=jugendamt.pk) == [run_2020]


# --- Kita leader and Träger ------------------------------------------------------------


def test_kita_leader_keeps_seeing_the_published_2020_values_after_submitting_2027(
    client, world, django_capture_on_commit_callbacks
):
    kita, leader = world["own_kita"], world["kita_leader"]
    value = world["run_2020"].kita_values.get(kita=kita)
    client.force_login(leader)
    before = _my_kita_table(client, kita)
    assert _de(value.gesamt, 2) in before

    _submit_2027(kita, leader, django_capture_on_commit_callbacks)

    after = _my_kita_table(client, kita)
    assert after == before, "the Kita leader's own result changed with one 2027 submission"
    page = _text(client.get(reverse("indices:my_kita_detail", args=[kita.pk])))
    assert "Erhebung 2020" in page and "Erhebung 2027" not in page
    assert PROVISIONAL not in page


def test_traeger_keeps_seeing_the_published_values_of_a_kita_that_has_not_submitted(
    client, world, django_capture_on_commit_callbacks
):
    kita = world["traeger_kita"]
    client.force_login(world["traeger"])
    before = _my_kita_table(client, kita)
    assert before, "the Träger sees the 2020 values of their Kita"

    _submit_2027(world["own_kita"], world["kita_leader"], django_capture_on_commit_callbacks)

    assert _my_kita_table(client, kita) == before
    page = _text(client.get(reverse("indices:my_kita_detail", args=[kita.pk])))
    assert "noch kein berechnetes Ergebnis" not in page


@pytest.mark.parametrize("who", ["kita_leader", "traeger", "ausschuss"])
def test_the_provisional_result_cannot_be_reached_by_url_outside_the_jugendamt(
    client, world, who, django_capture_on_commit_callbacks
):
    round_2027 = _submit_2027(
        world["own_kita"], world["kita_leader"], django_capture_on_commit_callbacks
    )
    client.force_login(world[who])
    query = {"round": round_2027.pk}
    kita = world["own_kita"]
    assert client.get(reverse("indices:overview"), query).status_code == 403
    assert client.get(reverse("indices:kita_detail", args=[kita.pk]), query).status_code == 403
    assert client.get(reverse("indices:run_status", args=[round_2027.pk])).status_code == 403
    response = client.get(reverse("indices:my_kita_detail", args=[kita.pk]), query)
    if who == "ausschuss":
        assert response.status_code in (403, 404)
    else:
        # the query string is ignored: still the published 2020 values
        assert response.status_code == 200
        text = _text(response)
        assert "Erhebung 2020" in text and "Erhebung 2027" not in text


# --- staff: the evaluation --------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "leitung"])
def test_evaluation_opens_on_the_published_result_and_offers_the_provisional_one_to_staff(
    client, world, who, django_capture_on_commit_callbacks
):
    round_2027 = _submit_2027(
        world["own_kita"], world["kita_leader"], django_capture_on_commit_callbacks
    )
    client.force_login(world[who])

    default = client.get(reverse("indices:overview"))
    assert default.status_code == 200
    assert default.context["survey_round"] == world["round_2020"]
    assert default.context["run"] == world["run_2020"]
    text = _text(default)
    assert PROVISIONAL not in text and "veröffentlicht" in text

    provisional = client.get(reverse("indices:overview"), {"round": round_2027.pk})
    assert provisional.status_code == 200
    assert provisional.context["run"] == selectors.current_run(round_id=round_2027.pk)
    text = _text(provisional)
    assert PROVISIONAL in text
    assert "1 von 32 Fragebögen eingereicht" in text
    missing = provisional.context["progress"].missing
    assert len(missing) == 31 and world["own_kita"] not in missing
    assert world["traeger_kita"].name in text  # listed among the Kitas without submission

    detail = client.get(
        reverse("indices:kita_detail", args=[world["own_kita"].pk]), {"round": round_2027.pk}
    )
    assert detail.status_code == 200 and PROVISIONAL in _text(detail)


def test_progress_sentence_uses_the_singular_for_one_kita(db):
    from surveys.selectors import submission_progress
    from tests.factories import KitaFactory
    from tests.surveys.factories import SurveyRoundFactory

    survey_round = SurveyRoundFactory()
    KitaFactory(sozialraum__jugendamt=survey_round.jugendamt)
    assert submission_progress(survey_round=survey_round).text == ("0 von 1 Fragebogen eingereicht")


# --- closing publishes ------------------------------------------------------------------


def _answer_every_kita(survey_round, *, except_kita):
    """Submitted questionnaires for every other Kita (as if submitted over weeks)."""
    rng = random.Random(2027)
    kitas = Kita.objects.filter(sozialraum__jugendamt=survey_round.jugendamt, active=True)
    Response.objects.bulk_create(
        Response(
            round=survey_round,
            kita=kita,
            status=Response.Status.SUBMITTED,
            answers=varied_answers(rng),
            submitted_at=timezone.now(),
        )
        for kita in kitas.exclude(pk=except_kita.pk).order_by("pk")
    )


def test_closing_2027_publishes_its_result_once_and_the_pages_switch(
    client, world, django_capture_on_commit_callbacks
):
    jugendamt, kita, leader = world["jugendamt"], world["own_kita"], world["kita_leader"]
    round_2027 = _submit_2027(kita, leader, django_capture_on_commit_callbacks)
    _answer_every_kita(round_2027, except_kita=kita)
    # the submissions' recomputation: a provisional result of all 32 Kitas
    full = services.index_run_compute(round_id=round_2027.pk)
    assert full.status == IndexRun.Status.FINISHED and full.kita_count == 32
    assert selectors.published_run(jugendamt_id=jugendamt.pk) == world["run_2020"]
    published_before = _published_events(jugendamt).count()

    with django_capture_on_commit_callbacks(execute=True):
        survey_services.round_close(survey_round=round_2027, acting_user=world["staff"])

    assert selectors.published_run(jugendamt_id=jugendamt.pk) == full
    events = _published_events(jugendamt).filter(new__run_id=full.pk)
    assert events.count() == 1, "closing publishes the round's result, once"
    event = events.get()
    assert event.object_type == "surveys.surveyround" and event.object_id == str(round_2027.pk)
    assert event.new["round"] == "2027" and event.new["kitas"] == 32
    assert event.old["run_id"] == world["run_2020"].pk
    assert _published_events(jugendamt).count() == published_before + 1

    # safe to run twice: no second event for the same run
    assert services.result_publish(round_id=round_2027.pk) is None
    assert services.index_run_compute(round_id=round_2027.pk) is None  # unchanged: skipped
    assert _published_events(jugendamt).filter(new__run_id=full.pk).count() == 1

    # the pages switch: Kita leader sees 2027, the evaluation opens on 2027 as published
    client.force_login(leader)
    page = _text(client.get(reverse("indices:my_kita_detail", args=[kita.pk])))
    assert "Erhebung 2027" in page
    assert _de(full.kita_values.get(kita=kita).gesamt, 2) in page
    client.force_login(world["staff"])
    overview = client.get(reverse("indices:overview"))
    assert overview.context["run"] == full and PROVISIONAL not in _text(overview)
    assert overview.context["result_kind"] == selectors.PUBLISHED
    earlier = client.get(reverse("indices:overview"), {"round": world["round_2020"].pk})
    assert earlier.context["result_kind"] == selectors.EARLIER

    # the round's history names the publication
    history = _text(client.get(reverse("surveys:round_history", args=["2027"])))
    assert "Ergebnis veröffentlicht" in history


def test_a_new_run_of_a_closed_round_is_published_as_it_finishes(world):
    jugendamt, round_2020 = world["jugendamt"], world["round_2020"]
    newer = services.index_run_compute(round_id=round_2020.pk, force=True)
    assert newer.status == IndexRun.Status.FINISHED
    assert selectors.published_run(jugendamt_id=jugendamt.pk) == newer
    assert _published_events(jugendamt).filter(new__run_id=newer.pk).count() == 1
    assert services.result_publish(round_id=round_2020.pk) is None
    assert _published_events(jugendamt).filter(new__run_id=newer.pk).count() == 1


def test_a_run_of_an_open_round_is_never_published(world, django_capture_on_commit_callbacks):
    jugendamt = world["jugendamt"]
    before = _published_events(jugendamt).count()
    round_2027 = _submit_2027(
        world["own_kita"], world["kita_leader"], django_capture_on_commit_callbacks
    )
    assert services.result_publish(round_id=round_2027.pk) is None
    assert _published_events(jugendamt).count() == before


def test_the_demo_records_the_publication_of_the_2020_result(world):
    event = _published_events(world["jugendamt"]).get()
    assert event.new["run_id"] == world["run_2020"].pk and event.new["round"] == "2020"
