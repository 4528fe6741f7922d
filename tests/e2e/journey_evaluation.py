"""Browser step of issue 17 (E1): the evaluation survey from the staff's wave page to a
respondent's personal link and back to the progress.

``play_evaluation(browser, live_server)`` is a plain function (no test) so a longer
journey can chain it.

Preconditions (the demo, ``seed_demo()``): the user ``jugendamt`` of the demo Jugendamt
and its core-team instrument (``evaluation.demo``): T0 and T1 closed with answers, T2 open.
The personal link is made through the service inside the function (its raw token exists
only in the mail and the service's return value). The step:

1. as ``jugendamt``: opens /evaluation/, the instrument, its open wave T2 and reads the
   progress; the results of T0 show charts (at least 5 answers);
2. without an account: opens the personal link, answers every item with ordinary
   clicks and typing, sends, sees the thank-you page; the link is used up (410);
3. as ``jugendamt``: the wave's progress counts one more answer.

Returns (the wave, answered before, answered after). Screenshots: test-artifacts/eval-*.png.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import role_page, shot, visit


def play_evaluation(browser, live_server):
    from evaluation import services
    from evaluation.models import EvaluationInstrument, Item
    from sozialraeume.models import User

    instrument = EvaluationInstrument.objects.get(jugendamt__slug="bad-kreuznach", code="EVAL-KT")
    wave = instrument.waves.get(code="T2")
    t0 = instrument.waves.get(code="T0")

    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, f"{live_server.url}/evaluation/", name="eval-list")
        page.get_by_role("link", name=str(instrument)).first.click()
        page.wait_for_load_state()
        assert_accessible(page, context="instrument")
        expect(page.get_by_test_id("frozen")).to_be_visible()
        shot(page, "eval-instrument")
        visit(page, f"{live_server.url}/evaluation/welle/{wave.pk}/", name="eval-wave")
        before = int(page.get_by_test_id("answered").inner_text().split()[0])
        visit(page, f"{live_server.url}/evaluation/welle/{t0.pk}/ergebnisse/", name="eval-results")
        expect(page.locator("svg[role=img]").first).to_be_visible()

    staff = User.objects.get(username="jugendamt")
    result = services.invitations_create(
        wave=wave, addresses="Browser Probe <browser.probe@example.invalid>", acting_user=staff
    )
    ((_invitation, token),) = result.created
    link = f"{live_server.url}/evaluation/antwort/{token}/"

    with role_page(browser, live_server, None) as page:
        visit(page, link, name="eval-answer-form")
        for item in Item.objects.filter(block__instrument=instrument):
            name = f"item_{item.pk}"
            if item.kind in ("likert4", "likert5"):
                page.check(f"input[name={name}][value='3']")
            elif item.kind == "single":
                page.check(f"input[name={name}][value='1']")
            elif item.kind == "multi":
                page.check(f"input[name={name}][value='0']")
            elif item.kind == "number":
                page.fill(f"[name={name}]", "7,5")
            else:
                page.fill(f"[name={name}]", "Mehr Austausch zwischen den Kitas.")
        page.get_by_role("button", name="Antworten absenden").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Danke für Ihre Antworten!")).to_be_visible()
        assert_accessible(page, context="thank-you page")
        shot(page, "eval-thanks")
        visit(page, link, status=410, name="eval-link-used")

    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, f"{live_server.url}/evaluation/welle/{wave.pk}/", name="eval-progress")
        after = int(page.get_by_test_id("answered").inner_text().split()[0])
    assert after == before + 1, (before, after)
    return wave, before, after
