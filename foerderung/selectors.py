"""Reads of FS2 centres and FS4 requests (issue 15)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from foerderung.models import Centre, Fs4Request, Fs4RequestState
from foerderung.permissions import centre_policy
from sozialraeume.models import Sozialraum


def active_centre(sozialraum_id: int) -> Centre | None:
    """The Sozialraum's one active centre, or None."""
    return (
        Centre.objects.filter(sozialraum_id=sozialraum_id, active=True)
        .select_related("sozialraum", "host_kita")
        .first()
    )


def sozialraum_ids_without_centre(jugendamt_id: int) -> list[int]:
    """The Sozialräume of a Jugendamt that have no active centre (for warnings)."""
    with_centre = Centre.objects.filter(active=True).values("sozialraum_id")
    return list(
        Sozialraum.objects.filter(jugendamt_id=jugendamt_id)
        .exclude(pk__in=with_centre)
        .values_list("pk", flat=True)
    )


@dataclass
class CentreRow:
    """One Sozialraum on the centres page: its active centre (or none) and closed ones."""

    sozialraum: Sozialraum
    active: Centre | None
    closed: list


def centre_rows(user) -> list[CentreRow]:
    """Per Sozialraum of the user's Jugendamt: the active centre and the closed ones; a
    Sozialraum without a centre is a row too ("kein Zentrum")."""
    centres = list(centre_policy.instances_for(user, "view").order_by("-opened_on", "pk"))
    sozialraum_ids = {c.sozialraum_id for c in centres}
    if user.jugendamt_id:
        sozialraeume = Sozialraum.objects.filter(jugendamt_id=user.jugendamt_id)
    else:
        sozialraeume = Sozialraum.objects.filter(pk__in=sozialraum_ids)
    rows = []
    for sr in sozialraeume.order_by("position", "name"):
        own = [c for c in centres if c.sozialraum_id == sr.pk]
        rows.append(
            CentreRow(
                sozialraum=sr,
                active=next((c for c in own if c.active), None),
                closed=[c for c in own if not c.active],
            )
        )
    return rows


def accepted_requests(kita_ids, *, on: datetime.date | None = None) -> QuerySet[Fs4Request]:
    """Accepted FS4 requests of the Kitas (the ones an FS4 line may link to)."""
    qs = Fs4Request.objects.filter(kita_id__in=kita_ids, state=Fs4RequestState.ACCEPTED)
    if on is not None:
        qs = qs.filter(period_start__lte=on, period_end__gte=on)
    return qs.select_related("kita", "decided_by").order_by("kita__name", "-decided_at")
