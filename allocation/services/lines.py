"""Writes on allocation lines: Kita · strand · FTE · cost, with optimistic locking.

A line may change only while its plan is editable (Entwurf, Abstimmung), by the plan's
editors, if the Kita is eligible for the strand; after the proposal with a reason.
Every change counts the line's and the plan's version up and is audited.

The cost follows the FTE: annual cost = FTE × the budget year's rate of the strand
(``BudgetYear.fte_cost``), rounded half up to the cent. Staff may set it by hand
(``cost_override``) with a reason, at most the Sozialraum's budget. The FTE must lie
within the Jugendamt's plausibility bounds (``Jugendamt.fte_min/fte_max/fte_step``).

Issue 15: an FS2 line belongs to the Sozialraum's one active Kommunikations- und
Nachbarschaftszentrum (``foerderung.Centre``, set here: the line form does not choose it);
a centre in a Kita carries its FS2 staff at that Kita, and the centre's confirmations
decide the eligibility (the line's own two flags follow them, for the history). An FS4
line needs an accepted FS4 request of the same Kita whose period touches the budget
year, and links to it.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Sum
from django.utils.translation import gettext as _

from allocation import distribution as d
from allocation import eligibility as elig
from allocation import selectors
from allocation.models import EDITABLE_STATES, AllocationLine, AllocationPlan, BudgetYear, Strand
from allocation.services.common import (
    ConflictError,
    Number,
    eur_text,
    fte_value,
    lock_plan,
    money,
    require_edit,
    require_reason,
    touch,
)
from audit import events as audit_events
from foerderung import selectors as foerderung_selectors
from foerderung.models import Centre, Fs4Request, Fs4RequestState
from indices import eligibility as rules
from sozialraeume.models import Jugendamt, Kita, User
from srb_project.numbers import check_bounds, cost_of_fte, localized

LINE_FIELDS = (
    "strand",
    "fte",
    "annual_cost",
    "justification",
    "qualification",
    "central_location",
    "cross_provider",
    "cost_override",
    "cost_override_reason",
    "fs4_request",
)


def _snapshot(line: AllocationLine) -> dict:
    """The line's audited values, with the FS2 centre and FS4 request it belongs to."""
    return {
        **line.snapshot(),
        "centre": line.centre.name if line.centre_id else "",
        "fs4_request_id": line.fs4_request_id,
    }


def _centre_for(plan: AllocationPlan, strand: str) -> Centre | None:
    """The centre an FS2 line of ``plan`` belongs to: the Sozialraum's active one."""
    if strand != Strand.FS2:
        return None
    return foerderung_selectors.active_centre(plan.sozialraum_id)


def _check_links(
    *,
    plan: AllocationPlan,
    kita: Kita,
    strand: str,
    centre,
    fs4_request,
    fte: Decimal | None = None,
    line_id: int | None = None,
) -> None:
    """What FS2 and FS4 lines need besides the rule (German messages). An FS4 request
    grants at most its FTE: the plan's FS4 lines on it may not add up to more."""
    if strand == Strand.FS2:
        if centre is None:
            raise ValidationError(
                _(
                    "Im Sozialraum %(sr)s gibt es noch kein Kommunikations- und "
                    "Nachbarschaftszentrum (FS2). Legen Sie es zuerst an; FS2-Stellen "
                    "gehören zu ihm."
                )
                % {"sr": plan.sozialraum},
                code="no_centre",
            )
        if centre.host_kita_id and centre.host_kita_id != kita.pk:
            raise ValidationError(
                _(
                    "Das Zentrum %(centre)s ist in der Kita %(host)s: FS2-Stellen sind dort "
                    "vorzusehen, nicht bei %(kita)s."
                )
                % {"centre": centre, "host": centre.host_kita, "kita": kita},
                code="centre_kita",
            )
    if strand == Strand.FS4:
        if fs4_request is None:
            raise ValidationError(
                _(
                    "Eine FS4-Stelle braucht einen vom Jugendamt angenommenen Antrag der "
                    "Kita oder ihres Trägers. Wählen Sie den Antrag aus."
                ),
                code="no_fs4_request",
            )
        if fs4_request.kita_id != kita.pk:
            raise ValidationError(
                _("Der FS4-Antrag ist für %(other)s, nicht für %(kita)s.")
                % {"other": fs4_request.kita, "kita": kita},
                code="fs4_request_kita",
            )
        if fs4_request.state != Fs4RequestState.ACCEPTED:
            raise ValidationError(
                _("Der FS4-Antrag ist nicht angenommen (%(state)s).")
                % {"state": fs4_request.get_state_display()},
                code="fs4_request_state",
            )
        year = plan.budget_year.year
        if fs4_request.period_end.year < year or fs4_request.period_start.year > year:
            raise ValidationError(
                _("Der FS4-Antrag gilt vom %(start)s bis %(end)s, nicht im Haushaltsjahr %(year)s.")
                % {
                    "start": fs4_request.period_start.strftime("%d.%m.%Y"),
                    "end": fs4_request.period_end.strftime("%d.%m.%Y"),
                    "year": year,
                },
                code="fs4_request_period",
            )
        if fte is not None:
            planned = (
                plan.lines.filter(strand=Strand.FS4, fs4_request=fs4_request)
                .exclude(pk=line_id)
                .aggregate(total=Sum("fte"))["total"]
                or Decimal("0")
            ) + fte
            if planned > fs4_request.fte:
                raise ValidationError(
                    _(
                        "Der FS4-Antrag umfasst %(granted)s VZÄ; mit dieser Zeile wären "
                        "%(planned)s VZÄ darauf eingeplant."
                    )
                    % {"granted": localized(fs4_request.fte), "planned": localized(planned)},
                    code="fs4_request_fte",
                )


def fte_bounds(jugendamt: Jugendamt) -> dict[str, Decimal]:
    """The Jugendamt's plausibility bounds of a line's FTE (``min_value``, ``max_value``,
    ``step``), as the form field and ``check_fte`` take them."""
    return {
        "min_value": jugendamt.fte_min,
        "max_value": jugendamt.fte_max,
        "step": jugendamt.fte_step,
    }


def check_fte(fte: Decimal, jugendamt: Jugendamt) -> None:
    """Refuse an FTE outside the Jugendamt's bounds or off its step (German message)."""
    check_bounds(fte, label=_("Stellenanteil (VZÄ)"), unit=_("VZÄ"), **fte_bounds(jugendamt))


def plan_budget_total(plan: AllocationPlan) -> Decimal | None:
    """The Sozialraum's whole budget (state and municipal) of the plan's year, or None
    before step 1: what one line's personnel cost can be at most."""
    amount = selectors.state_amount_for(plan.budget_year_id, plan.sozialraum_id)
    return d.funding_for_state_amount(amount).total if amount is not None else None


def line_cost(
    *,
    plan: AllocationPlan,
    strand: str,
    fte: Decimal,
    cost_override: bool,
    annual_cost: Number | None,
    cost_override_reason: str,
) -> Decimal:
    """The line's annual cost: FTE × rate, or the amount set by hand with a reason.

    Without ``cost_override`` an ``annual_cost`` that differs from FTE × rate is refused
    (nothing is silently replaced); with it, the reason is required and the amount must
    lie within the Sozialraum's budget.
    """
    if strand not in Strand.values:
        raise ValidationError(_("Unbekannter Förderstrang."))
    rate = plan.budget_year.fte_cost(strand)
    derived = cost_of_fte(fte, rate)
    if not cost_override:
        if annual_cost not in (None, "") and money(annual_cost, _("Die Personalkosten")) != derived:
            raise ValidationError(
                _(
                    "Die Personalkosten ergeben sich aus dem Stellenanteil: %(fte)s VZÄ × "
                    "%(rate)s € = %(cost)s €. Für einen anderen Betrag wählen Sie "
                    "„Personalkosten abweichend festlegen“ und geben den Grund an."
                )
                % {"fte": localized(fte), "rate": eur_text(rate), "cost": eur_text(derived)},
                code="cost_not_derived",
            )
        return derived
    if not (cost_override_reason or "").strip():
        raise ValidationError(
            _("Abweichende Personalkosten brauchen einen Grund (z. B. tatsächliches Gehalt)."),
            code="override_reason",
        )
    if annual_cost in (None, ""):
        raise ValidationError(
            _("Bitte geben Sie die abweichenden Personalkosten pro Jahr an."),
            code="override_amount",
        )
    cost = money(annual_cost, _("Die Personalkosten"))
    budget = plan_budget_total(plan)
    if budget is not None and cost > budget:
        raise ValidationError(
            _(
                "Personalkosten pro Jahr: %(cost)s € ist mehr als das ganze Budget des "
                "Sozialraums (%(budget)s €)."
            )
            % {"cost": eur_text(cost), "budget": eur_text(budget)},
            code="override_above_budget",
        )
    return cost


def _check_line(
    *,
    plan: AllocationPlan,
    kita: Kita,
    strand: str,
    justification: str,
    central_location: bool,
    cross_provider: bool,
    line_id: int | None,
    fs4_request: Fs4Request | None = None,
    fte: Decimal | None = None,
) -> rules.Eligibility:
    if kita.sozialraum_id != plan.sozialraum_id:
        raise ValidationError(
            _("Die Kita %(kita)s liegt nicht im Sozialraum %(sr)s.")
            % {"kita": kita, "sr": plan.sozialraum}
        )
    if strand not in Strand.values:
        raise ValidationError(_("Unbekannter Förderstrang."))
    centre = _centre_for(plan, strand)
    _check_links(
        plan=plan,
        kita=kita,
        strand=strand,
        centre=centre,
        fs4_request=fs4_request,
        fte=fte,
        line_id=line_id,
    )
    # other centres planned in the Sozialraum: FS2 lines of another centre (or, from
    # before issue 15, of another Kita without one)
    others = {
        ("centre", c) if c else ("kita", k)
        for c, k in plan.lines.filter(strand=Strand.FS2)
        .exclude(pk=line_id)
        .values_list("centre_id", "kita_id")
    } - {("centre", centre.pk) if centre else ("kita", kita.pk)}
    result = elig.line_eligibility(
        ctx=elig.index_context(plan.budget_year),
        kita_id=kita.pk,
        strand=strand,
        justification=justification,
        central_location=central_location,
        cross_provider=cross_provider,
        other_centres=len(others),
        centre=centre,
        fs4_request=fs4_request if strand == Strand.FS4 else None,
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
    plan: AllocationPlan,
    kita: Kita,
    strand: str,
    justification: str = "",
    central_location: bool = False,
    cross_provider: bool = False,
    line_id: int | None = None,
    reason: str = "",
    fs4_request: Fs4Request | None = None,
) -> rules.Eligibility:
    """The checks of ``line_add`` / ``line_update`` without saving (for forms)."""
    require_reason(plan, reason)
    return _check_line(
        plan=plan,
        kita=kita,
        strand=strand,
        justification=justification,
        central_location=central_location,
        cross_provider=cross_provider,
        line_id=line_id,
        fs4_request=fs4_request,
    )


@transaction.atomic
def line_add(
    *,
    plan: AllocationPlan,
    kita: Kita,
    strand: str,
    fte: Number,
    acting_user: User,
    annual_cost: Number | None = None,
    cost_override: bool = False,
    cost_override_reason: str = "",
    justification: str = "",
    qualification: str = "",
    central_location: bool = False,
    cross_provider: bool = False,
    reason: str = "",
    from_proposal: bool = False,
    fs4_request: Fs4Request | None = None,
) -> AllocationLine:
    """Add a line; refused if the Kita is not eligible for the strand.

    The cost is FTE × the strand's rate unless ``cost_override`` (with
    ``cost_override_reason``) sets ``annual_cost`` by hand. Proposal lines follow the
    budget year's own rounding step instead of the Jugendamt's entry bounds. An FS2 line
    gets the Sozialraum's active centre (``central_location``/``cross_provider`` are then
    the centre's), an FS4 line the accepted ``fs4_request`` of its Kita.
    """
    plan = lock_plan(plan)
    require_edit(plan, acting_user)
    if not from_proposal:
        require_reason(plan, reason)
    fte = fte_value(fte)
    if not from_proposal:
        check_fte(fte, plan.sozialraum.jugendamt)
    _check_line(
        plan=plan,
        kita=kita,
        strand=strand,
        justification=justification,
        central_location=central_location,
        cross_provider=cross_provider,
        line_id=None,
        fs4_request=fs4_request,
        fte=fte,
    )
    centre = _centre_for(plan, strand)
    central_location = bool(centre and centre.central_location)
    cross_provider = bool(centre and centre.cross_provider)
    cost_override_reason = (cost_override_reason or "").strip() if cost_override else ""
    annual_cost = line_cost(
        plan=plan,
        strand=strand,
        fte=fte,
        cost_override=cost_override,
        annual_cost=annual_cost,
        cost_override_reason=cost_override_reason,
    )
    line = AllocationLine.objects.create(
        plan=plan,
        kita=kita,
        strand=strand,
        fte=fte,
        annual_cost=annual_cost,
        state_part=d.state_part(annual_cost),
        cost_override=cost_override,
        cost_override_reason=cost_override_reason,
        justification=justification,
        qualification=qualification,
        central_location=central_location,
        cross_provider=cross_provider,
        from_proposal=from_proposal,
        centre=centre,
        fs4_request=fs4_request if strand == Strand.FS4 else None,
        updated_by=acting_user,
    )
    touch(plan, acting_user)
    audit_events.record(
        actor=acting_user,
        action="line.create",
        obj=line,
        jugendamt_id=plan.jugendamt_id,
        new=_snapshot(line),
        reason=reason,
    )
    return line


@transaction.atomic
def line_update(
    *,
    line_id: int,
    expected_version: int,
    acting_user: User,
    reason: str = "",
    **changes: Number | str | bool,
) -> AllocationLine:
    """Change a line if nobody else saved it since ``expected_version`` was read.

    ``changes`` may hold the fields of ``LINE_FIELDS``. Without ``cost_override`` the
    cost follows FTE and strand (FTE × rate); the state part follows the cost. A stale
    version raises ``ConflictError`` and changes nothing.
    """
    unknown = set(changes) - set(LINE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    line = (
        AllocationLine.objects.select_for_update()
        .select_related("plan", "plan__sozialraum", "plan__budget_year", "kita")
        .get(pk=line_id)
    )
    plan = lock_plan(line.plan)
    require_edit(plan, acting_user)
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
    require_reason(plan, reason)
    old = _snapshot(line)
    if "fte" in changes:
        changes["fte"] = fte_value(changes["fte"])
        if changes["fte"] != line.fte:
            check_fte(changes["fte"], plan.sozialraum.jugendamt)
    annual_cost = changes.pop("annual_cost", None)
    for key, value in changes.items():
        setattr(line, key, value)
    line.cost_override = bool(line.cost_override)
    if line.cost_override:
        line.cost_override_reason = (line.cost_override_reason or "").strip()
        if annual_cost is None:
            annual_cost = line.annual_cost  # the amount set earlier stays
    else:
        line.cost_override_reason = ""
    line.plan = plan
    line.annual_cost = line_cost(
        plan=plan,
        strand=line.strand,
        fte=line.fte,
        cost_override=line.cost_override,
        annual_cost=annual_cost,
        cost_override_reason=line.cost_override_reason,
    )
    line.state_part = d.state_part(line.annual_cost)
    # the FS2 centre and the FS4 request follow the strand (see the module docstring)
    line.centre = _centre_for(plan, line.strand)
    line.central_location = bool(line.centre and line.centre.central_location)
    line.cross_provider = bool(line.centre and line.centre.cross_provider)
    if line.strand != Strand.FS4:
        line.fs4_request = None
    new = _snapshot(line)
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
        fs4_request=line.fs4_request,
        fte=line.fte,
    )
    # Issue 15 (part D): the Leitung accepted an FS3 exception for this Kita, strand and
    # justification; a change of any of them needs a new acceptance (the change event
    # says whose acceptance was taken back).
    if line.exception_accepted_at is not None and any(
        old[k] != new[k] for k in ("kita_id", "strand", "justification")
    ):
        old["exception_accepted_by"] = getattr(line.exception_accepted_by, "username", "")
        new["exception_accepted_by"] = ""
        line.exception_accepted_by = None
        line.exception_accepted_at = None
    line.version += 1
    line.updated_by = acting_user
    line.save()
    touch(plan, acting_user)
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
def line_delete(
    *, line_id: int, expected_version: int, acting_user: User, reason: str = ""
) -> None:
    """Delete a line if nobody else saved it since ``expected_version`` was read."""
    line = AllocationLine.objects.select_for_update().select_related("kita").get(pk=line_id)
    plan = lock_plan(line.plan)
    require_edit(plan, acting_user)
    if line.version != int(expected_version):
        raise ConflictError(
            _("Diese Zeile wurde inzwischen geändert; bitte laden Sie die Seite neu."),
            code="conflict",
        )
    require_reason(plan, reason)
    old = _snapshot(line)
    audit_events.record(
        actor=acting_user,
        action="line.delete",
        obj=line,
        jugendamt_id=plan.jugendamt_id,
        old=old,
        reason=reason,
    )
    try:
        line.delete()
    except ProtectedError as exc:
        # Positions were created from the decided line (issue 16): they keep their line.
        raise ValidationError(
            _(
                "Zu dieser Zeile gibt es bereits Stellen; sie kann nicht gelöscht werden. "
                "Ändern Sie stattdessen den Stellenanteil oder beenden Sie die Stellen."
            ),
            code="line_has_positions",
        ) from exc
    touch(plan, acting_user)


@transaction.atomic
def lines_reprice(*, budget_year: BudgetYear, acting_user: User) -> list[AllocationLine]:
    """After the year's rates changed: every line of an editable plan (Entwurf, Abstimmung)
    whose cost follows its FTE gets FTE × the new rate; each change is audited as a line
    change with the reason. Lines with a cost set by hand keep it; plans laid before the
    Leitung or decided keep their figures (they change only through Überarbeitung).
    Called by ``budget_year_save``, which checks the right to manage the year."""
    changed = []
    for plan in budget_year.plans.filter(state__in=EDITABLE_STATES).order_by("pk"):
        plan = lock_plan(plan)
        for line in (
            plan.lines.select_for_update().select_related("kita").filter(cost_override=False)
        ):
            line.plan = plan
            cost = line.derived_cost
            if cost == line.annual_cost:
                continue
            old = _snapshot(line)
            line.annual_cost = cost
            line.state_part = d.state_part(cost)
            line.version += 1
            line.updated_by = acting_user
            line.save()
            new = _snapshot(line)
            keep = ("plan_id", "kita_id", "kita", "fte", "strand")
            audit_events.record(
                actor=acting_user,
                action="line.update",
                obj=line,
                jugendamt_id=plan.jugendamt_id,
                old={k: v for k, v in old.items() if new[k] != v or k in keep},
                new={k: v for k, v in new.items() if old[k] != v or k in keep},
                reason=_("Kostensatz je Vollzeitstelle %(strand)s geändert: %(rate)s €")
                % {"strand": line.strand, "rate": eur_text(line.fte_rate)},
            )
            changed.append(line)
        if any(x.plan_id == plan.pk for x in changed):
            touch(plan, acting_user)
    return changed
