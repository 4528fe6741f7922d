"""The demo rounds: 2020 closed with plausible answers, 2027 open and empty."""

import pytest

from sozialraeume.master_data import BAD_KREUZNACH_SOZIALRAEUME
from surveys import demo as surveys_demo
from surveys.models import Response, SurveyRound
from surveys.selectors import answers_frame
from surveys.validation import validate_answers


def test_demo_has_a_closed_2020_round_with_valid_answers_for_every_kita(demo):
    baseline = SurveyRound.objects.get(jugendamt=demo, code="2020")
    assert baseline.state == "geschlossen"
    responses = list(baseline.responses.all())
    assert len(responses) == 32
    for response in responses:
        assert response.status == Response.Status.SUBMITTED
        assert validate_answers(response.answers, complete=True)[1] == {}
    current = SurveyRound.objects.get(jugendamt=demo, code="2027")
    assert current.state == "offen" and not current.responses.exists()


def test_demo_need_follows_the_order_of_the_concept_paper(demo):
    frame = answers_frame(round_id=SurveyRound.objects.get(code="2020").pk)
    frame["need"] = (
        frame["B1"] / frame["A2"] + frame["B2"] / frame["A1"] + frame["D1"] / frame["A1"]
    )
    by_sozialraum = frame.groupby("sozialraum")["need"].mean()
    order = [name for name, _d in BAD_KREUZNACH_SOZIALRAEUME]
    assert by_sozialraum.idxmax() == "Pariser Viertel"
    assert by_sozialraum.idxmin() == "Innenstadt"
    ranks = by_sozialraum.loc[order].rank(ascending=False)
    # Roughly in order: no Sozialraum more than two places off.
    assert all(abs(ranks.iloc[i] - (i + 1)) <= 2 for i in range(len(order)))


def test_demo_seed_is_idempotent_and_deterministic(demo):
    before = {r.kita_id: r.answers for r in Response.objects.filter(round__code="2020")}
    surveys_demo.seed()
    after = {r.kita_id: r.answers for r in Response.objects.filter(round__code="2020")}
    assert after == before
    assert SurveyRound.objects.filter(jugendamt=demo).count() == 2


@pytest.mark.django_db
def test_synthetic_answers_are_reproducible():
    import random

    first = surveys_demo.synthetic_answers(random.Random(1), 0.5, 80)
    assert surveys_demo.synthetic_answers(random.Random(1), 0.5, 80) == first
