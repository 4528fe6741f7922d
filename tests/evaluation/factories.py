"""A Jugendamt with an evaluation instrument from the template and its people (issue 17)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from evaluation import services
from evaluation.models import EvaluationInstrument, Item
from sozialraeume import roles
from tests.factories import JugendamtFactory, make_user


@dataclass
class EvalWorld:
    jugendamt: object
    staff: object
    leitung: object
    verwaltung: object
    ausschuss: object
    instrument: EvaluationInstrument

    def wave(self, code):
        return self.instrument.waves.get(code=code)

    def items(self):
        return list(Item.objects.filter(block__instrument=self.instrument))


def make_eval_world() -> EvalWorld:
    ja = JugendamtFactory(name="Jugendamt Evalstadt", slug="evalstadt")
    staff = make_user(roles.JUGENDAMT, jugendamt=ja, username="eval-fachkraft")
    instrument = services.instrument_create(
        jugendamt=ja, respondent_type="core_team", acting_user=staff
    )
    return EvalWorld(
        jugendamt=ja,
        staff=staff,
        leitung=make_user(roles.JUGENDAMT_LEITUNG, jugendamt=ja, username="eval-leitung"),
        verwaltung=make_user(roles.ADMINISTRATION, jugendamt=ja, username="eval-verwaltung"),
        ausschuss=make_user(roles.AUSSCHUSS, jugendamt=ja, username="eval-ausschuss"),
        instrument=instrument,
    )


def open_now(world: EvalWorld, code="T0", *, weeks=4):
    """Move a planned wave to today .. in ``weeks`` and open it."""
    today = timezone.localdate()
    wave = services.wave_update(
        wave=world.wave(code),
        label="",
        opens_on=today,
        closes_on=today + datetime.timedelta(weeks=weeks),
        acting_user=world.staff,
    )
    return services.wave_open(wave=wave, acting_user=world.staff)


def invite(world: EvalWorld, wave, n: int, prefix="person") -> list[tuple[object, str]]:
    addresses = "\n".join(f"{prefix}{i}@example.invalid" for i in range(n))
    return services.invitations_create(
        wave=wave, addresses=addresses, acting_user=world.staff
    ).created


def likert_answers(world: EvalWorld, value: int = 3, **by_code) -> dict:
    """Valid answers to every required item: Likert ``value`` (or by code), first options."""
    answers = {}
    for item in world.items():
        if item.code in by_code:
            answers[item.pk] = by_code[item.code]
        elif item.kind in ("likert4", "likert5"):
            answers[item.pk] = value
        elif item.kind == "single":
            answers[item.pk] = 0
        elif item.kind == "multi":
            answers[item.pk] = [0]
    return answers
