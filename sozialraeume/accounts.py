"""People and their roles: invitations, reset links, activation, role grants.

Every function is a write service (keyword-only, ``acting_user=``, one transaction with its
audit event) and asks ``sozialraeume.permissions`` whether the acting user may do it. The
rules the page "Personen" follows (README "Personen und Rollen"):

- Nobody sets another person's password: staff send a link with which the person sets it
  (Django's password-reset token, valid for ``settings.PASSWORD_RESET_TIMEOUT``).
- Nobody changes their own roles or active flag.
- Jugendamt-Leitung and Administration are given only by two people: one holding
  Administration asks (``role_grant_request``), a second one of the same Jugendamt
  confirms (``role_grant_confirm``); every other role is given directly.

Mail goes through ``django.core.mail`` inside the transaction, so that an outbox backend
records it together with the change (and nothing is recorded when the change fails).
"""

from __future__ import annotations

import datetime
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from audit import events as audit_events
from sozialraeume import roles
from sozialraeume.models import Jugendamt, Kita, RoleGrantRequest, Traeger, User
from sozialraeume.permissions import (
    FOUR_EYES_ROLES,
    INVITABLE_ROLES,
    role_grant_policy,
    user_policy,
)

__all__ = [
    "FOUR_EYES_ROLES",
    "INVITABLE_ROLES",
    "password_set_link",
    "role_grant_confirm",
    "role_grant_reject",
    "role_grant_request",
    "jugendamt_sender_name",
    "mail_sender",
    "site_url",
    "user_invitation_resend",
    "user_invite",
    "user_password_reset_link_send",
    "user_role_grant",
    "user_role_revoke",
    "user_set_active",
]


# --- mail: who sends it, where its links point ----------------------------------------


def jugendamt_sender_name(jugendamt: Jugendamt | None) -> str:
    """How a Jugendamt signs its mails: "Jugendamt Stadt Bad Kreuznach" ("Ihr Jugendamt"
    without one). A name that already says "Jugendamt" is taken as it is."""
    if jugendamt is None:
        return _("Jugendamt")
    if "jugendamt" in jugendamt.name.lower():
        return jugendamt.name
    return _("Jugendamt %(name)s") % {"name": jugendamt.name}


def mail_sender(jugendamt: Jugendamt | None) -> str:
    """The From header of a Jugendamt's mail: its name and the configured address
    (``DEFAULT_FROM_EMAIL``), e.g. "Jugendamt Stadt Bad Kreuznach <srb@example.de>"."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if jugendamt is None:
        return formataddr((name, address)) if name else address
    return formataddr((jugendamt_sender_name(jugendamt), address))


def site_url(path: str = "/") -> str:
    """``path`` on the configured site (``SRB_SITE_URL``): mails carry absolute links that
    point to the address people use, not to whatever host a request came in on."""
    return settings.SRB_SITE_URL.rstrip("/") + "/" + path.lstrip("/")


# --- helpers ---------------------------------------------------------------------------


def mail_recipients(users, acting_user: User | None) -> list[User]:
    """Who a step's mail goes to: active people with an address, each once, never the
    person who acted (the notifications of allocation and foerderung use it)."""
    seen: set[int] = set()
    result = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active or not user.email:
            continue
        if acting_user is not None and user.pk == acting_user.pk:
            continue
        seen.add(user.pk)
        result.append(user)
    return result


def password_set_link(*, user: User, base_url: str | None = None) -> str:
    """The absolute one-time link with which ``user`` sets their password: on the
    configured site (``SRB_SITE_URL``) unless ``base_url`` names another."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path if base_url else site_url(path)


def _link_expires(sent: datetime.datetime) -> datetime.datetime:
    return sent + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def _role_names(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def _assignment(user: User) -> dict:
    """The user's roles, Kitas and Träger as the audit payload shows them."""
    return {
        "roles": _role_names(user),
        "kitas": sorted(user.kitas.values_list("name", flat=True)),
        "traeger": user.traeger.name if user.traeger_id else "",
    }


def _locked(user: User) -> User:
    """The user's row, locked for the rest of the transaction (two tabs, one winner)."""
    return User.objects.select_for_update().get(pk=user.pk)


def _send(*, template: str, subject: str, context: dict, to: str, jugendamt=None) -> None:
    """One mail in the Jugendamt's name (From header and signature)."""
    context = {"jugendamt": jugendamt, "signature": jugendamt_sender_name(jugendamt), **context}
    send_mail(
        subject=subject,
        message=render_to_string(template, context),
        from_email=mail_sender(jugendamt),
        recipient_list=[to],
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _check_assignment(
    *, jugendamt_id: int | None, role: str, kitas: list[Kita], traeger: Traeger | None
) -> None:
    for kita in kitas:
        if kita.sozialraum.jugendamt_id != jugendamt_id:
            raise ValidationError(_("Die Kita gehört nicht zu Ihrem Jugendamt."))
    if traeger is not None and traeger.jugendamt_id != jugendamt_id:
        raise ValidationError(_("Der Träger gehört nicht zu Ihrem Jugendamt."))
    if role == roles.KITA_LEITUNG and not kitas:
        raise ValidationError(_("Bitte wählen Sie mindestens eine Kita aus."))
    if role == roles.TRAEGER and traeger is None:
        raise ValidationError(_("Bitte wählen Sie einen Träger aus."))


def _sync_staff_flag(user: User) -> None:
    """Jugendamt roles open the Django admin (``is_staff``); without one it closes."""
    is_staff = user.is_superuser or user.groups.filter(name__in=roles.STAFF_ROLES).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


# --- invitations and reset links -------------------------------------------------------


@transaction.atomic
def user_invite(
    *,
    acting_user: User,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str,
    kitas: list[Kita] | None = None,
    traeger: Traeger | None = None,
    base_url: str | None = None,
) -> User:
    """Create an account without a password and e-mail a one-time link to set one.

    The link is Django's password-reset token: it stops working as soon as the
    password is set (the token depends on the password hash and last login) and after
    ``PASSWORD_RESET_TIMEOUT``; ``user_invitation_resend`` sends a new one.
    """
    _require(user_policy.user_can(acting_user, "manage"))
    if role not in INVITABLE_ROLES:
        raise ValidationError(_("Diese Rolle kann nicht per Einladung vergeben werden."))
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(username__iexact=email).exists():
        raise ValidationError(_("Für diese E-Mail-Adresse gibt es bereits ein Konto."))
    kitas = list(kitas or [])
    jugendamt_id = acting_user.jugendamt_id
    _check_assignment(jugendamt_id=jugendamt_id, role=role, kitas=kitas, traeger=traeger)

    now = timezone.now()
    user = User(
        username=email,
        email=email,
        first_name=first_name,
        last_name=last_name,
        jugendamt_id=jugendamt_id,
        traeger=traeger if role == roles.TRAEGER else None,
        invited_at=now,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=role))
    if kitas and role == roles.KITA_LEITUNG:
        user.kitas.set(kitas)
    audit_events.record(
        actor=acting_user,
        jugendamt_id=jugendamt_id,
        action="user.invite",
        obj=user,
        new={"email": email, "role": role, "kitas": [k.name for k in kitas]},
    )
    _send_invitation(user=user, acting_user=acting_user, role=role, base_url=base_url, sent=now)
    return user


def _send_invitation(
    *, user: User, acting_user: User, role: str, base_url: str | None, sent: datetime.datetime
) -> None:
    context = {
        "user": user,
        "link": password_set_link(user=user, base_url=base_url),
        "role": role,
        "inviter": acting_user,
        "expires": _link_expires(sent),
    }
    _send(
        template="registration/invite_email.txt",
        subject=_("Einladung zum Sozialraumbudget"),
        context=context,
        to=user.email,
        jugendamt=user.jugendamt,
    )


@transaction.atomic
def user_invitation_resend(*, acting_user: User, user: User, base_url: str | None = None) -> User:
    """Send a new invitation link (also when the old one has expired).

    Only for an invitation not yet used; whoever has set a password gets a reset link
    (``user_password_reset_link_send``) instead."""
    _require(user_policy.user_can(acting_user, "manage", user))
    user = _locked(user)
    if user.invitation_accepted:
        raise ValidationError(
            _(
                "Die Einladung wurde bereits angenommen. Senden Sie bei Bedarf einen Link "
                "zum Zurücksetzen des Passworts."
            )
        )
    if not user.is_active:
        raise ValidationError(_("Das Konto ist deaktiviert. Bitte reaktivieren Sie es zuerst."))
    if not user.email:
        raise ValidationError(_("Für diese Person ist keine E-Mail-Adresse hinterlegt."))
    old_sent = user.invited_at or user.date_joined
    was = user.invitation_state
    now = timezone.now()
    user.invited_at = now
    user.save(update_fields=["invited_at"])
    role_names = _role_names(user)
    audit_events.record(
        actor=acting_user,
        jugendamt_id=user.jugendamt_id,
        action="user.invite_resend",
        obj=user,
        old={"state": was, "sent_at": old_sent, "expires_at": _link_expires(old_sent)},
        new={"email": user.email, "sent_at": now, "expires_at": _link_expires(now)},
    )
    _send_invitation(
        user=user,
        acting_user=acting_user,
        role=role_names[0] if role_names else "",
        base_url=base_url,
        sent=now,
    )
    return user


@transaction.atomic
def user_password_reset_link_send(
    *, acting_user: User, user: User, base_url: str | None = None
) -> User:
    """E-mail ``user`` a link with which they set a new password themselves.

    Staff never type another person's password; the link goes to the person's own
    address. The current password keeps working until the person sets a new one."""
    _require(user_policy.user_can(acting_user, "manage", user))
    user = _locked(user)
    if not user.is_active:
        raise ValidationError(_("Das Konto ist deaktiviert. Bitte reaktivieren Sie es zuerst."))
    if not user.invitation_accepted:
        raise ValidationError(
            _("Die Einladung wurde noch nicht angenommen. Bitte senden Sie sie erneut.")
        )
    if not user.email:
        raise ValidationError(_("Für diese Person ist keine E-Mail-Adresse hinterlegt."))
    now = timezone.now()
    audit_events.record(
        actor=acting_user,
        jugendamt_id=user.jugendamt_id,
        action="user.password_reset_link",
        obj=user,
        new={"email": user.email, "sent_at": now, "expires_at": _link_expires(now)},
    )
    _send(
        template="registration/password_reset_link_email.txt",
        subject=_("Neues Passwort für das Sozialraumbudget festlegen"),
        context={
            "user": user,
            "link": password_set_link(user=user, base_url=base_url),
            "sender": acting_user,
            "expires": _link_expires(now),
        },
        to=user.email,
        jugendamt=user.jugendamt,
    )
    return user


# --- activation ------------------------------------------------------------------------


@transaction.atomic
def user_set_active(*, acting_user: User, user: User, active: bool) -> User:
    """Deactivate (no sign-in, open sessions end with the next request) or reactivate."""
    _require(user_policy.user_can(acting_user, "change_active", user))
    user = _locked(user)
    if user.is_active == active:
        raise ValidationError(
            _("Das Konto ist bereits aktiv.") if active else _("Das Konto ist bereits deaktiviert.")
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_events.record(
        actor=acting_user,
        jugendamt_id=user.jugendamt_id,
        action="user.activate" if active else "user.deactivate",
        obj=user,
        old={"is_active": not active},
        new={"is_active": active},
    )
    return user


# --- roles -----------------------------------------------------------------------------


def _check_role(role: str) -> None:
    if role not in roles.ALL_ROLES:
        raise ValidationError(_("Diese Rolle gibt es nicht."))


@transaction.atomic
def user_role_grant(
    *,
    acting_user: User,
    user: User,
    role: str,
    kitas: list[Kita] | None = None,
    traeger: Traeger | None = None,
    reason: str = "",
) -> RoleGrantRequest | None:
    """Give ``user`` a role. Jugendamt-Leitung and Administration become a request that a
    second person holding Administration confirms (returned); every other role is given
    at once (None). A Kita-Leitung needs the Kitas, a Träger-Vertretung the Träger."""
    _require(user_policy.user_can(acting_user, "manage_roles", user))
    _check_role(role)
    user = _locked(user)
    if not user.is_active:
        raise ValidationError(_("Das Konto ist deaktiviert. Bitte reaktivieren Sie es zuerst."))
    if user.groups.filter(name=role).exists():
        raise ValidationError(_("Die Person hat diese Rolle bereits."))
    if role in FOUR_EYES_ROLES:
        return role_grant_request(acting_user=acting_user, user=user, role=role, reason=reason)

    kitas = list(kitas or [])
    _check_assignment(jugendamt_id=user.jugendamt_id, role=role, kitas=kitas, traeger=traeger)
    old = _assignment(user)
    user.groups.add(Group.objects.get(name=role))
    if role == roles.KITA_LEITUNG:
        user.kitas.add(*kitas)
    if role == roles.TRAEGER:
        user.traeger = traeger
        user.save(update_fields=["traeger"])
    _sync_staff_flag(user)
    audit_events.record(
        actor=acting_user,
        jugendamt_id=user.jugendamt_id,
        action="role.grant",
        obj=user,
        old=old,
        new={"role": role, **_assignment(user)},
        reason=reason,
    )
    return None


@transaction.atomic
def user_role_revoke(*, acting_user: User, user: User, role: str, reason: str = "") -> User:
    """Take a role away; a Kita-Leitung loses its Kitas, a Träger-Vertretung its Träger."""
    _require(user_policy.user_can(acting_user, "manage_roles", user))
    _check_role(role)
    user = _locked(user)
    if not user.groups.filter(name=role).exists():
        raise ValidationError(_("Die Person hat diese Rolle nicht (mehr)."))
    old = _assignment(user)
    user.groups.remove(Group.objects.get(name=role))
    if role == roles.KITA_LEITUNG:
        user.kitas.clear()
    if role == roles.TRAEGER and user.traeger_id:
        user.traeger = None
        user.save(update_fields=["traeger"])
    _sync_staff_flag(user)
    audit_events.record(
        actor=acting_user,
        jugendamt_id=user.jugendamt_id,
        action="role.revoke",
        obj=user,
        old=old,
        new={"role": role, **_assignment(user)},
        reason=reason,
    )
    return user


def _request_payload(grant: RoleGrantRequest) -> dict:
    return {
        "request_id": grant.pk,
        "role": grant.role,
        "state": grant.state,
        "version": grant.version,
    }


@transaction.atomic
def role_grant_request(
    *, acting_user: User, user: User, role: str, reason: str = ""
) -> RoleGrantRequest:
    """Ask for Jugendamt-Leitung or Administration for ``user`` (second person confirms)."""
    _require(user_policy.user_can(acting_user, "manage_roles", user))
    if role not in FOUR_EYES_ROLES:
        raise ValidationError(_("Diese Rolle wird ohne Bestätigung vergeben."))
    user = _locked(user)
    if user.jugendamt_id is None:
        raise ValidationError(_("Die Person gehört zu keinem Jugendamt."))
    if user.groups.filter(name=role).exists():
        raise ValidationError(_("Die Person hat diese Rolle bereits."))
    if RoleGrantRequest.objects.filter(
        user=user, role=role, state=RoleGrantRequest.State.PENDING
    ).exists():
        raise ValidationError(_("Für diese Rolle liegt bereits eine offene Anfrage vor."))
    grant = RoleGrantRequest.objects.create(
        jugendamt_id=user.jugendamt_id,
        user=user,
        role=role,
        reason=reason,
        requested_by=acting_user,
    )
    audit_events.record(
        actor=acting_user,
        jugendamt_id=user.jugendamt_id,
        action="role_grant.request",
        obj=user,
        new={**_request_payload(grant), "roles": _role_names(user)},
        reason=reason,
    )
    return grant


def _locked_pending(grant: RoleGrantRequest, version: int) -> RoleGrantRequest:
    grant = RoleGrantRequest.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.state != RoleGrantRequest.State.PENDING or grant.version != version:
        raise ValidationError(
            _(
                "Die Anfrage wurde inzwischen bearbeitet. Bitte laden Sie die Seite neu "
                "und prüfen Sie den aktuellen Stand."
            )
        )
    return grant


@transaction.atomic
def role_grant_confirm(
    *, acting_user: User, grant: RoleGrantRequest, version: int
) -> RoleGrantRequest:
    """The second person confirms: the role is given now."""
    _require(role_grant_policy.user_can(acting_user, "confirm", grant))
    grant = _locked_pending(grant, version)
    # asked again on the locked row: the requester and the grantee never confirm
    _require(role_grant_policy.user_can(acting_user, "confirm", grant))
    user = _locked(grant.user)
    if not user.is_active:
        raise ValidationError(_("Das Konto ist deaktiviert. Bitte reaktivieren Sie es zuerst."))
    old = {**_request_payload(grant), "roles": _role_names(user)}
    user.groups.add(Group.objects.get(name=grant.role))
    _sync_staff_flag(user)
    grant.state = RoleGrantRequest.State.CONFIRMED
    grant.decided_by = acting_user
    grant.decided_at = timezone.now()
    grant.version += 1
    grant.save(update_fields=["state", "decided_by", "decided_at", "version"])
    audit_events.record(
        actor=acting_user,
        jugendamt_id=grant.jugendamt_id,
        action="role_grant.confirm",
        obj=user,
        old=old,
        new={
            **_request_payload(grant),
            "roles": _role_names(user),
            "requested_by": grant.requested_by.username,
        },
    )
    return grant


@transaction.atomic
def role_grant_reject(
    *, acting_user: User, grant: RoleGrantRequest, version: int, reason: str = ""
) -> RoleGrantRequest:
    """A second person rejects the request, or the requester withdraws it."""
    _require(role_grant_policy.user_can(acting_user, "reject", grant))
    grant = _locked_pending(grant, version)
    old = _request_payload(grant)
    grant.state = RoleGrantRequest.State.REJECTED
    grant.decided_by = acting_user
    grant.decided_at = timezone.now()
    grant.version += 1
    grant.save(update_fields=["state", "decided_by", "decided_at", "version"])
    audit_events.record(
        actor=acting_user,
        jugendamt_id=grant.jugendamt_id,
        action="role_grant.reject",
        obj=grant.user,
        old=old,
        new={**_request_payload(grant), "requested_by": grant.requested_by.username},
        reason=reason,
    )
    return grant
