"""The admin's wide tables scroll inside their region instead of being cut (issue 14).

In Chromium at 1280 and 768 px: the change list of the budget years and the plan page with
its line inline (13 columns) stay within the window; what is wider scrolls inside its box,
so the last column can be reached; figures do not wrap. Screenshots in test-artifacts/.
"""

import pytest

from tests.e2e.helpers import role_page, seed_demo, shot, visit

pytestmark = pytest.mark.django_db(transaction=True)

REGIONS = "#changelist-form .results, .inline-group .tabular"


def _check_regions(page, context: str):
    boxes = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].map(el => {
            const r = el.getBoundingClientRect();
            return {right: r.right, scroll: el.scrollWidth, client: el.clientWidth,
                    overflow: getComputedStyle(el).overflowX};
        })""",
        REGIONS,
    )
    width = page.evaluate("window.innerWidth")
    assert boxes, context
    for box in boxes:
        assert box["right"] <= width + 1, (context, box, width)
        if box["scroll"] > box["client"]:
            assert box["overflow"] in ("auto", "scroll"), (context, box)
    # the page itself is not wider than the window (nothing is cut at its edge)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, context
    # one line per figure: "108.714,90 €" is never broken
    heights = page.evaluate(
        """() => [...document.querySelectorAll('.srb-figure')].slice(0, 40).map(el => {
            const line = parseFloat(getComputedStyle(el).lineHeight) || 20;
            return el.getBoundingClientRect().height <= line * 1.5;
        })"""
    )
    assert heights and all(heights), context


@pytest.mark.parametrize("width", [1280, 768])
def test_admin_tables_scroll_inside_their_region(browser, live_server, width):
    seed_demo()
    from allocation.models import AllocationPlan, BudgetYear

    plan = AllocationPlan.objects.filter(sozialraum__name="Pariser Viertel").order_by("pk")[0]
    budget_year = BudgetYear.objects.order_by("year")[0]
    with role_page(browser, live_server, "jugendamt") as page:
        page.set_viewport_size({"width": width, "height": 900})
        base = live_server.url
        pages = [
            ("budgetyear-list", f"{base}/admin/allocation/budgetyear/"),
            ("budgetyear", f"{base}/admin/allocation/budgetyear/{budget_year.pk}/change/"),
            ("plan-list", f"{base}/admin/allocation/allocationplan/"),
            ("plan", f"{base}/admin/allocation/allocationplan/{plan.pk}/change/"),
        ]
        for name, url in pages:
            visit(page, url, name=f"admin-{name}-{width}")
            _check_regions(page, f"{name} @ {width}")
        # the last column of the plan's lines can be scrolled into view
        page.goto(pages[-1][1])
        region = page.locator(".inline-group .tabular").first
        region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        last = page.locator(".inline-group .tabular thead th").last
        assert last.is_visible()
        shot(page, f"admin-plan-scrolled-{width}")
