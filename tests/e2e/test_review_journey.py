"""Issue 15, part B in a real browser: release requested and approved, the yearly summary
and its XLSX, the review held with the team and decided "adjust" by the Leitung."""

import pytest

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_review import play_release_and_review


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_release_and_review_in_a_sozialraum(browser, live_server):
    from allocation.models import AllocationPlan

    seed_demo()
    plan_id = play_release_and_review(browser, live_server)
    plan = AllocationPlan.objects.get(pk=plan_id)
    assert plan.state == "draft"
    assert plan.approval_revoked_reason.startswith("Überprüfung der Verteilung")
