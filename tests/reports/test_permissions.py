"""The report rules (``reports.permissions``). Reports have no model, so there is no
queryset: each rule is asked for the report as such, for the own Jugendamt (as object and
by id) and for a second Jugendamt, for every role."""

import pytest

from reports.permissions import report_policy
from tests.policy_world import STAFF_1, assert_as_such, build_policy_world

pytestmark = pytest.mark.django_db

STAFF_ANYWHERE = {*STAFF_1, "root", "fremd", "ohne_jugendamt"}  # the report as such


@pytest.fixture
def w():
    return build_policy_world()


def _check(w, action, *, as_such, own, foreign):
    assert_as_such(w, report_policy, action, as_such)
    for jugendamt in (w["ja1"], w["ja1"].pk):
        assert_as_such(w, report_policy, action, own, obj=jugendamt)
    assert_as_such(w, report_policy, action, foreign, obj=w["ja2"].pk)


def test_the_committee_report_is_for_the_committee_and_staff_of_the_jugendamt(w):
    _check(
        w,
        "view_committee_report",
        as_such=STAFF_ANYWHERE | {"ausschuss"},
        own={*STAFF_1, "root", "ausschuss"},
        foreign={"root", "fremd"},
    )


@pytest.mark.parametrize("action", ["view_staff_dashboard", "export_kita_data"])
def test_the_staff_dashboard_and_the_kita_exports_are_for_staff_only(w, action):
    _check(w, action, as_such=STAFF_ANYWHERE, own={*STAFF_1, "root"}, foreign={"root", "fremd"})


def test_the_traeger_page_is_for_traeger_representatives(w):
    traeger = {"traeger", "traeger_ohne_kita"}
    _check(w, "view_traeger_dashboard", as_such=traeger, own=traeger, foreign=traeger)


def test_the_kita_page_is_for_kita_leaders(w):
    leaders = {"kita", "kita2"}
    _check(w, "view_kita_dashboard", as_such=leaders, own=leaders, foreign=leaders)


def test_reports_have_no_list_side(w):
    with pytest.raises(ValueError):
        report_policy.user_can(w.users["ja"], "view_plans")
