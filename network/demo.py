"""Demo data for the network analysis: a fuller F4 for the demo round 2020.

``surveys.demo`` answers F4 for the first three default partners only, never with "nie",
so every Sozialraum would show the same three partner types as unreached and no Kita a
share "nie". This fills in the partners a demo questionnaire left empty, with invented,
deterministic levels (seeded per Kita) that depend on the Sozialraum, so the Sozialräume
differ: "nie" is common, some partners stay unanswered, and in the Sozialräume of the
second half of the paper's order nobody works with the Migrationsdienst.

Idempotent: only partners missing from a questionnaire are filled in, so a second run
changes nothing. Answers a Kita gave are never changed. The round is closed, so there is
no service to go through (as in ``surveys.demo``, which bulk-creates the answers).
"""

from __future__ import annotations

import random

from sozialraeume.master_data import BAD_KREUZNACH, BAD_KREUZNACH_SOZIALRAEUME
from surveys.models import Response, SurveyRound

ORDER = [name for name, _description in BAD_KREUZNACH_SOZIALRAEUME]
LEVELS = ["nie", "selten", "regelmaessig", "eng"]


def _level(rng: random.Random, key: str, sozialraum_name: str) -> str | None:
    position = ORDER.index(sozialraum_name) if sozialraum_name in ORDER else 0
    if key == "migrationsdienst" and position >= len(ORDER) // 2:
        return "nie"  # unreached in these Sozialräume
    if rng.random() < 0.15:
        return None  # left empty
    return rng.choices(LEVELS, weights=[5, 3, 2, 1])[0]


def seed(stdout=None) -> int:
    survey_round = SurveyRound.objects.filter(
        jugendamt__slug=BAD_KREUZNACH["slug"], code="2020"
    ).first()
    if survey_round is None:
        return 0
    keys = [key for key, _label in survey_round.partner_list]
    changed = []
    responses = survey_round.responses.filter(status=Response.Status.SUBMITTED).select_related(
        "kita__sozialraum"
    )
    for response in responses.order_by("kita_id"):
        answers = dict(response.answers or {})
        f4 = dict(answers.get("F4") or {})
        filled = False
        for key in [key for key in keys if key not in f4]:
            # one decision per Kita and partner: a partner left empty stays empty next run
            rng = random.Random(f"network-{response.kita_id}-{key}")  # noqa: S311 - demo data
            level = _level(rng, key, response.kita.sozialraum.name)
            if level is not None:
                f4[key] = level
                filled = True
        if filled:
            answers["F4"] = f4
            response.answers = answers
            changed.append(response)
    Response.objects.bulk_update(changed, ["answers"])
    if stdout:
        stdout.write(f"Netzwerk: F4 der Runde 2020 in {len(changed)} Fragebögen ergänzt")
    return len(changed)
