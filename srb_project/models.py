"""Model fields that several apps define alike (bottom layer: imports no app).

A request that the Jugendamt decides records who decided, when, and why, in the same three
fields: ``foerderung.Fs4Request``, ``teams.ReleaseRequest`` and ``allocation.Reallocation``
(``teams.Review`` the first two). Each field comes from one factory here, so the three
stay alike; the stored columns are what the migrations already hold.

Factories rather than an abstract model: the fields of an abstract base come first in the
model's field order, so a page that lists every field (the read-only admin of FS4 requests)
would show the decision above the request. A factory keeps each field where the model puts it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def decided_by_field() -> models.ForeignKey:
    """Who decided (empty while undecided); a person's decisions keep their account."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entschieden von"),
    )


def decided_at_field() -> models.DateTimeField:
    return models.DateTimeField(_("entschieden am"), null=True, blank=True)


def decision_reason_field() -> models.TextField:
    return models.TextField(_("Begründung der Entscheidung"), blank=True)
