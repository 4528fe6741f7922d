"""The whole year in a real browser: questionnaire → indices → plan → approval → committee PDF.

Every page on the way is checked with axe-core (WCAG 2.1 AA, no serious or critical
violation) and photographed into test-artifacts/journey-*.png.
"""

import re
from decimal import Decimal

import pytest

from tests.conftest import login
from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import (
    fill_questionnaire,
    role_page,
    seed_demo,
    shot,
    submit_other_kitas,
    visit,
)
from tests.surveys.factories import valid_answers

BUDGET_YEAR = 2028
SOZIALRAUM = "Pariser Viertel"


def _number(text: str) -> Decimal:
    """'1.234,50' or '1234.50' -> Decimal."""
    text = text.strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return Decimal(text)


@pytest.mark.browser
# The instrument comes from a data migration: restore it for every transactional test.
@pytest.mark.django_db(transaction=True)
def test_questionnaire_to_committee_pdf(page, browser, live_server):
    from playwright.sync_api import expect

    from allocation.models import AllocationPlan, PlanState
    from allocation.services import budget_years
    from sozialraeume.models import User

    seed_demo()
    leader = User.objects.get(username="kita-leitung")
    kita = leader.kitas.get()
    survey_round = submit_other_kitas("2027", except_kita=kita)
    # Budget years are created in the admin; the journey's year takes its shares from 2027.
    budget_years.budget_year_save(
        jugendamt_id=survey_round.jugendamt_id,
        year=BUDGET_YEAR,
        round=survey_round,
        acting_user=User.objects.get(username="jugendamt"),
    )
    base = live_server.url

    # (a) The Kita leader fills in and submits the 2027 questionnaire.
    login(page, live_server, "kita-leitung")
    visit(page, f"{base}/erhebung/", name="journey-1a-kita-overview")
    page.get_by_role("link", name=re.compile("Fragebogen ausfüllen")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Fragebogen 2027: {kita.name}")
    assert_accessible(page, context="Fragebogen 2027 (leer)")
    fill_questionnaire(page, valid_answers())
    shot(page, "journey-1b-questionnaire-filled")
    # The confirmation step (issue 14): check, then "Verbindlich einreichen".
    page.get_by_role("button", name="Prüfen und einreichen").click()
    page.get_by_role("button", name="Verbindlich einreichen").click()
    expect(page.get_by_role("alert")).to_contain_text("Der Fragebogen ist eingereicht")
    assert_accessible(page, context="Zusammenfassung nach dem Einreichen")
    shot(page, "journey-1c-submitted")

    # (b) Jugendamt staff see the new indices, then propose and adjust a plan.
    with role_page(browser, live_server, "jugendamt") as staff:
        visit(staff, f"{base}/auswertung/?round={survey_round.pk}", name="journey-2a-indices")
        expect(staff.get_by_role("heading", level=1)).to_contain_text("2027")
        expect(staff.locator("#run-status")).to_contain_text("(32 Fragebögen)")
        kita_row = staff.locator("#kita-table tbody tr", has_text=kita.name)
        expect(kita_row).to_have_count(1)
        expect(kita_row.locator("td").nth(5)).to_have_text(re.compile(r"^\d+,\d\d$"))
        # The round is still open: its result is provisional, for the Jugendamt only.
        expect(staff.locator(".result-provisional")).to_contain_text(
            "vorläufig — nicht veröffentlicht"
        )
        # Shares come from a published result only: the Jugendamt closes the round first.
        visit(staff, f"{base}/erhebung/runden/2027/", name="journey-2b-round")
        staff.get_by_role("button", name="Runde schließen").click()
        expect(staff.get_by_role("alert")).to_contain_text("Die Runde ist geschlossen")
        visit(staff, f"{base}/auswertung/", name="journey-2b-published")
        expect(staff.get_by_role("heading", level=1)).to_contain_text("2027")
        expect(staff.locator(".result-published")).to_contain_text("veröffentlicht")

        visit(staff, f"{base}/verteilung/?jahr={BUDGET_YEAR}", name="journey-2b-budget-year")
        # the year's tab (the page also links "Umsetzung 2028", issue 16)
        year_tab = staff.get_by_role("link", name=str(BUDGET_YEAR), exact=True)
        expect(year_tab).to_have_attribute("aria-current", "page")
        staff.get_by_label("Begründung (wird protokolliert)").fill("Erhebung 2027 ausgewertet")
        staff.get_by_role("button", name="Anteile aus der Indexberechnung übernehmen").click()
        expect(staff.get_by_role("alert")).to_contain_text("Die Anteile der Sozialräume sind")
        staff.get_by_role("button", name="Verteilungspläne anlegen").click()
        expect(staff.get_by_role("alert")).to_contain_text("Die Verteilungspläne sind angelegt")
        assert_accessible(staff, context="Verteilung mit Anteilen und Plänen")
        staff.get_by_role("row", name=re.compile(SOZIALRAUM)).get_by_role("link").click()
        expect(staff.get_by_role("heading", level=1)).to_contain_text(
            f"Verteilungsplan {SOZIALRAUM}"
        )
        assert_accessible(staff, context="Plan (Entwurf, leer)")

        staff.get_by_role("button", name=re.compile("Vorschlag nach Regel erstellen")).click()
        expect(staff.get_by_role("alert")).to_contain_text("Vorschlag erstellt")
        lines = staff.locator("[data-testid=line]")
        assert lines.count() > 0
        assert_accessible(staff, context="Plan mit Vorschlag")
        shot(staff, "journey-2c-proposal")

        first = lines.first
        kita_name = first.locator("td").first.inner_text()
        first.get_by_role("link", name="Bearbeiten").click()
        expect(staff.get_by_role("heading", level=1)).to_have_text("Zeile bearbeiten")
        assert_accessible(staff, context="Zeile bearbeiten")
        fte = _number(staff.get_by_label("Stellenanteil (VZÄ)").input_value())
        # The cost follows the FTE (FTE × the strand's rate), shown next to the field.
        cost = _number(staff.locator("[data-line-cost]").inner_text().replace("€", ""))
        new_fte = fte - Decimal("0.05") if fte > Decimal("0.05") else fte / 2
        new_cost = (cost * new_fte / fte).quantize(Decimal("0.01"))
        staff.get_by_label("Stellenanteil (VZÄ)").fill(f"{new_fte:.2f}".replace(".", ","))
        expect(staff.locator("[data-line-cost]")).to_contain_text(
            f"{new_cost:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        )
        staff.get_by_label("Grund der Änderung").fill("Stelle erst ab Februar besetzbar.")
        shot(staff, "journey-2d-line-edit")
        staff.get_by_role("button", name="Speichern").click()
        expect(staff.get_by_role("heading", level=1)).to_contain_text("Verteilungsplan")
        changed = staff.locator("[data-testid=line]", has_text=kita_name).first
        expect(changed).to_contain_text(f"{new_fte:.2f}".replace(".", ","))

        staff.get_by_role("button", name="In Abstimmung geben").click()
        expect(staff.get_by_test_id("plan-state")).to_have_text("In Abstimmung")
        # The Träger have 14 days; only the Leitung can shorten that, with two reasons.
        expect(staff.get_by_test_id("consultation")).to_contain_text("frühestens am")
        expect(staff.get_by_role("button", name="Als Beschlussvorlage vorlegen")).to_have_count(0)
        with role_page(browser, live_server, "jugendamt-leitung") as head:
            visit(head, staff.url, name="journey-2e-shorten-consultation")
            head.get_by_label("Begründung (intern)").fill("Landesfrist: Meldung bis Monatsende.")
            head.get_by_label("Begründung für den Ausschuss").fill("Meldefrist des Landes")
            head.get_by_role("button", name="Abstimmung verkürzen").click()
            expect(head.get_by_role("alert")).to_contain_text("Die Abstimmung ist verkürzt")
            assert_accessible(head, context="Abstimmung verkürzt")
        staff.reload()
        staff.get_by_role("button", name="Als Beschlussvorlage vorlegen").click()
        expect(staff.get_by_role("alert")).to_contain_text("Beschlussvorlage")
        assert_accessible(staff, context="Plan als Beschlussvorlage")
        shot(staff, "journey-2e-submitted-for-decision")
        # Staff cannot approve: no button for them.
        expect(staff.get_by_role("button", name="Beschließen")).to_have_count(0)
        plan_url = staff.url

    plan = AllocationPlan.objects.get(budget_year__year=BUDGET_YEAR, sozialraum__name=SOZIALRAUM)
    assert plan.state == PlanState.PROPOSAL
    assert plan.last_editor.username == "jugendamt"

    # (c) Jugendamt-Leitung approves (four eyes: they were not the last editor).
    with role_page(browser, live_server, "jugendamt-leitung") as head:
        visit(head, plan_url, name="journey-3a-plan-for-decision")
        head.get_by_role("button", name="Beschließen").click()
        expect(head.get_by_role("alert")).to_contain_text("Der Plan ist beschlossen")
        expect(head.get_by_test_id("plan-state")).to_have_text("Beschlossen")
        assert_accessible(head, context="Plan beschlossen")
        shot(head, "journey-3b-approved")
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    assert plan.approved_by.username == "jugendamt-leitung"

    # (d) The committee member opens the report and downloads the PDF.
    with role_page(browser, live_server, "ausschuss") as member:
        visit(member, f"{base}/berichte/", name="journey-4a-committee-report")
        assert member.url.endswith(f"/berichte/ausschuss/{BUDGET_YEAR}/")
        expect(member.get_by_role("heading", level=1)).to_contain_text(str(BUDGET_YEAR))
        expect(member.get_by_text(kita.name)).to_have_count(0)  # no per-Kita data
        link = member.get_by_role("link", name="Als PDF herunterladen")
        pdf_url = link.evaluate("a => a.href")
        response = member.request.get(pdf_url)
        assert response.status == 200
        assert response.headers["content-type"].startswith("application/pdf")
        body = response.body()
        assert body.startswith(b"%PDF")
        assert len(body) > 5000
