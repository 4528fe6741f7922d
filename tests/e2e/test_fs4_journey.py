"""Issue 15, part C in Chromium: the Träger requests FS4 staff with a PDF, the Jugendamt
accepts it, and an FS4 line linked to it is planned (``tests/e2e/journey_fs4.py``)."""

import pytest

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_fs4 import play_fs4_request


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_traeger_requests_fs4_jugendamt_accepts_and_plans_the_linked_line(browser, live_server):
    seed_demo()
    request, line = play_fs4_request(browser, live_server)
    assert request.is_accepted and request.decided_by.username == "jugendamt"
    assert request.attachments.count() == 1
    assert line.strand == "FS4" and line.fs4_request_id == request.pk
