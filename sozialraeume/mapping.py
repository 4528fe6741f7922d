"""Maps without a tile server (issue 18): project Sozialraum boundaries and draw choropleths.

Pure: shapely and string building, no Django, no database, no network (works offline).
The callers (``reports.selectors.maps``) pass translated texts and formatted numbers in.

Projection (documented, simple; no pyproj): equirectangular with the cosine of the mean
latitude, good to well under 1 % over a town or a district:

    phi0 = (lat_min + lat_max) / 2                        (degrees, of all shapes drawn)
    x    = R * (lon - lon0) * cos(phi0) * pi / 180        (metres east of lon0)
    y    = R * (lat - lat0) * pi / 180                    (metres north of lat0)

with ``lon0``, ``lat0`` the centre of the bounding box and R = 6 371 008,8 m (the mean
earth radius). Inputs are WGS 84 longitude/latitude in degrees (GeoJSON order: lon, lat),
outputs metres; the SVG then scales both axes by the same factor (north up, y flipped).

Black-and-white print: the five classes differ by grey level *and* by pattern (none,
sparse hatching, horizontal lines, cross-hatching, dense dots), "no value" is white with
a dotted outline; Kita points are white circles with a black centre. Accessible:
``role="img"``, ``<title>``/``<desc>`` referenced by ``aria-labelledby``; the pages put a
table next to every map. Only presentation attributes, never ``style=`` (the CSP).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import shape

EARTH_RADIUS_M = 6_371_008.8
CLASS_COUNT = 5
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


# --- projection -----------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Equirectangular around (lon0, lat0), x scaled by cos(phi0) (see the module doc)."""

    lon0: float
    lat0: float
    phi0: float

    @classmethod
    def for_bounds(cls, lon_min: float, lat_min: float, lon_max: float, lat_max: float):
        mid_lat = (lat_min + lat_max) / 2
        return cls(lon0=(lon_min + lon_max) / 2, lat0=mid_lat, phi0=mid_lat)

    def metres(self, lon: float, lat: float) -> tuple[float, float]:
        """(lon, lat) in degrees -> (x east, y north) in metres from (lon0, lat0)."""
        k = EARTH_RADIUS_M * math.pi / 180
        return (k * (lon - self.lon0) * math.cos(math.radians(self.phi0)), k * (lat - self.lat0))


@dataclass(frozen=True)
class Viewport:
    """Metres -> SVG pixels: one scale for both axes, north up, centred in the box."""

    projection: Projection
    scale: float  # pixels per metre
    cx: float  # pixel position of (lon0, lat0)
    cy: float

    def pixel(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self.projection.metres(lon, lat)
        return (self.cx + x * self.scale, self.cy - y * self.scale)


def fit(bounds: tuple[float, float, float, float], width: float, height: float) -> Viewport:
    """The viewport that shows ``bounds`` (lon_min, lat_min, lon_max, lat_max) as large as
    fits into ``width`` × ``height`` pixels, centred."""
    projection = Projection.for_bounds(*bounds)
    x0, y0 = projection.metres(bounds[0], bounds[1])
    x1, y1 = projection.metres(bounds[2], bounds[3])
    span_x, span_y = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    scale = min(width / span_x, height / span_y)
    return Viewport(projection, scale, width / 2, height / 2)


# --- classes --------------------------------------------------------------------------


def equal_interval_classes(
    values: Sequence[float | None], n: int = CLASS_COUNT
) -> tuple[list[int | None], list[tuple[float, float]]]:
    """Class 0..n-1 of each value in ``n`` intervals of equal width between the smallest
    and the largest value (the largest value in the top class); None stays None. Returns
    the classes and the intervals (low, high). All values equal: all in class 0, one
    interval."""
    known = [v for v in values if v is not None]
    if not known:
        return [None for _ in values], []
    low, high = min(known), max(known)
    if high == low:
        return [None if v is None else 0 for v in values], [(low, high)]
    width = (high - low) / n
    classes = [None if v is None else min(int((v - low) / width), n - 1) for v in values]
    return classes, [(low + i * width, low + (i + 1) * width) for i in range(n)]


# --- drawing --------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """One Sozialraum on the map: its GeoJSON geometry (Polygon or MultiPolygon, lon/lat),
    its class (0..4, None: no value) and the texts of its label and tooltip."""

    key: str  # unique within the map, e.g. "sr-12"
    label: str
    geometry: dict
    klass: int | None
    value_text: str


@dataclass(frozen=True)
class MapPoint:
    lon: float
    lat: float
    label: str


@dataclass(frozen=True)
class LegendEntry:
    klass: int | None  # None: the "no value" look
    text: str


# grey, pattern: class 0 lightest .. 4 darkest; each with its own pattern
STYLES = [
    ("#f4f4f4", "none"),
    ("#d9d9d9", "hatch"),
    ("#b0b0b0", "lines"),
    ("#808080", "cross"),
    ("#404040", "dots"),
]
NO_VALUE = ("#ffffff", "dotted")


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


CHAR_WIDTH = 6.8  # average glyph width at font size 12, for the label boxes only
LABEL_CHARS = 16  # longer labels are broken into two lines


def label_lines(label: str) -> list[str]:
    """A label in one line, or two broken at the space nearest to its middle."""
    if len(label) <= LABEL_CHARS or " " not in label:
        return [label]
    spaces = [i for i, c in enumerate(label) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return [label[:cut].strip(), label[cut + 1 :].strip()]


def _pattern(pid: str, grey: str, kind: str) -> str:
    ink = "#ffffff" if kind == "dots" else "#000000"
    size = 8
    if kind == "hatch":
        marks = f'<path d="M0,{size} L{size},0" stroke="{ink}" stroke-width="1"/>'
    elif kind == "lines":
        marks = f'<path d="M0,4 L{size},4" stroke="{ink}" stroke-width="1.2"/>'
    elif kind == "cross":
        marks = (
            f'<path d="M0,{size} L{size},0 M0,0 L{size},{size}" stroke="{ink}" stroke-width="1"/>'
        )
    elif kind == "dots":
        marks = (
            f'<circle cx="2" cy="2" r="1.2" fill="{ink}"/>'
            f'<circle cx="6" cy="6" r="1.2" fill="{ink}"/>'
        )
    else:
        marks = ""
    return (
        f'<pattern id="{pid}" width="{size}" height="{size}" patternUnits="userSpaceOnUse">'
        f'<rect width="{size}" height="{size}" fill="{grey}"/>{marks}</pattern>'
    )


def _fill(chart_id: str, klass: int | None) -> str:
    return f"url(#{chart_id}-c{'n' if klass is None else klass})"


def _ring_path(ring, viewport: Viewport) -> str:
    points = [viewport.pixel(lon, lat) for lon, lat, *_rest in ring]
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z"


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def geometry_path(geometry: dict, viewport: Viewport) -> str:
    """The SVG path data of a Polygon/MultiPolygon (holes as rings, drawn even-odd)."""
    return " ".join(
        _ring_path(ring, viewport) for polygon in _polygons(geometry) for ring in polygon
    )


def choropleth_svg(
    *,
    areas: Sequence[Area],
    legend: Sequence[LegendEntry],
    title: str,
    description: str,
    chart_id: str,
    points: Sequence[MapPoint] = (),
    point_legend: str = "",
    width: int = 640,
    map_height: int = 420,
) -> str:
    """The choropleth as one ``<svg>`` element: one ``<path>`` per area (``data-class``
    carries its class, ``n`` for no value), the labels on a white box at a point inside
    each area, the Kita points (if any) and the legend below the map."""
    shapes = [shape(a.geometry) for a in areas]
    lon_min = min(s.bounds[0] for s in shapes)
    lat_min = min(s.bounds[1] for s in shapes)
    lon_max = max(s.bounds[2] for s in shapes)
    lat_max = max(s.bounds[3] for s in shapes)
    pad = 12
    viewport = fit((lon_min, lat_min, lon_max, lat_max), width - 2 * pad, map_height - 2 * pad)
    viewport = Viewport(viewport.projection, viewport.scale, viewport.cx + pad, viewport.cy + pad)

    legend_rows = list(legend) + ([None] if points else [])
    height = map_height + 16 + 22 * len(legend_rows)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{esc(chart_id)}" class="map" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" font-family="{FONT}" font-size="12">',
        f'<title id="{title_id}">{esc(title)}</title>',
        f'<desc id="{desc_id}">{esc(description)}</desc>',
        "<defs>",
        *(_pattern(f"{chart_id}-c{i}", grey, kind) for i, (grey, kind) in enumerate(STYLES)),
        _pattern(f"{chart_id}-cn", *NO_VALUE),
        "</defs>",
        '<g class="map-areas">',
    ]
    for area in areas:
        dashed = ' stroke-dasharray="3,2"' if area.klass is None else ""
        klass = "n" if area.klass is None else str(area.klass)
        out.append(
            f'<path id="{esc(chart_id)}-{esc(area.key)}" class="map-area" data-class="{klass}" '
            f'd="{geometry_path(area.geometry, viewport)}" fill="{_fill(chart_id, area.klass)}" '
            f'fill-rule="evenodd" stroke="#000000" stroke-width="1.2"{dashed}>'
            f"<title>{esc(area.label)}: {esc(area.value_text)}</title></path>"
        )
    out.append("</g>")
    if points:
        out.append('<g class="map-points">')
        for point in points:
            x, y = viewport.pixel(point.lon, point.lat)
            out.append(
                f'<g class="map-point"><circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#ffffff" '
                f'stroke="#000000" stroke-width="1.5"/><circle cx="{x:.1f}" cy="{y:.1f}" r="1.5" '
                f'fill="#000000"/><title>{esc(point.label)}</title></g>'
            )
        out.append("</g>")
    out.append('<g class="map-labels">')
    for area, geometry in zip(areas, shapes, strict=True):
        inside = geometry.representative_point()
        x, y = viewport.pixel(inside.x, inside.y)
        lines = label_lines(area.label)
        box = CHAR_WIDTH * max(len(line) for line in lines) + 8
        box_height = 15 * len(lines) + 2
        # keep the label inside the picture
        x = min(max(x, box / 2 + 1), width - box / 2 - 1)
        top = y - box_height / 2
        out.append(
            f'<rect x="{x - box / 2:.1f}" y="{top:.1f}" width="{box:.1f}" '
            f'height="{box_height}" fill="#ffffff" stroke="#000000" stroke-width="0.5" rx="2"/>'
        )
        for i, line in enumerate(lines):
            out.append(
                f'<text x="{x:.1f}" y="{top + 13 + 15 * i:.1f}" text-anchor="middle" '
                f'fill="#000000">{esc(line)}</text>'
            )
    out.append("</g>")
    out.append(f'<g class="map-legend" transform="translate({pad},{map_height + 8})">')
    for i, entry in enumerate(legend_rows):
        y = 22 * i
        if entry is None:
            out.append(
                f'<circle cx="14" cy="{y + 8}" r="4.5" fill="#ffffff" stroke="#000000" '
                f'stroke-width="1.5"/><circle cx="14" cy="{y + 8}" r="1.5" fill="#000000"/>'
                f'<text x="36" y="{y + 12}" fill="#000000">{esc(point_legend)}</text>'
            )
            continue
        dashed = ' stroke-dasharray="3,2"' if entry.klass is None else ""
        out.append(
            f'<rect x="0" y="{y}" width="28" height="16" fill="{_fill(chart_id, entry.klass)}" '
            f'stroke="#000000" stroke-width="1"{dashed}/>'
            f'<text x="36" y="{y + 12}" fill="#000000">{esc(entry.text)}</text>'
        )
    out.append("</g></svg>")
    return "".join(out)
