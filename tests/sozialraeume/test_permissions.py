"""The master-data rules (``sozialraeume.permissions``): who sees which Kita, who fills in
its questionnaire, who manages people. Object test and queryset agree for every role."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from sozialraeume import roles
from sozialraeume.models import User
from sozialraeume.permissions import kita_policy, user_policy
from tests.policy_world import STAFF_1, assert_as_such, assert_rule, build_policy_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_policy_world()


@pytest.mark.parametrize("action", ["view", "view_detail"])
def test_kitas_are_seen_by_their_staff_leaders_and_traeger_never_by_the_committee(w, action):
    own = w.set("kita_a", "kita_b", "kita_c", "kita_d")
    assert_rule(
        w,
        kita_policy,
        action,
        {
            "kita": w.set("kita_a"),
            "kita2": w.set("kita_d"),
            "traeger": w.set("kita_a"),
            **dict.fromkeys(STAFF_1, own),
            "root": own | w.set("kita_f"),
            "fremd": w.set("kita_f"),
        },
    )


def test_only_a_kitas_own_leader_fills_in_its_questionnaire(w):
    assert_rule(
        w,
        kita_policy,
        "fill_questionnaire",
        {"kita": w.set("kita_a"), "kita2": w.set("kita_d")},
    )
    assert_as_such(w, kita_policy, "fill_questionnaire", {"kita", "kita2"})


def test_who_sees_kitas_at_all(w):
    assert_as_such(
        w,
        kita_policy,
        "view",
        {"kita", "kita2", "traeger", "traeger_ohne_kita", *STAFF_1, "root", "fremd"}
        | {"ohne_jugendamt"},
    )


def test_people_are_seen_by_jugendamt_staff_of_their_own_jugendamt(w):
    jugendamt_1 = set(User.objects.filter(jugendamt=w["ja1"]))
    assert_rule(
        w,
        user_policy,
        "view",
        {
            **dict.fromkeys(STAFF_1, jugendamt_1),
            "root": set(User.objects.all()),
            "fremd": set(User.objects.filter(jugendamt=w["ja2"])),
        },
    )
    assert_as_such(w, user_policy, "view", {*STAFF_1, "root", "fremd", "ohne_jugendamt"})


def _only_invitable(qs):
    """People holding no role beyond Kita-Leitung / Träger-Vertretung, no superusers."""
    others = [r for r in roles.ALL_ROLES if r not in (roles.KITA_LEITUNG, roles.TRAEGER)]
    return set(qs.filter(is_superuser=False).exclude(groups__name__in=others))


def test_staff_look_after_kita_leaders_and_traeger_administration_after_everyone(w):
    """Issue 13: invitations, reset links and deactivation by Jugendamt staff only for
    Kita leaders and Träger; people of every role only by the Administration (and
    superusers), never themselves, a superuser only by a superuser."""
    ja1 = User.objects.filter(jugendamt=w["ja1"])
    ja2 = User.objects.filter(jugendamt=w["ja2"])
    me = w.users
    outside_1 = _only_invitable(ja1)
    assert me["kita"] in outside_1 and me["ja"] not in outside_1
    assert_rule(
        w,
        user_policy,
        "manage",
        {
            "ja": outside_1 - {me["ja"]},
            "jal": outside_1 - {me["jal"]},
            "admin": set(ja1.filter(is_superuser=False)) - {me["admin"]},
            "superuser": set(ja1) - {me["superuser"]},
            "root": set(User.objects.all()) - {me["root"]},
            "fremd": _only_invitable(ja2) - {me["fremd"]},
        },
    )
    assert_rule(
        w,
        user_policy,
        "manage_roles",
        {
            "admin": set(ja1.filter(is_superuser=False)) - {me["admin"]},
            "superuser": set(ja1) - {me["superuser"]},
            "root": set(User.objects.all()) - {me["root"]},
        },
    )
    assert_rule(
        w,
        user_policy,
        "change_active",
        {
            "ja": outside_1 - {me["ja"]},
            "jal": outside_1 - {me["jal"]},
            "admin": set(ja1.filter(is_superuser=False)) - {me["admin"]},
            "superuser": set(ja1) - {me["superuser"]},
            "root": set(User.objects.all()) - {me["root"]},
            "fremd": _only_invitable(ja2) - {me["fremd"]},
        },
    )
    assert_as_such(w, user_policy, "manage", {*STAFF_1, "root", "fremd", "ohne_jugendamt"})
    assert_as_such(w, user_policy, "manage_roles", {"admin", "superuser", "root"})


def test_a_leader_who_lost_the_role_sees_and_fills_in_nothing(w):
    former = w.users["ehemals_kita"]
    assert former.kitas.filter(pk=w["kita_a"].pk).exists()
    assert not kita_policy.user_can(former, "view", w["kita_a"])
    assert not kita_policy.user_can(former, "fill_questionnaire", w["kita_a"])


def test_the_template_tag_asks_the_objects_policy(w):
    template = Template(
        '{% load policy %}{% user_can "fill_questionnaire" kita as may %}{{ may|yesno:"ja,nein" }}'
    )
    request = RequestFactory().get("/")
    answers = {}
    for role in ("kita", "kita2", "ja"):
        request.user = w.users[role]
        answers[role] = template.render(Context({"request": request, "kita": w["kita_a"]}))
    assert answers == {"kita": "ja", "kita2": "nein", "ja": "nein"}
