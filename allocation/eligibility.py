"""Eligibility of allocation lines from the budget year's index run (methodology.md section 8).

The rules themselves are pure (``indices.eligibility``); this module fetches
the index values and norms of the right run and turns the result into German text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from indices import eligibility as rules
from indices.selectors import round_published_run
from srb_project.numbers import localized


@dataclass
class IndexContext:
    """The index run a budget year's shares come from, with its per-Kita values."""

    run: object | None
    kita_values: dict  # kita_id -> KitaIndex

    def norm(self, category: str, key: str):
        norms = ((self.run.norms or {}) if self.run else {}).get("kita") or {}
        return (norms.get(category) or {}).get(key)

    def value(self, kita_id: int, category: str):
        ki = self.kita_values.get(kita_id)
        if ki is None:
            return None
        return ki.index(category)


def index_context(budget_year) -> IndexContext:
    """The published run of the budget year's survey round: its current finished run
    once the round is closed; none while the round is open (a provisional result never
    decides shares or eligibility)."""
    if budget_year.round_id is None:
        return IndexContext(None, {})
    run = round_published_run(round_id=budget_year.round_id)
    if run is None:
        return IndexContext(None, {})
    return IndexContext(run, {ki.kita_id: ki for ki in run.kita_values.all()})


def line_eligibility(
    *,
    ctx: IndexContext,
    kita_id: int,
    strand: str,
    justification: str = "",
    central_location: bool = False,
    cross_provider: bool = False,
    other_centres: int = 0,
    exception_accepted: bool = False,
    centre=None,
    fs4_request=None,
) -> rules.Eligibility:
    """The rule of ``strand`` for one line. FS2 is decided by the Sozialraum's centre the
    line belongs to (``centre``, a ``foerderung.Centre``; the line's own two checkboxes
    are history), FS4 by the request it is linked to (``fs4_request``: only accepted)."""
    if strand == "FS1":
        return rules.fs1_eligibility(ctx.value(kita_id, "GESAMT"), ctx.norm("GESAMT", "lower"))
    if strand == "FS2":
        return rules.fs2_eligibility(
            has_centre=centre is not None and centre.active,
            separate_premises=centre is not None and centre.premises == "separate",
            central_location=bool(centre and centre.central_location),
            cross_provider=bool(centre and centre.cross_provider),
            other_centres=other_centres,
        )
    if strand == "FS3":
        return rules.fs3_eligibility(
            ctx.value(kita_id, "FM"),
            ctx.norm("FM", "mean"),
            ctx.norm("FM", "lower"),
            justification,
            accepted=exception_accepted,
        )
    if strand == "FS4":
        return _fs4(fs4_request)
    raise ValueError(strand)


def _fs4(fs4_request) -> rules.Eligibility:
    """The FS4 rule on the linked request, with its dates and decider for the sentence."""
    result = rules.fs4_eligibility(fs4_request.state if fs4_request is not None else None)
    if fs4_request is None:
        return result
    decided = fs4_request.decided_at
    by = fs4_request.decided_by
    params = {
        "submitted": date_format(timezone.localtime(fs4_request.created_at), "d.m.Y"),
        "decided": date_format(timezone.localtime(decided), "d.m.Y") if decided else "–",
        "by": (by.get_full_name() or by.username) if by else "–",
    }
    return replace(result, params=params)


def _fmt(value):
    if isinstance(value, str):
        return value  # already text (FS4: dates and a name)
    return localized(value, 1)  # "89,2" / "89.2": the active language's notation


def message(result: rules.Eligibility, strand: str = "") -> str:
    """A German sentence explaining an eligibility result."""
    p = {k: _fmt(v) for k, v in (result.params or {}).items()}
    texts = {
        "no_index": _("Für die Kita liegt in dieser Erhebungsrunde kein Indexwert vor."),
        "no_norms": _("Für diesen Index gibt es (noch) keinen Normbereich."),
        "fs1_ok": _("Gesamtindex %(value)s ≥ unterer Normwert %(lower)s."),
        "fs1_below": _("Gesamtindex %(value)s liegt unter dem unteren Normwert %(lower)s."),
        "fs2_taken": _(
            "Im Sozialraum ist bereits eine andere Kita als Kommunikations- und "
            "Nachbarschaftszentrum eingeplant (höchstens eines je Sozialraum)."
        ),
        "fs2_unconfirmed": _(
            "Zentrale Lage und die Zusage trägerübergreifender Angebote müssen bestätigt sein."
        ),
        "fs2_ok": _("Zentrale Lage und trägerübergreifende Angebote sind bestätigt."),
        "fs2_no_centre": _(
            "Im Sozialraum gibt es noch kein Kommunikations- und Nachbarschaftszentrum (FS2)."
        ),
        "fs2_separate": _("Zentrum in eigenen Räumen."),
        "fs3_ok": _("Index Flucht/Migration %(value)s liegt über dem Mittelwert %(mean)s."),
        "fs3_needs_justification": _(
            "Index Flucht/Migration %(value)s liegt nur über dem unteren Normwert %(lower)s: "
            "nur mit schriftlicher Begründung förderfähig."
        ),
        "fs3_justified": _(
            "Index Flucht/Migration %(value)s über dem unteren Normwert %(lower)s: "
            "begründete Ausnahme."
        ),
        "fs3_awaiting_acceptance": _(
            "Index Flucht/Migration %(value)s über dem unteren Normwert %(lower)s: "
            "Begründete Ausnahme – noch nicht von der Leitung anerkannt."
        ),
        "fs3_below": _(
            "Index Flucht/Migration %(value)s liegt nicht über dem unteren Normwert %(lower)s."
        ),
        "fs4_missing": _(
            "Betriebserlaubnisrelevantes Zusatzpersonal braucht eine schriftliche Begründung "
            "der Kita oder des Trägers."
        ),
        "fs4_ok": _("Schriftliche Begründung liegt vor."),
        "fs4_no_request": _(
            "Betriebserlaubnisrelevantes Zusatzpersonal braucht einen vom Jugendamt "
            "angenommenen Antrag der Kita oder des Trägers."
        ),
        "fs4_not_accepted": _("Der Antrag vom %(submitted)s ist nicht angenommen."),
        "fs4_accepted": _("Antrag vom %(submitted)s angenommen am %(decided)s von %(by)s."),
    }
    text = texts.get(result.code, result.code)
    try:
        return text % p
    except (KeyError, TypeError, ValueError):
        return text


def status_label(result: rules.Eligibility) -> str:
    labels = {
        rules.ELIGIBLE: _("förderfähig"),
        rules.WITH_JUSTIFICATION: _("Ausnahme mit Begründung"),
        rules.NOT_ELIGIBLE: _("nicht förderfähig"),
        rules.UNKNOWN: _("nicht prüfbar"),
    }
    if result.status == rules.WITH_JUSTIFICATION and not result.ok:
        return _("nur mit Begründung")
    if result.awaiting:
        return _("Ausnahme noch nicht anerkannt")
    return labels[result.status]
