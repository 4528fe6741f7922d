"""Browser step of issue 15, part D: a Kita leader in the consultation, the Jugendamt's
answer, and an FS3 exception accepted by the Leitung.

``play_consultation(browser, live_server)`` — preconditions: the demo is seeded
(``seed_demo``; ``allocation.demo_consultation`` puts the plan of ``CONSULTATION_YEAR``
(2025) of the Sozialraum of "kita-leitung" into consultation and gives a plan of that year
an FS3 line whose justified
exception waits for acceptance, entered by "jugendamt"), and the demo users
"kita-leitung", "jugendamt" and "jugendamt-leitung" (password "demo") exist. Steps:

1. "kita-leitung" opens the own Kita's lines of the plan in consultation from the start
   page (only that Kita's lines are on the page) and comments on one of them;
2. "jugendamt" answers the comment on the plan page;
3. "kita-leitung" sees the answer under the comment on the Kita's page;
4. "jugendamt-leitung" accepts the FS3 exception on its plan page; the line is eligible.

Returns {"plan": pk, "kita": pk, "comment": pk, "answer": pk, "fs3_line": pk}.
Screenshots: test-artifacts/team-d-*.png.
"""

from __future__ import annotations

import re

from tests.e2e.helpers import role_page, shot, visit

COMMENT = "Unsere FS1-Stelle: Wir können sie erst zum 1. April besetzen."
ANSWER = "Danke, wir planen die Stelle ab April; die VZÄ bleiben."


def play_consultation(browser, live_server) -> dict:
    from allocation.demo_consultation import CONSULTATION_YEAR
    from allocation.models import AllocationLine, AllocationPlan, PlanComment
    from sozialraeume.models import User

    leader = User.objects.get(username="kita-leitung")
    kita = leader.kitas.get()
    plan = AllocationPlan.objects.get(
        sozialraum=kita.sozialraum, state="consultation", budget_year__year=CONSULTATION_YEAR
    )
    fs3_line = AllocationLine.objects.filter(
        plan__budget_year__year=CONSULTATION_YEAR,
        strand="FS3",
        exception_accepted_at__isnull=True,
    ).get()
    other_kitas = list(plan.lines.exclude(kita=kita).values_list("kita__name", flat=True))
    kita_url = f"{live_server.url}/verteilung/plan/{plan.pk}/kita/{kita.pk}/"

    # 1. the Kita leader reads the own Kita's lines and comments on one of them
    with role_page(browser, live_server, "kita-leitung") as page:
        visit(page, f"{live_server.url}/berichte/kita/")
        page.get_by_role("link", name=re.compile(r"Zeilen unserer Kita lesen")).first.click()
        page.wait_for_url(kita_url)
        visit(page, kita_url, name="team-d-kita-lines")
        table = page.get_by_test_id("kita-lines").inner_text()
        assert "FS1" in table
        body = page.locator("main").inner_text() if page.locator("main").count() else ""
        body = body or page.inner_text("body")
        for name in other_kitas:
            assert name not in body, f"another Kita on the Kita leader's page: {name}"
        own_line = plan.lines.filter(kita=kita).order_by("strand", "pk").first()
        page.get_by_label("zu Zeile (optional)").select_option(str(own_line.pk))
        page.get_by_label("Kommentar").fill(COMMENT)
        page.get_by_role("button", name="Kommentieren").click()
        page.wait_for_url(re.compile(r"#kommentare$"))
        assert COMMENT in page.get_by_test_id("comment").last.inner_text()
    comment = PlanComment.objects.get(plan=plan, author=leader, text=COMMENT)

    # 2. the Jugendamt answers it on the plan page
    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, f"{live_server.url}/verteilung/plan/{plan.pk}/")
        block = page.locator(f"#kommentar-{comment.pk}")
        block.locator("summary").click()
        block.get_by_label("Antwort").fill(ANSWER)
        block.get_by_role("button", name="Antwort senden").click()
        page.wait_for_url(re.compile(rf"#kommentar-{comment.pk}$"))
        assert ANSWER in page.locator(f"#kommentar-{comment.pk}").inner_text()
        shot(page, "team-d-answer")
    answer = PlanComment.objects.get(reply_to=comment)

    # 3. the Kita leader sees the answer under the comment
    with role_page(browser, live_server, "kita-leitung") as page:
        visit(page, kita_url + "#kommentare", name="team-d-kita-answer")
        comments = page.get_by_test_id("comment")
        mine = comments.filter(has_text=COMMENT)
        assert ANSWER in mine.get_by_test_id("answer").inner_text()

    # 4. the Leitung accepts the FS3 exception; the line counts as eligible
    with role_page(browser, live_server, "jugendamt-leitung") as page:
        url = f"{live_server.url}/verteilung/plan/{fs3_line.plan_id}/"
        visit(page, url)
        row = page.locator(f'tr[data-testid="line"][data-line="{fs3_line.pk}"]')
        assert "Ausnahme noch nicht anerkannt" in row.inner_text()
        row.get_by_role("button", name="Ausnahme anerkennen").click()
        page.wait_for_load_state()
        row = page.locator(f'tr[data-testid="line"][data-line="{fs3_line.pk}"]')
        text = row.inner_text()
        assert "Ausnahme anerkannt am" in text and "noch nicht" not in text
        assert "text-bg-success" in (row.get_by_test_id("eligibility").get_attribute("class"))
        row.scroll_into_view_if_needed()
        shot(page, "team-d-fs3-accepted")
    fs3_line.refresh_from_db()
    assert fs3_line.exception_accepted_by.username == "jugendamt-leitung"
    return {
        "plan": plan.pk,
        "kita": kita.pk,
        "comment": comment.pk,
        "answer": answer.pk,
        "fs3_line": fs3_line.pk,
    }
