"""Issue 17 in Chromium, on one seeded demo, axe-core on every page:

1. the evaluation survey: the Jugendamt opens its core-team instrument and the open wave
   T2, a respondent without an account answers through a personal link, the Jugendamt sees
   the progress (``journey_evaluation``; screenshots test-artifacts/eval-*.png);
2. the public results page: 404 while off, the Leitung switches it on, anonymous readers
   see Sozialraum figures and no Kita name (at 1280 and 768 px), switched off it is 404 at
   once (``journey_public``; screenshots test-artifacts/public-*.png).
"""

import pytest

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_evaluation import play_evaluation
from tests.e2e.journey_public import play_public


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_evaluation_survey_and_the_public_results_page(browser, live_server):
    from audit.models import AuditEvent
    from evaluation.models import Answer, Invitation, Submission

    seed_demo()

    # 1. A respondent answers the evaluation through a personal link, without an account.
    wave, before, after = play_evaluation(browser, live_server)
    assert after == before + 1
    assert Submission.objects.filter(wave=wave).count() == 1
    assert Invitation.objects.get(email="browser.probe@example.invalid").answered
    assert Answer.objects.filter(submission__wave=wave, text__startswith="Mehr Austausch").exists()

    # 2. The public page, switched on and off by the Leitung.
    shown = play_public(browser, live_server)
    assert len(shown) >= 3
    events = AuditEvent.objects.filter(action="jugendamt.public_page_change").order_by("pk")
    assert [e.new["public_page_enabled"] for e in events] == [True, False]
