"""A scatter plot of an official indicator against the Sozialraum Gesamtindex, as a
server-rendered SVG (issue 18).

Like ``network.svg``: ``role="img"`` with ``<title>``/``<desc>`` referenced by
``aria-labelledby``, presentation attributes only, black on white (readable in black and
white). Each point carries its Sozialraum as a ``<title>`` tooltip; the page shows the
same pairs in a table as the text alternative. Every text from the data is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape

from srb_project.numbers import localized

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
WIDTH, HEIGHT = 480, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 48


def _ticks(lo: float, hi: float) -> list[float]:
    if hi == lo:
        return [lo]
    return [lo + (hi - lo) * i / 4 for i in range(5)]


def _range(values: Sequence[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.05
    return lo - pad, hi + pad


def scatter_svg(
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    points: Sequence[tuple[str, float, float]],
) -> str:
    """``points``: (label, x, y); an empty list gives an empty frame."""
    cid = escape(chart_id)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" id="{cid}" '
        f'class="srb-chart srb-scatter" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="{FONT}" font-size="11">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" '
        f'stroke="#000000"/>',
    ]
    if points:
        x_lo, x_hi = _range([p[1] for p in points])
        y_lo, y_hi = _range([p[2] for p in points])

        def px(x: float) -> float:
            return LEFT + (x - x_lo) / (x_hi - x_lo) * plot_w

        def py(y: float) -> float:
            return TOP + plot_h - (y - y_lo) / (y_hi - y_lo) * plot_h

        for tick in _ticks(x_lo, x_hi):
            parts.append(
                f'<line x1="{px(tick):.1f}" y1="{TOP + plot_h}" x2="{px(tick):.1f}" '
                f'y2="{TOP + plot_h + 4}" stroke="#000000"/>'
                f'<text x="{px(tick):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
                f"{escape(localized(tick, 1))}</text>"
            )
        for tick in _ticks(y_lo, y_hi):
            parts.append(
                f'<line x1="{LEFT - 4}" y1="{py(tick):.1f}" x2="{LEFT}" y2="{py(tick):.1f}" '
                f'stroke="#000000"/><text x="{LEFT - 6}" y="{py(tick) + 4:.1f}" '
                f'text-anchor="end">{escape(localized(tick, 1))}</text>'
            )
        for label, x, y in points:
            parts.append(
                f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="#000000">'
                f"<title>{escape(label)}: {escape(localized(x, 2))} / "
                f"{escape(localized(y, 1))}</title></circle>"
            )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
        f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
