"""Journeys through the allocation services: budget, step 1, proposal, workflow, reallocation."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from allocation import selectors
from allocation.models import AllocationLine, PlanState
from allocation.services import budget_years as budget_year_services
from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from allocation.services import reallocations as reallocation_services
from allocation.services import workflow
from allocation.services.common import ConflictError
from audit import selectors as audit_selectors
from audit.models import AuditEvent
from sozialraeume import roles
from tests.allocation.factories import finished_run, fs1_line, make_world
from tests.factories import JugendamtFactory, SozialraumFactory, make_user
from tests.surveys.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db


def _messages(exc):
    return " ".join(exc.value.messages)


# --- budget years and step 1 -----------------------------------------------------------


def test_budget_year_without_own_figure_is_previous_year_plus_2_5_percent(world):
    ja = world.jugendamt
    budget_year_services.budget_year_save(
        jugendamt_id=ja.pk, year=2022, state_budget=Decimal("1002240"), acting_user=world.staff
    )
    by = budget_year_services.budget_year_save(
        jugendamt_id=ja.pk, year=2023, acting_user=world.staff
    )
    assert by.state_budget == Decimal("1027296.00")
    assert not by.own_figure
    event = AuditEvent.objects.filter(action="budget_year.create").last()
    assert event.new["state_budget"] == "1027296.00"


def test_shares_come_from_the_round_and_sum_to_the_budget(world):
    shares = {s.sozialraum.name: s for s in world.budget_year.shares.all()}
    assert shares["Nord"].percent == Decimal("60.00")
    assert shares["Nord"].state_amount == Decimal("72000.00")
    assert shares["Süd"].state_amount == Decimal("48000.00")
    assert sum(s.state_amount for s in shares.values()) == world.budget_year.state_budget
    overview = selectors.budget_overview(world.budget_year)
    north = next(r for r in overview.rows if r.sozialraum == world.north)
    assert north.funding.municipal == Decimal("48000.00")
    assert north.funding.total == Decimal("120000.00")


def test_step_1_refuses_a_sozialraum_without_index_and_names_it():
    ja = JugendamtFactory()
    rich = SozialraumFactory(jugendamt=ja, name="Mitte")
    SozialraumFactory(jugendamt=ja, name="Leerfeld")
    rnd = SurveyRoundFactory(jugendamt=ja, state="geschlossen")
    finished_run(rnd, kitas={}, sozialraeume={rich: 50.0})
    staff = make_user(roles.JUGENDAMT, jugendamt=ja, password=None)
    by = budget_year_services.budget_year_save(
        jugendamt_id=ja.pk, year=2026, state_budget=Decimal("1000"), round=rnd, acting_user=staff
    )
    with pytest.raises(ValidationError) as exc:
        budget_year_services.budget_year_apply_shares(budget_year=by, acting_user=staff)
    assert "Leerfeld" in _messages(exc)


# --- proposal and lines ----------------------------------------------------------------


def test_proposal_drafts_fs1_lines_in_proportion_to_gesamtindex(world, plan):
    proposal = plan_services.plan_propose(plan=plan, acting_user=world.staff)
    lines = {line.kita.name: line for line in plan.lines.all()}
    # fundable 72 000 / 0.6 = 120 000; A 60 and B 45 eligible (lower bound 40), C 30 is not
    assert set(lines) == {"Kita A", "Kita B"}
    assert lines["Kita A"].fte == Decimal("0.95")  # 68 571.43 / 70 000 = 0.98 -> 0.95
    assert lines["Kita B"].fte == Decimal("0.70")  # 51 428.57 / 70 000 = 0.73 -> 0.70
    assert lines["Kita A"].state_part == Decimal("39900.00")
    assert proposal.unallocated == Decimal("4500.00")
    view = selectors.plan_view(plan)
    assert view.unallocated.total == Decimal("4500.00")
    assert view.budget.state == Decimal("72000.00")
    assert AuditEvent.objects.filter(action="plan.propose", object_id=str(plan.pk)).exists()


def test_changing_a_line_after_the_proposal_needs_a_reason(world, plan):
    plan_services.plan_propose(plan=plan, acting_user=world.staff)
    line = plan.lines.get(kita=world.kitas["A"])
    with pytest.raises(ValidationError) as exc:
        line_services.line_update(
            line_id=line.pk, expected_version=line.version, fte="0.90", acting_user=world.staff
        )
    assert "Begründung" in _messages(exc)
    line_services.line_update(
        line_id=line.pk,
        expected_version=line.version,
        fte="0.90",
        annual_cost="63000.00",
        reason="Träger besetzt nur 90 %",
        acting_user=world.staff,
    )
    line.refresh_from_db()
    assert line.fte == Decimal("0.90")
    assert line.state_part == Decimal("37800.00")
    event = AuditEvent.objects.filter(action="line.update").last()
    assert event.old["fte"] == "0.95" and event.new["fte"] == "0.90"
    assert event.reason == "Träger besetzt nur 90 %"
    assert event.actor == world.staff


def test_ineligible_fs1_line_cannot_be_saved(world, plan):
    with pytest.raises(ValidationError) as exc:
        line_services.line_add(
            plan=plan,
            kita=world.kitas["C"],
            strand="FS1",
            fte="0.5",
            annual_cost="35000",
            acting_user=world.staff,
        )
    assert "nicht förderfähig" in _messages(exc)
    assert "unter dem unteren Normwert" in _messages(exc)
    assert not plan.lines.exists()


def test_fs3_below_mean_only_with_written_justification(world, plan):
    kwargs = dict(
        plan=plan,
        kita=world.kitas["B"],
        strand="FS3",
        fte="0.5",
        annual_cost="32500",
        acting_user=world.staff,
    )
    with pytest.raises(ValidationError) as exc:
        line_services.line_add(**kwargs)
    assert "Begründung" in _messages(exc)
    line = line_services.line_add(**kwargs, justification="Viele neu zugewanderte Familien")
    assert line.pk
    with pytest.raises(ValidationError):  # C's FM 20 is below the lower bound 35
        line_services.line_add(**{**kwargs, "kita": world.kitas["C"]}, justification="Bitte")


def test_fs2_needs_the_sozialraums_centre_and_its_confirmations(world, plan):
    from tests.foerderung.factories import make_centre

    base = dict(plan=plan, strand="FS2", fte="1", annual_cost="70000", acting_user=world.staff)
    with pytest.raises(ValidationError) as exc:  # no centre yet: the checkboxes do not count
        line_services.line_add(
            **base, kita=world.kitas["A"], central_location=True, cross_provider=True
        )
    assert "noch kein Kommunikations- und Nachbarschaftszentrum" in _messages(exc)
    centre = make_centre(plan.sozialraum, host_kita=world.kitas["A"], confirmed=False)
    with pytest.raises(ValidationError) as exc:
        line_services.line_add(**base, kita=world.kitas["A"])
    assert "müssen bestätigt sein" in _messages(exc)
    centre.central_location = centre.cross_provider = True
    centre.save()
    line = line_services.line_add(**base, kita=world.kitas["A"])
    assert line.centre == centre and line.central_location and line.cross_provider
    with pytest.raises(ValidationError) as exc:  # the centre is in Kita A, not B
        line_services.line_add(**base, kita=world.kitas["B"])
    assert "FS2-Stellen sind dort vorzusehen" in _messages(exc)


def test_fs4_needs_an_accepted_request_of_the_same_kita(world, plan):
    from foerderung.models import Fs4RequestState
    from tests.foerderung.factories import make_fs4_request

    base = dict(plan=plan, kita=world.kitas["C"], strand="FS4", fte="0.5", acting_user=world.staff)
    with pytest.raises(ValidationError) as exc:  # a typed justification no longer suffices
        line_services.line_add(**base, justification="Auflage der Betriebserlaubnis (Räume)")
    assert "angenommenen Antrag" in _messages(exc)
    waiting = make_fs4_request(
        world.kitas["C"], requested_by=world.staff, state=Fs4RequestState.SUBMITTED
    )
    with pytest.raises(ValidationError) as exc:
        line_services.line_add(**base, fs4_request=waiting)
    assert "nicht angenommen" in _messages(exc)
    other = make_fs4_request(world.kitas["A"], requested_by=world.staff)
    with pytest.raises(ValidationError) as exc:
        line_services.line_add(**base, fs4_request=other)
    assert "nicht für" in _messages(exc)
    accepted = make_fs4_request(world.kitas["C"], requested_by=world.staff)
    line = line_services.line_add(**base, fs4_request=accepted)
    assert line.fs4_request == accepted and line.annual_cost == Decimal("30000.00")


def test_fs4_lines_on_one_request_stay_within_its_fte(world, plan):
    from tests.foerderung.factories import make_fs4_request

    accepted = make_fs4_request(world.kitas["C"], requested_by=world.staff, fte=Decimal("0.50"))
    base = dict(plan=plan, kita=world.kitas["C"], strand="FS4", acting_user=world.staff)
    with pytest.raises(ValidationError) as exc:
        line_services.line_add(**base, fte="0.60", fs4_request=accepted)
    assert "umfasst 0,50 VZÄ; mit dieser Zeile wären 0,60 VZÄ" in _messages(exc)
    first = line_services.line_add(**base, fte="0.30", fs4_request=accepted)
    with pytest.raises(ValidationError) as exc:  # 0,30 + 0,30 > 0,50
        line_services.line_add(**base, fte="0.30", fs4_request=accepted)
    assert "wären 0,60 VZÄ" in _messages(exc)
    line_services.line_add(**base, fte="0.20", fs4_request=accepted)
    with pytest.raises(ValidationError):  # raising the first line past the request
        line_services.line_update(
            line_id=first.pk, expected_version=first.version, fte="0.35", acting_user=world.staff
        )
    assert sum(line.fte for line in plan.lines.filter(fs4_request=accepted)) == Decimal("0.50")


def test_two_people_editing_the_same_line_cannot_overwrite_each_other(world, plan):
    line = fs1_line(world, plan)
    seen_by_both = line.version
    line_services.line_update(
        line_id=line.pk,
        expected_version=seen_by_both,
        fte="0.60",
        annual_cost="42000",
        acting_user=world.staff,
    )
    with pytest.raises(ConflictError) as exc:
        line_services.line_update(
            line_id=line.pk,
            expected_version=seen_by_both,
            fte="0.40",
            annual_cost="28000",
            acting_user=world.leitung,
        )
    assert "inzwischen" in _messages(exc)
    line.refresh_from_db()
    assert line.fte == Decimal("0.60")
    assert line.version == seen_by_both + 1


# --- workflow ---------------------------------------------------------------------------


def test_journey_propose_adjust_comment_four_eyes_approve_review_date(world, plan):
    plan_services.plan_propose(plan=plan, acting_user=world.staff)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    plan_services.plan_comment_add(
        plan=plan, text="Kita A kann erst ab März besetzen.", acting_user=world.traeger_user
    )
    line = plan.lines.get(kita=world.kitas["A"])
    line_services.line_update(
        line_id=line.pk,
        expected_version=line.version,
        fte="0.80",
        annual_cost="56000",
        reason="Besetzung erst ab März (Kommentar Träger)",
        acting_user=world.leitung,
    )
    workflow.plan_submit(plan=plan, acting_user=world.staff)

    with pytest.raises(PermissionDenied):
        workflow.plan_approve(plan=plan, acting_user=world.staff)
    with pytest.raises(ValidationError) as exc:
        workflow.plan_approve(plan=plan, acting_user=world.leitung)
    assert "Vier-Augen-Prinzip" in _messages(exc)
    plan.refresh_from_db()
    assert plan.state == PlanState.PROPOSAL

    workflow.plan_approve(plan=plan, acting_user=world.leitung2)
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    today = timezone.localdate()
    assert plan.review_due == selectors.add_months(today, 30)
    assert (plan.review_due - today).days in range(910, 915)
    history = audit_selectors.plan_events(
        plan_id=plan.pk, budget_year_id=plan.budget_year_id, sozialraum_id=plan.sozialraum_id
    )
    actions = list(history.values_list("action", flat=True))
    for action in (
        "plan.propose",
        "plan.consultation",
        "plan.comment",
        "line.update",
        "plan.submit",
        "plan.approve",
    ):
        assert action in actions
    assert plan in selectors.plans_due_for_review(world.jugendamt.pk, today=plan.review_due)


def test_over_budget_plan_cannot_be_approved(world, plan):
    line_services.line_add(
        plan=plan,
        kita=world.kitas["A"],
        strand="FS1",
        fte="1.80",
        annual_cost="126000",
        acting_user=world.staff,
    )  # state part 75 600 > 72 000
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    with pytest.raises(ValidationError) as exc:
        workflow.plan_approve(plan=plan, acting_user=world.leitung)
    assert "übersteigt" in _messages(exc)
    assert "3.600,00" in _messages(exc)
    plan.refresh_from_db()
    assert plan.state == PlanState.PROPOSAL


def test_frozen_plan_lines_cannot_change_until_rework_with_reason(world, plan):
    line = fs1_line(world, plan)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    with pytest.raises(ValidationError):
        line_services.line_update(
            line_id=line.pk, expected_version=line.version, fte="0.6", acting_user=world.staff
        )
    with pytest.raises(ValidationError):
        workflow.plan_rework(plan=plan, reason=" ", acting_user=world.staff)
    workflow.plan_rework(plan=plan, reason="Neue Zahlen vom Träger", acting_user=world.staff)
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    event = AuditEvent.objects.filter(action="plan.rework").last()
    assert event.old["state"] == "proposal" and event.new["state"] == "draft"
    assert event.reason == "Neue Zahlen vom Träger"


def test_traeger_comments_only_during_consultation(world, plan):
    # A draft is not shown to the Träger at all (the plan rule), so not commentable either.
    with pytest.raises(PermissionDenied):
        plan_services.plan_comment_add(plan=plan, text="Frage", acting_user=world.traeger_user)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    plan_services.plan_comment_add(plan=plan, text="Frage", acting_user=world.traeger_user)
    with pytest.raises(PermissionDenied):
        plan_services.plan_comment_add(plan=plan, text="x", acting_user=world.outsider_traeger_user)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_comment_add(plan=plan, text="Noch eine", acting_user=world.traeger_user)
    assert "nur während der Abstimmung" in _messages(exc)
    assert list(plan.comments.values_list("text", flat=True)) == ["Frage"]


# --- reallocation ----------------------------------------------------------------------


def test_reallocation_moves_unspent_funds_and_keeps_totals(world, plan):
    plan_services.plan_propose(plan=plan, acting_user=world.staff)  # state 69 300 of 72 000
    with pytest.raises(ValidationError) as exc:
        reallocation_services.reallocation_create(
            budget_year=world.budget_year,
            from_sozialraum=world.north,
            to_sozialraum=world.south,
            amount="3000",
            reason="zu viel",
            public_reason="Restmittel",
            acting_user=world.staff,
        )
    assert "2.700,00" in _messages(exc)
    with pytest.raises(ValidationError):
        reallocation_services.reallocation_create(
            budget_year=world.budget_year,
            from_sozialraum=world.north,
            to_sozialraum=world.south,
            amount="100",
            reason="  ",
            public_reason="Restmittel",
            acting_user=world.staff,
        )
    proposal = reallocation_services.reallocation_create(
        budget_year=world.budget_year,
        from_sozialraum=world.north,
        to_sozialraum=world.south,
        to_kita=world.kitas["D"],
        amount="2700",
        reason="Zuzug vieler Familien in Süd",
        public_reason="Zuzug vieler Familien in den Sozialraum Süd",
        acting_user=world.staff,
    )
    # Four eyes: the money moves once the Leitung approves the proposal.
    reallocation_services.reallocation_approve(reallocation=proposal, acting_user=world.leitung)
    overview = selectors.budget_overview(world.budget_year)
    amounts = {r.sozialraum.name: r.funding.state for r in overview.rows}
    assert amounts == {"Nord": Decimal("69300.00"), "Süd": Decimal("50700.00")}
    assert overview.total_state_amounts == world.budget_year.state_budget
    history = audit_selectors.kita_events(kita_id=world.kitas["D"].pk)
    assert history.filter(action="reallocation.propose", reason__contains="Zuzug").exists()
    assert history.filter(action="reallocation.approve").exists()


def test_line_from_another_sozialraum_is_refused(world, plan):
    with pytest.raises(ValidationError):
        line_services.line_add(
            plan=plan,
            kita=world.kitas["D"],
            strand="FS4",
            fte="1",
            annual_cost="1",
            justification="x",
            acting_user=world.staff,
        )


def test_only_own_jugendamt_edits(world, plan):
    stranger = make_user(roles.JUGENDAMT, password=None)
    with pytest.raises(PermissionDenied):
        line_services.line_add(
            plan=plan,
            kita=world.kitas["A"],
            strand="FS1",
            fte="1",
            annual_cost="1",
            acting_user=stranger,
        )
    assert not AllocationLine.objects.exists()


def test_step_1_can_carry_a_previous_value_forward_and_records_it():
    ja = JugendamtFactory()
    mitte = SozialraumFactory(jugendamt=ja, name="Mitte")
    leer = SozialraumFactory(jugendamt=ja, name="Leerfeld")
    staff = make_user(roles.JUGENDAMT, jugendamt=ja, password=None)
    old_round = SurveyRoundFactory(jugendamt=ja, code="2020", state="geschlossen")
    finished_run(old_round, kitas={}, sozialraeume={mitte: 50.0, leer: 25.0})
    old_year = budget_year_services.budget_year_save(
        jugendamt_id=ja.pk,
        year=2026,
        state_budget=Decimal("900"),
        round=old_round,
        acting_user=staff,
    )
    budget_year_services.budget_year_apply_shares(budget_year=old_year, acting_user=staff)
    new_round = SurveyRoundFactory(jugendamt=ja, code="2027", state="geschlossen")
    finished_run(new_round, kitas={}, sozialraeume={mitte: 50.0})
    new_year = budget_year_services.budget_year_save(
        jugendamt_id=ja.pk,
        year=2028,
        state_budget=Decimal("900"),
        round=new_round,
        acting_user=staff,
    )
    budget_year_services.budget_year_apply_shares(
        budget_year=new_year,
        acting_user=staff,
        carry_forward=True,
        reason="Leerfeld hat 2027 nicht teilgenommen",
    )
    amounts = {s.sozialraum.name: s.state_amount for s in new_year.shares.all()}
    assert amounts == {"Mitte": Decimal("600.00"), "Leerfeld": Decimal("300.00")}
    event = AuditEvent.objects.filter(action="budget_year.shares").last()
    assert event.new["Leerfeld"]["carried_forward"]["gesamt"] == 25.0
    assert event.reason == "Leerfeld hat 2027 nicht teilgenommen"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_line_on_postgresql_one_wins_one_conflicts():
    world = make_world()
    plan = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    line = fs1_line(world, plan)
    barrier = threading.Barrier(2)
    outcomes = {}

    def edit(user, fte):
        try:
            barrier.wait()
            line_services.line_update(
                line_id=line.pk,
                expected_version=line.version,
                fte=fte,
                annual_cost=str(Decimal(fte) * 70000),
                acting_user=user,
            )
            outcomes[user.username] = "saved"
        except ConflictError:
            outcomes[user.username] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(world.staff, "0.60")),
        threading.Thread(target=edit, args=(world.leitung, "0.40")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, result in outcomes.items() if result == "saved")
    line.refresh_from_db()
    assert line.fte == (Decimal("0.60") if winner == "fachkraft" else Decimal("0.40"))
    assert AuditEvent.objects.filter(action="line.update").count() == 1
