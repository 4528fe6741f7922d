"""Positions from approved lines, months, shares, the qualification check (issue 16, P1)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from audit.models import AuditEvent
from positions.models import Position, Qualification
from positions.services import positions as s
from tests.positions.factories import approved_plan, make_qualification, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def fs1_third(world, plan):
    """1,00 VZÄ of FS1 for Kita A at a cost (70.000,01 €) that three positions cannot share
    evenly to the cent."""
    return line_services.line_add(
        plan=plan,
        kita=world.kitas["A"],
        strand="FS1",
        fte="1",
        annual_cost="70000.01",
        cost_override=True,
        cost_override_reason="Tarif",
        acting_user=world.staff,
    )


def test_one_position_per_line_takes_the_line_fte_cost_and_the_kitas_traeger(world):
    plan = approved_plan(world)
    line = plan.lines.get()
    (position,) = s.positions_create_from_line(line=line, acting_user=world.staff)
    assert position.fte == Decimal("0.50")
    assert position.planned_cost == Decimal("35000.00")
    assert position.employer == world.traeger
    assert position.number == "2026-1-001"
    assert position.starts_on == datetime.date(2026, 1, 1)
    assert [m.month.month for m in position.months.all()] == list(range(1, 13))
    assert all(m.filled for m in position.months.all())
    assert AuditEvent.objects.filter(action="position.create", object_id=str(position.pk)).exists()


def test_three_positions_add_up_to_the_lines_fte_and_cost_to_the_cent(world):
    plan = approved_plan(world, lines=[fs1_third])
    line = plan.lines.get()
    positions = s.positions_create_from_line(line=line, count=3, acting_user=world.staff)
    assert [p.fte for p in positions] == [Decimal("0.33"), Decimal("0.33"), Decimal("0.34")]
    # 70.000,01 × 0,33 / 1 = 23.100,0033 -> 23.100,00; the last takes the rest
    assert [p.planned_cost for p in positions] == [
        Decimal("23100.00"),
        Decimal("23100.00"),
        Decimal("23800.01"),
    ]
    assert sum(p.planned_cost for p in positions) == line.annual_cost
    assert len({p.number for p in positions}) == 3


def test_a_given_fte_split_must_add_up_to_the_line(world):
    line = approved_plan(world).lines.get()
    with pytest.raises(ValidationError, match="zusammen 0,50 VZÄ"):
        s.positions_create_from_line(line=line, ftes=["0.25", "0.20"], acting_user=world.staff)
    assert not Position.objects.exists()


def test_positions_are_refused_for_a_plan_that_is_not_approved(world):
    plan = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    line = fs1_third(world, plan)
    with pytest.raises(ValidationError, match="nur aus einem beschlossenen Plan"):
        s.positions_create_from_line(line=line, acting_user=world.staff)
    assert not Position.objects.exists()


def test_a_line_gets_its_positions_only_once(world):
    line = approved_plan(world).lines.get()
    s.positions_create_from_line(line=line, acting_user=world.staff)
    with pytest.raises(ValidationError, match="schon Stellen angelegt"):
        s.positions_create_from_line(line=line, acting_user=world.staff)


def test_a_traeger_cannot_create_positions(world):
    line = approved_plan(world).lines.get()
    with pytest.raises(PermissionDenied):
        s.positions_create_from_line(line=line, acting_user=world.traeger_user)


def test_a_position_from_march_has_months_from_march_only(world):
    line = approved_plan(world).lines.get()
    (position,) = s.positions_create_from_line(
        line=line, starts_on=datetime.date(2026, 3, 1), acting_user=world.staff
    )
    assert [m.month.month for m in position.months.all()] == list(range(3, 13))


def test_months_marked_vacant_are_stored_and_audited(world):
    line = approved_plan(world).lines.get()
    (position,) = s.positions_create_from_line(line=line, acting_user=world.staff)
    s.position_months_set(position=position, filled_months=range(6, 13), acting_user=world.staff)
    vacant = [m.month.month for m in position.months.filter(filled=False)]
    assert vacant == [1, 2, 3, 4, 5]
    event = AuditEvent.objects.get(action="position.months")
    assert event.new["vacant"] == ["01/2026", "02/2026", "03/2026", "04/2026", "05/2026"]


def test_shares_must_add_up_to_100_percent(world):
    line = approved_plan(world).lines.get()
    (position,) = s.positions_create_from_line(line=line, acting_user=world.staff)
    with pytest.raises(ValidationError, match="zusammen 100 % ergeben, nicht 90,00 %"):
        s.position_shares_set(
            position=position,
            shares=[(world.kitas["A"], "60", ""), (world.kitas["B"], "30", "")],
            acting_user=world.staff,
        )
    s.position_shares_set(
        position=position,
        shares=[(world.kitas["A"], "60", "Zentrum"), (world.kitas["B"], "40", "Sprechstunde")],
        acting_user=world.staff,
    )
    assert {(sh.kita.name, sh.percent) for sh in position.shares.all()} == {
        ("Kita A", Decimal("60.00")),
        ("Kita B", Decimal("40.00")),
    }


def test_the_qualification_check_records_date_and_person(world):
    q = make_qualification(world.jugendamt)
    line = approved_plan(world).lines.get()
    (position,) = s.positions_create_from_line(line=line, acting_user=world.staff)
    with pytest.raises(ValidationError, match="zuerst die Qualifikation"):
        s.position_qualification_check(
            position=position, checked_on=datetime.date(2026, 2, 1), acting_user=world.staff
        )
    s.position_update(
        position=position,
        starts_on=position.starts_on,
        ends_on=None,
        employer=position.employer,
        qualification=q,
        acting_user=world.staff,
    )
    position = s.position_qualification_check(
        position=position, checked_on=datetime.date(2026, 2, 1), acting_user=world.staff
    )
    assert position.qualification_checked_on == datetime.date(2026, 2, 1)
    assert position.qualification_checked_by == world.staff


def test_a_later_start_drops_the_months_before_it_and_keeps_the_marks_of_the_rest(world):
    line = approved_plan(world).lines.get()
    (position,) = s.positions_create_from_line(line=line, acting_user=world.staff)
    s.position_months_set(
        position=position,
        filled_months=[1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12],
        acting_user=world.staff,
    )
    s.position_update(
        position=position,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 10, 31),
        employer=position.employer,
        qualification=None,
        acting_user=world.staff,
    )
    months = {m.month.month: m.filled for m in position.months.all()}
    assert sorted(months) == [4, 5, 6, 7, 8, 9, 10]
    assert months[6] is False


def test_default_qualifications_are_created_once_with_their_legal_basis(world):
    created = s.qualifications_ensure_defaults(world.jugendamt)
    assert len(created) == 6
    assert s.qualifications_ensure_defaults(world.jugendamt) == []
    erz = Qualification.objects.get(jugendamt=world.jugendamt, code="ERZ")
    assert erz.name == "staatlich anerkannte Erzieherin/Erzieher"
    assert erz.legal_basis == "§ 3 Fachkräfteverordnung (KiTaG RLP)"
