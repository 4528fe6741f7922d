"""The evaluation rules (``indices.permissions``): who reads the per-Kita tables and starts
a computation. Object test and queryset agree for every role; never the committee."""

import pytest

from indices.permissions import evaluation_policy
from tests.policy_world import (
    PLANNERS_1,
    STAFF_1,
    assert_as_such,
    assert_rule,
    build_policy_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_policy_world()


@pytest.mark.parametrize("action", ["view", "export_kita_data"])
def test_runs_are_read_by_the_staff_of_their_jugendamt_only(w, action):
    assert_rule(
        w,
        evaluation_policy,
        action,
        {
            **dict.fromkeys(STAFF_1, w.set("run_1")),
            "root": w.set("run_1", "run_f"),
            "fremd": w.set("run_f"),
        },
    )
    for jugendamt in (w["ja1"], w["ja1"].pk):
        assert_as_such(w, evaluation_policy, action, {*STAFF_1, "root"}, obj=jugendamt)
    assert_as_such(w, evaluation_policy, action, {*STAFF_1, "root", "fremd", "ohne_jugendamt"})


def test_a_computation_is_started_by_the_planners_of_the_runs_jugendamt(w):
    assert_rule(
        w,
        evaluation_policy,
        "start_computation",
        {
            **dict.fromkeys(PLANNERS_1, w.set("run_1")),
            "root": w.set("run_1", "run_f"),
            "fremd": w.set("run_f"),
        },
    )
    assert_as_such(w, evaluation_policy, "start_computation", {*PLANNERS_1, "root"}, obj=w["ja1"])


def test_the_committee_kita_leaders_and_traeger_read_no_evaluation(w):
    for role in ("ausschuss", "kita", "traeger"):
        assert not evaluation_policy.user_can(w.users[role], "view")
        assert not evaluation_policy.instances_for(w.users[role], "view").exists()
