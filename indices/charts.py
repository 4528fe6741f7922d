"""Server-side SVG for the Kita's own results page: where one Kita stands in the city.

Pure Python string building (standard library only, no Django): the caller passes every
text already translated and every number already formatted, so the module knows no
language. The SVG is inlined into the page. Design rules, as for the report charts:

- Black-and-white print: the own Kita is a large filled diamond with a black outline
  and its own label line, the other Kitas are small hollow circles, the norm band is a
  light fill between two dashed lines, the mean a dashed black line: shape, not colour,
  tells them apart.
- Accessible: ``role="img"`` with ``<title>`` and ``<desc>`` referenced by
  ``aria-labelledby``; the page says the same in a sentence and a table.
- Content-Security-Policy: presentation attributes only, never ``style=``.
- Privacy: the other Kitas are anonymous dots on a grid of bins (a Wilkinson dot plot),
  drawn in value order, with no name, id, link or tooltip. Where a bin holds more Kitas
  than fit in the chart's height, one dot stands for several Kitas (``per_dot``).

Scale: the indices are standard points between 0 and 100 (``LOW``..``HIGH``); values
outside are drawn at the edge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

LOW, HIGH = 0.0, 100.0
TICKS = (0, 25, 50, 75, 100)
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

WIDTH = 640
PAD_X = 26  # room for the first and last tick label
DOT_R = 3.6
DOT_STEP = 2 * DOT_R + 1.2  # centre distance of two neighbouring dots (x and y)
OWN_R = 8.0  # half diagonal of the own Kita's diamond
LABEL_OWN_Y = 14.0
LABEL_MEAN_Y = 30.0
BAND_TOP = 40.0
BAND_BOTTOM = 96.0
AXIS_Y = 104.0
HEIGHT = 140.0

OWN_FILL = "#b35900"  # dark orange, 4.6:1 on white; mid grey in print
DOT_STROKE = "#4d4d4d"
BAND_FILL = "#dce6f2"
BAND_EDGE = "#35588a"


def esc(text) -> str:
    """Escape ``text`` for XML character data and attribute values."""
    return escape(str(text), quote=True)


@dataclass(frozen=True)
class StripTexts:
    """The words of one chart, translated by the caller.

    ``title`` and ``desc`` are the text alternative; ``own_label`` ("Ihre Kita: 62,31"),
    ``mean_label`` ("Durchschnitt: 48,10") and the axis ends (``low_label``,
    ``high_label``) are drawn; empty strings draw nothing.
    """

    title: str
    desc: str
    own_label: str = ""
    mean_label: str = ""
    low_label: str = ""
    high_label: str = ""


@dataclass(frozen=True)
class Dot:
    """One anonymous dot: its bin and its row (0 = bottom)."""

    column: int
    row: int


def plot_x(value: float, *, width: float = WIDTH) -> float:
    """The x coordinate of an index value (clamped to the scale)."""
    share = (min(max(float(value), LOW), HIGH) - LOW) / (HIGH - LOW)
    return PAD_X + share * (width - 2 * PAD_X)


def column_of(value: float, *, width: float = WIDTH) -> int:
    """The bin of a value: bins are ``DOT_STEP`` wide, so dots of one row never overlap."""
    return round((plot_x(value, width=width) - PAD_X) / DOT_STEP)


def max_rows() -> int:
    """How many dots fit above each other in the band."""
    return max(1, int((BAND_BOTTOM - BAND_TOP - DOT_R) // DOT_STEP))


def dot_layout(
    others: Sequence[float], *, own: float | None = None, width: float = WIDTH
) -> tuple[list[Dot], int]:
    """The dots of the other Kitas and how many Kitas one dot stands for.

    Each value falls into its bin (``column_of``); a bin's dots are stacked from the
    bottom. The own Kita's diamond is larger than a dot: its bin starts two rows up and
    the bins beside it one row up, so no dot covers the diamond. When the
    fullest bin holds more Kitas than rows, one dot stands for ``per_dot`` Kitas (a bin
    then shows ``ceil(count / per_dot)`` dots), so the chart keeps its height.
    """
    counts: dict[int, int] = {}
    for value in others:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        column = column_of(value, width=width)
        counts[column] = counts.get(column, 0) + 1
    own_column = column_of(own, width=width) if own is not None else None
    rows = max_rows()

    def first_row(column: int) -> int:
        if own_column is None or abs(column - own_column) > 1:
            return 0
        return 2 if column == own_column else 1

    # rows the fullest bin would need with one dot per Kita
    needed = max([c + first_row(col) for col, c in counts.items()] or [0])
    per_dot = max(1, math.ceil(needed / rows)) if needed else 1
    dots = []
    for column in sorted(counts):
        start = first_row(column)
        for i in range(math.ceil(counts[column] / per_dot)):
            dots.append(Dot(column=column, row=min(start + i, rows - 1)))
    return dots, per_dot


def _text(x: float, y: float, text: str, *, anchor: str, weight: str = "normal", size=12) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-weight="{weight}" fill="#000000">{esc(text)}</text>'
    )


def _anchored(x: float, text: str, *, width: float, size: float = 12) -> tuple[float, str]:
    """Place a label centred on ``x`` unless it would run out of the chart."""
    half = len(text) * size * 0.3
    if x - half < 2:
        return 2.0, "start"
    if x + half > width - 2:
        return width - 2.0, "end"
    return x, "middle"


def strip_chart(
    *,
    chart_id: str,
    texts: StripTexts,
    others: Sequence[float],
    own: float | None,
    mean: float | None = None,
    lower: float | None = None,
    upper: float | None = None,
    width: int = WIDTH,
) -> str:
    """A dot strip of one index: the other Kitas, the norm band, the mean, the own Kita.

    ``others`` are the values of the other Kitas (the own value not among them; an empty
    sequence draws no dots, e.g. under the small-cell rule). ``lower``/``upper`` shade the
    norm band, ``mean`` draws a dashed line; None draws nothing. Returns an ``<svg>``.
    """
    cid = esc(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" id="{cid}" '
        f'class="srb-chart kita-strip" width="{width}" height="{HEIGHT:.0f}" '
        f'viewBox="0 0 {width} {HEIGHT:.0f}" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="{esc(FONT)}" font-size="12">'
        f'<title id="{cid}-title">{esc(texts.title)}</title>'
        f'<desc id="{cid}-desc">{esc(texts.desc)}</desc>'
    ]
    if lower is not None and upper is not None:
        x1, x2 = plot_x(lower, width=width), plot_x(upper, width=width)
        parts.append(
            f'<rect class="norm-band" x="{x1:.1f}" y="{BAND_TOP - 4:.1f}" '
            f'width="{max(x2 - x1, 0):.1f}" height="{AXIS_Y - BAND_TOP + 4:.1f}" '
            f'fill="{BAND_FILL}"/>'
        )
        for x in (x1, x2):
            parts.append(
                f'<line class="norm-edge" x1="{x:.1f}" y1="{BAND_TOP - 4:.1f}" x2="{x:.1f}" '
                f'y2="{AXIS_Y:.1f}" stroke="{BAND_EDGE}" stroke-width="1" '
                f'stroke-dasharray="2,2"/>'
            )
    # axis with ticks
    left, right = plot_x(LOW, width=width), plot_x(HIGH, width=width)
    parts.append(
        f'<line x1="{left:.1f}" y1="{AXIS_Y:.1f}" x2="{right:.1f}" y2="{AXIS_Y:.1f}" '
        f'stroke="#000000" stroke-width="1"/>'
    )
    for tick in TICKS:
        x = plot_x(tick, width=width)
        parts.append(
            f'<line x1="{x:.1f}" y1="{AXIS_Y:.1f}" x2="{x:.1f}" y2="{AXIS_Y + 5:.1f}" '
            f'stroke="#000000" stroke-width="1"/>'
        )
        parts.append(_text(x, AXIS_Y + 18, str(tick), anchor="middle", size=11))
    if texts.low_label:
        parts.append(_text(left, AXIS_Y + 33, texts.low_label, anchor="start", size=11))
    if texts.high_label:
        parts.append(_text(right, AXIS_Y + 33, texts.high_label, anchor="end", size=11))
    # the mean
    if mean is not None:
        x = plot_x(mean, width=width)
        parts.append(
            f'<line class="mean" x1="{x:.1f}" y1="{LABEL_MEAN_Y + 4:.1f}" x2="{x:.1f}" '
            f'y2="{AXIS_Y:.1f}" stroke="#000000" stroke-width="1.5" stroke-dasharray="5,3"/>'
        )
        if texts.mean_label:
            lx, anchor = _anchored(x, texts.mean_label, width=width)
            parts.append(_text(lx, LABEL_MEAN_Y, texts.mean_label, anchor=anchor))
    own_x = PAD_X + column_of(own, width=width) * DOT_STEP if own is not None else None
    own_cy = BAND_BOTTOM - DOT_R
    if own_x is not None:  # the own Kita's leader line, behind the dots
        parts.append(
            f'<line class="own-leader" x1="{own_x:.1f}" y1="{LABEL_OWN_Y + 4:.1f}" '
            f'x2="{own_x:.1f}" y2="{own_cy - OWN_R:.1f}" stroke="{OWN_FILL}" stroke-width="2"/>'
        )
    # the other Kitas: anonymous hollow dots
    dots, _per_dot = dot_layout(others, own=own, width=width)
    if dots:
        parts.append('<g class="others" aria-hidden="true">')
        for dot in dots:
            cx = PAD_X + dot.column * DOT_STEP
            cy = BAND_BOTTOM - DOT_R - dot.row * DOT_STEP
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{DOT_R}" fill="#ffffff" '
                f'stroke="{DOT_STROKE}" stroke-width="1.3"/>'
            )
        parts.append("</g>")
    # the own Kita: a large diamond on the bottom row, its label above
    if own_x is not None:
        x, cy = own_x, own_cy
        parts.append(
            f'<polygon class="own" points="{x:.1f},{cy - OWN_R:.1f} {x + OWN_R:.1f},{cy:.1f} '
            f'{x:.1f},{cy + OWN_R:.1f} {x - OWN_R:.1f},{cy:.1f}" fill="{OWN_FILL}" '
            f'stroke="#000000" stroke-width="1.5"/>'
        )
        if texts.own_label:
            lx, anchor = _anchored(x, texts.own_label, width=width)
            parts.append(_text(lx, LABEL_OWN_Y, texts.own_label, anchor=anchor, weight="bold"))
    parts.append("</svg>")
    return "".join(parts)


def legend_icon(kind: str) -> str:
    """A small decorative SVG for the page's legend (``own``, ``other``, ``band``, ``mean``);
    hidden from assistive technology, the legend's text says it."""
    shapes = {
        "own": f'<polygon points="9,1 17,9 9,17 1,9" fill="{OWN_FILL}" stroke="#000000" '
        f'stroke-width="1.5"/>',
        "other": f'<circle cx="9" cy="9" r="{DOT_R}" fill="#ffffff" stroke="{DOT_STROKE}" '
        f'stroke-width="1.3"/>',
        "band": f'<rect x="1" y="2" width="16" height="14" fill="{BAND_FILL}" '
        f'stroke="{BAND_EDGE}" stroke-width="1" stroke-dasharray="2,2"/>',
        "mean": '<line x1="9" y1="0" x2="9" y2="18" stroke="#000000" stroke-width="1.5" '
        'stroke-dasharray="5,3"/>',
    }
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="legend-icon" width="18" height="18" '
        f'viewBox="0 0 18 18" aria-hidden="true" focusable="false">{shapes[kind]}</svg>'
    )


LEGEND_KINDS = ("own", "other", "band", "mean")
