"""Pages of release time (Freistellung) and of the reviews of the distribution.

Thin views: ask the policy (``teams.permissions_review``), fetch through
``instances_for`` (another Kita's or Jugendamt's request or review is 404), validate,
call one service, respond.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sozialraeume.models import Sozialraum
from srb_project import policy
from srb_project.spreadsheet import safe_filename
from teams import exports
from teams.forms_review import (
    ReleaseDecisionForm,
    ReleaseRequestForm,
    ReviewDecideForm,
    ReviewHoldForm,
    ReviewOpenForm,
    YearForm,
)
from teams.permissions_review import release_policy, request_kitas, review_policy
from teams.selectors_review import release_summary, review_schedule
from teams.services import release as release_services
from teams.services import reviews as review_services


def _require(user, pol, action: str, obj=None) -> None:
    if not pol.user_can(user, action, obj):
        raise PermissionDenied


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errs in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, error)


# --- release time -------------------------------------------------------------------------


@require_GET
@login_required
def release_list(request):
    """The requests the user may see; planners see the undecided ones first."""
    _require(request.user, release_policy, "view")
    releases = release_policy.instances_for(request.user, "view").order_by(
        "state", "-period_start", "-pk"
    )
    return render(
        request,
        "teams/release_list.html",
        {
            "releases": releases,
            "may_request": release_policy.user_can(request.user, "request"),
        },
    )


@login_required
def release_new(request):
    kitas = list(request_kitas(request.user))
    if not kitas:
        raise PermissionDenied
    form = ReleaseRequestForm(request.POST or None, kitas=request_kitas(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            release = release_services.release_request(
                kita=data["kita"],
                task=data["task"],
                hours=data["hours"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Ihr Antrag ist gestellt. Das Jugendamt entscheidet vor Beginn.")
            )
            return redirect("teams:release_detail", pk=release.pk)
    return render(request, "teams/release_form.html", {"form": form, "kitas": kitas})


def _release_page(request, release, *, may_decide: bool, form, status: int = 200):
    """The request with its decision form (the detail page, or the decision refused)."""
    return render(
        request,
        "teams/release_detail.html",
        {
            "release": release,
            "may_decide": may_decide,
            "form": form,
            "started": release.period_start < timezone.localdate(),
        },
        status=status,
    )


@require_GET
@login_required
def release_detail(request, pk: int):
    release = get_object_or_404(release_policy.instances_for(request.user, "view"), pk=pk)
    may_decide = release_policy.user_can(request.user, "decide", release)
    form = ReleaseDecisionForm() if may_decide else None
    return _release_page(request, release, may_decide=may_decide, form=form)


@login_required
@require_POST
def release_decide(request, pk: int):
    release = get_object_or_404(release_policy.instances_for(request.user, "view"), pk=pk)
    _require(request.user, release_policy, "decide", release)
    form = ReleaseDecisionForm(request.POST)
    if form.is_valid():
        service = (
            release_services.release_approve
            if form.cleaned_data["decision"] == "approve"
            else release_services.release_decline
        )
        try:
            service(release=release, reason=form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Entscheidung ist gespeichert."))
            return redirect("teams:release_detail", pk=release.pk)
    return _release_page(request, release, may_decide=True, form=form, status=400)


def _summary_year(request) -> int:
    form = YearForm(request.GET)
    if form.is_valid() and form.cleaned_data["jahr"]:
        return form.cleaned_data["jahr"]
    return timezone.localdate().year


@require_GET
@login_required
def release_summary_page(request):
    _require(request.user, release_policy, "view_summary")
    summary = release_summary(request.user, year=_summary_year(request))
    return render(request, "teams/release_summary.html", {"summary": summary})


@require_GET
@login_required
def release_summary_xlsx(request):
    _require(request.user, release_policy, "view_summary")
    summary = release_summary(request.user, year=_summary_year(request))
    data = exports.release_summary_xlsx(summary)
    exports.record_summary_export(user=request.user, summary=summary)
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    filename = safe_filename(_("freistellungen-%(year)s.xlsx") % {"year": summary.year})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- reviews ------------------------------------------------------------------------------


def _own_sozialraeume(user):
    return Sozialraum.objects.filter(policy.jugendamt_scope(user)).order_by("position", "name")


@require_GET
@login_required
def review_list(request):
    """Per Sozialraum: the open review (due date, overdue), the last decided one, the next
    due date; the decided reviews below."""
    _require(request.user, review_policy, "view")
    jugendamt_id = request.user.jugendamt_id
    rows = review_schedule(jugendamt_id=jugendamt_id) if jugendamt_id else []
    may_open = review_policy.user_can(request.user, "open")
    open_form = None
    if may_open:
        without_open = [r.sozialraum.pk for r in rows if r.open_review is None]
        open_form = ReviewOpenForm(
            sozialraeume=_own_sozialraeume(request.user).filter(pk__in=without_open)
        )
    return render(
        request,
        "teams/review_list.html",
        {
            "rows": rows,
            "open_form": open_form,
            "decided": review_policy.instances_for(request.user, "view")
            .filter(state="decided")
            .order_by("-decided_at"),
        },
    )


@login_required
@require_POST
def review_open(request):
    _require(request.user, review_policy, "open")
    form = ReviewOpenForm(request.POST, sozialraeume=_own_sozialraeume(request.user))
    if form.is_valid():
        try:
            review = review_services.review_open(
                sozialraum=form.cleaned_data["sozialraum"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Die Überprüfung ist eröffnet."))
            return redirect("teams:review_detail", pk=review.pk)
    else:
        messages.error(request, _("Bitte wählen Sie einen Sozialraum und nennen Sie den Anlass."))
    return redirect("teams:review_list")


def _review_context(request, review, *, hold_form=None, decide_form=None) -> dict:
    user = request.user
    may_hold = review_policy.user_can(user, "hold", review)
    may_decide = review_policy.user_can(user, "decide", review)
    may_adjust = review_policy.user_can(user, "decide_adjust", review)
    if may_hold and hold_form is None:
        hold_form = ReviewHoldForm(
            review=review,
            initial={
                "meeting": review.meeting_id,
                "findings": review.findings,
                "recommendation": review.recommendation,
            },
        )
    if may_decide and decide_form is None:
        decide_form = ReviewDecideForm(may_adjust=may_adjust)
    return {
        "review": review,
        "today": timezone.localdate(),
        "hold_form": hold_form if may_hold else None,
        "decide_form": decide_form if may_decide else None,
        "decide_not": review_policy.reason_not(user, "decide", review),
    }


@require_GET
@login_required
def review_detail(request, pk: int):
    review = get_object_or_404(review_policy.instances_for(request.user, "view"), pk=pk)
    return render(request, "teams/review_detail.html", _review_context(request, review))


@login_required
@require_POST
def review_hold(request, pk: int):
    review = get_object_or_404(review_policy.instances_for(request.user, "view"), pk=pk)
    _require(request.user, review_policy, "hold", review)
    form = ReviewHoldForm(request.POST, review=review)
    if form.is_valid():
        try:
            review_services.review_hold(
                review=review, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Beratung mit dem Team ist festgehalten."))
            return redirect("teams:review_detail", pk=review.pk)
    return render(
        request,
        "teams/review_detail.html",
        _review_context(request, review, hold_form=form),
        status=400,
    )


@login_required
@require_POST
def review_decide(request, pk: int):
    review = get_object_or_404(review_policy.instances_for(request.user, "view"), pk=pk)
    _require(request.user, review_policy, "decide", review)
    may_adjust = review_policy.user_can(request.user, "decide_adjust", review)
    form = ReviewDecideForm(request.POST, may_adjust=may_adjust)
    if form.is_valid():
        try:
            review = review_services.review_decide(
                review=review,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if review.outcome == "adjust" and review.plan_id:
                messages.success(
                    request,
                    _("Entschieden: Die Verteilung wird angepasst; der Plan ist im Entwurf."),
                )
                return redirect("allocation:plan_detail", pk=review.plan_id)
            messages.success(request, _("Entschieden: Die Verteilung bleibt."))
            return redirect("teams:review_detail", pk=review.pk)
    return render(
        request,
        "teams/review_detail.html",
        _review_context(request, review, decide_form=form),
        status=400,
    )
