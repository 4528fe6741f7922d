"""Issue 15 in Chromium: a year in one Sozialraum (Pariser Viertel, the demo Kita leader's).

The demo is seeded without its teams (``teams.demo``, ``teams.demo_review``), so the
year begins with no team. Then, each step in the browser with axe-core on every page:

1. the Jugendamt sets up the team, invites to the first meeting (the mail carries an
   .ics that ``icalendar`` parses back), records attendance, minutes, a task and a
   correction (``journey_team``);
2. time passes: 30 months after the 2026 plan's approval the daily task opens the review
   as due (``reviews_open_due`` with that day as "today"); the Kita leader asks for
   release for a special task, the Jugendamt approves it, the hours are in the yearly
   summary and its XLSX; the review is held with the team's meeting, and the Leitung
   decides "adjust": the plan is back in draft with the review as its reason
   (``journey_review``);
3. the Träger asks for FS4 staff, the Jugendamt accepts, an FS4 line links to the request
   (``journey_fs4``);
4. the Kita leader comments on a line of the own Kita in the consultation, the Jugendamt
   answers, the Leitung accepts an FS3 exception (``journey_consultation``).

5. the committee report lists the Sozialraum's last review, next due date, meetings and
   team size without a Kita or person name; the Jugendamt's dashboard is photographed.

This is the only browser test of the four journeys, so the demo is seeded once for all
of them; the issue-16 journeys (positions, actual costs, execution) are chained the same
way in ``test_budget_execution_year.py``.

Screenshots: test-artifacts/team-{a,b,c,d,e}-*.png.
"""

import datetime
from decimal import Decimal
from importlib import import_module

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.conftest import ARTIFACTS
from tests.e2e.helpers import role_page, visit
from tests.e2e.journey_consultation import play_consultation
from tests.e2e.journey_fs4 import play_fs4_request
from tests.e2e.journey_review import play_release_and_review
from tests.e2e.journey_team import play_team_setup

SOZIALRAUM = "Pariser Viertel"


def _seed_demo_without_teams():
    from sozialraeume.management.commands.seed_demo import DEMO_MODULES

    for name in DEMO_MODULES:
        if name.startswith("teams."):
            continue
        with transaction.atomic():
            import_module(name).seed()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_year_in_one_sozialraum(browser, live_server, settings):
    from allocation.models import AllocationLine, AllocationPlan, PlanComment, PlanState
    from foerderung.models import Fs4Request
    from sozialraeume.models import Sozialraum, User
    from teams.models import Meeting, ReleaseRequest, Review, Team
    from teams.services.reviews import reviews_open_due

    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    settings.POST_OFFICE = {
        **getattr(settings, "POST_OFFICE", {}),
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    cache.clear()
    _seed_demo_without_teams()
    sozialraum = Sozialraum.objects.get(name=SOZIALRAUM)
    leader = User.objects.get(username="kita-leitung")
    assert leader.kitas.get().sozialraum == sozialraum
    assert not Team.objects.exists() and not Review.objects.exists()

    # 1. The team is set up and holds its first meeting.
    ids = play_team_setup(
        browser, live_server, sozialraum_name=SOZIALRAUM, member=leader.display_name
    )
    team = Team.objects.get(pk=ids["team"])
    assert team.sozialraum == sozialraum
    meeting = Meeting.objects.get(pk=ids["meeting"])
    assert meeting.state == "held" and meeting.corrections.count() == 1
    # the Kita leader attended: released for the meeting's 2,5 hours
    leader_attendance = meeting.attendance.get(member__user=leader)
    assert (leader_attendance.present, leader_attendance.hours) == (True, Decimal("2.50"))

    # 2. Thirty months after the decision the review comes due by itself.
    plan = AllocationPlan.objects.get(
        sozialraum=sozialraum, budget_year__year=2026, state=PlanState.APPROVED
    )
    assert plan.review_due is not None
    assert reviews_open_due(today=plan.review_due - datetime.timedelta(days=1)) == []
    opened = reviews_open_due(today=plan.review_due)  # the demo decided all of 2026 at once
    (review,) = [r for r in opened if r.sozialraum_id == sozialraum.pk]
    assert (review.sozialraum, review.trigger) == (sozialraum, "due")
    assert review.due_on == plan.review_due
    assert reviews_open_due(today=plan.review_due) == []  # the daily task may run twice

    plan_id = play_release_and_review(browser, live_server)
    assert plan_id == plan.pk
    plan.refresh_from_db()
    review.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert plan.approval_revoked_reason.startswith("Überprüfung der Verteilung")
    assert (review.state, review.outcome, review.meeting_id) == ("decided", "adjust", meeting.pk)
    assert ReleaseRequest.objects.filter(team=team, state="approved").count() == 1

    # 3. FS4: requested by the Träger, accepted, planned.
    request, line = play_fs4_request(browser, live_server)
    request.refresh_from_db()
    assert (request.state, request.kita, request.requested_by.username) == (
        "accepted",
        leader.kitas.get(),
        "traeger",
    )
    assert request.is_accepted and request.decided_by.username == "jugendamt"
    assert request.attachments.count() == 1  # the Träger's PDF
    assert line.strand == "FS4"
    assert AllocationLine.objects.get(pk=line.pk).fs4_request_id == request.pk
    assert Fs4Request.objects.filter(pk=request.pk, lines__strand="FS4").exists()

    # 4. The consultation: a Kita leader's comment on a line, answered; an FS3 exception.
    consultation = play_consultation(browser, live_server)
    comment = PlanComment.objects.filter(author=leader, line__isnull=False).get()
    assert comment.pk == consultation["comment"]
    assert comment.line.kita == leader.kitas.get()
    assert PlanComment.objects.get(pk=consultation["answer"]).reply_to_id == comment.pk
    fs3_line = AllocationLine.objects.get(pk=consultation["fs3_line"])
    assert fs3_line.strand == "FS3" and fs3_line.exception_accepted_at is not None
    assert fs3_line.exception_accepted_by.username == "jugendamt-leitung"

    # 5. What the committee and the dashboard now say about the Sozialraum: counts only.
    from sozialraeume.models import Kita

    kita_names = list(Kita.objects.values_list("name", flat=True))
    with role_page(browser, live_server, "ausschuss") as page:
        visit(page, f"{live_server.url}/berichte/ausschuss/2026/", name="team-e-committee")
        page.locator("#teams-heading").scroll_into_view_if_needed()
        page.locator("#teams-table").screenshot(path=str(ARTIFACTS / "team-e-committee-teams.png"))
        row = page.locator("#teams-table tr", has_text=SOZIALRAUM)
        text = row.inner_text()
        # the review decided today, the team of 2 members, the meeting held this year
        assert datetime.date.today().strftime("%d.%m.%Y") in text, text
        assert "angepasst" in text, text
        assert f"{datetime.date.today().year}: 1" in text, text  # meetings held this year
        body = page.inner_text("main")
        assert not [name for name in kita_names if name in body]
        assert "Olga Quartier" not in body and "Jana Fachkraft" not in body
    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, f"{live_server.url}/berichte/start/", name="team-e-dashboard")
