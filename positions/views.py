"""Pages of positions (issue 16, part P1): permission check, form, one service, respond.

Objects come through the policy's querysets: a position the user may not see is 404; one
they see but may not change (a Träger's own position) is 403 on the change pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from allocation.models import PlanState
from allocation.permissions import plan_policy
from positions import selectors
from positions.forms import (
    CreateFromLineForm,
    MonthsForm,
    NextYearForm,
    PositionForm,
    QualificationCheckForm,
    QualificationForm,
    SharesForm,
)
from positions.models import Position
from positions.permissions import position_policy, qualification_policy
from positions.services import next_year as next_year_services
from positions.services import positions as s
from sozialraeume.models import Jugendamt


def _messages(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- the list, the detail --------------------------------------------------------------


@login_required
@require_GET
def position_list(request):
    """Positions of a budget year (filter by Sozialraum): staff see all of their
    Jugendamt, a Träger the positions it employs."""
    if not position_policy.user_can(request.user, "view"):
        raise PermissionDenied
    years = selectors.position_years(request.user)
    year = _int(request.GET.get("jahr")) or (years[0] if years else None)
    all_of_year = selectors.position_list(request.user, year=year)
    sozialraum_id = _int(request.GET.get("sozialraum"))
    can_manage = position_policy.user_can(request.user, "manage")
    next_years, next_sozialraeume = (
        selectors.next_year_targets(request.user) if can_manage else ([], [])
    )
    return render(
        request,
        "positions/position_list.html",
        {
            "years": years,
            "year": year,
            "positions": selectors.position_list(
                request.user, year=year, sozialraum_id=sozialraum_id
            ),
            "sozialraeume": selectors.sozialraeume_of(all_of_year),
            "sozialraum_id": sozialraum_id,
            "can_manage": can_manage,
            "next_year_form": NextYearForm(budget_years=next_years, sozialraeume=next_sozialraeume)
            if can_manage and next_years
            else None,
            "can_manage_qualifications": qualification_policy.user_can(request.user, "manage"),
        },
    )


def _visible(request, pk) -> Position:
    return get_object_or_404(position_policy.instances_for(request.user, "view"), pk=pk)


def _manageable(request, pk) -> Position:
    position = _visible(request, pk)
    if not position_policy.user_can(request.user, "manage", position):
        raise PermissionDenied
    return position


@login_required
@require_GET
def position_detail(request, pk):
    position = _visible(request, pk)
    return render(
        request,
        "positions/position_detail.html",
        {
            "position": position,
            "months": position.months.all(),
            "shares": position.shares.select_related("kita"),
            "can_manage": position_policy.user_can(request.user, "manage", position),
            "check_form": QualificationCheckForm(),
        },
    )


# --- changes ---------------------------------------------------------------------------


@login_required
def position_edit(request, pk):
    position = _manageable(request, pk)
    form = PositionForm(request.POST or None, position=position)
    if request.method == "POST" and form.is_valid():
        try:
            s.position_update(position=position, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Die Stelle ist gespeichert."))
            return redirect("positions:position_detail", pk=position.pk)
    return render(request, "positions/position_form.html", {"form": form, "position": position})


@login_required
def position_months(request, pk):
    position = _manageable(request, pk)
    form = MonthsForm(request.POST or None, position=position)
    if request.method == "POST" and form.is_valid():
        try:
            s.position_months_set(
                position=position, filled_months=form.filled_months(), acting_user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Die Besetzung je Monat ist gespeichert."))
            return redirect("positions:position_detail", pk=position.pk)
    return render(request, "positions/position_months.html", {"form": form, "position": position})


@login_required
def position_shares(request, pk):
    position = _manageable(request, pk)
    form = SharesForm(request.POST or None, position=position)
    if request.method == "POST" and form.is_valid():
        try:
            s.position_shares_set(position=position, shares=form.shares(), acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Die Anteile je Kita sind gespeichert."))
            return redirect("positions:position_detail", pk=position.pk)
    return render(request, "positions/position_shares.html", {"form": form, "position": position})


@login_required
@require_POST
def position_check(request, pk):
    """The qualification's proof checked (the detail page's form)."""
    position = _manageable(request, pk)
    form = QualificationCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte geben Sie das Datum der Prüfung an."))
    else:
        try:
            s.position_qualification_check(
                position=position,
                checked_on=form.cleaned_data["checked_on"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _messages(exc))
        else:
            messages.success(request, _("Die Prüfung des Nachweises ist eingetragen."))
    return redirect("positions:position_detail", pk=position.pk)


# --- positions from an approved plan's lines -------------------------------------------


@login_required
def plan_positions(request, plan_pk):
    """The approved plan's lines without positions, a button per line ("Stellen aus dem
    Beschluss anlegen"), and the lines that have positions already."""
    plan = get_object_or_404(plan_policy.instances_for(request.user, "view"), pk=plan_pk)
    if not position_policy.user_can(request.user, "manage", plan.budget_year):
        raise PermissionDenied
    form = CreateFromLineForm(request.POST or None, budget_year=plan.budget_year)
    if request.method == "POST":
        line = get_object_or_404(plan.lines.all(), pk=_int(request.POST.get("line")))
        if form.is_valid():
            try:
                created = s.positions_create_from_line(
                    line=line, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                messages.error(request, _messages(exc))
            else:
                messages.success(
                    request,
                    _("Angelegt: %(numbers)s.") % {"numbers": ", ".join(p.number for p in created)},
                )
                return redirect("positions:plan_positions", plan_pk=plan.pk)
        else:
            messages.error(request, _messages(ValidationError(list(form.errors.values()))))
    return render(
        request,
        "positions/plan_positions.html",
        {
            "plan": plan,
            "approved": plan.state == PlanState.APPROVED,
            "open_lines": selectors.lines_without_positions(plan),
            "done_lines": selectors.lines_with_positions(plan),
            "form": form,
        },
    )


@login_required
@require_POST
def plan_from_positions(request):
    """ "Plan aus den fortlaufenden Stellen anlegen": the next year's draft plan."""
    if not position_policy.user_can(request.user, "manage"):
        raise PermissionDenied
    budget_years, sozialraeume = selectors.next_year_targets(request.user)
    form = NextYearForm(request.POST, budget_years=budget_years, sozialraeume=sozialraeume)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie Haushaltsjahr und Sozialraum."))
        return redirect("positions:position_list")
    try:
        plan = next_year_services.plan_create_from_positions(
            acting_user=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, _messages(exc))
        return redirect("positions:position_list")
    messages.success(request, _("Der Plan ist aus den fortlaufenden Stellen angelegt."))
    return redirect("allocation:plan_detail", pk=plan.pk)


# --- the qualification catalogue -------------------------------------------------------


def _own_jugendamt(request) -> Jugendamt:
    if request.user.jugendamt_id is None:
        raise PermissionDenied
    return request.user.jugendamt


@login_required
def qualification_list(request):
    """The Jugendamt's catalogue (Fachkräfteverordnung RLP); planners add and deactivate
    entries. A Jugendamt without one gets the default catalogue on the first visit."""
    if not qualification_policy.user_can(request.user, "view"):
        raise PermissionDenied
    jugendamt = _own_jugendamt(request)
    can_manage = qualification_policy.user_can(request.user, "manage", jugendamt)
    if can_manage:
        s.qualifications_ensure_defaults(jugendamt, acting_user=request.user)
    form = QualificationForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                s.qualification_create(
                    jugendamt=jugendamt, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Die Qualifikation ist im Katalog."))
                return redirect("positions:qualification_list")
    return render(
        request,
        "positions/qualification_list.html",
        {
            "qualifications": qualification_policy.instances_for(request.user, "view").filter(
                jugendamt=jugendamt
            ),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def qualification_toggle(request, pk):
    qualification = get_object_or_404(
        qualification_policy.instances_for(request.user, "manage"), pk=pk
    )
    s.qualification_set_active(
        qualification=qualification,
        active=request.POST.get("active") == "1",
        acting_user=request.user,
    )
    messages.success(request, _("Der Katalog ist gespeichert."))
    return redirect(reverse("positions:qualification_list"))
