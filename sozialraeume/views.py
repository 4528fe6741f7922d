from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sozialraeume.forms import InviteForm
from sozialraeume.permissions import user_policy
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
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Die Einladung an %(email)s wurde versendet.") % {"email": invited.email}
            )
            return redirect("invite_user")
    return render(request, "sozialraeume/invite.html", {"form": form})
