"""What the allocation services share: value checks, the conflict error, the plan lock.

Business refusals raise ``ValidationError`` with a German message; missing rights
raise ``PermissionDenied``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from allocation import distribution as d
from allocation.models import AllocationPlan
from allocation.permissions import plan_policy
from sozialraeume.models import Kita, User
from srb_project.numbers import localized

ZERO = Decimal("0.00")
MAX_MONEY = Decimal("1E10")  # max_digits=12, decimal_places=2
MAX_FTE = Decimal("1000")  # max_digits=5, decimal_places=2

# What forms, commands and tests hand in for an amount: parsed and checked here.
Number = Decimal | int | str


class ConflictError(ValidationError):
    """Somebody else saved the same line or plan in the meantime (optimistic locking)."""


def money(value: Number | None, label: str) -> Decimal:
    """An amount in euros with cents, not negative, within the columns' 12 digits."""
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


def fte_value(value: Number | None) -> Decimal:
    """A position share (VZÄ) above 0 with at most two decimals."""
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


def fte_step_value(value: Number | None) -> Decimal:
    """The rounding step of proposals: 0,01 to 1 with at most two decimals."""
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


def eur_text(value: Decimal) -> str:
    """Money for messages in the active language's notation: 1.234,56 / 1,234.56"""
    return localized(value, 2)


def lock_plan(plan: AllocationPlan) -> AllocationPlan:
    """The plan as stored now, locked for the rest of the transaction."""
    return (
        AllocationPlan.objects.select_for_update()
        .select_related("sozialraum", "budget_year")
        .get(pk=plan.pk)
    )


def plan_snapshot(plan: AllocationPlan) -> dict:
    """The plan's state and version as the audit trail keeps them."""
    return {"state": plan.state, "version": plan.version}


def require_edit(plan: AllocationPlan, user: User) -> None:
    """The user may edit the plan and its lines may still change (Entwurf, Abstimmung)."""
    if not plan_policy.user_can(user, "edit", plan):
        raise PermissionDenied(_("Sie dürfen diesen Plan nicht bearbeiten."))
    if not plan.is_editable:
        raise ValidationError(
            _(
                "Der Plan hat den Status „%(state)s“ und kann nicht mehr bearbeitet werden. "
                "Wählen Sie „Überarbeitung“, um ihn in den Entwurf zurückzuholen."
            )
            % {"state": plan.get_state_display()}
        )


def require_reason(plan: AllocationPlan, reason: str) -> None:
    """After the Jugendamt's proposal every line change needs a reason (section 8)."""
    if plan.proposed_at and not (reason or "").strip():
        raise ValidationError(
            _("Nach dem Vorschlag braucht jede Änderung einer Zeile eine Begründung.")
        )


def touch(plan: AllocationPlan, user: User) -> None:
    """Record the user as last editor and count the plan's version up."""
    AllocationPlan.objects.filter(pk=plan.pk).update(
        last_editor=user, version=F("version") + 1, updated_at=timezone.now()
    )
    plan.refresh_from_db(fields=["last_editor", "version", "updated_at"])


def public_text(text: str, *, jugendamt_id: int, label: str) -> str:
    """A text written for publication (the committee report): required, and naming no
    Kita of the Jugendamt (case-insensitive), since the committee sees Sozialräume only."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            _("%(label)s fehlt: Bitte schreiben Sie eine Begründung für den Ausschuss.")
            % {"label": label}
        )
    folded = text.casefold()
    named = sorted(
        name
        for name in Kita.objects.filter(sozialraum__jugendamt_id=jugendamt_id).values_list(
            "name", flat=True
        )
        if name.strip() and name.strip().casefold() in folded
    )
    if named:
        raise ValidationError(
            _(
                "%(label)s wird im Bericht an den Jugendhilfeausschuss veröffentlicht und darf "
                "keine Kita nennen (genannt: %(names)s). Bitte beschreiben Sie den Grund auf "
                "Ebene des Sozialraums."
            )
            % {"label": label, "names": ", ".join(f"„{n}“" for n in named)},
            code="kita_named",
        )
    return text
