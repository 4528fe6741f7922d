"""Races with real threads against PostgreSQL: exactly one of two simultaneous writes wins.

Each thread has its own database connection (closed at the end of the thread); a
``threading.Barrier`` lines them up so both services start at the same moment. Every
race is repeated a few times. On SQLite (no row locks, one writer) these tests are
skipped: they are marked ``services`` and run in CI against PostgreSQL.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from allocation.models import AllocationLine, AllocationPlan, PlanState
from allocation.services import common, lines, plans, workflow
from audit.models import AuditEvent
from sozialraeume import roles
from surveys import services as survey_services
from surveys.models import Response
from tests.allocation.factories import make_world
from tests.factories import KitaFactory, make_user
from tests.surveys.factories import SurveyRoundFactory, valid_answers

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]

REPEAT = 5


def race(*calls):
    """Run the callables at the same moment, each in its own thread and connection.

    Returns one ``("ok", result)`` or ``("error", exception)`` per callable.
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the outcome is what we compare
            outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a thread hangs (deadlock?)"
    return outcomes


def split(outcomes):
    wins = [value for kind, value in outcomes if kind == "ok"]
    losses = [value for kind, value in outcomes if kind == "error"]
    return wins, losses


def audit_count(action, obj) -> int:
    return AuditEvent.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).count()


@pytest.fixture
def world():
    return make_world()


# --- (a) double click on "Einreichen" ----------------------------------------------------


@pytest.mark.parametrize("existing_draft", [True, False], ids=["with-draft", "first-save"])
def test_double_submit_of_a_questionnaire_submits_once(world, existing_draft):
    # an open round (the world's round is closed: its result is published)
    open_round = SurveyRoundFactory(jugendamt=world.jugendamt, code="2027")
    for attempt in range(REPEAT):
        kita = KitaFactory(
            sozialraum=world.north, traeger=world.traeger, name=f"Kita Doppel {attempt}"
        )
        leader = make_user(roles.KITA_LEITUNG, kitas=[kita], password=None)
        version = 0
        if existing_draft:
            draft = survey_services.response_save_draft(
                survey_round=open_round,
                kita=kita,
                answers={"A1": 80},
                version=0,
                acting_user=leader,
            )
            version = draft.version

        def submit(kita=kita, leader=leader, version=version):
            return survey_services.response_submit(
                survey_round=open_round,
                kita=kita,
                answers=valid_answers(),
                version=version,
                acting_user=leader,
            )

        wins, losses = split(race(submit, submit))
        assert len(wins) == 1, f"attempt {attempt}: {losses}"
        assert len(losses) == 1
        loss = losses[0]
        assert isinstance(
            loss, (survey_services.StaleVersionError, survey_services.AlreadySubmittedError)
        ), repr(loss)
        assert "bitte laden Sie die Seite neu" in str(loss) or "bereits eingereicht" in str(loss)
        response = Response.objects.get(round=open_round, kita=kita)
        assert response.status == Response.Status.SUBMITTED
        assert response.version == version + 1 or not existing_draft
        assert audit_count("response_submitted", response) == 1


# --- (b) two staff members edit the same allocation line -------------------------------


def test_two_staff_members_editing_the_same_line_one_wins(world):
    other_staff = make_user(roles.JUGENDAMT, jugendamt=world.jugendamt, password=None)
    plan = plans.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    line = lines.line_add(
        plan=plan,
        kita=world.kitas["A"],
        strand="FS1",
        fte=Decimal("0.50"),
        annual_cost=Decimal("35000"),
        acting_user=world.staff,
    )
    for attempt in range(REPEAT):
        line.refresh_from_db()
        version = line.version
        updates_before = audit_count("line.update", line)
        # FTE in the Jugendamt's steps of 0,05; each attempt writes new values
        first_fte = Decimal("0.60") + Decimal(attempt) * Decimal("0.05")
        second_fte = Decimal("2.60") + Decimal(attempt) * Decimal("0.05")

        def edit(user, fte, version=version):
            return lines.line_update(
                line_id=line.pk, expected_version=version, fte=fte, acting_user=user
            )

        wins, losses = split(
            race(
                lambda f=first_fte: edit(world.staff, f),
                lambda f=second_fte: edit(other_staff, f),
            )
        )
        assert len(wins) == 1, f"attempt {attempt}: {losses}"
        assert len(losses) == 1 and isinstance(losses[0], common.ConflictError), repr(losses)
        assert "wurde inzwischen von" in " ".join(losses[0].messages)
        line.refresh_from_db()
        assert line.version == version + 1
        assert line.fte == wins[0].fte
        assert audit_count("line.update", line) == updates_before + 1


# --- (c) two Jugendamt-Leitung users approve, or one approves while one sends back -----


def _to_proposal(world, plan):
    plan.refresh_from_db()
    if plan.state != PlanState.DRAFT:
        # an approved plan is taken back by the Jugendamt-Leitung only (four eyes)
        workflow.plan_rework(plan=plan, acting_user=world.leitung2, reason="neue Runde im Test")
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    plan.refresh_from_db()
    assert plan.state == PlanState.PROPOSAL
    return plan


@pytest.fixture
def plan(world):
    plan = plans.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    lines.line_add(
        plan=plan,
        kita=world.kitas["A"],
        strand="FS1",
        fte=Decimal("0.50"),
        annual_cost=Decimal("35000"),
        acting_user=world.staff,
    )
    return plan


def test_two_leaders_approving_the_same_plan_approve_it_once(world, plan):
    for attempt in range(REPEAT):
        plan = _to_proposal(world, plan)
        approvals_before = audit_count("plan.approve", plan)

        def approve(user, pk=plan.pk):
            return workflow.plan_approve(plan=AllocationPlan.objects.get(pk=pk), acting_user=user)

        wins, losses = split(race(lambda: approve(world.leitung), lambda: approve(world.leitung2)))
        assert len(wins) == 1, f"attempt {attempt}: {losses}"
        assert len(losses) == 1 and isinstance(losses[0], ValidationError), repr(losses)
        assert "nicht möglich" in " ".join(losses[0].messages)
        plan.refresh_from_db()
        assert plan.state == PlanState.APPROVED
        assert plan.approved_by_id == wins[0].approved_by_id
        assert audit_count("plan.approve", plan) == approvals_before + 1


def test_approve_and_send_back_at_the_same_moment_exactly_one_happens(world, plan):
    results = set()
    for attempt in range(REPEAT):
        plan = _to_proposal(world, plan)
        version = plan.version
        approvals_before = audit_count("plan.approve", plan)
        reworks_before = audit_count("plan.rework", plan)

        def approve(version=version, pk=plan.pk):
            return workflow.plan_approve(
                plan=AllocationPlan.objects.get(pk=pk),
                acting_user=world.leitung,
                expected_version=version,
            )

        def send_back(version=version, pk=plan.pk):
            return workflow.plan_rework(
                plan=AllocationPlan.objects.get(pk=pk),
                acting_user=world.leitung2,
                reason="Zahlen prüfen",
                expected_version=version,
            )

        outcomes = race(approve, send_back)
        wins, losses = split(outcomes)
        assert len(wins) == 1, f"attempt {attempt}: {losses}"
        assert len(losses) == 1 and isinstance(losses[0], ValidationError), repr(losses)
        assert "inzwischen" in " ".join(losses[0].messages)
        plan.refresh_from_db()
        assert plan.version == version + 1
        approved = audit_count("plan.approve", plan) - approvals_before
        reworked = audit_count("plan.rework", plan) - reworks_before
        assert approved + reworked == 1
        assert plan.state == (PlanState.APPROVED if approved else PlanState.DRAFT)
        results.add(plan.state)
    assert results  # which one wins is up to the database; both are fine


def test_stale_transition_without_a_race_is_refused_with_a_clear_message(world, plan):
    """The same check, sequentially: a page opened before the approval cannot send back."""
    plan = _to_proposal(world, plan)
    seen_version = plan.version
    workflow.plan_approve(plan=plan, acting_user=world.leitung, expected_version=seen_version)
    with pytest.raises(ValidationError) as excinfo:
        workflow.plan_rework(
            plan=plan, acting_user=world.leitung2, reason="zu spät", expected_version=seen_version
        )
    assert "inzwischen" in " ".join(excinfo.value.messages)
    assert AllocationLine.objects.filter(plan=plan).count() == 1
