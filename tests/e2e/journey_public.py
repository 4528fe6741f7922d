"""Browser step of issue 17: the public results page of the demo Jugendamt.

``play_public(browser, live_server)`` is a plain function (no test) so a longer journey
can chain it; ``tests/e2e/test_evaluation_and_public_page.py`` plays it after the evaluation.

Preconditions (the demo): the user ``jugendamt-leitung`` of the Jugendamt
``bad-kreuznach``, whose public page is switched off; the budget year 2026 with stored
shares and approved plans. Nothing is created through the ORM. The step:

1. an anonymous browser gets "Seite nicht gefunden" (404) at /oeffentlich/bad-kreuznach/;
2. as ``jugendamt-leitung``: on the goals page (/berichte/ziele/) ticks "Öffentliche
   Ergebnisseite einschalten" and saves;
3. anonymous: the page opens (axe-core), shows the Sozialräume with their shares, the
   FTE of decided plans, the method and the goals, and no Kita name of the Jugendamt;
4. as ``jugendamt-leitung``: switches it off again;
5. anonymous: 404 at once (the page is cached, the switch is checked before the cache).

Returns the names of the Sozialräume the page showed. Screenshots:
test-artifacts/public-{off,switch,page,page-768}.png.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import role_page, shot, visit

SLUG = "bad-kreuznach"


def _switch(browser, live_server, *, on: bool, name: str):
    with role_page(browser, live_server, "jugendamt-leitung") as page:
        visit(page, f"{live_server.url}/berichte/ziele/")
        form = page.locator("#public-page-form")
        box = form.get_by_label("Öffentliche Ergebnisseite einschalten")
        if on:
            box.check()
        else:
            box.uncheck()
        form.get_by_role("button", name="Einstellung speichern").click()
        page.wait_for_load_state()
        message = "eingeschaltet" if on else "ausgeschaltet"
        expect(page.get_by_text(f"Die öffentliche Ergebnisseite ist {message}.")).to_be_visible()
        page.locator("#public-page-setting").scroll_into_view_if_needed()
        assert_accessible(page, context=f"goals page, public page {message}")
        shot(page, name)


def play_public(browser, live_server) -> list[str]:
    from sozialraeume.models import Jugendamt, Kita

    jugendamt = Jugendamt.objects.get(slug=SLUG)
    kita_names = list(
        Kita.objects.filter(sozialraum__jugendamt=jugendamt).values_list("name", flat=True)
    )
    sozialraum_names = list(jugendamt.sozialraeume.values_list("name", flat=True))
    assert kita_names and sozialraum_names and not jugendamt.public_page_enabled
    url = f"{live_server.url}/oeffentlich/{SLUG}/"

    # 1. switched off: the same "not found" as any unknown address
    with role_page(browser, live_server, None) as page:
        visit(page, url, status=404, name="public-off")
        expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()

    # 2. the Leitung switches it on
    _switch(browser, live_server, on=True, name="public-switch")

    # 3. anonymous: the page, with no Kita name
    with role_page(browser, live_server, None) as page:
        visit(page, url)
        expect(page.get_by_role("heading", level=1)).to_contain_text(jugendamt.name)
        shares = page.locator("#public-shares-table")
        expect(shares).to_be_visible()
        for name in sozialraum_names:
            expect(shares.get_by_role("rowheader", name=name, exact=True)).to_be_visible()
        expect(page.locator("#chart-public-shares")).to_be_visible()
        staff = page.locator("#public-staff-table")
        expect(staff).to_contain_text("VZÄ")
        expect(page.get_by_role("heading", name="So wird gerechnet")).to_be_visible()
        expect(page.locator("#public-goals-text")).not_to_be_empty()
        expect(page.locator("form")).to_have_count(1)  # the language switch only
        text = page.locator("body").inner_text()
        leaked = [n for n in kita_names if n in text]
        assert not leaked, leaked
        shot(page, "public-page")
        page.set_viewport_size({"width": 768, "height": 900})
        assert_accessible(page, context=f"{url} @768")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{url}: page scrolls sideways by {overflow}px"
        shot(page, "public-page-768")

    # 4. and off again
    _switch(browser, live_server, on=False, name="public-switch-off")

    # 5. anonymous: 404 at once
    with role_page(browser, live_server, None) as page:
        response = page.goto(url)
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
        assert not [n for n in sozialraum_names if n in page.locator("main").inner_text()]
    return sozialraum_names
