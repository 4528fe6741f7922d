"""Which events belong to the history of a plan, a Kita, a round and the Jugendamt."""

import pytest

from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from allocation.services import reallocations as reallocation_services
from allocation.services import workflow
from audit import selectors
from sozialraeume import roles
from tests.factories import make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db


def _actions(events) -> list[str]:
    return [e.action for e in events]


def _line(world, plan, kita="A", fte="0.5"):
    return line_services.line_add(
        plan=plan,
        kita=world.kitas[kita],
        strand="FS1",
        fte=fte,
        annual_cost="35000",
        acting_user=world.staff,
    )


def _reallocate(world, *, to_kita=None, reason="Zuzug"):
    return reallocation_services.reallocation_create(
        budget_year=world.budget_year,
        from_sozialraum=world.north,
        to_sozialraum=world.south,
        to_kita=to_kita,
        amount="1000",
        reason=reason,
        public_reason="Zuzug im Sozialraum Süd",
        acting_user=world.staff,
    )


def _plan_events(plan):
    return selectors.plan_events(
        plan_id=plan.pk, budget_year_id=plan.budget_year_id, sozialraum_id=plan.sozialraum_id
    )


def test_plan_history_has_its_own_its_lines_and_its_reallocations_events(world, plan):
    line = _line(world, plan)
    line_services.line_delete(
        line_id=line.pk, expected_version=line.version, reason="doppelt", acting_user=world.staff
    )
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    _reallocate(world)
    south = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.south, acting_user=world.staff
    )
    _line(world, south, kita="D")

    assert _actions(_plan_events(plan)) == [
        "plan.create",
        "line.create",
        "line.delete",  # found by the plan id in the old values
        "plan.consultation",
        "reallocation.propose",  # from Nord
    ]
    assert _actions(_plan_events(south)) == ["reallocation.propose", "plan.create", "line.create"]
    rows = selectors.plan_history(
        plan_id=plan.pk, budget_year_id=plan.budget_year_id, sozialraum_id=plan.sozialraum_id
    )
    assert [r.label for r in rows][:3] == [
        "Verteilungsplan angelegt",
        "Zeile angelegt",
        "Zeile gelöscht",
    ]
    assert rows[2].reason == "doppelt"


def test_kita_history_keeps_to_the_plans_and_years_it_is_given(world, plan):
    _line(world, plan)
    _reallocate(world, to_kita=world.kitas["D"], reason="an D")
    other = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.south, acting_user=world.staff
    )
    _line(world, other, kita="D")

    everything = selectors.kita_events(kita_id=world.kitas["D"].pk)
    assert _actions(everything) == ["reallocation.propose", "line.create"]
    only_plan = selectors.kita_events(
        kita_id=world.kitas["D"].pk, plan_ids=[plan.pk], budget_year_ids=[]
    )
    assert _actions(only_plan) == []
    assert _actions(
        selectors.kita_events(
            kita_id=world.kitas["D"].pk,
            plan_ids=[other.pk],
            budget_year_ids=[world.budget_year.pk],
        )
    ) == ["reallocation.propose", "line.create"]
    assert _actions(selectors.kita_events(kita_id=world.kitas["A"].pk)) == ["line.create"]


def test_round_history_has_the_round_its_questionnaires_and_its_reminders(world):
    from audit import events as audit_events
    from surveys import services as survey_services

    survey_round = survey_services.round_create(
        jugendamt=world.jugendamt,
        code="2031",
        stichtag=world.survey_round.stichtag,
        acting_user=world.staff,
    )
    survey_services.round_open(survey_round=survey_round, acting_user=world.staff)
    response = ResponseFactory(round=survey_round, kita=world.kitas["A"])
    survey_services.response_review(
        response=response, review_state="rueckfrage", comment="B3?", acting_user=world.staff
    )
    audit_events.record(
        actor=None,
        action="survey.reminder",
        obj=world.kitas["B"],
        jugendamt_id=world.jugendamt.pk,
        new={"round_id": survey_round.pk, "round": survey_round.code},
    )
    other_round = SurveyRoundFactory(jugendamt=world.jugendamt, code="2032")
    other_response = ResponseFactory(round=other_round, kita=world.kitas["A"])
    survey_services.response_review(
        response=other_response, review_state="geprueft", comment="", acting_user=world.staff
    )

    rows = selectors.round_history(
        round_id=survey_round.pk, response_ids=survey_round.responses.values_list("pk", flat=True)
    )
    assert [r.label for r in rows] == [
        "Erhebungsrunde angelegt",
        "Erhebungsrunde geöffnet",
        "Fragebogen geprüft",
        "Erinnerung versandt",
    ]
    assert [str(c) for c in rows[1].changes] == ["Status: vorbereitet → offen"]
    assert "Stichtag: 01.10.2027" in [str(c) for c in rows[0].changes]
    assert [str(c) for c in rows[2].changes] == ["Prüfstatus: – → Rückfrage", "Kommentar: – → B3?"]


def test_the_jugendamt_list_is_newest_first_its_own_and_filtered_by_action(world, plan):
    from audit import events as audit_events
    from tests.factories import JugendamtFactory

    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    other = JugendamtFactory()
    other_staff = make_user(roles.JUGENDAMT, jugendamt=other, password=None)
    audit_events.record(
        actor=other_staff,
        action="index_run.requested",
        jugendamt_id=other.pk,
        object_type="surveys.surveyround",
        object_repr="Erhebung 2020",
    )

    events = list(selectors.jugendamt_events(user=world.staff))
    assert events[0].action == "plan.consultation"
    assert [(e.at, e.pk) for e in events] == sorted(((e.at, e.pk) for e in events), reverse=True)
    assert {e.jugendamt_id for e in events} == {world.jugendamt.pk}
    assert _actions(selectors.jugendamt_events(user=world.staff, action="plan.create")) == [
        "plan.create"
    ]
    assert _actions(selectors.jugendamt_events(user=other_staff)) == ["index_run.requested"]
    assert not selectors.jugendamt_events(user=world.traeger_user).exists()
