"""Pages of FS2 centres and FS4 requests (issue 15): permission check, form, one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from foerderung import selectors
from foerderung import services as s
from foerderung.forms import CentreCloseForm, CentreForm, DecisionForm, Fs4RequestForm
from foerderung.models import Fs4Attachment, Fs4RequestState
from foerderung.permissions import centre_policy, fs4_request_policy
from sozialraeume.models import Sozialraum
from srb_project import policy
from srb_project.uploads import attachment_response


def _errors(form, exc) -> None:
    form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))


def _error_text(exc) -> str:
    """A refused step's messages as one line (a ValidationError's, or a PermissionDenied's)."""
    return " ".join(getattr(exc, "messages", [str(exc)]))


# --- centres ---------------------------------------------------------------------------


@login_required
@require_GET
def centre_list(request):
    """Per Sozialraum: its centre, or "kein Zentrum" (staff; planners may manage)."""
    if not centre_policy.user_can(request.user, "view"):
        raise PermissionDenied
    return render(
        request,
        "foerderung/centre_list.html",
        {
            "rows": selectors.centre_rows(request.user),
            "can_manage": centre_policy.user_can(request.user, "manage"),
        },
    )


def _sozialraum_to_manage(request, pk) -> Sozialraum:
    qs = Sozialraum.objects.filter(policy.jugendamt_scope(request.user))
    sozialraum = get_object_or_404(qs, pk=pk)
    if not centre_policy.user_can(request.user, "manage", sozialraum):
        raise Http404
    return sozialraum


@login_required
def centre_create(request, sozialraum_pk):
    sozialraum = _sozialraum_to_manage(request, sozialraum_pk)
    form = CentreForm(request.POST or None, sozialraum=sozialraum)
    if request.method == "POST" and form.is_valid():
        try:
            s.centre_create(sozialraum=sozialraum, acting_user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Das Zentrum ist angelegt."))
            return redirect("foerderung:centre_list")
    return render(
        request,
        "foerderung/centre_form.html",
        {"form": form, "sozialraum": sozialraum, "centre": None},
    )


@login_required
def centre_edit(request, pk):
    centre = get_object_or_404(centre_policy.instances_for(request.user, "manage"), pk=pk)
    if not centre.active:
        raise Http404
    form = CentreForm(request.POST or None, sozialraum=centre.sozialraum, centre=centre)
    if request.method == "POST" and form.is_valid():
        try:
            s.centre_update(centre_id=centre.pk, acting_user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Das Zentrum ist gespeichert."))
            return redirect("foerderung:centre_list")
    return render(
        request,
        "foerderung/centre_form.html",
        {
            "form": form,
            "sozialraum": centre.sozialraum,
            "centre": centre,
            "close_form": CentreCloseForm(initial={"closed_on": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def centre_close(request, pk):
    centre = get_object_or_404(centre_policy.instances_for(request.user, "manage"), pk=pk)
    form = CentreCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte geben Sie das Datum der Schließung an."))
        return redirect("foerderung:centre_edit", pk=centre.pk)
    try:
        s.centre_close(centre_id=centre.pk, acting_user=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return redirect("foerderung:centre_list")
    messages.success(request, _("Das Zentrum ist geschlossen."))
    return redirect("foerderung:centre_list")


# --- FS4 requests ----------------------------------------------------------------------


@login_required
@require_GET
def fs4_list(request):
    """The requests the user may see: a Kita leader their Kita's, a Träger their Kitas',
    the Jugendamt all of its own (open ones first)."""
    user = request.user
    if not fs4_request_policy.user_can(user, "view"):
        raise PermissionDenied
    open_first = Case(When(state=Fs4RequestState.SUBMITTED, then=0), default=1)
    requests = fs4_request_policy.instances_for(user, "view").order_by(
        open_first, "-created_at", "-pk"
    )
    return render(
        request,
        "foerderung/fs4_list.html",
        {
            "requests": requests,
            "can_submit": fs4_request_policy.user_can(user, "submit"),
            "can_decide": fs4_request_policy.user_can(user, "decide"),
            "is_staff": policy.is_staff(user),
        },
    )


@login_required
def fs4_submit(request):
    user = request.user
    if not fs4_request_policy.user_can(user, "submit"):
        raise PermissionDenied
    kitas = fs4_request_policy.instances_for(user, "submit")
    first = kitas.first()
    form = Fs4RequestForm(
        request.POST or None,
        request.FILES or None,
        kitas=kitas,
        jugendamt=first.sozialraum.jugendamt if first else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fs4 = s.fs4_request_submit(
                kita=data["kita"],
                need=data["need"],
                justification=data["justification"],
                fte=data["fte"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                files=data["attachments"],
                acting_user=user,
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(form, exc)
        else:
            messages.success(
                request, _("Ihr Antrag ist eingereicht. Das Jugendamt entscheidet darüber.")
            )
            return redirect("foerderung:fs4_detail", pk=fs4.pk)
    return render(request, "foerderung/fs4_form.html", {"form": form})


def _request_or_404(request, pk):
    return get_object_or_404(fs4_request_policy.instances_for(request.user, "view"), pk=pk)


@login_required
@require_GET
def fs4_detail(request, pk):
    fs4 = _request_or_404(request, pk)
    return render(
        request,
        "foerderung/fs4_detail.html",
        {
            "fs4": fs4,
            "attachments": fs4.attachments.all(),
            "lines": fs4.lines.select_related("plan", "plan__budget_year", "plan__sozialraum")
            if policy.is_staff(request.user)
            else None,
            "can_decide": fs4_request_policy.user_can(request.user, "decide", fs4),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def fs4_decide(request, pk):
    fs4 = _request_or_404(request, pk)
    if not policy.is_planner(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    accept = request.POST.get("decision") == "accept"
    decide = s.fs4_request_accept if accept else s.fs4_request_decline
    try:
        decide(request_id=fs4.pk, reason=reason, acting_user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("Der Antrag ist angenommen.") if accept else _("Der Antrag ist abgelehnt."),
        )
    return redirect("foerderung:fs4_detail", pk=fs4.pk)


@login_required
@require_GET
def fs4_attachment(request, pk):
    visible = fs4_request_policy.instances_for(request.user, "view")
    attachment = get_object_or_404(Fs4Attachment.objects.filter(request__in=visible), pk=pk)
    return attachment_response(attachment.file, attachment.name)
