"""Maps (issue 18): GeoJSON boundaries checked with shapely (all-or-nothing, German
messages), Kita locations (staff only), the projection, and the SVG choropleths of the
staff page and the committee report (web and PDF; no Kita point for the committee)."""

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from shapely.geometry import Polygon

from audit.models import AuditEvent
from indices.models import SozialraumIndex
from reports import geodata, services_maps
from sozialraeume import demo_geo, mapping
from sozialraeume.models import KitaLocation, SozialraumBoundary
from surveys.exchange import ImportProblem
from tests.reports.conftest import SMALL_SR, SR_NAMES, pdf_text

pytestmark = pytest.mark.django_db

COMMITTEE = "/berichte/ausschuss/2027/"
MAPS = "/berichte/karten/"
SVG = "{http://www.w3.org/2000/svg}"
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext fehlt (poppler-utils)"
)


def _collection(**replace) -> dict:
    """The demo boundaries (the city's Sozialräume have the demo's names), with some
    features' geometry replaced (name -> geometry, or None to leave the feature out)."""
    data = demo_geo.feature_collection()
    features = []
    for feature in data["features"]:
        name = feature["properties"]["name"]
        if name in replace:
            if replace[name] is None:
                continue
            feature = {**feature, "geometry": replace[name]}
        features.append(feature)
    return {**data, "features": features}


def _bytes(data) -> bytes:
    return json.dumps(data).encode()


def _upload(city, data, user_key="jugendamt"):
    return services_maps.map_boundaries_upload(
        jugendamt=city.jugendamt,
        content=_bytes(data),
        filename="grenzen.geojson",
        acting_user=city.users[user_key],
    )


def _problems(city, data) -> list[str]:
    with pytest.raises(ImportProblem) as caught:
        _upload(city, data)
    return caught.value.messages


def _cell(name) -> list:
    return demo_geo.cell_ring(*demo_geo.LAYOUT[name])


# --- the pure module --------------------------------------------------------------------


def test_projection_scales_longitude_by_the_cosine_of_the_mean_latitude():
    # Bounds 10..12 °E, 59..61 °N: mean latitude 60°, cos 60° = 1/2. One degree of latitude
    # is R·π/180 = 111 195,08 m (R = 6 371 008,8 m); a degree of longitude here half of that.
    projection = mapping.Projection.for_bounds(10, 59, 12, 61)
    assert projection.phi0 == 60
    x, y = projection.metres(12, 61)
    assert x == pytest.approx(55_597.54, abs=0.01)
    assert y == pytest.approx(111_195.08, abs=0.01)
    assert projection.metres(11, 60) == (0.0, 0.0)
    # Fitted into 100 × 100 pixels: the 222 km of latitude fill the height, the 111 km of
    # longitude half the width, centred; north is up.
    viewport = mapping.fit((10, 59, 12, 61), 100, 100)
    assert viewport.pixel(12, 61) == pytest.approx((75.0, 0.0))
    assert viewport.pixel(10, 59) == pytest.approx((25.0, 100.0))


def test_equal_interval_classes_put_the_largest_value_in_the_top_class():
    classes, intervals = mapping.equal_interval_classes([0, 1, 2, 3, 4, 5, None])
    assert classes == [0, 1, 2, 3, 4, 4, None]
    assert intervals[0] == (0, 1) and intervals[-1] == (4, 5)
    assert mapping.equal_interval_classes([7, 7]) == ([0, 0], [(7, 7)])


def test_the_mapping_module_imports_no_django():
    code = (
        "import sys, sozialraeume.mapping; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_svg_has_one_path_per_area_with_its_class_and_escapes_names():
    areas = [
        mapping.Area("a", "A & B", {"type": "Polygon", "coordinates": [_cell("Nord")]}, 3, "x"),
        mapping.Area("b", "<C>", {"type": "Polygon", "coordinates": [_cell("Ost")]}, None, "–"),
    ]
    svg = mapping.choropleth_svg(
        areas=areas,
        legend=[mapping.LegendEntry(3, "viel"), mapping.LegendEntry(None, "kein Wert")],
        title="Titel",
        description="Beschreibung",
        chart_id="t",
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own output (well-formed XML)
    paths = root.findall(f".//{SVG}path[@class='map-area']")
    assert [(p.get("id"), p.get("data-class")) for p in paths] == [("t-a", "3"), ("t-b", "n")]
    assert root.find(f"{SVG}title").text == "Titel"
    assert "A &amp; B" in svg and "&lt;C&gt;" in svg
    assert 'style="' not in svg


# --- boundary upload -------------------------------------------------------------------


def test_the_demo_boundaries_upload_for_every_sozialraum_with_an_audit_event(city):
    created = _upload(city, demo_geo.feature_collection())
    assert len(created) == len(SR_NAMES)
    assert SozialraumBoundary.objects.filter(sozialraum__jugendamt=city.jugendamt).count() == 8
    event = AuditEvent.objects.get(action="map_boundaries.upload")
    assert event.jugendamt_id == city.jugendamt.pk
    assert event.new["count"] == 8 and sorted(event.new["sozialraeume"]) == sorted(SR_NAMES)


def test_a_self_intersecting_polygon_is_refused_and_nothing_is_saved(city):
    _upload(city, demo_geo.feature_collection())
    before = list(SozialraumBoundary.objects.order_by("pk").values_list("pk", "geojson"))
    ring = _cell("Nord")
    bowtie = [ring[0], ring[4], ring[2], ring[6], ring[0]]  # crosses itself
    messages = _problems(city, _collection(Nord={"type": "Polygon", "coordinates": [bowtie]}))
    assert any("(Nord)" in m and "kein gültiges Polygon" in m for m in messages), messages
    assert list(SozialraumBoundary.objects.order_by("pk").values_list("pk", "geojson")) == before
    assert AuditEvent.objects.filter(action="map_boundaries.upload").count() == 1


def test_overlapping_sozialraeume_are_refused_beyond_half_a_percent(city):
    # Ost taken as large as Nord + Ost: it covers all of Nord.
    nord, ost = _cell("Nord"), _cell("Ost")
    big = [nord[0], ost[2], ost[3], ost[4], nord[6], nord[7], nord[0]]
    messages = _problems(city, _collection(Ost={"type": "Polygon", "coordinates": [big]}))
    assert any("„Nord“ und „Ost“ überschneiden sich" in m for m in messages), messages
    assert not SozialraumBoundary.objects.exists()


def test_a_sliver_of_overlap_within_the_tolerance_is_accepted(city):
    # Nord's eastern border pushed 0,1 % of a cell width into Ost: digitising noise.
    shifted = [[lon + 0.00003, lat] if lon > 7.84 else [lon, lat] for lon, lat in _cell("Nord")]
    nord = Polygon(shifted)
    ost = Polygon(_cell("Ost"))
    assert 0 < nord.intersection(ost).area < 0.005 * min(nord.area, ost.area)
    created = _upload(city, _collection(Nord={"type": "Polygon", "coordinates": [shifted]}))
    assert len(created) == 8


def test_a_missing_sozialraum_is_named_and_nothing_is_saved(city):
    messages = _problems(city, _collection(BME=None))
    assert messages == ["Es fehlt die Grenze von: BME. Die Datei muss jeden Sozialraum enthalten."]
    assert not SozialraumBoundary.objects.exists()


def test_unknown_names_points_and_non_json_get_german_messages(city):
    data = _collection()
    data["features"][0]["properties"] = {"name": "Atlantis"}
    data["features"][1]["geometry"] = {"type": "Point", "coordinates": [7.8, 49.8]}
    messages = _problems(city, data)
    assert any("Diesen Sozialraum gibt es in Stadt Testhausen nicht" in m for m in messages)
    assert any("muss ein Polygon oder MultiPolygon sein, nicht Point" in m for m in messages)
    with pytest.raises(ImportProblem) as caught:
        geodata.parse_boundaries(b"{kein json", jugendamt=city.jugendamt)
    assert caught.value.messages == [
        "Die Datei ist kein lesbares GeoJSON (JSON in UTF-8 erwartet)."
    ]


def test_coordinates_outside_the_earth_are_refused(city):
    ring = [[lon + 200, lat] for lon, lat in _cell("Nord")]
    messages = _problems(city, _collection(Nord={"type": "Polygon", "coordinates": [ring]}))
    assert any("außerhalb der Erde" in m for m in messages), messages


# --- Kita locations --------------------------------------------------------------------


def _kita_csv(rows) -> bytes:
    return ("Kita;Breite;Länge\n" + "".join(f"{k};{lat};{lon}\n" for k, lat, lon in rows)).encode()


def _point_text(kita):
    name = kita.sozialraum.name
    lat, lon = demo_geo.kita_point(*demo_geo.LAYOUT[name], 0, 1)
    return str(lat).replace(".", ","), str(lon).replace(".", ",")


def test_kita_locations_upload_with_german_decimals(city):
    _upload(city, demo_geo.feature_collection())
    kitas = city.kitas[:3]
    rows = [(k.name, *_point_text(k)) for k in kitas]
    count = services_maps.kita_locations_upload(
        jugendamt=city.jugendamt,
        content=_kita_csv(rows),
        filename="standorte.csv",
        acting_user=city.users["jugendamt"],
    )
    assert count == 3
    location = KitaLocation.objects.get(kita=kitas[0])
    assert str(location.latitude).replace(".", ",") == rows[0][1]
    assert AuditEvent.objects.get(action="kita_location.set").new["count"] == 3


def test_a_kita_point_outside_its_sozialraum_refuses_the_whole_file(city):
    _upload(city, demo_geo.feature_collection())
    good, bad = city.kitas[0], city.kitas[1]
    lat, lon = _point_text(bad)
    rows = [(good.name, *_point_text(good)), (bad.name, lon, lat), ("Gibt-es-nicht", "49,8", "7,8")]
    with pytest.raises(ImportProblem) as caught:
        services_maps.kita_locations_upload(
            jugendamt=city.jugendamt,
            content=_kita_csv(rows),
            filename="standorte.csv",
            acting_user=city.users["jugendamt"],
        )
    messages = caught.value.messages
    assert any(m.startswith("Zeile 3") and "liegt nicht im Sozialraum" in m for m in messages)
    assert any(m.startswith("Zeile 4") and "„Gibt-es-nicht“ gibt es" in m for m in messages)
    assert not KitaLocation.objects.exists()


def test_the_form_takes_one_kita_location_in_german_notation(client, city):
    client.force_login(city.users["jugendamt"])
    kita = city.kitas[0]
    response = client.post(
        MAPS, {"form": "location", "kita": kita.pk, "latitude": "49,841234", "longitude": "7.8623"}
    )
    assert response.status_code == 302
    location = KitaLocation.objects.get(kita=kita)
    assert (location.latitude, location.longitude) == (Decimal("49.841234"), Decimal("7.862300"))


def test_a_refused_upload_on_the_page_lists_the_messages(client, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city.users["jugendamt"])
    upload = SimpleUploadedFile("g.geojson", _bytes(_collection(BME=None)), "application/json")
    response = client.post(MAPS, {"form": "boundaries", "file": upload})
    assert response.status_code == 200
    text = response.content.decode()
    assert "nichts wurde gespeichert" in text and "Es fehlt die Grenze von: BME" in text
    assert not SozialraumBoundary.objects.exists()


# --- the maps --------------------------------------------------------------------------


def _located(city):
    """Boundaries, Gesamtindex classes (Pariser Viertel above, Ost within, the rest below)
    and a location for every Kita."""
    _upload(city, demo_geo.feature_collection())
    by_name = {sr.name: sr for sr in city.sozialraeume}
    for name, word in [("Pariser Viertel", "oberhalb"), ("Ost", "innerhalb")]:
        SozialraumIndex.objects.filter(run=city.run, sozialraum=by_name[name]).update(
            classes={"GESAMT": word}
        )
    SozialraumIndex.objects.filter(run=city.run).exclude(
        sozialraum__name__in=["Pariser Viertel", "Ost"]
    ).update(classes={"GESAMT": "unterhalb"})
    counts = {}
    for kita in city.kitas:
        name = kita.sozialraum.name
        n = counts.setdefault(name, 0)
        counts[name] += 1
        lat, lon = demo_geo.kita_point(*demo_geo.LAYOUT[name], n, 6)
        KitaLocation.objects.create(kita=kita, latitude=lat, longitude=lon)
    return by_name


def _svg_classes(html: str, chart_id: str, by_name) -> dict:
    match = re.search(rf'<svg [^>]*id="{chart_id}".*?</svg>', html, re.S)
    assert match, chart_id
    root = ET.fromstring(match.group(0))  # noqa: S314 - our own output
    ids = {f"{chart_id}-sr-{sr.pk}": name for name, sr in by_name.items()}
    return {
        ids[p.get("id")]: p.get("data-class")
        for p in root.findall(f".//{SVG}path[@class='map-area']")
    }


def test_committee_maps_have_one_path_per_sozialraum_with_its_class_and_no_kita(client, city):
    by_name = _located(city)
    client.force_login(city.users["ausschuss"])
    html = client.get(COMMITTEE).content.decode()
    # Shares 17,37 % (Pariser Viertel) .. 10,03 % (Innenstadt) in five equal steps of
    # 1,47 points: 14,15 % (Ost) and 13,04 % (Nord) in step 2, 12,29 / 11,99 % in step 1.
    assert _svg_classes(html, "committee-map-shares", by_name) == dict(
        zip(SR_NAMES, ["4", "2", "2", "1", "1", "0", "0", "0"], strict=True)
    )
    # Gesamtindex class: BME has two Kitas (small-cell rule): no class of its own.
    classes = _svg_classes(html, "committee-map-class", by_name)
    assert classes["Pariser Viertel"] == "4" and classes["Ost"] == "2"
    assert classes[SMALL_SR] == "n" and classes["Nord"] == "0"
    # FTE: only the approved plans (Pariser Viertel, Süd-West) have a value.
    fte = _svg_classes(html, "committee-map-fte", by_name)
    assert {k for k, v in fte.items() if v != "n"} == {"Pariser Viertel", "Süd-West"}
    assert "map-point" not in html and "Kita-Standort" not in html
    assert not any(kita.name in html for kita in city.kitas)
    assert "Tabelle zur Karte: Anteil am Sozialraumbudget je Sozialraum" in html


def test_the_staff_map_page_shows_every_located_kita(client, city):
    _located(city)
    client.force_login(city.users["jugendamt"])
    response = client.get(MAPS)
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<svg [^>]*id="staff-map-shares".*?</svg>', html, re.S)
    root = ET.fromstring(match.group(0))  # noqa: S314 - our own output
    points = root.findall(f".//{SVG}g[@class='map-point']")
    assert len(points) == len(city.kitas)
    assert {p.find(f"{SVG}title").text for p in points} == {k.name for k in city.kitas}


def test_without_boundaries_nothing_is_drawn_and_staff_get_a_hint(client, city):
    client.force_login(city.users["ausschuss"])
    assert 'id="maps"' not in client.get(COMMITTEE).content.decode()
    client.force_login(city.users["jugendamt"])
    html = client.get(MAPS).content.decode()
    assert 'id="no-boundaries"' in html and "<svg" not in html


def test_committee_and_kita_leaders_never_reach_the_staff_map_page(client, city):
    _located(city)
    for key in ("ausschuss", "kita", "traeger"):
        client.force_login(city.users[key])
        assert client.get(MAPS).status_code == 403
        assert client.post(MAPS, {"form": "location"}).status_code == 403
    assert KitaLocation.objects.count() == len(city.kitas)


@needs_pdftotext
def test_the_committee_pdf_has_the_maps_and_their_tables(client, city, tmp_path):
    _located(city)
    client.force_login(city.users["ausschuss"])
    response = client.get(COMMITTEE, {"format": "pdf"})
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path, layout=False)
    assert "Karten: Anteile, Bedarf und Stellen je Sozialraum" in text
    assert "Tabelle zur Karte: Klasse des Gesamtindex je Sozialraum" in text
    assert "Kita-Standort" not in text
