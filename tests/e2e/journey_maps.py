"""Browser step of issue 18: the maps of the demo Jugendamt.

``play_maps(browser, live_server)`` is a plain function (no test) so a longer journey can
chain it; ``tests/e2e/test_maps_journey.py`` plays it after ``seed_demo()`` and
``sozialraeume.demo_geo.seed()``.

Preconditions (the demo with its invented boundaries and Kita locations): the users
``ausschuss`` and ``jugendamt`` of the Jugendamt ``bad-kreuznach``, a budget year with
stored shares. Nothing is created through the ORM here. The step:

1. as ``ausschuss``: the committee report (/berichte/ → the newest year) has the section
   "Karten" with the three maps (shares, Gesamtindex class, FTE), one area per
   Sozialraum, a table beside each, and no Kita point (axe-core);
2. as ``jugendamt``: /berichte/karten/ shows the same maps with every located Kita as a
   point (axe-core).

Returns the number of Kita points on the staff page's first map. Screenshots:
test-artifacts/map-committee.png (the maps section of the committee report) and
test-artifacts/map-staff.png.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import ARTIFACTS
from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import role_page, visit

MAP_IDS = ("shares", "class", "fte")


def play_maps(browser, live_server) -> int:
    from sozialraeume.models import Jugendamt, KitaLocation

    jugendamt = Jugendamt.objects.get(slug="bad-kreuznach")
    n_sozialraeume = jugendamt.sozialraeume.count()
    n_located = KitaLocation.objects.filter(
        kita__sozialraum__jugendamt=jugendamt, kita__active=True
    ).count()
    assert n_sozialraeume == 8 and n_located > 0

    with role_page(browser, live_server, "ausschuss") as page:
        visit(page, f"{live_server.url}/berichte/")
        section = page.locator("#maps")
        expect(section.get_by_role("heading", level=2)).to_have_text(
            "Karten: Anteile, Bedarf und Stellen je Sozialraum"
        )
        for key in MAP_IDS:
            svg = page.locator(f"svg#committee-map-{key}")
            expect(svg).to_be_visible()
            expect(svg.locator("path.map-area")).to_have_count(n_sozialraeume)
            expect(page.locator(f"#committee-maps-{key} table tbody tr")).to_have_count(
                n_sozialraeume
            )
        expect(section.locator(".map-point")).to_have_count(0)
        section.scroll_into_view_if_needed()
        assert_accessible(page, context="committee report, maps")
        ARTIFACTS.mkdir(exist_ok=True)
        section.screenshot(path=str(ARTIFACTS / "map-committee.png"))

    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, f"{live_server.url}/berichte/karten/", name="map-staff")
        points = page.locator("svg#staff-map-shares .map-point")
        expect(points).to_have_count(n_located)
        expect(page.locator("svg#staff-map-shares path.map-area")).to_have_count(n_sozialraeume)
        return points.count()
