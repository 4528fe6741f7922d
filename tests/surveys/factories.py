"""Factories for survey rounds and responses."""

import datetime

import factory

from surveys.models import Instrument, Response, SurveyRound
from tests.factories import JugendamtFactory, KitaFactory


def srb_2021():
    """The instrument row created by the data migration."""
    return Instrument.objects.get(code="SRB-2021")


class SurveyRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyRound

    jugendamt = factory.SubFactory(JugendamtFactory)
    code = factory.Sequence(lambda n: f"{2030 + n}")
    instrument = factory.LazyFunction(srb_2021)
    stichtag = datetime.date(2027, 10, 1)
    state = SurveyRound.State.OFFEN


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    round = factory.SubFactory(SurveyRoundFactory)
    kita = factory.SubFactory(
        KitaFactory, sozialraum__jugendamt=factory.SelfAttribute("...round.jugendamt")
    )
    status = Response.Status.SUBMITTED
    answers = factory.LazyFunction(lambda: stored_answers())


def valid_answers(**overrides):
    """A complete, valid set of answers (as stored: ints, str decimals, lists, dicts)."""
    answers = {
        "A1": 80,
        "A2": 70,
        "A3": 20,
        "A4": "12.5",
        "A5": 30,
        "A6": 10,
        "B1": 15,
        "B2": 20,
        "B3a": 3,
        "B3b": 2,
        "B3c": 3,
        "B3d": 1,
        "B3e": 2,
        "B3f": 2,
        "C1a": 3,
        "C1b": 2,
        "C1c": 4,
        "C1d": 2,
        "C2a": 3,
        "C2b": 3,
        "C2c": 2,
        "C3a": 2,
        "C3b": 3,
        "C3c": 2,
        "C4": 8,
        "D1": 25,
        "D2": 7,
        "D3": 12,
        "D4": 4,
        "D5": 3,
        "E1": 3,
        "E2": 10,
        "E3a": 3,
        "E3b": 2,
        "E3c": 3,
        "E3d": 2,
        "E4": 3,
        "F1": "Stadtteilbibliothek",
        "F2": "",
        "F3": ["FS1", "FS3"],
        "F4": {"grundschule": "eng", "jugendamt": "selten"},
        "F5": 3,
        "F6": "",
        "F7": "Frau Beispiel, 0671 000",
        "F8": True,
    }
    answers.update(overrides)
    return answers


def stored_answers(**overrides):
    """``valid_answers`` as the services store them (empty items left out)."""
    from surveys.validation import validate_answers

    cleaned, errors = validate_answers(valid_answers(**overrides), complete=False)
    assert not errors, errors
    return cleaned
