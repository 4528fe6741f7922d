"""Factories of the team tests (part A): a team with members in a fresh Jugendamt."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from sozialraeume import roles
from teams.models import Team
from teams.services import teams as team_services
from tests.factories import KitaFactory, SozialraumFactory, TraegerFactory, make_user


@dataclass
class TeamWorld:
    team: Team
    staff: object
    leitung: object
    leader_a: object
    leader_b: object
    traeger_rep: object
    kita_a: object
    kita_b: object
    external: object


def make_team_world() -> TeamWorld:
    sozialraum = SozialraumFactory(name="Team-Sozialraum")
    ja = sozialraum.jugendamt
    traeger = TraegerFactory(jugendamt=ja, name="Team-Träger")
    kita_a = KitaFactory(sozialraum=sozialraum, traeger=traeger, name="Kita Ahornweg")
    kita_b = KitaFactory(sozialraum=sozialraum, name="Kita Birkenhof")
    staff = make_user(roles.JUGENDAMT, jugendamt=ja, first_name="Jana", last_name="Fach")
    leitung = make_user(roles.JUGENDAMT_LEITUNG, jugendamt=ja)
    leader_a = make_user(roles.KITA_LEITUNG, kitas=[kita_a], first_name="Alma", last_name="A")
    leader_b = make_user(roles.KITA_LEITUNG, kitas=[kita_b], first_name="Berta", last_name="B")
    traeger_rep = make_user(roles.TRAEGER, jugendamt=ja, traeger=traeger)
    team = team_services.team_create(sozialraum=sozialraum, contact_person=staff, acting_user=staff)
    joined = timezone.localdate() - datetime.timedelta(days=400)
    for user in (leader_a, leader_b, traeger_rep):
        team_services.team_member_add(team=team, user=user, joined_on=joined, acting_user=staff)
    external = team_services.team_member_add(
        team=team,
        kind="quartier",
        name="Omar Extern",
        organisation="Quartiersbüro",
        email="omar@example.invalid",
        joined_on=joined,
        acting_user=staff,
    )
    return TeamWorld(
        team=team,
        staff=staff,
        leitung=leitung,
        leader_a=leader_a,
        leader_b=leader_b,
        traeger_rep=traeger_rep,
        kita_a=kita_a,
        kita_b=kita_b,
        external=external,
    )
