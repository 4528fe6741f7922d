"""The one write of the reports app besides the export events: the goals text of the
committee report.

The goals (concept chapter 3.2) are the Jugendamt's own words about what the budget is
for; they live on ``Jugendamt.goals_text`` and are shown only in the committee report,
so the report's rule (``reports.permissions.ReportPolicy``, action ``edit_goals``)
decides who writes them: the Jugendamt's Leitung and Administration.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit import events as audit_events
from reports.permissions import report_policy
from sozialraeume.models import GOALS_TEXT_MAX_LENGTH, Jugendamt


def _normalise(text: str) -> str:
    """One kind of line break, no trailing blanks on a line, no blank lines at the ends."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


@transaction.atomic
def jugendamt_goals_update(*, jugendamt: Jugendamt, goals_text: str, acting_user) -> Jugendamt:
    """Store the Jugendamt's goals text (with its audit event: old and new text).

    An unchanged text writes nothing. Raises ``PermissionDenied`` unless the user may
    edit the goals of this Jugendamt, ``ValidationError`` for a text that is too long.
    """
    if not report_policy.user_can(acting_user, "edit_goals", jugendamt):
        raise PermissionDenied
    text = _normalise(goals_text)
    if len(text) > GOALS_TEXT_MAX_LENGTH:
        raise ValidationError(
            _("Der Text ist zu lang: höchstens %(n)s Zeichen.") % {"n": GOALS_TEXT_MAX_LENGTH}
        )
    locked = Jugendamt.objects.select_for_update().get(pk=jugendamt.pk)
    old = locked.goals_text
    if old == text:
        return locked
    locked.goals_text = text
    locked.save(update_fields=["goals_text"])
    audit_events.record(
        actor=acting_user,
        action="jugendamt.goals_change",
        obj=locked,
        jugendamt_id=locked.pk,
        old={"goals_text": old},
        new={"goals_text": text},
    )
    return locked
