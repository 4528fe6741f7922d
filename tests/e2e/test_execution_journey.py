"""Issue 16, part P3 in Chromium: the Jugendamt reads the budget execution, proposes to
reallocate what the positions do not spend, the Leitung approves
(``tests/e2e/journey_execution.py``)."""

from decimal import Decimal

import pytest

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_execution import play_execution


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_jugendamt_reallocates_unspent_money_of_the_execution_and_the_leitung_approves(
    browser, live_server
):
    from srb_project.numbers import parse_number

    seed_demo()
    source, amount, reallocation = play_execution(browser, live_server)
    assert reallocation.from_sozialraum.name == source
    assert reallocation.source == "actual"
    assert reallocation.amount == parse_number(amount) > Decimal("0")
