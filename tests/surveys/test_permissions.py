"""The survey rules (``surveys.permissions``): who manages rounds and imports answers, who
reviews a questionnaire and who fills it in. Object test and queryset agree for every role."""

import pytest

from surveys.permissions import response_policy, round_policy
from tests.policy_world import PLANNERS_1, assert_as_such, assert_rule, build_policy_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_policy_world()


@pytest.mark.parametrize("action", ["manage", "import_responses"])
def test_rounds_are_managed_by_the_planners_of_their_jugendamt(w, action):
    assert_rule(
        w,
        round_policy,
        action,
        {
            **dict.fromkeys(PLANNERS_1, w.set("round_1")),
            "root": w.set("round_1", "round_f"),
            "fremd": w.set("round_f"),
        },
    )
    # a new round is asked about by its Jugendamt, as an object or by id
    for jugendamt in (w["ja1"], w["ja1"].pk):
        assert_as_such(w, round_policy, action, {*PLANNERS_1, "root"}, obj=jugendamt)
    assert_as_such(w, round_policy, action, {*PLANNERS_1, "root", "fremd", "ohne_jugendamt"})


def test_the_administration_and_the_committee_manage_no_round(w):
    for role in ("admin", "ausschuss"):
        assert not round_policy.user_can(w.users[role], "manage", w["round_1"])
        assert not round_policy.instances_for(w.users[role], "manage").exists()


def test_questionnaires_are_reviewed_by_the_planners_of_the_rounds_jugendamt(w):
    assert_rule(
        w,
        response_policy,
        "review",
        {
            **dict.fromkeys(PLANNERS_1, w.set("response_a", "response_d")),
            "root": w.set("response_a", "response_d", "response_f"),
            "fremd": w.set("response_f"),
        },
    )


def test_a_questionnaire_is_filled_in_only_by_its_kitas_leader(w):
    assert_rule(
        w,
        response_policy,
        "fill",
        {"kita": w.set("response_a"), "kita2": w.set("response_d")},
    )
    assert_as_such(w, response_policy, "fill", {"kita", "kita2"})
