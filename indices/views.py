"""Pages of the evaluation (/auswertung/): thin views over selectors and one service."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from indices import charts, selectors, services
from indices.budget import DEFAULT_BUDGET_CENTS, budget_years
from indices.display import CATEGORY_LABELS, INDEX_ORDER
from indices.permissions import evaluation_policy
from sozialraeume.permissions import kita_policy
from sozialraeume.selectors import jugendamt_id_for_user
from surveys.models import SurveyRound
from surveys.selectors import submission_progress

KITAS_PER_PAGE = 100


def _staff_jugendamt_id(user) -> int:
    """The Jugendamt whose evaluation the user may see; 403 for every other role."""
    if not evaluation_policy.user_can(user, "view"):
        raise PermissionDenied
    jugendamt_id = jugendamt_id_for_user(user)
    if jugendamt_id is None or not evaluation_policy.user_can(user, "view", jugendamt_id):
        raise PermissionDenied
    return jugendamt_id


def _round_or_404(jugendamt_id, round_id):
    """A round of the user's Jugendamt; a foreign or unknown round is 404 alike."""
    return get_object_or_404(selectors.rounds_for_jugendamt(jugendamt_id=jugendamt_id), pk=round_id)


def _select_round(request, jugendamt_id, published):
    """The round chosen by ?round=, else the published result's round, else the newest."""
    rounds = list(selectors.rounds_for_jugendamt(jugendamt_id=jugendamt_id))
    wanted = request.GET.get("round")
    if wanted:
        for survey_round in rounds:
            if str(survey_round.pk) == wanted:
                return rounds, survey_round
        raise Http404
    if published is not None:
        return rounds, next((r for r in rounds if r.pk == published.round_id), published.round)
    return rounds, (rounds[0] if rounds else None)


def _result_context(survey_round, run, published, *, with_progress: bool = True) -> dict:
    """What the staff pages say about the result shown: published, of an earlier round,
    or provisional (an open round: with its progress, never shown outside the staff)."""
    context = {
        "published": published,
        "result_kind": selectors.result_kind(run=run, published=published) if run else "",
        "progress": None,
    }
    if with_progress and survey_round.state != SurveyRound.State.GESCHLOSSEN:
        context["progress"] = submission_progress(survey_round=survey_round)
    return context


_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_euros(text: str) -> Decimal | None:
    """A euro amount as typed: "1002240", "1.002.240", "1.002.240,50", "1002240.50"."""
    text = (text or "").replace("€", "").replace("\xa0", "").replace(" ", "").strip()
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _GROUPED.match(text):
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        return None
    return value.quantize(Decimal("0.01"))


def _budget(request, jugendamt_id, survey_round):
    """The budget for the euro column: ?budget=EUR, else ?year=YYYY, else the budget
    year of the round, else the default (1.002.240 €, methodology.md section 7)."""
    years = budget_years(jugendamt_id=jugendamt_id)
    raw = request.GET.get("budget", "").strip()
    if raw:
        amount = parse_euros(raw)
        if amount is not None:
            return years, None, amount, False
        messages.error(
            request,
            _("Der Betrag „%(value)s“ ist kein gültiger Euro-Betrag.") % {"value": raw[:40]},
        )
    wanted_year = request.GET.get("year", "").strip()
    chosen = None
    if wanted_year:
        chosen = next((y for y in years if str(y.year) == wanted_year), None)
    if chosen is None and survey_round is not None:
        # the round's budget year of the current calendar year, else its newest
        linked = [y for y in years if y.round_id == survey_round.pk]
        this_year = timezone.localdate().year
        chosen = next((y for y in linked if y.year == this_year), linked[0] if linked else None)
    if chosen is not None:
        return years, chosen, Decimal(chosen.state_budget), False
    return years, None, Decimal(DEFAULT_BUDGET_CENTS) / 100, True


@login_required
@require_GET
def overview(request):
    """Per round: the Sozialraum table with shares and euros, and the Kita table."""
    jugendamt_id = _staff_jugendamt_id(request.user)
    published = selectors.published_run(jugendamt_id=jugendamt_id)
    rounds, survey_round = _select_round(request, jugendamt_id, published)
    context = {
        "rounds": rounds,
        "survey_round": survey_round,
        "can_start": evaluation_policy.user_can(request.user, "start_computation", jugendamt_id),
    }
    if survey_round is None:
        return render(request, "indices/overview.html", context)
    years, budget_year, budget, budget_default = _budget(request, jugendamt_id, survey_round)
    run = selectors.current_run(round_id=survey_round.pk)
    context.update(_result_context(survey_round, run, published))
    context.update(
        budget_years=years,
        budget_year=budget_year,
        budget=budget,
        budget_default=budget_default,
        budget_param=request.GET.get("budget", ""),
        run=run,
        status=selectors.run_status(round_id=survey_round.pk),
    )
    if run is not None:
        sort = request.GET.get("sort", "")
        paginator = Paginator(selectors.kita_values(run=run, sort=sort), KITAS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        context.update(
            sozialraum_rows=selectors.sozialraum_rows(run=run, budget_cents=int(budget * 100)),
            kita_rows=selectors.annotate_eligibility(rows=list(page.object_list), norms=run.norms),
            page=page,
            sort=sort,
            page_query=query.urlencode(),
            sort_query=sort_query.urlencode(),
            kita_norms=[
                (c, CATEGORY_LABELS[c], (run.norms or {}).get("kita", {}).get(c) or {})
                for c in INDEX_ORDER
            ],
        )
    return render(request, "indices/overview.html", context)


@login_required
@require_GET
def kita_detail(request, kita_id):
    """Every number of one Kita: raw answer → variable → standard point → index."""
    jugendamt_id = _staff_jugendamt_id(request.user)
    kita = get_object_or_404(
        kita_policy.instances_for(request.user, "view_detail"),
        pk=kita_id,
        sozialraum__jugendamt_id=jugendamt_id,
    )
    published = selectors.published_run(jugendamt_id=jugendamt_id)
    rounds, survey_round = _select_round(request, jugendamt_id, published)
    run = selectors.current_run(round_id=survey_round.pk) if survey_round else None
    value = selectors.kita_value(run=run, kita_id=kita.pk) if run else None
    context = {"kita": kita, "rounds": rounds, "survey_round": survey_round, "run": run}
    if survey_round is not None:
        context.update(_result_context(survey_round, run, published, with_progress=False))
    if value is not None:
        answers, changed = selectors.kita_answers(run=run, kita_id=kita.pk)
        context.update(
            value=value,
            sections=selectors.kita_explanation(run=run, value=value, answers=answers),
            comparison=selectors.city_comparison(run=run, value=value),
            eligibility=selectors.eligibility(gesamt=value.gesamt, fm=value.fm, norms=run.norms),
            answers_changed=changed,
        )
    return render(request, "indices/kita_detail.html", context)


@login_required
@require_GET
def my_kita(request):
    """The Kita leader's entry: their Kita's results (a list when they lead several)."""
    kitas = list(_own_kitas(request.user))
    if not kitas:
        raise PermissionDenied
    if len(kitas) == 1:
        return redirect("indices:my_kita_detail", kita_id=kitas[0].pk)
    rows = selectors.own_kita_summaries(kitas=kitas)
    return render(request, "indices/my_kita_list.html", {"rows": rows})


def _own_kitas(user):
    """Kitas whose own results the user may see (never for the committee)."""
    return kita_policy.instances_for(user, "view_detail").order_by("name")


@login_required
@require_GET
def my_kita_detail(request, kita_id):
    """The own Kita's results in plain words, with a picture per index.

    Per index a dot chart of where the Kita stands among all Kitas of the city (the others
    anonymous), one sentence, the questions behind it; what follows for FS1 and FS3; the
    numbers in a table. Always the published result (of the most recent closed round): a
    provisional result of an open round never reaches Kita leaders or Träger, whatever the
    query string; during an open round the page says whose figures these are.
    """
    kita = get_object_or_404(_own_kitas(request.user), pk=kita_id)
    jugendamt_id = kita.sozialraum.jugendamt_id
    run = selectors.published_run(jugendamt_id=jugendamt_id)
    value = selectors.kita_value(run=run, kita_id=kita.pk) if run else None
    context = {
        "kita": kita,
        "run": run,
        "value": value,
        "open_round": selectors.open_round_running(jugendamt_id=jugendamt_id),
    }
    if value is not None:
        results = selectors.kita_results(run=run, value=value)
        context.update(
            comparison=results,
            gesamt=results[0],
            categories=results[1:],
            consequences=selectors.kita_consequences(
                value=value, norms=run.norms, compared=results[0].compared
            ),
            legend={kind: mark_safe(charts.legend_icon(kind)) for kind in charts.LEGEND_KINDS},  # noqa: S308 - built from constants
        )
    return render(request, "indices/my_kita.html", context)


@login_required
@require_POST
def run_start(request, round_id):
    """Staff start a recomputation by hand; the page then follows its progress."""
    jugendamt_id = _staff_jugendamt_id(request.user)
    survey_round = _round_or_404(jugendamt_id, round_id)
    if not evaluation_policy.user_can(request.user, "start_computation", survey_round.jugendamt_id):
        raise PermissionDenied
    if selectors.fresh_running_run(round_id=survey_round.pk) is not None:
        messages.info(request, _("Für diese Erhebung läuft bereits eine Berechnung."))
    else:
        services.index_run_request(survey_round=survey_round, acting_user=request.user)
        messages.success(request, _("Die Neuberechnung wurde gestartet."))
    return redirect(f"{reverse('indices:overview')}?round={survey_round.pk}")


@login_required
@require_GET
@never_cache
def run_status(request, round_id):
    """JSON for the progress display (polled by static/indices/run_status.js)."""
    jugendamt_id = _staff_jugendamt_id(request.user)
    survey_round = _round_or_404(jugendamt_id, round_id)
    return JsonResponse(selectors.run_status(round_id=survey_round.pk))
