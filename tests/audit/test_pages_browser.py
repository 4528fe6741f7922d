"""In the browser: at the product's content width (1116 px) the reason column wraps and
stays in view, without horizontal scrolling."""

import pytest

from tests.conftest import ARTIFACTS, login
from tests.e2e.helpers import seed_demo


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_long_reason_wraps_within_the_content_width(browser, live_server):
    from allocation.models import AllocationPlan
    from audit import events as audit_events
    from sozialraeume.models import User

    seed_demo()
    plan = AllocationPlan.objects.filter(budget_year__year=2026).order_by("pk").first()
    line = plan.lines.order_by("pk").first()
    reason = (
        "Der Träger kann die zweite Hälfte der Stelle erst besetzen, wenn die Räume im "
        "Nachbarschaftszentrum fertig sind; bis dahin bleibt es bei der halben Stelle. "
        "Aktenzeichen JA-51-2026-Sozialraumbudget-Verteilungsplan-Zeilenänderung-0815. " * 3
    )
    # as line_update writes it (the demo's plans are approved, so not through the service)
    audit_events.record(
        actor=User.objects.get(username="jugendamt"),
        action="line.update",
        obj=line,
        jugendamt_id=plan.jugendamt_id,
        old={**line.snapshot(), "fte": "1.00"},
        new=line.snapshot(),
        reason=reason,
    )
    # container-lg at a 1200 px wide window: 1140 px minus the gutters = 1116 px content
    context = browser.new_context(locale="de-DE", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        login(page, live_server, "jugendamt")
        page.goto(f"{live_server.url}/verteilung/plan/{plan.pk}/verlauf/")
        widths = page.evaluate(
            """() => {
              const main = document.querySelector('main');
              const style = getComputedStyle(main);
              const region = document.querySelector('[data-testid=events]').parentElement;
              const cell = [...document.querySelectorAll('[data-testid=reason]')]
                .find(td => td.textContent.includes('Aktenzeichen'));
              const box = cell.getBoundingClientRect();
              const mainBox = main.getBoundingClientRect();
              return {
                content: main.clientWidth - parseFloat(style.paddingLeft)
                  - parseFloat(style.paddingRight),
                regionScroll: region.scrollWidth, regionClient: region.clientWidth,
                pageScroll: document.documentElement.scrollWidth,
                window: window.innerWidth,
                cellRight: box.right, cellWidth: box.width, cellHeight: box.height,
                contentRight: mainBox.right - parseFloat(style.paddingRight),
              };
            }"""
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "audit-plan-history-1116.png"), full_page=True)
        assert widths["content"] == 1116, widths
        assert widths["regionScroll"] <= widths["regionClient"], widths  # no scrolling
        assert widths["pageScroll"] <= widths["window"], widths
        assert widths["cellRight"] <= widths["contentRight"] + 1, widths
        assert widths["cellWidth"] >= 150 and widths["cellHeight"] > 40, widths  # it wraps
    finally:
        context.close()
