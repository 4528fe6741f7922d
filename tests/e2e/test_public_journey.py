"""Issue 17 in Chromium: the public results page of the demo (``journey_public``): 404
while off, the Leitung switches it on, anonymous readers see Sozialraum figures and no
Kita name (axe-core at 1280 and 768 px), switched off it is 404 at once.

Screenshots: test-artifacts/public-*.png.
"""

import pytest

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_public import play_public


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_public_results_page_switched_on_and_off(browser, live_server):
    from audit.models import AuditEvent

    seed_demo()
    shown = play_public(browser, live_server)
    assert len(shown) >= 3
    events = AuditEvent.objects.filter(action="jugendamt.public_page_change").order_by("pk")
    assert [e.new["public_page_enabled"] for e in events] == [True, False]
