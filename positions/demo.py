"""Demo data (issue 16, part P1): the qualification catalogue and a year of positions.

Runs after ``allocation.demo``. For the approved 2026 plans one position per line, made
through the services as the Jugendamt would (``jugendamt`` creates them and checks most
qualifications). One position is vacant until June (January–May vacant), one is filled
only from 1 March. The plan of the last Sozialraum is left without positions: there the
Jugendamt creates them on the page "Stellen aus dem Beschluss anlegen" (the browser
journey ``tests/e2e/journey_positions.py`` does). ``positions.demo_costs`` adds actual
costs afterwards. Idempotent: lines that have positions are left as they are.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from allocation.models import AllocationPlan, PlanState
from positions.models import Position, Qualification
from positions.services import positions as s
from sozialraeume.master_data import BAD_KREUZNACH
from sozialraeume.models import Jugendamt

PLAN_YEAR = 2026
# (home Kita's Sozialraum order, line order) is not stable enough to name; the first
# position made is vacant January–May, the second starts on 1 March.
VACANT_UNTIL_JUNE = 0
FROM_MARCH = 1
# Every fourth position waits for the check of its qualification's proof.
UNCHECKED_EVERY = 4


def seed(stdout=None):
    def say(text):
        if stdout:
            stdout.write(text)

    jugendamt = Jugendamt.objects.filter(slug=BAD_KREUZNACH["slug"]).first()
    if jugendamt is None:
        say("Stellen: kein Demo-Jugendamt gefunden")
        return []
    staff = get_user_model().objects.get(username="jugendamt")
    s.qualifications_ensure_defaults(jugendamt, acting_user=staff)
    catalogue = list(Qualification.objects.filter(jugendamt=jugendamt, active=True))
    plans = list(
        AllocationPlan.objects.filter(
            budget_year__jugendamt=jugendamt,
            budget_year__year=PLAN_YEAR,
            state=PlanState.APPROVED,
        ).order_by("sozialraum__position", "sozialraum__name")
    )
    if Position.objects.filter(budget_year__jugendamt=jugendamt).exists():
        say("Stellen: schon angelegt")
        return []
    created = []
    for plan in plans[:-1] if len(plans) > 1 else plans:
        for line in plan.lines.order_by("kita__name", "strand", "pk"):
            n = len(created)
            starts_on = datetime.date(PLAN_YEAR, 3 if n == FROM_MARCH else 1, 1)
            qualification = catalogue[n % min(len(catalogue), 3)] if catalogue else None
            (position,) = s.positions_create_from_line(
                line=line,
                starts_on=starts_on,
                qualification=qualification,
                acting_user=staff,
            )
            if n == VACANT_UNTIL_JUNE:
                s.position_months_set(
                    position=position, filled_months=range(6, 13), acting_user=staff
                )
            if qualification and n % UNCHECKED_EVERY != UNCHECKED_EVERY - 1:
                s.position_qualification_check(
                    position=position,
                    checked_on=starts_on - datetime.timedelta(days=14),
                    acting_user=staff,
                )
            created.append(position)
    say(f"Stellen: {len(created)} Stellen {PLAN_YEAR} aus {max(len(plans) - 1, 1)} Plänen")
    return created
