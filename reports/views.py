"""Report pages: committee report (HTML and PDF), trends, dashboards, exports.

Thin views: ask the permission policy (``reports.permissions``), read through
``reports.selectors``, render. Objects of another Jugendamt give 404 (scoped lookups),
pages a role may not see give 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from audit import events as audit_events
from indices.selectors import current_run
from reports import selectors as rs
from reports import services as report_services
from reports import services_public as public_services
from reports.documents import charts, xlsx
from reports.documents.pdf import render_pdf
from reports.permissions import report_policy
from reports.permissions_public import public_page_policy
from reports.views_public import PublicPageForm
from sozialraeume.models import DEFAULT_GOALS_TEXT, GOALS_TEXT_MAX_LENGTH, Jugendamt
from sozialraeume.selectors import jugendamt_id_for_user
from srb_project.spreadsheet import safe_filename
from surveys.models import SurveyRound

# The committee PDF is cached under a hash of its HTML (see reports.documents.pdf.html_to_pdf):
# a change of any figure changes the HTML and so gives a fresh PDF at once.
COMMITTEE_PDF_CACHE_SECONDS = 6 * 60 * 60


def _jugendamt_id(request) -> int:
    """The Jugendamt whose reports the user reads; 403 for a user without one."""
    jugendamt_id = jugendamt_id_for_user(request.user)
    if jugendamt_id is None:
        raise PermissionDenied
    return jugendamt_id


def _require(user, action: str, jugendamt_id: int | None = None) -> None:
    """403 unless the report rule allows ``action`` (in the Jugendamt)."""
    if not report_policy.user_can(user, action, jugendamt_id):
        raise PermissionDenied


# --- committee report ---------------------------------------------------------------------


@require_GET
@login_required
def committee_latest(request):
    jugendamt_id = _jugendamt_id(request)
    _require(request.user, "view_committee_report", jugendamt_id)
    newest = rs.newest_budget_year(jugendamt_id=jugendamt_id)
    if newest is None:
        return render(request, "reports/no_budget_year.html", status=200)
    return redirect("reports:committee", year=newest.year)


def _floats(values) -> list[float | None]:
    """Chart values: Decimals as floats, a missing value stays None (drawn as its text)."""
    return [float(v) if v is not None else None for v in values]


def _committee_charts(report: rs.CommitteeReport) -> dict:
    # Small-cell rule: a merged (small) Sozialraum gets no bars of its own indices.
    chart_rows = report.chart_rows
    indices_svg = charts.grouped_bar_chart(
        title=_("Teilindizes je Sozialraum (Standardpunkte 0 bis 100)"),
        description=_(
            "Balkendiagramm: für jeden Sozialraum die vier Teilindizes Allgemeiner Bedarf, "
            "Soziale Lage, Flucht und Migration sowie Infrastruktur und Netzwerke; "
            "die Werte stehen auch in der Tabelle darunter. Sozialräume mit weniger als "
            "drei Kitas sind nicht dargestellt (Schutz kleiner Fallzahlen)."
        ),
        groups=[r.name for r in chart_rows],
        series=[
            (f"{rs.CATEGORY_LABELS[c]} ({c})", [r.indices.get(c) for r in chart_rows])
            for c in rs.CATEGORIES
        ],
        max_value=100,
        decimals=1,
        chart_id="chart-indices",
    )
    shares_svg = charts.bar_chart(
        title=_("Anteil am Sozialraumbudget je Sozialraum"),
        description=_(
            "Balkendiagramm: Anteil jedes Sozialraums am Budget in Prozent; "
            "die Werte stehen auch in der Tabelle."
        ),
        labels=[r.name for r in report.rows],
        values=[r.percent for r in report.rows],
        decimals=2,
        unit="%",
        chart_id="chart-shares",
    )
    return {
        "chart_indices": mark_safe(indices_svg),  # noqa: S308 - built and escaped by reports.documents.charts
        "chart_shares": mark_safe(shares_svg),  # noqa: S308 - built and escaped by reports.documents.charts
        **_strand_charts(report),
        **_previous_year_charts(report),
    }


def _strand_charts(report: rs.CommitteeReport) -> dict:
    """FTE and personnel costs per Sozialraum, stacked by Förderstrang: approved plans
    only (the table's figures); an undecided or merged (small) Sozialraum says so
    instead of a bar, so the chart holds no figure the table does not."""
    used = report.used_strands
    notes = []
    for row in report.rows:
        if not row.decided:
            notes.append(_("nicht beschlossen – keine Zahlen"))
        elif row.merged:
            notes.append(_("zusammengefasst (weniger als 3 Kitas)"))
        else:
            notes.append(None)
    groups = [r.name for r in report.rows]
    description = _(
        "Gestapeltes Balkendiagramm: je Sozialraum die Stellen bzw. Personalkosten der "
        "beschlossenen Verteilungspläne, aufgeteilt nach Förderstrang (Kürzel im Balken, "
        "Summe am Ende). Sozialräume ohne beschlossenen Plan und kleine Sozialräume sind "
        "ohne Balken vermerkt; die Werte stehen auch in der Tabelle darunter."
    )
    fte_svg = charts.stacked_bar_chart(
        title=_("Stellen (VZÄ) je Sozialraum und Förderstrang"),
        description=description,
        groups=groups,
        series=[
            (k, rs.STRAND_LABELS[k], [r.strands.get(k, rs.StrandCell()).fte for r in report.rows])
            for k in used
        ],
        notes=notes,
        decimals=2,
        unit=_("VZÄ"),
        chart_id="chart-strands-fte",
    )
    euro_svg = charts.stacked_bar_chart(
        title=_("Personalkosten pro Jahr je Sozialraum und Förderstrang (€)"),
        description=description,
        groups=groups,
        series=[
            (
                k,
                rs.STRAND_LABELS[k],
                [r.strands.get(k, rs.StrandCell()).total for r in report.rows],
            )
            for k in used
        ],
        notes=notes,
        decimals=0,
        unit="€",
        chart_id="chart-strands-euro",
    )
    return {
        "chart_strands_fte": mark_safe(fte_svg),  # noqa: S308 - built and escaped by reports.documents.charts
        "chart_strands_euro": mark_safe(euro_svg),  # noqa: S308 - built and escaped by reports.documents.charts
    }


def _previous_year_charts(report: rs.CommitteeReport) -> dict:
    """This year's shares next to the previous year's, per Sozialraum ("kein Vorjahr")."""
    previous = report.previous_year
    if previous is None or not report.previous_rows:
        return {}
    rows = report.previous_rows
    this_year = str(report.budget_year.year)
    last_year = str(previous.year)
    no_previous = _("kein Vorjahr")
    svg = charts.grouped_bar_chart(
        title=_("Anteil am Budget: %(year)s und Vorjahr %(previous)s")
        % {"year": this_year, "previous": last_year},
        description=_(
            "Balkendiagramm: je Sozialraum der Anteil am Sozialraumbudget im Vorjahr "
            "(obere Balken) und in diesem Haushaltsjahr (untere Balken), in Prozent; "
            "die Werte stehen auch in der Tabelle darunter."
        ),
        groups=[r.name for r in rows],
        series=[
            (
                _("Vorjahr %(year)s") % {"year": last_year},
                _floats(r.previous_percent for r in rows),
            ),
            (
                _("Haushaltsjahr %(year)s") % {"year": this_year},
                _floats(r.percent for r in rows),
            ),
        ],
        decimals=2,
        unit="%",
        missing_text=[no_previous, "–"],
        chart_id="chart-previous-year",
    )
    not_decided = _("nicht beschlossen")
    planned_svg = charts.grouped_bar_chart(
        title=_("Personalkosten beschlossener Pläne: %(year)s und Vorjahr %(previous)s")
        % {"year": this_year, "previous": last_year},
        description=_(
            "Balkendiagramm: je Sozialraum die Personalkosten pro Jahr der beschlossenen "
            "Verteilungspläne im Vorjahr (obere Balken) und in diesem Haushaltsjahr (untere "
            "Balken), in Euro; ohne beschlossenen Plan steht „nicht beschlossen“. Die Werte "
            "stehen auch in der Tabelle darunter."
        ),
        groups=[r.name for r in rows],
        series=[
            (
                _("Vorjahr %(year)s") % {"year": last_year},
                _floats(r.previous_planned for r in rows),
            ),
            (
                _("Haushaltsjahr %(year)s") % {"year": this_year},
                _floats(r.planned for r in rows),
            ),
        ],
        decimals=0,
        unit="€",
        missing_text=[
            [not_decided if r.has_previous else no_previous for r in rows],
            not_decided,
        ],
        chart_id="chart-previous-year-planned",
    )
    return {
        "chart_previous_year": mark_safe(svg),  # noqa: S308 - built and escaped by reports.documents.charts
        "chart_previous_year_planned": mark_safe(planned_svg),  # noqa: S308 - built and escaped by reports.documents.charts
    }


def _committee_context(request, year: int) -> dict:
    jugendamt_id = _jugendamt_id(request)
    _require(request.user, "view_committee_report", jugendamt_id)
    budget_year = rs.budget_year_for(jugendamt_id=jugendamt_id, year=year)
    if budget_year is None:
        raise Http404
    report = rs.committee_report(budget_year)
    return {
        "report": report,
        "budget_year": budget_year,
        "jugendamt": budget_year.jugendamt,
        "years": rs.budget_year_list(jugendamt_id=jugendamt_id),
        "categories": [(c, rs.CATEGORY_LABELS[c]) for c in rs.CATEGORIES],
        "strands": [(k, rs.STRAND_LABELS[k]) for k in rs.STRANDS],
        "used_strands": [(k, rs.STRAND_LABELS[k]) for k in report.used_strands],
        "unused_strand_labels": [str(rs.STRAND_LABELS[k]) for k in report.unused_strands],
        "may_edit_goals": report_policy.user_can(request.user, "edit_goals", jugendamt_id),
        "today": timezone.localdate(),
        **_committee_charts(report),
    }


@require_GET
@login_required
def committee(request, year: int):
    context = _committee_context(request, year)
    if request.GET.get("format") == "pdf":
        data = render_pdf(
            "reports/committee_pdf.html",
            {**context, "pdf": True},
            request=request,
            running_title=_("Sozialraumbudget %(year)s – Bericht für den Jugendhilfeausschuss")
            % {"year": context["budget_year"]},
            cache_seconds=COMMITTEE_PDF_CACHE_SECONDS,
        )
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="ausschussbericht-{year}.pdf"'
        return response
    return render(request, "reports/committee.html", context)


# --- trends -------------------------------------------------------------------------------


@require_GET
@login_required
def trends(request):
    jugendamt_id = _jugendamt_id(request)
    _require(request.user, "view_committee_report", jugendamt_id)
    rounds, rows = rs.trends(jugendamt_id=jugendamt_id)
    return render(
        request,
        "reports/trends.html",
        {
            "rounds": rounds,
            "rows": rows,
            "index_keys": [(c, rs.CATEGORY_LABELS[c]) for c in [*rs.CATEGORIES, "GESAMT"]],
            "small_cell_min": rs.SMALL_CELL_MIN_KITAS,
            **_trend_charts(rounds, rows),
        },
    )


def _trend_charts(rounds, rows) -> dict:
    """One small chart per Sozialraum: its Gesamtindex and its share over the closed
    rounds (small-cell rule: a merged round draws no index point)."""
    if not rounds:
        return {}
    x_labels = [r.code for r in rounds]
    merged = _("zusammengefasst")
    index_svg = charts.small_multiples_chart(
        title=_("Gesamtindex je Sozialraum über die Erhebungen (Standardpunkte)"),
        description=_(
            "Liniendiagramme, eines je Sozialraum: der Gesamtindex in jeder ausgewerteten "
            "Erhebung, von links (älteste) nach rechts (neueste), mit dem Wert an jedem "
            "Punkt. Standardpunkte sind relativ innerhalb einer Erhebung (0 = geringster, "
            "100 = höchster Wert aller Kitas dieser Erhebung). Die Werte stehen auch in der "
            "Tabelle darunter."
        ),
        x_labels=x_labels,
        panels=[
            (row.name, [(_("Gesamtindex"), [e["GESAMT"] for e in row.per_round])]) for row in rows
        ],
        max_value=100,
        decimals=1,
        missing_text=merged,
        chart_id="chart-trend-index",
    )
    share_svg = charts.small_multiples_chart(
        title=_("Anteil am Budget je Sozialraum über die Erhebungen (%)"),
        description=_(
            "Liniendiagramme, eines je Sozialraum: der Anteil am Sozialraumbudget in jeder "
            "ausgewerteten Erhebung, von links (älteste) nach rechts (neueste), mit dem Wert "
            "an jedem Punkt. Die Werte stehen auch in der Tabelle darunter."
        ),
        x_labels=x_labels,
        panels=[
            (
                row.name,
                [
                    (
                        _("Anteil"),
                        [
                            float(e["percent"]) if e["percent"] is not None else None
                            for e in row.per_round
                        ],
                    )
                ],
            )
            for row in rows
        ],
        decimals=2,
        unit="%",
        chart_id="chart-trend-share",
    )
    return {
        "chart_trend_index": mark_safe(index_svg),  # noqa: S308 - built and escaped by reports.documents.charts
        "chart_trend_share": mark_safe(share_svg),  # noqa: S308 - built and escaped by reports.documents.charts
    }


# --- the concept's goals (committee report) -----------------------------------------------


class GoalsForm(forms.Form):
    goals_text = forms.CharField(
        label=_lazy("Ziele des Sozialraumbudgets"),
        required=False,
        max_length=GOALS_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_lazy(
            "Eine Zeile je Ziel. Der Text erscheint so im Bericht für den "
            "Jugendhilfeausschuss (Abschnitt „Ziele“), Zeilenumbrüche bleiben erhalten."
        ),
    )


@login_required
def goals(request):
    """The goals text of the committee report, written by the Leitung or Administration;
    below it the switch of the public results page (issue 17: the Leitung only)."""
    jugendamt_id = _jugendamt_id(request)
    _require(request.user, "edit_goals", jugendamt_id)
    jugendamt = get_object_or_404(Jugendamt, pk=jugendamt_id)
    may_switch = public_page_policy.user_can(request.user, "manage", jugendamt)
    public_form = PublicPageForm(initial={"public_page_enabled": jugendamt.public_page_enabled})
    form = GoalsForm(initial={"goals_text": jugendamt.goals_text})
    if request.method == "POST" and request.POST.get("form") == "public_page":
        if not may_switch:
            raise PermissionDenied
        public_form = PublicPageForm(request.POST)
        if public_form.is_valid():
            enabled = public_form.cleaned_data["public_page_enabled"]
            public_services.jugendamt_public_page_set(
                jugendamt=jugendamt, enabled=enabled, acting_user=request.user
            )
            messages.success(
                request,
                _("Die öffentliche Ergebnisseite ist eingeschaltet.")
                if enabled
                else _("Die öffentliche Ergebnisseite ist ausgeschaltet."),
            )
            return redirect("reports:goals")
    elif request.method == "POST":
        form = GoalsForm(request.POST)
        if form.is_valid():
            try:
                report_services.jugendamt_goals_update(
                    jugendamt=jugendamt,
                    goals_text=form.cleaned_data["goals_text"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error("goals_text", error)
            else:
                messages.success(request, _("Die Ziele sind gespeichert."))
                return redirect("reports:goals")
    return render(
        request,
        "reports/goals.html",
        {
            "form": form,
            "jugendamt": jugendamt,
            "default_text": DEFAULT_GOALS_TEXT,
            "public_form": public_form,
            "may_switch_public_page": may_switch,
        },
    )


# --- dashboards ---------------------------------------------------------------------------


# Each role's start page, in this order; the first the user may see is theirs.
START_PAGES = (
    ("view_staff_dashboard", "reports:dashboard"),
    ("view_kita_dashboard", "reports:kita"),
    ("view_traeger_dashboard", "allocation:traeger_dashboard"),
    ("view_committee_report", "reports:committee_latest"),
)


@login_required
def start(request):
    """Send each role to its work; a page of links where a role has none yet."""
    for action, url_name in START_PAGES:
        if report_policy.user_can(request.user, action):
            return redirect(url_name)
    return render(request, "reports/start.html")


@require_GET
@login_required
def dashboard(request):
    jugendamt_id = _jugendamt_id(request)
    _require(request.user, "view_staff_dashboard", jugendamt_id)
    return render(
        request, "reports/dashboard.html", rs.jugendamt_dashboard(jugendamt_id=jugendamt_id)
    )


@require_GET
@login_required
def traeger(request):
    """The Träger page is the allocation app's (plans, lines, comments); one page, one place."""
    _require(request.user, "view_traeger_dashboard")
    return redirect("allocation:traeger_dashboard")


@require_GET
@login_required
def kita(request):
    _require(request.user, "view_kita_dashboard")
    return render(request, "reports/kita.html", {"entries": rs.kita_overview(request.user)})


# --- exports ------------------------------------------------------------------------------


@require_GET
@login_required
def exports(request):
    jugendamt_id = _jugendamt_id(request)
    _require(request.user, "export_kita_data", jugendamt_id)
    return render(
        request,
        "reports/exports.html",
        {
            "rounds": rs.rounds_with_runs(jugendamt_id=jugendamt_id),
            "years": rs.budget_year_list(jugendamt_id=jugendamt_id),
        },
    )


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=xlsx.XLSX_CONTENT_TYPE)
    # A round code stored before codes were validated cannot break the header.
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response["Cache-Control"] = "no-store"
    return response


@transaction.atomic
def _record_export(*, user, action: str, obj, jugendamt_id, details: dict):
    audit_events.record(actor=user, action=action, obj=obj, jugendamt_id=jugendamt_id, new=details)


def _export_run(request, round_id):
    jugendamt_id = _jugendamt_id(request)
    _require(request.user, "export_kita_data", jugendamt_id)
    survey_round = get_object_or_404(SurveyRound, pk=round_id, jugendamt_id=jugendamt_id)
    run = current_run(round_id=survey_round.pk)
    if run is None:
        raise Http404
    return jugendamt_id, survey_round, run


def _stand(run) -> str:
    finished = timezone.localtime(run.finished_at) if run.finished_at else None
    return _("Berechnung vom %(date)s, Methode %(method)s") % {
        "date": finished.strftime("%d.%m.%Y %H:%M") if finished else "–",
        "method": run.method_version,
    }


@require_GET
@login_required
def export_kita_indices(request, round_id: int):
    jugendamt_id, survey_round, run = _export_run(request, round_id)
    columns = [
        xlsx.Column(_("Sozialraum")),
        xlsx.Column(_("Kita")),
        xlsx.Column(_("Träger")),
        *[xlsx.Column(f"{rs.CATEGORY_LABELS[c]} ({c})", xlsx.INDEX) for c in rs.CATEGORIES],
        xlsx.Column(_("Gesamtindex"), xlsx.INDEX),
        xlsx.Column(_("vollständig")),
        *[xlsx.Column(_("Einordnung %(c)s") % {"c": c}) for c in [*rs.CATEGORIES, "GESAMT"]],
    ]
    class_labels = {
        "innerhalb": _("innerhalb"),
        "unterhalb": _("unterhalb"),
        "oberhalb": _("oberhalb"),
    }
    values = rs.kita_index_rows(run)
    rows = (
        [
            v.kita.sozialraum.name,
            v.kita.name,
            v.kita.traeger.name,
            v.ab,
            v.sl,
            v.fm,
            v.infra,
            v.gesamt,
            _("ja") if v.complete else _("nein"),
            *[class_labels.get((v.classes or {}).get(c), "") for c in [*rs.CATEGORIES, "GESAMT"]],
        ]
        for v in values
    )
    data = xlsx.workbook_bytes(
        [xlsx.Sheet(_("Indizes je Kita"), columns, rows)],
        notes=[
            str(survey_round),
            _stand(run),
            _("Vertraulich: Kita-Werte nur für das Jugendamt (Konzeption, Datenschutz)."),
        ],
    )
    _record_export(
        user=request.user,
        action="export.kita_indices",
        obj=run,
        jugendamt_id=jugendamt_id,
        details={"round": survey_round.code, "run_id": run.pk, "format": "xlsx"},
    )
    return _xlsx_response(data, f"indizes-kitas-{survey_round.code}.xlsx")


@require_GET
@login_required
def export_sozialraum_indices(request, round_id: int):
    _jugendamt_id_, survey_round, run = _export_run(request, round_id)
    columns = [
        xlsx.Column(_("Sozialraum")),
        *[xlsx.Column(f"{rs.CATEGORY_LABELS[c]} ({c})", xlsx.INDEX) for c in rs.CATEGORIES],
        xlsx.Column(_("Gesamtindex"), xlsx.INDEX),
        xlsx.Column(_("Anteil"), xlsx.PERCENT),
        xlsx.Column(_("vollständige Kitas"), xlsx.INT),
    ]
    rows = (
        [v.sozialraum.name, v.ab, v.sl, v.fm, v.infra, v.gesamt, v.percent, v.kita_count]
        for v in rs.sozialraum_index_rows(run)
    )
    data = xlsx.workbook_bytes(
        [xlsx.Sheet(_("Indizes je Sozialraum"), columns, rows)],
        notes=[str(survey_round), _stand(run)],
    )
    return _xlsx_response(data, f"indizes-sozialraeume-{survey_round.code}.xlsx")


def _export_year(request, year):
    jugendamt_id = _jugendamt_id(request)
    _require(request.user, "export_kita_data", jugendamt_id)
    budget_year = rs.budget_year_for(jugendamt_id=jugendamt_id, year=year)
    if budget_year is None:
        raise Http404
    return jugendamt_id, budget_year


@require_GET
@login_required
def export_lines(request, year: int):
    jugendamt_id, budget_year = _export_year(request, year)
    columns = [
        xlsx.Column(_("Sozialraum")),
        xlsx.Column(_("Planstatus")),
        xlsx.Column(_("Kita")),
        xlsx.Column(_("Träger")),
        xlsx.Column(_("Förderstrang")),
        xlsx.Column(_("Stellenanteil (VZÄ)"), xlsx.FTE),
        xlsx.Column(_("Qualifikation")),
        xlsx.Column(_("Personalkosten pro Jahr (€)"), xlsx.EURO),
        xlsx.Column(_("Landesanteil (€)"), xlsx.EURO),
        xlsx.Column(_("Kommunaler Anteil (€)"), xlsx.EURO),
        xlsx.Column(_("Begründung"), width=50),
    ]
    rows = (
        [
            line.plan.sozialraum.name,
            line.plan.get_state_display(),
            line.kita.name,
            line.kita.traeger.name,
            rs.STRAND_LABELS.get(line.strand, line.strand),
            line.fte,
            line.qualification,
            line.annual_cost,
            line.state_part,
            line.municipal_part,
            line.justification,
        ]
        for line in rs.allocation_lines(budget_year)
    )
    data = xlsx.workbook_bytes(
        [xlsx.Sheet(_("Verteilung %(year)s") % {"year": budget_year.year}, columns, rows)],
        notes=[
            _("Haushaltsjahr %(year)s, Landeszuweisung %(amount)s €")
            % {"year": budget_year, "amount": charts.format_de(budget_year.state_budget, 2)},
            _("Alle Verteilungspläne, auch nicht beschlossene (siehe Spalte Planstatus)."),
        ],
    )
    _record_export(
        user=request.user,
        action="export.allocation_lines",
        obj=budget_year,
        jugendamt_id=jugendamt_id,
        details={"year": budget_year.year, "format": "xlsx"},
    )
    return _xlsx_response(data, f"verteilung-{budget_year.year}.xlsx")
