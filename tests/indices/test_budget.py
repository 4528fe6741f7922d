"""The budget years of the evaluation come from a provider a higher app registers."""

from decimal import Decimal
from types import SimpleNamespace

from indices import budget


def _year(year):
    return SimpleNamespace(pk=year, year=year, label="", state_budget=Decimal(1), round_id=None)


def test_without_a_provider_there_are_no_budget_years(monkeypatch):
    monkeypatch.setattr(budget, "_provider", None)
    assert budget.budget_years(jugendamt_id=1) == []


def test_the_registered_provider_is_asked_for_the_jugendamt_and_sorted_newest_first(monkeypatch):
    asked = []

    def provider(jugendamt_id):
        asked.append(jugendamt_id)
        return [_year(2024), _year(2026), _year(2025)]

    monkeypatch.setattr(budget, "_provider", None)
    budget.register_budget_years(provider)
    assert [y.year for y in budget.budget_years(jugendamt_id=7)] == [2026, 2025, 2024]
    assert asked == [7]


def test_the_allocation_app_provides_the_budget_years_at_start_up():
    from allocation.selectors import budget_years_for_jugendamt

    assert budget._provider is budget_years_for_jugendamt
