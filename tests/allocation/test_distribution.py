"""The pure budget arithmetic: step 1, budget years, co-funding, FS1 proposal."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allocation import distribution as d

PAPER_POINTS = {
    "Pariser Viertel": 53.0,
    "Ost": 43.2,
    "Nord": 39.8,
    "Winzenheim": 37.5,
    "Süd-West": 36.6,
    "Planig / Ippesheim / Bosenheim": 33.5,
    "BME": 31.0,
    "Innenstadt": 30.6,
}
PAPER_PERCENTS = {
    "Pariser Viertel": "17.37",
    "Ost": "14.15",
    "Nord": "13.04",
    "Winzenheim": "12.29",
    "Süd-West": "11.98",
    "Planig / Ippesheim / Bosenheim": "10.98",
    "BME": "10.16",
    "Innenstadt": "10.03",
}


def _imported_modules(path):
    modules = set()
    for node in ast.walk(ast.parse(Path(path).read_text())):
        if isinstance(node, ast.Import):
            modules |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return {m.split(".")[0] if m != "indices" else m for m in modules}


def test_distribution_module_imports_no_django():
    from indices import apportion

    stdlib = {"__future__", "collections", "dataclasses", "decimal", "fractions", "math"}
    assert _imported_modules(d.__file__) <= stdlib | {"indices"}
    assert _imported_modules(apportion.__file__) <= stdlib


def test_paper_points_give_published_percents_within_a_hundredth_and_total_100():
    percents = d.sozialraum_percents(PAPER_POINTS)
    assert sum(percents.values()) == Decimal("100.00")
    for name, published in PAPER_PERCENTS.items():
        assert abs(percents[name] - Decimal(published)) <= Decimal("0.01"), name


def test_paper_points_with_budget_2022_sum_to_the_budget_to_the_cent():
    budget = Decimal("1002240.00")
    amounts = d.sozialraum_amounts(PAPER_POINTS, budget)
    assert sum(amounts.values()) == budget
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts.values())
    # Pariser Viertel: 1 002 240 · 53.0 / 305.2 = 53 118 720 / 305.2 = 174 045.6094...
    assert amounts["Pariser Viertel"] == Decimal("174045.61")
    # each amount is within one cent of the exact share
    for name, points in PAPER_POINTS.items():
        exact = budget * Decimal(str(points)) / Decimal("305.2")
        assert abs(amounts[name] - exact) < Decimal("0.01")


def test_budget_year_default_is_previous_times_1_025_rounded_half_up():
    assert d.default_budget(Decimal("1002240")) == Decimal("1027296")
    # 1000.20 · 1.025 = 1025.205 -> 1025; 1000.50 · 1.025 = 1025.5125 -> 1026
    assert d.default_budget(Decimal("1000.20")) == Decimal("1025")
    assert d.default_budget(Decimal("200")) == Decimal("205")
    assert d.default_budget(Decimal("20")) == Decimal("21")  # 20.5 rounds half up


def test_budgets_by_year_fills_years_without_own_figure():
    years = d.budgets_by_year({2021: Decimal("488897"), 2022: Decimal("1002240")}, until=2025)
    assert years[2021] == Decimal("488897.00")
    assert years[2022] == Decimal("1002240.00")
    assert years[2023] == Decimal("1027296.00")
    assert years[2024] == d.default_budget(years[2023])
    assert years[2025] == d.default_budget(years[2024])


def test_largest_remainder_ties_go_to_larger_value_then_name():
    # equal remainders: 1 unit left for three equal values -> name ascending
    assert d.largest_remainder([1, 1, 1], 4, ["c", "a", "b"]) == [1, 2, 1]
    # remainder tie between different values cannot occur with equal quotas; larger
    # remainder wins first
    assert d.largest_remainder([2, 1], 1, ["a", "b"]) == [1, 0]


def test_largest_remainder_refuses_zero_sum():
    with pytest.raises(ValueError):
        d.largest_remainder([0, 0], 10, ["a", "b"])


@given(
    st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=12),
    st.integers(min_value=0, max_value=10**9),
)
def test_amounts_always_sum_to_budget(points, cents):
    names = [f"S{i:02d}" for i in range(len(points))]
    budget = Decimal(cents) / 100
    amounts = d.sozialraum_amounts(dict(zip(names, points, strict=True)), budget)
    assert sum(amounts.values()) == budget.quantize(Decimal("0.01"))


def test_state_amount_funds_personnel_cost_of_a_over_0_6():
    f = d.funding_for_state_amount(Decimal("60000.00"))
    assert f.state == Decimal("60000.00")
    assert f.municipal == Decimal("40000.00")
    assert f.total == Decimal("100000.00")
    odd = d.funding_for_state_amount(Decimal("100.00"))
    assert odd.municipal == Decimal("66.67")
    assert odd.total == odd.state + odd.municipal


def test_state_part_is_60_percent_of_annual_cost():
    assert d.state_part(Decimal("70000.00")) == Decimal("42000.00")
    assert d.state_part(Decimal("0.05")) == Decimal("0.03")


def test_fs1_proposal_is_proportional_rounded_down_to_step_with_rest_unallocated():
    proposal = d.fs1_proposal(
        {"Kita A": 60.0, "Kita B": 30.0, "Kita C": 10.0},
        fundable=Decimal("200000.00"),
        cost_per_fte=Decimal("70000.00"),
    )
    by_kita = {line.kita: line for line in proposal.lines}
    # A: 120 000 / 70 000 = 1.714 -> 1.70; B: 60 000 -> 0.857 -> 0.85; C: 0.285 -> 0.25
    assert by_kita["Kita A"].fte == Decimal("1.70")
    assert by_kita["Kita B"].fte == Decimal("0.85")
    assert by_kita["Kita C"].fte == Decimal("0.25")
    assert by_kita["Kita A"].annual_cost == Decimal("119000.00")
    assert by_kita["Kita A"].state_part == Decimal("71400.00")
    assert proposal.allocated == Decimal("196000.00")
    assert proposal.unallocated == Decimal("4000.00")
    assert proposal.allocated + proposal.unallocated == proposal.fundable


def test_fs1_proposal_honours_a_configured_step():
    proposal = d.fs1_proposal(
        {"Kita A": 1.0},
        fundable=Decimal("100000"),
        cost_per_fte=Decimal("70000"),
        step=Decimal("0.25"),
    )
    assert proposal.lines[0].fte == Decimal("1.25")
