"""A changed state allocation re-applies the Sozialraum shares in the same transaction.

Issue #12, finding 3: after the 2027 allocation was changed to 1.140.000 €, section 1
showed 1.140.000 € while the Sozialraum amounts still added up to 1.133.942 €. Now every
door (the service, the admin change form) apportions the new amount over the stored
Gesamtindex values at once; an approved plan above its new amount stays approved and
the budget page warns about it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from allocation import distribution as d
from allocation.models import AllocationPlan, BudgetYear, PlanState, SozialraumShare
from allocation.services import budget_years as budget_year_services
from audit import events as audit_events
from audit.models import AuditEvent
from tests import shared_demo

pytestmark = pytest.mark.django_db

# The demo is seeded once for the module, each test runs in a savepoint of its own
# (tests/shared_demo.py).
demo_seeded = shared_demo.demo_seeded
demo = shared_demo.demo

NEW_2027 = Decimal("1140000.00")
OLD_2027 = Decimal("1133942.00")  # 2026 × 1,025 (demo: default rule)
WARNING = "Der beschlossene Plan übersteigt den neuen Anteil um"
MONEY = re.compile(r"(-?\d{1,3}(?:\.\d{3})*,\d{2})\s*€")


# --- reading the pages as a person does ------------------------------------------------


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts (th and td), with its caption."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._stack: list[dict] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append({"caption": "", "rows": []})
        elif tag == "tr" and self._stack:
            self._stack[-1]["rows"].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []
        elif tag == "caption" and self._stack:
            self._caption = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag in ("td", "th") and self._cell is not None and self._stack:
            rows = self._stack[-1]["rows"]
            if rows:
                rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self._stack[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._caption is not None:
            self._caption.append(data)


def tables(html: str) -> list[dict]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def euro(text: str) -> Decimal:
    """The first amount in German notation in ``text`` ("1.140.000,00\u00a0€") as a Decimal."""
    match = MONEY.search(text)
    assert match, f"no amount in {text!r}"
    return Decimal(match.group(1).replace(".", "").replace(",", "."))


def budget_page_amounts(html: str) -> dict[str, Decimal]:
    """The budget page's step-1 table: Landesanteil per Sozialraum."""
    table = next(t for t in tables(html) if any("Landesanteil" in c for c in t["rows"][0]))
    header = table["rows"][0]
    col = header.index("Landesanteil")
    return {row[0]: euro(row[col]) for row in table["rows"][1:] if len(row) == len(header)}


def committee_figures(html: str) -> tuple[Decimal, dict[str, Decimal], Decimal]:
    """Section 1's state allocation, section 2's Landesmittel per Sozialraum and their sum."""
    found = tables(html)
    section1 = next(t for t in found if t["caption"].startswith("Landeszuweisung"))
    state = euro(next(r for r in section1["rows"] if r[0].startswith("Zuweisung des Landes"))[1])
    step1 = next(t for t in found if t["caption"] == "Anteile und Beträge je Sozialraum")
    header = step1["rows"][0]
    col = header.index("Landesmittel")
    body = step1["rows"][1:-1]
    total = euro(step1["rows"][-1][col])
    return state, {row[0]: euro(row[col]) for row in body}, total


def admin_form_data(html: str) -> dict:
    """What the browser sends for the admin change form as it stands on the page."""

    class Form(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data: dict = {}
            self._select: str | None = None
            self._textarea: str | None = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "checkbox"):
                self.data[name] = a.get("value", "")
            elif tag == "input" and name and "checked" in a:
                self.data[name] = a.get("value", "on")
            elif tag == "select" and name:
                self._select = name
                self.data.setdefault(name, "")
            elif tag == "option" and self._select and "selected" in a:
                self.data[self._select] = a.get("value", "")
            elif tag == "textarea" and name:
                self._textarea = name
                self.data[name] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self._select = None
            elif tag == "textarea":
                self._textarea = None

        def handle_data(self, data):
            if self._textarea:
                self.data[self._textarea] += data

    form = Form()
    form.feed(html.split('id="budgetyear_form"', 1)[1].split("</form>", 1)[0])
    form.data.pop("csrfmiddlewaretoken", None)
    if "fte_costs" in form.data:  # a JSON textarea in older versions of the form
        form.data["fte_costs"] = form.data["fte_costs"].strip()
    return form.data


def field_amount(shown: str) -> Decimal:
    """The amount a form field shows, in German ("1.133.942,00") or plain notation."""
    return Decimal(shown.replace(".", "").replace(",", ".") if "," in shown else shown)


def as_typed(shown: str, amount: Decimal) -> str:
    """``amount`` as a person types it into a field that shows ``shown``: in the same
    notation (German with thousands dots where the field shows a comma)."""
    if "," not in shown:
        return str(amount)
    return f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


# --- helpers -----------------------------------------------------------------------------


def _year(demo, year) -> BudgetYear:
    return BudgetYear.objects.get(jugendamt=demo, year=year)


def _shares(by) -> dict[str, SozialraumShare]:
    return {s.sozialraum.name: s for s in by.shares.select_related("sozialraum")}


def assert_shares_add_up(by: BudgetYear) -> None:
    """Σ Sozialraum amounts = the state allocation, to the cent; each from its Gesamtindex."""
    by.refresh_from_db()
    shares = _shares(by)
    assert sum(s.state_amount for s in shares.values()) == by.state_budget
    expected = d.sozialraum_amounts({n: s.gesamt for n, s in shares.items()}, by.state_budget)
    assert {n: s.state_amount for n, s in shares.items()} == expected
    assert sum(s.percent for s in shares.values()) == Decimal("100.00")


def _change(by, amount, user, reason=""):
    return budget_year_services.budget_year_save(
        jugendamt_id=by.jugendamt_id,
        year=by.year,
        state_budget=amount,
        label=by.label,
        acting_user=user,
        reason=reason,
    )


# --- the service ---------------------------------------------------------------------------


def test_changing_the_2027_allocation_reapportions_the_shares_to_the_cent(demo, role_users):
    by = _year(demo, 2027)
    before = _shares(by)
    assert sum(s.state_amount for s in before.values()) == OLD_2027

    _change(by, "1140000", role_users["jugendamt"], reason="Bescheid des Landes vom 10.11.")

    assert_shares_add_up(by)
    after = _shares(by)
    assert by.state_budget == NEW_2027 and by.own_figure
    # Same Gesamtindex, same percent: only the euros follow the new amount.
    assert {n: s.gesamt for n, s in after.items()} == {n: s.gesamt for n, s in before.items()}
    assert {n: s.percent for n, s in after.items()} == {n: s.percent for n, s in before.items()}
    assert all(after[n].state_amount > before[n].state_amount for n in after)


def test_the_audit_event_of_the_change_carries_old_and_new_amounts_per_sozialraum(demo, role_users):
    by = _year(demo, 2027)
    before = _shares(by)
    _change(by, NEW_2027, role_users["jugendamt"])

    update = AuditEvent.objects.filter(action="budget_year.update", object_id=str(by.pk)).last()
    assert update.old["state_budget"] == "1133942.00"
    assert update.new["state_budget"] == "1140000.00"
    event = AuditEvent.objects.filter(action="budget_year.shares", object_id=str(by.pk)).last()
    assert event.pk > update.pk and event.actor == role_users["jugendamt"]
    assert set(event.old) == set(before) == set(event.new)
    for name, share in _shares(by).items():
        assert event.old[name]["state_amount"] == str(before[name].state_amount)
        assert event.new[name]["state_amount"] == str(share.state_amount)
    assert sum(Decimal(v["state_amount"]) for v in event.old.values()) == OLD_2027
    assert sum(Decimal(v["state_amount"]) for v in event.new.values()) == NEW_2027
    assert "1.133.942,00 € → 1.140.000,00 €" in event.reason


def test_the_new_allocation_and_the_new_shares_are_saved_together_or_not_at_all(
    demo, role_users, monkeypatch
):
    by = _year(demo, 2027)
    before = {n: s.state_amount for n, s in _shares(by).items()}
    record = audit_events.record

    def failing(**kwargs):
        if kwargs["action"] == "budget_year.shares":
            raise RuntimeError("storage failed")
        return record(**kwargs)

    monkeypatch.setattr(audit_events, "record", failing)
    with pytest.raises(RuntimeError):
        _change(by, NEW_2027, role_users["jugendamt"])
    by.refresh_from_db()
    assert by.state_budget == OLD_2027
    assert {n: s.state_amount for n, s in _shares(by).items()} == before


def test_a_default_rule_year_follows_a_changed_previous_year_with_its_shares(demo, role_users):
    staff = role_users["jugendamt"]
    _change(_year(demo, 2026), "1110000", staff)
    by = budget_year_services.budget_year_save(jugendamt_id=demo.pk, year=2027, acting_user=staff)
    assert by.state_budget == Decimal("1137750.00") and not by.own_figure  # 1 110 000 × 1,025
    assert_shares_add_up(_year(demo, 2026))
    assert_shares_add_up(by)


def test_same_amount_or_a_year_without_shares_records_no_share_event(demo, role_users):
    staff = role_users["jugendamt"]
    by = _year(demo, 2027)
    events = AuditEvent.objects.filter(action="budget_year.shares")
    n = events.count()
    budget_year_services.budget_year_save(
        jugendamt_id=demo.pk,
        year=2027,
        state_budget=by.state_budget,
        label="2027",
        acting_user=staff,
    )
    assert events.count() == n
    new = budget_year_services.budget_year_save(
        jugendamt_id=demo.pk, year=2030, state_budget="1000000", acting_user=staff
    )
    _change(new, "1200000", staff)
    assert events.count() == n and not new.shares.exists()


# --- the doors: admin change form, budget pages, committee report --------------------------


def test_admin_change_form_reapportions_the_shares_and_says_so(client, demo, role_users):
    by = _year(demo, 2027)
    client.force_login(role_users["jugendamt"])
    url = reverse("admin:allocation_budgetyear_change", args=[by.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = admin_form_data(page.content.decode())
    assert field_amount(data["state_budget"]) == OLD_2027
    data["state_budget"] = as_typed(data["state_budget"], NEW_2027)

    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    assert not response.context.get("errors"), response.context.get("errors")
    assert_shares_add_up(by)
    assert by.state_budget == NEW_2027
    text = response.content.decode()
    assert "auf den neuen Betrag von 1.140.000,00\u00a0€ verteilt" in text
    assert WARNING not in text  # 2027 has no approved plan


@pytest.mark.parametrize("role", ["jugendamt", "jugendamt-leitung"])
def test_budget_page_shows_amounts_that_add_up_to_the_new_allocation(
    client, demo, role_users, role
):
    _change(_year(demo, 2027), NEW_2027, role_users["jugendamt"])
    client.force_login(role_users[role])
    html = client.get(reverse("allocation:plan_list"), {"jahr": 2027}).content.decode()
    amounts = budget_page_amounts(html)
    assert len(amounts) == 8
    assert sum(amounts.values()) == NEW_2027
    assert "1.140.000,00\u00a0€" in html


@pytest.mark.parametrize("role", ["ausschuss", "jugendamt", "jugendamt-leitung"])
def test_committee_report_amounts_add_up_to_its_section_1_total(client, demo, role_users, role):
    _change(_year(demo, 2027), NEW_2027, role_users["jugendamt"])
    client.force_login(role_users[role])
    response = client.get(reverse("reports:committee", args=[2027]))
    assert response.status_code == 200
    state, amounts, total = committee_figures(response.content.decode())
    assert state == NEW_2027
    assert len(amounts) == 8
    assert sum(amounts.values()) == total == state


def test_approved_plan_above_its_new_amount_stays_approved_and_the_budget_page_warns(
    client, demo, role_users
):
    by = _year(demo, 2026)
    plans = AllocationPlan.objects.filter(budget_year=by, state=PlanState.APPROVED)
    assert plans.count() == 8
    _change(by, "900000", role_users["jugendamt"], reason="Kürzung laut Bescheid")

    assert_shares_add_up(by)
    assert plans.count() == 8  # the change still happens, the decisions stand
    client.force_login(role_users["jugendamt-leitung"])
    html = client.get(reverse("allocation:plan_list"), {"jahr": 2026}).content.decode()
    shares = _shares(by)
    over = []
    for plan in plans.select_related("sozialraum"):
        planned = sum(line.state_part for line in plan.lines.all())
        amount = shares[plan.sozialraum.name].state_amount
        if planned > amount:
            over.append((plan, planned - amount))
    assert over, "a cut of about 19 % leaves some approved plan above its amount"
    assert html.count(WARNING) == len(over)
    for plan, excess in over:
        block = html.split(reverse("allocation:plan_detail", args=[plan.pk]) + '">', 1)[1]
        block = block.split("</div>", 1)[0]
        assert WARNING in block
        assert euro(block.split(WARNING, 1)[1]) == excess


def test_admin_names_each_approved_plan_above_its_new_amount(client, demo, role_users):
    by = _year(demo, 2026)
    client.force_login(role_users["jugendamt"])
    url = reverse("admin:allocation_budgetyear_change", args=[by.pk])
    data = admin_form_data(client.get(url).content.decode())
    data["state_budget"] = as_typed(data["state_budget"], Decimal("900000.00"))
    text = client.post(url, data, follow=True).content.decode()
    assert_shares_add_up(by)
    assert text.count(WARNING) >= 1
    assert "auf den neuen Betrag von 900.000,00\u00a0€ verteilt" in text
