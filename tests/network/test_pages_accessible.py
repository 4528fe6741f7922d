"""The network pages in the browser: axe-core (WCAG 2.1 AA) for staff and committee, the
drawing visible as an image with its name, screenshots network-staff / network-committee."""

import pytest

from tests.conftest import login
from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import shot
from tests.network.test_views import build

PASSWORD = "geheim-passwort-123"  # tests.factories.UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_network_pages_pass_axe_for_staff_and_committee(browser, live_server):
    from playwright.sync_api import expect

    w = build(big=4, small=3)
    for who in ("staff", "committee"):
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            login(page, live_server, getattr(w, who).username, PASSWORD)
            for path in (
                "/netzwerk/",
                f"/netzwerk/{w.round.pk}/",
                f"/netzwerk/{w.round.pk}/{w.north.pk}/",
            ):
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, path
                assert_accessible(page, context=f"{who} {path}")
            chart = page.locator(f"#netzwerk-{w.north.pk}")
            expect(chart).to_be_visible()
            expect(chart).to_have_attribute("role", "img")
            shot(page, f"network-{who}")
        finally:
            context.close()
