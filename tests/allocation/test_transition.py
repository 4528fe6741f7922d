"""The phased transition (issue 18): the pure rule, then the budget year that uses it."""

import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation import distribution as d
from allocation import selectors as allocation_selectors
from allocation.models import BudgetYear, SozialraumShare
from allocation.services import budget_years as budget_year_services
from allocation.transition import DOWN, UP, phased_amounts
from audit.models import AuditEvent
from indices.apportion import largest_remainder
from tests import shared_demo

D = Decimal
REPO = Path(__file__).resolve().parents[2]


# --- the pure rule ----------------------------------------------------------------------


def test_importing_the_transition_rule_loads_no_django():
    code = (
        "import sys, allocation.transition; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(loaded); assert not loaded"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hand_example_caps_the_winner_and_the_loser_and_the_middle_takes_the_rest():
    # Targets 600/300/100 of 1.000 €, last year 400/300/300, cap 10 %:
    # A may reach at most 440, C may fall to 270 at the lowest; B gets 1.000 − 440 − 270.
    result = phased_amounts(
        targets={"A": D("600"), "B": D("300"), "C": D("100")},
        previous={"A": D("400"), "B": D("300"), "C": D("300")},
        budget=D("1000"),
        cap_percent=D("10"),
    )
    assert result.amounts == {"A": D("440.00"), "B": D("290.00"), "C": D("270.00")}
    assert result.targets == {"A": D("600.00"), "B": D("300.00"), "C": D("100.00")}
    assert result.clamped == {"A": UP, "C": DOWN}
    assert not result.widened and not result.reached


def test_hand_example_in_cents_rounds_the_bounds_outwards_and_the_rest_by_largest_remainder():
    # p = 333,33 / 333,33 / 333,34; cap 10 %: A's upper bound 366,663 -> 366,67 (outwards).
    # B and C (targets 350 and 150) share 1.000 − 366,67 = 633,33 in proportion 350:150,
    # C would get 189,999 < lower bound 300,006 -> 300,00 (floor), so B gets the rest.
    result = phased_amounts(
        targets={"A": D("500.00"), "B": D("350.00"), "C": D("150.00")},
        previous={"A": D("333.33"), "B": D("333.33"), "C": D("333.34")},
        budget=D("1000.00"),
        cap_percent=D("10"),
    )
    assert result.amounts == {"A": D("366.67"), "B": D("333.33"), "C": D("300.00")}
    assert sum(result.amounts.values()) == D("1000.00")
    assert result.clamped == {"A": UP, "C": DOWN}


def test_without_a_previous_amount_the_targets_are_paid():
    targets = {"A": D("700.01"), "B": D("299.99")}
    result = phased_amounts(targets=targets, previous={}, budget=D("1000"), cap_percent=D("10"))
    assert result.amounts == targets
    assert result.reached and result.clamped == {}


def test_a_rise_of_the_allocation_beyond_the_cap_widens_the_cap_for_that_year():
    # The Land adds 20 %, the cap is 10 %: nobody can keep within it, so the upward cap
    # becomes 20 % that year and everyone grows by it.
    result = phased_amounts(
        targets={"A": D("600"), "B": D("600")},
        previous={"A": D("500"), "B": D("500")},
        budget=D("1200"),
        cap_percent=D("10"),
    )
    assert result.widened and result.cap_up == D("20.00") and result.cap_down == D("10.00")
    assert result.amounts == {"A": D("600.00"), "B": D("600.00")}


def test_a_cut_of_the_allocation_beyond_the_cap_widens_the_downward_cap():
    result = phased_amounts(
        targets={"A": D("240"), "B": D("560")},
        previous={"A": D("500"), "B": D("500")},
        budget=D("800"),
        cap_percent=D("10"),
    )
    assert result.widened and result.cap_down == D("20.00")
    assert result.amounts == {"A": D("400.00"), "B": D("400.00")}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cap_percent": D("0")},
        {"cap_percent": D("101")},
        {"budget": D("999")},  # the targets add up to 1.000
        {"budget": D("1000.001")},
    ],
)
def test_inconsistent_input_is_refused(kwargs):
    args = {
        "targets": {"A": D("600"), "B": D("400")},
        "previous": {"A": D("500"), "B": D("500")},
        "budget": D("1000"),
        "cap_percent": D("10"),
        **kwargs,
    }
    with pytest.raises(ValueError):
        phased_amounts(**args)


# --- properties -------------------------------------------------------------------------

NAMES = [f"SR{i}" for i in range(8)]


@st.composite
def year_inputs(draw, *, with_gaps=True):
    """Targets adding up to a budget, previous amounts (some missing), a cap."""
    n = draw(st.integers(min_value=1, max_value=8))
    names = NAMES[:n]
    weights = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))
    if sum(weights) == 0:
        weights[0] = 1
    budget = draw(st.integers(min_value=0, max_value=10**9))  # cents
    shares = _split(budget, weights)
    prev_weights = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))
    if sum(prev_weights) == 0:
        prev_weights[0] = 1
    prev_budget = draw(st.integers(min_value=0, max_value=10**9))
    prev = _split(prev_budget, prev_weights)
    previous = {}
    for name, cents in zip(names, prev, strict=True):
        if with_gaps and draw(st.booleans()) and draw(st.booleans()):
            continue  # a new Sozialraum: no previous amount
        previous[name] = _eur(cents)
    cap = draw(st.sampled_from([D("1"), D("2.5"), D("5"), D("10"), D("15"), D("33.33"), D("100")]))
    targets = {name: _eur(c) for name, c in zip(names, shares, strict=True)}
    return targets, previous, _eur(budget), cap


def _split(total: int, weights: list[int]) -> list[int]:
    return largest_remainder(weights, total, [str(i) for i in range(len(weights))])


def _eur(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(D("0.01"))


def _within_cap(amount: Decimal, prev: Decimal, down: Decimal, up: Decimal) -> bool:
    """prev·(1−down) and prev·(1+up), rounded outwards to the cent, hold the amount."""
    a, p = Fraction(amount), Fraction(prev)
    low = p * (1 - Fraction(down) / 100)
    high = p * (1 + Fraction(up) / 100)
    cent = Fraction(1, 100)
    return low - cent < a < high + cent


@settings(max_examples=300, deadline=None)
@given(year_inputs())
def test_property_sums_are_exact_to_the_cent(data):
    targets, previous, budget, cap = data
    result = phased_amounts(targets=targets, previous=previous, budget=budget, cap_percent=cap)
    assert sum(result.amounts.values(), D("0")) == budget
    assert all(a >= 0 and a == a.quantize(D("0.01")) for a in result.amounts.values())
    assert set(result.amounts) == set(targets)


@settings(max_examples=300, deadline=None)
@given(year_inputs())
def test_property_every_sozialraum_with_a_previous_amount_keeps_within_the_cap(data):
    targets, previous, budget, cap = data
    result = phased_amounts(targets=targets, previous=previous, budget=budget, cap_percent=cap)
    if not result.widened:
        assert result.cap_down == result.cap_up == cap.quantize(D("0.01"))
    for name, amount in result.amounts.items():
        prev = previous.get(name)
        if prev:
            # the caps in force (rounded up to two places: never below the exact ones)
            down = cap if not result.widened else max(cap, result.cap_down)
            up = cap if not result.widened else max(cap, result.cap_up)
            assert _within_cap(amount, prev, down, up), (name, amount, prev, result)
    for name, way in result.clamped.items():
        # held by the cap: only Sozialräume with a bound, never one at its target
        assert previous.get(name) and way in (UP, DOWN)
        assert result.amounts[name] != result.targets[name]


@settings(max_examples=200, deadline=None)
@given(year_inputs(), st.randoms(use_true_random=False))
def test_property_the_order_of_the_sozialraeume_does_not_matter(data, rnd):
    targets, previous, budget, cap = data
    names = list(targets)
    rnd.shuffle(names)
    shuffled = {n: targets[n] for n in names}
    prev_names = list(previous)
    rnd.shuffle(prev_names)
    shuffled_prev = {n: previous[n] for n in prev_names}
    a = phased_amounts(targets=targets, previous=previous, budget=budget, cap_percent=cap)
    b = phased_amounts(targets=shuffled, previous=shuffled_prev, budget=budget, cap_percent=cap)
    assert a == b


@settings(max_examples=150, deadline=None)
@given(year_inputs(with_gaps=False))
def test_property_constant_targets_are_reached_over_the_following_years(data):
    targets, previous, budget, cap = data
    # The year's budget is the previous amounts' sum (constant allocation), so the cap
    # never has to widen once the first year is paid.
    first = phased_amounts(targets=targets, previous=previous, budget=budget, cap_percent=cap)
    amounts, years = first.amounts, 1
    while amounts != targets and years < 3000:
        result = phased_amounts(targets=targets, previous=amounts, budget=budget, cap_percent=cap)
        assert not result.widened
        amounts, years = result.amounts, years + 1
    assert amounts == targets, years


# --- the budget year: service, pages, committee report (the demo) ------------------------

demo_seeded = shared_demo.demo_seeded
demo = shared_demo.demo


def _year(demo, year) -> BudgetYear:
    return BudgetYear.objects.get(jugendamt=demo, year=year)


def _amounts(by) -> dict[str, Decimal]:
    return {s.sozialraum.name: s.state_amount for s in by.shares.select_related("sozialraum")}


def _targets(by) -> dict[str, Decimal]:
    shares = by.shares.select_related("sozialraum")
    return d.sozialraum_amounts({s.sozialraum.name: s.gesamt for s in shares}, by.state_budget)


@pytest.fixture
def even_2026(demo):
    """2026 as if an older round had split the money evenly: the 2027 shares (from the
    2020 round's Gesamtindex) then move Pariser Viertel up and Innenstadt down by far
    more than 10 %."""
    by = _year(demo, 2026)
    shares = list(by.shares.select_related("sozialraum").order_by("sozialraum__name"))
    even = d.sozialraum_amounts({s.sozialraum.name: 1 for s in shares}, by.state_budget)
    for s in shares:
        SozialraumShare.objects.filter(pk=s.pk).update(state_amount=even[s.sozialraum.name])
    return even


@pytest.mark.django_db
def test_switching_the_rule_on_phases_the_2027_amounts_and_keeps_the_targets(
    demo, role_users, even_2026
):
    by = _year(demo, 2027)
    targets = _targets(by)
    budget_year_services.budget_year_transition_set(
        budget_year=by,
        cap_percent="10",
        acting_user=role_users["jugendamt-leitung"],
        reason="Ausschuss",
    )
    by.refresh_from_db()
    assert by.transition_cap == D("10.00")
    amounts = _amounts(by)
    assert sum(amounts.values()) == by.state_budget == D("1133942.00")
    expected = phased_amounts(
        targets=targets, previous=even_2026, budget=by.state_budget, cap_percent=D("10")
    )
    assert amounts == expected.amounts
    stored_targets = {
        s.sozialraum.name: s.target_amount for s in by.shares.select_related("sozialraum")
    }
    assert stored_targets == targets
    for name, amount in amounts.items():
        assert _within_cap(amount, even_2026[name], D("10"), D("10")), name
    assert amounts["Pariser Viertel"] < targets["Pariser Viertel"]
    assert amounts["Innenstadt"] > targets["Innenstadt"]
    # Plans, reallocations and the execution read the transitional amount.
    pariser = by.shares.get(sozialraum__name="Pariser Viertel")
    assert (
        allocation_selectors.state_amount_for(by.pk, pariser.sozialraum_id)
        == amounts["Pariser Viertel"]
    )
    cap_event = AuditEvent.objects.filter(action="budget_year.transition_set").last()
    assert cap_event.old == {"transition_cap": None}
    assert cap_event.new == {"transition_cap": "10"}
    assert cap_event.reason == "Ausschuss"
    shares_event = AuditEvent.objects.filter(action="budget_year.shares_phased").last()
    assert shares_event.new["Innenstadt"] == {
        "percent": str(by.shares.get(sozialraum__name="Innenstadt").percent),
        "state_amount": str(amounts["Innenstadt"]),
        "target_amount": str(targets["Innenstadt"]),
    }
    assert "höchstens 10,00 % Änderung" in shares_event.reason


@pytest.mark.django_db
def test_switching_the_rule_off_pays_the_targets_again(demo, role_users, even_2026):
    by = _year(demo, 2027)
    staff = role_users["jugendamt"]
    budget_year_services.budget_year_transition_set(
        budget_year=by, cap_percent=D("10"), acting_user=staff
    )
    budget_year_services.budget_year_transition_set(
        budget_year=by, cap_percent=None, acting_user=staff
    )
    by.refresh_from_db()
    assert by.transition_cap is None
    assert _amounts(by) == _targets(by)
    assert AuditEvent.objects.filter(action="budget_year.transition_set").last().new == {
        "transition_cap": None
    }
    # The same cap again changes nothing and records nothing.
    n = AuditEvent.objects.count()
    budget_year_services.budget_year_transition_set(
        budget_year=by, cap_percent=None, acting_user=staff
    )
    assert AuditEvent.objects.count() == n


@pytest.mark.django_db
def test_applying_the_shares_and_a_new_allocation_keep_the_rule_and_the_sum(
    demo, role_users, even_2026
):
    staff = role_users["jugendamt"]
    by = _year(demo, 2027)
    budget_year_services.budget_year_transition_set(
        budget_year=by, cap_percent="10", acting_user=staff
    )
    phased = _amounts(by)
    budget_year_services.budget_year_apply_shares(budget_year=by, acting_user=staff)
    assert _amounts(by) == phased  # step 1 again: the same transitional amounts
    budget_year_services.budget_year_save(
        jugendamt_id=demo.pk, year=2027, state_budget="1140000", label="", acting_user=staff
    )
    by.refresh_from_db()
    amounts = _amounts(by)
    assert sum(amounts.values()) == D("1140000.00")
    assert (
        amounts
        == phased_amounts(
            targets=_targets(by), previous=even_2026, budget=by.state_budget, cap_percent=D("10")
        ).amounts
    )


@pytest.mark.django_db
def test_without_the_rule_the_shares_stay_as_before(demo, role_users):
    by = _year(demo, 2027)
    before = _amounts(by)
    budget_year_services.budget_year_apply_shares(
        budget_year=by, acting_user=role_users["jugendamt"]
    )
    assert _amounts(by) == before == _targets(by)
    assert not AuditEvent.objects.filter(action="budget_year.shares_phased").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("cap", ["0", "-5", "100.5", "7.123"])
def test_a_cap_out_of_range_is_refused_in_german(demo, role_users, cap):
    from django.core.exceptions import ValidationError

    by = _year(demo, 2027)
    with pytest.raises(ValidationError, match="höchste Änderung je Jahr"):
        budget_year_services.budget_year_transition_set(
            budget_year=by, cap_percent=cap, acting_user=role_users["jugendamt"]
        )
    by.refresh_from_db()
    assert by.transition_cap is None


@pytest.mark.django_db
def test_the_committee_member_cannot_set_the_rule(demo, role_users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        budget_year_services.budget_year_transition_set(
            budget_year=_year(demo, 2027), cap_percent="10", acting_user=role_users["ausschuss"]
        )


def _page_rows(html: str, table_marker: str) -> list[list[str]]:
    import re

    table = html.split(table_marker, 1)[1].split("</table>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


@pytest.mark.django_db
def test_budget_page_sets_the_rule_in_german_and_shows_target_and_transition(
    client, demo, role_users, even_2026
):
    by = _year(demo, 2027)
    client.force_login(role_users["jugendamt"])
    url = reverse("allocation:budget_year_transition", args=[by.pk])
    page = client.get(f"{reverse('allocation:plan_list')}?jahr=2027").content.decode()
    assert 'data-testid="transition-off"' in page
    assert 'inputmode="decimal"' in page.split('data-testid="transition-form"', 1)[1]

    response = client.post(url, {"transition_cap": "7,5", "reason": ""}, follow=True)
    html = response.content.decode()
    assert "Die Übergangsregel gilt: höchstens 7,50 % Änderung" in html
    by.refresh_from_db()
    assert by.transition_cap == D("7.50")
    assert "um höchstens ±7,50\u00a0%" in html
    rows = _page_rows(html, 'data-testid="transition-table"')
    assert rows[0][:4] == [
        "Sozialraum",
        "Landesanteil 2026",
        "Zielbetrag",
        "Landesanteil im Übergang",
    ]
    amounts, targets = _amounts(by), _targets(by)
    body = {r[0]: r for r in rows[1:-1]}
    assert body["Pariser Viertel"][3] == _eur_text(amounts["Pariser Viertel"])
    assert body["Pariser Viertel"][2] == _eur_text(targets["Pariser Viertel"])
    assert body["Pariser Viertel"][6] == "begrenzt: Ziel höher"
    assert body["Innenstadt"][6] == "begrenzt: Ziel niedriger"
    total = rows[-1]
    assert total[0] == "Summe"
    assert total[2] == total[3] == _eur_text(D("1133942.00"))
    assert 'data-testid="share-target"' in html  # the step-1 table names the target too

    # A figure the German rule cannot read comes back with a German message, nothing saved.
    bad = client.post(url, {"transition_cap": "zehn"})
    assert bad.status_code == 400
    assert "ist keine Zahl" in bad.content.decode()
    by.refresh_from_db()
    assert by.transition_cap == D("7.50")
    # Empty: the rule is off, the targets are paid.
    client.post(url, {"transition_cap": ""})
    by.refresh_from_db()
    assert by.transition_cap is None and _amounts(by) == targets


def _eur_text(value: Decimal) -> str:
    text = f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} €"


@pytest.mark.django_db
def test_committee_report_explains_the_rule_with_target_and_transitional_amounts(
    client, demo, role_users, even_2026
):
    by = _year(demo, 2027)
    budget_year_services.budget_year_transition_set(
        budget_year=by, cap_percent="10", acting_user=role_users["jugendamt-leitung"]
    )
    client.force_login(role_users["ausschuss"])
    html = client.get(reverse("reports:committee", args=[2027])).content.decode()
    rule = html.split('id="transition-rule"', 1)[1].split("</p>", 1)[0]
    assert "um höchstens ±10,00\u00a0%" in rule and "größter Rest" in rule
    rows = _page_rows(html, 'id="transition-table"')
    assert rows[0] == [
        "Sozialraum",
        "Landesmittel Vorjahr",
        "Zielbetrag",
        "Landesmittel im Übergang",
        "Abstand zum Ziel",
    ]
    amounts, targets = _amounts(by), _targets(by)
    body = {r[0]: r for r in rows[1:-1]}
    assert body["Innenstadt"][1:4] == [
        _eur_text(even_2026["Innenstadt"]),
        _eur_text(targets["Innenstadt"]),
        _eur_text(amounts["Innenstadt"]),
    ]
    assert rows[-1][2] == rows[-1][3] == _eur_text(D("1133942.00"))
    # Without the rule the report has no such section.
    budget_year_services.budget_year_transition_set(
        budget_year=by, cap_percent=None, acting_user=role_users["jugendamt-leitung"]
    )
    html = client.get(reverse("reports:committee", args=[2027])).content.decode()
    assert 'id="transition-table"' not in html
