"""Autosave and the confirmation step of the questionnaire in Chromium (issue 14).

The autosave interval comes from the form's ``data-autosave-interval`` (the setting
``SRB_AUTOSAVE_INTERVAL_MS``, 30 s by default); the test sets 1 s.
"""

import re

import pytest

from tests.conftest import ARTIFACTS, login
from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import fill_questionnaire, seed_demo, shot
from tests.surveys.factories import valid_answers


@pytest.fixture
def fast_autosave(settings):
    settings.SRB_AUTOSAVE_INTERVAL_MS = 1000


def _stored(kita):
    from surveys.models import Response

    return Response.objects.filter(round__code="2027", kita=kita).first()


@pytest.mark.browser
# The instrument comes from a data migration: restore it for every transactional test.
@pytest.mark.django_db(transaction=True)
def test_typing_is_autosaved_survives_a_reload_and_is_submitted_after_the_check(
    page, live_server, fast_autosave
):
    from playwright.sync_api import expect

    from sozialraeume.models import User

    seed_demo()
    kita = User.objects.get(username="kita-leitung").kitas.get()
    login(page, live_server, "kita-leitung")
    url = f"{live_server.url}/erhebung/2027/{kita.pk}/"
    page.goto(url)
    form = page.locator("#questionnaire-form")
    expect(form).to_have_attribute("data-autosave-interval", "1000")
    status = page.locator("#autosave-status")
    expect(status).to_have_attribute("aria-live", "polite")

    # Type, including a contradiction (B1 > A2): no button is pressed.
    page.get_by_label(re.compile(r"A1\. Wie viele Kinder")).fill("80")
    page.get_by_label(re.compile(r"A2\. Wie viele Familien")).fill("70")
    page.locator("[name=B1]").press_sequentially("75")
    expect(status).to_have_text(re.compile(r"^gespeichert um \d\d:\d\d$"), timeout=10000)
    stored = _stored(kita)
    assert stored is not None and stored.status == "draft"
    assert stored.answers == {"A1": 80, "A2": 70, "B1": 75}
    # "Noch zu klären" follows the autosave and links to the field.
    findings = page.locator("#form-errors")
    expect(findings).to_contain_text("Noch zu klären")
    expect(findings.get_by_role("link", name=re.compile(r"^B1\."))).to_have_attribute(
        "href", "#id_B1"
    )
    assert_accessible(page, context="Fragebogen nach dem automatischen Speichern")
    page.locator("#autosave-status").scroll_into_view_if_needed()
    shot(page, "questionnaire-autosave")

    # Reload: the values are there, the problem is listed and marked at its field.
    page.reload()
    expect(page.locator("[name=A1]")).to_have_value("80")
    expect(page.locator("[name=B1]")).to_have_value("75")
    expect(page.locator("#id_B1_problem")).to_contain_text("darf nicht größer sein")
    assert "id_B1_problem" in page.locator("#id_B1").get_attribute("aria-describedby")

    # "Prüfen und einreichen" with the contradiction: listed, no submit button.
    page.get_by_role("button", name="Prüfen und einreichen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prüfen und einreichen")
    expect(page.locator("#form-errors")).to_contain_text("darf nicht größer sein")
    expect(page.get_by_role("button", name="Verbindlich einreichen")).to_have_count(0)
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert_accessible(page, context="Prüfseite mit offenen Punkten")
    # The link leads to the field, with the focus in it.
    page.locator("#form-errors").get_by_role("link", name=re.compile(r"^B1\.")).click()
    expect(page.locator("#id_B1")).to_be_focused()

    # Fill in everything correctly; the autosave keeps up, then the check page.
    fill_questionnaire(page, valid_answers())
    expect(status).to_have_text(re.compile(r"^gespeichert um"), timeout=10000)
    page.get_by_role("button", name="Prüfen und einreichen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prüfen und einreichen")
    expect(page.locator("#form-errors")).to_have_count(0)
    expect(page.locator("#answer-B1")).to_have_text("15")
    expect(page.locator("#summary-F")).to_be_visible()
    expect(page.locator("input[name=A1]")).to_have_count(0)
    assert _stored(kita).status == "draft", "nothing submitted before the last step"
    assert_accessible(page, context="Prüfseite")
    shot(page, "questionnaire-confirmation")
    page.set_viewport_size({"width": 768, "height": 1000})
    assert_accessible(page, context="Prüfseite (768 px)")
    shot(page, "questionnaire-confirmation-768")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768, "no sideways scroll"
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Verbindlich einreichen").click()
    expect(page.get_by_role("alert")).to_contain_text("Der Fragebogen ist eingereicht")
    stored = _stored(kita)
    assert stored.status == "submitted" and stored.answers["B1"] == 15
    assert (ARTIFACTS / "questionnaire-confirmation.png").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_page_saved_elsewhere_stops_autosaving_and_says_so(page, live_server, fast_autosave):
    from playwright.sync_api import expect

    from sozialraeume.models import User

    seed_demo()
    kita = User.objects.get(username="kita-leitung").kitas.get()
    login(page, live_server, "kita-leitung")
    url = f"{live_server.url}/erhebung/2027/{kita.pk}/"
    page.goto(url)
    # A second tab saves first.
    other = page.context.new_page()
    other.goto(url)
    other.get_by_label(re.compile(r"A1\. Wie viele Kinder")).fill("50")
    other.get_by_role("button", name="Entwurf speichern").click()
    expect(other.get_by_role("alert")).to_contain_text("Der Entwurf ist gespeichert")
    other.close()

    page.get_by_label(re.compile(r"A1\. Wie viele Kinder")).fill("60")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("bitte laden Sie die Seite neu", timeout=10000)
    assert _stored(kita).answers["A1"] == 50, "the stale page overwrote nothing"
    # No further attempts: typing again does not save.
    page.get_by_label(re.compile(r"A2\. Wie viele Familien")).fill("40")
    page.wait_for_timeout(2500)
    assert _stored(kita).answers == {"A1": 50}
