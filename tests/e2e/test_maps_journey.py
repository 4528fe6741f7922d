"""Issue 18 in Chromium: the maps of the demo (``journey_maps``) in the committee report
(Sozialraum level, no Kita point; axe-core) and on the staff page with the Kita points.

Screenshots: test-artifacts/map-committee.png, test-artifacts/map-staff.png.
"""

import pytest

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_maps import play_maps


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_maps_in_the_committee_report_and_for_staff(browser, live_server):
    from sozialraeume import demo_geo
    from sozialraeume.models import Kita

    seed_demo()
    demo_geo.seed()
    shown = play_maps(browser, live_server)
    assert shown == Kita.objects.filter(sozialraum__jugendamt__slug="bad-kreuznach").count()
