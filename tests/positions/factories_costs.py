"""Factories of the actual-cost tests (issue 16, part P2): cost files and stored rows."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook

from positions.models import ActualCost, CostState
from positions.services.costs import month_end

HEADER = ["Stellennummer", "von (Monat)", "bis (Monat)", "Ist-Kosten (€)"]


def xlsx_bytes(rows, header=HEADER) -> bytes:
    """An XLSX workbook with ``header`` and ``rows`` (cells as given)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, sep=";") -> bytes:
    lines = [sep.join(header)] + [sep.join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def make_cost(
    position,
    *,
    month: int,
    amount: str = "2500.00",
    state: str = CostState.REPORTED,
    reported_by,
    confirmed_by=None,
    last_month: int | None = None,
) -> ActualCost:
    """A stored cost row for a month (or ``month``..``last_month``) of the position's year."""
    year = position.budget_year.year
    start = datetime.date(year, month, 1)
    end = month_end(datetime.date(year, last_month or month, 1))
    return ActualCost.objects.create(
        position=position,
        period_start=start,
        period_end=end,
        amount=Decimal(amount),
        state=state,
        reported_by=reported_by,
        confirmed_by=confirmed_by,
    )
