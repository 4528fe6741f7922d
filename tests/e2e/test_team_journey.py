"""Issue 15, part A in Chromium: a team is set up and holds its first meeting (invitation
with a calendar entry read back from the outbox, attendance, minutes, task, correction).

Writes test-artifacts/team-a-*.png.
"""

import pytest
from django.core.cache import cache

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_team import play_team_setup


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_jugendamt_sets_up_a_team_and_holds_its_first_meeting(browser, live_server, settings):
    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    settings.POST_OFFICE = {
        **getattr(settings, "POST_OFFICE", {}),
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    cache.clear()
    seed_demo()
    ids = play_team_setup(browser, live_server)
    from teams.models import Meeting

    meeting = Meeting.objects.get(pk=ids["meeting"])
    assert meeting.state == "held" and meeting.corrections.count() == 1
