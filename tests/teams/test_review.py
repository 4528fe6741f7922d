"""The review of the distribution with the team: due 30 months after the approval (or on
demand), held in a team meeting, decided by the Jugendamt; "adjust" takes the plan back
into draft with the review as its reason, "keep" moves the next due date."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from allocation.models import AllocationPlan, PlanState
from allocation.selectors import review_due_for
from audit.models import AuditEvent
from sozialraeume import roles
from teams.models import MeetingState, Review, ReviewState, ReviewTrigger
from teams.selectors_review import review_schedule
from teams.services import reviews as review_services
from teams.tasks import open_due_reviews
from tests.allocation.factories import make_world
from tests.factories import make_user
from tests.teams.factories_review import approved_plan, meeting, team_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = make_world()
    w.plan = approved_plan(w)
    w.team = team_for(w.north, contact=w.staff)
    w.meeting = meeting(w.team)
    return w


def _make_due(world):
    AllocationPlan.objects.filter(pk=world.plan.pk).update(
        review_due=timezone.localdate() - datetime.timedelta(days=1)
    )


def _held(world):
    review = review_services.review_open(
        sozialraum=world.north, reason="Neue Kita im Quartier", acting_user=world.staff
    )
    return review_services.review_hold(
        review=review,
        meeting=world.meeting,
        findings="Mehr Sprachförderbedarf in Kita B",
        recommendation="FS1 für Kita B erhöhen",
        acting_user=world.staff,
    )


def test_the_daily_task_opens_a_review_when_30_months_have_passed_and_only_once(world):
    assert open_due_reviews() == 0  # approved today: due in 30 months
    _make_due(world)
    assert open_due_reviews() == 1
    assert open_due_reviews() == 0  # safe to run twice
    review = Review.objects.get()
    assert review.trigger == ReviewTrigger.DUE and review.plan == world.plan
    row = next(r for r in review_schedule(jugendamt_id=world.jugendamt.pk) if r.open_review)
    assert row.overdue
    assert AuditEvent.objects.filter(action="review.open", actor=None).exists()


def test_a_review_on_demand_needs_a_reason_and_only_one_is_open_per_sozialraum(world):
    with pytest.raises(ValidationError, match="Anlass"):
        review_services.review_open(sozialraum=world.north, reason="", acting_user=world.staff)
    review_services.review_open(sozialraum=world.north, reason="Anlass", acting_user=world.staff)
    with pytest.raises(ValidationError, match="schon eine Überprüfung offen"):
        review_services.review_open(sozialraum=world.north, reason="noch", acting_user=world.staff)
    with pytest.raises(PermissionDenied):
        review_services.review_open(
            sozialraum=world.south, reason="x", acting_user=world.traeger_user
        )


def test_holding_ties_the_review_to_a_meeting_of_the_sozialraums_team(world):
    review = review_services.review_open(
        sozialraum=world.north, reason="Anlass", acting_user=world.staff
    )
    other = meeting(team_for(world.south))
    cancelled = meeting(world.team, state=MeetingState.CANCELLED)
    for wrong in (other, cancelled):
        with pytest.raises(ValidationError, match="Sitzung des Sozialraum-Teams"):
            review_services.review_hold(
                review=review,
                meeting=wrong,
                findings="f",
                recommendation="r",
                acting_user=world.staff,
            )
    review = review_services.review_hold(
        review=review,
        meeting=world.meeting,
        findings="f",
        recommendation="r",
        acting_user=world.staff,
    )
    assert review.state == ReviewState.HELD and review.meeting == world.meeting
    assert AuditEvent.objects.filter(action="review.hold").count() == 1


def test_keep_moves_the_next_due_date_30_months_on(world):
    review = _held(world)
    review_services.review_decide(review=review, outcome="keep", reason="", acting_user=world.staff)
    row = review_schedule(jugendamt_id=world.jugendamt.pk)[0]
    assert row.last_review.outcome == "keep" and row.open_review is None
    assert row.next_due == review_due_for(timezone.localdate())
    world.plan.refresh_from_db()
    assert world.plan.state == PlanState.APPROVED


def test_only_the_leitung_adjusts_and_the_plan_is_back_in_draft_with_the_review_as_reason(world):
    review = _held(world)
    with pytest.raises(PermissionDenied, match="Jugendamt-Leitung"):
        review_services.review_decide(
            review=review, outcome="adjust", reason="mehr FS1", acting_user=world.staff
        )
    with pytest.raises(ValidationError, match="begründen"):
        review_services.review_decide(
            review=review, outcome="adjust", reason="", acting_user=world.leitung
        )
    review_services.review_decide(
        review=review, outcome="adjust", reason="mehr FS1", acting_user=world.leitung
    )
    world.plan.refresh_from_db()
    assert world.plan.state == PlanState.DRAFT
    assert world.plan.approval_revoked_reason.startswith("Überprüfung der Verteilung")
    assert "FS1 für Kita B erhöhen" in world.plan.approval_revoked_reason
    assert AuditEvent.objects.filter(action="plan.revoke").exists()
    assert AuditEvent.objects.get(action="review.decide").new["outcome"] == "adjust"


def test_an_open_review_cannot_be_decided_before_the_team_met(world):
    review = review_services.review_open(
        sozialraum=world.north, reason="A", acting_user=world.staff
    )
    with pytest.raises(PermissionDenied):
        review_services.review_decide(
            review=review, outcome="keep", reason="", acting_user=world.staff
        )


def test_the_pages_hold_and_decide_and_the_plan_page_shows_the_reason(client, world):
    review = review_services.review_open(
        sozialraum=world.north, reason="A", acting_user=world.staff
    )
    client.force_login(world.staff)
    response = client.post(
        reverse("teams:review_hold", args=[review.pk]),
        {"meeting": world.meeting.pk, "findings": "Befund", "recommendation": "Anpassen"},
    )
    assert response.status_code == 302
    page = client.get(reverse("teams:review_detail", args=[review.pk])).content.decode()
    assert "Befund" in page and "Anpassen (der Plan geht zurück" in page  # no adjust for her
    client.force_login(world.leitung)
    response = client.post(
        reverse("teams:review_decide", args=[review.pk]), {"outcome": "adjust", "reason": "Ja"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("allocation:plan_detail", args=[world.plan.pk])
    plan_page = client.get(response["Location"]).content.decode()
    assert "Überprüfung der Verteilung" in plan_page


def test_review_pages_are_for_the_jugendamts_staff_only(client, world):
    review = review_services.review_open(
        sozialraum=world.north, reason="A", acting_user=world.staff
    )
    url = reverse("teams:review_detail", args=[review.pk])
    client.force_login(world.traeger_user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("teams:review_list")).status_code == 403
    client.force_login(make_user(roles.JUGENDAMT, username="fremd-ja"))
    assert client.get(url).status_code == 404
