"""Shared steps of the browser journeys: demo data, one browser context per role, screenshots."""

import datetime
import random
import re
from contextlib import contextmanager

from tests.conftest import ARTIFACTS, login
from tests.e2e.a11y import assert_accessible


def seed_demo():
    from sozialraeume.management.commands.seed_demo import seed_all

    seed_all()


def submit_other_kitas(round_code: str, *, except_kita):
    """Submitted answers for every other demo Kita (as an import would leave them).

    Written through the ORM on purpose: no recomputation is queued, so the one the
    browser submission triggers is the run the journey looks at.
    """
    from sozialraeume.models import Kita
    from surveys.demo import _need_level, synthetic_answers
    from surveys.models import Response, SurveyRound
    from surveys.validation import validate_answers

    survey_round = SurveyRound.objects.get(code=round_code)
    rng = random.Random(2027)  # noqa: S311 - test data
    rows = []
    kitas = Kita.objects.filter(sozialraum__jugendamt=survey_round.jugendamt)
    for kita in kitas.exclude(pk=except_kita.pk).select_related("sozialraum").order_by("pk"):
        answers = synthetic_answers(rng, _need_level(kita.sozialraum.name), kita.places or 60)
        cleaned, errors = validate_answers(answers, complete=True)
        assert not errors, errors
        rows.append(
            Response(
                round=survey_round,
                kita=kita,
                status=Response.Status.SUBMITTED,
                answers=cleaned,
                submitted_at=datetime.datetime(2027, 10, 20, 9, 0, tzinfo=datetime.UTC),
            )
        )
    Response.objects.bulk_create(rows)
    return survey_round


def shot(page, name: str) -> None:
    """A full-page screenshot in test-artifacts/ (kept by CI, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def visit(page, url: str, *, status: int = 200, name: str | None = None):
    """Open a page, check its status and run axe on it; optional screenshot."""
    response = page.goto(url)
    assert response is not None and response.status == status, (url, response and response.status)
    assert_accessible(page, context=url)
    if name:
        shot(page, name)
    return response


@contextmanager
def role_page(browser, live_server, username):
    """A logged-in page of its own browser context (one login per role)."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        if username:
            login(page, live_server, username)
            assert "/accounts/login/" not in page.url, f"Anmeldung als {username} fehlgeschlagen"
        yield page
    finally:
        context.close()


def fill_questionnaire(page, answers):
    """Fill every answer with ordinary (mouse-like) Playwright actions."""
    from surveys.instrument import ITEMS_BY_CODE

    for code, value in answers.items():
        kind = ITEMS_BY_CODE[code].kind
        if kind in ("int", "decimal", "text"):
            page.fill(f"[name={code}]", str(value).replace(".", ","))
        elif kind == "likert":
            page.check(f"input[name={code}][value='{value}']")
        elif kind == "choice":
            for key in value:
                page.check(f"input[name={code}][value={key}]")
        elif kind == "matrix":
            for partner, level in value.items():
                page.select_option(f"select[name={code}_{partner}]", level)
        elif kind == "confirm" and value:
            page.get_by_label(re.compile(r"F8\. Ich bestätige")).check()
