"""Browser steps of issue 15, part B: release time and the review of the distribution.

``play_release_and_review(browser, live_server)`` is self-contained given the demo
(``seed_demo``: ``teams.demo_review`` made the team of "kita-leitung"'s Sozialraum, at
least one of its meetings that is not cancelled, an open review due today, and an
approved plan of that Sozialraum). It

1. as "kita-leitung" asks for release for a special task (German hours "3,5", starting
   tomorrow);
2. as "jugendamt" approves it; the request shows "genehmigt";
3. as "kita-leitung" finds the hours in the yearly summary and downloads the XLSX;
4. as "jugendamt" holds the open review, tied to a team meeting, with findings and the
   team's recommendation;
5. as "jugendamt-leitung" decides "adjust": the plan page shows the plan back in draft
   with the review as the reason.

Screenshots: test-artifacts/team-b-*.png. Returns the plan's id.
"""

from __future__ import annotations

import datetime

from tests.e2e.helpers import role_page, shot, visit

TASK = "Befragung der Familien für das Sozialraum-Team (Browser)"


def play_release_and_review(browser, live_server) -> int:
    from playwright.sync_api import expect

    from teams.models import ReleaseRequest, Review

    base = live_server.url
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    with role_page(browser, live_server, "kita-leitung") as page:
        visit(page, f"{base}/sozialraum-teams/freistellungen/neu/")
        page.get_by_label("Aufgabe").fill(TASK)
        page.get_by_label("Stunden").fill("3,5")
        page.get_by_label("von").fill(tomorrow)
        page.get_by_label("bis").fill(tomorrow)
        shot(page, "team-b-release-request")
        page.get_by_role("button", name="Antrag stellen").click()
        page.wait_for_load_state()
        expect(page.get_by_test_id("release-state")).to_have_text("beantragt")
        release_url = page.url

    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, release_url)
        page.get_by_label("genehmigen").check()
        page.get_by_role("button", name="Entscheidung speichern").click()
        page.wait_for_load_state()
        expect(page.get_by_test_id("release-state")).to_have_text("genehmigt")
        shot(page, "team-b-release-approved")

    with role_page(browser, live_server, "kita-leitung") as page:
        visit(page, f"{base}/sozialraum-teams/freistellungen/jahresuebersicht/?jahr={tomorrow[:4]}")
        # the demo's approved task and this one, in German notation
        approved = sum(
            r.hours
            for r in ReleaseRequest.objects.filter(
                requested_by__username="kita-leitung",
                state="approved",
                period_start__year=int(tomorrow[:4]),
            )
        )
        expected = f"{approved:.2f}".replace(".", ",")
        expect(page.get_by_test_id("release-summary")).to_contain_text(expected)
        shot(page, "team-b-release-summary")
        with page.expect_download() as info:
            page.get_by_test_id("release-xlsx").click()
        assert info.value.suggested_filename.endswith(".xlsx")

    review = Review.objects.exclude(state="decided").get(
        sozialraum__kitas__leitungen__username="kita-leitung"
    )
    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, f"{base}/sozialraum-teams/ueberpruefungen/")
        shot(page, "team-b-review-list")
        visit(page, f"{base}/sozialraum-teams/ueberpruefungen/{review.pk}/")
        meeting = page.get_by_label("Team-Sitzung")
        meeting.select_option(index=1 if meeting.locator("option").count() > 1 else 0)
        page.get_by_label("Ergebnisse").fill("Der Bedarf an Sprachförderung ist gestiegen.")
        page.get_by_label("Empfehlung des Teams").fill("Mehr FS1-Stellen im Sozialraum.")
        page.get_by_role("button", name="Beratung speichern").click()
        page.wait_for_load_state()
        expect(page.get_by_test_id("review-state")).to_have_text("mit dem Team beraten")

    with role_page(browser, live_server, "jugendamt-leitung") as page:
        visit(page, f"{base}/sozialraum-teams/ueberpruefungen/{review.pk}/")
        page.get_by_label("Verteilung wird angepasst").check()
        page.get_by_label("Begründung").fill("Die Empfehlung des Teams wird umgesetzt.")
        shot(page, "team-b-review-decide")
        page.get_by_role("button", name="Entscheidung speichern").click()
        page.wait_for_load_state()
        assert "/verteilung/plan/" in page.url
        expect(page.locator("main")).to_contain_text("Überprüfung der Verteilung")
        expect(page.locator("main")).to_contain_text("Entwurf")
        shot(page, "team-b-plan-revised")
    review.refresh_from_db()
    return review.plan_id
