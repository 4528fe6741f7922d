"""Reading and checking the map uploads (issue 18): Sozialraum boundaries and Kita locations.

Both are all-or-nothing: every problem of the file is collected (German, naming the
feature or line) and ``ImportProblem`` raised before anything is written; the services in
``reports.services_maps`` write only what passed.

Boundaries: a GeoJSON ``FeatureCollection`` (WGS 84, longitude/latitude as GeoJSON has
them) with one ``Feature`` per Sozialraum of the Jugendamt, found by its property
``name`` (or ``Name``/``sozialraum``) or its ``id`` (the Sozialraum's number). Checked
with shapely: Polygon or MultiPolygon only, valid (closed rings, no self-intersection),
coordinates within the earth's ranges; two areas may overlap by at most
``OVERLAP_TOLERANCE`` (0,5 %) of the smaller area (digitising noise at a shared border);
every Sozialraum covered exactly once. Bounds: the import size of ``surveys.exchange``
(``SRB_IMPORT_MAX_BYTES``), ``MAX_FEATURES`` features, ``MAX_VERTICES`` points.

Kita locations: CSV or XLSX with the columns ``Kita``, ``Breite``, ``Länge`` (an optional
``Sozialraum`` tells apart Kitas of the same name), read with the questionnaire import's
bounds (``surveys.exchange.read_table``); degrees in German notation ("49,8412") or with a
decimal point ("49.8412"), at most six decimals. A point must lie in its Kita's Sozialraum
when that has a boundary (catches swapped columns and lost decimal commas).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import Point, mapping, shape
from shapely.validation import explain_validity

from sozialraeume.models import Kita, Sozialraum, SozialraumBoundary
from srb_project.numbers import NumberEntryError, localized, parse_number
from srb_project.spreadsheet import restore
from surveys.exchange import MAX_MESSAGES, ImportProblem, check_size, read_table

OVERLAP_TOLERANCE = 0.005  # share of the smaller area two Sozialräume may overlap
MAX_FEATURES = 500
MAX_VERTICES = 200_000
COORDINATE_PLACES = 6  # about 0,1 m
# A Kita point may lie this far (degrees, about 100 m) outside its Sozialraum's boundary.
POINT_TOLERANCE_DEG = 0.001
NAME_KEYS = ("name", "Name", "NAME", "sozialraum", "Sozialraum")
_POSITION = re.compile(r"\[\s*(-?[\d.]+)\s+(-?[\d.]+)")


def _de(number) -> str:
    return localized(number, 0) if isinstance(number, int) else localized(number, 2)


def _done(problems: list[str]) -> None:
    if problems:
        if len(problems) > MAX_MESSAGES:
            rest = len(problems) - MAX_MESSAGES
            problems = [
                *problems[:MAX_MESSAGES],
                _("… und %(n)s weitere Probleme.") % {"n": rest},
            ]
        raise ImportProblem(problems)


def _lists(value):
    """shapely's tuples as JSON lists."""
    if isinstance(value, (tuple, list)):
        return [_lists(v) for v in value]
    return value


# --- boundaries ------------------------------------------------------------------------


def _count_vertices(coordinates) -> int:
    if (
        isinstance(coordinates, (list, tuple))
        and coordinates
        and isinstance(coordinates[0], (int, float))
    ):
        return 1
    if isinstance(coordinates, (list, tuple)):
        return sum(_count_vertices(c) for c in coordinates)
    return 0


def _coordinates_ok(coordinates) -> bool:
    """Every position is [lon, lat] (maybe with a height) of finite numbers in range."""
    if (
        isinstance(coordinates, (list, tuple))
        and coordinates
        and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates)
    ):
        if len(coordinates) < 2:
            return False
        lon, lat = coordinates[0], coordinates[1]
        return -180 <= lon <= 180 and -90 <= lat <= 90
    if isinstance(coordinates, (list, tuple)) and coordinates:
        return all(_coordinates_ok(c) for c in coordinates)
    return False


def _where(explanation: str) -> str:
    match = _POSITION.search(explanation)
    if not match:
        return ""
    lon, lat = (Decimal(match.group(i)).quantize(Decimal("0.0001")) for i in (1, 2))
    return " " + _("(bei Länge %(lon)s, Breite %(lat)s)") % {
        "lon": localized(lon, 4),
        "lat": localized(lat, 4),
    }


def _feature_sozialraum(feature: dict, by_name: dict, by_id: dict):
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        properties = {}
    raw_id = properties.get("id", feature.get("id"))
    name = next((properties[k] for k in NAME_KEYS if properties.get(k)), None)
    if name is not None:
        found = by_name.get(str(name).strip().casefold())
        return found, str(name).strip()
    if raw_id is not None:
        try:
            return by_id.get(int(str(raw_id).strip())), str(raw_id)
        except ValueError:
            return None, str(raw_id)
    return None, None


def parse_boundaries(content: bytes, *, jugendamt) -> dict[int, dict]:
    """The checked geometry of every Sozialraum of ``jugendamt`` (Sozialraum id -> GeoJSON
    geometry with lists), or ImportProblem with every problem found."""
    check_size(len(content))
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise ImportProblem(
            [_("Die Datei ist kein lesbares GeoJSON (JSON in UTF-8 erwartet).")]
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportProblem(
            [_('Die Datei muss eine GeoJSON-FeatureCollection sein ("type": "FeatureCollection").')]
        )
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ImportProblem([_("Die FeatureCollection enthält keine Features.")])
    if len(features) > MAX_FEATURES:
        raise ImportProblem(
            [_("Die Datei hat mehr als %(max)s Features.") % {"max": _de(MAX_FEATURES)}]
        )
    vertices = sum(
        _count_vertices((f.get("geometry") or {}).get("coordinates"))
        for f in features
        if isinstance(f, dict) and isinstance(f.get("geometry"), dict)
    )
    if vertices > MAX_VERTICES:
        raise ImportProblem(
            [
                _(
                    "Die Grenzen haben zusammen mehr als %(max)s Punkte. Bitte vereinfachen "
                    "Sie sie (z. B. in QGIS: Vereinfachen)."
                )
                % {"max": _de(MAX_VERTICES)}
            ]
        )

    sozialraeume = list(Sozialraum.objects.filter(jugendamt=jugendamt).order_by("position", "name"))
    by_name = {s.name.strip().casefold(): s for s in sozialraeume}
    by_id = {s.pk: s for s in sozialraeume}
    problems: list[str] = []
    found: dict[int, tuple[Sozialraum, object]] = {}
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_("Feature %(n)s: kein GeoJSON-Feature.") % {"n": number})
            continue
        sozialraum, named = _feature_sozialraum(feature, by_name, by_id)
        where = _("Feature %(n)s (%(name)s)") % {"n": number, "name": named or "–"}
        if named is None:
            problems.append(
                _("Feature %(n)s: Die Eigenschaft „name“ (Name des Sozialraums) oder „id“ fehlt.")
                % {"n": number}
            )
            continue
        if sozialraum is None:
            problems.append(
                _("%(where)s: Diesen Sozialraum gibt es in %(ja)s nicht.")
                % {"where": where, "ja": jugendamt.name}
            )
            continue
        if sozialraum.pk in found:
            problems.append(
                _(
                    "%(where)s: Für den Sozialraum „%(name)s“ gibt es schon eine Grenze in "
                    "der Datei."
                )
                % {"where": where, "name": sozialraum.name}
            )
            continue
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            problems.append(
                _(
                    "%(where)s: Die Geometrie muss ein Polygon oder MultiPolygon sein, "
                    "nicht %(kind)s."
                )
                % {"where": where, "kind": kind or "–"}
            )
            continue
        if not _coordinates_ok(geometry.get("coordinates")):
            problems.append(
                _(
                    "%(where)s: Die Koordinaten sind unvollständig oder außerhalb der Erde "
                    "(Länge −180 bis 180, Breite −90 bis 90; GeoJSON: erst Länge, dann Breite)."
                )
                % {"where": where}
            )
            continue
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, AttributeError, IndexError):
            problems.append(
                _("%(where)s: Die Geometrie ist kein lesbares Polygon.") % {"where": where}
            )
            continue
        if geom.is_empty or geom.area <= 0:
            problems.append(_("%(where)s: Die Fläche ist leer.") % {"where": where})
            continue
        if not geom.is_valid:
            problems.append(
                _(
                    "%(where)s: Die Fläche ist kein gültiges Polygon: Sie schneidet sich selbst "
                    "oder ihre Ringe sind nicht geschlossen oder falsch verschachtelt%(at)s."
                )
                % {"where": where, "at": _where(explain_validity(geom))}
            )
            continue
        found[sozialraum.pk] = (sozialraum, geom)

    entries = list(found.values())
    geoms = [g for _s, g in entries]
    if geoms:
        tree = STRtree(geoms)
        for i, geom in enumerate(geoms):
            for j in tree.query(geom):
                j = int(j)
                if j <= i:
                    continue
                overlap = geom.intersection(geoms[j]).area
                smaller = min(geom.area, geoms[j].area)
                if overlap > OVERLAP_TOLERANCE * smaller:
                    problems.append(
                        _(
                            "Die Sozialräume „%(a)s“ und „%(b)s“ überschneiden sich auf "
                            "%(share)s %% der kleineren Fläche (höchstens 0,5 %% erlaubt)."
                        )
                        % {
                            "a": entries[i][0].name,
                            "b": entries[j][0].name,
                            "share": localized(Decimal(str(round(100 * overlap / smaller, 1))), 1),
                        }
                    )
    missing = [s.name for s in sozialraeume if s.pk not in found]
    if missing and not problems:
        problems.append(
            _("Es fehlt die Grenze von: %(names)s. Die Datei muss jeden Sozialraum enthalten.")
            % {"names": ", ".join(missing)}
        )
    elif missing:
        problems.append(_("Ohne gültige Grenze: %(names)s.") % {"names": ", ".join(missing)})
    _done(problems)
    return {pk: _lists(mapping(geom)) for pk, (_s, geom) in found.items()}


# --- Kita locations --------------------------------------------------------------------


@dataclass(frozen=True)
class LocationRow:
    kita: Kita
    latitude: Decimal
    longitude: Decimal


COLUMNS = {
    "kita": "kita",
    "breite": "lat",
    "breitengrad": "lat",
    "länge": "lon",
    "laenge": "lon",
    "längengrad": "lon",
    "sozialraum": "sozialraum",
}


def _column(name) -> str | None:
    text = str(name or "").strip().lower().split("(", 1)[0].strip()
    return COLUMNS.get(text)


def degrees(value, *, label: str, low: int, high: int) -> Decimal:
    """A typed or stored coordinate in degrees (German or point notation), checked against
    its range; ValueError with a German message naming ``label``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = Decimal(str(value)).quantize(Decimal(1).scaleb(-COORDINATE_PLACES))
        except InvalidOperation:
            raise ValueError(_("%(label)s: keine Zahl.") % {"label": label}) from None
    else:
        try:
            text = "" if value is None else str(value)
            number = parse_number(text, places=COORDINATE_PLACES, example="49,8412")
        except NumberEntryError as exc:
            raise ValueError(f"{label}: {exc}") from None
    if not low <= number <= high:
        raise ValueError(
            _("%(label)s: %(value)s liegt nicht zwischen %(low)s und %(high)s Grad.")
            % {"label": label, "value": localized(number, 4), "low": low, "high": high}
        )
    return number


def location_problem(kita: Kita, latitude: Decimal, longitude: Decimal, boundaries: dict) -> str:
    """Why a point cannot be the Kita's location ("" if it can): it must lie in the Kita's
    Sozialraum when that has a boundary."""
    geometry = boundaries.get(kita.sozialraum_id)
    if geometry is None:
        return ""
    if (
        shape(geometry)
        .buffer(POINT_TOLERANCE_DEG)
        .contains(Point(float(longitude), float(latitude)))
    ):
        return ""
    return _(
        "Der Standort liegt nicht im Sozialraum „%(sr)s“ (Breite und Länge vertauscht oder "
        "ein Komma verloren?)."
    ) % {"sr": kita.sozialraum.name}


def boundaries_by_sozialraum(jugendamt) -> dict[int, dict]:
    return dict(
        SozialraumBoundary.objects.filter(sozialraum__jugendamt=jugendamt).values_list(
            "sozialraum_id", "geojson"
        )
    )


def parse_locations(content: bytes, filename: str, *, jugendamt) -> list[LocationRow]:
    """The checked rows of a Kita location file, or ImportProblem naming every line."""
    table = read_table(content, filename)
    numbered = [
        (line, [restore(v) for v in row])
        for line, row in enumerate(table, start=1)
        if any(v is not None and str(v).strip() for v in row)
    ]
    if not numbered:
        raise ImportProblem([_("Die Datei ist leer.")])
    header_line, header = numbered[0]
    keys = [_column(h) for h in header]
    missing = [
        label
        for key, label in (("kita", "Kita"), ("lat", "Breite"), ("lon", "Länge"))
        if key not in keys
    ]
    if missing:
        raise ImportProblem(
            [
                _(
                    "Zeile %(line)s: Es fehlen die Spalten %(names)s (erwartet: Kita, "
                    "Breite, Länge)."
                )
                % {"line": header_line, "names": ", ".join(missing)}
            ]
        )
    kitas = list(Kita.objects.filter(sozialraum__jugendamt=jugendamt).select_related("sozialraum"))
    by_name: dict[str, list[Kita]] = {}
    for kita in kitas:
        by_name.setdefault(kita.name.strip().casefold(), []).append(kita)
    boundaries = boundaries_by_sozialraum(jugendamt)
    problems: list[str] = []
    rows: list[LocationRow] = []
    seen: dict[int, int] = {}
    for line, cells in numbered[1:]:
        values = {}
        for key, cell in zip(keys, cells, strict=False):
            if key:
                values[key] = cell
        name = str(values.get("kita") or "").strip()
        prefix = _("Zeile %(line)s") % {"line": line}
        candidates = by_name.get(name.casefold(), [])
        sozialraum = str(values.get("sozialraum") or "").strip().casefold()
        if sozialraum:
            candidates = [k for k in candidates if k.sozialraum.name.casefold() == sozialraum]
        if not name:
            problems.append(_("%(p)s: Der Name der Kita fehlt.") % {"p": prefix})
            continue
        if not candidates:
            problems.append(
                _("%(p)s: Die Kita „%(name)s“ gibt es in %(ja)s nicht.")
                % {"p": prefix, "name": name, "ja": jugendamt.name}
            )
            continue
        if len(candidates) > 1:
            problems.append(
                _("%(p)s: Es gibt mehrere Kitas „%(name)s“; bitte die Spalte Sozialraum ausfüllen.")
                % {"p": prefix, "name": name}
            )
            continue
        kita = candidates[0]
        if kita.pk in seen:
            problems.append(
                _("%(p)s: Die Kita „%(name)s“ steht schon in Zeile %(other)s.")
                % {"p": prefix, "name": name, "other": seen[kita.pk]}
            )
            continue
        seen[kita.pk] = line
        try:
            latitude = degrees(values.get("lat"), label=_("Breite"), low=-90, high=90)
            longitude = degrees(values.get("lon"), label=_("Länge"), low=-180, high=180)
        except ValueError as exc:
            problems.append(f"{prefix}: {exc}")
            continue
        problem = location_problem(kita, latitude, longitude, boundaries)
        if problem:
            problems.append(f"{prefix} ({kita.name}): {problem}")
            continue
        rows.append(LocationRow(kita=kita, latitude=latitude, longitude=longitude))
    if not rows and not problems:
        problems.append(_("Die Datei enthält keine Kita-Standorte."))
    _done(problems)
    return rows
