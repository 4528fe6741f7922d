"""Issue 15, part D in Chromium: a Kita leader comments on a line of the own Kita in the
consultation, the Jugendamt answers, the Leitung accepts an FS3 exception.

Writes test-artifacts/team-d-*.png.
"""

import pytest
from django.core.cache import cache

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_consultation import play_consultation


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_kita_leader_comments_jugendamt_answers_leitung_accepts_fs3_exception(browser, live_server):
    cache.clear()
    seed_demo()
    ids = play_consultation(browser, live_server)
    from allocation.models import AllocationLine, PlanComment

    assert PlanComment.objects.get(pk=ids["answer"]).reply_to_id == ids["comment"]
    assert AllocationLine.objects.get(pk=ids["fs3_line"]).exception_accepted_at is not None
