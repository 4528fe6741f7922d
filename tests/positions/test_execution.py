"""positions.execution: the budget execution's formulas, checked against hand-computed
cents (issue 16, part P3)."""

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from positions import execution as ex

D = Decimal
YEAR = 2026
STICHTAG = datetime.date(2026, 7, 15)


def _a():
    """0,5 VZÄ, 35.000 € planned, all year; vacant January and February (filled from
    March); confirmed costs March (2.900 €) and April-June as one quarter (8.700 €)."""
    return ex.PositionInput(
        position_id=1,
        sozialraum_id=10,
        fte=D("0.50"),
        planned_cost=D("35000.00"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=None,
        filled_months=frozenset(range(3, 13)),
        vacant_months=frozenset({1, 2}),
        confirmed_cost=D("11600.00"),
        reported_cost=D("2950.00"),  # July reported, not confirmed: counts nowhere
        cost_months=frozenset({3, 4, 5, 6}),
    )


def _b():
    """1,0 VZÄ, 60.000 € planned, vacant until June, no cost yet."""
    return ex.PositionInput(
        position_id=2,
        sozialraum_id=10,
        fte=D("1.00"),
        planned_cost=D("60000.00"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        filled_months=frozenset(range(7, 13)),
        vacant_months=frozenset(range(1, 7)),
    )


def test_a_position_filled_from_march_forecasts_its_remaining_months_at_planned_cost():
    p = ex.position_execution(_a(), year=YEAR, on=STICHTAG)
    assert p.months == 12
    assert p.vacancy_months == 2
    assert p.filled_months == 5  # March to July (Stichtag month)
    assert p.filled_fte == D("0.21")  # 0,5 · 5 / 12 = 0,2083
    assert p.filled_fte_forecast == D("0.42")  # 0,5 · 10 / 12 = 0,4167
    assert p.actual_cost == D("11600.00")
    assert p.reported_cost == D("2950.00")
    # July-December (6 months after the last confirmed month June): 35.000 · 6 / 12
    assert p.forecast_cost == D("29100.00")


def test_a_position_vacant_until_june_costs_nothing_for_its_vacant_months():
    p = ex.position_execution(_b(), year=YEAR, on=STICHTAG)
    assert p.vacancy_months == 6
    assert p.filled_fte == D("0.08")  # 1,0 · 1 / 12
    assert p.filled_fte_forecast == D("0.50")
    assert p.actual_cost == D("0.00")
    assert p.forecast_cost == D("30000.00")  # 60.000 · 6 / 12


def test_sozialraum_sums_state_and_municipal_parts_and_unspent_amounts_to_the_cent():
    rows, total = ex.execution_for_year(
        year=YEAR,
        on=STICHTAG,
        positions=[_a(), _b()],
        sozialraum_ids=[10, 11],
        planned={10: (D("1.50"), D("95000.00"))},
        state_amounts={10: D("72000.00"), 11: D("48000.00")},
    )
    sr = rows[0]
    assert (sr.planned_fte, sr.planned_cost) == (D("1.50"), D("95000.00"))
    assert (sr.positions_fte, sr.positions_planned_cost) == (D("1.50"), D("95000.00"))
    assert sr.filled_fte == D("0.29")
    assert sr.filled_fte_forecast == D("0.92")
    assert sr.vacancy_months == 8
    assert sr.actual_cost == D("11600.00")
    assert (sr.actual_state, sr.actual_municipal) == (D("6960.00"), D("4640.00"))
    assert sr.forecast_cost == D("59100.00")
    assert (sr.forecast_state, sr.forecast_municipal) == (D("35460.00"), D("23640.00"))
    # 72.000,00 − 35.460,00 and 72.000,00 − 6.960,00
    assert sr.projected_unspent == D("36540.00")
    assert sr.actual_unspent == D("65040.00")
    assert sr.freed == D("36540.00")
    assert not sr.closed
    empty = rows[1]
    assert empty.position_count == 0 and empty.projected_unspent == D("48000.00")
    assert total.state_amount == D("120000.00")
    assert total.forecast_cost == D("59100.00")
    assert total.projected_unspent == D("120000.00") - D("35460.00")


def test_after_the_year_end_the_freed_amount_is_the_actual_unspent_amount():
    full = ex.PositionInput(
        position_id=3,
        sozialraum_id=10,
        fte=D("1.00"),
        planned_cost=D("60000.00"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=None,
        filled_months=frozenset(range(1, 13)),
        confirmed_cost=D("58000.00"),
        cost_months=frozenset(range(1, 13)),
    )
    (sr,), _ = ex.execution_for_year(
        year=YEAR,
        on=datetime.date(2027, 2, 1),
        positions=[full],
        sozialraum_ids=[10],
        state_amounts={10: D("36000.00")},
    )
    assert sr.closed
    assert sr.forecast_cost == sr.actual_cost == D("58000.00")
    assert sr.actual_unspent == sr.projected_unspent == D("1200.00")  # 36.000 − 34.800
    assert sr.freed == D("1200.00")


def test_an_overspent_sozialraum_frees_nothing():
    over = ex.PositionInput(
        position_id=4,
        sozialraum_id=10,
        fte=D("1.00"),
        planned_cost=D("70000.00"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=None,
    )
    (sr,), _ = ex.execution_for_year(
        year=YEAR, on=STICHTAG, positions=[over], sozialraum_ids=[10], state_amounts={10: D("1")}
    )
    assert sr.projected_unspent == D("1.00") - D("42000.00")
    assert sr.freed == D("0.00")


def test_pro_rata_forecast_rounds_half_up_once():
    # 10,02 € over 12 months, 3 months left: 2,505 -> 2,51 (half up, not 2,50)
    p = ex.PositionInput(
        position_id=5,
        sozialraum_id=10,
        fte=D("0.10"),
        planned_cost=D("10.02"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=None,
        confirmed_cost=D("0"),
        cost_months=frozenset(range(1, 10)),
    )
    assert ex.position_execution(p, year=YEAR, on=STICHTAG).forecast_cost == D("2.51")


def test_a_position_starting_mid_year_counts_only_the_months_of_its_period():
    assert ex.period_months(2026, datetime.date(2026, 3, 15), datetime.date(2026, 10, 31)) == list(
        range(3, 11)
    )
    assert ex.period_months(2026, datetime.date(2025, 9, 1), None) == list(range(1, 13))
    assert ex.period_months(2026, datetime.date(2027, 1, 1), None) == []
    p = ex.PositionInput(
        position_id=6,
        sozialraum_id=10,
        fte=D("1.00"),
        planned_cost=D("40000.00"),
        starts_on=datetime.date(2026, 3, 15),
        ends_on=datetime.date(2026, 10, 31),
    )
    # 8 months, none confirmed and none marked: all forecast at 5.000 € a month
    out = ex.position_execution(p, year=YEAR, on=STICHTAG)
    assert out.months == 8 and out.forecast_cost == D("40000.00")
    # March-July not marked: not filled (Ist); August-October expected filled (Prognose)
    assert out.filled_months == 0 and out.filled_fte_forecast == D("0.25")  # 1 · 3 / 12


def test_every_figure_is_marked_ist_or_prognose():
    assert ex.FIGURE_KIND["actual_cost"] == "Ist"
    assert ex.FIGURE_KIND["forecast_cost"] == "Prognose"
    assert ex.FIGURE_KIND["projected_unspent"] == "Prognose"
    assert ex.FIGURE_KIND["actual_unspent"] == "Ist"


def test_importing_the_execution_module_loads_no_django():
    code = (
        "import sys, positions.execution; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(loaded); assert not loaded"
    )
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_approved_lines_without_positions_are_forecast_at_their_planned_cost():
    (sr,), _ = ex.execution_for_year(
        year=YEAR,
        on=STICHTAG,
        positions=[_b()],
        sozialraum_ids=[10],
        state_amounts={10: D("72000.00")},
        unpositioned={10: D("35000.00")},
    )
    # 30.000 (the vacant-until-June position) + 35.000 (a line not yet made a position)
    assert sr.forecast_cost == D("65000.00")
    assert sr.forecast_state == D("39000.00")
    assert sr.projected_unspent == D("33000.00")
    assert sr.actual_cost == D("0.00")
