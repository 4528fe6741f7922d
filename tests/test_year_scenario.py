"""The year as a test: several years of the demo Jugendamt, played through services and pages.

Issue #12 ("A year in the life of a Jugendamt"). From the demo (round 2020 closed and
computed, budget years 2021–2027, approved plans 2026, round 2027 open) the test plays:

1. round 2020 closed: the published result;
2. budget year 2022: plans proposed and in consultation with the Träger (2a), then laid
   before the Leitung after the minimum consultation time (shortened by the Leitung with
   a reason) and decided (2b);
3. round 2027 open, one questionnaire submitted by the Kita leader: the published result
   is unchanged on every role's pages; then the other Kitas' answers are imported (3b);
4. round 2027 closed: a new published result;
5. the 2027 state allocation changed to 1.140.000 € (admin change form);
6. shares re-applied: the button for 2027 changes nothing (the change re-applied them
   already), budget year 2028 takes its shares from the new result;
7. a decided 2022 plan taken back by the Leitung (the Fachkraft may not);
8. a reallocation proposed by the Fachkraft and approved by the Leitung (second person).

After every step the invariants are checked in the data and on every role's pages
(Kita-Leitung, Träger, Fachkraft, Leitung, Ausschuss), each as its own subtest so that one
broken invariant does not hide the others:

- Σ Sozialraum amounts = state allocation, to the cent (data, budget page, committee report);
- per Sozialraum, Σ state part of approved lines ≤ its amount + approved reallocations;
- the committee's figures come from approved plans only;
- an open round never changes the published result.

It needs no service beyond the database: it runs with ``make test`` on SQLite and in CI
on PostgreSQL (``.ci/run`` sets ``DATABASE_URL``). Celery runs eagerly; the callbacks
queued with ``transaction.on_commit`` run after each action.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from allocation.models import (
    AllocationLine,
    AllocationPlan,
    BudgetYear,
    PlanState,
    Reallocation,
    ReallocationState,
    SozialraumShare,
)
from audit.models import AuditEvent
from indices import selectors as index_selectors
from indices.models import IndexRun
from sozialraeume.models import Kita
from surveys import services as survey_services
from surveys.demo import _need_level, synthetic_answers
from surveys.exchange import ImportRow
from surveys.models import Response, SurveyRound
from surveys.validation import validate_answers
from tests.allocation.test_budget_change import (
    WARNING,
    admin_form_data,
    as_typed,
    budget_page_amounts,
    committee_figures,
    euro,
    tables,
)

pytestmark = pytest.mark.django_db

ROLES = ("kita-leitung", "traeger", "jugendamt", "jugendamt-leitung", "ausschuss")
STAFF = ("jugendamt", "jugendamt-leitung")
NEW_2027 = Decimal("1140000.00")
# The years the scenario works in (and 2026, decided in the demo): their pages are read
# after every step; the data of every year is checked.
PAGE_YEARS = (2022, 2026, 2027, 2028)
ZERO = Decimal("0.00")


# --- the scenario's world ------------------------------------------------------------------


class Scenario:
    """The demo Jugendamt, its people and a test client that acts as one of them."""

    def __init__(self, client, demo, users, on_commit):
        self.client = client
        self.jugendamt = demo
        self.users = users
        self._on_commit = on_commit
        self.kita = users["kita-leitung"].kitas.get()

    # people at work -------------------------------------------------------------------

    def as_(self, role):
        self.client.force_login(self.users[role])
        return self.client

    def get(self, role, url, params=None) -> str:
        response = self.as_(role).get(url, params or {})
        assert response.status_code == 200, f"{role} {url}: {response.status_code}"
        return response.content.decode()

    def post(self, role, url, data=None):
        """A form sent by ``role``; the work queued for after the commit runs too."""
        with self._on_commit(execute=True):
            response = self.as_(role).post(url, data or {}, follow=True)
        assert response.status_code < 500, f"{role} {url}: {response.status_code}"
        return response

    def do(self, action, *args, **kwargs):
        """A service call, with its after-commit work (index computation, e-mails)."""
        with self._on_commit(execute=True):
            return action(*args, **kwargs)

    # the data -------------------------------------------------------------------------

    def year(self, year) -> BudgetYear:
        return BudgetYear.objects.get(jugendamt=self.jugendamt, year=year)

    def years_with_shares(self) -> list[BudgetYear]:
        return list(
            BudgetYear.objects.filter(jugendamt=self.jugendamt, shares__isnull=False)
            .distinct()
            .order_by("year")
        )

    def plans(self, year) -> list[AllocationPlan]:
        return list(
            AllocationPlan.objects.filter(
                budget_year__jugendamt=self.jugendamt, budget_year__year=year
            )
            .select_related("sozialraum", "budget_year")
            .order_by("sozialraum__position")
        )

    def plan(self, year, sozialraum_name) -> AllocationPlan:
        return AllocationPlan.objects.get(
            budget_year__jugendamt=self.jugendamt,
            budget_year__year=year,
            sozialraum__name=sozialraum_name,
        )

    def round(self, code) -> SurveyRound:
        return SurveyRound.objects.get(jugendamt=self.jugendamt, code=code)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- invariants: small helpers used after every step -------------------------------------


def approved_balance(by: BudgetYear) -> dict[int, Decimal]:
    """Net approved reallocations per Sozialraum id (a proposal moves no money)."""
    balance: dict[int, Decimal] = {}
    for r in Reallocation.objects.filter(budget_year=by, state=ReallocationState.APPROVED):
        balance[r.to_sozialraum_id] = balance.get(r.to_sozialraum_id, ZERO) + r.amount
        balance[r.from_sozialraum_id] = balance.get(r.from_sozialraum_id, ZERO) - r.amount
    return balance


def amount_for(by: BudgetYear, sozialraum_id: int) -> Decimal:
    """The Sozialraum's state amount of the year: its share plus approved reallocations."""
    share = SozialraumShare.objects.get(budget_year=by, sozialraum_id=sozialraum_id)
    return share.state_amount + approved_balance(by).get(sozialraum_id, ZERO)


def approved_sums(by: BudgetYear) -> tuple[Decimal, Decimal]:
    """Personnel cost and state part of the lines of the year's approved plans."""
    lines = AllocationLine.objects.filter(plan__budget_year=by, plan__state=PlanState.APPROVED)
    total = sum((x.annual_cost for x in lines), ZERO)
    state = sum((x.state_part for x in lines), ZERO)
    return total, state


def plan_state_part(plan: AllocationPlan) -> Decimal:
    return sum((x.state_part for x in plan.lines.all()), ZERO)


def check_shares_add_up(s: Scenario) -> None:
    """Data: every year's Sozialraum amounts add up to its state allocation, to the cent."""
    for by in s.years_with_shares():
        total = sum(by.shares.values_list("state_amount", flat=True), ZERO)
        assert total == by.state_budget, f"{by}: Σ Sozialräume {total} ≠ {by.state_budget}"


def check_approved_within_amounts(s: Scenario) -> None:
    """Data: Σ state part of an approved plan's lines ≤ its Sozialraum's amount."""
    for by in s.years_with_shares():
        for plan in AllocationPlan.objects.filter(budget_year=by, state=PlanState.APPROVED):
            planned, amount = plan_state_part(plan), amount_for(by, plan.sozialraum_id)
            assert planned <= amount, f"{plan}: {planned} > {amount}"


def check_budget_pages(s: Scenario, years) -> None:
    """Fachkraft and Leitung: the budget page's amounts add up to the allocation; an
    approved plan above its amount is named with a warning, none else is."""
    for by in years:
        for role in STAFF:
            html = s.get(role, reverse("allocation:plan_list"), {"jahr": by.year})
            amounts = budget_page_amounts(html)
            assert sum(amounts.values()) == by.state_budget, f"{role} {by}: {amounts}"
            card = html.split('data-testid="state">', 1)[1]
            assert euro(card) == by.state_budget, f"{role} {by}: budget card"
            over = [
                p
                for p in AllocationPlan.objects.filter(budget_year=by, state=PlanState.APPROVED)
                if plan_state_part(p) > amount_for(by, p.sozialraum_id)
            ]
            assert html.count(WARNING) == len(over), f"{role} {by}: warnings"


def check_committee_report(s: Scenario, years) -> None:
    """Committee, Fachkraft, Leitung: section 1 = Σ Sozialraum amounts = the allocation;
    the planned figures are those of the approved plans only."""
    for by in years:
        approved_total, approved_state = approved_sums(by)
        for role in ("ausschuss", *STAFF):
            html = s.get(role, reverse("reports:committee", args=[by.year]))
            state, amounts, total = committee_figures(html)
            assert state == total == sum(amounts.values()) == by.state_budget, (
                f"{role} {by}: section 1 {state}, Σ {sum(amounts.values())}, total {total}"
            )
            section1 = next(t for t in tables(html) if t["caption"].startswith("Landeszuweisung"))
            rows = {r[0]: r[1] for r in section1["rows"] if len(r) == 2}
            planned_total = next(v for k, v in rows.items() if "verplant (Personalkosten)" in k)
            planned_state = next(v for k, v in rows.items() if "Landesanteil verplant" in k)
            assert euro(planned_total) == approved_total, f"{role} {by}: planned total"
            assert euro(planned_state) == approved_state, f"{role} {by}: planned state part"


def check_traeger_pages(s: Scenario) -> None:
    """Träger: never a draft; each plan's figures as stored; an approved plan within the
    Sozialraum's budget on its page."""
    html = s.get("traeger", reverse("allocation:traeger_dashboard"))
    shown = re.findall(r'href="/verteilung/plan/(\d+)/"', html)
    plans = AllocationPlan.objects.filter(pk__in=shown).select_related("budget_year")
    assert plans.count() == len(set(shown))
    for plan in plans:
        assert plan.state != PlanState.DRAFT, f"Träger sees the draft {plan}"
        page = s.get("traeger", reverse("allocation:plan_detail", args=[plan.pk]))
        budget, planned = (euro(x) for x in page.split('data-testid="state">')[1:3])
        assert planned == plan_state_part(plan), f"{plan}: planned on the Träger's page"
        assert budget == amount_for(plan.budget_year, plan.sozialraum_id), f"{plan}: budget"
        if plan.state == PlanState.APPROVED:
            assert planned <= budget, f"{plan}: approved above its amount"


def check_kita_leader_pages(s: Scenario) -> None:
    """Kita-Leitung: their Kita's result is the published one; positions from approved
    plans only."""
    html = s.get("kita-leitung", reverse("reports:kita"))
    run = index_selectors.published_run(jugendamt_id=s.jugendamt.pk)
    value = run.kita_values.get(kita=s.kita) if run else None
    if value is not None and value.gesamt is not None:
        shown = f"{run.round}: Gesamtindex {value.gesamt:.1f}".replace(".", ",")
        assert shown in html, f"Kita leader's result: {shown!r} not on the page"
    table = next((t for t in tables(html) if t["caption"] == "Beschlossene Stellen"), None)
    shown_lines = len(table["rows"]) - 1 if table else 0
    approved = AllocationLine.objects.filter(kita=s.kita, plan__state=PlanState.APPROVED)
    assert shown_lines == approved.count(), "Kita leader: only lines of approved plans"


def published_snapshot(s: Scenario) -> dict:
    """What each role's pages show of the index result (must not move while a round is
    open): the Kita leader's own values, the evaluation of the staff, the committee's
    indices and trends, the Träger's plan pages (eligibility from the indices)."""
    snap = {}
    kita_html = s.get("kita-leitung", reverse("reports:kita"))
    result = re.search(r"Ergebnis unserer Kita</h3>(.*?)</p>", kita_html, re.S)
    snap["kita-leitung: Meine Kita"] = " ".join(re.sub(r"<[^>]+>", " ", result.group(1)).split())
    snap["kita-leitung: Werte"] = [
        t["rows"]
        for t in tables(s.get("kita-leitung", reverse("indices:my_kita_detail", args=[s.kita.pk])))
    ]
    for role in STAFF:
        snap[f"{role}: Auswertung"] = [
            t["rows"] for t in tables(s.get(role, reverse("indices:overview")))
        ]
    snap["ausschuss: Entwicklung"] = [
        t["rows"] for t in tables(s.get("ausschuss", reverse("reports:trends")))
    ]
    for by in s.years_with_shares():
        if by.year not in PAGE_YEARS:
            continue
        snap[f"ausschuss: Bericht {by.year}"] = [
            t["rows"]
            for t in tables(s.get("ausschuss", reverse("reports:committee", args=[by.year])))
            if t["caption"].startswith("Teilindizes")
        ]
    html = s.get("traeger", reverse("allocation:traeger_dashboard"))
    for pk in sorted(set(re.findall(r'href="/verteilung/plan/(\d+)/"', html))):
        page = s.get("traeger", reverse("allocation:plan_detail", args=[pk]))
        snap[f"traeger: Plan {pk}"] = [t["rows"] for t in tables(page)]
    return snap


def snapshot_changes(before: dict, after: dict) -> dict:
    """Per page whose index figures moved: the first rows that differ (before, after)."""
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, list) and isinstance(new, list):
            flat_old = [row for table in old for row in table]
            flat_new = [row for table in new for row in table]
            pairs = [(a, b) for a, b in zip(flat_old, flat_new, strict=False) if a != b]
            changes[key] = pairs[:3] or (len(flat_old), len(flat_new))
        else:
            changes[key] = (old, new)
    return changes


def check_invariants(s: Scenario, subtests, step: str) -> None:
    """Every invariant after ``step``, each as its own subtest."""
    years = [by for by in s.years_with_shares() if by.year in PAGE_YEARS]
    checks = [
        ("Σ Sozialraum amounts = state allocation (data)", lambda: check_shares_add_up(s)),
        (
            "approved lines ≤ amount + approved reallocations (data)",
            lambda: check_approved_within_amounts(s),
        ),
        ("budget pages of Fachkraft and Leitung", lambda: check_budget_pages(s, years)),
        ("committee report: Σ and approved plans only", lambda: check_committee_report(s, years)),
        ("Träger pages", lambda: check_traeger_pages(s)),
        ("Kita leader pages", lambda: check_kita_leader_pages(s)),
    ]
    for name, check in checks:
        with subtests.test(msg=f"{step} – {name}"):
            check()


# --- the steps -----------------------------------------------------------------------------


def _answers_2027(kita: Kita, rng: random.Random) -> dict:
    answers = synthetic_answers(rng, _need_level(kita.sozialraum.name), kita.places or 60)
    cleaned, errors = validate_answers(answers, complete=True)
    assert not errors, errors
    return cleaned


def _form_data(answers: dict, *, version: int, action: str) -> dict:
    """Answers as the questionnaire form posts them (F4 as F4_<partner>, decimal comma)."""
    data = {"version": str(version), "action": action}
    for code, value in answers.items():
        if code == "F4":
            data.update({f"F4_{partner}": level for partner, level in value.items()})
        elif code == "F3":
            data["F3"] = value
        elif code == "F8":
            if value:
                data["F8"] = "on"
        else:
            data[code] = str(value).replace(".", ",")
    return data


def _transition(s: Scenario, role: str, plan: AllocationPlan, action: str, reason: str = ""):
    plan.refresh_from_db()
    return s.post(
        role,
        reverse("allocation:plan_transition", args=[plan.pk, action]),
        {"reason": reason, "version": plan.version},
    )


def test_a_year_in_the_life_of_a_jugendamt(
    client, demo, role_users, django_capture_on_commit_callbacks, subtests
):
    s = Scenario(client, demo, role_users, django_capture_on_commit_callbacks)
    rng = random.Random(2027)  # noqa: S311 - test data

    # 1. Round 2020 closed: its run is the published result. --------------------------
    step = "1 round 2020 closed"
    r2020 = s.round("2020")
    run_2020 = index_selectors.current_run(round_id=r2020.pk)
    with subtests.test(msg=f"{step} – published result is round 2020's run"):
        assert r2020.state == SurveyRound.State.GESCHLOSSEN and run_2020 is not None
        assert index_selectors.published_run(jugendamt_id=demo.pk) == run_2020
    check_invariants(s, subtests, step)

    # 2a. Budget year 2022: plans proposed and in consultation with the Träger. --------
    step = "2a budget year 2022: plans proposed, in consultation"
    by2022 = s.year(2022)
    s.post("jugendamt", reverse("allocation:budget_year_plans", args=[by2022.pk]))
    plans = s.plans(2022)
    assert len(plans) == 8 and all(p.state == PlanState.DRAFT for p in plans)
    for plan in plans:
        s.post("jugendamt", reverse("allocation:plan_propose", args=[plan.pk]))
        _transition(s, "jugendamt", plan, "start_consultation")
    home = s.plan(2022, s.kita.sozialraum.name)  # the Kita leader's and the Träger's
    s.post(
        "traeger",
        reverse("allocation:plan_comment", args=[home.pk]),
        {"text": "Die Verteilung passt für unsere Kitas."},
    )
    with subtests.test(msg=f"{step} – plans in consultation, the Träger commented"):
        assert all(p.state == PlanState.CONSULTATION for p in s.plans(2022))
        assert home.comments.filter(author=role_users["traeger"]).exists()
        assert sum(plan_state_part(p) for p in s.plans(2022)) > 0
    check_invariants(s, subtests, step)

    # 2b. ... laid before the Leitung after the consultation time, and decided. --------
    step = "2b budget year 2022: plans decided"
    refused = _transition(s, "jugendamt", home, "submit")
    with subtests.test(msg=f"{step} – no decision before the minimum consultation time"):
        home.refresh_from_db()
        assert home.state == PlanState.CONSULTATION
        assert "mindestens 14 Tage" in _messages(refused)
    for plan in s.plans(2022):
        s.post(
            "jugendamt-leitung",
            reverse("allocation:plan_consultation_shorten", args=[plan.pk]),
            {
                "reason": "Pläne 2022 nachträglich erfasst; die Träger sind einverstanden.",
                "public_reason": "Nachträgliche Erfassung der Verteilung 2022.",
                "version": plan.version,
            },
        )
        _transition(s, "jugendamt", plan, "submit")
        _transition(s, "jugendamt-leitung", plan, "approve", "Beschluss 2022")
    with subtests.test(msg=f"{step} – all eight plans approved by the Leitung"):
        assert [p.state for p in s.plans(2022)] == [PlanState.APPROVED] * 8
        assert {p.approved_by for p in s.plans(2022)} == {role_users["jugendamt-leitung"]}
    check_invariants(s, subtests, step)

    # 3. Round 2027 open; one questionnaire submitted: the published result stays. ------
    step = "3 round 2027 open, one questionnaire submitted"
    r2027 = s.round("2027")
    assert r2027.state == SurveyRound.State.OFFEN  # the demo opened it
    before = published_snapshot(s)
    form = reverse("surveys:form", kwargs={"code": "2027", "kita_id": s.kita.pk})
    # Through the confirmation step (issue 14): save and check, then "Verbindlich einreichen".
    s.post("kita-leitung", form, _form_data(_answers_2027(s.kita, rng), version=0, action="check"))
    check = reverse("surveys:check", kwargs={"code": "2027", "kita_id": s.kita.pk})
    submitted = s.post("kita-leitung", check, {"version": "1"})
    with subtests.test(msg=f"{step} – the questionnaire is submitted"):
        assert "Der Fragebogen ist eingereicht" in submitted.content.decode()
        assert Response.objects.get(round=r2027, kita=s.kita).is_submitted
    with subtests.test(msg=f"{step} – published result unchanged (data)"):
        assert index_selectors.published_run(jugendamt_id=demo.pk) == run_2020
    with subtests.test(msg=f"{step} – published result unchanged on every role's pages"):
        after = published_snapshot(s)
        assert snapshot_changes(before, after) == {}
    check_invariants(s, subtests, step)

    step = "3b round 2027 open, the other questionnaires imported"
    rows = [
        ImportRow(
            line=i, kita=kita, status=Response.Status.SUBMITTED, answers=_answers_2027(kita, rng)
        )
        for i, kita in enumerate(
            Kita.objects.filter(sozialraum__jugendamt=demo).exclude(pk=s.kita.pk).order_by("pk"),
            start=2,
        )
    ]
    s.do(
        survey_services.responses_import,
        survey_round=r2027,
        rows=rows,
        acting_user=role_users["jugendamt"],
        source="Papierfragebögen",
    )
    with subtests.test(msg=f"{step} – published result unchanged (data and pages)"):
        assert index_selectors.published_run(jugendamt_id=demo.pk) == run_2020
        after = published_snapshot(s)
        assert snapshot_changes(before, after) == {}
    check_invariants(s, subtests, step)

    # 4. Round 2027 closed: a new published result. ------------------------------------
    step = "4 round 2027 closed"
    s.post("jugendamt", reverse("surveys:round_transition", args=["2027", "schliessen"]))
    r2027.refresh_from_db()
    run_2027 = index_selectors.current_run(round_id=r2027.pk)
    with subtests.test(msg=f"{step} – the new result is published"):
        assert r2027.state == SurveyRound.State.GESCHLOSSEN
        assert run_2027 is not None and run_2027.status == IndexRun.Status.FINISHED
        assert run_2027.kita_count == 32
        assert index_selectors.published_run(jugendamt_id=demo.pk) == run_2027
        assert published_snapshot(s)["kita-leitung: Meine Kita"].startswith("Erhebung 2027:")
    check_invariants(s, subtests, step)

    # 5. The 2027 state allocation changed (admin change form): the shares follow. -----
    step = "5 state allocation 2027 changed to 1.140.000 €"
    by2027 = s.year(2027)
    url = reverse("admin:allocation_budgetyear_change", args=[by2027.pk])
    data = admin_form_data(s.get("jugendamt", url))
    data["state_budget"] = as_typed(data["state_budget"], NEW_2027)
    changed = s.post("jugendamt", url, data)
    by2027.refresh_from_db()
    with subtests.test(msg=f"{step} – saved, and the admin is told the shares follow"):
        assert by2027.state_budget == NEW_2027
        assert "auf den neuen Betrag von 1.140.000,00\u00a0€ verteilt" in changed.content.decode()
    check_invariants(s, subtests, step)

    # 6. Shares re-applied: 2027 is current already; 2028 from the new result. --------
    step = "6 shares re-applied"
    events = AuditEvent.objects.filter(action="budget_year.shares", object_id=str(by2027.pk))
    n_events = events.count()
    stored = dict(by2027.shares.values_list("sozialraum_id", "state_amount"))
    s.post("jugendamt", reverse("allocation:budget_year_shares", args=[by2027.pk]))
    with subtests.test(msg=f"{step} – pressing the button for 2027 changes nothing"):
        assert dict(by2027.shares.values_list("sozialraum_id", "state_amount")) == stored
        assert events.count() == n_events
    add = reverse("admin:allocation_budgetyear_add")
    data = admin_form_data(s.get("jugendamt", add))
    data.update(year="2028", state_budget="", round=str(r2027.pk))
    s.post("jugendamt", add, data)
    by2028 = s.year(2028)
    s.post("jugendamt", reverse("allocation:budget_year_shares", args=[by2028.pk]))
    with subtests.test(msg=f"{step} – 2028: default rule, shares from the new result"):
        assert by2028.state_budget == Decimal("1168500.00")  # 1 140 000 × 1,025
        assert by2028.shares.count() == 8
        assert set(by2028.shares.values_list("index_run_id", flat=True)) == {run_2027.pk}
    check_invariants(s, subtests, step)

    # 7. A decided plan taken back: only by the Leitung, with a reason. ----------------
    step = "7 decided plan taken back by the Leitung"
    home.refresh_from_db()
    assert home.state == PlanState.APPROVED
    refused = _transition(s, "jugendamt", home, "rework", "Träger meldet Änderungsbedarf")
    with subtests.test(msg=f"{step} – the Fachkraft cannot take a decision back"):
        home.refresh_from_db()
        assert home.state == PlanState.APPROVED
        assert "Nur die Jugendamt-Leitung" in _messages(refused)
    _transition(
        s,
        "jugendamt-leitung",
        home,
        "rework",
        "Eine Kita des Sozialraums schließt zum Sommer; die Stellen werden neu verteilt.",
    )
    with subtests.test(msg=f"{step} – the plan is back in Entwurf, the decision recorded"):
        home.refresh_from_db()
        assert home.state == PlanState.DRAFT
        assert AuditEvent.objects.filter(object_id=str(home.pk), action="plan.revoke").exists()
    check_invariants(s, subtests, step)

    # 8. A reallocation proposed and approved by a second person. ----------------------
    step = "8 reallocation proposed and approved by a second person"
    source = max(
        (p for p in s.plans(2022) if p.state == PlanState.APPROVED),
        key=lambda p: amount_for(by2022, p.sozialraum_id) - plan_state_part(p),
    )
    unspent = amount_for(by2022, source.sozialraum_id) - plan_state_part(source)
    amount = min(unspent, Decimal("1000.00")).quantize(Decimal("0.01"))
    assert amount > 0
    before_amounts = {
        sr: amount_for(by2022, sr) for sr in (source.sozialraum_id, home.sozialraum_id)
    }
    s.post(
        "jugendamt",
        reverse("allocation:reallocation_create", args=[by2022.pk]),
        {
            "from_sozialraum": source.sozialraum_id,
            "to_sozialraum": home.sozialraum_id,
            "to_kita": "",
            "amount": str(amount).replace(".", ","),
            "reason": "Nicht verplante Mittel für die Neuverteilung nach der Schließung.",
            "public_reason": "Nicht verplante Landesmittel für einen Sozialraum mit Mehrbedarf.",
        },
    )
    proposal = Reallocation.objects.get(budget_year=by2022)
    with subtests.test(msg=f"{step} – a proposal moves no money"):
        assert proposal.state == ReallocationState.PROPOSED
        assert {sr: amount_for(by2022, sr) for sr in before_amounts} == before_amounts
    check_invariants(s, subtests, f"{step} (proposed)")
    own = s.post(
        "jugendamt",
        reverse("allocation:reallocation_approve", args=[proposal.pk]),
        {f"r{proposal.pk}-version": proposal.version},
    )
    with subtests.test(msg=f"{step} – the proposer cannot approve it"):
        proposal.refresh_from_db()
        assert proposal.state == ReallocationState.PROPOSED, _messages(own)
    s.post(
        "jugendamt-leitung",
        reverse("allocation:reallocation_approve", args=[proposal.pk]),
        {f"r{proposal.pk}-version": proposal.version, f"r{proposal.pk}-reason": "Einverstanden."},
    )
    with subtests.test(msg=f"{step} – approved by the Leitung: the money moves"):
        proposal.refresh_from_db()
        assert proposal.state == ReallocationState.APPROVED
        assert proposal.decided_by == role_users["jugendamt-leitung"]
        assert (
            amount_for(by2022, source.sozialraum_id)
            == before_amounts[source.sozialraum_id] - amount
        )
        assert amount_for(by2022, home.sozialraum_id) == before_amounts[home.sozialraum_id] + amount
    check_invariants(s, subtests, f"{step} (approved)")
