"""Issue 16 in Chromium: from the decision to reality in the budget year 2026 of the demo.

The demo is seeded once for all three steps, each in the browser with axe-core on every page:

1. the Jugendamt creates positions from an approved plan's lines, marks one vacant
   January–May and checks its qualification; the Träger sees only its own positions
   (``journey_positions``);
2. the Träger imports actual costs (a file with another Träger's position saves nothing),
   the Jugendamt confirms and proposes a correction, the Leitung confirms it as the second
   person (``journey_costs``);
3. the Jugendamt reads the budget execution, proposes to reallocate what the positions do
   not spend, the Leitung approves (``journey_execution``);
4. the Leitung reads the proof of use for the Land, its sign-off is refused while reported
   costs wait, the PDF holds the page's figures (``journey_proof``).

Each journey states its preconditions on the demo; the steps before it keep them.

Screenshots: test-artifacts/pos-p{1,2,3,4}-*.png.
"""

from decimal import Decimal

import pytest

from tests.e2e.helpers import seed_demo
from tests.e2e.journey_costs import play_costs
from tests.e2e.journey_execution import play_execution
from tests.e2e.journey_positions import play_positions
from tests.e2e.journey_proof import play_proof


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_positions_actual_costs_and_execution_of_the_budget_year(browser, live_server):
    from srb_project.numbers import parse_number

    seed_demo()

    # 1. Positions from the decision; the Träger sees only its own.
    position = play_positions(browser, live_server)
    vacant = [m.month.month for m in position.months.filter(filled=False)]
    assert vacant == [1, 2, 3, 4, 5]
    assert position.qualification.code == "ERZ"
    assert position.qualification_checked_by.username == "jugendamt"

    # 2. Actual costs imported, confirmed, corrected by four eyes.
    cost_position, month, corrected = play_costs(browser, live_server)
    confirmed = cost_position.costs.filter(period_start=month, state="confirmed").get()
    assert confirmed.amount == corrected

    # 3. Unspent money of the execution reallocated, approved by the Leitung.
    source, amount, reallocation = play_execution(browser, live_server)
    assert reallocation.from_sozialraum.name == source
    assert reallocation.source == "actual"
    assert reallocation.amount == parse_number(amount) > Decimal("0")

    # 4. The proof of use shows the reallocation; the sign-off waits for the open costs.
    figures = play_proof(browser, live_server)
    assert figures["proof-actual-cost"].endswith("€")
    from positions.models import ProofSignOff

    assert not ProofSignOff.objects.exists()
