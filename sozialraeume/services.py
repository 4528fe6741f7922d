"""Write-side operations on master data and accounts."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from audit import events as audit_events
from sozialraeume import roles
from sozialraeume.models import Kita, Traeger, User
from sozialraeume.permissions import user_policy

INVITABLE_ROLES = (roles.KITA_LEITUNG, roles.TRAEGER)


def password_set_link(*, user: User, base_url: str) -> str:
    """The absolute one-time link with which ``user`` sets their password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


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
    base_url: str,
) -> User:
    """Create an account without a password and e-mail a one-time link to set one.

    The link is Django's password-reset token: it stops working as soon as the
    password is set (the token depends on the password hash and last login).
    """
    if not user_policy.user_can(acting_user, "manage"):
        raise PermissionDenied
    if role not in INVITABLE_ROLES:
        raise ValidationError(_("Diese Rolle kann nicht per Einladung vergeben werden."))
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(username__iexact=email).exists():
        raise ValidationError(_("Für diese E-Mail-Adresse gibt es bereits ein Konto."))
    kitas = list(kitas or [])
    jugendamt_id = acting_user.jugendamt_id
    for kita in kitas:
        if kita.sozialraum.jugendamt_id != jugendamt_id:
            raise ValidationError(_("Die Kita gehört nicht zu Ihrem Jugendamt."))
    if traeger is not None and traeger.jugendamt_id != jugendamt_id:
        raise ValidationError(_("Der Träger gehört nicht zu Ihrem Jugendamt."))
    if role == roles.KITA_LEITUNG and not kitas:
        raise ValidationError(_("Bitte wählen Sie mindestens eine Kita aus."))
    if role == roles.TRAEGER and traeger is None:
        raise ValidationError(_("Bitte wählen Sie einen Träger aus."))

    user = User(
        username=email,
        email=email,
        first_name=first_name,
        last_name=last_name,
        jugendamt_id=jugendamt_id,
        traeger=traeger if role == roles.TRAEGER else None,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=role))
    if kitas:
        user.kitas.set(kitas)
    audit_events.record(
        actor=acting_user,
        jugendamt_id=jugendamt_id,
        action="user.invite",
        obj=user,
        new={"email": email, "role": role, "kitas": [k.name for k in kitas]},
    )
    link = password_set_link(user=user, base_url=base_url)
    context = {"user": user, "link": link, "role": role, "inviter": acting_user}
    transaction.on_commit(
        lambda: send_mail(
            subject=_("Einladung zum Sozialraumbudget"),
            message=render_to_string("registration/invite_email.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    )
    return user
