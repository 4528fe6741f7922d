"""Actual personnel costs (issue 16, part P2): reporting, the period and amount rules,
confirmation, four-eyes corrections, the selector the budget execution reads."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from positions.models import ActualCost, CostState
from positions.selectors_costs import actual_costs_for_year
from positions.services import costs as s
from sozialraeume import roles
from tests.factories import make_user
from tests.positions.factories import make_position, position_world
from tests.positions.factories_costs import make_cost

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def w():
    world, plan, position = position_world()
    world.position = position
    return world


def report(w, start, end, amount, user=None, position=None):
    return s.actual_cost_report(
        position_id=(position or w.position).pk,
        period_start=start,
        period_end=end,
        amount=Decimal(amount),
        acting_user=user or w.traeger_user,
    )


def messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


def test_the_traeger_reports_a_month_of_its_own_position_and_it_counts_as_reported(w):
    cost = report(w, D(2026, 3, 1), D(2026, 3, 31), "2900.00")
    assert cost.state == CostState.REPORTED
    figures = actual_costs_for_year(w.budget_year)[w.position.pk]
    assert figures["reported"] == Decimal("2900.00")
    assert figures["confirmed"] == Decimal("0.00")
    assert figures["months_covered"] == {D(2026, 3, 1)}
    event = AuditEvent.objects.get(action="actual_cost.report")
    assert event.new["amount"] == "2900.00" and event.actor == w.traeger_user


def test_a_quarter_covers_three_months(w):
    report(w, D(2026, 4, 1), D(2026, 6, 30), "8700.00")
    figures = actual_costs_for_year(w.budget_year)[w.position.pk]
    assert figures["months_covered"] == {D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1)}


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (D(2026, 3, 1), D(2026, 4, 30), "einen Monat oder ein Quartal"),
        (D(2026, 2, 1), D(2026, 4, 30), "Ein Quartal beginnt im Januar"),
        (D(2026, 3, 2), D(2026, 3, 31), "ersten Tag eines Monats"),
        (D(2026, 3, 1), D(2026, 3, 30), "letzten Tag eines Monats"),
        (D(2027, 1, 1), D(2027, 1, 31), "nicht im Haushaltsjahr 2026"),
    ],
)
def test_a_period_that_is_no_month_or_quarter_of_the_year_is_refused(w, start, end, words):
    with pytest.raises(ValidationError) as exc:
        report(w, start, end, "100.00")
    assert words in messages(exc)
    assert not ActualCost.objects.exists()


def test_a_month_before_the_position_starts_is_refused(w):
    late = make_position(
        budget_year=w.budget_year, kita=w.kitas["A"], starts_on=D(2026, 3, 15), number="X-1"
    )
    with pytest.raises(ValidationError) as exc:
        report(w, D(2026, 2, 1), D(2026, 2, 28), "100.00", position=late)
    assert "besteht im Zeitraum 02/2026 nicht" in messages(exc)
    # the month it starts in may be reported
    assert report(w, D(2026, 3, 1), D(2026, 3, 31), "100.00", position=late)


def test_a_period_overlapping_a_reported_one_is_refused(w):
    report(w, D(2026, 4, 1), D(2026, 6, 30), "8700.00")
    with pytest.raises(ValidationError) as exc:
        report(w, D(2026, 5, 1), D(2026, 5, 31), "2900.00")
    assert "für 04/2026–06/2026 schon Ist-Kosten gemeldet (gemeldet)" in messages(exc)


def test_negative_and_implausibly_high_amounts_are_refused_with_the_limit(w):
    with pytest.raises(ValidationError) as exc:
        report(w, D(2026, 1, 1), D(2026, 1, 31), "-1.00")
    assert "nicht negativ" in messages(exc)
    # planned 35.000 € a year over 12 months: 2.916,67 € a month, at most twice that
    with pytest.raises(ValidationError) as exc:
        report(w, D(2026, 1, 1), D(2026, 1, 31), "5833.35")
    assert "höchstens 5.833,34 €" in messages(exc)
    assert report(w, D(2026, 1, 1), D(2026, 1, 31), "5833.34")


def test_an_amount_well_above_the_plan_is_accepted_with_a_warning(w):
    p = w.position
    assert s.plan_warning(p, D(2026, 1, 1), D(2026, 1, 31), Decimal("3500.00")) == ""
    warning = s.plan_warning(p, D(2026, 1, 1), D(2026, 1, 31), Decimal("3500.01"))
    assert "deutlich über den geplanten 2.916,67 €" in warning


def test_another_traeger_and_a_kita_leader_cannot_report_the_position(w):
    other = make_user(roles.TRAEGER, jugendamt=w.jugendamt, traeger=w.other_traeger)
    leader = make_user(roles.KITA_LEITUNG, kitas=[w.kitas["A"]])
    for user in (other, leader, w.outsider_traeger_user):
        with pytest.raises(PermissionDenied):
            report(w, D(2026, 1, 1), D(2026, 1, 31), "100.00", user=user)
    # Jugendamt staff report for the Träger
    assert report(w, D(2026, 1, 1), D(2026, 1, 31), "100.00", user=w.staff)


def test_a_reported_row_can_be_changed_until_it_is_confirmed(w):
    cost = report(w, D(2026, 1, 1), D(2026, 1, 31), "2500.00")
    s.actual_cost_change(
        cost_id=cost.pk,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 3, 31),
        amount=Decimal("7500.00"),
        acting_user=w.traeger_user,
    )
    cost.refresh_from_db()
    assert (cost.period_end, cost.amount) == (D(2026, 3, 31), Decimal("7500.00"))
    s.actual_cost_confirm(cost_id=cost.pk, acting_user=w.staff)
    with pytest.raises(ValidationError) as exc:
        s.actual_cost_change(
            cost_id=cost.pk,
            period_start=D(2026, 1, 1),
            period_end=D(2026, 3, 31),
            amount=Decimal("7000.00"),
            acting_user=w.traeger_user,
        )
    assert "Korrektur" in messages(exc)
    assert AuditEvent.objects.filter(action="actual_cost.change").count() == 1


def test_only_the_jugendamt_confirms(w):
    cost = report(w, D(2026, 1, 1), D(2026, 1, 31), "2500.00")
    with pytest.raises(PermissionDenied):
        s.actual_cost_confirm(cost_id=cost.pk, acting_user=w.traeger_user)
    s.actual_cost_confirm(cost_id=cost.pk, acting_user=w.staff)
    cost.refresh_from_db()
    assert cost.state == CostState.CONFIRMED and cost.confirmed_by == w.staff
    figures = actual_costs_for_year(w.budget_year)[w.position.pk]
    assert (figures["confirmed"], figures["reported"]) == (Decimal("2500.00"), Decimal("0.00"))
    assert AuditEvent.objects.filter(action="actual_cost.confirm").count() == 1


def test_a_correction_needs_a_second_person_and_then_replaces_the_confirmed_row(w):
    cost = report(w, D(2026, 1, 1), D(2026, 1, 31), "2500.00")
    s.actual_cost_confirm(cost_id=cost.pk, acting_user=w.staff)
    correction = s.actual_cost_correct(
        cost_id=cost.pk,
        amount=Decimal("2650.50"),
        reason="Tariferhöhung nachgezahlt",
        acting_user=w.staff,
    )
    assert correction.state == CostState.REPORTED and correction.supersedes == cost
    # until the second person confirms, the confirmed amount counts
    assert actual_costs_for_year(w.budget_year)[w.position.pk]["confirmed"] == Decimal("2500.00")
    with pytest.raises(PermissionDenied) as exc:
        s.actual_cost_confirm(cost_id=correction.pk, acting_user=w.staff)
    assert "zweite Person" in str(exc.value)
    s.actual_cost_confirm(cost_id=correction.pk, acting_user=w.leitung)
    cost.refresh_from_db()
    correction.refresh_from_db()
    assert cost.state == CostState.SUPERSEDED
    assert correction.state == CostState.CONFIRMED and correction.confirmed_by == w.leitung
    figures = actual_costs_for_year(w.budget_year)[w.position.pk]
    assert figures["confirmed"] == Decimal("2650.50")
    assert AuditEvent.objects.get(action="actual_cost.correct").reason == (
        "Tariferhöhung nachgezahlt"
    )


def test_a_correction_needs_a_reason_a_new_amount_and_only_one_may_wait(w):
    cost = report(w, D(2026, 1, 1), D(2026, 1, 31), "2500.00")
    with pytest.raises(ValidationError):  # not confirmed yet: change it instead
        s.actual_cost_correct(cost_id=cost.pk, amount=Decimal("1"), reason="x", acting_user=w.staff)
    s.actual_cost_confirm(cost_id=cost.pk, acting_user=w.staff)
    with pytest.raises(ValidationError) as exc:
        s.actual_cost_correct(
            cost_id=cost.pk, amount=Decimal("2600"), reason=" ", acting_user=w.staff
        )
    assert "Grund" in messages(exc)
    with pytest.raises(ValidationError):
        s.actual_cost_correct(
            cost_id=cost.pk, amount=Decimal("2500.00"), reason="gleich", acting_user=w.staff
        )
    s.actual_cost_correct(cost_id=cost.pk, amount=Decimal("2600"), reason="a", acting_user=w.staff)
    with pytest.raises(ValidationError) as exc:
        s.actual_cost_correct(
            cost_id=cost.pk, amount=Decimal("2700"), reason="b", acting_user=w.leitung
        )
    assert "wartet schon eine Korrektur" in messages(exc)


def test_the_traeger_proposes_a_correction_that_any_planner_confirms(w):
    cost = make_cost(
        w.position,
        month=2,
        state=CostState.CONFIRMED,
        reported_by=w.traeger_user,
        confirmed_by=w.staff,
    )
    correction = s.actual_cost_correct(
        cost_id=cost.pk, amount=Decimal("2400"), reason="Gutschrift", acting_user=w.traeger_user
    )
    s.actual_cost_confirm(cost_id=correction.pk, acting_user=w.staff)
    assert actual_costs_for_year(w.budget_year)[w.position.pk]["confirmed"] == Decimal("2400.00")
