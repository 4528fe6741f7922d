"""Who may switch a Jugendamt's public results page (/oeffentlich/<slug>/, issue 17) on
and off, and which pages the public sees, on ``srb_project.policy``.

- manage: the Jugendamt's Leitung only (in its own Jugendamt). The Fachkraft, the
  Administration and the demo's superuser may not; the platform operator (a superuser
  without a Jugendamt) may change the field in the Jugendamt's admin form.
- the public side has no user: ``public_jugendaemter()`` is the list side of the rule
  (the Jugendämter whose page is switched on); every other slug is 404.

Like ``reports.permissions.ReportPolicy`` this policy has no model of its own (``obj``
is a Jugendamt or its id), so it is not registered for template lookups by model.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sozialraeume.models import Jugendamt
from srb_project import policy, roles


class PublicPagePolicy(policy.BasePolicy):
    actions = ("manage",)

    def can_manage(self, user, obj) -> bool:
        return (
            obj is not None
            and policy.has_role(user, roles.JUGENDAMT_LEITUNG)
            and policy.in_scope(user, obj)
        )

    def public_jugendaemter(self) -> QuerySet[Jugendamt]:
        """The Jugendämter whose results page anyone may read (no login)."""
        return Jugendamt.objects.filter(public_page_enabled=True)


public_page_policy = PublicPagePolicy()
