"""Writes on FS2 centres and FS4 requests (issue 15, concept chapter 4).

Every write asks the policy (``foerderung.permissions``), runs in one transaction and
records its audit event there; the decision on an FS4 request is mailed to the requester
through the outbox in the same step (``foerderung.notifications``).

- A Sozialraum has at most one active centre (also a database constraint; here with a
  German message). A centre in a Kita names that Kita (of the same Sozialraum) and needs
  the Jugendamt's confirmation of its central location and of cross-provider offers before
  its FS2 lines count as eligible; a centre in separate premises needs neither.
- An FS4 request is submitted by a Kita leader for their own Kita or by a Träger for one
  of their Kitas; the Jugendamt's planners accept it or decline it (declining needs a
  reason). Only an accepted request allows an FS4 line (``allocation.services.lines``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events as audit_events
from foerderung import notifications
from foerderung.models import (
    Centre,
    Fs4Attachment,
    Fs4Request,
    Fs4RequestState,
    Premises,
    RequesterKind,
)
from foerderung.permissions import centre_policy, fs4_request_policy
from sozialraeume.models import Kita, Sozialraum, User
from srb_project import policy, roles
from srb_project.numbers import check_bounds
from srb_project.uploads import check_pdf

CENTRE_FIELDS = (
    "name",
    "premises",
    "host_kita",
    "address",
    "opened_on",
    "central_location",
    "cross_provider",
    "offers",
)
MAX_ATTACHMENTS = 5
CLOSE_KEYS = ("sozialraum_id", "sozialraum", "name", "active", "closed_on")


# --- centres ---------------------------------------------------------------------------


def centre_snapshot(centre: Centre) -> dict:
    return {
        "sozialraum_id": centre.sozialraum_id,
        "sozialraum": centre.sozialraum.name,
        "name": centre.name,
        "premises": centre.premises,
        "host_kita_id": centre.host_kita_id,
        "host_kita": centre.host_kita.name if centre.host_kita_id else "",
        "address": centre.address,
        "opened_on": centre.opened_on.isoformat() if centre.opened_on else None,
        "central_location": centre.central_location,
        "cross_provider": centre.cross_provider,
        "offers": centre.offers,
        "active": centre.active,
        "closed_on": centre.closed_on.isoformat() if centre.closed_on else None,
    }


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Dazu sind Sie nicht berechtigt."))


def _check_centre(centre: Centre) -> None:
    """The centre's own rules, in German, before the database sees it."""
    if not (centre.name or "").strip():
        raise ValidationError(_("Bitte geben Sie dem Zentrum einen Namen."), code="name")
    if centre.premises not in Premises.values:
        raise ValidationError(_("Unbekannte Art der Räume."), code="premises")
    if centre.premises == Premises.KITA:
        if centre.host_kita_id is None:
            raise ValidationError(
                _("Ein Zentrum in einer Kita braucht die gastgebende Kita."), code="host_kita"
            )
        if centre.host_kita.sozialraum_id != centre.sozialraum_id:
            raise ValidationError(
                _("Die Kita %(kita)s liegt nicht im Sozialraum %(sr)s.")
                % {"kita": centre.host_kita, "sr": centre.sozialraum},
                code="host_kita",
            )
    else:
        # separate premises: no host Kita, and nothing for the Jugendamt to confirm
        centre.host_kita = None
        centre.central_location = False
        centre.cross_provider = False
    if centre.active and (
        Centre.objects.filter(sozialraum_id=centre.sozialraum_id, active=True)
        .exclude(pk=centre.pk)
        .exists()
    ):
        raise ValidationError(
            _(
                "Im Sozialraum %(sr)s gibt es schon ein aktives Kommunikations- und "
                "Nachbarschaftszentrum. Schließen Sie es zuerst (höchstens eines je "
                "Sozialraum)."
            )
            % {"sr": centre.sozialraum},
            code="one_active",
        )


def _save_centre(centre: Centre) -> None:
    try:
        with transaction.atomic():
            centre.save()
    except IntegrityError as exc:  # a concurrent save passed the check at the same time
        raise ValidationError(
            _(
                "Im Sozialraum %(sr)s gibt es schon ein aktives Kommunikations- und "
                "Nachbarschaftszentrum (höchstens eines je Sozialraum)."
            )
            % {"sr": centre.sozialraum},
            code="one_active",
        ) from exc


@transaction.atomic
def centre_create(
    *,
    sozialraum: Sozialraum,
    name: str,
    acting_user: User,
    premises: str = Premises.KITA,
    host_kita: Kita | None = None,
    address: str = "",
    opened_on: datetime.date | None = None,
    central_location: bool = False,
    cross_provider: bool = False,
    offers: str = "",
) -> Centre:
    """A Sozialraum's new, active centre (refused while another one is active)."""
    _require(centre_policy.user_can(acting_user, "manage", sozialraum))
    Sozialraum.objects.select_for_update().get(pk=sozialraum.pk)  # one creator at a time
    centre = Centre(
        sozialraum=sozialraum,
        name=(name or "").strip(),
        premises=premises,
        host_kita=host_kita,
        address=(address or "").strip(),
        opened_on=opened_on,
        central_location=bool(central_location),
        cross_provider=bool(cross_provider),
        offers=(offers or "").strip(),
        created_by=acting_user,
    )
    _check_centre(centre)
    _save_centre(centre)
    audit_events.record(
        actor=acting_user,
        action="centre.create",
        obj=centre,
        jugendamt_id=sozialraum.jugendamt_id,
        new=centre_snapshot(centre),
    )
    return centre


@transaction.atomic
def centre_update(
    *, centre_id: int, acting_user: User, **changes: str | bool | Kita | datetime.date | None
) -> Centre:
    """Change the fields of ``CENTRE_FIELDS``; the audit event keeps old and new."""
    unknown = set(changes) - set(CENTRE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    centre = (
        Centre.objects.select_for_update(of=("self",))
        .select_related("sozialraum")
        .get(pk=centre_id)
    )
    _require(centre_policy.user_can(acting_user, "manage", centre))
    if not centre.active:
        raise ValidationError(_("Ein geschlossenes Zentrum wird nicht mehr geändert."))
    old = centre_snapshot(centre)
    for key, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(centre, key, value)
    _check_centre(centre)
    new = centre_snapshot(centre)
    if new == old:
        return centre
    _save_centre(centre)
    keep = ("sozialraum_id", "sozialraum", "name")
    audit_events.record(
        actor=acting_user,
        action="centre.change",
        obj=centre,
        jugendamt_id=centre.jugendamt_id,
        old={k: v for k, v in old.items() if new[k] != v or k in keep},
        new={k: v for k, v in new.items() if old[k] != v or k in keep},
    )
    return centre


@transaction.atomic
def centre_close(
    *, centre_id: int, acting_user: User, closed_on: datetime.date | None = None, reason: str = ""
) -> Centre:
    """Close the centre (no longer active, from ``closed_on``): a new one may then be
    created; the plans' FS2 lines keep the link to it (and count as not eligible)."""
    centre = (
        Centre.objects.select_for_update(of=("self",))
        .select_related("sozialraum")
        .get(pk=centre_id)
    )
    _require(centre_policy.user_can(acting_user, "manage", centre))
    if not centre.active:
        raise ValidationError(_("Das Zentrum ist schon geschlossen."))
    closed_on = closed_on or timezone.localdate()
    if centre.opened_on and closed_on < centre.opened_on:
        raise ValidationError(
            _("Das Zentrum kann nicht vor seiner Eröffnung geschlossen werden."), code="closed_on"
        )
    old = centre_snapshot(centre)
    centre.active = False
    centre.closed_on = closed_on
    centre.save(update_fields=["active", "closed_on", "updated_at"])
    audit_events.record(
        actor=acting_user,
        action="centre.close",
        obj=centre,
        jugendamt_id=centre.jugendamt_id,
        old={k: old[k] for k in ("name", "active", "closed_on")},
        new={
            k: v for k, v in centre_snapshot(centre).items() if k in ("name", "active", "closed_on")
        },
        reason=(reason or "").strip(),
    )
    return centre


# --- FS4 requests ----------------------------------------------------------------------


def fs4_snapshot(request: Fs4Request) -> dict:
    return {
        "kita_id": request.kita_id,
        "kita": request.kita.name,
        "requester_kind": request.requester_kind,
        "need": request.need,
        "justification": request.justification,
        "fte": str(request.fte),
        "period_start": request.period_start.isoformat(),
        "period_end": request.period_end.isoformat(),
        "state": request.state,
        "decision_reason": request.decision_reason,
        "attachments": [a.name for a in request.attachments.all()],
    }


def _requester_kind(user: User, kita: Kita) -> str:
    """As whom the user asks: the Kita's leader, else its Träger."""
    if policy.has_role(user, roles.KITA_LEITUNG) and kita.pk in policy.led_kita_ids(user):
        return RequesterKind.KITA
    return RequesterKind.TRAEGER


@transaction.atomic
def fs4_request_submit(
    *,
    kita: Kita,
    need: str,
    justification: str,
    fte: Decimal,
    period_start: datetime.date,
    period_end: datetime.date,
    acting_user: User,
    files: list | tuple = (),
) -> Fs4Request:
    """A Kita's request for betriebserlaubnisrelevantes Zusatzpersonal, with PDFs."""
    _require(fs4_request_policy.user_can(acting_user, "submit", kita))
    need, justification = (need or "").strip(), (justification or "").strip()
    if not need:
        raise ValidationError(_("Bitte beschreiben Sie den Bedarf."), code="need")
    if not justification:
        raise ValidationError(_("Bitte begründen Sie den Bedarf."), code="justification")
    jugendamt = kita.sozialraum.jugendamt
    check_bounds(
        Decimal(fte),
        label=_("Stellenanteil (VZÄ)"),
        unit=_("VZÄ"),
        min_value=jugendamt.fte_min,
        max_value=jugendamt.fte_max,
        step=jugendamt.fte_step,
    )
    if period_end < period_start:
        raise ValidationError(_("Der Zeitraum endet vor seinem Beginn."), code="period")
    files = [f for f in files if f]
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("Höchstens %(n)s Anlagen je Antrag.") % {"n": MAX_ATTACHMENTS}, code="too_many"
        )
    for uploaded in files:
        check_pdf(uploaded)
    request = Fs4Request.objects.create(
        kita=kita,
        requested_by=acting_user,
        requester_kind=_requester_kind(acting_user, kita),
        need=need,
        justification=justification,
        fte=Decimal(fte),
        period_start=period_start,
        period_end=period_end,
    )
    for uploaded in files:
        Fs4Attachment.objects.create(
            request=request,
            file=uploaded,
            name=uploaded.name[:255],
            size=uploaded.size,
            uploaded_by=acting_user,
        )
    audit_events.record(
        actor=acting_user,
        action="fs4_request.submit",
        obj=request,
        jugendamt_id=jugendamt.pk,
        new=fs4_snapshot(request),
    )
    notifications.fs4_request_submitted(request=request, acting_user=acting_user)
    return request


def _decide(*, request_id: int, accept: bool, reason: str, acting_user: User) -> Fs4Request:
    request = (
        Fs4Request.objects.select_for_update(of=("self",))
        .select_related("kita", "kita__sozialraum", "kita__sozialraum__jugendamt")
        .get(pk=request_id)
    )
    if not fs4_request_policy.user_can(acting_user, "view", request):
        raise Fs4Request.DoesNotExist
    if request.state != Fs4RequestState.SUBMITTED:
        raise ValidationError(
            _("Über diesen Antrag ist schon entschieden (%(state)s).")
            % {"state": request.get_state_display()},
            code="decided",
        )
    _require(fs4_request_policy.user_can(acting_user, "decide", request))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError(
            _("Bitte begründen Sie die Ablehnung; die Antragsteller*innen erhalten sie."),
            code="reason",
        )
    old = {"state": request.state}
    request.state = Fs4RequestState.ACCEPTED if accept else Fs4RequestState.DECLINED
    request.decided_by = acting_user
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    audit_events.record(
        actor=acting_user,
        action="fs4_request.accept" if accept else "fs4_request.decline",
        obj=request,
        jugendamt_id=request.jugendamt_id,
        old={**old, "kita_id": request.kita_id, "kita": request.kita.name},
        new={
            "kita_id": request.kita_id,
            "kita": request.kita.name,
            "state": request.state,
            "decision_reason": reason,
        },
        reason=reason,
    )
    notifications.fs4_request_decided(request=request, acting_user=acting_user)
    return request


@transaction.atomic
def fs4_request_accept(*, request_id: int, acting_user: User, reason: str = "") -> Fs4Request:
    """The Jugendamt accepts the request (a reason is optional): an FS4 line may then link
    to it. The requester is told by mail."""
    return _decide(request_id=request_id, accept=True, reason=reason, acting_user=acting_user)


@transaction.atomic
def fs4_request_decline(*, request_id: int, acting_user: User, reason: str) -> Fs4Request:
    """The Jugendamt declines the request with a reason the requester is told by mail."""
    return _decide(request_id=request_id, accept=False, reason=reason, acting_user=acting_user)
