"""A small world for the policy tests: two Jugendämter, every role, plans in every state.

``build_policy_world()`` gives the users (by role key) and the objects (by name) that the
``tests/<app>/test_permissions.py`` modules ask the rules about. ``assert_rule`` checks
one rule the way the views use it: for every user and every object of the rule's model,
the object test (``user_can``) and the queryset (``instances_for``) agree, and both give
exactly the objects the test expects.

Jugendamt 1 (from ``tests.allocation.factories.make_world``): Sozialraum Nord with Kita A
(Träger Eins), B and C (Träger Zwei); Süd with Kita D (Träger Zwei); round 2020 with a
finished run; budget years 2026 to 2029; plans of Nord in every state (2026 draft, 2027
consultation, 2028 proposal, 2029 approved) and Süd 2026 in consultation. Jugendamt 2:
one Sozialraum, Kita F, a round, a run, a budget year and a plan in consultation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from allocation.models import AllocationPlan, BudgetYear, PlanState
from audit import events as audit_events
from sozialraeume import roles
from surveys import services as survey_services
from surveys.models import Response
from tests.allocation.factories import finished_run, make_world
from tests.factories import JugendamtFactory, KitaFactory, SozialraumFactory, UserFactory
from tests.surveys.factories import ResponseFactory

# role key -> what the user is
ROLE_KEYS = {
    "kita": "Kita-Leitung of Kita A (Nord, Träger Eins)",
    "kita2": "Kita-Leitung of Kita D (Süd, Träger Zwei)",
    "traeger": "Träger-Vertretung of Träger Eins (Kita A in Nord)",
    "traeger_ohne_kita": "Träger-Vertretung of a Träger without a Kita",
    "ja": "Jugendamt (Fachkraft)",
    "jal": "Jugendamt-Leitung",
    "ausschuss": "Jugendhilfeausschuss",
    "admin": "Administration",
    "superuser": "superuser of Jugendamt 1 (no role)",
    "root": "superuser without a Jugendamt",
    "fremd": "Jugendamt (Fachkraft) of Jugendamt 2",
    "ohne_jugendamt": "Jugendamt role but no Jugendamt",
    "ehemals_kita": "leads Kita A on record but lost the role",
    "inactive": "deactivated Jugendamt (Fachkraft)",
    "anon": "anonymous",
}
STAFF_1 = ("ja", "jal", "admin", "superuser")  # see everything of Jugendamt 1
PLANNERS_1 = ("ja", "jal", "superuser")  # prepare rounds, indices and plans there


@dataclass
class PolicyWorld:
    users: dict[str, object]
    objects: dict[str, Model] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Model:
        return self.objects[name]

    def set(self, *names: str) -> set[Model]:
        """The named objects, as the set a rule is expected to give."""
        return {self.objects[name] for name in names}


def build_policy_world() -> PolicyWorld:
    """Users of every role and the objects of both Jugendämter (see module docstring)."""
    base = make_world()
    ja1 = base.jugendamt
    kitas = base.kitas

    def user(role=None, *, jugendamt=ja1, **kwargs):
        return UserFactory(role=role, jugendamt=jugendamt, password=None, **kwargs)

    users = {
        "kita": user(roles.KITA_LEITUNG, kitas=[kitas["A"]], username="leitung-a"),
        "kita2": user(roles.KITA_LEITUNG, kitas=[kitas["D"]], username="leitung-d"),
        "traeger": base.traeger_user,
        "traeger_ohne_kita": base.outsider_traeger_user,
        "ja": base.staff,
        "jal": base.leitung,
        "ausschuss": user(roles.AUSSCHUSS, username="ausschuss"),
        "admin": user(roles.ADMINISTRATION, username="verwaltung"),
        "superuser": user(username="super", is_superuser=True, is_staff=True),
        "root": user(username="root", jugendamt=None, is_superuser=True, is_staff=True),
        "ohne_jugendamt": user(roles.JUGENDAMT, jugendamt=None, username="ohne-ja"),
        "ehemals_kita": user(kitas=[kitas["A"]], username="ehemals"),
        "inactive": user(roles.JUGENDAMT, username="weg", is_active=False),
        "anon": AnonymousUser(),
    }

    ja2 = JugendamtFactory(name="Jugendamt Fremdstadt", slug="fremdstadt")
    sr2 = SozialraumFactory(jugendamt=ja2, name="Fremd-Sozialraum")
    kita_f = KitaFactory(sozialraum=sr2, name="Kita F")
    users["fremd"] = user(roles.JUGENDAMT, jugendamt=ja2, username="fremd")
    round_f = survey_services.round_create(
        jugendamt=ja2, code="2020", stichtag=datetime.date(2020, 10, 1), acting_user=users["fremd"]
    )
    run_f = finished_run(round_f, kitas={kita_f: (50.0, 50.0)}, sozialraeume={sr2: 50.0})
    year_f = BudgetYear.objects.create(jugendamt=ja2, year=2026, state_budget=Decimal("1000.00"))
    # an event of no Jugendamt (as the system writes them)
    audit_events.record(
        actor=None, action="round_reminders_queued", object_type="test", object_repr="global"
    )

    years = {2026: base.budget_year}
    for year in (2027, 2028, 2029):
        years[year] = BudgetYear.objects.create(
            jugendamt=ja1, year=year, state_budget=Decimal("1000.00")
        )

    def plan(budget_year, sozialraum, state):
        return AllocationPlan.objects.create(
            budget_year=budget_year, sozialraum=sozialraum, state=state
        )

    world = PolicyWorld(users=users)
    world.objects = {
        "ja1": ja1,
        "ja2": ja2,
        **{f"kita_{key.lower()}": kita for key, kita in kitas.items()},
        "kita_f": kita_f,
        "round_1": base.survey_round,
        "round_f": round_f,
        "run_1": base.run,
        "run_f": run_f,
        **{f"year_{year}": by for year, by in years.items()},
        "year_f": year_f,
        "response_a": ResponseFactory(round=base.survey_round, kita=kitas["A"]),
        "response_d": ResponseFactory(
            round=base.survey_round, kita=kitas["D"], status=Response.Status.DRAFT
        ),
        "response_f": ResponseFactory(round=round_f, kita=kita_f),
        "nord_draft": plan(years[2026], base.north, PlanState.DRAFT),
        "sued_consultation": plan(years[2026], base.south, PlanState.CONSULTATION),
        "nord_consultation": plan(years[2027], base.north, PlanState.CONSULTATION),
        "nord_proposal": plan(years[2028], base.north, PlanState.PROPOSAL),
        "nord_approved": plan(years[2029], base.north, PlanState.APPROVED),
        "fremd_consultation": plan(year_f, sr2, PlanState.CONSULTATION),
    }
    return world


def _names(world: PolicyWorld, objects) -> list[str]:
    by_object = {obj: name for name, obj in world.objects.items()}
    return sorted(by_object.get(obj, f"{type(obj).__name__} {obj.pk}") for obj in objects)


def assert_rule(world: PolicyWorld, rule, action: str, expected: dict[str, set]) -> None:
    """For every user: ``obj in rule.instances_for(user, action)`` exactly when
    ``rule.user_can(user, action, obj)``, over every object of the rule's model, and both
    give ``expected[role]`` (nothing for a role not named)."""
    unknown = set(expected) - set(world.users)
    assert not unknown, f"unknown role keys {unknown}"
    universe = list(rule.model.objects.all())
    problems = []
    for role, user in world.users.items():
        listed = set(rule.instances_for(user, action))
        allowed = {obj for obj in universe if rule.user_can(user, action, obj)}
        want = set(expected.get(role, set()))
        if listed != allowed:
            problems.append(
                f"  {role}: only in the queryset {_names(world, listed - allowed)}, "
                f"only by the object test {_names(world, allowed - listed)}"
            )
        elif allowed != want:
            problems.append(
                f"  {role}: unexpectedly allowed {_names(world, allowed - want)}, "
                f"unexpectedly refused {_names(world, want - allowed)}"
            )
    assert not problems, f"{type(rule).__name__} {action!r}:\n" + "\n".join(problems)


def assert_as_such(world: PolicyWorld, rule, action: str, allowed: set[str], obj=None) -> None:
    """``rule.user_can(user, action, obj)`` is true exactly for the ``allowed`` roles (``obj``
    None: the action as such, e.g. whether a menu entry shows)."""
    unknown = set(allowed) - set(world.users)
    assert not unknown, f"unknown role keys {unknown}"
    got = {role for role, user in world.users.items() if rule.user_can(user, action, obj)}
    assert got == set(allowed), (
        f"{type(rule).__name__} {action!r} on {obj!r}: unexpectedly allowed "
        f"{sorted(got - set(allowed))}, unexpectedly refused {sorted(set(allowed) - got)}"
    )
