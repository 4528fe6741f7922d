"""Demo data of the maps (issue 18): invented boundaries for the 8 demo Sozialräume and a
location for every demo Kita.

The boundaries are NOT Bad Kreuznach's real Sozialräume: a 4 × 2 grid of cells around
49,84° N 7,86° E whose shared corners and edge midpoints are moved a little (the same
point for both neighbours), so the areas look like a map, cover the grid without gaps and
never overlap. Every Kita lies near the middle of its Sozialraum.

Idempotent: running it again sets the same shapes and points. Written through the ORM
(this module sits below ``reports``, whose upload service checks real files); the shapes
pass that check (``tests/reports/test_maps.py``). Run after ``sozialraeume.demo``.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

from django.db import transaction

from sozialraeume.master_data import BAD_KREUZNACH
from sozialraeume.models import Jugendamt, Kita, KitaLocation, Sozialraum, SozialraumBoundary

LON0, LAT0 = 7.80, 49.815  # south-west corner of the grid
CELL_LON, CELL_LAT = 0.03, 0.025  # about 2,2 km × 2,8 km
COLUMNS, ROWS = 4, 2
# Where each demo Sozialraum sits in the grid: (column, row from the south).
LAYOUT = {
    "Winzenheim": (0, 1),
    "Nord": (1, 1),
    "Ost": (2, 1),
    "Planig / Ippesheim / Bosenheim": (3, 1),
    "Süd-West": (0, 0),
    "Innenstadt": (1, 0),
    "Pariser Viertel": (2, 0),
    "BME": (3, 0),
}


def _jitter(i: int, j: int, scale: float) -> float:
    """A fixed small offset for grid point (i, j): looks irregular, is reproducible."""
    return scale * math.sin(12.9898 * i + 78.233 * j + 1.7)


def _corner(i: int, j: int) -> tuple[float, float]:
    """Grid corner (i east, j north); the outer border stays straight."""
    lon = LON0 + i * CELL_LON
    lat = LAT0 + j * CELL_LAT
    if 0 < i < COLUMNS:
        lon += _jitter(i, j, 0.18 * CELL_LON)
    if 0 < j < ROWS:
        lat += _jitter(j, i + 7, 0.18 * CELL_LAT)
    return (round(lon, 6), round(lat, 6))


def _mid(a: tuple[int, int], b: tuple[int, int]) -> tuple[float, float]:
    """The moved midpoint of the edge between two grid corners (same for both sides)."""
    (ai, aj), (bi, bj) = sorted([a, b])
    (x1, y1), (x2, y2) = _corner(ai, aj), _corner(bi, bj)
    x, y = (x1 + x2) / 2, (y1 + y2) / 2
    outer = (ai == bi and ai in (0, COLUMNS)) or (aj == bj and aj in (0, ROWS))
    if not outer:
        if ai == bi:  # a north-south edge: move east or west
            x += _jitter(ai * 3 + 1, aj * 5 + 2, 0.22 * CELL_LON)
        else:  # an east-west edge: move north or south
            y += _jitter(ai * 7 + 3, aj * 11 + 1, 0.22 * CELL_LAT)
    return (round(x, 6), round(y, 6))


def cell_ring(column: int, row: int) -> list[list[float]]:
    """The closed ring (lon, lat) of a grid cell, counter-clockwise, with edge midpoints."""
    corners = [(column, row), (column + 1, row), (column + 1, row + 1), (column, row + 1)]
    ring = []
    for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
        ring.append(list(_corner(*a)))
        ring.append(list(_mid(a, b)))
    ring.append(ring[0])
    return ring


def feature_collection() -> dict:
    """The demo boundaries as the GeoJSON FeatureCollection an upload would carry."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {"type": "Polygon", "coordinates": [cell_ring(*cell)]},
            }
            for name, cell in LAYOUT.items()
        ],
    }


def feature_collection_bytes() -> bytes:
    return json.dumps(feature_collection(), ensure_ascii=False).encode("utf-8")


def kita_point(column: int, row: int, n: int, count: int) -> tuple[Decimal, Decimal]:
    """Kita n of count in cell (column, row): on a small circle round the cell's middle."""
    lon = LON0 + (column + 0.5) * CELL_LON
    lat = LAT0 + (row + 0.5) * CELL_LAT
    angle = 2 * math.pi * n / max(count, 1)
    radius = 0.22 if count > 1 else 0
    lon += radius * CELL_LON * math.cos(angle)
    lat += radius * CELL_LAT * math.sin(angle)
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


@transaction.atomic
def seed(stdout=None):
    jugendamt = Jugendamt.objects.filter(slug=BAD_KREUZNACH["slug"]).first()
    if jugendamt is None:
        return None
    sozialraeume = {s.name: s for s in Sozialraum.objects.filter(jugendamt=jugendamt)}
    features = {f["properties"]["name"]: f["geometry"] for f in feature_collection()["features"]}
    boundaries = 0
    for name, geometry in features.items():
        sozialraum = sozialraeume.get(name)
        if sozialraum is None:
            continue
        SozialraumBoundary.objects.update_or_create(
            sozialraum=sozialraum, defaults={"geojson": geometry}
        )
        boundaries += 1
    points = 0
    for name, (column, row) in LAYOUT.items():
        sozialraum = sozialraeume.get(name)
        if sozialraum is None:
            continue
        kitas = list(Kita.objects.filter(sozialraum=sozialraum).order_by("name"))
        for n, kita in enumerate(kitas):
            latitude, longitude = kita_point(column, row, n, len(kitas))
            KitaLocation.objects.update_or_create(
                kita=kita, defaults={"latitude": latitude, "longitude": longitude}
            )
            points += 1
    if stdout:
        stdout.write(f"Karten: {boundaries} Sozialraum-Grenzen, {points} Kita-Standorte")
    return jugendamt
