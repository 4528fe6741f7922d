"""Writes on reallocations: unspent state funds moved between Sozialräume of one year."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from allocation import selectors
from allocation.models import AllocationPlan, BudgetYear, Reallocation
from allocation.permissions import budget_year_policy
from allocation.services.common import ZERO, Number, eur_text, money
from audit import events as audit_events
from sozialraeume.models import Kita, Sozialraum, User


@transaction.atomic
def reallocation_create(
    *,
    budget_year: BudgetYear,
    from_sozialraum: Sozialraum,
    to_sozialraum: Sozialraum,
    amount: Number,
    reason: str,
    acting_user: User,
    to_kita: Kita | None = None,
) -> Reallocation:
    """Move unspent state funds of one Sozialraum to (a Kita in) another; totals stay equal."""
    if not budget_year_policy.user_can(acting_user, "manage", budget_year):
        raise PermissionDenied
    BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
    amount = money(amount, _("Der Betrag"))
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
            % {"sr": from_sozialraum, "unspent": eur_text(unspent)}
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
