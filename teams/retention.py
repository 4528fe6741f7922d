"""The retention rule for team members without an account (docs/datenschutz.md, issue 15).

Twelve months after an external member left the team, their name and e-mail are removed;
the row stays as "ehemaliges Mitglied" because attendance and tasks refer to it.
Organisation and function stay: they describe the team's composition, not a person.
"""

from __future__ import annotations

from datetime import timedelta

from teams.models import TeamMember

# The twelve months of the rule, counted as 365 days like the periods of surveys.retention.
EXTERNAL_MEMBER_DAYS = 365
ANONYMISED_NAME = "ehemaliges Mitglied"


def external_members_due(now):
    cutoff = (now - timedelta(days=EXTERNAL_MEMBER_DAYS)).date()
    return TeamMember.objects.filter(
        user__isnull=True, left_on__isnull=False, left_on__lt=cutoff
    ).exclude(name=ANONYMISED_NAME, email="")


def anonymise_external_members(*, now, dry_run: bool) -> int:
    """Remove name and e-mail of external members who left more than 12 months ago."""
    due = external_members_due(now)
    count = due.count()
    if not dry_run and count:
        due.update(name=ANONYMISED_NAME, email="")
    return count
