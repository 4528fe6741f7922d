"""Switching a Jugendamt's public results page on and off (issue 17).

The page (/oeffentlich/<slug>/) shows, without a login, what the committee report
publishes on Sozialraum level; it exists only while ``Jugendamt.public_page_enabled`` is
set. The rule is ``reports.permissions_public.PublicPagePolicy.manage`` (the Jugendamt's
Leitung); each change writes the audit event ``jugendamt.public_page_change`` and, once
committed, starts a new generation of the page's cache.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit import events as audit_events
from reports.permissions_public import public_page_policy
from reports.selectors.public import public_page_cache_clear
from sozialraeume.models import Jugendamt


@transaction.atomic
def jugendamt_public_page_set(*, jugendamt: Jugendamt, enabled: bool, acting_user) -> Jugendamt:
    """Switch the public results page of ``jugendamt`` on (``enabled``) or off.

    An unchanged setting writes nothing. Raises ``PermissionDenied`` unless the user may
    manage the page of this Jugendamt.
    """
    if not public_page_policy.user_can(acting_user, "manage", jugendamt):
        raise PermissionDenied
    locked = Jugendamt.objects.select_for_update().get(pk=jugendamt.pk)
    old = locked.public_page_enabled
    enabled = bool(enabled)
    if old == enabled:
        return locked
    locked.public_page_enabled = enabled
    locked.save(update_fields=["public_page_enabled"])
    audit_events.record(
        actor=acting_user,
        action="jugendamt.public_page_change",
        obj=locked,
        jugendamt_id=locked.pk,
        old={"public_page_enabled": old},
        new={"public_page_enabled": enabled},
    )
    # a new cache generation now and once committed (a page cached in between is dropped)
    public_page_cache_clear(jugendamt_id=locked.pk)
    transaction.on_commit(lambda: public_page_cache_clear(jugendamt_id=locked.pk))
    return locked
