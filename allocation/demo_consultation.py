"""Demo data of issue 15 (part D): the next year's plans in consultation.

Runs at the end of ``allocation.demo.seed``. For the budget year ``CONSULTATION_YEAR``
(2025) the Fachkraft ``jugendamt`` drafts the plan of the demo Kita leader's Sozialraum
by the rule and puts it into consultation (so the Kita leader reads and comments the
lines of their own Kita; the Träger has commented on a line and the Jugendamt answered),
and the plan of a Sozialraum with a Kita whose FM index is only above the lower norm
bound gets an FS3 line with a written justification: a justified exception that waits
for the Jugendamt-Leitung's acceptance. Idempotent: a plan that was proposed already is
left as it is.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from allocation import eligibility as elig
from allocation.models import AllocationPlan, BudgetYear, PlanState, Strand
from allocation.services import comments as comment_services
from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from allocation.services import workflow
from indices import eligibility as rules
from sozialraeume.models import Kita

# Not 2027: the tests that play a year on the demo (the committee report, number entry)
# build their own 2027 plans; the demo keeps that year free of plans.
CONSULTATION_YEAR = 2025
FS3_JUSTIFICATION = (
    "Viele neu zugewanderte Familien seit dem Stichtag; die Kita baut Sprachangebote und "
    "die Zusammenarbeit mit der Migrationsberatung auf."
)
TRAEGER_COMMENT = "Die Stelle können wir zum 1. März besetzen; bitte die VZÄ so lassen."
ANSWER = "Danke, die VZÄ bleiben so; die Besetzung zum 1. März ist eingeplant."


def _exception_kita(jugendamt, ctx, prefer_sozialraum_id):
    """A Kita whose FM index lies above the lower bound but not above the mean (the FS3
    exception), of the preferred Sozialraum if it has one."""
    candidates = []
    for kita in jugendamt_kitas(jugendamt):
        result = rules.fs3_eligibility(
            ctx.value(kita.pk, "FM"), ctx.norm("FM", "mean"), ctx.norm("FM", "lower"), "x"
        )
        if result.awaiting:
            candidates.append(kita)
    candidates.sort(key=lambda k: (k.sozialraum_id != prefer_sozialraum_id, k.name))
    return candidates[0] if candidates else None


def jugendamt_kitas(jugendamt):
    return list(
        Kita.objects.filter(sozialraum__jugendamt=jugendamt, active=True)
        .select_related("sozialraum")
        .order_by("sozialraum__position", "sozialraum__name", "name")
    )


def _consultation_plan(by, sozialraum, staff, exception_kita=None):
    """The year's plan of the Sozialraum drafted by the rule, put into consultation (None:
    it exists already). ``exception_kita`` gets its FS3 line before the proposal (a line
    entered by hand; the rule's FS1 lines share what is left)."""
    plan = AllocationPlan.objects.filter(budget_year=by, sozialraum=sozialraum).first()
    if plan is not None and (plan.proposed_at or plan.state != PlanState.DRAFT):
        return None
    plan = plan_services.plan_create(budget_year=by, sozialraum=sozialraum, acting_user=staff)
    if exception_kita is not None:
        line_services.line_add(
            plan=plan,
            kita=exception_kita,
            strand=Strand.FS3,
            fte=Decimal("0.50"),
            justification=FS3_JUSTIFICATION,
            acting_user=staff,
        )
    plan_services.plan_propose(plan=plan, acting_user=staff)
    workflow.plan_start_consultation(plan=plan, acting_user=staff)
    return plan


def seed_consultation_demo(jugendamt, say=lambda text: None):
    User = get_user_model()
    staff = User.objects.get(username="jugendamt")
    by = BudgetYear.objects.filter(jugendamt=jugendamt, year=CONSULTATION_YEAR).first()
    leader = User.objects.filter(username="kita-leitung").first()
    if by is None or leader is None or not by.shares.exists():
        say(f"Verteilung: keine Abstimmung {CONSULTATION_YEAR} (Haushaltsjahr oder Anteile fehlen)")
        return
    home = leader.kitas.select_related("sozialraum").first()
    if home is None:
        return
    ctx = elig.index_context(by)
    kita = _exception_kita(jugendamt, ctx, home.sozialraum_id)
    at_home = kita if kita is not None and kita.sozialraum_id == home.sozialraum_id else None
    try:
        plan = _consultation_plan(by, home.sozialraum, staff, exception_kita=at_home)
        if plan is not None:
            _traeger_comment(plan, staff)
        if kita is not None and at_home is None:
            _consultation_plan(by, kita.sozialraum, staff, exception_kita=kita)
    except ValidationError as exc:
        say(f"Verteilung: Abstimmung {CONSULTATION_YEAR} nicht angelegt: {' '.join(exc.messages)}")
        return
    say(f"Verteilung: Pläne {CONSULTATION_YEAR} in Abstimmung, eine FS3-Ausnahme zur Anerkennung")


def _traeger_comment(plan, staff):
    User = get_user_model()
    traeger = User.objects.filter(username="traeger").first()
    if traeger is None or not traeger.traeger_id:
        return
    line = plan.lines.filter(kita__traeger_id=traeger.traeger_id).order_by("kita__name").first()
    comment = comment_services.plan_comment_add(
        plan=plan, text=TRAEGER_COMMENT, line=line, acting_user=traeger
    )
    comment_services.plan_comment_answer(comment=comment, text=ANSWER, acting_user=staff)
