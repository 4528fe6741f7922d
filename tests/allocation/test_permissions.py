"""The allocation rules (``allocation.permissions``): budget years and plans. Object test
and queryset agree for every role; a Träger never sees a draft plan."""

import pytest

from allocation.models import PlanState
from allocation.permissions import budget_year_policy, plan_policy
from tests.policy_world import (
    PLANNERS_1,
    STAFF_1,
    assert_as_such,
    assert_rule,
    build_policy_world,
)

pytestmark = pytest.mark.django_db

PLANS_1 = ("nord_draft", "sued_consultation", "nord_consultation", "nord_proposal", "nord_approved")
# Nord has the Träger's Kita A; of its plans, all but the draft
TRAEGER_PLANS = ("nord_consultation", "nord_proposal", "nord_approved")


@pytest.fixture
def w():
    return build_policy_world()


def test_budget_years_are_read_by_staff_and_managed_by_planners(w):
    years_1 = w.set("year_2026", "year_2027", "year_2028", "year_2029")
    everything = years_1 | w.set("year_f")
    for action, roles_1 in (("view", STAFF_1), ("manage", PLANNERS_1)):
        assert_rule(
            w,
            budget_year_policy,
            action,
            {**dict.fromkeys(roles_1, years_1), "root": everything, "fremd": w.set("year_f")},
        )
        assert_as_such(w, budget_year_policy, action, {*roles_1, "root"}, obj=w["ja1"].pk)


def test_plans_are_seen_by_staff_and_by_traeger_of_their_sozialraeume_but_no_draft(w):
    assert_rule(
        w,
        plan_policy,
        "view",
        {
            **dict.fromkeys(STAFF_1, w.set(*PLANS_1)),
            "root": w.set(*PLANS_1, "fremd_consultation"),
            "fremd": w.set("fremd_consultation"),
            "traeger": w.set(*TRAEGER_PLANS),
        },
    )
    assert_as_such(
        w,
        plan_policy,
        "view",
        {*STAFF_1, "root", "fremd", "ohne_jugendamt", "traeger", "traeger_ohne_kita"},
    )


def test_plans_are_edited_by_the_planners_of_their_jugendamt(w):
    assert_rule(
        w,
        plan_policy,
        "edit",
        {
            **dict.fromkeys(PLANNERS_1, w.set(*PLANS_1)),
            "root": w.set(*PLANS_1, "fremd_consultation"),
            "fremd": w.set("fremd_consultation"),
        },
    )


def test_plans_are_commented_by_editors_and_the_traeger_who_see_them_not_the_administration(w):
    assert_rule(
        w,
        plan_policy,
        "comment",
        {
            **dict.fromkeys(PLANNERS_1, w.set(*PLANS_1)),
            "root": w.set(*PLANS_1, "fremd_consultation"),
            "fremd": w.set("fremd_consultation"),
            "traeger": w.set(*TRAEGER_PLANS),
        },
    )


def test_only_the_jugendamt_leitung_approves(w):
    assert_rule(w, plan_policy, "approve", {"jal": w.set(*PLANS_1)})
    assert_as_such(w, plan_policy, "approve", {"jal"})


def test_a_traeger_never_sees_or_comments_a_draft_plan(w):
    traeger = w.users["traeger"]
    draft = w["nord_draft"]
    consultation = w["nord_consultation"]
    assert draft.state == PlanState.DRAFT
    assert draft.sozialraum.kitas.filter(traeger=traeger.traeger).exists()
    for action in ("view", "comment"):
        assert not plan_policy.user_can(traeger, action, draft)
        assert draft not in plan_policy.instances_for(traeger, action)
        assert plan_policy.user_can(traeger, action, consultation)
    # back to the draft (Überarbeitung): gone again for the Träger
    consultation.state = PlanState.DRAFT
    consultation.save(update_fields=["state"])
    assert not plan_policy.user_can(traeger, "view", consultation)
    assert consultation not in plan_policy.instances_for(traeger, "view")
