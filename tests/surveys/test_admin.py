from django.urls import reverse

from surveys.models import SurveyRound


def test_admin_lists_rounds_and_responses_of_the_own_jugendamt(client, role_users):
    client.force_login(role_users["admin"])
    rounds = client.get(reverse("admin:surveys_surveyround_changelist")).content.decode()
    assert "2020" in rounds and "2027" in rounds
    responses = client.get(reverse("admin:surveys_response_changelist"))
    assert responses.status_code == 200
    change = client.get(
        reverse("admin:surveys_surveyround_change", args=[SurveyRound.objects.get(code="2027").pk])
    )
    assert change.status_code == 200


def test_changed_round_dates_are_audited_with_old_and_new(client, db):
    """Issue 13, finding 5: the round's dates changed in the admin are an audit event."""
    import datetime

    from audit.models import AuditEvent
    from sozialraeume import roles
    from tests.factories import make_user
    from tests.surveys.factories import SurveyRoundFactory

    survey_round = SurveyRoundFactory(code="2031", stichtag=datetime.date(2031, 10, 1))
    staff = make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt)
    client.force_login(staff)
    response = client.post(
        reverse("admin:surveys_surveyround_change", args=[survey_round.pk]),
        {"stichtag": "15.10.2031", "opens_on": "", "closes_on": "30.11.2031"},
    )
    assert response.status_code == 302
    survey_round.refresh_from_db()
    assert survey_round.stichtag == datetime.date(2031, 10, 15)
    event = AuditEvent.objects.get(action="round.dates_change")
    assert event.actor == staff and event.jugendamt_id == survey_round.jugendamt_id
    assert event.old == {"stichtag": "2031-10-01", "closes_on": None}
    assert event.new == {"stichtag": "2031-10-15", "closes_on": "2031-11-30"}
