"""Issue 17 (E1) in Chromium: the evaluation survey on the demo, axe-core on every page.

The Jugendamt opens its core-team instrument and the open wave T2, a respondent without
an account answers through a personal link, the Jugendamt sees the progress. Screenshots:
test-artifacts/eval-*.png.
"""

import pytest

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_evaluation import play_evaluation


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_respondent_answers_the_evaluation_through_a_personal_link(browser, live_server):
    from evaluation.models import Answer, Invitation, Submission

    seed_demo()
    wave, before, after = play_evaluation(browser, live_server)
    assert after == before + 1
    assert Submission.objects.filter(wave=wave).count() == 1
    assert Invitation.objects.get(email="browser.probe@example.invalid").answered
    assert Answer.objects.filter(submission__wave=wave, text__startswith="Mehr Austausch").exists()
