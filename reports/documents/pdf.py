"""Render a Django template to PDF with WeasyPrint (A4, German layout).

The layout lives in ``static/reports/print.css`` (fonts, tables, page margins);
this module adds the running footer per document: the date on the left,
"Seite X von Y" on the right (CSS ``@page`` margin boxes with ``counter(page)``
and ``counter(pages)``), and optionally a running title on the top.

WeasyPrint is imported inside the functions: it loads Pango and fonts, which the
web process should only pay for when someone asks for a PDF.

Security: the fetcher only serves local static files and ``data:`` URLs, never
the network, so nothing in a document can make the server fetch a URL.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

PRINT_CSS = "reports/print.css"


def _css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line breaks escaped."""
    cleaned = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + cleaned.replace("\n", " ").replace("\r", " ") + '"'


def page_css(*, running_title: str = "", date: datetime.date | None = None) -> str:
    """The ``@page`` rules with the footer: date left, "Seite X von Y" right."""
    date = date or timezone.localdate()
    stand = _("Stand: %(date)s") % {"date": date.strftime("%d.%m.%Y")}
    seite, von = _("Seite"), pgettext("Seite X von Y", "von")
    header = ""
    if running_title:
        header = f"@top-left {{ content: {_css_string(running_title)}; }}"
    return (
        "@page { size: A4; margin: 22mm 18mm 22mm 22mm;"
        f" {header}"
        f" @bottom-left {{ content: {_css_string(stand)}; }}"
        f" @bottom-right {{ content: {_css_string(seite + ' ')} counter(page) "
        f"{_css_string(' ' + von + ' ')} counter(pages); }} }}"
    )


def _stylesheet_path() -> str | None:
    found = finders.find(PRINT_CSS)
    if found:
        return found
    from django.conf import settings

    collected = Path(settings.STATIC_ROOT or "") / PRINT_CSS
    return str(collected) if collected.is_file() else None


def check_url(url: str) -> None:
    """Allow ``data:`` URLs and files under the static directories; refuse the rest."""
    if url.startswith("data:"):
        return
    if url.startswith("file://"):
        path = Path(url.removeprefix("file://").split("?")[0]).resolve()
        if any(path.is_relative_to(Path(root).resolve()) for root in _static_roots()):
            return
    raise ValueError(f"PDF: URL not allowed: {url[:80]}")


def _fetcher():
    """A WeasyPrint URL fetcher that only serves what ``check_url`` allows."""
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            check_url(url)
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=["file", "data"], allow_redirects=False)


def _static_roots() -> list[str]:
    from django.conf import settings

    roots = []
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(str(entry[1] if isinstance(entry, (tuple, list)) else entry))
    if settings.STATIC_ROOT:
        roots.append(str(settings.STATIC_ROOT))
    return roots


def _cache_key(html: str, css: str, path: str | None) -> str:
    digest = hashlib.sha256()
    if path:
        stat = Path(path).stat()
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    digest.update(css.encode())
    digest.update(html.encode())
    return f"srb:pdf:{digest.hexdigest()}"


def html_to_pdf(
    html: str,
    *,
    running_title: str = "",
    date: datetime.date | None = None,
    cache_seconds: int = 0,
) -> bytes:
    """PDF bytes for a complete HTML document, with the print stylesheet and footer.

    With ``cache_seconds`` the PDF is kept in Django's cache under a hash of the
    HTML, the footer and the stylesheet: the same input gives the same PDF, any
    change of the data changes the HTML and so the key. Laying out a multi-page
    document takes WeasyPrint one to two seconds; a report that many people open
    is then laid out once per change instead of once per request.
    """
    css = page_css(running_title=running_title, date=date)
    path = _stylesheet_path()
    key = _cache_key(html, css, path) if cache_seconds else None
    if key:
        from django.core.cache import cache

        cached = cache.get(key)
        if cached is not None:
            return cached

    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    stylesheets = []
    if path:
        stylesheets.append(CSS(filename=path, url_fetcher=fetcher))
    stylesheets.append(CSS(string=css))
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    data = document.write_pdf(stylesheets=stylesheets)
    if key:
        from django.core.cache import cache

        cache.set(key, data, cache_seconds)
    return data


def render_pdf(
    template_name: str,
    context: dict,
    *,
    request=None,
    running_title: str = "",
    date: datetime.date | None = None,
    cache_seconds: int = 0,
) -> bytes:
    """Render ``template_name`` with ``context`` and return the PDF bytes.

    Charts go into the template as inline SVG strings (``reports.documents.charts``).
    """
    html = render_to_string(template_name, context, request=request)
    return html_to_pdf(html, running_title=running_title, date=date, cache_seconds=cache_seconds)


def one_page_pdf() -> bytes:
    """A one-page document with the same stylesheet and footer: the benchmark floor
    the report PDF is compared with (issue 8: within 5× of this)."""
    html = (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        "<title>Testseite</title></head><body><h1>Testseite</h1>"
        "<p>Eine Seite zum Vergleich der PDF-Erzeugung.</p></body></html>"
    )
    return html_to_pdf(html, running_title="Sozialraumbudget")
