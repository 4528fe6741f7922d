"""Server-side SVG of the evaluation results: one horizontal bar per answer option.

Pure Python string building (standard library only, no Django): the caller passes every
text already translated and every number already formatted. As the report charts
(``reports.documents.charts``, which sits above this app): ``role="img"`` with
``<title>`` and ``<desc>`` referenced by ``aria-labelledby``, presentation attributes
only (no ``style=``, for the Content-Security-Policy), every bar labelled with its value,
so nothing depends on colour; the page shows the same figures in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
WIDTH = 560
LABEL_W = 210
BAR_H = 18
GAP = 8
TOP = 8
VALUE_W = 90
BAR_FILL = "#35588a"
EDGE = "#1f3553"


def distribution_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    shares: Sequence[float],
    value_texts: Sequence[str],
) -> str:
    """Bars of ``shares`` (0..1, one per label) with ``value_texts`` at their ends."""
    rows = len(labels)
    height = TOP * 2 + rows * (BAR_H + GAP)
    plot_w = WIDTH - LABEL_W - VALUE_W
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" aria-labelledby="{title_id} '
        f'{desc_id}" font-family="{escape(FONT)}" font-size="12">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
        f'<line x1="{LABEL_W}" y1="{TOP - 2}" x2="{LABEL_W}" y2="{height - TOP + 2}" '
        f'stroke="{EDGE}" stroke-width="1"/>',
    ]
    for i, (label, share, text) in enumerate(zip(labels, shares, value_texts, strict=True)):
        y = TOP + i * (BAR_H + GAP)
        short = label if len(label) <= 34 else label[:33] + "…"
        width = max(0.0, min(1.0, float(share))) * plot_w
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + BAR_H * 0.72:.1f}" text-anchor="end" '
            f'fill="#212529">{escape(short)}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_W}" y="{y}" width="{width:.1f}" height="{BAR_H}" '
            f'fill="{BAR_FILL}" stroke="{EDGE}" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{LABEL_W + width + 6:.1f}" y="{y + BAR_H * 0.72:.1f}" '
            f'fill="#212529">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
