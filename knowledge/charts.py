"""A small server-rendered SVG bar chart: how often each theme occurs (issue 17).

Pure string building (standard library only); the caller passes translated texts and the
counts. Accessible like the other charts: ``role="img"`` with ``<title>``/``<desc>``
referenced by ``aria-labelledby``; the page shows the same figures in a table. No
``style=`` attributes (Content-Security-Policy), black-and-white printable (bars are
filled dark grey, the count is written beside each bar).

Layout: one row per theme, ``ROW`` pixels high; the label column is ``LABEL_W`` wide, the
bars scale to the largest count over ``BAR_W`` pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

ROW = 22
LABEL_W = 110
BAR_W = 300
COUNT_W = 40
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def theme_bars(
    items: Sequence[tuple[str, int]], *, title: str, description: str, chart_id: str
) -> str:
    """An SVG with one horizontal bar per (label, count)."""
    top = max((count for _label, count in items), default=0) or 1
    width = LABEL_W + BAR_W + COUNT_W
    height = ROW * max(len(items), 1) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{escape(FONT)}" '
        'font-size="12" class="mw-100 h-auto">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, count) in enumerate(items):
        y = 4 + index * ROW
        bar = round(BAR_W * count / top, 1)
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + ROW / 2 + 4}" text-anchor="end" '
            f'fill="#212529">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{bar}" height="{ROW - 6}" fill="#495057"/>'
        )
        parts.append(
            f'<text x="{LABEL_W + bar + 4}" y="{y + ROW / 2 + 4}" fill="#212529">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
