"""The demo's fuller F4 for round 2020: fills only what a questionnaire left empty, twice
the same, and gives the network analysis "nie" answers and differing Sozialräume."""

import datetime

import pytest

from network import demo, selectors
from sozialraeume.master_data import BAD_KREUZNACH, BAD_KREUZNACH_SOZIALRAEUME
from sozialraeume.models import Jugendamt, Sozialraum
from surveys.models import Response, SurveyRound
from tests.factories import KitaFactory
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db


def test_demo_fills_in_missing_partners_only_and_twice_the_same():
    ja = Jugendamt.objects.get(slug=BAD_KREUZNACH["slug"])  # from the data migration
    survey_round = SurveyRoundFactory(
        jugendamt=ja,
        code="2020",
        stichtag=datetime.date(2020, 10, 1),
        state=SurveyRound.State.GESCHLOSSEN,
    )
    first, last = BAD_KREUZNACH_SOZIALRAEUME[0][0], BAD_KREUZNACH_SOZIALRAEUME[-1][0]
    for name in (first, last):
        sozialraum = Sozialraum.objects.get(jugendamt=ja, name=name)
        for _i in range(6):
            ResponseFactory(
                round=survey_round,
                kita=KitaFactory(sozialraum=sozialraum),
                answers={"F4": {"grundschule": "eng"}, "F5": 3},
            )
    assert demo.seed() == 12
    after_first = {r.pk: r.answers for r in Response.objects.all()}
    assert demo.seed() == 0
    assert {r.pk: r.answers for r in Response.objects.all()} == after_first
    assert all(a["F4"]["grundschule"] == "eng" for a in after_first.values())
    assert any("nie" in a["F4"].values() for a in after_first.values())
    view = selectors.round_view(survey_round=survey_round, committee=False)
    last_row = next(r for r in view.rows if r.sozialraum.name == last)
    assert "migrationsdienst" in last_row.network.unreached
    assert any(k.share_nie for k in last_row.network.kitas)
