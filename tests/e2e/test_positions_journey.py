"""Issue 16, part P1 in Chromium: the Jugendamt creates positions from an approved plan's
lines, marks one vacant January–May and checks its qualification; the Träger sees only its
own positions (``tests/e2e/journey_positions.py``)."""

import pytest

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_positions import play_positions


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_jugendamt_creates_positions_from_the_decision_and_traeger_sees_only_its_own(
    browser, live_server
):
    seed_demo()
    position = play_positions(browser, live_server)
    vacant = [m.month.month for m in position.months.filter(filled=False)]
    assert vacant == [1, 2, 3, 4, 5]
    assert position.qualification.code == "ERZ"
    assert position.qualification_checked_by.username == "jugendamt"
