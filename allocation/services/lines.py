"""Writes on allocation lines: Kita · strand · FTE · cost, with optimistic locking.

A line may change only while its plan is editable (Entwurf, Abstimmung), by the plan's
editors, if the Kita is eligible for the strand; after the proposal with a reason.
Every change counts the line's and the plan's version up and is audited.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from allocation import distribution as d
from allocation import eligibility as elig
from allocation.models import AllocationLine, AllocationPlan, Strand
from allocation.services.common import (
    ConflictError,
    Number,
    fte_value,
    lock_plan,
    money,
    require_edit,
    require_reason,
    touch,
)
from audit import events as audit_events
from indices import eligibility as rules
from sozialraeume.models import Kita, User

LINE_FIELDS = (
    "strand",
    "fte",
    "annual_cost",
    "justification",
    "qualification",
    "central_location",
    "cross_provider",
)


def _check_line(
    *,
    plan: AllocationPlan,
    kita: Kita,
    strand: str,
    justification: str,
    central_location: bool,
    cross_provider: bool,
    line_id: int | None,
) -> rules.Eligibility:
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
    plan: AllocationPlan,
    kita: Kita,
    strand: str,
    justification: str = "",
    central_location: bool = False,
    cross_provider: bool = False,
    line_id: int | None = None,
    reason: str = "",
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
    )


@transaction.atomic
def line_add(
    *,
    plan: AllocationPlan,
    kita: Kita,
    strand: str,
    fte: Number,
    annual_cost: Number,
    acting_user: User,
    justification: str = "",
    qualification: str = "",
    central_location: bool = False,
    cross_provider: bool = False,
    reason: str = "",
    from_proposal: bool = False,
) -> AllocationLine:
    """Add a line; refused if the Kita is not eligible for the strand."""
    plan = lock_plan(plan)
    require_edit(plan, acting_user)
    if not from_proposal:
        require_reason(plan, reason)
    fte = fte_value(fte)
    annual_cost = money(annual_cost, _("Die Personalkosten"))
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
    touch(plan, acting_user)
    audit_events.record(
        actor=acting_user,
        action="line.create",
        obj=line,
        jugendamt_id=plan.jugendamt_id,
        new=line.snapshot(),
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
    old = line.snapshot()
    if "fte" in changes:
        changes["fte"] = fte_value(changes["fte"])
    if "annual_cost" in changes:
        changes["annual_cost"] = money(changes["annual_cost"], _("Die Personalkosten"))
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
    touch(plan, acting_user)
