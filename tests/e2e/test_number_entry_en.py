"""Numbers typed in an English Chromium (issue 12, finding 4).

The browser runs with ``--lang=en-US`` and an en-US locale, as on the machine where "0,80"
once became 80,00 VZÄ and "10.000" was refused. The Fachkraft works with the product in
German (chosen in the footer, as in the finding) and then in English: the same German rule
reads what she types in both (srb_project.numbers), the inputs are text inputs, and the
cost next to the FTE follows while she types.
"""

import re
import shutil
from decimal import Decimal

import pytest

from tests.conftest import login
from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import seed_demo, shot


@pytest.fixture(scope="module")
def english_browser(browser):
    """A second Chromium of the same Playwright, started in English."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    b = browser.browser_type.launch(
        executable_path=executable,
        args=[
            "--lang=en-US",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
        env={"LANG": "en_US.UTF-8", "LANGUAGE": "en_US"},
    )
    yield b
    b.close()


def _choose_language(page, code):
    page.select_option("#language-select", code)
    page.locator("#language-select").locator("xpath=..").locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_english_chromium_types_german_numbers_right(english_browser, live_server):
    from playwright.sync_api import expect

    from allocation.models import AllocationLine, BudgetYear, Reallocation
    from allocation.services import plans as plan_services
    from sozialraeume.models import User

    seed_demo()
    staff = User.objects.get(username="jugendamt")
    kita = User.objects.get(username="kita-leitung").kitas.get()
    by = BudgetYear.objects.get(jugendamt=kita.sozialraum.jugendamt, year=2027)
    plan = plan_services.plan_create(budget_year=by, sozialraum=kita.sozialraum, acting_user=staff)
    base = live_server.url

    context = english_browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        assert page.evaluate("navigator.language") == "en-US"
        login(page, live_server, "jugendamt")
        assert page.locator("html").get_attribute("lang") == "en"  # Accept-Language: en-US
        _choose_language(page, "de")
        assert page.locator("html").get_attribute("lang") == "de"

        # (1) A line of 0,80 VZÄ typed the German way.
        page.goto(f"{base}/verteilung/plan/{plan.pk}/zeile/neu/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Zeile hinzufügen")
        fte = page.locator("input[name=fte]")
        assert fte.get_attribute("type") == "text"
        assert fte.get_attribute("inputmode") == "decimal"
        page.select_option("select[name=kita]", str(kita.pk))
        page.select_option("select[name=strand]", "FS4")
        # FS4 needs the Kita's accepted request (the demo's, issue 15)
        accepted = kita.fs4_requests.get(state="accepted")
        page.select_option("select[name=fs4_request]", str(accepted.pk))
        fte.fill("0,80")
        # the rate is on the page, the cost follows the typing (static/allocation/line_cost.js)
        expect(page.get_by_text("FS4 60.000,00 €", exact=False).first).to_be_visible()
        expect(page.locator("[data-line-cost]")).to_have_text(re.compile(r"48\.000,00\s€"))
        page.fill("textarea[name=justification]", "Betriebserlaubnis: zusätzliche Aufsicht")
        assert_accessible(page, context="Zeile hinzufügen (englischer Browser)")
        shot(page, "number-entry-en-line-form")
        page.locator("#line-form button[type=submit]").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Verteilungsplan")
        line = AllocationLine.objects.get(plan=plan, kita=kita, strand="FS4")
        assert (line.fte, line.annual_cost) == (Decimal("0.80"), Decimal("48000.00"))
        row = page.locator(f"[data-testid=line][data-line='{line.pk}']")
        expect(row).to_contain_text("0,80")
        expect(row).to_contain_text("48.000,00 €")
        expect(row).not_to_contain_text("80,00 ")
        expect(page.get_by_test_id("fte-rates")).to_contain_text("FS1 70.000,00 €")
        assert_accessible(page, context="Plan mit Kostensätzen (englischer Browser)")
        shot(page, "number-entry-en-plan")

        # (2) An absurd FTE is refused naming the field; the typed text stays.
        page.goto(f"{base}/verteilung/zeile/{line.pk}/")
        assert page.locator("input[name=fte]").input_value() == "0,80"  # German, not 0.80
        page.fill("input[name=fte]", "0.8.0")
        page.locator("#line-form button[type=submit]").click()
        expect(page.locator("#line-form")).to_contain_text(
            "Stellenanteil (VZÄ): „0.8.0“ ist keine Zahl. Bitte so eingeben: 0,80"
        )
        assert page.locator("input[name=fte]").input_value() == "0.8.0"
        shot(page, "number-entry-en-refused")

        # (3) 10.000 € reallocated are ten thousand euros.
        page.goto(f"{base}/verteilung/?jahr=2027")
        sozialraeume = list(kita.sozialraum.jugendamt.sozialraeume.order_by("position", "name"))
        amount = page.locator("input[name=amount]")
        assert amount.get_attribute("type") == "text"
        page.select_option("select[name=from_sozialraum]", str(sozialraeume[0].pk))
        page.select_option("select[name=to_sozialraum]", str(sozialraeume[1].pk))
        amount.fill("10.000")
        page.fill("textarea[name=reason]", "Restmittel nach Stellenbesetzung")
        if page.locator("textarea[name=public_reason]").count():
            page.fill(
                "textarea[name=public_reason]",
                "Nicht verplante Mittel gehen in einen Sozialraum mit höherem Bedarf.",
            )
        before = set(Reallocation.objects.values_list("pk", flat=True))
        amount.locator("xpath=ancestor::form").locator("button[type=submit]").click()
        page.wait_for_load_state()
        created = Reallocation.objects.exclude(pk__in=before).get()
        assert created.amount == Decimal("10000.00")
        expect(page.locator("body")).to_contain_text("10.000,00 €")
        shot(page, "number-entry-en-reallocation")

        # (4) The English interface reads the same: "0.85" and "10.000" mean what they say.
        _choose_language(page, "en")
        page.goto(f"{base}/verteilung/zeile/{line.pk}/")
        page.fill("input[name=fte]", "0.85")
        # the live figure in the page's language, as the server writes it
        expect(page.locator("[data-line-cost]")).to_have_text(re.compile(r"51,000\.00\s€"))
        page.locator("#line-form button[type=submit]").click()
        page.wait_for_load_state()
        line.refresh_from_db()
        assert (line.fte, line.annual_cost) == (Decimal("0.85"), Decimal("51000.00"))
        shot(page, "number-entry-en-english-ui")
    finally:
        context.close()
