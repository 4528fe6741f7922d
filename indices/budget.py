"""The budget years the evaluation pages offer, provided by the allocation app.

/auswertung/ shows each Sozialraum's euros for a budget year, but budget years belong to
``allocation``, a layer above this app. So the dependency is inverted: allocation registers
a provider in its ``AppConfig.ready()`` (``register_budget_years``) and indices only calls
it; indices never imports allocation. Without a provider there are no budget years and the
page uses the default budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Protocol

# The state allocation for 2022 (methodology.md section 7), used when no budget year is
# configured and none is given.
DEFAULT_BUDGET_CENTS = 1_002_240_00


class BudgetYearLike(Protocol):
    """What the pages read of a budget year (``allocation.models.BudgetYear`` has it)."""

    pk: int
    year: int
    label: str
    state_budget: Decimal
    round_id: int | None


BudgetYearsProvider = Callable[[int], Iterable[BudgetYearLike]]

_provider: BudgetYearsProvider | None = None


def register_budget_years(provider: BudgetYearsProvider) -> None:
    """Set the function that returns a Jugendamt's budget years (given its id)."""
    global _provider  # one provider per process, set once at start-up
    _provider = provider


def budget_years(*, jugendamt_id: int) -> list[BudgetYearLike]:
    """Budget years of the Jugendamt, newest first; empty without a provider."""
    if _provider is None:
        return []
    return sorted(_provider(jugendamt_id), key=lambda budget_year: -budget_year.year)
