"""Factories for the indices tests: rounds with varied answers, and stored runs."""

import random

import factory
from django.utils import timezone

from indices.models import IndexRun
from surveys.instrument import CODE, LIKERT_CODES
from surveys.models import Instrument, Response
from tests.factories import KitaFactory, SozialraumFactory
from tests.surveys.factories import SurveyRoundFactory, valid_answers


def varied_answers(rng: random.Random, **overrides) -> dict:
    """Valid answers with spread, so that every variable has a min and a max."""
    a1 = rng.randint(40, 150)
    a2 = rng.randint(30, a1)
    likert = {code: rng.randint(1, 4) for code in LIKERT_CODES if code != "F5"}
    answers = valid_answers(
        A1=a1,
        A2=a2,
        A3=rng.randint(0, a1 // 3),
        B1=rng.randint(0, a2),
        B2=rng.randint(0, a1),
        C4=rng.randint(0, a1 // 4),
        D1=rng.randint(0, a1),
        D2=rng.randint(1, 20),
        D3=rng.randint(0, a1 // 2),
        D4=rng.randint(0, a1 // 5),
        E2=rng.randint(0, a1),
        **likert,
    )
    answers.update(overrides)
    return answers


def instrument():
    """The SRB-2021 row; recreated where a transactional test flushed the data migration."""
    return Instrument.objects.get_or_create(
        code=CODE, defaults={"name": "Sozialraumbudget-Fragebogen 2021"}
    )[0]


def round_with_answers(*, kitas=8, sozialraeume=3, jugendamt=None, seed=1, **round_kwargs):
    """A survey round with ``kitas`` submitted questionnaires spread over Sozialräume."""
    rng = random.Random(seed)
    round_kwargs.setdefault("instrument", instrument())
    survey_round = SurveyRoundFactory(
        **({"jugendamt": jugendamt} if jugendamt else {}), **round_kwargs
    )
    rooms = [
        SozialraumFactory(jugendamt=survey_round.jugendamt, position=i) for i in range(sozialraeume)
    ]
    for i in range(kitas):
        kita = KitaFactory(sozialraum=rooms[i % sozialraeume])
        Response.objects.create(
            round=survey_round,
            kita=kita,
            status=Response.Status.SUBMITTED,
            answers=varied_answers(rng),
            submitted_at=timezone.now(),
        )
    return survey_round


class IndexRunFactory(factory.django.DjangoModelFactory):
    """A bare run row (no values): for status displays and stale-run tests."""

    class Meta:
        model = IndexRun

    round = factory.SubFactory(SurveyRoundFactory)
    status = IndexRun.Status.RUNNING
    method_version = "test"
    instrument_code = "SRB-2021"
    input_checksum = factory.Sequence(lambda n: f"{n:064d}")
