"""A Kita leader fills in the 2027 questionnaire in a real browser (Chromium)."""

import re

import pytest

from tests.conftest import login
from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import fill_questionnaire as fill
from tests.e2e.helpers import seed_demo
from tests.surveys.factories import valid_answers


@pytest.mark.browser
# The instrument comes from a data migration: restore it for every transactional test.
@pytest.mark.django_db(transaction=True)
def test_kita_leader_saves_a_draft_comes_back_fixes_an_error_checks_and_submits(page, live_server):
    from playwright.sync_api import expect

    seed_demo()
    login(page, live_server, "kita-leitung")
    page.goto(f"{live_server.url}/erhebung/")
    expect(page.get_by_role("heading", name="Erhebung 2027")).to_be_visible()
    expect(page.get_by_text("nicht begonnen")).to_be_visible()
    assert_accessible(page, context="Erhebung (Kita-Übersicht)")
    page.get_by_role("link", name=re.compile("Fragebogen ausfüllen")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fragebogen 2027")
    assert_accessible(page, context="Fragebogen (leer)")

    # Keyboard friendly: every answer is reachable through its label.
    page.get_by_label(re.compile(r"A1\. Wie viele Kinder")).fill("80")
    page.get_by_label(re.compile(r"A2\. Wie viele Familien")).fill("70")
    page.get_by_label(re.compile(r"F1\. Welche Ressourcen")).fill("Bibliothek am Markt")
    page.get_by_role("group", name=re.compile(r"B3a\. Armut")).get_by_label(
        "3 – eher stark"
    ).check()
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Der Entwurf ist gespeichert")
    assert_accessible(page, context="Fragebogen (Entwurf gespeichert)")

    # Leave and come back.
    page.goto(f"{live_server.url}/erhebung/")
    expect(page.get_by_text("Entwurf", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("Weiter ausfüllen")).click()
    expect(page.locator("[name=A1]")).to_have_value("80")
    expect(page.locator("[name=F1]")).to_have_value("Bibliothek am Markt")
    expect(page.locator("input[name=B3a][value='3']")).to_be_checked()

    # A draft with B1 > A2 is saved; "Noch zu klären" lists it, the message is next to B1.
    answers = valid_answers(A2=70, B1=75)
    fill(page, answers)
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Eine Angabe ist noch zu klären")
    expect(page.locator("#form-errors")).to_contain_text("Noch zu klären")
    expect(page.locator("#div_id_B1")).to_contain_text(
        "darf nicht größer sein als die Angabe bei A2"
    )
    assert_accessible(page, context="Fragebogen mit offenem Punkt")
    expect(page.locator("[name=B1]")).to_have_value("75")
    expect(page.locator("[name=F7]")).to_have_value("Frau Beispiel, 0671 000")
    expect(page.locator("input[name=D5][value='3']")).to_be_checked()
    expect(page.locator("select[name=F4_grundschule]")).to_have_value("eng")
    expect(page.locator("input[name=F3][value=FS3]")).to_be_checked()
    expect(page.locator("[name=F8]")).to_be_checked()

    # The check page refuses while the problem exists.
    page.get_by_role("button", name="Prüfen und einreichen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prüfen und einreichen")
    expect(page.get_by_role("button", name="Verbindlich einreichen")).to_have_count(0)
    page.get_by_role("link", name="Zurück zum Fragebogen").first.click()

    # Correct, check, submit: read-only summary.
    page.locator("[name=B1]").fill("15")
    page.get_by_role("button", name="Prüfen und einreichen").click()
    expect(page.locator("#answer-B1")).to_have_text("15")
    assert_accessible(page, context="Prüfseite")
    page.get_by_role("button", name="Verbindlich einreichen").click()
    expect(page.get_by_role("alert")).to_contain_text("Der Fragebogen ist eingereicht")
    expect(page.locator("#answer-B1")).to_have_text("15")
    expect(page.locator("input[name=A1]")).to_have_count(0)
    assert_accessible(page, context="Zusammenfassung")
    page.goto(f"{live_server.url}/erhebung/")
    expect(page.get_by_text("eingereicht", exact=True)).to_be_visible()
