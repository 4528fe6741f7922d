"""Pages of the quality checks (/qualitaet/, issue 18).

Jugendamt staff read the official data and the plausibility findings of their Jugendamt;
planners (Fachkraft, Leitung) import and decide. Kita leaders see the correction requests
of their Kitas. Others get 403; a round or finding of another Jugendamt 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quality import selectors, services, svg
from quality.forms import CheckForm, DecisionForm, OfficialImportForm
from quality.models import PlausibilityFinding
from quality.official_import import import_file
from quality.permissions import finding_policy, official_data_policy, round_quality_policy
from srb_project.numbers import localized
from surveys.exchange import ImportProblem
from surveys.models import SurveyRound


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _round(request, round_id, action: str = "view") -> SurveyRound:
    return get_object_or_404(
        round_quality_policy.instances_for(request.user, action).select_related("jugendamt"),
        pk=round_id,
    )


def _official_page(request, *, form=None, problems=()):
    user = request.user
    rounds = (
        round_quality_policy.instances_for(user, "view")
        .filter(jugendamt_id=user.jugendamt_id)
        .order_by("-stichtag", "-pk")
    )
    indicators = (
        official_data_policy.instances_for(user, "view")
        .filter(jugendamt_id=user.jugendamt_id)
        .prefetch_related("values")
        .order_by("name", "-year")
    )
    may_import = user.jugendamt_id is not None and official_data_policy.user_can(
        user, "import", user.jugendamt_id
    )
    return render(
        request,
        "quality/official.html",
        {
            "indicators": indicators,
            "rounds": rounds,
            "form": form or OfficialImportForm(),
            "may_import": may_import,
            "problems": problems,
        },
    )


@login_required
@require_GET
def official_list(request):
    """The Jugendamt's official indicators, the import form and the rounds to compare."""
    _require(official_data_policy.user_can(request.user, "view"))
    return _official_page(request)


@login_required
@require_POST
def official_import(request):
    """Import a CSV/XLSX of official values, all or nothing."""
    user = request.user
    _require(official_data_policy.user_can(user, "import"))
    if user.jugendamt_id is None:
        raise PermissionDenied
    form = OfficialImportForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_file(
                jugendamt=user.jugendamt,
                content=upload.read(),
                filename=upload.name,
                acting_user=user,
            )
        except ImportProblem as exc:
            problems = exc.messages
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(
                request,
                _(
                    "Amtliche Daten eingelesen: %(rows)s Werte zu %(indicators)s "
                    "Indikator(en); %(replaced)s frühere Werte ersetzt."
                )
                % result,
            )
            return redirect("quality:official")
    return _official_page(request, form=form, problems=problems)


@login_required
@require_GET
def official_round(request, round_id):
    """Each indicator next to the round's Sozialraum indices, with Pearson's r and n."""
    _require(round_quality_policy.user_can(request.user, "view"))
    survey_round = _round(request, round_id)
    run, rows = selectors.official_comparison(survey_round=survey_round)
    charts = []
    for position, row in enumerate(rows):
        pairs = [(name, x, y) for name, x, y in row.points if y is not None]
        gesamt = row.correlations[-1]
        desc = _(
            "Je Sozialraum ein Punkt: waagerecht %(indicator)s (%(unit)s), senkrecht der "
            "Gesamtindex der %(round)s. Korrelation r = %(r)s bei n = %(n)s Sozialräumen. "
            "Die Tabelle darunter enthält dieselben Werte."
        ) % {
            "indicator": row.indicator.name,
            "unit": row.indicator.unit,
            "round": survey_round,
            "r": localized(gesamt.r, 2) if gesamt.r is not None else "–",
            "n": gesamt.n,
        }
        drawing = svg.scatter_svg(
            chart_id=f"streuung-{position}",
            title=_("%(indicator)s und Gesamtindex") % {"indicator": row.indicator},
            desc=desc,
            x_label=f"{row.indicator.name} ({row.indicator.unit})",
            y_label=_("Gesamtindex"),
            points=pairs,
        )
        charts.append((row, mark_safe(drawing)))  # noqa: S308 - escaped by quality.svg
    return render(
        request,
        "quality/official_round.html",
        {"round": survey_round, "run": run, "charts": charts},
    )


def _plausibility_context(request, survey_round, *, check_form=None):
    k = services.current_k(survey_round)
    comparison = selectors.round_comparison(survey_round=survey_round, k=float(k))
    findings = list(selectors.findings_of_round(survey_round))
    by_key = {(f.kita_id, f.variable): f for f in findings}
    waiting = services.undecided(comparison, by_key)
    stored = {
        (f.kita_id, f.variable) for f in findings if f.state == PlausibilityFinding.State.OPEN
    }
    unrecorded = [j for j in waiting if (j.kita_id, j.variable) not in stored]
    return {
        "round": survey_round,
        "comparison": comparison,
        "k": k,
        "findings": findings,
        "waiting": waiting,
        "unrecorded": unrecorded,
        "latest_check": survey_round.plausibility_checks.order_by("-run_at", "-pk").first(),
        "may_decide": round_quality_policy.user_can(request.user, "decide", survey_round),
        "check_form": check_form or CheckForm(initial={"k": k}),
        "decision_form": DecisionForm(),
    }


@login_required
@require_GET
def plausibility(request, round_id):
    """The round's findings (changes beyond k SD since the previous round) and decisions."""
    _require(round_quality_policy.user_can(request.user, "view"))
    survey_round = _round(request, round_id)
    return render(
        request, "quality/plausibility.html", _plausibility_context(request, survey_round)
    )


@login_required
@require_POST
def plausibility_check(request, round_id):
    """Run the check now (with the threshold typed) and store its findings."""
    _require(round_quality_policy.user_can(request.user, "decide"))
    survey_round = _round(request, round_id, "decide")
    form = CheckForm(request.POST)
    if form.is_valid():
        try:
            check = services.plausibility_check_run(
                survey_round=survey_round, acting_user=request.user, k=form.cleaned_data["k"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Plausibilitätsprüfung ausgeführt: %(n)s auffällige Veränderungen.")
                % {"n": check.findings},
            )
            return redirect("quality:plausibility", round_id=survey_round.pk)
    return render(
        request,
        "quality/plausibility.html",
        _plausibility_context(request, survey_round, check_form=form),
    )


@login_required
@require_POST
def finding_decide(request, pk):
    """Confirm a finding or ask the Kita to correct (its questionnaire is reopened)."""
    _require(finding_policy.user_can(request.user, "decide"))
    finding = get_object_or_404(
        finding_policy.instances_for(request.user, "decide").select_related("round", "kita"),
        pk=pk,
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("quality:plausibility", round_id=finding.round_id)
    service = (
        services.finding_confirm
        if form.cleaned_data["decision"] == "confirm"
        else services.finding_request_correction
    )
    try:
        service(finding=finding, note=form.cleaned_data["note"], acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if service is services.finding_confirm:
            messages.success(request, _("Die Veränderung ist bestätigt."))
        else:
            messages.success(
                request,
                _(
                    "Der Fragebogen von %(kita)s ist wieder geöffnet; die Kita hat den "
                    "Grund erhalten."
                )
                % {"kita": finding.kita.name},
            )
    return redirect("quality:plausibility", round_id=finding.round_id)


@login_required
@require_GET
def corrections(request):
    """The correction requests the user may read: a Kita leader's own Kitas, staff's
    Jugendamt."""
    _require(finding_policy.user_can(request.user, "view"))
    findings = (
        finding_policy.instances_for(request.user, "view")
        .filter(state=PlausibilityFinding.State.CORRECTION_REQUESTED)
        .select_related("round", "kita")
        .order_by("-round__stichtag", "kita__name", "variable")
    )
    return render(request, "quality/corrections.html", {"findings": findings})
