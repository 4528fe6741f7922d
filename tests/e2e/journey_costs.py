"""Browser step of issue 16, part P2: actual costs imported, confirmed, corrected (four eyes).

``play_costs(browser, live_server)`` is a plain function (no test) so the budget year's
journey (``tests/e2e/test_budget_execution_year.py``) can chain it after the positions step.

Preconditions (the demo, ``seed_demo()``): the users ``traeger``, ``jugendamt`` and
``jugendamt-leitung``; the budget year 2026 of the demo Jugendamt has at least one
position employed by the demo Träger (``positions.demo``) with a month without actual
costs (``positions.demo_costs`` reports January to October, so November or December is
free) and a position of another Träger. The step:

1. as ``traeger``: imports an XLSX with its own position's free month and another
   Träger's position: refused, German message, nothing saved; then the fixed file: saved;
2. as ``jugendamt``: confirms the month, then proposes a correction with a reason; the
   page shows why the proposer cannot confirm it;
3. as ``jugendamt-leitung``: confirms the correction; the old row is "ersetzt".

Returns (position, month, corrected amount). Screenshots: test-artifacts/pos-p2-*.png.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import ARTIFACTS
from tests.e2e.a11y import assert_accessible
from tests.e2e.helpers import role_page, shot, visit


def _checked_shot(page, name: str, section: str | None = None) -> None:
    """axe on the page as it is (after a POST, without reloading it), then a screenshot:
    of the whole page, or of one position's section (the staff's list is long)."""
    assert_accessible(page, context=name)
    if section is None:
        shot(page, name)
    else:
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(section).screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _german(amount: Decimal) -> str:
    from srb_project.numbers import german

    return german(amount)


def _setting():
    """The Träger's position with a free month, that month, and another Träger's position."""
    from allocation.models import BudgetYear
    from positions.models import ActualCost, Position
    from positions.selectors_costs import current_costs
    from positions.services.costs import position_months_in_year
    from sozialraeume.models import User

    traeger = User.objects.get(username="traeger")
    year = BudgetYear.objects.get(jugendamt=traeger.jugendamt, year=2026)
    positions = Position.objects.filter(budget_year=year).select_related("budget_year")
    for position in positions.filter(employer_id=traeger.traeger_id).order_by("number"):
        taken = {
            c.period_start.month
            for c in ActualCost.objects.filter(current_costs(), position=position)
        }
        free = [m for m in reversed(position_months_in_year(position)) if m.month not in taken]
        if free:
            foreign = positions.exclude(employer_id=traeger.traeger_id).order_by("number").first()
            assert foreign is not None, "the demo has no position of another Träger"
            return year, position, free[0], foreign
    raise AssertionError("no position of the demo Träger with a month free of actual costs")


def _xlsx(rows) -> Path:
    from tests.positions.factories_costs import xlsx_bytes

    path = Path(tempfile.mkdtemp()) / "ist-kosten.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    return path


def play_costs(browser, live_server):
    from positions.models import ActualCost, CostState
    from positions.services.costs import planned_for

    year, position, month, foreign = _setting()
    amount = planned_for(position, 1)
    corrected = amount + Decimal("50.00")
    label = f"{month:%m/%Y}"
    list_url = f"{live_server.url}/stellen/kosten/{year.pk}/"
    section = f"#stelle-{position.pk}"

    # 1. the Träger imports: one row of another Träger's position -> nothing saved
    with role_page(browser, live_server, "traeger") as page:
        visit(page, list_url)
        expect(page.locator("body")).not_to_contain_text(foreign.number)
        page.get_by_role("link", name="Ist-Kosten importieren (XLSX/CSV)").click()
        bad = _xlsx(
            [
                (position.number, f"{month:%m.%Y}", "", _german(amount)),
                (foreign.number, f"{month:%m.%Y}", "", "1.000,00"),
            ]
        )
        page.get_by_label("Datei (XLSX oder CSV)").set_input_files(str(bad))
        page.get_by_role("button", name="Importieren").click()
        problems = page.get_by_test_id("import-problems")
        expect(problems).to_contain_text("Nichts gespeichert")
        expect(problems).to_contain_text(
            f"Zeile 3: Stelle {foreign.number} ist unbekannt oder nicht Ihre."
        )
        _checked_shot(page, "pos-p2-import-refused")
        assert not ActualCost.objects.filter(position=position, period_start=month).exists()
        good = _xlsx([(position.number, f"{month:%m.%Y}", "", _german(amount))])
        page.get_by_label("Datei (XLSX oder CSV)").set_input_files(str(good))
        page.get_by_role("button", name="Importieren").click()
        expect(page.locator(".alert-success")).to_contain_text("1 Zeitraum/Zeiträume neu gemeldet")
        _checked_shot(page, "pos-p2-traeger-list", section)
    cost = ActualCost.objects.get(position=position, period_start=month, state=CostState.REPORTED)
    assert cost.amount == amount

    # 2. the Jugendamt confirms, then proposes a correction
    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, list_url)
        page.locator(section).get_by_role("button", name=f"{label} bestätigen", exact=True).click()
        expect(page.locator(".alert-success")).to_contain_text(f"für {label} sind bestätigt")
        page.locator(section).get_by_role("link", name=f"{label} korrigieren").click()
        visit(page, page.url)
        page.get_by_label("korrigierte Ist-Personalkosten (€)").fill(_german(corrected))
        page.get_by_label("Grund der Korrektur").fill("Nachberechnung der Sozialversicherung")
        shot(page, "pos-p2-correction-form")
        page.get_by_role("button", name="Korrektur vorschlagen").click()
        expect(page.locator(".alert-success")).to_contain_text("zweite Person")
        expect(page.locator(section)).to_contain_text("bestätigen muss sie eine zweite Person")
        expect(
            page.locator(section).get_by_role("button", name=f"Korrektur {label} bestätigen")
        ).to_have_count(0)
        _checked_shot(page, "pos-p2-correction-waiting", section)

    # 3. the Leitung confirms the correction (the second person)
    with role_page(browser, live_server, "jugendamt-leitung") as page:
        visit(page, list_url)
        page.locator(section).get_by_role("button", name=f"Korrektur {label} bestätigen").click()
        expect(page.locator(".alert-success")).to_contain_text("sind bestätigt")
        expect(page.locator(section)).to_contain_text("ersetzt")
        _checked_shot(page, "pos-p2-correction-confirmed", section)
    cost.refresh_from_db()
    assert cost.state == CostState.SUPERSEDED
    current = ActualCost.objects.get(supersedes=cost)
    assert (current.state, current.amount) == (CostState.CONFIRMED, corrected)
    assert current.confirmed_by.username == "jugendamt-leitung"
    return position, month, corrected
