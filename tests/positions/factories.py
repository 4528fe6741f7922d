"""Shared factories of the positions tests (issue 16): an approved plan, qualifications and
positions with their months, written straight to the database so the cost and execution
tests (parts P2/P3) do not depend on the pages of part P1.

``make_position`` mirrors what ``positions.services.positions.positions_create_from_line``
stores: one ``PositionMonth`` per month from the start to the end of the budget year (or the
position's end), filled unless listed in ``vacant_months``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from allocation.services import plans as plan_services
from allocation.services import workflow
from positions.models import Position, PositionMonth, PositionShare, Qualification
from tests.allocation.factories import World, fs1_line, make_world

__all__ = [
    "World",
    "approved_plan",
    "make_position",
    "make_qualification",
    "make_world",
    "month_starts",
    "position_world",
]


def approved_plan(world: World, *, sozialraum=None, lines=None):
    """The plan 2026 of ``sozialraum`` (default Nord) with ``lines`` (callables taking
    (world, plan); default one FS1 line of Kita A, 0,5 VZÄ, 35.000 €), approved by the
    Leitung after the Fachkraft submitted it (four eyes)."""
    plan = plan_services.plan_create(
        budget_year=world.budget_year,
        sozialraum=sozialraum or world.north,
        acting_user=world.staff,
    )
    for add in lines or [fs1_line]:
        add(world, plan)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    workflow.plan_approve(plan=plan, acting_user=world.leitung, reason="Beschluss")
    plan.refresh_from_db()
    return plan


def make_qualification(jugendamt, *, code="ERZ", name="staatlich anerkannte Erzieherin/Erzieher"):
    qualification, _ = Qualification.objects.get_or_create(
        jugendamt=jugendamt,
        code=code,
        defaults={"name": name, "legal_basis": "§ 3 Fachkräfteverordnung (KiTaG RLP)"},
    )
    return qualification


def month_starts(year: int, first: int = 1, last: int = 12) -> list[datetime.date]:
    return [datetime.date(year, m, 1) for m in range(first, last + 1)]


def make_position(
    *,
    budget_year,
    kita,
    strand: str = "FS1",
    fte: str | Decimal = "0.50",
    planned_cost: str | Decimal = "35000.00",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    employer=None,
    line=None,
    number: str | None = None,
    qualification=None,
    vacant_months: tuple[int, ...] = (),
    shares: dict | None = None,
    continues=None,
    created_by=None,
) -> Position:
    """A position with its months (``vacant_months``: month numbers marked not filled;
    ``shares``: {Kita: percent} for a cross-Kita position)."""
    year = budget_year.year
    starts_on = starts_on or datetime.date(year, 1, 1)
    if number is None:
        number = f"{year}-T-{Position.objects.filter(budget_year=budget_year).count() + 1:03d}"
    position = Position.objects.create(
        budget_year=budget_year,
        line=line,
        number=number,
        kita=kita,
        strand=strand,
        fte=Decimal(str(fte)),
        planned_cost=Decimal(str(planned_cost)),
        starts_on=starts_on,
        ends_on=ends_on,
        employer=employer or kita.traeger,
        qualification=qualification,
        continues=continues,
        created_by=created_by,
    )
    last = ends_on.month if ends_on and ends_on.year == year else 12
    PositionMonth.objects.bulk_create(
        PositionMonth(position=position, month=m, filled=m.month not in vacant_months)
        for m in month_starts(year, starts_on.month, last)
    )
    for kita_, percent in (shares or {}).items():
        PositionShare.objects.create(position=position, kita=kita_, percent=Decimal(str(percent)))
    return position


def position_world():
    """``make_world()`` with Nord's plan approved (one FS1 line of Kita A, 0,5 VZÄ,
    35.000 €) and one position from that line (employed by Kita A's Träger "Träger Eins",
    filled all year). Returns (world, plan, position)."""
    world = make_world()
    plan = approved_plan(world)
    line = plan.lines.get()
    position = make_position(
        budget_year=world.budget_year,
        kita=line.kita,
        strand=line.strand,
        fte=line.fte,
        planned_cost=line.annual_cost,
        line=line,
        number=f"{world.budget_year.year}-1-001",
        qualification=make_qualification(world.jugendamt),
    )
    return world, plan, position
