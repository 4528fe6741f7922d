"""Demo data: round 2020 (closed, synthetic answers for every Kita) and round 2027 (open).

The answers are invented but plausible and deterministic (seeded generator). Need
follows the concept paper's order of the Sozialräume: Pariser Viertel highest,
then Ost, Nord, Winzenheim, Süd-West, Planig / Ippesheim / Bosenheim, BME,
Innenstadt lowest. The index computation for 2020 is started by ``indices.demo``.
Idempotent: existing rounds and answers are left as they are.
"""

import datetime
import random

from sozialraeume.master_data import BAD_KREUZNACH, BAD_KREUZNACH_SOZIALRAEUME
from sozialraeume.models import Jugendamt, Kita
from surveys.instrument import DEFAULT_PARTNERS
from surveys.models import Instrument, Response, SurveyRound
from surveys.validation import validate_answers

NEED_ORDER = [name for name, _description in BAD_KREUZNACH_SOZIALRAEUME]


def _need_level(sozialraum_name: str) -> float:
    """0.9 for the first Sozialraum of the paper's order down to 0.1 for the last."""
    position = NEED_ORDER.index(sozialraum_name) if sozialraum_name in NEED_ORDER else 4
    return 0.9 - 0.8 * position / max(len(NEED_ORDER) - 1, 1)


def _clamp(value, low, high):
    return max(low, min(high, value))


def synthetic_answers(rng: random.Random, need: float, places: int) -> dict:
    """One Kita's answers; ``need`` in 0..1 drives every need-related item."""

    def likert(level, spread=0.6):
        return int(_clamp(round(1 + 3 * level + rng.gauss(0, spread)), 1, 4))

    def share(base, slope, cap=0.95):
        return _clamp(base + slope * need + rng.gauss(0, 0.04), 0.0, cap)

    a1 = int(_clamp(places + rng.randint(-8, 8), 20, 180))
    a2 = int(round(a1 * rng.uniform(0.78, 0.92)))
    answers = {
        "A1": a1,
        "A2": a2,
        "A3": int(round(a1 * rng.uniform(0.15, 0.3))),
        "A4": str(round(a1 / rng.uniform(7.5, 9.5), 2)),
        "A5": int(round(a1 * rng.uniform(0.3, 0.7))),
        "A6": int(round(a1 * share(0.02, 0.45))),
        "B1": int(round(a2 * share(0.05, 0.45))),
        "B2": int(round(a1 * share(0.04, 0.5))),
        "C4": int(round(a1 * share(0.03, 0.15, 0.4))),
        "D1": int(round(a1 * share(0.08, 0.65))),
        "D2": int(_clamp(round(2 + 14 * need + rng.gauss(0, 1.5)), 1, 40)),
        "D3": int(round(a1 * share(0.03, 0.4))),
        "D4": int(round(a1 * share(0.0, 0.15, 0.4))),
        "D5": likert(need),
        "E1": likert(1 - need * 0.8),
        "E2": int(round(a1 * share(0.02, 0.35))),
        "E4": likert(1 - need * 0.8),
        "F3": ["FS1", "FS3"] if need > 0.5 else ["FS2"],
        "F4": {
            key: rng.choice(["selten", "regelmaessig", "eng"]) for key, _l in DEFAULT_PARTNERS[:3]
        },
        "F5": likert(0.6),
        "F7": "Demo-Ansprechperson, 0671 000000",
        "F8": True,
    }
    for code in ("B3a", "B3b", "B3c", "B3d", "B3e", "B3f"):
        answers[code] = likert(need)
    for code in ("C1a", "C1b", "C1c", "C1d", "C2a", "C2b", "C2c", "C3a", "C3b", "C3c"):
        answers[code] = likert(need * 0.9 + 0.05)
    for code in ("E3a", "E3b", "E3c", "E3d"):
        answers[code] = likert(1 - need * 0.7)
    # Now and then a sub-item left empty, as real questionnaires have.
    if rng.random() < 0.25:
        answers.pop(rng.choice(["C1d", "C3b", "E3d", "B3d"]))
    return answers


def seed(stdout=None):
    jugendamt = Jugendamt.objects.get(slug=BAD_KREUZNACH["slug"])
    instrument = Instrument.objects.get(code="SRB-2021")
    baseline, _created = SurveyRound.objects.get_or_create(
        jugendamt=jugendamt,
        code="2020",
        defaults={
            "instrument": instrument,
            "stichtag": datetime.date(2020, 10, 1),
            "opens_on": datetime.date(2020, 10, 1),
            "closes_on": datetime.date(2020, 11, 15),
            "state": SurveyRound.State.GESCHLOSSEN,
        },
    )
    current, _created = SurveyRound.objects.get_or_create(
        jugendamt=jugendamt,
        code="2027",
        defaults={
            "instrument": instrument,
            "stichtag": datetime.date(2027, 10, 1),
            "opens_on": datetime.date(2027, 10, 1),
            "closes_on": datetime.date(2027, 11, 15),
            "state": SurveyRound.State.OFFEN,
        },
    )
    rng = random.Random(2020)  # noqa: S311 - demo data, not security
    existing = set(baseline.responses.values_list("kita_id", flat=True))
    kitas = Kita.objects.filter(sozialraum__jugendamt=jugendamt).select_related("sozialraum")
    new = []
    for kita in kitas.order_by("pk"):
        answers = synthetic_answers(rng, _need_level(kita.sozialraum.name), kita.places or 60)
        if kita.pk in existing:
            continue
        cleaned, errors = validate_answers(answers, complete=True)
        if errors:  # a bug in the generator, not in the data
            raise ValueError(f"Demo-Antworten ungültig für {kita}: {errors}")
        new.append(
            Response(
                round=baseline,
                kita=kita,
                status=Response.Status.SUBMITTED,
                answers=cleaned,
                submitted_at=datetime.datetime(2020, 11, 2, 9, 0, tzinfo=datetime.UTC),
                review_state=Response.Review.GEPRUEFT,
            )
        )
    Response.objects.bulk_create(new)
    if stdout:
        stdout.write(
            f"Erhebung: Runde 2020 (geschlossen, {baseline.responses.count()} Fragebögen), "
            f"Runde {current.code} ({current.get_state_display()})"
        )
    return baseline, current
