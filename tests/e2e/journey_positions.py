"""Browser step of issue 16, part P1: positions from an approved plan's lines.

``play_positions(browser, live_server)`` is a plain function (no test) so the budget year's
journey (``tests/e2e/test_budget_execution_year.py``) can chain it.

Preconditions (the demo, ``seed_demo()``): the users ``jugendamt`` and ``traeger``; an
approved 2026 plan with lines without positions (``positions.demo`` leaves the plan of the
last Sozialraum for this step); positions of other Träger exist (``positions.demo``).

Steps: as ``jugendamt`` open the approved plan, follow "Stellen aus dem Beschluss
anlegen", create one position per line, mark the first new position vacant January–May,
check its qualification's proof; as ``traeger`` the positions list shows only positions the
Träger employs. Returns the first new position (read back from the database).

Screenshots: test-artifacts/pos-p1-plan-lines.png, pos-p1-months.png, pos-p1-detail.png,
pos-p1-traeger-list.png.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import role_page, shot, visit


def _open_plan():
    from allocation.models import AllocationPlan

    return (
        AllocationPlan.objects.filter(
            budget_year__year=2026, state="approved", lines__positions=None
        )
        .distinct()
        .order_by("-sozialraum__position")
        .first()
    )


def play_positions(browser, live_server):
    from positions.models import Position
    from sozialraeume.models import User

    plan = _open_plan()
    assert plan is not None, "no approved 2026 plan with lines without positions"
    line_count = plan.lines.count()
    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, f"{live_server.url}/verteilung/plan/{plan.pk}/")
        page.get_by_test_id("plan-positions-link").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Stellen aus dem Beschluss anlegen"
        )
        visit(page, page.url, name="pos-p1-plan-lines")
        for _ in range(line_count):
            row = page.get_by_test_id("open-lines").locator("tbody tr").first
            row.get_by_label("Qualifikation").select_option(
                label="staatlich anerkannte Erzieherin/Erzieher"
            )
            row.get_by_role("button", name="Stellen anlegen").click()
            expect(page.locator(".alert-success, .alert").first).to_contain_text("Angelegt:")
        expect(page.get_by_test_id("open-lines")).to_contain_text(
            "Für alle Zeilen sind Stellen angelegt."
        )
        first = Position.objects.filter(line__plan=plan).order_by("number").first()
        page.get_by_test_id("done-lines").get_by_role("link", name=first.number).click()
        page.get_by_role("link", name="Besetzung je Monat").click()
        for month in ("Januar", "Februar", "März", "April", "Mai"):
            page.get_by_label(f"{month} 2026").uncheck()
        shot(page, "pos-p1-months")
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_test_id("months")).to_contain_text("unbesetzt")
        page.get_by_label("Nachweis geprüft am").fill("2026-01-15")
        page.get_by_test_id("check-form").get_by_role("button", name="Nachweis geprüft").click()
        expect(page.get_by_test_id("qualification-check")).to_contain_text("15.01.2026")
        visit(page, page.url, name="pos-p1-detail")

    traeger = User.objects.get(username="traeger")
    own = set(
        Position.objects.filter(employer_id=traeger.traeger_id).values_list("number", flat=True)
    )
    others = Position.objects.exclude(employer_id=traeger.traeger_id).values_list(
        "number", flat=True
    )
    with role_page(browser, live_server, "traeger") as page:
        visit(page, f"{live_server.url}/stellen/?jahr=2026", name="pos-p1-traeger-list")
        table = page.get_by_test_id("positions")
        for number in own:
            expect(table).to_contain_text(number)
        text = table.inner_text()
        assert not [n for n in others if n in text], "a Träger sees another Träger's position"
    first.refresh_from_db()
    return first
