"""Demo data of evaluation (issue 17): the core team's instrument from the template, its
waves T0 and T1 answered by invented respondents and closed, T2 open with a few
invitations. Everything goes through the services (the answers through the same
``answers_submit`` as the form), on the concept's dates for T0 and T1. Idempotent: a
Jugendamt that has the instrument is left alone. Addresses end in @example.invalid.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from evaluation import services
from evaluation.models import LIKERT_KINDS, EvaluationInstrument, Item, ItemKind

DEMO_SLUG = "bad-kreuznach"
PEOPLE = (
    "Anna Demo",
    "Bernd Beispiel",
    "Carla Muster",
    "David Probe",
    "Elif Testfall",
    "Frank Fiktiv",
    "Greta Erfunden",
)
TEXTS = (
    "Mehr Zeit für die Abstimmung im Sozialraumteam.",
    "Die Verteilung sollte früher im Jahr feststehen.",
    "Die Sozialraumanalyse öfter in den Teams besprechen.",
    "Weniger Formulare bei der Nachweisführung.",
)


def _address(name: str, wave_code: str) -> str:
    local = name.lower().replace(" ", ".")
    return f"{name} <{local}.{wave_code.lower()}@example.invalid>"


def _answers(rng: random.Random, items: list[Item], lift: int) -> dict:
    """Invented answers; ``lift`` shifts the Likert points up (T1 a little better)."""
    result = {}
    for item in items:
        if item.kind in LIKERT_KINDS:
            top = len(item.scale)
            result[item.pk] = max(1, min(top, rng.randint(2, top - 1) + rng.choice((0, lift))))
        elif item.kind == ItemKind.SINGLE:
            result[item.pk] = rng.randrange(len(item.scale))
        elif item.kind == ItemKind.MULTI:
            result[item.pk] = sorted(rng.sample(range(len(item.scale)), rng.randint(1, 2)))
        elif item.kind == ItemKind.NUMBER:
            result[item.pk] = Decimal(rng.randint(2, 12))
        elif rng.random() < 0.5:
            result[item.pk] = rng.choice(TEXTS)
    return result


def _play_wave(wave, staff, items, rng, *, answering: int, lift: int) -> None:
    opened = wave.opens_on
    services.wave_open(wave=wave, acting_user=staff, today=opened)
    result = services.invitations_create(
        wave=wave,
        addresses="\n".join(_address(name, wave.code) for name in PEOPLE),
        acting_user=staff,
        today=opened,
    )
    for i, (_invitation, token) in enumerate(result.created[:answering]):
        day = opened + datetime.timedelta(days=3 + 5 * i)
        services.answers_submit(token=token, answers=_answers(rng, items, lift), today=day)
    services.wave_close(wave=wave, acting_user=staff)


def seed(stdout=None):
    from sozialraeume.models import Jugendamt, User

    jugendamt = Jugendamt.objects.filter(slug=DEMO_SLUG).first()
    staff = User.objects.filter(username="jugendamt").first()
    if jugendamt is None or staff is None:
        return 0
    if EvaluationInstrument.objects.filter(jugendamt=jugendamt).exists():
        return 0
    rng = random.Random(2021)  # noqa: S311 - invented demo data
    instrument = services.instrument_create(
        jugendamt=jugendamt, respondent_type="core_team", acting_user=staff
    )
    items = list(Item.objects.filter(block__instrument=instrument))
    waves = {w.code: w for w in instrument.waves.all()}
    _play_wave(waves["T0"], staff, items, rng, answering=6, lift=0)
    _play_wave(waves["T1"], staff, items, rng, answering=6, lift=1)
    # T2 open now, for eight weeks, with a few invitations and no answer yet
    today = timezone.localdate()
    t2 = services.wave_update(
        wave=waves["T2"],
        label=waves["T2"].label,
        opens_on=today,
        closes_on=today + datetime.timedelta(weeks=8),
        acting_user=staff,
    )
    services.wave_open(wave=t2, acting_user=staff)
    services.invitations_create(
        wave=t2,
        addresses="\n".join(_address(name, "T2") for name in PEOPLE[:4]),
        acting_user=staff,
    )
    if stdout is not None:
        stdout.write("Evaluation: Kernteam-Instrument mit T0, T1 (beantwortet) und T2 (offen)")
    return 1
