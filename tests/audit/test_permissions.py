"""The audit rule (``audit.permissions``): Jugendamt staff read their own Jugendamt's trail,
nobody else reads any. Object test and queryset agree for every role."""

import pytest

from audit.models import AuditEvent
from audit.permissions import audit_policy
from tests.policy_world import STAFF_1, assert_as_such, assert_rule, build_policy_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_policy_world()


def test_the_trail_is_read_by_the_staff_of_its_jugendamt(w):
    own = set(AuditEvent.objects.filter(jugendamt=w["ja1"]))
    foreign = set(AuditEvent.objects.filter(jugendamt=w["ja2"]))
    without_jugendamt = set(AuditEvent.objects.filter(jugendamt__isnull=True))
    assert own and foreign and without_jugendamt  # the world wrote events of each kind
    assert_rule(
        w,
        audit_policy,
        "view",
        {
            **dict.fromkeys(STAFF_1, own),
            "root": own | foreign | without_jugendamt,
            "fremd": foreign,
        },
    )
    for jugendamt in (w["ja1"], w["ja1"].pk):
        assert_as_such(w, audit_policy, "view", {*STAFF_1, "root"}, obj=jugendamt)


def test_staff_without_a_jugendamt_read_no_event_not_even_those_of_no_jugendamt(w):
    user = w.users["ohne_jugendamt"]
    assert audit_policy.user_can(user, "view")  # the role may read history as such ...
    assert not audit_policy.instances_for(user, "view").exists()  # ... but has none
