"""Server-side SVG charts for the reports (web page and PDF alike).

Pure Python string building: no JavaScript, no chart library, no Django. The
SVG is inlined into the HTML (and so into the WeasyPrint PDF). Design rules:

- Black-and-white print: every series has its own grey level *and* its own
  pattern (hatching, dots, cross-hatching), and every bar carries its value as
  text, so nothing depends on colour.
- Accessible: ``role="img"``, ``<title>`` and ``<desc>`` referenced by
  ``aria-labelledby``; the reports show the same figures in a table as well.
- Content-Security-Policy: only presentation attributes (``fill=``, ``font-size=``),
  never ``style=`` attributes or ``<style>`` elements.
- Numbers in the active language's notation (``srb_project.numbers.localized``: German
  decimal comma and thousands dot, English the other way round); the only Django the
  module touches is that helper's lookup of the active language.

Every text that comes from data is XML-escaped (``esc``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from srb_project.numbers import localized

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
FONT_SIZE = 12
CHAR_WIDTH = 0.58 * FONT_SIZE  # average glyph width of a sans-serif font, for layout only
NBSP = "\u00a0"


# --- formatting ---------------------------------------------------------------------


def esc(text) -> str:
    """Escape ``text`` for XML character data and attribute values."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def format_de(value, decimals: int = 1) -> str:
    """``1234.5`` -> ``"1.234,5"``; None or NaN -> ``"k.\u00a0A."`` (keine Angabe)."""
    if value is None:
        return f"k.{NBSP}A."
    if isinstance(value, float) and math.isnan(value):
        return f"k.{NBSP}A."
    # Half up, as people round by hand (43,25 -> 43,3), from the shortest repr of floats.
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return localized(number, decimals)  # the active language's notation (German: 1.234,5)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", str(text).lower()).strip("-") or "chart"


def _wrap(label: str, width_chars: int) -> list[str]:
    """Break a long label into at most two lines at spaces; shorten the rest."""
    if len(label) <= width_chars:
        return [label]
    words = label.split(" ")
    first = ""
    for i, word in enumerate(words):
        candidate = f"{first} {word}".strip()
        if len(candidate) > width_chars and first:
            rest = " ".join(words[i:])
            if len(rest) > width_chars:
                rest = rest[: width_chars - 1] + "…"
            return [first, rest]
        first = candidate
    return [label[: width_chars - 1] + "…"]


# --- patterns for black-and-white print -----------------------------------------------


@dataclass(frozen=True)
class Fill:
    """One series' look: a grey base and an optional pattern drawn over it."""

    grey: str
    pattern: str  # "solid", "hatch", "dots", "cross", "backhatch"
    ink: str = "#000000"


# Grey levels far enough apart to tell in print; patterns tell them apart even
# when a copier flattens the greys.
FILLS = [
    Fill("#3a3a3a", "solid"),
    Fill("#ffffff", "hatch"),
    Fill("#bdbdbd", "dots"),
    Fill("#ffffff", "cross"),
    Fill("#8a8a8a", "backhatch"),
]


def _pattern_def(pid: str, fill: Fill) -> str:
    size = 6
    if fill.pattern == "hatch":
        marks = f'<path d="M0,{size} L{size},0" stroke="{fill.ink}" stroke-width="1.2"/>'
    elif fill.pattern == "backhatch":
        marks = f'<path d="M0,0 L{size},{size}" stroke="{fill.ink}" stroke-width="1.2"/>'
    elif fill.pattern == "cross":
        marks = (
            f'<path d="M0,{size} L{size},0 M0,0 L{size},{size}" '
            f'stroke="{fill.ink}" stroke-width="0.9"/>'
        )
    elif fill.pattern == "dots":
        marks = f'<circle cx="3" cy="3" r="1.3" fill="{fill.ink}"/>'
    else:
        return ""
    return (
        f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="{size}" height="{size}">'
        f'<rect width="{size}" height="{size}" fill="{fill.grey}"/>{marks}</pattern>'
    )


def _fill_attr(pid: str, fill: Fill) -> str:
    return fill.grey if fill.pattern == "solid" else f"url(#{pid})"


# --- charts ---------------------------------------------------------------------------


def _svg_open(chart_id: str, width: float, height: float, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" '
        f'id="{chart_id}" class="srb-chart" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{esc(FONT)}" font-size="{FONT_SIZE}">'
        f'<title id="{chart_id}-title">{esc(title)}</title>'
        f'<desc id="{chart_id}-desc">{esc(desc)}</desc>'
    )


def _axis(x0: float, y0: float, plot_w: float, height: float, max_value: float, ticks) -> str:
    parts = []
    for tick in ticks:
        x = x0 + plot_w * tick / max_value
        parts.append(
            f'<line x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y0 + height:.1f}" '
            f'stroke="#b0b0b0" stroke-width="0.6" stroke-dasharray="2,2"/>'
            f'<text x="{x:.1f}" y="{y0 + height + 14:.1f}" text-anchor="middle" '
            f'font-size="10" fill="#000000">{esc(format_de(tick, 0))}</text>'
        )
    parts.append(
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x0:.1f}" y2="{y0 + height:.1f}" '
        f'stroke="#000000" stroke-width="1"/>'
    )
    return "".join(parts)


def _ticks(max_value: float) -> list[float]:
    if max_value <= 0:
        return [0]
    raw = max_value / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    count = int(max_value // step)
    return [round(i * step, 6) for i in range(count + 1)]


def _nice_max(values: Sequence[float]) -> float:
    top = max([v for v in values if v is not None] or [0])
    if top <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(top))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * magnitude >= top:
            return m * magnitude
    return top


def _value_label(x_end: float, y_mid: float, text: str, plot_right: float) -> str:
    """The value next to the bar's end (inside the plot's right margin if needed)."""
    width = len(text) * CHAR_WIDTH * 0.9
    x = x_end + 4
    anchor = "start"
    backing = ""
    if x + width > plot_right + 44:
        # Inside the bar's end: on a white label, readable over any grey or pattern.
        x, anchor = x_end - 4, "end"
        backing = (
            f'<rect x="{x - width - 2:.1f}" y="{y_mid - 6:.1f}" width="{width + 4:.1f}" '
            f'height="12" fill="#ffffff"/>'
        )
    return backing + (
        f'<text x="{x:.1f}" y="{y_mid + 4:.1f}" text-anchor="{anchor}" font-size="10" '
        f'fill="#000000">{esc(text)}</text>'
    )


def grouped_bar_chart(
    *,
    title: str,
    description: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    max_value: float | None = None,
    decimals: int = 1,
    unit: str = "",
    chart_id: str | None = None,
    width: int = 720,
    bar_height: int = 13,
    legend: bool = True,
    missing_text: str | Sequence[str | Sequence[str]] | None = None,
) -> str:
    """Horizontal grouped bars: one group per entry of ``groups`` (e.g. Sozialraum),
    one bar per series (e.g. the four indices), each labelled with its value.

    ``series`` is ``[(legend label, [value per group, ...]), ...]``; a value of
    None is drawn as "k. A." (or ``missing_text``, e.g. "kein Vorjahr"; a sequence gives
    one per series, each a text or one text per group) without a bar.
    Returns an SVG element as a string.
    """
    chart_id = chart_id or f"chart-{_slug(title)}"
    n_series = max(len(series), 1)
    bar_h = bar_height
    gap_group = 12
    label_chars = 26
    label_w = min(max((len(g) for g in groups), default=10), label_chars) * CHAR_WIDTH + 12
    # Legend: swatch + label per series, wrapped into rows that fit the width.
    legend_items = []
    lx, ly = label_w, 8.0
    for i, (label, _values) in enumerate(series if legend else []):
        item_w = 21 + len(str(label)) * CHAR_WIDTH + 18
        if lx + item_w > width and lx > label_w:
            lx, ly = label_w, ly + 18
        legend_items.append((i, str(label), lx, ly))
        lx += item_w
    legend_h = (ly - 8 + 26) if legend_items else 0
    top = 8 + legend_h
    group_h = n_series * bar_h + gap_group
    plot_h = max(len(groups), 1) * group_h
    x0 = label_w
    plot_w = width - x0 - 56
    height = top + plot_h + 24
    all_values = [v for _label, values in series for v in values]
    max_value = float(max_value) if max_value else _nice_max(all_values)

    parts = [_svg_open(chart_id, width, height, title, description), "<defs>"]
    fills = [FILLS[i % len(FILLS)] for i in range(len(series))]
    for i, fill in enumerate(fills):
        parts.append(_pattern_def(f"{chart_id}-p{i}", fill))
    parts.append("</defs>")

    for i, label, lx, ly in legend_items:
        fill = _fill_attr(f"{chart_id}-p{i}", fills[i])
        parts.append(
            f'<rect class="legend-swatch" x="{lx:.1f}" y="{ly:.1f}" width="16" height="12" '
            f'fill="{fill}" '
            f'stroke="#000000" stroke-width="0.8"/>'
            f'<text x="{lx + 21:.1f}" y="{ly + 10.5:.1f}" fill="#000000">{esc(label)}</text>'
        )

    parts.append(_axis(x0, top, plot_w, plot_h, max_value, _ticks(max_value)))
    for gi, group in enumerate(groups):
        gy = top + gi * group_h + gap_group / 2
        lines = _wrap(str(group), label_chars)
        mid = gy + n_series * bar_h / 2
        first_y = mid + 4 - (len(lines) - 1) * 7
        parts.append(f'<g aria-label="{esc(group)}">')
        for li, line in enumerate(lines):
            parts.append(
                f'<text x="{x0 - 6:.1f}" y="{first_y + li * 14:.1f}" text-anchor="end" '
                f'fill="#000000">{esc(line)}</text>'
            )
        for si, (_label, values) in enumerate(series):
            value = values[gi] if gi < len(values) else None
            y = gy + si * bar_h
            text = format_de(value, decimals) + (
                f"{NBSP}{unit}" if unit and value is not None else ""
            )
            if value is None or (isinstance(value, float) and math.isnan(value)):
                missing = missing_text
                if missing is not None and not isinstance(missing, str):
                    missing = missing[si]  # per series
                if missing is not None and not isinstance(missing, str):
                    missing = missing[gi]  # per series and group
                text = missing if missing is not None else text
                parts.append(
                    f'<text x="{x0 + 4:.1f}" y="{y + bar_h / 2 + 4:.1f}" font-size="11" '
                    f'fill="#000000">{esc(text)}</text>'
                )
                continue
            w = max(0.0, min(float(value), max_value)) / max_value * plot_w
            fill = _fill_attr(f"{chart_id}-p{si}", fills[si])
            parts.append(
                f'<rect class="bar" x="{x0:.1f}" y="{y + 0.5:.1f}" width="{w:.1f}" '
                f'height="{bar_h - 1}" '
                f'fill="{fill}" stroke="#000000" stroke-width="0.6"/>'
            )
            parts.append(_value_label(x0 + w, y + bar_h / 2, text, x0 + plot_w))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | Decimal | None],
    max_value: float | None = None,
    decimals: int = 2,
    unit: str = "%",
    chart_id: str | None = None,
    width: int = 720,
) -> str:
    """Horizontal bars, one per label (e.g. each Sozialraum's share), value labelled."""
    floats = [None if v is None else float(v) for v in values]
    return grouped_bar_chart(
        title=title,
        description=description,
        groups=labels,
        series=[(title, floats)],
        max_value=max_value,
        decimals=decimals,
        unit=unit,
        chart_id=chart_id,
        width=width,
        bar_height=16,
        legend=False,
    )


def _legend(
    chart_id: str, labels: Sequence[str], fills: Sequence[Fill], x_start: float, width: float
) -> tuple[list[str], float]:
    """Swatch + label per series, wrapped into rows that fit ``width``; returns the SVG
    parts and the height the legend takes."""
    parts = []
    lx, ly = x_start, 8.0
    for i, label in enumerate(labels):
        item_w = 21 + len(str(label)) * CHAR_WIDTH + 18
        if lx + item_w > width and lx > x_start:
            lx, ly = x_start, ly + 18
        fill = _fill_attr(f"{chart_id}-p{i}", fills[i])
        parts.append(
            f'<rect class="legend-swatch" x="{lx:.1f}" y="{ly:.1f}" width="16" height="12" '
            f'fill="{fill}" stroke="#000000" stroke-width="0.8"/>'
            f'<text x="{lx + 21:.1f}" y="{ly + 10.5:.1f}" fill="#000000">{esc(label)}</text>'
        )
        lx += item_w
    return parts, (ly - 8 + 26) if labels else 0.0


def stacked_bar_chart(
    *,
    title: str,
    description: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | Decimal | None]]],
    notes: Sequence[str | None] = (),
    decimals: int = 2,
    unit: str = "",
    chart_id: str | None = None,
    width: int = 720,
    bar_height: int = 20,
) -> str:
    """Horizontal stacked bars: one bar per group (e.g. Sozialraum), one segment per
    series (e.g. Förderstrang), the total written at the bar's end.

    ``series`` is ``[(key, legend label, [value per group, ...]), ...]``: each segment
    wide enough carries its key (and its value when that fits too) on a white label, so
    a segment is named without relying on its grey or pattern. A group with a text in
    ``notes`` (e.g. "nicht beschlossen") draws that text instead of a bar. Zero and None
    values draw no segment. Returns an SVG element as a string.
    """
    chart_id = chart_id or f"chart-{_slug(title)}"
    label_chars = 26
    label_w = min(max((len(g) for g in groups), default=10), label_chars) * CHAR_WIDTH + 12
    fills = [FILLS[i % len(FILLS)] for i in range(len(series))]
    legend_parts, legend_h = _legend(chart_id, [label for _k, label, _v in series], fills, 8, width)
    top = 8 + legend_h
    gap = 10
    row_h = bar_height + gap
    x0 = label_w
    total_w = 12 * CHAR_WIDTH * 0.9  # room for the total at the end of the longest bar
    plot_w = width - x0 - total_w - 8
    plot_h = max(len(groups), 1) * row_h
    height = top + plot_h + 24
    notes = list(notes) + [None] * (len(groups) - len(notes))

    def number(value) -> float:
        return 0.0 if value is None else float(value)

    totals = [
        None if notes[gi] else sum(number(values[gi]) for _k, _l, values in series)
        for gi in range(len(groups))
    ]
    max_value = _nice_max([t for t in totals if t is not None])

    parts = [_svg_open(chart_id, width, height, title, description), "<defs>"]
    for i, fill in enumerate(fills):
        parts.append(_pattern_def(f"{chart_id}-p{i}", fill))
    parts.append("</defs>")
    parts.extend(legend_parts)
    parts.append(_axis(x0, top, plot_w, plot_h, max_value, _ticks(max_value)))
    suffix = f"{NBSP}{unit}" if unit else ""
    for gi, group in enumerate(groups):
        y = top + gi * row_h + gap / 2
        mid = y + bar_height / 2
        lines = _wrap(str(group), label_chars)
        first_y = mid + 4 - (len(lines) - 1) * 7
        parts.append(f'<g aria-label="{esc(group)}">')
        for li, line in enumerate(lines):
            parts.append(
                f'<text x="{x0 - 6:.1f}" y="{first_y + li * 14:.1f}" text-anchor="end" '
                f'fill="#000000">{esc(line)}</text>'
            )
        if notes[gi]:
            parts.append(
                f'<text x="{x0 + 6:.1f}" y="{mid + 4:.1f}" font-size="11" '
                f'fill="#000000">{esc(notes[gi])}</text></g>'
            )
            continue
        x = x0
        for si, (key, _label, values) in enumerate(series):
            value = number(values[gi] if gi < len(values) else None)
            if value <= 0:
                continue
            w = value / max_value * plot_w
            fill = _fill_attr(f"{chart_id}-p{si}", fills[si])
            parts.append(
                f'<rect class="segment" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                f'height="{bar_height}" fill="{fill}" stroke="#000000" stroke-width="0.7"/>'
            )
            for text in (f"{key}: {format_de(value, decimals)}", str(key)):
                text_w = len(text) * CHAR_WIDTH * 0.85 + 6
                if text_w <= w - 4:
                    cx = x + w / 2
                    parts.append(
                        f'<rect x="{cx - text_w / 2:.1f}" y="{mid - 7:.1f}" '
                        f'width="{text_w:.1f}" height="14" rx="2" fill="#ffffff" '
                        f'stroke="#000000" stroke-width="0.4"/>'
                        f'<text x="{cx:.1f}" y="{mid + 3.5:.1f}" text-anchor="middle" '
                        f'font-size="10" fill="#000000">{esc(text)}</text>'
                    )
                    break
            x += w
        total = totals[gi] or 0.0
        parts.append(
            f'<text x="{x + 5:.1f}" y="{mid + 4:.1f}" font-size="11" font-weight="bold" '
            f'fill="#000000">{esc(format_de(total, decimals) + suffix)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


# Markers for line charts: each series its own shape (and dash), not only its grey.
MARKERS = ["circle", "square", "triangle", "diamond", "cross"]
DASHES = ["", "6,3", "2,3", "8,3,2,3", "1,2"]


def _marker(shape: str, x: float, y: float, r: float = 4.0) -> str:
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
            f'fill="#ffffff" stroke="#000000" stroke-width="1.4"/>'
        )
    if shape == "triangle":
        return (
            f'<path d="M{x:.1f},{y - r - 1:.1f} L{x + r + 1:.1f},{y + r:.1f} '
            f'L{x - r - 1:.1f},{y + r:.1f} Z" fill="#000000"/>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f},{y - r - 1:.1f} L{x + r + 1:.1f},{y:.1f} L{x:.1f},{y + r + 1:.1f} '
            f'L{x - r - 1:.1f},{y:.1f} Z" fill="#ffffff" stroke="#000000" stroke-width="1.4"/>'
        )
    if shape == "cross":
        return (
            f'<path d="M{x - r:.1f},{y - r:.1f} L{x + r:.1f},{y + r:.1f} M{x - r:.1f},{y + r:.1f} '
            f'L{x + r:.1f},{y - r:.1f}" stroke="#000000" stroke-width="1.8"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#000000"/>'


def small_multiples_chart(
    *,
    title: str,
    description: str,
    x_labels: Sequence[str],
    panels: Sequence[tuple[str, Sequence[tuple[str, Sequence[float | Decimal | None]]]]],
    max_value: float | None = None,
    decimals: int = 1,
    unit: str = "",
    missing_text: str | None = None,
    chart_id: str | None = None,
    width: int = 720,
    columns: int = 4,
    panel_height: int = 160,
) -> str:
    """One small line chart per panel (e.g. Sozialraum) on a common scale, the x axis
    the same steps in each (e.g. survey rounds): change over time without one tangle of
    lines. ``panels`` is ``[(panel title, [(series label, [value per step]), ...]), ...]``;
    each series has its own marker and dash, every point carries its value, a None
    draws no point (``missing_text``, e.g. "zusammengefasst", is written instead).
    """
    chart_id = chart_id or f"chart-{_slug(title)}"
    series_labels = [label for label, _v in panels[0][1]] if panels else []
    legend_parts = []
    legend_h = 0.0
    if len(series_labels) > 1:
        lx = 8.0
        for i, label in enumerate(series_labels):
            legend_parts.append(
                f'<line x1="{lx:.1f}" y1="14" x2="{lx + 26:.1f}" y2="14" stroke="#000000" '
                f'stroke-width="1.6"{_dash(i)}/>{_marker(MARKERS[i % len(MARKERS)], lx + 13, 14)}'
                f'<text x="{lx + 32:.1f}" y="18" fill="#000000">{esc(label)}</text>'
            )
            lx += 32 + len(label) * CHAR_WIDTH + 18
        legend_h = 28.0
    columns = max(1, min(columns, len(panels) or 1))
    rows = math.ceil(len(panels) / columns) if panels else 1
    gap_x, gap_y = 14.0, 16.0
    panel_w = (width - gap_x * (columns - 1)) / columns
    top = 4 + legend_h
    height = top + rows * (panel_height + gap_y)
    all_values = [
        float(v) for _t, series in panels for _l, values in series for v in values if v is not None
    ]
    max_value = float(max_value) if max_value else _nice_max(all_values)
    n = max(len(x_labels), 1)
    suffix = f"{NBSP}{unit}" if unit else ""

    parts = [_svg_open(chart_id, width, height, title, description), *legend_parts]
    for pi, (panel_title, series) in enumerate(panels):
        px = (pi % columns) * (panel_w + gap_x)
        py = top + (pi // columns) * (panel_height + gap_y)
        inner_l, inner_r = px + 24, px + panel_w - 8
        plot_top, plot_bottom = py + 50, py + panel_height - 22
        step = (inner_r - inner_l - 48) / (n - 1) if n > 1 else 0
        x_of = [inner_l + 24 + i * step if n > 1 else (inner_l + inner_r) / 2 for i in range(n)]

        def y_of(value, plot_top=plot_top, plot_bottom=plot_bottom):
            share = max(0.0, min(float(value), max_value)) / max_value
            return plot_bottom - share * (plot_bottom - plot_top)

        parts.append(f'<g aria-label="{esc(panel_title)}">')
        parts.append(
            f'<rect x="{px:.1f}" y="{py:.1f}" width="{panel_w:.1f}" height="{panel_height}" '
            f'fill="#ffffff" stroke="#7a7a7a" stroke-width="0.8"/>'
        )
        for li, line in enumerate(_wrap(str(panel_title), int(panel_w / (CHAR_WIDTH * 1.05)))):
            parts.append(
                f'<text x="{px + 8:.1f}" y="{py + 17 + li * 14:.1f}" font-weight="bold" '
                f'fill="#000000">{esc(line)}</text>'
            )
        # The scale: 0 at the base line, the common maximum at a dotted top line.
        parts.append(
            f'<line x1="{inner_l:.1f}" y1="{plot_bottom:.1f}" x2="{inner_r:.1f}" '
            f'y2="{plot_bottom:.1f}" stroke="#000000" stroke-width="0.8"/>'
            f'<line x1="{inner_l:.1f}" y1="{plot_top:.1f}" x2="{inner_r:.1f}" '
            f'y2="{plot_top:.1f}" stroke="#b0b0b0" stroke-width="0.6" stroke-dasharray="2,2"/>'
            f'<text x="{inner_l - 3:.1f}" y="{plot_bottom + 3:.1f}" text-anchor="end" '
            f'font-size="9" fill="#000000">0</text>'
            f'<text x="{inner_l - 3:.1f}" y="{plot_top + 3:.1f}" text-anchor="end" '
            f'font-size="9" fill="#000000">{esc(format_de(max_value, 0))}</text>'
        )
        for i, label in enumerate(x_labels):
            parts.append(
                f'<text x="{x_of[i]:.1f}" y="{plot_bottom + 15:.1f}" text-anchor="middle" '
                f'font-size="10" fill="#000000">{esc(label)}</text>'
            )
        for si, (_label, values) in enumerate(series):
            points = [
                (x_of[i], y_of(v), v)
                for i, v in enumerate(values[:n])
                if v is not None and not (isinstance(v, float) and math.isnan(v))
            ]
            if len(points) > 1:
                path = " ".join(
                    f"{'L' if k else 'M'}{x:.1f},{y:.1f}" for k, (x, y, _v) in enumerate(points)
                )
                parts.append(
                    f'<path d="{path}" fill="none" stroke="#000000" stroke-width="1.6"{_dash(si)}/>'
                )
            for x, y, v in points:
                parts.append(_marker(MARKERS[si % len(MARKERS)], x, y))
                above = si % 2 == 0
                ty = y - 8 if above else y + 16
                ty = min(max(ty, plot_top - 4), plot_bottom - 3)
                parts.append(
                    f'<text x="{x:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="10" '
                    f'fill="#000000">{esc(format_de(v, decimals) + suffix)}</text>'
                )
            if missing_text:
                for i, v in enumerate(values[:n]):
                    if v is None:
                        parts.append(
                            f'<text x="{x_of[i]:.1f}" y="{plot_bottom - 6:.1f}" '
                            f'text-anchor="middle" font-size="9" '
                            f'fill="#000000">{esc(missing_text)}</text>'
                        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _dash(index: int) -> str:
    dash = DASHES[index % len(DASHES)]
    return f' stroke-dasharray="{dash}"' if dash else ""
