"""Browser step of issue 16, part P3: the budget execution and a reallocation of money the
positions do not spend (four eyes).

``play_execution(browser, live_server)`` is a plain function (no test) so the budget
year's journey (``tests/e2e/test_budget_execution_year.py``) can chain it after the
positions and costs steps.

Preconditions (the demo, ``seed_demo()``): the users ``jugendamt`` and
``jugendamt-leitung``; the budget year 2026 of the demo Jugendamt with its shares, approved
plans and positions (``positions.demo``: one vacant until June, one filled from March) and
actual costs (``positions.demo_costs``), so that at least one Sozialraum's forecast leaves
state money unspent. Nothing is created through the ORM. The step:

1. as ``jugendamt``: opens /stellen/umsetzung/2026/, reads the first Sozialraum offering
   "Umverteilung vorschlagen" and its projected unspent amount; follows the button to the
   prefilled proposal (amount and source "tatsächlich nicht verausgabt"), chooses another
   Sozialraum as target, writes the reasons and proposes;
2. as ``jugendamt-leitung``: approves the proposal on the budget year page;
3. as ``jugendamt``: the execution page shows that Sozialraum with nothing left to free.

Returns (source Sozialraum name, amount as shown, the Reallocation). Screenshots:
test-artifacts/pos-p3-*.png.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import role_page, shot, visit

YEAR = 2026


def play_execution(browser, live_server):
    from allocation.models import Reallocation

    url = f"{live_server.url}/stellen/umsetzung/{YEAR}/"
    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, url, name="pos-p3-execution")
        button = page.get_by_test_id("propose-reallocation").first
        expect(button).to_be_visible()
        source = button.get_attribute("data-sozialraum")
        unspent = (
            page.locator(f'[data-testid="fig-projected-unspent"][data-sozialraum="{source}"]')
            .inner_text()
            .strip()
        )
        offered = button.inner_text().replace("\u00a0", " ")
        button.click()
        page.wait_for_load_state()
        assert_accessible(page, context="reallocation form prefilled")
        form = page.get_by_test_id("reallocation-form")
        amount = form.get_by_label("Landesmittel (€)").input_value()
        # the button offers the projected unspent amount less open proposals out of it
        assert amount and f"({amount} €)" in offered, (amount, offered, unspent)
        expect(form.get_by_label("Herkunft der Mittel")).to_have_value("actual")
        expect(form.get_by_label("von Sozialraum")).to_have_value(
            str(page.evaluate("() => new URL(location.href).searchParams.get('von')"))
        )
        target = form.get_by_label("an Sozialraum")
        options = [o for o in target.locator("option").all_inner_texts() if o.strip("- ")]
        target.select_option(label=next(o for o in options if o != source))
        form.get_by_label("Begründung (intern)").fill("Stellen länger unbesetzt als geplant")
        form.get_by_label("Begründung für den Ausschuss").fill(
            "Nicht verausgabte Mittel aus unbesetzten Monaten"
        )
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.get_by_text("Die Umverteilung ist vorgeschlagen.")).to_be_visible()
        row = page.get_by_test_id("reallocation").filter(has_text=source).first
        expect(row.get_by_test_id("reallocation-source")).to_have_text(
            "tatsächlich nicht verausgabt"
        )
        page.locator("#umverteilungen").scroll_into_view_if_needed()
        shot(page, "pos-p3-proposed")
    proposal = Reallocation.objects.filter(source="actual", state="proposed").latest("pk")

    with role_page(browser, live_server, "jugendamt-leitung") as page:
        visit(page, f"{live_server.url}/verteilung/?jahr={YEAR}")
        open_row = (
            page.locator('[data-testid="reallocation"][data-state="proposed"]')
            .filter(has_text=source)
            .first
        )
        open_row.get_by_role("button", name="Genehmigen").click()
        page.wait_for_load_state()
        assert_accessible(page, context="reallocation approved")
        expect(
            page.locator('[data-testid="reallocation"][data-state="approved"]')
            .filter(has_text=source)
            .first
        ).to_be_visible()
        shot(page, "pos-p3-approved")
    proposal.refresh_from_db()
    assert proposal.state == "approved"

    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, url, name="pos-p3-after")
        expect(
            page.locator(f'[data-testid="propose-reallocation"][data-sozialraum="{source}"]')
        ).to_have_count(0)
    return source, amount, proposal
