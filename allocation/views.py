"""Pages of the allocation: budget overview, plans, lines, comments, history.

Views stay thin: scope the object (404 for "not yours"), validate the form, call
one service, show its German message on refusal.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_fsm import has_transition_perm

from allocation import selectors
from allocation.forms import (
    CommentForm,
    ConsultationShortenForm,
    LineForm,
    ReallocationDecisionForm,
    ReallocationForm,
    ReasonForm,
)
from allocation.forms_consultation import AnswerForm, KitaCommentForm
from allocation.models import (
    AllocationLine,
    AllocationPlan,
    BudgetYear,
    PlanComment,
    PlanState,
    Reallocation,
    ReallocationState,
)
from allocation.permissions import budget_year_policy, plan_policy, reallocation_policy
from allocation.services import budget_years as budget_year_services
from allocation.services import comments as comment_services
from allocation.services import exceptions as exception_services
from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from allocation.services import reallocations as reallocation_services
from allocation.services import workflow
from allocation.services.common import ConflictError, eur_text
from audit import selectors as audit_selectors
from audit.permissions import audit_policy
from indices.permissions import evaluation_policy
from sozialraeume.permissions import kita_policy
from sozialraeume.selectors import jugendamt_id_for_user, kita_list_for_user
from srb_project import policy
from srb_project.numbers import TamperedInput, parse_version


def _refusal(request, exc):
    if isinstance(exc, ValidationError):
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.error(request, str(exc) if str(exc) else _("Dafür fehlt Ihnen die Berechtigung."))


def _tampered_plan_page(request, plan, exc: TamperedInput):
    """A hidden field no page of ours sends (``version=abc``): 400, the plan page with a
    German message, nothing changed."""
    messages.error(request, str(exc))
    context = _plan_detail_context(request, plan)
    return render(request, "allocation/plan_detail.html", context, status=400)


def _may_use(user) -> bool:
    """The allocation pages as such: Jugendamt staff and Träger (the plan rule's "view")."""
    return plan_policy.user_can(user, "view")


def _plan_or_404(request, pk, action: str = "view") -> AllocationPlan:
    """The plan if the user may ``action`` it; "not yours" is the same 404 as "no such"."""
    return get_object_or_404(plan_policy.instances_for(request.user, action), pk=pk)


def _plan_list_context(request, wanted: str | None, **overrides) -> dict:
    """The budget year page for ``wanted`` (a year as text; else this year or the last)."""
    user = request.user
    jugendamt_id = jugendamt_id_for_user(user)
    years = list(selectors.budget_years_for_jugendamt(jugendamt_id))
    selected = None
    for by in years:
        if wanted and str(by.year) == wanted:
            selected = by
    if selected is None and years:
        this_year = timezone.localdate().year
        selected = next((by for by in years if by.year == this_year), years[-1])
    reallocations = list(selectors.reallocations_of_year(selected)) if selected else []
    for r in reallocations:
        # The Leitung's approve/reject form on proposals they may decide (not their own).
        r.decision_form = (
            ReallocationDecisionForm(initial={"version": r.version}, prefix=f"r{r.pk}")
            if r.is_open and reallocation_policy.user_can(user, "decide", r)
            else None
        )
    overview = selectors.budget_overview(selected) if selected else None
    # ``?status=proposal``: only the Sozialräume whose plan is in that state (the
    # dashboard's counts link here); an unknown value shows all.
    status = request.GET.get("status")
    status = status if status in PlanState.values else None
    rows = overview.rows if overview else []
    if status:
        rows = [row for row in rows if row.plan is not None and row.plan.state == status]
    context = {
        "years": years,
        "selected": selected,
        "overview": overview,
        "rows": rows,
        "status_filter": PlanState(status).label if status else None,
        "due": selectors.plans_due_for_review(jugendamt_id),
        "next_survey_year": selectors.next_survey_year(),
        "can_manage": budget_year_policy.user_can(user, "manage", jugendamt_id),
        # issue 16: the budget execution's "Umverteilung vorschlagen" link prefills the
        # form (?von=<Sozialraum>&betrag=<freed>&herkunft=actual); the service checks it.
        "reallocation_form": ReallocationForm(
            jugendamt_id=jugendamt_id,
            initial={
                key: request.GET[param]
                for key, param in (
                    ("from_sozialraum", "von"),
                    ("amount", "betrag"),
                    ("source", "herkunft"),
                )
                if request.GET.get(param)
            },
        ),
        "reallocations": reallocations,
        "decidable": [r for r in reallocations if r.decision_form],
    }
    context.update(overrides)
    return context


@login_required
def plan_list(request):
    """Budget year overview: state / municipal / total per Sozialraum, plans, reviews,
    reallocations (open proposals with the Leitung's buttons)."""
    user = request.user
    if not _may_use(user):
        raise PermissionDenied
    if not budget_year_policy.user_can(user, "view"):
        return redirect("allocation:traeger_dashboard")
    context = _plan_list_context(request, request.GET.get("jahr"))
    return render(request, "allocation/plan_list.html", context)


def _budget_year_or_404(request, pk) -> BudgetYear:
    # Scoped to the user's Jugendamt: a superuser of one Jugendamt must not reach another's.
    return get_object_or_404(
        budget_year_policy.instances_for(request.user, "manage"),
        pk=pk,
        jugendamt_id=jugendamt_id_for_user(request.user),
    )


def _back_to_year(by):
    return redirect(f"{reverse('allocation:plan_list')}?jahr={by.year}")


@login_required
@require_POST
def budget_year_shares(request, pk):
    by = _budget_year_or_404(request, pk)
    try:
        budget_year_services.budget_year_apply_shares(
            budget_year=by,
            acting_user=request.user,
            carry_forward=request.POST.get("carry_forward") == "1",
            reason=request.POST.get("reason", "").strip(),
        )
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Die Anteile der Sozialräume sind berechnet."))
    return _back_to_year(by)


@login_required
@require_POST
def budget_year_plans(request, pk):
    by = _budget_year_or_404(request, pk)
    try:
        budget_year_services.budget_year_create_plans(budget_year=by, acting_user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Die Verteilungspläne sind angelegt."))
    return _back_to_year(by)


@login_required
@require_POST
def reallocation_create(request, pk):
    """A proposal; it moves money once another person of the Jugendamt-Leitung approves.
    A refused form is shown again with what was typed and the message at its field."""
    by = _budget_year_or_404(request, pk)
    form = ReallocationForm(request.POST, jugendamt_id=by.jugendamt_id)
    if form.is_valid():
        try:
            reallocation_services.reallocation_create(
                budget_year=by, acting_user=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(
                "public_reason" if getattr(exc, "code", None) == "kita_named" else None,
                exc if isinstance(exc, ValidationError) else str(exc) or _("Keine Berechtigung."),
            )
        else:
            messages.success(
                request,
                _(
                    "Die Umverteilung ist vorgeschlagen. Sie wird wirksam, sobald eine andere "
                    "Person der Jugendamt-Leitung sie genehmigt."
                ),
            )
            return _back_to_year(by)
    messages.error(
        request, _("Die Umverteilung ist nicht gespeichert; bitte prüfen Sie das Formular.")
    )
    context = _plan_list_context(request, str(by.year), reallocation_form=form)
    return render(request, "allocation/plan_list.html", context, status=400)


def _reallocation_or_404(request, pk):
    """A reallocation of the user's Jugendamt that they may see; else 404."""
    return get_object_or_404(
        reallocation_policy.instances_for(request.user, "view"),
        pk=pk,
        budget_year__jugendamt_id=jugendamt_id_for_user(request.user),
    )


REALLOCATION_DECISIONS = {
    "approve": (
        reallocation_services.reallocation_approve,
        _("Die Umverteilung ist genehmigt; die Mittel sind umverteilt."),
    ),
    "reject": (
        reallocation_services.reallocation_reject,
        _("Die Umverteilung ist abgelehnt; es wurden keine Mittel umverteilt."),
    ),
}


def _reallocation_decide(request, pk, decision: str):
    r = _reallocation_or_404(request, pk)
    service, done = REALLOCATION_DECISIONS[decision]
    form = ReallocationDecisionForm(request.POST, prefix=f"r{r.pk}")
    if not form.is_valid() and "version" in form.errors:
        # A tampered hidden version: refused, never decided against the current version.
        messages.error(request, str(TamperedInput()))
        context = _plan_list_context(request, str(r.budget_year.year))
        return render(request, "allocation/plan_list.html", context, status=400)
    version = form.cleaned_data.get("version")
    try:
        service(
            reallocation=r,
            acting_user=request.user,
            reason=form.cleaned_data.get("reason", ""),
            # The proposal as the page showed it: a stale page cannot decide twice.
            expected_version=version if version is not None else r.version,
        )
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, done)
    return redirect(f"{reverse('allocation:plan_list')}?jahr={r.budget_year.year}#umverteilungen")


@login_required
@require_POST
def reallocation_approve(request, pk):
    return _reallocation_decide(request, pk, "approve")


@login_required
@require_POST
def reallocation_reject(request, pk):
    return _reallocation_decide(request, pk, "reject")


# The badge of each state on the plan page (Bootstrap colour); "secondary" otherwise.
STATE_BADGES = {
    PlanState.CONSULTATION: "info",
    PlanState.PROPOSAL: "warning",
    PlanState.APPROVED: "success",
}


def _workflow_steps(plan: AllocationPlan, user) -> tuple[list[dict], list[dict]]:
    """The status buttons the user can use now, and the steps they hold the right to but
    cannot take now, each with its reason (e.g. the four-eyes rule for the last editor).

    A step is one of the plan's FSM transitions from its state whose ``permission`` (the
    policy) lets the user; ``workflow.step_refusal`` says what the service would refuse
    (one rule for button and service). In the workflow's order (``workflow.TRANSITIONS``);
    label and colour from the model."""
    buttons, notes = [], []
    for name in workflow.TRANSITIONS:
        meta = getattr(AllocationPlan, name)._django_fsm
        if not meta.has_transition(plan.state):
            continue
        t = meta.get_transition(plan.state)
        if not t.has_perm(plan, user):
            continue
        step = {"step": t.name, "label": t.custom["label"], "css": t.custom["button"]}
        refusal = workflow.step_refusal(plan, t.name, user)
        if refusal is not None:
            notes.append({**step, "reason": " ".join(refusal.messages)})
        elif meta.conditions_met(plan, plan.state):
            buttons.append(step)
    return buttons, notes


def _with_answers(comments) -> list:
    """The comments that are no answers, each with its answers (``answers``, issue 15)."""
    answers: dict[int, list] = {}
    for c in comments:
        if c.reply_to_id:
            answers.setdefault(c.reply_to_id, []).append(c)
    top = [c for c in comments if not c.reply_to_id]
    for c in top:
        c.answers = answers.get(c.pk, [])
    return top


def _comment_rows(plan: AllocationPlan, rows) -> list:
    """The plan's comments (answers under the comment they answer); each line of ``rows``
    gets the comments about it (``line_comments``), shown under the line."""
    comments = _with_answers(list(plan.comments.select_related("author", "line__kita")))
    by_line: dict[int, list] = {}
    for c in comments:
        if c.line_id:
            by_line.setdefault(c.line_id, []).append(c)
    for row in rows:
        row.line.line_comments = by_line.get(row.line.pk, [])
    return comments


def _exception_rows(plan: AllocationPlan, rows, user) -> None:
    """Per line (``row.exception``, issue 15): an FS3 exception accepted, or waiting with
    the Leitung's button or the reason why this user cannot accept it."""
    may_accept = plan_policy.user_can(user, "accept_exception", plan)
    for row in rows:
        row.exception = None
        if row.line.strand != "FS3" or row.eligibility.status != "with_justification":
            continue
        if row.line.exception_accepted_at is not None:
            row.exception = {"accepted": True}
        elif row.eligibility.awaiting:
            refusal = (
                exception_services.exception_refusal(row.line, user, row.eligibility)
                if may_accept
                else None
            )
            row.exception = {
                "accepted": False,
                "button": may_accept and refusal is None,
                "reason": " ".join(refusal.messages) if refusal is not None else "",
            }


def _plan_detail_context(request, plan: AllocationPlan, **overrides) -> dict:
    user = request.user
    can_edit = plan_policy.user_can(user, "edit", plan)
    earliest = selectors.consultation_earliest_submit(plan)
    waiting = plan.state == PlanState.CONSULTATION and earliest and earliest > timezone.localdate()
    view = selectors.plan_view(plan)
    buttons, notes = _workflow_steps(plan, user)
    can_comment = plan_policy.user_can(user, "comment", plan) and (can_edit or plan.comments_open)
    context = {
        "plan": plan,
        "state_badge": STATE_BADGES.get(plan.state, "secondary"),
        "view": view,
        "comments": _comment_rows(plan, view.rows),
        "can_answer": plan_policy.user_can(user, "answer_comment", plan),
        "can_edit": can_edit and plan.is_editable,
        "can_manage": can_edit,
        "can_propose": has_transition_perm(plan.propose, user),
        "workflow_buttons": buttons,
        "workflow_notes": notes,
        "can_comment": can_comment,
        "line_form": LineForm(plan=plan),
        "comment_form": CommentForm(
            lines=selectors.lines_open_for_comment(plan, user) if can_comment else None
        ),
        "reason_form": ReasonForm(),
        # The per-Kita index values behind each line's eligibility: the evaluation rule.
        "show_index": evaluation_policy.user_can(user, "view", plan.jugendamt_id),
        # The Träger's minimum consultation time: until when, and who may shorten it.
        "consultation_earliest": earliest if waiting else None,
        "can_shorten": bool(waiting) and plan_policy.user_can(user, "approve", plan),
        "shorten_form": ConsultationShortenForm(initial={"version": plan.version}),
    }
    _exception_rows(plan, view.rows, user)
    context.update(overrides)
    return context


@login_required
def plan_detail(request, pk):
    plan = _plan_or_404(request, pk)
    return render(request, "allocation/plan_detail.html", _plan_detail_context(request, plan))


@login_required
@require_POST
def plan_consultation_shorten(request, pk):
    """The Jugendamt-Leitung shortens the Träger's consultation, with an internal reason
    and one for the committee; a refusal shows the form again with what was typed."""
    plan = _plan_or_404(request, pk)
    form = ConsultationShortenForm(request.POST)
    if form.is_valid():
        try:
            workflow.plan_consultation_shorten(
                plan=plan,
                reason=form.cleaned_data["reason"],
                public_reason=form.cleaned_data["public_reason"],
                acting_user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDenied as exc:
            _refusal(request, exc)
            return redirect("allocation:plan_detail", pk=plan.pk)
        except ValidationError as exc:
            form.add_error("public_reason" if exc.code == "kita_named" else None, exc)
        else:
            messages.success(
                request,
                _("Die Abstimmung ist verkürzt; der Plan kann jetzt vorgelegt werden."),
            )
            return redirect("allocation:plan_detail", pk=plan.pk)
    elif "version" in form.errors:
        messages.error(request, str(TamperedInput()))
    context = _plan_detail_context(request, plan, shorten_form=form)
    return render(request, "allocation/plan_detail.html", context, status=400)


@login_required
@require_POST
def plan_propose(request, pk):
    plan = _plan_or_404(request, pk)
    try:
        proposal = plan_services.plan_propose(plan=plan, acting_user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "Vorschlag erstellt: %(n)s Zeile, %(rest)s bleiben unverteilt.",
                "Vorschlag erstellt: %(n)s Zeilen, %(rest)s bleiben unverteilt.",
                len(proposal.lines),
            )
            # the amount with its unit outside the message: a no-break space in a msgid
            # would not survive makemessages
            % {"n": len(proposal.lines), "rest": f"{eur_text(proposal.unallocated)}\u00a0€"},
        )
    return redirect("allocation:plan_detail", pk=plan.pk)


TRANSITION_MESSAGES = {
    "start_consultation": _("Der Plan ist jetzt in Abstimmung mit den Trägern."),
    "submit": _("Der Plan liegt jetzt als Beschlussvorlage vor."),
    "approve": _("Der Plan ist beschlossen."),
    "rework": _("Der Plan ist zur Überarbeitung zurück im Entwurf."),
}
REVOKED_MESSAGE = _("Der Beschluss ist zurückgenommen; der Plan ist wieder im Entwurf.")


@login_required
@require_POST
def plan_transition(request, pk, action):
    plan = _plan_or_404(request, pk)
    service = workflow.TRANSITIONS.get(action)
    if service is None:
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        version = parse_version(request.POST.get("version"))
    except TamperedInput as exc:
        return _tampered_plan_page(request, plan, exc)
    was_approved = plan.is_approved
    try:
        service(
            plan=plan,
            acting_user=request.user,
            reason=form.cleaned_data.get("reason", ""),
            # The plan as the person saw it: a stale page cannot undo someone else's step.
            expected_version=version,
        )
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    else:
        revoked = action == "rework" and was_approved
        messages.success(request, REVOKED_MESSAGE if revoked else TRANSITION_MESSAGES[action])
    return redirect("allocation:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_comment(request, pk):
    plan = _plan_or_404(request, pk)
    form = CommentForm(request.POST, lines=selectors.lines_open_for_comment(plan, request.user))
    if not form.is_valid() and "line" in form.errors:
        # A line the form did not offer (another Träger's Kita, another plan): as for any
        # object that is not the user's, 404; nothing is saved.
        raise Http404
    if form.is_valid():
        try:
            comment_services.plan_comment_add(
                plan=plan,
                text=form.cleaned_data["text"],
                line=form.cleaned_data["line"],
                acting_user=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Ihr Kommentar ist gespeichert."))
    else:
        messages.error(request, _("Bitte geben Sie einen Kommentar ein."))
    target = reverse("allocation:plan_detail", kwargs={"pk": plan.pk})
    return redirect(f"{target}#kommentare")


def _line_kwargs(data):
    return {
        "strand": data["strand"],
        "fte": data["fte"],
        "annual_cost": data["annual_cost"],
        "cost_override": data["cost_override"],
        "cost_override_reason": data["cost_override_reason"],
        "justification": data["justification"],
        "qualification": data["qualification"],
        # issue 15: FS2 follows the Sozialraum's centre, FS4 the accepted request chosen
        "fs4_request": data.get("fs4_request"),
    }


@login_required
def line_add(request, pk):
    plan = _plan_or_404(request, pk, "edit")
    form = LineForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line_services.line_add(
                plan=plan,
                kita=data["kita"],
                acting_user=request.user,
                reason=data["reason"],
                **_line_kwargs(data),
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Die Zeile ist gespeichert."))
            return redirect("allocation:plan_detail", pk=plan.pk)
    return render(request, "allocation/line_form.html", {"plan": plan, "form": form, "line": None})


def _line_or_404(request, pk) -> tuple[AllocationLine, AllocationPlan]:
    line = get_object_or_404(AllocationLine.objects.select_related("plan", "kita"), pk=pk)
    return line, _plan_or_404(request, line.plan_id, "edit")


@login_required
def line_edit(request, pk):
    line, plan = _line_or_404(request, pk)
    form = LineForm(request.POST or None, plan=plan, line=line)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line_services.line_update(
                line_id=line.pk,
                expected_version=data["version"] or 0,
                acting_user=request.user,
                reason=data["reason"],
                **_line_kwargs(data),
            )
        except ConflictError as exc:
            conflict = True
            form.add_error(None, exc)
            line.refresh_from_db()
            # Show what is stored now, keep the user's input to compare.
            form.data = form.data.copy()
            form.data["version"] = line.version
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Die Zeile ist gespeichert."))
            return redirect("allocation:plan_detail", pk=plan.pk)
    # A tampered version is a bad request (400); a stale one shows both states (the page
    # as before, tests/allocation/test_views.py).
    status = 400 if getattr(form, "tampered", False) and not conflict else 200
    return render(
        request,
        "allocation/line_form.html",
        {"plan": plan, "form": form, "line": line, "conflict": conflict},
        status=status,
    )


@login_required
@require_POST
def line_delete(request, pk):
    line, plan = _line_or_404(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        version = parse_version(request.POST.get("version"))
    except TamperedInput as exc:
        return _tampered_plan_page(request, plan, exc)
    try:
        line_services.line_delete(
            line_id=line.pk,
            expected_version=version or 0,
            reason=form.cleaned_data.get("reason", ""),
            acting_user=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Die Zeile ist gelöscht."))
    return redirect("allocation:plan_detail", pk=plan.pk)


@login_required
def plan_history(request, pk):
    """Everything recorded about the plan, for those who may read the audit trail."""
    plan = _plan_or_404(request, pk)
    if not audit_policy.user_can(request.user, "view", plan.sozialraum.jugendamt_id):
        raise Http404
    return render(
        request,
        "allocation/history.html",
        {
            "title": _("Verlauf: %(plan)s") % {"plan": plan},
            "plan": plan,
            "events": audit_selectors.plan_history(
                plan_id=plan.pk,
                budget_year_id=plan.budget_year_id,
                sozialraum_id=plan.sozialraum_id,
            ),
            "audit_list": True,
        },
    )


@login_required
def kita_history(request, pk):
    """The Kita's lines and reallocations: staff all of their Jugendamt, a Träger or Kita
    leader only those of plans in consultation or later (never a draft)."""
    user = request.user
    kita = get_object_or_404(kita_policy.instances_for(user, "view"), pk=pk)
    plans = plan_policy.instances_for(user, "view_kita_lines")
    reads_audit = audit_policy.user_can(user, "view", kita.sozialraum.jugendamt_id)
    if reads_audit:
        events = audit_selectors.kita_history(kita_id=kita.pk)
    else:
        budget_year_ids = plans.filter(sozialraum_id=kita.sozialraum_id).values_list(
            "budget_year_id", flat=True
        )
        events = audit_selectors.kita_history(
            kita_id=kita.pk,
            plan_ids=plans.values_list("pk", flat=True),
            # only decided reallocations: a proposal or a rejection is not theirs to read
            reallocation_ids=Reallocation.objects.filter(
                to_kita=kita,
                state=ReallocationState.APPROVED,
                budget_year_id__in=budget_year_ids,
            ).values_list("pk", flat=True),
        )
    return render(
        request,
        "allocation/history.html",
        {
            "title": _("Verlauf: %(kita)s") % {"kita": kita},
            "kita": kita,
            "lines": selectors.kita_lines(kita).filter(plan__in=plans),
            "events": events,
            "audit_list": reads_audit,
        },
    )


@login_required
def traeger_dashboard(request):
    """For Träger: plans of the Sozialräume with their Kitas and their Kitas' lines."""
    user = request.user
    if not _may_use(user):
        raise PermissionDenied
    plans = plan_policy.instances_for(user, "view").order_by(
        "-budget_year__year", "sozialraum__name"
    )
    rows = [(p, selectors.plan_view(p)) for p in plans]
    return render(
        request,
        "allocation/traeger_dashboard.html",
        {
            "rows": rows,
            "lines": selectors.traeger_lines(user) if user.traeger_id else [],
            "kitas": kita_list_for_user(user),
        },
    )


# --- issue 15 (part D): the Kita leader in the consultation, answers, FS3 exceptions ----


def _kita_comments(plan: AllocationPlan, kita) -> list:
    """What the Kita's page shows of the plan's comments: those about the Kita's lines
    and those about the plan as a whole written by the Kita's leaders, each with its
    answers; never comments about other Kitas or other people's about the whole plan."""
    about_kita = Q(line__kita=kita)
    by_leaders = Q(line__isnull=True, author__in=kita.leitungen.values("pk"))
    top = list(
        plan.comments.filter(reply_to__isnull=True)
        .filter(about_kita | by_leaders)
        .select_related("author", "line__kita")
        .distinct()
    )
    answers = list(plan.comments.filter(reply_to__in=[c.pk for c in top]).select_related("author"))
    return _with_answers(top + answers)


def _kita_in_plan_or_404(request, plan: AllocationPlan, kita_id: int):
    """A Kita of the plan's Sozialraum the user may see (a Kita leader: their own)."""
    return get_object_or_404(
        kita_policy.instances_for(request.user, "view"),
        pk=kita_id,
        sozialraum_id=plan.sozialraum_id,
    )


def _kita_consultation_context(request, plan, kita, **overrides) -> dict:
    user = request.user
    rows = [row for row in selectors.plan_view(plan).rows if row.line.kita_id == kita.pk]
    may_comment = (
        plan_policy.user_can(user, "comment_as_kita", plan)
        and plan.comments_open
        and kita.pk in policy.led_kita_ids(user)
    )
    context = {
        "plan": plan,
        "kita": kita,
        "rows": rows,
        "comments": _kita_comments(plan, kita),
        "may_comment": may_comment,
        "comment_form": KitaCommentForm(lines=plan.lines.filter(kita=kita)),
    }
    context.update(overrides)
    return context


@login_required
def kita_consultation(request, pk, kita_id):
    """The plan as one Kita sees it (issue 15): the lines of this Kita only, never other
    Kitas' lines or amounts; the Kita's comments with the Jugendamt's answers; while the
    plan is in consultation the Kita's leader comments here. A draft is not shown to a
    Kita leader (404), a decided plan read-only. Staff and the Kita's Träger may open it
    too (the plan rule's ``view_kita_lines`` and the Kita rule)."""
    plan = _plan_or_404(request, pk, "view_kita_lines")
    kita = _kita_in_plan_or_404(request, plan, kita_id)
    return render(
        request,
        "allocation/kita_consultation.html",
        _kita_consultation_context(request, plan, kita),
    )


@login_required
@require_POST
def kita_comment(request, pk, kita_id):
    """A Kita leader's comment on the plan or one of their Kita's lines."""
    plan = _plan_or_404(request, pk, "comment_as_kita")
    kita = _kita_in_plan_or_404(request, plan, kita_id)
    if kita.pk not in policy.led_kita_ids(request.user):
        raise Http404
    form = KitaCommentForm(request.POST, lines=plan.lines.filter(kita=kita))
    if not form.is_valid() and "line" in form.errors:
        raise Http404  # a line of another Kita or another plan: not theirs
    target = reverse("allocation:kita_consultation", kwargs={"pk": plan.pk, "kita_id": kita.pk})
    if form.is_valid():
        try:
            comment_services.plan_comment_add(
                plan=plan,
                text=form.cleaned_data["text"],
                line=form.cleaned_data["line"],
                acting_user=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Ihr Kommentar ist gespeichert."))
            return redirect(f"{target}#kommentare")
    context = _kita_consultation_context(request, plan, kita, comment_form=form)
    return render(request, "allocation/kita_consultation.html", context, status=400)


@login_required
@require_POST
def comment_answer(request, pk):
    """The Jugendamt answers a comment (planners of the plan's Jugendamt; others 404)."""
    comment = get_object_or_404(
        PlanComment.objects.filter(
            plan__in=plan_policy.instances_for(request.user, "answer_comment")
        ).select_related("plan"),
        pk=pk,
    )
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            comment_services.plan_comment_answer(
                comment=comment, text=form.cleaned_data["text"], acting_user=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Ihre Antwort ist gespeichert."))
    else:
        messages.error(request, _("Bitte geben Sie eine Antwort ein."))
    target = reverse("allocation:plan_detail", kwargs={"pk": comment.plan_id})
    return redirect(f"{target}#kommentar-{comment.pk}")


@login_required
@require_POST
def line_exception_accept(request, pk):
    """The Leitung accepts an FS3 exception's justification (others 404)."""
    line = get_object_or_404(
        AllocationLine.objects.filter(
            plan__in=plan_policy.instances_for(request.user, "accept_exception")
        ).select_related("plan", "kita"),
        pk=pk,
    )
    try:
        version = parse_version(request.POST.get("version"))
    except TamperedInput as exc:
        return _tampered_plan_page(request, line.plan, exc)
    try:
        exception_services.line_exception_accept(
            line=line, acting_user=request.user, expected_version=version
        )
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    else:
        messages.success(
            request,
            _("Die begründete Ausnahme für %(line)s ist anerkannt.") % {"line": line.short_label},
        )
    return redirect("allocation:plan_detail", pk=line.plan_id)
