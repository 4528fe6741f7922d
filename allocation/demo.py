"""Demo data for the allocation: budget years 2021–2027 and approved plans for 2026.

Runs after ``surveys.demo`` and ``indices.demo``. Everything goes through the
services, so the audit trail shows a real process: ``jugendamt`` proposes and
adjusts once with a reason, ``jugendamt-leitung`` approves (four eyes).
Idempotent: years, shares and plans that exist are left as they are.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from allocation.demo_consultation import seed_consultation_demo
from allocation.models import AllocationPlan, BudgetYear, PlanState, Strand
from allocation.services import budget_years as budget_year_services
from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from allocation.services import workflow
from foerderung import demo as foerderung_demo
from sozialraeume.master_data import BAD_KREUZNACH
from sozialraeume.models import Jugendamt
from surveys.models import SurveyRound

# The state's notices (methodology.md section 7); later years follow the default rule.
OWN_FIGURES = {
    2021: (Decimal("488897.00"), "2. Halbjahr 2021"),
    2022: (Decimal("1002240.00"), ""),
}
LAST_YEAR = 2027
PLAN_YEAR = 2026
ROUND_CODE = "2020"


def seed(stdout=None):
    def say(text):
        if stdout:
            stdout.write(text)

    jugendamt = Jugendamt.objects.filter(slug=BAD_KREUZNACH["slug"]).first()
    if jugendamt is None:
        say("Verteilung: kein Demo-Jugendamt gefunden")
        return None
    User = get_user_model()
    staff = User.objects.get(username="jugendamt")
    leitung = User.objects.get(username="jugendamt-leitung")
    survey_round = SurveyRound.objects.filter(jugendamt=jugendamt, code=ROUND_CODE).first()

    years = []
    for year in range(min(OWN_FIGURES), LAST_YEAR + 1):
        by = BudgetYear.objects.filter(jugendamt=jugendamt, year=year).first()
        if by is None:
            amount, label = OWN_FIGURES.get(year, (None, ""))
            by = budget_year_services.budget_year_save(
                jugendamt_id=jugendamt.pk,
                year=year,
                state_budget=amount,
                label=label,
                round=survey_round,
                acting_user=staff,
            )
        years.append(by)
    if survey_round is None:
        say("Verteilung: Haushaltsjahre angelegt, keine Erhebung 2020 für die Anteile")
        return years

    for by in years:
        if by.round_id and not by.shares.exists():
            try:
                budget_year_services.budget_year_apply_shares(budget_year=by, acting_user=staff)
            except ValidationError as exc:
                say(f"Verteilung: Anteile {by} nicht berechnet: {' '.join(exc.messages)}")
                return years

    by = next(b for b in years if b.year == PLAN_YEAR)
    approved = 0
    for sr in jugendamt.sozialraeume.order_by("position", "name"):
        plan = AllocationPlan.objects.filter(budget_year=by, sozialraum=sr).first()
        if plan is not None and plan.proposed_at:
            approved += plan.state == PlanState.APPROVED
            continue
        plan = plan_services.plan_create(budget_year=by, sozialraum=sr, acting_user=staff)
        plan_services.plan_propose(plan=plan, acting_user=staff)
        _adjust_once(plan, by, staff)
        workflow.plan_start_consultation(plan=plan, acting_user=staff)
        # The demo cannot wait the Träger's minimum consultation time: the Leitung
        # shortens it with reasons, as the product asks for in that case.
        workflow.plan_consultation_shorten(
            plan=plan,
            reason="Demodaten: Die Träger haben den Vorschlag in der Sozialraumkonferenz "
            "vorab besprochen.",
            public_reason="Abstimmung mit den Trägern vorab in der Sozialraumkonferenz.",
            acting_user=leitung,
        )
        workflow.plan_submit(plan=plan, acting_user=staff)
        workflow.plan_approve(
            plan=plan, acting_user=leitung, reason="Beschluss nach Abstimmung mit den Trägern"
        )
        approved += 1
    say(
        f"Verteilung: Haushaltsjahre {years[0].year}–{years[-1].year}, "
        f"{approved} beschlossene Pläne {PLAN_YEAR}"
    )
    # issue 15 (part D): the next year's plans in consultation, an FS3 exception waiting
    seed_consultation_demo(jugendamt, say)
    return years


def _adjust_once(plan, by, staff):
    """One adjustment after the proposal, as after a talk with the Träger."""
    line = plan.lines.order_by("-fte", "kita__name").first()
    if line is not None and line.fte > Decimal("0.05"):
        fte = line.fte - Decimal("0.05")
        line_services.line_update(
            line_id=line.pk,
            expected_version=line.version,
            fte=fte,
            annual_cost=fte * by.fte_cost(Strand.FS1),
            reason="Träger kann die Stelle erst ab Februar besetzen: 0,05 VZÄ weniger.",
            acting_user=staff,
        )
        return
    # FS4 needs an accepted request of the Kita (issue 15): the demo's own, see foerderung.demo
    fs4_request = foerderung_demo.accepted_request_in(plan.sozialraum, year=by.year)
    if fs4_request is None:
        return
    line_services.line_add(
        plan=plan,
        kita=fs4_request.kita,
        fs4_request=fs4_request,
        strand=Strand.FS4,
        fte=Decimal("0.25"),
        annual_cost=Decimal("0.25") * by.fte_cost(Strand.FS4),
        justification="Betriebserlaubnis: eingeschränkte Räume, zusätzliche Aufsicht nötig.",
        reason="Kein Kita-Sozialarbeitsbedarf nach Index; Zusatzpersonal laut Träger nötig.",
        acting_user=staff,
    )
