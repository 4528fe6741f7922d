"""Index data and a small Jugendamt with budget, shares and users for the allocation tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from allocation.services import budget_years as budget_year_services
from allocation.services import lines as line_services
from indices.models import IndexRun, KitaIndex, SozialraumIndex
from sozialraeume import roles
from tests.factories import (
    JugendamtFactory,
    KitaFactory,
    SozialraumFactory,
    TraegerFactory,
    make_user,
)
from tests.surveys.factories import SurveyRoundFactory

# Kita-level norms used by the world below (GESAMT lower 40, FM mean 50 / lower 35).
NORMS = {
    "kita": {
        "AB": {"mean": 50.0, "sd": 10.0, "lower": 40.0, "upper": 60.0},
        "SL": {"mean": 50.0, "sd": 10.0, "lower": 40.0, "upper": 60.0},
        "FM": {"mean": 50.0, "sd": 15.0, "lower": 35.0, "upper": 65.0},
        "IN": {"mean": 50.0, "sd": 10.0, "lower": 40.0, "upper": 60.0},
        "GESAMT": {"mean": 50.0, "sd": 10.0, "lower": 40.0, "upper": 60.0},
    },
    "sozialraum": {},
}


def finished_run(survey_round, *, kitas: dict, sozialraeume: dict, norms=None) -> IndexRun:
    """A finished run with ``kitas`` {Kita: (gesamt, fm)} and ``sozialraeume`` {SR: gesamt}."""
    run = IndexRun.objects.create(
        round=survey_round,
        status=IndexRun.Status.FINISHED,
        finished_at=timezone.now(),
        method_version="test",
        instrument_code="SRB-2021",
        input_checksum=f"{survey_round.pk:064d}",
        norms=norms or NORMS,
    )
    KitaIndex.objects.bulk_create(
        KitaIndex(run=run, kita=k, gesamt=g, fm=fm, ab=g, sl=g, infra=g, complete=g is not None)
        for k, (g, fm) in kitas.items()
    )
    SozialraumIndex.objects.bulk_create(
        SozialraumIndex(run=run, sozialraum=sr, gesamt=g) for sr, g in sozialraeume.items()
    )
    return run


@dataclass
class World:
    jugendamt: object
    north: object
    south: object
    kitas: dict
    traeger: object
    other_traeger: object
    survey_round: object
    run: IndexRun
    budget_year: object
    staff: object
    leitung: object
    leitung2: object
    traeger_user: object
    outsider_traeger_user: object


def make_world(*, state_budget=Decimal("120000.00")) -> World:
    """Two Sozialräume with points 60/40; Nord has Kitas A (60, FM 70), B (45, FM 40),
    C (30, FM 20); Süd has D (50, FM 55). Budget year 2026 with the shares applied."""
    # No minimum consultation time here, so journeys can take their steps back to back;
    # the minimum (default 14 days) is tested in tests/allocation/test_four_eyes.py.
    ja = JugendamtFactory(consultation_min_days=0)
    north = SozialraumFactory(jugendamt=ja, name="Nord", position=1)
    south = SozialraumFactory(jugendamt=ja, name="Süd", position=2)
    traeger = TraegerFactory(jugendamt=ja, name="Träger Eins")
    other = TraegerFactory(jugendamt=ja, name="Träger Zwei")
    kitas = {
        "A": KitaFactory(sozialraum=north, traeger=traeger, name="Kita A"),
        "B": KitaFactory(sozialraum=north, traeger=other, name="Kita B"),
        "C": KitaFactory(sozialraum=north, traeger=other, name="Kita C"),
        "D": KitaFactory(sozialraum=south, traeger=other, name="Kita D"),
    }
    # closed: step 1 takes shares only from the published result of a closed round
    rnd = SurveyRoundFactory(jugendamt=ja, code="2020", state="geschlossen")
    run = finished_run(
        rnd,
        kitas={
            kitas["A"]: (60.0, 70.0),
            kitas["B"]: (45.0, 40.0),
            kitas["C"]: (30.0, 20.0),
            kitas["D"]: (50.0, 55.0),
        },
        sozialraeume={north: 60.0, south: 40.0},
    )
    staff = make_user(roles.JUGENDAMT, jugendamt=ja, username="fachkraft", password=None)
    leitung = make_user(roles.JUGENDAMT_LEITUNG, jugendamt=ja, username="leitung", password=None)
    leitung2 = make_user(roles.JUGENDAMT_LEITUNG, jugendamt=ja, username="leitung2", password=None)
    traeger_user = make_user(
        roles.TRAEGER, jugendamt=ja, traeger=traeger, username="traeger1", password=None
    )
    outsider = make_user(
        roles.TRAEGER,
        jugendamt=ja,
        traeger=TraegerFactory(jugendamt=ja, name="Träger ohne Kita"),
        username="traeger-ohne",
        password=None,
    )
    by = budget_year_services.budget_year_save(
        jugendamt_id=ja.pk, year=2026, state_budget=state_budget, round=rnd, acting_user=staff
    )
    budget_year_services.budget_year_apply_shares(budget_year=by, acting_user=staff)
    return World(
        ja,
        north,
        south,
        kitas,
        traeger,
        other,
        rnd,
        run,
        by,
        staff,
        leitung,
        leitung2,
        traeger_user,
        outsider,
    )


def fs1_line(world: World, plan, *, by=None):
    """Half a Kita-Sozialarbeit position (35.000 €) for Kita A, an eligible FS1 line."""
    return line_services.line_add(
        plan=plan,
        kita=world.kitas["A"],
        strand="FS1",
        fte="0.5",
        annual_cost="35000",
        acting_user=by or world.staff,
    )
