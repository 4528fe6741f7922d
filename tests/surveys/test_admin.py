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
