"""What the report selectors share: the strands and index categories, the strand sums,
the budget-year lookups.

Money is ``Decimal`` euros with two places, FTE ``Decimal`` with two places.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from allocation.models import BudgetYear, Strand

ZERO = Decimal("0.00")
STRANDS = [key for key, _label in Strand.choices]
STRAND_LABELS = dict(Strand.choices)
CATEGORIES = ["AB", "SL", "FM", "IN"]
CATEGORY_LABELS = {
    "AB": "Allgemeiner Bedarf",
    "SL": "Soziale Lage",
    "FM": "Flucht und Migration",
    "IN": "Infrastruktur und Netzwerke",
    "GESAMT": "Gesamtindex",
}
# Field of the index models per category.
INDEX_FIELDS = {"AB": "ab", "SL": "sl", "FM": "fm", "IN": "infra", "GESAMT": "gesamt"}


@dataclass
class StrandCell:
    """FTE, total and state part summed over lines (of a strand, a Sozialraum, ...)."""

    fte: Decimal = ZERO
    total: Decimal = ZERO
    state: Decimal = ZERO

    def add(self, fte, total, state):
        self.fte += fte or ZERO
        self.total += total or ZERO
        self.state += state or ZERO

    @property
    def municipal(self):
        return self.total - self.state


# --- budget years -----------------------------------------------------------------------


def budget_year_for(*, jugendamt_id, year: int) -> BudgetYear | None:
    return (
        BudgetYear.objects.filter(jugendamt_id=jugendamt_id, year=year)
        .select_related("round", "jugendamt")
        .first()
    )


def newest_budget_year(*, jugendamt_id) -> BudgetYear | None:
    return BudgetYear.objects.filter(jugendamt_id=jugendamt_id).order_by("-year").first()


def budget_year_list(*, jugendamt_id) -> list[BudgetYear]:
    return list(BudgetYear.objects.filter(jugendamt_id=jugendamt_id).order_by("-year"))
