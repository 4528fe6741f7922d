"""Step 1 and eligibility read the published result of the budget year's round (issue 12,
finding 1): never a provisional result of an open round."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from allocation import eligibility as elig
from allocation.models import BudgetYear, SozialraumShare
from allocation.services import budget_years as budget_year_services
from indices import selectors
from surveys import services as survey_services
from surveys.models import SurveyRound
from tests.surveys.factories import valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo, role_users, django_capture_on_commit_callbacks):
    leader = role_users["kita-leitung"]
    round_2027 = SurveyRound.objects.get(jugendamt=demo, code="2027")
    with django_capture_on_commit_callbacks(execute=True):
        survey_services.response_submit(
            survey_round=round_2027,
            kita=leader.kitas.get(),
            answers=valid_answers(),
            version=0,
            acting_user=leader,
        )
    assert selectors.current_run(round_id=round_2027.pk) is not None  # the provisional one
    year = BudgetYear.objects.get(jugendamt=demo, year=2027)
    return {
        "jugendamt": demo,
        "round_2020": SurveyRound.objects.get(jugendamt=demo, code="2020"),
        "round_2027": round_2027,
        "year": year,
        "staff": role_users["jugendamt"],
    }


def _link(year, survey_round):
    # the budget year's round as staff would choose it on the budget-year form
    BudgetYear.objects.filter(pk=year.pk).update(round=survey_round)
    year.refresh_from_db()
    return year


def _shares(year):
    return list(
        SozialraumShare.objects.filter(budget_year=year)
        .order_by("sozialraum_id")
        .values_list("sozialraum_id", "percent", "state_amount", "index_run_id")
    )


def test_step_1_refuses_shares_from_a_round_that_is_not_closed(world):
    year = _link(world["year"], world["round_2027"])
    before = _shares(year)
    with pytest.raises(ValidationError) as refused:
        budget_year_services.budget_year_apply_shares(budget_year=year, acting_user=world["staff"])
    message = " ".join(refused.value.messages)
    assert "Erhebung 2027" in message and "noch nicht geschlossen" in message
    assert _shares(year) == before, "nothing changed"


def test_step_1_page_shows_the_refusal_in_german_and_keeps_the_shares(client, world):
    year = _link(world["year"], world["round_2027"])
    before = _shares(year)
    client.force_login(world["staff"])
    response = client.post(reverse("allocation:budget_year_shares", args=[year.pk]), follow=True)
    text = response.content.decode()
    assert "Die Anteile können nicht aus Erhebung 2027 übernommen werden" in text
    assert "noch nicht geschlossen" in text
    assert _shares(year) == before


def test_step_1_takes_the_published_run_of_a_closed_round(world):
    year = _link(world["year"], world["round_2020"])
    shares = budget_year_services.budget_year_apply_shares(
        budget_year=year, acting_user=world["staff"]
    )
    published = selectors.published_run(jugendamt_id=world["jugendamt"].pk)
    assert published.round == world["round_2020"]
    assert {s.index_run_id for s in shares} == {published.pk}


def test_eligibility_never_reads_a_provisional_result(world):
    year = _link(world["year"], world["round_2027"])
    assert elig.index_context(year).run is None
    year = _link(world["year"], world["round_2020"])
    assert elig.index_context(year).run == selectors.round_published_run(
        round_id=world["round_2020"].pk
    )
