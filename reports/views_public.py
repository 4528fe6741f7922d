"""The public results page of a Jugendamt (issue 17): /oeffentlich/<slug>/ and
/oeffentlich/<slug>/<year>/, no login, opt-in.

It reveals nothing while the Jugendamt has not switched it on: an unknown slug, a page
switched off and a year without published figures all give the same 404 page. The flag
is read from the database on every request, before the cache, so switching the page off
takes effect at once; the figures (``reports.selectors.public``) are cached as HTML per
Jugendamt, budget year and language for ten minutes. The page holds no form besides the
language switch of the base template.

The switch itself is on the goals page (``reports.views.goals``, form below) for the
Jugendamt-Leitung (``reports.permissions_public``), through
``reports.services_public.jugendamt_public_page_set``.
"""

from __future__ import annotations

from django import forms
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports.documents import charts
from reports.permissions_public import public_page_policy
from reports.selectors.common import budget_year_for
from reports.selectors.public import (
    PUBLIC_CACHE_SECONDS,
    default_public_year,
    public_page_cache_key,
    public_results,
    published_years,
)
from sozialraeume.models import DEFAULT_GOALS_TEXT

try:  # issue 17, E3: the document box lives in ``knowledge`` (below reports)
    from knowledge.selectors import public_documents
except ImportError:  # pragma: no cover - the document box is not there yet
    public_documents = None


class PublicPageForm(forms.Form):
    """The Leitung's switch on the goals page (``form=public_page`` tells it apart)."""

    public_page_enabled = forms.BooleanField(
        label=_lazy("Öffentliche Ergebnisseite einschalten"),
        required=False,
        help_text=_lazy(
            "Ohne Anmeldung lesbar: die festgeschriebenen Anteile je Sozialraum, Stellen und "
            "Förderstränge der beschlossenen Verteilungspläne, die Methode, die Ziele und die "
            "öffentlichen Dokumente. Nie Kita-Namen, nie Zahlen nicht beschlossener Pläne."
        ),
    )


def _documents(jugendamt) -> list:
    """The Jugendamt's public documents (``knowledge.selectors.PublicDocument``: title,
    kind, date, download link); read on every request, so a document withdrawn from the
    public disappears at once."""
    if public_documents is None:
        return []
    return list(public_documents(jugendamt))


def _shares_chart(results) -> str:
    if not results.shares_published:
        return ""
    return charts.bar_chart(
        title=_("Anteil am Sozialraumbudget je Sozialraum"),
        description=_(
            "Balkendiagramm: Anteil jedes Sozialraums am Budget in Prozent; "
            "die Werte stehen auch in der Tabelle."
        ),
        labels=[r.name for r in results.rows],
        values=[float(r.share) if r.share is not None else None for r in results.rows],
        decimals=2,
        unit="%",
        chart_id="chart-public-shares",
    )


def _body(jugendamt, year: int | None, years: list[int]) -> str:
    """The cached part of the page: figures, method and goals (nothing per request)."""
    results = None
    if year is not None:
        budget_year = budget_year_for(jugendamt_id=jugendamt.pk, year=year)
        results = public_results(budget_year)
    context = {
        "jugendamt": jugendamt,
        "results": results,
        "year": year,
        "years": years,
        "goals_text": jugendamt.goals_text or DEFAULT_GOALS_TEXT,
        "chart_shares": mark_safe(_shares_chart(results)) if results else "",  # noqa: S308 - built and escaped by reports.documents.charts
    }
    return render_to_string("reports/public_body.html", context)


@require_GET
@never_cache  # the server caches the figures; a browser or proxy keeps no switched-off page
def public_page(request, slug: str, year: int | None = None):
    """The results page of a Jugendamt that switched it on (anyone, no login)."""
    jugendamt = get_object_or_404(public_page_policy.public_jugendaemter(), slug=slug)
    years = published_years(jugendamt_id=jugendamt.pk)
    if year is None:
        year = default_public_year(jugendamt_id=jugendamt.pk)
    elif year not in years:
        raise Http404
    key = public_page_cache_key(
        jugendamt_id=jugendamt.pk,
        slug=jugendamt.slug,
        year=year,
        language=translation.get_language() or "",
        goals_text=jugendamt.goals_text,
    )
    body = cache.get(key)
    if body is None:
        body = _body(jugendamt, year, years)
        cache.set(key, body, PUBLIC_CACHE_SECONDS)
    return render(
        request,
        "reports/public.html",
        {
            "jugendamt": jugendamt,
            "year": year,
            "body": mark_safe(body),  # noqa: S308 - our own template, rendered above
            "documents": _documents(jugendamt),
        },
    )
