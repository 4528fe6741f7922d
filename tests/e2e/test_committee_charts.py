"""The committee's charts in Chromium (issue 14): the committee report and the trends
page at 1280 and 768 px, axe without serious or critical findings, no page-wide
horizontal scrolling, the tables reachable under the charts; screenshots
test-artifacts/committee-charts.png and test-artifacts/committee-trends.png."""

import datetime
from decimal import Decimal

import pytest

from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import role_page, seed_demo, shot

WIDTHS = (1280, 768)


def _older_closed_round():
    """A second closed round (2023) with a published result, so the trends have a line:
    the demo's 2020 values shifted a little, every Kita with a result."""
    from indices.models import IndexRun, KitaIndex, SozialraumIndex
    from indices.selectors import closed_round_runs
    from sozialraeume.models import Jugendamt, Kita
    from surveys.models import Instrument, SurveyRound

    ja = Jugendamt.objects.get(slug="bad-kreuznach")
    base = closed_round_runs(jugendamt_id=ja.pk)[-1]
    survey_round = SurveyRound.objects.create(
        jugendamt=ja,
        instrument=Instrument.objects.get(code="SRB-2021"),
        code="2023",
        stichtag=datetime.date(2023, 3, 1),
        state=SurveyRound.State.GESCHLOSSEN,
    )
    run = IndexRun.objects.create(
        round=survey_round,
        status=IndexRun.Status.FINISHED,
        method_version=base.method_version,
        instrument_code="SRB-2021",
        input_checksum="2" * 64,
        finished_at=base.finished_at,
    )
    values = list(SozialraumIndex.objects.filter(run=base).order_by("sozialraum__position"))
    total = sum(v.gesamt + (i % 3 - 1) * 3.5 for i, v in enumerate(values))
    for i, v in enumerate(values):
        gesamt = v.gesamt + (i % 3 - 1) * 3.5
        SozialraumIndex.objects.create(
            run=run,
            sozialraum=v.sozialraum,
            ab=v.ab,
            sl=v.sl,
            fm=v.fm,
            infra=v.infra,
            gesamt=gesamt,
            percent=(Decimal(repr(gesamt)) * 100 / Decimal(repr(total))).quantize(Decimal("0.01")),
            kita_count=v.kita_count,
        )
    KitaIndex.objects.bulk_create(
        KitaIndex(run=run, kita=k, gesamt=50.0, complete=True)
        for k in Kita.objects.filter(sozialraum__jugendamt=ja)
    )


def _no_page_wide_scrolling(page, url):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{url}: page scrolls sideways by {overflow}px"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_committee_charts_and_trends_at_1280_and_768(browser, live_server):
    from playwright.sync_api import expect

    seed_demo()
    _older_closed_round()
    with role_page(browser, live_server, "ausschuss") as page:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            url = f"{live_server.url}/berichte/ausschuss/2026/"
            response = page.goto(url)
            assert response.status == 200
            for chart_id in ("chart-strands-fte", "chart-strands-euro", "chart-previous-year"):
                chart = page.locator(f"#{chart_id}")
                expect(chart).to_be_visible()
                expect(chart).to_have_attribute("role", "img")
                box = chart.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (chart_id, box)
            expect(page.get_by_role("heading", name="Ziele des Sozialraumbudgets")).to_be_visible()
            expect(page.locator("#goals-text")).to_contain_text("Alle Kinder bis einschließlich")
            # The strand table is collapsed under the charts and opens on request.
            table = page.locator("#strand-table")
            expect(table).to_be_hidden()
            page.get_by_text("Tabelle: VZÄ und Personalkosten je Sozialraum").click()
            expect(table).to_be_visible()
            assert_accessible(page, context=f"{url} @{width}")
            _no_page_wide_scrolling(page, url)
            if width == 1280:
                page.get_by_text("Tabelle: VZÄ und Personalkosten je Sozialraum").click()
                shot(page, "committee-charts")
            else:
                shot(page, "committee-charts-768")

            url = f"{live_server.url}/berichte/entwicklung/"
            assert page.goto(url).status == 200
            for chart_id in ("chart-trend-index", "chart-trend-share"):
                expect(page.locator(f"#{chart_id}")).to_be_visible()
            expect(page.locator("#relative-note")).to_contain_text("relativ innerhalb")
            assert_accessible(page, context=f"{url} @{width}")
            _no_page_wide_scrolling(page, url)
            shot(page, "committee-trends" if width == 1280 else "committee-trends-768")

    # The Leitung writes the goals; the committee reads them in the report.
    with role_page(browser, live_server, "jugendamt-leitung") as page:
        url = f"{live_server.url}/berichte/ziele/"
        assert page.goto(url).status == 200
        assert_accessible(page, context=url)
        page.get_by_label("Ziele des Sozialraumbudgets").fill("Erstes Ziel\nZweites Ziel")
        page.get_by_role("button", name="Ziele speichern").click()
        expect(page.get_by_text("Die Ziele sind gespeichert.")).to_be_visible()
        shot(page, "committee-goals-edit")
    with role_page(browser, live_server, "ausschuss") as page:
        page.goto(f"{live_server.url}/berichte/ausschuss/2026/")
        expect(page.locator("#goals-text")).to_contain_text("Erstes Ziel")
        expect(page.locator("#goals-text")).to_contain_text("Zweites Ziel")
        expect(page.get_by_role("link", name="Ziele bearbeiten")).to_have_count(0)
