"""The proof of use for the Land (Verwendungsnachweis, issue 16): the page with the
Leitung's sign-off, and the same figures as PDF and XLSX (``positions.proof``).

Staff of the year's Jugendamt read it (the report rule ``export_kita_data``: the proof
names positions and Kitas); the Jugendamt-Leitung signs it off
(``positions.permissions.proof_signoff_policy``)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import events as audit_events
from positions import execution as ex
from positions.permissions import proof_signoff_policy
from positions.proof import ProofOfUse, content_hash, figures_of, proof_of_use
from positions.services.proof import proof_sign_off
from positions.views_execution import stichtag_from_request
from reports.documents import xlsx
from reports.documents.pdf import render_pdf
from reports.views import _export_year, _xlsx_response
from srb_project.numbers import german


def _proof(request, year: int) -> tuple[int, ProofOfUse]:
    jugendamt_id, budget_year = _export_year(request, year)
    if not proof_signoff_policy.user_can(request.user, "view", budget_year):
        raise PermissionDenied
    return jugendamt_id, proof_of_use(budget_year, on=stichtag_from_request(request))


@require_GET
@login_required
def proof_page(request, year: int):
    """The figures of the proof of use, marked Ist / Prognose, with the sign-off."""
    _jugendamt_id, proof = _proof(request, year)
    today = timezone.localdate()
    may_sign = proof_signoff_policy.user_can(request.user, "sign_off", proof.budget_year)
    return render(
        request,
        "reports/proof.html",
        {
            "proof": proof,
            "budget_year": proof.budget_year,
            "today_view": proof.on == today,
            "may_sign": may_sign and proof.on == today,
            "figures_hash": content_hash(figures_of(proof)),
            "query": "" if proof.on == today else f"?stichtag={proof.on.isoformat()}",
        },
    )


@login_required
@require_POST
def proof_sign(request, year: int):
    """The Leitung confirms the figures she saw (their hash comes with the form)."""
    _jugendamt_id, budget_year = _export_year(request, year)
    if not proof_signoff_policy.user_can(request.user, "view", budget_year):
        raise PermissionDenied
    try:
        proof_sign_off(
            budget_year=budget_year,
            acting_user=request.user,
            expected_hash=request.POST.get("figures_hash", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Verwendungsnachweis %(year)s bestätigt. PDF und XLSX nennen die Bestätigung.")
            % {"year": budget_year.year},
        )
    return redirect(reverse("reports:proof_of_use", kwargs={"year": budget_year.year}))


def _kind(key: str) -> str:
    return ex.FIGURE_KIND.get(key, "")


def _sr_columns() -> list[xlsx.Column]:
    eur = xlsx.EURO
    return [
        xlsx.Column(_("Sozialraum")),
        xlsx.Column(_("Landesmittel nach Umverteilung (€)"), eur),
        xlsx.Column(_("geplante Personalkosten (€, Plan)"), eur),
        xlsx.Column(_("Personalkosten (€, Ist)"), eur),
        xlsx.Column(_("Landesanteil (€, Ist)"), eur),
        xlsx.Column(_("Kommunaler Anteil (€, Ist)"), eur),
        xlsx.Column(_("Personalkosten bis Jahresende (€, Prognose)"), eur),
        xlsx.Column(_("Landesanteil (€, Prognose)"), eur),
        xlsx.Column(_("Kommunaler Anteil (€, Prognose)"), eur),
        xlsx.Column(_("nicht verausgabt (€, Ist)"), eur),
        xlsx.Column(_("nicht verausgabt (€, Prognose)"), eur),
        xlsx.Column(_("besetzte VZÄ im Jahresdurchschnitt (Ist)"), xlsx.FTE),
        xlsx.Column(_("Vakanzmonate"), xlsx.INT),
    ]


def _sr_cells(name: str, f: ex.SozialraumExecution) -> list:
    return [
        name,
        f.state_amount,
        f.planned_cost,
        f.actual_cost,
        f.actual_state,
        f.actual_municipal,
        f.forecast_cost,
        f.forecast_state,
        f.forecast_municipal,
        f.actual_unspent,
        f.projected_unspent,
        f.filled_fte,
        f.vacancy_months,
    ]


def _signoff_note(proof: ProofOfUse) -> str:
    state = proof.signoff
    if state is None or state.signoff is None:
        return _("Noch nicht von der Jugendamt-Leitung bestätigt.")
    s = state.signoff
    text = _("Bestätigt von %(who)s am %(at)s (Stichtag %(on)s, Prüfsumme %(hash)s).") % {
        "who": s.signed_by.get_full_name() or s.signed_by.get_username(),
        "at": timezone.localtime(s.signed_at).strftime("%d.%m.%Y %H:%M"),
        "on": datetime.date.fromisoformat(s.figures["stichtag"]).strftime("%d.%m.%Y"),
        "hash": s.content_hash[:12],
    }
    if not state.current:
        text += " " + _("Die Zahlen haben sich seit der Bestätigung geändert.")
    return text


def _kind_note(proof: ProofOfUse) -> str:
    if proof.has_forecast:
        return _(
            "Ist: bestätigte Ist-Kosten und als besetzt gemeldete Monate bis zum Stichtag. "
            "Prognose: Ist plus die geplanten Kosten der Monate ohne bestätigte Kosten bis "
            "zum Jahresende (unbesetzte Monate kosten nichts). Der Nachweis enthält noch "
            "Prognosewerte und ist vorläufig."
        )
    return _(
        "Alle Zahlen sind Ist-Werte: das Jahr ist abgeschlossen, jeder Monat hat bestätigte Kosten."
    )


def proof_xlsx(proof: ProofOfUse) -> bytes:
    eur = xlsx.EURO
    t = proof.total
    overview = [
        [_("Landeszuweisung (erhalten)"), proof.state_budget, _("Zuweisung")],
        [_("kommunaler Anteil dazu (40 %)"), proof.municipal_budget, _("Zuweisung")],
        [_("Personalkosten"), t.actual_cost, _kind("actual_cost")],
        [_("Landesanteil der Personalkosten"), t.actual_state, _kind("actual_state")],
        [_("kommunaler Anteil der Personalkosten"), t.actual_municipal, _kind("actual_municipal")],
        [_("Personalkosten bis Jahresende"), t.forecast_cost, _kind("forecast_cost")],
        [_("Landesanteil bis Jahresende"), t.forecast_state, _kind("forecast_state")],
        [_("nicht verausgabte Landesmittel"), t.actual_unspent, _kind("actual_unspent")],
        [
            _("nicht verausgabte Landesmittel bis Jahresende"),
            t.projected_unspent,
            _kind("projected_unspent"),
        ],
        [_("umverteilt als tatsächlich nicht verausgabt"), proof.moved_actual, _("Ist")],
        [_("besetzte VZÄ im Jahresdurchschnitt"), t.filled_fte, _kind("filled_fte")],
        [_("Vakanzmonate"), t.vacancy_months, _kind("vacancy_months")],
    ]
    sheets = [
        xlsx.Sheet(
            _("Übersicht"),
            [
                xlsx.Column(_("Posten"), width=50),
                xlsx.Column(_("Wert"), eur),
                xlsx.Column(_("Art")),
            ],
            overview,
        ),
        xlsx.Sheet(
            _("Sozialräume"),
            _sr_columns(),
            [
                *(_sr_cells(r.sozialraum.name, r.figures) for r in proof.execution.rows),
                _sr_cells(_("Summe"), t),
            ],
        ),
        xlsx.Sheet(
            _("Sozialräume und Stränge"),
            [
                xlsx.Column(_("Sozialraum")),
                xlsx.Column(_("Förderstrang")),
                xlsx.Column(_("Stellen"), xlsx.INT),
                xlsx.Column(_("VZÄ"), xlsx.FTE),
                xlsx.Column(_("besetzte VZÄ im Jahresdurchschnitt (Ist)"), xlsx.FTE),
                xlsx.Column(_("Personalkosten (€, Ist)"), eur),
                xlsx.Column(_("Personalkosten bis Jahresende (€, Prognose)"), eur),
            ],
            [
                *(
                    [
                        s.sozialraum,
                        s.strand_label,
                        s.positions,
                        s.fte,
                        s.filled_fte,
                        s.actual_cost,
                        s.forecast_cost,
                    ]
                    for s in proof.strands
                ),
                *(
                    [
                        _("Summe"),
                        s.strand_label,
                        s.positions,
                        s.fte,
                        s.filled_fte,
                        s.actual_cost,
                        s.forecast_cost,
                    ]
                    for s in proof.strand_totals
                ),
            ],
        ),
        xlsx.Sheet(
            _("Qualifikationen"),
            [
                xlsx.Column(_("Kürzel")),
                xlsx.Column(_("Qualifikation (Fachkräfteverordnung)"), width=45),
                xlsx.Column(_("Stellen"), xlsx.INT),
                xlsx.Column(_("VZÄ"), xlsx.FTE),
                xlsx.Column(_("besetzte VZÄ im Jahresdurchschnitt (Ist)"), xlsx.FTE),
                xlsx.Column(_("Nachweis geprüft"), xlsx.INT),
            ],
            [
                [
                    q.code,
                    q.name or _("nicht angegeben"),
                    q.positions,
                    q.fte,
                    q.filled_fte,
                    q.checked,
                ]
                for q in proof.qualifications
            ],
        ),
        xlsx.Sheet(
            _("Stellen"),
            [
                xlsx.Column(_("Stellennummer")),
                xlsx.Column(_("Sozialraum")),
                xlsx.Column(_("Kita")),
                xlsx.Column(_("Anstellungsträger")),
                xlsx.Column(_("Förderstrang")),
                xlsx.Column(_("VZÄ"), xlsx.FTE),
                xlsx.Column(_("Qualifikation")),
                xlsx.Column(_("Nachweis geprüft am"), xlsx.DATE),
                xlsx.Column(_("besetzte Monate (Ist)"), xlsx.INT),
                xlsx.Column(_("Vakanzmonate"), xlsx.INT),
                xlsx.Column(_("Personalkosten (€, Ist)"), eur),
                xlsx.Column(_("Personalkosten bis Jahresende (€, Prognose)"), eur),
            ],
            [
                [
                    p.number,
                    p.sozialraum,
                    p.kita,
                    p.employer,
                    p.strand,
                    p.fte,
                    p.qualification,
                    p.checked_on,
                    p.figures.filled_months,
                    p.figures.vacancy_months,
                    p.figures.actual_cost,
                    p.figures.forecast_cost,
                ]
                for p in proof.positions
            ],
        ),
        xlsx.Sheet(
            _("Umverteilungen"),
            [
                xlsx.Column(_("von Sozialraum")),
                xlsx.Column(_("nach Sozialraum")),
                xlsx.Column(_("Landesmittel (€)"), eur),
                xlsx.Column(_("Herkunft der Mittel")),
                xlsx.Column(_("Status")),
                xlsx.Column(_("entschieden am"), xlsx.DATETIME),
            ],
            [
                [
                    r.from_sozialraum,
                    r.to_sozialraum,
                    r.amount,
                    r.source_label,
                    r.state_label,
                    timezone.localtime(r.decided_at).replace(tzinfo=None) if r.decided_at else None,
                ]
                for r in proof.reallocations
            ],
        ),
    ]
    return xlsx.workbook_bytes(
        sheets,
        notes=[
            _("Verwendungsnachweis Sozialraumbudget %(year)s") % {"year": proof.budget_year.year},
            _("%(ja)s · Stichtag %(on)s")
            % {"ja": proof.budget_year.jugendamt.name, "on": proof.on.strftime("%d.%m.%Y")},
            _kind_note(proof),
            _signoff_note(proof),
            _(
                "Landeszuweisung: %(state)s €; kommunaler Anteil: %(municipal)s €; "
                "gesamt: %(total)s €"
            )
            % {
                "state": german(proof.state_budget),
                "municipal": german(proof.municipal_budget),
                "total": german(proof.state_budget + proof.municipal_budget),
            },
            _(
                "Landesanteil 60 Prozent, kommunaler Anteil 40 Prozent der Personalkosten; "
                "gerundet je Sozialraum, die Summe ist die Summe der Sozialräume."
            ),
        ],
    )


@require_GET
@login_required
def export_proof_of_use(request, year: int, fmt: str):
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    jugendamt_id, proof = _proof(request, year)
    audit_events.record(
        actor=request.user,
        action="export.proof_of_use",
        obj=proof.budget_year,
        jugendamt_id=jugendamt_id,
        new={"year": proof.budget_year.year, "format": fmt},
    )
    filename = f"verwendungsnachweis-{proof.budget_year.year}.{fmt}"
    if fmt == "xlsx":
        return _xlsx_response(proof_xlsx(proof), filename)
    data = render_pdf(
        "reports/proof_pdf.html",
        {
            "proof": proof,
            "jugendamt": proof.budget_year.jugendamt,
            "signoff_note": _signoff_note(proof),
            "kind_note": _kind_note(proof),
        },
        request=request,
        running_title=_("Verwendungsnachweis Sozialraumbudget %(year)s")
        % {"year": proof.budget_year.year},
        date=proof.on,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
