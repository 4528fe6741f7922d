"""The Jugendamt-Leitung signs off a budget year's proof of use for the Land (issue 16).

The sign-off records the figures as they are at the Stichtag (today) and their SHA-256
(``positions.proof``); the documents then say who confirmed them and when, and whether
anything changed since. A new sign-off after a change is possible; the old ones stay.

Refused, with a German message: without positions (nothing to prove), while actual costs
are reported but not confirmed (they count nowhere, the proof would silently leave them
out), before the year has begun. Before the year end the sign-off is "vorläufig": the
figures still hold forecasts, and the documents say so.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from allocation.models import BudgetYear
from audit import events as audit_events
from positions.models import ProofSignOff
from positions.permissions import proof_signoff_policy
from positions.proof import content_hash, figures_of, proof_of_use


@transaction.atomic
def proof_sign_off(
    *, budget_year: BudgetYear, acting_user, expected_hash: str = ""
) -> ProofSignOff:
    """Record the Leitung's sign-off of ``budget_year``'s proof of use as of today.

    ``expected_hash``: the hash of the figures the Leitung saw on the page; if the figures
    changed in the meantime (a cost confirmed in another tab), nothing is signed and the
    page shows the new figures."""
    if not proof_signoff_policy.user_can(acting_user, "sign_off", budget_year):
        raise PermissionDenied(_("Nur die Jugendamt-Leitung bestätigt den Verwendungsnachweis."))
    # one sign-off at a time per year (a second click waits and then sees the first)
    BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
    today = timezone.localdate()
    proof = proof_of_use(budget_year, on=today, with_signoff=False)
    problems = []
    if today < datetime.date(budget_year.year, 1, 1):
        problems.append(
            _("Das Haushaltsjahr %(year)s hat noch nicht begonnen.") % {"year": budget_year.year}
        )
    if not proof.positions:
        problems.append(
            _("Es gibt keine Stellen im Haushaltsjahr %(year)s: nichts nachzuweisen.")
            % {"year": budget_year.year}
        )
    if proof.unconfirmed_costs:
        problems.append(
            ngettext(
                "%(n)s gemeldete Ist-Kostenzeile ist noch nicht bestätigt; bitte erst bestätigen "
                "oder korrigieren.",
                "%(n)s gemeldete Ist-Kostenzeilen sind noch nicht bestätigt; bitte erst bestätigen "
                "oder korrigieren.",
                proof.unconfirmed_costs,
            )
            % {"n": proof.unconfirmed_costs}
        )
    figures = figures_of(proof)
    digest = content_hash(figures)
    if expected_hash and expected_hash != digest:
        problems.append(
            _(
                "Die Zahlen haben sich geändert, seit die Seite geladen wurde. Bitte die neuen "
                "Zahlen prüfen und erneut bestätigen."
            )
        )
    if problems:
        raise ValidationError(problems)
    signoff = ProofSignOff.objects.create(
        budget_year=budget_year, signed_by=acting_user, figures=figures, content_hash=digest
    )
    total = figures["total"]
    audit_events.record(
        actor=acting_user,
        action="proof.sign_off",
        obj=signoff,
        jugendamt_id=budget_year.jugendamt_id,
        new={
            "year": budget_year.year,
            "stichtag": figures["stichtag"],
            "provisional": proof.has_forecast,
            "actual_cost": total["actual_cost"],
            "actual_state": total["actual_state"],
            "actual_unspent": total["actual_unspent"],
            "content_hash": digest,
        },
    )
    return signoff
