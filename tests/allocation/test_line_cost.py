"""A line's cost follows its FTE: FTE × the year's rate of the strand, unless set by hand.

Issue 12, finding 5: changing a line from 1,00 to 0,50 VZÄ kept 73.500 €, the rate per VZÄ
appeared nowhere in the planning pages, and the admin edited the rates as a JSON text box.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from allocation.models import AllocationLine, BudgetYear
from allocation.services import budget_years as budget_year_services
from allocation.services import lines as line_services
from allocation.services import workflow
from audit.models import AuditEvent
from tests.allocation.factories import fs1_line

pytestmark = pytest.mark.django_db


def _line(world, plan, fte="1.00", **kwargs):
    return line_services.line_add(
        plan=plan,
        kita=world.kitas["A"],
        strand="FS1",
        fte=fte,
        acting_user=world.staff,
        **kwargs,
    )


def _edit_post(line, **overrides):
    data = {
        "strand": line.strand,
        "fte": "1,00",
        "annual_cost": "",
        "justification": line.justification,
        "qualification": "",
        "reason": "",
        "version": line.version,
    }
    data.update(overrides)
    return data


def _html(response) -> str:
    return response.content.decode()


# --- the service ------------------------------------------------------------------------


def test_new_line_costs_fte_times_the_strand_rate_of_its_year(world, plan):
    line = _line(world, plan, fte=Decimal("0.80"))
    assert line.annual_cost == Decimal("56000.00")  # 0,80 × 70.000 €
    assert line.state_part == Decimal("33600.00")
    assert not line.cost_override


def test_cost_is_rounded_half_up_to_the_cent(world, plan):
    budget_year_services.budget_year_save(
        jugendamt_id=world.jugendamt.pk,
        year=2026,
        fte_costs={"FS1": "70000.10", "FS2": "70000", "FS3": "65000", "FS4": "60000"},
        acting_user=world.staff,
    )
    plan.refresh_from_db()
    line = _line(world, plan, fte="0.05")
    # 0,05 × 70.000,10 € = 3.500,005 €: half up gives 3.500,01 € (half even would give ,00)
    assert line.annual_cost == Decimal("3500.01")


def test_changing_fte_from_one_to_a_half_halves_the_cost(world, plan):
    line = _line(world, plan, fte="1.00")
    assert line.annual_cost == Decimal("70000.00")
    line = line_services.line_update(
        line_id=line.pk, expected_version=line.version, fte="0.50", acting_user=world.staff
    )
    assert (line.fte, line.annual_cost, line.state_part) == (
        Decimal("0.50"),
        Decimal("35000.00"),
        Decimal("21000.00"),
    )
    event = AuditEvent.objects.filter(action="line.update", object_id=str(line.pk)).get()
    assert event.old["annual_cost"] == "70000.00" and event.new["annual_cost"] == "35000.00"
    assert event.old["fte"] == "1.00" and event.new["fte"] == "0.50"


def test_changing_the_strand_takes_the_other_rate(world, plan):
    from tests.foerderung.factories import make_fs4_request

    line = line_services.line_add(
        plan=plan,
        kita=world.kitas["A"],
        fs4_request=make_fs4_request(world.kitas["A"], requested_by=world.staff),
        strand="FS4",
        fte="0.50",
        justification="Betriebserlaubnis",
        acting_user=world.staff,
    )
    assert line.annual_cost == Decimal("30000.00")  # FS4: 60.000 € je VZÄ


def test_a_cost_that_is_not_fte_times_rate_is_refused_without_override(world, plan):
    with pytest.raises(ValidationError) as exc:
        _line(world, plan, fte="0.50", annual_cost="73500")
    assert "0,50 VZÄ × 70.000,00 € = 35.000,00 €" in exc.value.messages[0]
    assert not AllocationLine.objects.exists()


def test_cost_set_by_hand_needs_a_reason_and_stays_within_the_budget(world, plan):
    with pytest.raises(ValidationError, match="brauchen einen Grund"):
        _line(world, plan, annual_cost="80000", cost_override=True)
    with pytest.raises(ValidationError, match="mehr als das ganze Budget des Sozialraums"):
        # Nord: 72.000 € state part = 120.000 € budget in all
        _line(world, plan, annual_cost="120000.01", cost_override=True, cost_override_reason="x")
    assert not AllocationLine.objects.exists()
    line = _line(
        world, plan, annual_cost="80000", cost_override=True, cost_override_reason="Tarif E11"
    )
    assert (line.annual_cost, line.cost_override_reason) == (Decimal("80000.00"), "Tarif E11")


def test_an_override_survives_an_fte_change_and_ends_when_switched_off(world, plan):
    line = _line(
        world, plan, annual_cost="80000", cost_override=True, cost_override_reason="Tarif E11"
    )
    line = line_services.line_update(
        line_id=line.pk, expected_version=line.version, fte="0.90", acting_user=world.staff
    )
    assert line.annual_cost == Decimal("80000.00")
    line = line_services.line_update(
        line_id=line.pk,
        expected_version=line.version,
        cost_override=False,
        acting_user=world.staff,
    )
    assert (line.annual_cost, line.cost_override_reason) == (Decimal("63000.00"), "")
    event = AuditEvent.objects.filter(action="line.update").latest("pk")
    assert event.old["cost_override"] is True and event.new["cost_override"] is False


def test_fte_outside_the_jugendamts_bounds_is_refused_by_the_service(world, plan):
    with pytest.raises(ValidationError, match="80,00 VZÄ ist zu hoch, höchstens 5,00 VZÄ"):
        _line(world, plan, fte="80")
    with pytest.raises(ValidationError, match="in Schritten von 0,05"):
        _line(world, plan, fte="0.83")
    world.jugendamt.fte_max = Decimal("1.50")
    world.jugendamt.save()
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="höchstens 1,50 VZÄ"):
        _line(world, plan, fte="2")


def test_changed_rates_reprice_editable_lines_but_not_those_set_by_hand(world, plan):
    derived = fs1_line(world, plan)  # 0,5 × 70.000 €
    by_hand = line_services.line_add(
        plan=plan,
        kita=world.kitas["B"],
        strand="FS1",
        fte="0.50",
        annual_cost="40000",
        cost_override=True,
        cost_override_reason="Bestandsgehalt",
        acting_user=world.staff,
    )
    budget_year_services.budget_year_save(
        jugendamt_id=world.jugendamt.pk,
        year=2026,
        fte_costs={"FS1": "72000", "FS2": "70000", "FS3": "65000", "FS4": "60000"},
        acting_user=world.staff,
    )
    derived.refresh_from_db()
    by_hand.refresh_from_db()
    assert derived.annual_cost == Decimal("36000.00")
    assert by_hand.annual_cost == Decimal("40000.00")
    event = AuditEvent.objects.filter(action="line.update", object_id=str(derived.pk)).get()
    assert "Kostensatz je Vollzeitstelle FS1 geändert" in event.reason


def test_a_submitted_plan_keeps_its_figures_when_the_rates_change(world, plan):
    line = fs1_line(world, plan)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    budget_year_services.budget_year_save(
        jugendamt_id=world.jugendamt.pk,
        year=2026,
        fte_costs={"FS1": "72000", "FS2": "70000", "FS3": "65000", "FS4": "60000"},
        acting_user=world.staff,
    )
    line.refresh_from_db()
    assert line.annual_cost == Decimal("35000.00")


def test_existing_lines_with_a_hand_set_cost_are_marked_by_the_migration(world, plan):
    from importlib import import_module

    migration = import_module("allocation.migrations.0008_line_cost_override_existing")
    line = fs1_line(world, plan)
    odd = fs1_line(world, plan)
    AllocationLine.objects.filter(pk=odd.pk).update(annual_cost=Decimal("73500.00"))
    migration.mark_hand_set_costs(apps, None)
    line.refresh_from_db()
    odd.refresh_from_db()
    assert not line.cost_override
    assert odd.cost_override and odd.cost_override_reason == migration.REASON
    migration.unmark(apps, None)
    odd.refresh_from_db()
    assert (odd.cost_override, odd.cost_override_reason) == (False, "")


# --- the pages --------------------------------------------------------------------------


def test_line_page_shows_the_rate_and_the_cost_of_the_fte(client, world, plan):
    line = _line(world, plan, fte="1.05")
    client.force_login(world.staff)
    html = _html(client.get(reverse("allocation:line_edit", args=[line.pk])))
    assert "FS1 70.000,00 €" in html and "FS4 60.000,00 €" in html
    assert re.search(r'name="fte" value="1,05"', html)
    cost = re.search(r'data-testid="line-cost"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "73.500,00\u00a0€" in cost
    assert 'src="/static/allocation/line_cost.js"' in html


def test_saving_half_an_fte_on_the_page_halves_the_cost(client, world, plan):
    line = _line(world, plan, fte="1.05")
    client.force_login(world.staff)
    response = client.post(
        reverse("allocation:line_edit", args=[line.pk]),
        # the old cost still in the field: without "abweichend" it does not count
        _edit_post(line, fte="0,50", annual_cost="73.500,00"),
    )
    assert response.status_code == 302, _html(response)
    line.refresh_from_db()
    assert (line.fte, line.annual_cost) == (Decimal("0.50"), Decimal("35000.00"))
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    row = re.search(r'<tr data-testid="line"[^>]*>.*?</tr>', html, re.S).group(0)
    assert "0,50" in row and "35.000,00\u00a0€" in row and "73.500" not in row


def test_plan_page_shows_the_rates_and_marks_a_cost_set_by_hand(client, world, plan):
    _line(world, plan, annual_cost="80000", cost_override=True, cost_override_reason="Tarif E11")
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    for user in (world.staff, world.leitung, world.traeger_user):
        client.force_login(user)
        html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
        rates = re.search(r'data-testid="fte-rates"[^>]*>(.*?)</p>', html, re.S).group(1)
        assert "FS1 70.000,00\u00a0€" in rates and "FS3 65.000,00\u00a0€" in rates, user
        override = re.search(r'data-testid="cost-override"[^>]*>(.*?)</span>', html, re.S)
        assert override and "abweichend: Tarif E11" in override.group(1), user
        assert "80.000,00\u00a0€" in html


def test_override_on_the_page_needs_its_reason_and_keeps_what_was_typed(client, world, plan):
    line = _line(world, plan, fte="1.00")
    client.force_login(world.staff)
    url = reverse("allocation:line_edit", args=[line.pk])
    response = client.post(
        url, _edit_post(line, cost_override="on", annual_cost="80.000", cost_override_reason="")
    )
    assert response.status_code == 200
    html = _html(response)
    assert "brauchen einen Grund" in html
    assert 'name="annual_cost" value="80.000"' in html
    line.refresh_from_db()
    assert line.annual_cost == Decimal("70000.00")
    response = client.post(
        url,
        _edit_post(
            line, cost_override="on", annual_cost="80.000", cost_override_reason="Tarif E11"
        ),
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.annual_cost, line.cost_override) == (Decimal("80000.00"), True)
    html = _html(client.get(url))
    assert 'name="annual_cost" value="80.000,00"' in html


def test_budget_year_admin_edits_one_german_rate_per_strand_not_json(client, world, plan):
    line = fs1_line(world, plan)
    client.force_login(world.staff)
    url = reverse("admin:allocation_budgetyear_change", args=[world.budget_year.pk])
    html = _html(client.get(url))
    assert 'name="fte_costs"' not in html
    for strand, shown in (("FS1", "70.000,00"), ("FS3", "65.000,00"), ("FS4", "60.000,00")):
        assert f'name="fte_cost_{strand}" value="{shown}"' in html
    assert 'inputmode="decimal"' in html
    data = {
        "label": "",
        "state_budget": "120.000,00",
        "round": world.survey_round.pk,
        "fte_step": "0,05",
        "fte_cost_FS1": "72.000",
        "fte_cost_FS2": "70.000,00",
        "fte_cost_FS3": "65000",
        "fte_cost_FS4": "60.000 €",
        "shares-TOTAL_FORMS": 0,
        "shares-INITIAL_FORMS": 0,
        "shares-MIN_NUM_FORMS": 0,
        "shares-MAX_NUM_FORMS": 1000,
    }
    # "72,000" is ten times too small in German and the English for 72.000: refused
    response = client.post(url, {**data, "fte_cost_FS1": "72,000"})
    assert response.status_code == 200
    assert "ist nicht eindeutig" in _html(response)
    assert 'name="fte_cost_FS1" value="72,000"' in _html(response)
    assert BudgetYear.objects.get(pk=world.budget_year.pk).fte_cost("FS1") == Decimal("70000.00")

    response = client.post(url, data)
    assert response.status_code == 302, _html(response)[:3000]
    by = BudgetYear.objects.get(pk=world.budget_year.pk)
    assert by.fte_cost_rates() == {
        "FS1": Decimal("72000.00"),
        "FS2": Decimal("70000.00"),
        "FS3": Decimal("65000.00"),
        "FS4": Decimal("60000.00"),
    }
    line.refresh_from_db()
    assert line.annual_cost == Decimal("36000.00")
    listing = _html(client.get(reverse("admin:allocation_budgetyear_changelist")))
    assert "FS1 72.000,00 €" in listing and "120.000,00 €" in listing


def test_admin_line_inline_derives_the_cost_and_takes_an_override_with_reason(client, world, plan):
    line = _line(world, plan, fte="1.00")
    client.force_login(world.staff)
    url = reverse("admin:allocation_allocationplan_change", args=[plan.pk])
    html = _html(client.get(url))
    assert 'name="lines-0-fte" value="1,00"' in html
    assert 'name="lines-0-annual_cost" value="70.000,00"' in html

    def post(**fields):
        data = {
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 1,
            "lines-MIN_NUM_FORMS": 0,
            "lines-MAX_NUM_FORMS": 1000,
            "comments-TOTAL_FORMS": 0,
            "comments-INITIAL_FORMS": 0,
            "comments-MIN_NUM_FORMS": 0,
            "comments-MAX_NUM_FORMS": 1000,
            "lines-0-id": line.pk,
            "lines-0-plan": plan.pk,
            "lines-0-kita": line.kita_id,
            "lines-0-strand": "FS1",
            "lines-0-fte": "1,00",
            "lines-0-annual_cost": "70.000,00",
            "lines-0-justification": line.justification,
            "lines-0-qualification": "",
            "lines-0-reason": "",
            "lines-0-expected_version": AllocationLine.objects.get(pk=line.pk).version,
        }
        data.update({f"lines-0-{k}": v for k, v in fields.items()})
        return client.post(url, data)

    assert post(fte="0,5").status_code == 302
    line.refresh_from_db()
    assert (line.fte, line.annual_cost) == (Decimal("0.50"), Decimal("35000.00"))

    response = post(fte="0,50", annual_cost="40.000")  # a different cost, no override
    assert response.status_code == 200
    assert "Personalkosten ergeben sich aus VZÄ × Kostensatz" in _html(response)
    response = post(fte="0,50", annual_cost="40.000", cost_override="on")
    assert response.status_code == 200
    assert "brauchen einen Grund" in _html(response)
    line.refresh_from_db()
    assert line.annual_cost == Decimal("35000.00")

    response = post(
        fte="0,50", annual_cost="40.000", cost_override="on", cost_override_reason="Tarif"
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.annual_cost, line.cost_override_reason) == (Decimal("40000.00"), "Tarif")
