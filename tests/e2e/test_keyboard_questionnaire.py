"""The questionnaire with the keyboard alone: Tab, Shift+Tab, Space, arrow keys, typing.

No mouse click and no Playwright ``fill``/``check`` on the form: every answer is given
where the focus lands when tabbing, so the test also proves that the focus order follows
the sections A–F and that each field says what it is (label or legend), as a screen
reader would announce it.
"""

import pytest

from surveys.instrument import ITEMS, ITEMS_BY_CODE
from tests.conftest import ARTIFACTS, login
from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import seed_demo
from tests.surveys.factories import valid_answers

FOCUSED = """() => {
  const el = document.activeElement;
  const group = el.closest('fieldset:not(.section):not(.question)');
  const question = el.closest('fieldset.question');
  const label = el.labels && el.labels.length ? el.labels[0].innerText.trim() : '';
  const radios = el.type === 'radio'
    ? [...document.querySelectorAll(`input[name="${el.name}"]`)] : [];
  return {
    tag: el.tagName, type: el.type || '', name: el.name || '', id: el.id,
    value: el.value, checked: !!el.checked, text: el.innerText || '',
    label: label,
    legend: group && group.querySelector('legend')
      ? group.querySelector('legend').innerText.trim() : '',
    question: question ? question.querySelector('legend').innerText.trim() : '',
    section: el.closest('fieldset.section') ? el.closest('fieldset.section').id : '',
    radioValues: radios.map(r => r.value),
    visible: !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length),
  };
}"""


def _field_order(partners):
    names = []
    for item in ITEMS:
        if item.kind == "matrix":
            names += [f"{item.code}_{key}" for key, _label in partners]
        else:
            names.append(item.code)
    return names


def _answer(page, f, answers):
    """Answer the focused field with keys only. Returns the item code answered or None."""
    keyboard = page.keyboard
    code = f["name"].split("_")[0] if f["tag"] == "SELECT" else f["name"]
    item = ITEMS_BY_CODE.get(code)
    if item is None or code not in answers:
        return None
    value = answers[code]
    if item.kind in ("int", "decimal", "text"):
        keyboard.press("Control+A")
        keyboard.type(str(value).replace(".", ","))
    elif item.kind == "likert":
        values = f["radioValues"]
        current = values.index(f["value"])
        target = values.index(str(value))
        steps = (target - current) % len(values)
        for _ in range(steps):
            keyboard.press("ArrowRight")  # moves and checks
        if steps == 0 and not f["checked"]:
            keyboard.press("Space")
    elif item.kind == "choice":
        if (f["value"] in value) != f["checked"]:
            keyboard.press("Space")
    elif item.kind == "matrix":
        partner = f["name"].split("_", 1)[1]
        level = value.get(partner)
        if level is None:
            return None
        label = dict(item.levels)[level]
        keyboard.type(label)  # type-ahead in a closed select
        assert page.evaluate("document.activeElement.value") == level, (f["name"], level)
    elif item.kind == "confirm" and bool(value) != f["checked"]:
        keyboard.press("Space")
    return code


def _tab_until(page, predicate, answers, seen, limit=400):
    """Press Tab, answering each field on the way, until ``predicate(focused)``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUSED)
        if predicate(f):
            return f
        if f["name"] and f["section"]:
            assert f["visible"], f"{f['name']} hat den Fokus, ist aber nicht sichtbar"
            seen.append(f)
            _answer(page, f, answers)
    raise AssertionError("Ziel mit der Tabulatortaste nicht erreicht")


def _is_submit(f):
    return f["tag"] == "BUTTON" and f["text"].strip() == "Prüfen und einreichen"


def _is_final_submit(f):
    return f["tag"] == "BUTTON" and f["text"].strip() == "Verbindlich einreichen"


@pytest.mark.browser
# The instrument comes from a data migration: restore it for every transactional test.
@pytest.mark.django_db(transaction=True)
def test_questionnaire_can_be_completed_with_the_keyboard_alone(page, live_server):
    from playwright.sync_api import expect

    from sozialraeume.models import User
    from surveys.models import Response, SurveyRound

    seed_demo()
    survey_round = SurveyRound.objects.get(code="2027")
    login(page, live_server, "kita-leitung")
    kita = User.objects.get(username="kita-leitung").kitas.get()
    page.goto(f"{live_server.url}/erhebung/{survey_round.code}/{kita.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fragebogen 2027")

    # The first Tab reaches the skip link; it leads into the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Zum Inhalt springen"

    # First pass: B1 larger than A2 and the required D5 left out.
    answers = valid_answers(A2=70, B1=75)
    del answers["D5"]
    seen = []
    _tab_until(page, _is_submit, answers, seen)

    # Focus order = the instrument's order, section by section.
    order = []
    for f in seen:
        if not order or order[-1] != f["name"]:
            order.append(f["name"])
    expected = [n for n in _field_order(survey_round.partner_list) if n in set(order)]
    assert order == expected
    assert len(set(order)) == len(_field_order(survey_round.partner_list))
    sections = [f["section"] for f in seen]
    assert sections == sorted(sections), "Fokus springt zwischen den Abschnitten"

    # What a screen reader announces: every field has a label, every radio its group's
    # legend (and the question for sub-items), every partner select the question F4.
    for f in seen:
        item = ITEMS_BY_CODE[f["name"].split("_")[0] if f["tag"] == "SELECT" else f["name"]]
        assert f["label"], f"{f['name']} ohne Beschriftung"
        if f["type"] in ("radio", "checkbox") and item.kind != "confirm":
            assert f["legend"].startswith(f"{item.code}."), f
        if item.question != item.code or item.kind == "matrix":
            assert f["question"].startswith(f"{item.question}."), f
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "questionnaire-aria.yml").write_text(
        page.locator("#questionnaire-form").aria_snapshot(), encoding="utf-8"
    )

    # "Prüfen und einreichen" with Enter: the draft is saved as it is; the check page's
    # "Noch zu klären" gets the focus and links to the fields.
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prüfen und einreichen")
    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "form-errors"
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(page.get_by_role("button", name="Verbindlich einreichen")).to_have_count(0)
    assert_accessible(page, context="Prüfseite mit offenen Punkten")
    page.screenshot(path=str(ARTIFACTS / "keyboard-errors.png"), full_page=True)
    assert Response.objects.get(round=survey_round, kita=kita).answers["B1"] == 75

    # Tab to the first link, Enter: the questionnaire opens with the focus in B1.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')").endswith("#id_B1")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    b1 = page.locator("#id_B1")
    expect(b1).to_be_focused()

    # Each problem is tied to its field (aria-describedby) and visible next to it.
    expect(b1).to_have_attribute("aria-invalid", "true")
    described = b1.get_attribute("aria-describedby").split()
    assert "id_B1_problem" in described
    expect(page.locator("#id_B1_problem")).to_contain_text("darf nicht größer sein")
    expect(page.locator("#id_B1_problem")).to_be_visible()
    d5_group = page.get_by_role("group", name="D5. Wie groß empfinden Sie")
    assert "id_D5_problem" in d5_group.get_attribute("aria-describedby").split()
    expect(page.locator("#id_D5_problem")).to_be_visible()
    expect(page.locator("#form-errors").get_by_role("link", name="D5.")).to_have_attribute(
        "href", "#id_D5_0"
    )
    assert_accessible(page, context="Fragebogen mit offenen Punkten")

    # Correct B1 by typing.
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("15")
    expect(b1).to_have_value("15")

    # Shift+Tab goes back to A6, Tab returns to B1; then on to D5 and to the check.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.name") == "A6"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "B1"
    fixes = {"D5": 3}
    seen = []
    _tab_until(page, _is_submit, fixes, seen)
    assert "D5" in [f["name"] for f in seen]
    expect(b1).to_have_value("15")
    expect(page.locator("input[name=D5][value='3']")).to_be_checked()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prüfen und einreichen")
    expect(page.locator("#form-errors")).to_have_count(0)
    _tab_until(page, _is_final_submit, {}, [])
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Der Fragebogen ist eingereicht")
    page.screenshot(path=str(ARTIFACTS / "keyboard-submitted.png"), full_page=True)

    stored = Response.objects.get(round=survey_round, kita=kita)
    assert stored.status == Response.Status.SUBMITTED
    assert stored.answers["B1"] == 15
    assert stored.answers["D5"] == 3
    assert stored.answers["B3a"] == answers["B3a"]
    assert stored.answers["F3"] == ["FS1", "FS3"]
    assert stored.answers["F4"]["grundschule"] == "eng"
    assert stored.answers["F4"]["jugendamt"] == "selten"
    assert stored.answers["F7"] == answers["F7"]
    assert stored.answers["F8"] is True
