"""Write side of the allocation: budget years, step 1, plans, lines, workflow, reallocations.

Every function is keyword-only, checks the permission policy, runs in one
transaction and writes its audit event(s) in that transaction. Business refusals
raise ``ValidationError`` (German message); missing rights raise ``PermissionDenied``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from allocation import distribution as d
from allocation import eligibility as elig
from allocation import selectors
from allocation.models import (
    AllocationLine,
    AllocationPlan,
    BudgetYear,
    PlanComment,
    PlanState,
    Reallocation,
    SozialraumShare,
    Strand,
)
from audit import events as audit_events
from srb_project import permissions

ZERO = Decimal("0.00")
MAX_MONEY = Decimal("1E10")  # max_digits=12, decimal_places=2
MAX_FTE = Decimal("1000")  # max_digits=5, decimal_places=2


class ConflictError(ValidationError):
    """Somebody else saved the same line in the meantime (optimistic locking)."""


def _money(value, label) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(d.CENT)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError(_("%(label)s ist keine gültige Zahl.") % {"label": label}) from exc
    if amount < 0:
        raise ValidationError(_("%(label)s darf nicht negativ sein.") % {"label": label})
    if amount >= MAX_MONEY:
        # The columns hold at most 12 digits; PostgreSQL would fail with a DataError.
        raise ValidationError(
            _("%(label)s ist unrealistisch hoch (höchstens 9.999.999.999,99 €).") % {"label": label}
        )
    return amount


def _fte(value) -> Decimal:
    try:
        fte = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError(_("Der Stellenanteil ist keine gültige Zahl.")) from exc
    if not fte.is_finite() or fte >= MAX_FTE:
        raise ValidationError(_("Der Stellenanteil ist keine gültige Zahl."))
    if fte <= 0 or fte != fte.quantize(d.CENT):
        raise ValidationError(
            _("Der Stellenanteil muss größer als 0 sein und höchstens zwei Nachkommastellen haben.")
        )
    return fte.quantize(d.CENT)


def _fte_step(value) -> Decimal:
    try:
        step = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        step = None
    if step is None or not step.is_finite() or not 0 < step <= 1 or step != step.quantize(d.CENT):
        raise ValidationError(
            _(
                "Der Stellenschritt muss zwischen 0,01 und 1 liegen und darf höchstens zwei "
                "Nachkommastellen haben."
            )
        )
    return step.quantize(d.CENT)


# --- budget years and step 1 ------------------------------------------------------------


def _budget_snapshot(by: BudgetYear) -> dict:
    return {
        "year": by.year,
        "label": by.label,
        "state_budget": str(by.state_budget),
        "own_figure": by.own_figure,
        "round": str(by.round) if by.round_id else None,
        "fte_costs": by.fte_costs,
        "fte_step": str(by.fte_step),
    }


@transaction.atomic
def budget_year_save(
    *,
    jugendamt_id: int,
    year: int,
    acting_user,
    state_budget: Decimal | None = None,
    label: str | None = None,
    round=None,
    fte_costs: dict | None = None,
    fte_step: Decimal | None = None,
    reason: str = "",
) -> BudgetYear:
    """Create or change a budget year. Without ``state_budget`` the default rule applies:
    previous year's allocation × 1,025, rounded half up to whole euros."""
    if not permissions.can_manage_budget(acting_user, jugendamt_id):
        raise PermissionDenied
    if round is not None and round.jugendamt_id != jugendamt_id:
        raise ValidationError(_("Die Erhebungsrunde gehört zu einem anderen Jugendamt."))
    if not isinstance(year, int) or not 1900 <= year <= 2999:
        raise ValidationError(_("Das Haushaltsjahr „%(year)s“ ist ungültig.") % {"year": year})
    if fte_step is not None:
        fte_step = _fte_step(fte_step)
    by = BudgetYear.objects.select_for_update().filter(jugendamt_id=jugendamt_id, year=year).first()
    old = _budget_snapshot(by) if by else None
    if by is None:
        by = BudgetYear(jugendamt_id=jugendamt_id, year=year)
    if state_budget is None:
        previous = BudgetYear.objects.filter(jugendamt_id=jugendamt_id, year=year - 1).first()
        if previous is None:
            if by.pk is None:
                raise ValidationError(
                    _("Für %(year)s ist kein Betrag angegeben und es gibt kein Vorjahr.")
                    % {"year": year}
                )
        else:
            by.state_budget = d.default_budget(previous.state_budget).quantize(d.CENT)
            by.own_figure = False
    else:
        by.state_budget = _money(state_budget, _("Die Landeszuweisung"))
        by.own_figure = True
    if label is not None:
        by.label = label
    if round is not None:
        by.round = round
    if fte_costs is not None:
        by.fte_costs = {k: str(_money(v, k)) for k, v in fte_costs.items()}
    if fte_step is not None:
        by.fte_step = fte_step
    by.save()
    audit_events.record(
        actor=acting_user,
        action="budget_year.update" if old else "budget_year.create",
        obj=by,
        jugendamt_id=jugendamt_id,
        old=old,
        new=_budget_snapshot(by),
        reason=reason,
    )
    return by


@transaction.atomic
def budget_year_apply_shares(
    *, budget_year: BudgetYear, acting_user, reason: str = "", carry_forward: bool = False
) -> list:
    """Step 1: the Sozialraum shares and state amounts from the round's current index run.

    Refuses with an error naming the Sozialräume without a Gesamtindex (section 4),
    unless ``carry_forward`` is given: then such a Sozialraum keeps the Gesamtindex
    of its latest earlier share from another round, and the audit event says so.
    """
    from sozialraeume.models import Sozialraum

    if not permissions.can_manage_budget(acting_user, budget_year.jugendamt_id):
        raise PermissionDenied
    ctx = elig.index_context(budget_year)
    if ctx.run is None:
        raise ValidationError(
            _("Für die Erhebungsrunde des Haushaltsjahres gibt es keine fertige Indexberechnung.")
        )
    values = {sv.sozialraum_id: sv.gesamt for sv in ctx.run.sozialraum_values.all()}
    sozialraeume = list(
        Sozialraum.objects.filter(jugendamt_id=budget_year.jugendamt_id).order_by(
            "position", "name"
        )
    )
    carried = {}
    if carry_forward:
        for sr in sozialraeume:
            if values.get(sr.pk) is not None:
                continue
            earlier = (
                SozialraumShare.objects.filter(sozialraum=sr, gesamt__isnull=False)
                .exclude(budget_year__round_id=budget_year.round_id)
                .order_by("-budget_year__year")
                .first()
            )
            if earlier is not None:
                values[sr.pk] = earlier.gesamt
                carried[sr.name] = {"gesamt": earlier.gesamt, "from": str(earlier.budget_year)}
    missing = [sr.name for sr in sozialraeume if values.get(sr.pk) is None]
    if missing:
        raise ValidationError(
            _("Ohne Gesamtindex kann nicht verteilt werden: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    points = {sr.name: values[sr.pk] for sr in sozialraeume}
    percents = d.sozialraum_percents(points)
    amounts = d.sozialraum_amounts(points, budget_year.state_budget)
    old = {
        s.sozialraum.name: {"percent": str(s.percent), "state_amount": str(s.state_amount)}
        for s in budget_year.shares.select_related("sozialraum")
    }
    shares = []
    for sr in sozialraeume:
        share, _created = SozialraumShare.objects.update_or_create(
            budget_year=budget_year,
            sozialraum=sr,
            defaults={
                "gesamt": values[sr.pk],
                "percent": percents[sr.name],
                "state_amount": amounts[sr.name],
                "index_run": ctx.run,
            },
        )
        shares.append(share)
    new = {
        name: {"percent": str(percents[name]), "state_amount": str(amounts[name])}
        for name in points
    }
    for name, info in carried.items():
        new[name]["carried_forward"] = info
    if old != new:
        audit_events.record(
            actor=acting_user,
            action="budget_year.shares",
            obj=budget_year,
            jugendamt_id=budget_year.jugendamt_id,
            old=old or None,
            new=new,
            reason=reason or _("Anteile aus %(run)s") % {"run": ctx.run},
        )
    return shares


# --- plans ------------------------------------------------------------------------------


def _plan_snapshot(plan) -> dict:
    return {"state": plan.state, "version": plan.version}


@transaction.atomic
def plan_create(*, budget_year: BudgetYear, sozialraum, acting_user) -> AllocationPlan:
    if sozialraum.jugendamt_id != budget_year.jugendamt_id:
        raise ValidationError(_("Der Sozialraum gehört zu einem anderen Jugendamt."))
    if not permissions.can_manage_budget(acting_user, budget_year.jugendamt_id):
        raise PermissionDenied
    plan, created = AllocationPlan.objects.get_or_create(
        budget_year=budget_year, sozialraum=sozialraum
    )
    if created:
        audit_events.record(
            actor=acting_user,
            action="plan.create",
            obj=plan,
            jugendamt_id=budget_year.jugendamt_id,
            new=_plan_snapshot(plan),
        )
    return plan


def _lock_plan(plan) -> AllocationPlan:
    return (
        AllocationPlan.objects.select_for_update()
        .select_related("sozialraum", "budget_year")
        .get(pk=plan.pk)
    )


def _require_edit(plan, user):
    if not permissions.can_edit_plan(user, plan):
        raise PermissionDenied(_("Sie dürfen diesen Plan nicht bearbeiten."))
    if not plan.is_editable:
        raise ValidationError(
            _(
                "Der Plan hat den Status „%(state)s“ und kann nicht mehr bearbeitet werden. "
                "Wählen Sie „Überarbeitung“, um ihn in den Entwurf zurückzuholen."
            )
            % {"state": plan.get_state_display()}
        )


def _require_reason(plan, reason):
    """After the Jugendamt's proposal every line change needs a reason (section 8)."""
    if plan.proposed_at and not (reason or "").strip():
        raise ValidationError(
            _("Nach dem Vorschlag braucht jede Änderung einer Zeile eine Begründung.")
        )


def _touch(plan, user):
    AllocationPlan.objects.filter(pk=plan.pk).update(
        last_editor=user, version=F("version") + 1, updated_at=timezone.now()
    )
    plan.refresh_from_db(fields=["last_editor", "version", "updated_at"])


def _check_line(*, plan, kita, strand, justification, central_location, cross_provider, line_id):
    if kita.sozialraum_id != plan.sozialraum_id:
        raise ValidationError(
            _("Die Kita %(kita)s liegt nicht im Sozialraum %(sr)s.")
            % {"kita": kita, "sr": plan.sozialraum}
        )
    if strand not in Strand.values:
        raise ValidationError(_("Unbekannter Förderstrang."))
    others = set(
        plan.lines.filter(strand=Strand.FS2)
        .exclude(pk=line_id)
        .exclude(kita_id=kita.pk)
        .values_list("kita_id", flat=True)
    )
    result = elig.line_eligibility(
        ctx=elig.index_context(plan.budget_year),
        kita_id=kita.pk,
        strand=strand,
        justification=justification,
        central_location=central_location,
        cross_provider=cross_provider,
        other_centres=len(others),
    )
    if not result.ok:
        raise ValidationError(
            _("%(kita)s ist für %(strand)s nicht förderfähig: %(why)s")
            % {"kita": kita, "strand": strand, "why": elig.message(result)},
            code="ineligible",
        )
    return result


def line_check(
    *,
    plan,
    kita,
    strand,
    justification="",
    central_location=False,
    cross_provider=False,
    line_id=None,
    reason="",
) -> d.Eligibility:
    """The checks of ``line_add`` / ``line_update`` without saving (for forms)."""
    _require_reason(plan, reason)
    return _check_line(
        plan=plan,
        kita=kita,
        strand=strand,
        justification=justification,
        central_location=central_location,
        cross_provider=cross_provider,
        line_id=line_id,
    )


@transaction.atomic
def line_add(
    *,
    plan: AllocationPlan,
    kita,
    strand: str,
    fte,
    annual_cost,
    acting_user,
    justification: str = "",
    qualification: str = "",
    central_location: bool = False,
    cross_provider: bool = False,
    reason: str = "",
    from_proposal: bool = False,
) -> AllocationLine:
    """Add a line; refused if the Kita is not eligible for the strand."""
    plan = _lock_plan(plan)
    _require_edit(plan, acting_user)
    if not from_proposal:
        _require_reason(plan, reason)
    fte = _fte(fte)
    annual_cost = _money(annual_cost, _("Die Personalkosten"))
    _check_line(
        plan=plan,
        kita=kita,
        strand=strand,
        justification=justification,
        central_location=central_location,
        cross_provider=cross_provider,
        line_id=None,
    )
    line = AllocationLine.objects.create(
        plan=plan,
        kita=kita,
        strand=strand,
        fte=fte,
        annual_cost=annual_cost,
        state_part=d.state_part(annual_cost),
        justification=justification,
        qualification=qualification,
        central_location=central_location,
        cross_provider=cross_provider,
        from_proposal=from_proposal,
        updated_by=acting_user,
    )
    _touch(plan, acting_user)
    audit_events.record(
        actor=acting_user,
        action="line.create",
        obj=line,
        jugendamt_id=plan.jugendamt_id,
        new=line.snapshot(),
        reason=reason,
    )
    return line


LINE_FIELDS = (
    "strand",
    "fte",
    "annual_cost",
    "justification",
    "qualification",
    "central_location",
    "cross_provider",
)


@transaction.atomic
def line_update(
    *,
    line_id: int,
    expected_version: int,
    acting_user,
    reason: str = "",
    **changes,
) -> AllocationLine:
    """Change a line if nobody else saved it since ``expected_version`` was read.

    ``changes`` may hold the fields of ``LINE_FIELDS``; the state part follows the
    annual cost. A stale version raises ``ConflictError`` and changes nothing.
    """
    unknown = set(changes) - set(LINE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    line = (
        AllocationLine.objects.select_for_update()
        .select_related("plan", "plan__sozialraum", "plan__budget_year", "kita")
        .get(pk=line_id)
    )
    plan = _lock_plan(line.plan)
    _require_edit(plan, acting_user)
    if line.version != int(expected_version):
        who = line.updated_by.get_full_name() or line.updated_by.username if line.updated_by else ""
        raise ConflictError(
            _(
                "Diese Zeile wurde inzwischen von %(who)s geändert (Version %(v)s). "
                "Ihre Änderung wurde nicht gespeichert; bitte laden Sie die Zeile neu "
                "und tragen Sie Ihre Änderung erneut ein."
            )
            % {"who": who or _("einer anderen Person"), "v": line.version},
            code="conflict",
        )
    _require_reason(plan, reason)
    old = line.snapshot()
    if "fte" in changes:
        changes["fte"] = _fte(changes["fte"])
    if "annual_cost" in changes:
        changes["annual_cost"] = _money(changes["annual_cost"], _("Die Personalkosten"))
    for key, value in changes.items():
        setattr(line, key, value)
    line.state_part = d.state_part(line.annual_cost)
    new = line.snapshot()
    if new == old:
        return line
    _check_line(
        plan=plan,
        kita=line.kita,
        strand=line.strand,
        justification=line.justification,
        central_location=line.central_location,
        cross_provider=line.cross_provider,
        line_id=line.pk,
    )
    line.version += 1
    line.updated_by = acting_user
    line.save()
    _touch(plan, acting_user)
    audit_events.record(
        actor=acting_user,
        action="line.update",
        obj=line,
        jugendamt_id=plan.jugendamt_id,
        old={k: v for k, v in old.items() if new[k] != v or k in ("plan_id", "kita_id", "kita")},
        new={k: v for k, v in new.items() if old[k] != v or k in ("plan_id", "kita_id", "kita")},
        reason=reason,
    )
    return line


@transaction.atomic
def line_delete(*, line_id: int, expected_version: int, acting_user, reason: str = "") -> None:
    line = AllocationLine.objects.select_for_update().select_related("kita").get(pk=line_id)
    plan = _lock_plan(line.plan)
    _require_edit(plan, acting_user)
    if line.version != int(expected_version):
        raise ConflictError(
            _("Diese Zeile wurde inzwischen geändert; bitte laden Sie die Seite neu."),
            code="conflict",
        )
    _require_reason(plan, reason)
    old = line.snapshot()
    audit_events.record(
        actor=acting_user,
        action="line.delete",
        obj=line,
        jugendamt_id=plan.jugendamt_id,
        old=old,
        reason=reason,
    )
    line.delete()
    _touch(plan, acting_user)


@transaction.atomic
def plan_propose(*, plan: AllocationPlan, acting_user, reason: str = "") -> d.Proposal:
    """Draft FS1 lines by the rule of section 8: the fundable personnel cost (A / 0,6,
    less manual lines) in proportion to the Gesamtindex of the FS1-eligible Kitas,
    FTE rounded down to the budget year's step; the rest stays unallocated.

    Replaces earlier proposal lines; lines entered by hand are kept.
    """
    plan = _lock_plan(plan)
    _require_edit(plan, acting_user)
    if plan.state != PlanState.DRAFT:
        raise ValidationError(_("Ein Vorschlag kann nur im Entwurf erstellt werden."))
    by = plan.budget_year
    amount = selectors.state_amount_for(by.pk, plan.sozialraum_id)
    if amount is None:
        raise ValidationError(
            _("Für %(sr)s gibt es in %(year)s noch keinen Anteil am Budget (Schritt 1).")
            % {"sr": plan.sozialraum, "year": by}
        )
    ctx = elig.index_context(by)
    if ctx.run is None:
        raise ValidationError(_("Es gibt keine fertige Indexberechnung für diese Runde."))
    for line in plan.lines.filter(from_proposal=True).select_related("kita"):
        audit_events.record(
            actor=acting_user,
            action="line.delete",
            obj=line,
            jugendamt_id=plan.jugendamt_id,
            old=line.snapshot(),
            reason=_("durch neuen Vorschlag ersetzt"),
        )
        line.delete()
    manual_cost = sum((x.annual_cost for x in plan.lines.all()), ZERO)
    fundable = max(d.fundable_personnel_cost(amount) - manual_cost, ZERO)
    kitas = {k.pk: k for k in plan.sozialraum.kitas.filter(active=True)}
    lower = ctx.norm("GESAMT", "lower")
    eligible = {
        k.name: ctx.value(pk, "GESAMT")
        for pk, k in kitas.items()
        if d.fs1_eligibility(ctx.value(pk, "GESAMT"), lower).ok
    }
    proposal = d.fs1_proposal(
        eligible, fundable=fundable, cost_per_fte=by.fte_cost("FS1"), step=by.fte_step
    )
    by_name = {k.name: k for k in kitas.values()}
    plan.proposed_at = timezone.now()
    plan.save(update_fields=["proposed_at"])
    for pl in proposal.lines:
        line_add(
            plan=plan,
            kita=by_name[pl.kita],
            strand=Strand.FS1,
            fte=pl.fte,
            annual_cost=pl.annual_cost,
            justification=_("Vorschlag: Gesamtindex über dem unteren Normwert (FS1)."),
            acting_user=acting_user,
            reason=_("Vorschlag nach Regel"),
            from_proposal=True,
        )
    _touch(plan, acting_user)
    audit_events.record(
        actor=acting_user,
        action="plan.propose",
        obj=plan,
        jugendamt_id=plan.jugendamt_id,
        new={
            "fundable": str(proposal.fundable),
            "allocated": str(proposal.allocated),
            "unallocated": str(proposal.unallocated),
            "lines": [
                {"kita": pl.kita, "fte": str(pl.fte), "annual_cost": str(pl.annual_cost)}
                for pl in proposal.lines
            ],
        },
        reason=reason,
    )
    return proposal


def _transition(plan, acting_user, method: str, action: str, reason: str = "", **extra):
    old = _plan_snapshot(plan)
    getattr(plan, method)()
    plan.version += 1
    for key, value in extra.items():
        setattr(plan, key, value)
    plan.save()
    audit_events.record(
        actor=acting_user,
        action=action,
        obj=plan,
        jugendamt_id=plan.jugendamt_id,
        old=old,
        new={**_plan_snapshot(plan), **{k: str(v) for k, v in extra.items() if v is not None}},
        reason=reason,
    )
    return plan


def _require_version(plan, expected_version) -> None:
    """The person acted on the plan as it was at ``expected_version`` (the page they saw).

    Without this, a "send back" clicked on a page showing the proposal would silently
    undo an approval another person made a moment earlier (and vice versa).
    """
    if expected_version is not None and plan.version != int(expected_version):
        raise ConflictError(
            _(
                "Der Plan wurde inzwischen von einer anderen Person geändert (Status jetzt "
                "„%(state)s“). Ihr Schritt wurde nicht ausgeführt; bitte laden Sie die Seite "
                "neu und prüfen Sie den Plan."
            )
            % {"state": plan.get_state_display()},
            code="conflict",
        )


def _require_state(plan, *states):
    if plan.state not in states:
        raise ValidationError(
            _("Dieser Schritt ist im Status „%(state)s“ nicht möglich.")
            % {"state": plan.get_state_display()}
        )


@transaction.atomic
def plan_start_consultation(
    *, plan, acting_user, reason: str = "", expected_version: int | None = None
) -> AllocationPlan:
    plan = _lock_plan(plan)
    if not permissions.can_edit_plan(acting_user, plan):
        raise PermissionDenied
    _require_version(plan, expected_version)
    _require_state(plan, PlanState.DRAFT)
    return _transition(plan, acting_user, "start_consultation", "plan.consultation", reason)


@transaction.atomic
def plan_submit(
    *, plan, acting_user, reason: str = "", expected_version: int | None = None
) -> AllocationPlan:
    plan = _lock_plan(plan)
    if not permissions.can_edit_plan(acting_user, plan):
        raise PermissionDenied
    _require_version(plan, expected_version)
    _require_state(plan, PlanState.CONSULTATION)
    return _transition(plan, acting_user, "submit", "plan.submit", reason)


@transaction.atomic
def plan_approve(
    *, plan, acting_user, reason: str = "", expected_version: int | None = None
) -> AllocationPlan:
    """Beschluss: only Jugendamt-Leitung, not the last editor, within the state amount."""
    plan = _lock_plan(plan)
    if not permissions.can_approve_plan(acting_user, plan):
        raise PermissionDenied(_("Nur die Jugendamt-Leitung kann Verteilungspläne beschließen."))
    _require_version(plan, expected_version)
    _require_state(plan, PlanState.PROPOSAL)
    if plan.last_editor_id == acting_user.pk:
        raise ValidationError(
            _(
                "Vier-Augen-Prinzip: Sie haben diesen Plan zuletzt bearbeitet und können "
                "ihn deshalb nicht selbst beschließen. Eine andere Person der "
                "Jugendamt-Leitung muss den Beschluss fassen."
            ),
            code="four_eyes",
        )
    amount = selectors.state_amount_for(plan.budget_year_id, plan.sozialraum_id)
    planned = selectors.plan_state_part(plan)
    if amount is None:
        raise ValidationError(_("Für den Sozialraum gibt es noch keinen Anteil am Budget."))
    if planned > amount:
        raise ValidationError(
            _(
                "Der Landesanteil der Zeilen (%(planned)s €) übersteigt den Landesanteil des "
                "Sozialraums (%(amount)s €) um %(over)s €. Der Plan kann so nicht "
                "beschlossen werden."
            )
            % {
                "planned": _eur(planned),
                "amount": _eur(amount),
                "over": _eur(planned - amount),
            },
            code="over_budget",
        )
    now = timezone.now()
    return _transition(
        plan,
        acting_user,
        "approve",
        "plan.approve",
        reason,
        approved_at=now,
        approved_by=acting_user,
        review_due=selectors.review_due_for(timezone.localdate(now)),
    )


@transaction.atomic
def plan_rework(
    *, plan, acting_user, reason: str, expected_version: int | None = None
) -> AllocationPlan:
    """Überarbeitung: back to Entwurf; needs a reason."""
    plan = _lock_plan(plan)
    if not permissions.can_edit_plan(acting_user, plan):
        raise PermissionDenied
    _require_version(plan, expected_version)
    if not (reason or "").strip():
        raise ValidationError(_("Für die Überarbeitung ist eine Begründung nötig."))
    _require_state(plan, PlanState.CONSULTATION, PlanState.PROPOSAL, PlanState.APPROVED)
    return _transition(plan, acting_user, "rework", "plan.rework", reason)


TRANSITIONS = {
    "start_consultation": plan_start_consultation,
    "submit": plan_submit,
    "approve": plan_approve,
    "rework": plan_rework,
}


@transaction.atomic
def plan_comment_add(*, plan, text: str, acting_user) -> PlanComment:
    """Träger comment while the plan is in consultation; Jugendamt staff at any time."""
    plan = _lock_plan(plan)
    if not permissions.can_comment_plan(acting_user, plan):
        raise PermissionDenied
    if not permissions.can_edit_plan(acting_user, plan) and plan.state != PlanState.CONSULTATION:
        raise ValidationError(_("Kommentare sind nur während der Abstimmung möglich."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Der Kommentar ist leer."))
    comment = PlanComment.objects.create(plan=plan, author=acting_user, text=text)
    audit_events.record(
        actor=acting_user,
        action="plan.comment",
        obj=plan,
        jugendamt_id=plan.jugendamt_id,
        new={"comment_id": comment.pk, "text": text},
    )
    return comment


# --- reallocation -----------------------------------------------------------------------


@transaction.atomic
def reallocation_create(
    *,
    budget_year: BudgetYear,
    from_sozialraum,
    to_sozialraum,
    amount,
    reason: str,
    acting_user,
    to_kita=None,
) -> Reallocation:
    """Move unspent state funds of one Sozialraum to (a Kita in) another; totals stay equal."""
    if not permissions.can_manage_budget(acting_user, budget_year.jugendamt_id):
        raise PermissionDenied
    BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
    amount = _money(amount, _("Der Betrag"))
    if amount <= 0:
        raise ValidationError(_("Der Betrag muss größer als 0 sein."))
    if not (reason or "").strip():
        raise ValidationError(_("Eine Umverteilung braucht eine Begründung."))
    if from_sozialraum.pk == to_sozialraum.pk:
        raise ValidationError(_("Quelle und Ziel müssen verschiedene Sozialräume sein."))
    for sr in (from_sozialraum, to_sozialraum):
        if sr.jugendamt_id != budget_year.jugendamt_id:
            raise ValidationError(_("Der Sozialraum gehört zu einem anderen Jugendamt."))
    if to_kita is not None and to_kita.sozialraum_id != to_sozialraum.pk:
        raise ValidationError(_("Die Kita liegt nicht im Ziel-Sozialraum."))
    available = selectors.state_amount_for(budget_year.pk, from_sozialraum.pk)
    if available is None or selectors.state_amount_for(budget_year.pk, to_sozialraum.pk) is None:
        raise ValidationError(_("Für das Haushaltsjahr sind noch keine Anteile berechnet."))
    plan = AllocationPlan.objects.filter(
        budget_year=budget_year, sozialraum=from_sozialraum
    ).first()
    spent = selectors.plan_state_part(plan) if plan else ZERO
    unspent = available - spent
    if amount > unspent:
        raise ValidationError(
            _("%(sr)s hat nur %(unspent)s € nicht verplante Landesmittel.")
            % {"sr": from_sozialraum, "unspent": _eur(unspent)}
        )
    r = Reallocation.objects.create(
        budget_year=budget_year,
        from_sozialraum=from_sozialraum,
        to_sozialraum=to_sozialraum,
        to_kita=to_kita,
        amount=amount,
        reason=reason.strip(),
        created_by=acting_user,
    )
    audit_events.record(
        actor=acting_user,
        action="reallocation.create",
        obj=r,
        jugendamt_id=budget_year.jugendamt_id,
        new={
            "budget_year_id": budget_year.pk,
            "from_sozialraum_id": from_sozialraum.pk,
            "from_sozialraum": from_sozialraum.name,
            "to_sozialraum_id": to_sozialraum.pk,
            "to_sozialraum": to_sozialraum.name,
            "kita_id": to_kita.pk if to_kita else None,
            "kita": to_kita.name if to_kita else None,
            "amount": str(amount),
        },
        reason=reason.strip(),
    )
    return r


def _eur(value: Decimal) -> str:
    """German money format: 1.234,56"""
    s = f"{value:,.2f}"
    return s.replace(",", "X").replace(".", ",").replace("X", ".")
