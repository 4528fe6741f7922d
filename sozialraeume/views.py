from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from audit.display import event_rows
from audit.selectors import events_for_object
from sozialraeume import accounts, roles
from sozialraeume.forms import (
    GrantDecisionForm,
    InviteForm,
    RoleGrantForm,
    RoleRevokeForm,
    SetActiveForm,
)
from sozialraeume.models import RoleGrantRequest, User
from sozialraeume.permissions import FOUR_EYES_ROLES, role_grant_policy, user_policy
from sozialraeume.services import user_invite


@require_GET
@never_cache
def healthz(request):
    """Readiness: the database answers ``SELECT 1``."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def invite_user(request):
    """Jugendamt staff invite Kita leaders and Träger representatives by e-mail."""
    user = request.user
    if not user_policy.user_can(user, "manage"):
        raise PermissionDenied
    form = InviteForm(request.POST or None, jugendamt_id=user.jugendamt_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited = user_invite(
                acting_user=user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                kitas=list(data["kitas"]),
                traeger=data["traeger"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Die Einladung an %(email)s wurde versendet.") % {"email": invited.email}
            )
            return redirect("invite_user")
    return render(request, "sozialraeume/invite.html", {"form": form})


# --- people and roles (/personen/) -----------------------------------------------------


def _role_labels(person: User) -> list[str]:
    return [str(roles.ROLE_LABELS.get(g.name, g.name)) for g in person.groups.all()]


@login_required
def people_list(request):
    """The people of the own Jugendamt: roles, Kitas/Träger, active, invitation state."""
    user = request.user
    if not user_policy.user_can(user, "view"):
        raise PermissionDenied
    people = (
        user_policy.instances_for(user, "view")
        .select_related("traeger", "jugendamt")
        .prefetch_related("groups", "kitas")
        .order_by("last_name", "first_name", "username")
    )
    rows = [
        {"person": p, "roles": _role_labels(p), "kitas": [k.name for k in p.kitas.all()]}
        for p in people
    ]
    pending = role_grant_policy.instances_for(user, "view").filter(
        state=RoleGrantRequest.State.PENDING
    )
    return render(
        request,
        "sozialraeume/people_list.html",
        {"rows": rows, "pending": pending, "role_labels": roles.ROLE_LABELS},
    )


def _visible_person(request, pk) -> User:
    """The person, if in the user's Jugendamt (otherwise 404, as for a missing one)."""
    return get_object_or_404(user_policy.instances_for(request.user, "view"), pk=pk)


@login_required
def person_detail(request, pk):
    user = request.user
    person = _visible_person(request, pk)
    grants = role_grant_policy.instances_for(user, "view").filter(user=person)
    history = event_rows(events_for_object(object_type="sozialraeume.user", object_id=person.pk))
    held = set(person.groups.values_list("name", flat=True))
    return render(
        request,
        "sozialraeume/person_detail.html",
        {
            "person": person,
            "roles": _role_labels(person),
            "held_roles": [(r, roles.ROLE_LABELS[r]) for r in roles.ALL_ROLES if r in held],
            "grant_form": RoleGrantForm(jugendamt_id=person.jugendamt_id),
            "grantable": [
                (r, roles.ROLE_LABELS[r], r in FOUR_EYES_ROLES)
                for r in roles.ALL_ROLES
                if r not in held
            ],
            "grants": grants,
            "events": history,
        },
    )


def _back(person: User):
    return redirect(reverse("sozialraeume:person_detail", kwargs={"pk": person.pk}))


def _run(request, person: User, action, success: str):
    """Call one service; a refusal of the rules (ValidationError) becomes a message."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return _back(person)


@login_required
@require_POST
def person_resend_invitation(request, pk):
    person = _visible_person(request, pk)
    return _run(
        request,
        person,
        lambda: accounts.user_invitation_resend(acting_user=request.user, user=person),
        _("Eine neue Einladung an %(email)s wurde versendet.") % {"email": person.email},
    )


@login_required
@require_POST
def person_send_reset_link(request, pk):
    person = _visible_person(request, pk)
    return _run(
        request,
        person,
        lambda: accounts.user_password_reset_link_send(acting_user=request.user, user=person),
        _("Ein Link zum Festlegen eines neuen Passworts wurde an %(email)s gesendet.")
        % {"email": person.email},
    )


@login_required
@require_POST
def person_set_active(request, pk):
    person = _visible_person(request, pk)
    if not user_policy.user_can(request.user, "change_active", person):
        raise PermissionDenied
    form = SetActiveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Ungültige Angabe."))
    active = form.cleaned_data["active"]
    return _run(
        request,
        person,
        lambda: accounts.user_set_active(acting_user=request.user, user=person, active=active),
        _("Das Konto wurde reaktiviert.") if active else _("Das Konto wurde deaktiviert."),
    )


@login_required
@require_POST
def person_role_grant(request, pk):
    person = _visible_person(request, pk)
    if not user_policy.user_can(request.user, "manage_roles", person):
        raise PermissionDenied
    form = RoleGrantForm(request.POST, jugendamt_id=person.jugendamt_id)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(person)
    data = form.cleaned_data
    role = data["role"]
    label = roles.ROLE_LABELS[role]
    success = (
        _(
            "Die Rolle %(role)s ist beantragt. Eine zweite Person mit der Rolle "
            "Administration muss die Vergabe bestätigen."
        )
        if role in FOUR_EYES_ROLES
        else _("Die Rolle %(role)s wurde vergeben.")
    ) % {"role": label}
    return _run(
        request,
        person,
        lambda: accounts.user_role_grant(
            acting_user=request.user,
            user=person,
            role=role,
            kitas=list(data["kitas"]),
            traeger=data["traeger"],
            reason=data["reason"],
        ),
        success,
    )


@login_required
@require_POST
def person_role_revoke(request, pk):
    person = _visible_person(request, pk)
    if not user_policy.user_can(request.user, "manage_roles", person):
        raise PermissionDenied
    form = RoleRevokeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Ungültige Angabe."))
    role = form.cleaned_data["role"]
    return _run(
        request,
        person,
        lambda: accounts.user_role_revoke(
            acting_user=request.user, user=person, role=role, reason=form.cleaned_data["reason"]
        ),
        _("Die Rolle %(role)s wurde entzogen.") % {"role": roles.ROLE_LABELS[role]},
    )


@login_required
@require_POST
def role_grant_decide(request, pk):
    """Confirm or reject a request for Jugendamt-Leitung or Administration."""
    user = request.user
    grant = get_object_or_404(
        role_grant_policy.instances_for(user, "view").select_related("user"), pk=pk
    )
    form = GrantDecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Ungültige Angabe: Bitte laden Sie die Seite neu."))
    data = form.cleaned_data
    if data["decision"] == "confirm":
        if not role_grant_policy.user_can(user, "confirm", grant):
            raise PermissionDenied
        success = _("Die Vergabe der Rolle %(role)s an %(person)s ist bestätigt.")

        def action():
            accounts.role_grant_confirm(acting_user=user, grant=grant, version=data["version"])
    else:
        if not role_grant_policy.user_can(user, "reject", grant):
            raise PermissionDenied
        success = _("Die Anfrage zur Rolle %(role)s für %(person)s ist abgelehnt.")

        def action():
            accounts.role_grant_reject(
                acting_user=user, grant=grant, version=data["version"], reason=data["reason"]
            )

    person = grant.user
    label = roles.ROLE_LABELS.get(grant.role, grant.role)
    return _run(
        request,
        person,
        action,
        success % {"role": label, "person": person.get_full_name() or person.username},
    )
