"""Pages of actual personnel costs (issue 16, part P2): per budget year the positions with
their reported and confirmed months, forms to report, change and correct, the
confirmation, the import and its template. Permission check, form, one service."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from allocation.models import BudgetYear
from positions.forms_costs import CostCorrectForm, CostImportForm, CostPeriodForm
from positions.import_costs import import_file, template_xlsx_bytes
from positions.models import CostState
from positions.permissions import position_policy
from positions.permissions_costs import actual_cost_policy
from positions.selectors_costs import cost_rows_for_positions
from positions.services import costs as s
from srb_project import policy
from srb_project.spreadsheet import safe_filename
from surveys.exchange import ImportProblem

ZERO = Decimal("0.00")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(user, action: str) -> None:
    """403 for a role that may not do ``action`` at all (Kita leaders, the committee)."""
    if not actual_cost_policy.user_can(user, action):
        raise PermissionDenied


def _budget_year(request, pk) -> BudgetYear:
    """A budget year of the user's Jugendamt (another Jugendamt's: 404)."""
    years = BudgetYear.objects.filter(policy.jugendamt_scope(request.user))
    year = get_object_or_404(years, pk=pk)
    if not actual_cost_policy.user_can(request.user, "view", year):
        raise PermissionDenied
    return year


def _form_errors(form, exc) -> None:
    for message in getattr(exc, "messages", [str(exc)]):
        form.add_error(None, message)


def _saved(request, position, data: dict, message: str):
    """After a report or a change of a period: the success message, the warning of an
    amount above 120 % of the plan (``plan_warning``), back to the year's list."""
    messages.success(request, message)
    warning = s.plan_warning(position, data["period_start"], data["period_end"], data["amount"])
    if warning:
        messages.warning(request, warning)
    return redirect("positions:cost_list", year_pk=position.budget_year_id)


@login_required
@require_GET
def cost_years(request):
    """The budget years whose actual costs the user can open."""
    _require(request.user, "view")
    years = BudgetYear.objects.filter(policy.jugendamt_scope(request.user)).order_by("-year")
    return render(request, "positions/cost_years.html", {"years": years})


@login_required
@require_GET
def cost_list(request, year_pk):
    """The positions of the year (a Träger: its own) with their months and quarters."""
    _require(request.user, "view")
    budget_year = _budget_year(request, year_pk)
    user = request.user
    positions = (
        position_policy.instances_for(user, "view")
        .filter(budget_year=budget_year)
        .order_by("number")
    )
    reportable = set(
        actual_cost_policy.positions_to_report(user)
        .filter(budget_year=budget_year)
        .values_list("pk", flat=True)
    )
    costs = cost_rows_for_positions(positions)
    may_confirm = actual_cost_policy.user_can(user, "confirm", budget_year)
    rows = []
    totals = {"planned": ZERO, "confirmed": ZERO, "reported": ZERO}
    for position in positions:
        entries = []
        confirmed = reported = ZERO
        corrected = {c.supersedes_id for c in costs.get(position.pk, []) if c.supersedes_id}
        for cost in costs.get(position.pk, []):
            may_report = position.pk in reportable
            open_row = cost.state == CostState.REPORTED
            entry = {
                "cost": cost,
                "period": s.period_label(cost.period_start, cost.period_end),
                "can_change": may_report
                and open_row
                and (not cost.supersedes_id or cost.reported_by_id == user.pk),
                "can_correct": may_report
                and cost.state == CostState.CONFIRMED
                and cost.pk not in corrected,
                "can_confirm": may_confirm
                and open_row
                and actual_cost_policy.user_can(user, "confirm", cost),
                "confirm_reason": (
                    actual_cost_policy.reason_not(user, "confirm", cost)
                    if may_confirm and open_row
                    else ""
                ),
            }
            if cost.state == CostState.CONFIRMED:
                confirmed += cost.amount
            elif open_row and not cost.supersedes_id:
                reported += cost.amount
            entries.append(entry)
        rows.append(
            {
                "position": position,
                "entries": entries,
                "confirmed": confirmed,
                "reported": reported,
                "can_report": position.pk in reportable,
            }
        )
        totals["planned"] += position.planned_cost
        totals["confirmed"] += confirmed
        totals["reported"] += reported
    return render(
        request,
        "positions/cost_list.html",
        {
            "budget_year": budget_year,
            "rows": rows,
            "totals": totals,
            "can_import": bool(reportable),
            "may_confirm": may_confirm,
        },
    )


@login_required
def cost_report(request, position_pk):
    """Report a month or a quarter of one position."""
    _require(request.user, "report")
    position = get_object_or_404(
        actual_cost_policy.positions_to_report(request.user), pk=position_pk
    )
    form = CostPeriodForm(request.POST or None, position=position)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            s.actual_cost_report(position_id=position.pk, acting_user=request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            return _saved(request, position, data, _("Die Ist-Kosten sind gemeldet."))
    return render(
        request,
        "positions/cost_form.html",
        {"form": form, "position": position, "cost": None, "mode": "report"},
    )


@login_required
def cost_change(request, pk):
    """Change a row that is not confirmed yet."""
    _require(request.user, "report")
    costs = actual_cost_policy.instances_for(request.user, "report")
    cost = get_object_or_404(costs.filter(state=CostState.REPORTED), pk=pk)
    if cost.supersedes_id and cost.reported_by_id != request.user.pk:
        raise Http404
    position = cost.position
    initial = {
        "period_start": cost.period_start.isoformat(),
        "period_end": cost.period_end.isoformat(),
        "amount": cost.amount,
    }
    form = CostPeriodForm(request.POST or None, position=position, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            s.actual_cost_change(cost_id=cost.pk, acting_user=request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            return _saved(request, position, data, _("Die Ist-Kosten sind geändert."))
    return render(
        request,
        "positions/cost_form.html",
        {"form": form, "position": position, "cost": cost, "mode": "change"},
    )


@login_required
def cost_correct(request, pk):
    """Propose a correction of a confirmed row (a second person confirms it)."""
    _require(request.user, "report")
    costs = actual_cost_policy.instances_for(request.user, "report")
    cost = get_object_or_404(costs.filter(state=CostState.CONFIRMED), pk=pk)
    form = CostCorrectForm(request.POST or None, initial={"amount": cost.amount})
    if request.method == "POST" and form.is_valid():
        try:
            s.actual_cost_correct(cost_id=cost.pk, acting_user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Die Korrektur ist vorgeschlagen; eine zweite Person muss sie bestätigen."),
            )
            return redirect("positions:cost_list", year_pk=cost.position.budget_year_id)
    return render(
        request,
        "positions/cost_form.html",
        {
            "form": form,
            "position": cost.position,
            "cost": cost,
            "mode": "correct",
            "period": s.period_label(cost.period_start, cost.period_end),
        },
    )


@login_required
@require_POST
def cost_confirm(request, pk):
    """The Jugendamt confirms a reported row or a correction (four eyes)."""
    _require(request.user, "confirm")
    cost = get_object_or_404(actual_cost_policy.instances_for(request.user, "confirm"), pk=pk)
    try:
        s.actual_cost_confirm(cost_id=cost.pk, acting_user=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Die Ist-Kosten der Stelle %(number)s für %(period)s sind bestätigt.")
            % {
                "number": cost.position.number,
                "period": s.period_label(cost.period_start, cost.period_end),
            },
        )
    return redirect("positions:cost_list", year_pk=cost.position.budget_year_id)


@login_required
def cost_import(request, year_pk):
    """Import a file of actual costs, all or nothing."""
    _require(request.user, "report")
    budget_year = _budget_year(request, year_pk)
    form = CostImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = upload.read()
            result = import_file(
                budget_year=budget_year,
                content=content,
                filename=upload.name,
                acting_user=request.user,
            )
        except ImportProblem as exc:
            problems = exc.messages
        else:
            messages.success(
                request,
                _(
                    "Import gespeichert: %(reported)s Zeitraum/Zeiträume neu gemeldet, "
                    "%(changed)s geändert."
                )
                % result,
            )
            return redirect("positions:cost_list", year_pk=budget_year.pk)
    return render(
        request,
        "positions/cost_import.html",
        {"form": form, "budget_year": budget_year, "problems": problems},
    )


@login_required
@require_GET
def cost_template(request, year_pk):
    """An XLSX to fill in: the user's positions and their months."""
    _require(request.user, "report")
    budget_year = _budget_year(request, year_pk)
    content = template_xlsx_bytes(budget_year=budget_year, user=request.user)
    response = HttpResponse(content, content_type=XLSX)
    name = safe_filename(f"ist-kosten-{budget_year.year}.xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
