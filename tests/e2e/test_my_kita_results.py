"""The Kita's own results page in Chromium (issue 14): a chart per index at 1280 and 768 px,
axe without serious or critical findings, screenshots for the note.

Writes test-artifacts/kita-results.png and test-artifacts/kita-results-768.png.
"""

import pytest

from tests.e2e.helpers import role_page, seed_demo, shot, visit


@pytest.mark.browser
# The instrument comes from a data migration: restore it for every transactional test.
@pytest.mark.django_db(transaction=True)
def test_the_kita_leader_sees_where_the_kita_stands_at_1280_and_768_px(browser, live_server):
    from sozialraeume.models import Kita, User

    seed_demo()
    leader = User.objects.get(username="kita-leitung")
    kita = leader.kitas.get()
    others = list(Kita.objects.exclude(pk=kita.pk).values_list("name", flat=True))
    url = f"{live_server.url}/auswertung/meine-kita/{kita.pk}/"
    with role_page(browser, live_server, "kita-leitung") as page:
        for width, name in ((1280, "kita-results"), (768, "kita-results-768")):
            page.set_viewport_size({"width": width, "height": 900})
            visit(page, url)
            charts = page.locator("svg.kita-strip")
            assert charts.count() == 5
            for i in range(5):
                chart = charts.nth(i)
                assert chart.get_attribute("role") == "img"
                box = chart.bounding_box()
                # the picture fits the page: no sideways scrolling, still readable
                assert box and 300 < box["width"] <= width
                assert chart.locator("polygon.own").count() == 1
            body = page.locator("main").inner_text()
            assert "Ihre Kita liegt beim Gesamtindex" in body
            assert "Förderstrang 1" in body and "Förderstrang 3" in body
            assert not [n for n in others if n in body], "another Kita is named"
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"page scrolls sideways at {width} px"
            # the questions open without JavaScript (details/summary)
            page.locator("details.kita-result-questions summary").first.click()
            assert (
                page.locator("details.kita-result-questions").first.get_attribute("open")
                is not None
            )
            shot(page, name)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_traeger_reaches_the_results_of_each_own_kita(browser, live_server):
    from sozialraeume.models import Kita, User

    seed_demo()
    traeger = User.objects.get(username="traeger")
    own = list(Kita.objects.filter(traeger=traeger.traeger).order_by("name"))
    with role_page(browser, live_server, "traeger") as page:
        visit(page, f"{live_server.url}/auswertung/meine-kita/", name="kita-results-traeger")
        if len(own) > 1:
            page.get_by_role("link", name=own[0].name).click()
        visit(page, page.url)
        assert page.locator("svg.kita-strip").count() == 5
