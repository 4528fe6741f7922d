"""Writes on reallocations: unspent state funds moved between Sozialräume of one year.

Four eyes: ``reallocation_create`` records a proposal, which moves no money. Only when a
second person with the right (Jugendamt-Leitung, not the proposer) approves it
(``reallocation_approve``) do the amounts of both Sozialräume change; a rejected proposal
(``reallocation_reject``) never moves any. Every amount in the product counts approved
reallocations only (``allocation.selectors.reallocation_balance``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allocation import notifications, selectors
from allocation.models import AllocationPlan, BudgetYear, Reallocation, ReallocationState
from allocation.permissions import reallocation_policy
from allocation.services.common import (
    ZERO,
    ConflictError,
    Number,
    eur_text,
    money,
    public_text,
)
from audit import events as audit_events
from sozialraeume.models import Kita, Sozialraum, User


def _snapshot(r: Reallocation) -> dict:
    """The reallocation as the audit trail keeps it (the history pages find it by the
    budget year, the Sozialräume and the Kita)."""
    return {
        "budget_year_id": r.budget_year_id,
        "from_sozialraum_id": r.from_sozialraum_id,
        "from_sozialraum": r.from_sozialraum.name,
        "to_sozialraum_id": r.to_sozialraum_id,
        "to_sozialraum": r.to_sozialraum.name,
        "kita_id": r.to_kita_id,
        "kita": r.to_kita.name if r.to_kita else None,
        "amount": str(r.amount),
        "state": r.state,
        "version": r.version,
        "public_reason": r.public_reason,
        "source": r.source,
    }


# Issue 16: where the money comes from. "planned": state money not planned in the
# Sozialraum's lines (checked here). "actual": money of the plan that the year's positions
# do not spend (vacancies, lower actual costs): the freed amount of the budget execution,
# computed above this app (``positions.selectors_execution.freed_state_amount``, which
# ``positions`` registers in its ``AppConfig.ready``; inversion, see architecture.md).
SOURCE_PLANNED = "planned"
SOURCE_ACTUAL = "actual"
SOURCES = (SOURCE_PLANNED, SOURCE_ACTUAL)
_freed_amount = None  # (budget_year, sozialraum_id, *, pending) -> Decimal | None


def register_freed_amount(func) -> None:
    """Set the function giving a Sozialraum's freed amount (source "actual")."""
    global _freed_amount
    _freed_amount = func


def _freed(budget_year: BudgetYear, sozialraum: Sozialraum, *, pending: bool) -> Decimal:
    """What the positions of the Sozialraum do not spend (less open proposals with
    ``pending``); no execution known: nothing."""
    amount = _freed_amount(budget_year, sozialraum.pk, pending=pending) if _freed_amount else None
    if amount is None:
        raise ValidationError(
            _("Für diesen Sozialraum ist keine Umsetzung mit Stellen und Ist-Kosten erfasst.")
        )
    return amount


def _unspent(budget_year_id: int, sozialraum: Sozialraum, *, pending: bool) -> Decimal:
    """State money of the Sozialraum not planned in its lines (approved reallocations
    included in its amount) and, with ``pending``, not asked for by open proposals."""
    available = selectors.state_amount_for(budget_year_id, sozialraum.pk)
    if available is None:
        raise ValidationError(_("Für das Haushaltsjahr sind noch keine Anteile berechnet."))
    plan = AllocationPlan.objects.filter(
        budget_year_id=budget_year_id, sozialraum=sozialraum
    ).first()
    spent = selectors.plan_state_part(plan) if plan else ZERO
    asked = selectors.pending_outgoing(budget_year_id, sozialraum.pk) if pending else ZERO
    return available - spent - asked


@transaction.atomic
def reallocation_create(
    *,
    budget_year: BudgetYear,
    from_sozialraum: Sozialraum,
    to_sozialraum: Sozialraum,
    amount: Number,
    reason: str,
    acting_user: User,
    public_reason: str = "",
    to_kita: Kita | None = None,
    source: str = SOURCE_PLANNED,
) -> Reallocation:
    """Propose moving unspent state funds of one Sozialraum to (a Kita in) another.

    The proposal moves no money: the Jugendamt-Leitung (another person) decides it and is
    told by e-mail. ``reason`` is internal; ``public_reason`` is written for the committee
    report and may name no Kita. ``source`` "planned": money not planned in the lines;
    "actual": money the positions do not spend (at most the freed amount of the budget
    execution, open proposals deducted)."""
    if not reallocation_policy.user_can(acting_user, "propose", budget_year):
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
    public_reason = public_text(
        public_reason,
        jugendamt_id=budget_year.jugendamt_id,
        label=_("Die Begründung für den Ausschuss"),
    )
    if selectors.state_amount_for(budget_year.pk, to_sozialraum.pk) is None:
        raise ValidationError(_("Für das Haushaltsjahr sind noch keine Anteile berechnet."))
    if source not in SOURCES:
        raise ValidationError(_("Unbekannte Herkunft der Mittel."))
    if source == SOURCE_ACTUAL:
        freed = _freed(budget_year, from_sozialraum, pending=True)
        if amount > freed:
            raise ValidationError(
                _(
                    "%(sr)s hat nur %(freed)s € Landesmittel, die die Stellen nicht "
                    "verausgaben (Umsetzung zum Stichtag, offene Vorschläge zur "
                    "Umverteilung abgezogen)."
                )
                % {"sr": from_sozialraum, "freed": eur_text(max(freed, ZERO))},
                code="over_freed",
            )
    unspent = _unspent(budget_year.pk, from_sozialraum, pending=True)
    if source == SOURCE_PLANNED and amount > unspent:
        raise ValidationError(
            _(
                "%(sr)s hat nur %(unspent)s € nicht verplante Landesmittel (offene "
                "Vorschläge zur Umverteilung abgezogen)."
            )
            % {"sr": from_sozialraum, "unspent": eur_text(max(unspent, ZERO))}
        )
    r = Reallocation.objects.create(
        budget_year=budget_year,
        from_sozialraum=from_sozialraum,
        to_sozialraum=to_sozialraum,
        to_kita=to_kita,
        amount=amount,
        reason=reason.strip(),
        public_reason=public_reason,
        created_by=acting_user,
        state=ReallocationState.PROPOSED,
        source=source,
    )
    audit_events.record(
        actor=acting_user,
        action="reallocation.propose",
        obj=r,
        jugendamt_id=budget_year.jugendamt_id,
        new=_snapshot(r),
        reason=reason.strip(),
    )
    notifications.reallocation_proposed(reallocation=r, acting_user=acting_user)
    return r


def _lock_for_decision(
    reallocation: Reallocation, acting_user: User, expected_version: int | None
) -> Reallocation:
    """The reallocation as stored now, locked; the user may decide it, it is still open,
    and it is the version they saw."""
    r = (
        # Lock the reallocation row only (PostgreSQL refuses FOR UPDATE on the nullable
        # side of the Kita join).
        Reallocation.objects.select_for_update(of=("self",))
        .select_related("budget_year", "from_sozialraum", "to_sozialraum", "to_kita")
        .get(pk=reallocation.pk)
    )
    if r.created_by_id == acting_user.pk:
        raise ValidationError(
            _(
                "Vier-Augen-Prinzip: Sie haben diese Umverteilung selbst vorgeschlagen und "
                "können sie deshalb nicht selbst entscheiden. Eine andere Person der "
                "Jugendamt-Leitung muss sie genehmigen oder ablehnen."
            ),
            code="four_eyes",
        )
    if not reallocation_policy.user_can(acting_user, "decide", r):
        raise PermissionDenied(
            _("Nur die Jugendamt-Leitung kann Umverteilungen genehmigen oder ablehnen.")
        )
    if (expected_version is not None and r.version != int(expected_version)) or not r.is_open:
        raise ConflictError(
            _(
                "Die Umverteilung wurde inzwischen entschieden (Status jetzt „%(state)s“). "
                "Ihr Schritt wurde nicht ausgeführt; bitte laden Sie die Seite neu."
            )
            % {"state": r.get_state_display()},
            code="conflict",
        )
    return r


def _decide(r: Reallocation, state: str, reason: str, acting_user: User, action: str) -> None:
    old = _snapshot(r)
    r.state = state
    r.decided_by = acting_user
    r.decided_at = timezone.now()
    r.decision_reason = reason
    r.version += 1
    r.save()
    audit_events.record(
        actor=acting_user,
        action=action,
        obj=r,
        jugendamt_id=r.budget_year.jugendamt_id,
        old=old,
        new=_snapshot(r),
        reason=reason,
    )
    notifications.reallocation_decided(reallocation=r, acting_user=acting_user)


@transaction.atomic
def reallocation_approve(
    *,
    reallocation: Reallocation,
    acting_user: User,
    reason: str = "",
    expected_version: int | None = None,
) -> Reallocation:
    """Approve a proposal: only now the money moves. The source must still have the
    amount unspent (its plan may have grown since the proposal)."""
    r = _lock_for_decision(reallocation, acting_user, expected_version)
    BudgetYear.objects.select_for_update().get(pk=r.budget_year_id)
    # What is decided counts, not what others propose: the first approved proposal wins.
    if r.source == SOURCE_ACTUAL:
        freed = _freed(r.budget_year, r.from_sozialraum, pending=False)
        if r.amount > freed:
            raise ValidationError(
                _(
                    "%(sr)s hat inzwischen nur noch %(freed)s € Landesmittel, die die Stellen "
                    "nicht verausgaben; die Umverteilung von %(amount)s € kann so nicht "
                    "genehmigt werden."
                )
                % {
                    "sr": r.from_sozialraum,
                    "freed": eur_text(max(freed, ZERO)),
                    "amount": eur_text(r.amount),
                }
            )
    unspent = _unspent(r.budget_year_id, r.from_sozialraum, pending=False)
    if r.source == SOURCE_PLANNED and r.amount > unspent:
        raise ValidationError(
            _(
                "%(sr)s hat inzwischen nur noch %(unspent)s € nicht verplante Landesmittel; "
                "die Umverteilung von %(amount)s € kann so nicht genehmigt werden."
            )
            % {
                "sr": r.from_sozialraum,
                "unspent": eur_text(max(unspent, ZERO)),
                "amount": eur_text(r.amount),
            }
        )
    _decide(
        r, ReallocationState.APPROVED, (reason or "").strip(), acting_user, "reallocation.approve"
    )
    return r


@transaction.atomic
def reallocation_reject(
    *,
    reallocation: Reallocation,
    reason: str,
    acting_user: User,
    expected_version: int | None = None,
) -> Reallocation:
    """Reject a proposal, with a reason for the proposer: no money moves."""
    r = _lock_for_decision(reallocation, acting_user, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Begründung fehlt: Bitte schreiben Sie, warum die Umverteilung abgelehnt wird.")
        )
    _decide(r, ReallocationState.REJECTED, reason, acting_user, "reallocation.reject")
    return r
