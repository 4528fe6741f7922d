"""Synthetic districts for the benchmarks: N Kitas in S Sozialräume with submitted answers.

Uses the demo's answer generator and bulk inserts; needs a configured Django.
"""

from __future__ import annotations

import datetime
import random


def make_district(*, slug: str, kitas: int, sozialraeume: int, open_round: bool = True):
    """Create (or reuse) Jugendamt ``slug`` with a closed round "2020" fully answered
    and, if asked, an open round "2027". Returns the Jugendamt."""
    from sozialraeume.models import Jugendamt, Kita, Sozialraum, Traeger
    from surveys.demo import synthetic_answers
    from surveys.models import Instrument, Response, SurveyRound

    jugendamt, created = Jugendamt.objects.get_or_create(
        slug=slug, defaults={"name": f"Bench {slug}"}
    )
    if not created and Kita.objects.filter(sozialraum__jugendamt=jugendamt).count() == kitas:
        return jugendamt
    rng = random.Random(kitas)  # noqa: S311 - synthetic data
    srs = Sozialraum.objects.bulk_create(
        [
            Sozialraum(jugendamt=jugendamt, name=f"SR {i:04d}", position=i)
            for i in range(sozialraeume)
        ]
    )
    traeger = Traeger.objects.bulk_create(
        [Traeger(jugendamt=jugendamt, name=f"Träger {i:03d}") for i in range(20)]
    )
    kita_objs = Kita.objects.bulk_create(
        [
            Kita(
                sozialraum=srs[i % sozialraeume],
                traeger=traeger[i % len(traeger)],
                name=f"Kita {i:06d}",
                places=40 + (i * 37) % 120,
            )
            for i in range(kitas)
        ],
        batch_size=2000,
    )
    instrument = Instrument.objects.get(code="SRB-2021")
    baseline = SurveyRound.objects.create(
        jugendamt=jugendamt,
        code="2020",
        instrument=instrument,
        stichtag=datetime.date(2020, 10, 1),
        state="geschlossen",
    )
    if open_round:
        SurveyRound.objects.create(
            jugendamt=jugendamt,
            code="2027",
            instrument=instrument,
            stichtag=datetime.date(2027, 10, 1),
            state="offen",
        )
    sr_need = {sr.pk: rng.random() for sr in srs}
    Response.objects.bulk_create(
        [
            Response(
                round=baseline,
                kita=k,
                status="submitted",
                answers=synthetic_answers(rng, sr_need[k.sozialraum_id], k.places),
            )
            for k in kita_objs
        ],
        batch_size=2000,
    )
    return jugendamt
