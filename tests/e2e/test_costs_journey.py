"""Issue 16, part P2 in Chromium: the Träger imports actual costs (a bad file saves
nothing), the Jugendamt confirms and corrects, the Leitung confirms the correction
(``tests/e2e/journey_costs.py``)."""

import pytest

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_costs import play_costs


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_traeger_imports_costs_jugendamt_confirms_and_a_second_person_confirms_the_correction(
    browser, live_server
):
    seed_demo()
    position, month, corrected = play_costs(browser, live_server)
    assert position.costs.filter(period_start=month, state="confirmed").get().amount == corrected
