"""The import of actual costs (issue 16, part P2): XLSX and CSV with German headers and
numbers, all or nothing, German messages per line, a Träger only its own positions."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from audit.models import AuditEvent
from positions.import_costs import import_file, template_xlsx_bytes
from positions.models import ActualCost, CostState
from surveys.exchange import ImportProblem
from tests.positions.factories import make_position, position_world
from tests.positions.factories_costs import HEADER, csv_bytes, make_cost, xlsx_bytes

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def w():
    world, plan, position = position_world()
    world.position = position
    world.foreign = make_position(
        budget_year=world.budget_year,
        kita=world.kitas["B"],
        employer=world.other_traeger,
        number="2026-1-002",
    )
    return world


def run(w, content, name="kosten.xlsx", user=None):
    return import_file(
        budget_year=w.budget_year,
        content=content,
        filename=name,
        acting_user=user or w.traeger_user,
    )


def problems(w, content, name="kosten.xlsx", user=None) -> list[str]:
    with pytest.raises(ImportProblem) as exc:
        run(w, content, name, user)
    return exc.value.messages


def test_an_xlsx_with_german_and_plain_numbers_is_imported(w):
    content = xlsx_bytes(
        [
            ("2026-1-001", "01.2026", "", "2.916,67"),
            ("2026-1-001", "2026-02", "2026-02", "2916.67"),
            ("2026-1-001", "04.2026", "06.2026", 8750.01),
        ]
    )
    result = run(w, content)
    assert result == {"reported": 3, "changed": 0, "total": Decimal("14583.35")}
    rows = ActualCost.objects.order_by("period_start")
    assert [(r.period_start, r.period_end, r.amount) for r in rows] == [
        (D(2026, 1, 1), D(2026, 1, 31), Decimal("2916.67")),
        (D(2026, 2, 1), D(2026, 2, 28), Decimal("2916.67")),
        (D(2026, 4, 1), D(2026, 6, 30), Decimal("8750.01")),
    ]
    event = AuditEvent.objects.get(action="actual_cost.import")
    assert event.new["rows"] == 3 and event.new["source"] == "kosten.xlsx"


def test_one_bad_row_saves_nothing_and_every_problem_names_its_line(w):
    content = csv_bytes(
        [
            ("2026-1-001", "01.2026", "", "2.500,00"),
            ("2026-1-001", "02.2026", "", "zwei"),
            ("2026-1-001", "13.2026", "", "100"),
            ("2026-1-001", "03.2026", "04.2026", "100"),
        ]
    )
    found = problems(w, content, "kosten.csv")
    assert any(m.startswith("Zeile 3: „Ist-Kosten“: „zwei“ ist keine Zahl") for m in found), found
    assert any(m.startswith("Zeile 4: „von“: „13.2026“ ist kein Monat") for m in found), found
    assert any(m.startswith("Zeile 5: Bitte einen Monat oder ein Quartal") for m in found), found
    assert not ActualCost.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="actual_cost").exists()


def test_a_problem_found_while_writing_rolls_back_the_rows_before_it(w):
    make_cost(
        w.position,
        month=3,
        amount="2500.00",
        state=CostState.CONFIRMED,
        reported_by=w.staff,
        confirmed_by=w.staff,
    )
    content = xlsx_bytes(
        [("2026-1-001", "01.2026", "", "100,00"), ("2026-1-001", "03.2026", "", "2.600,00")]
    )
    found = problems(w, content)
    assert found == [
        "Zeile 3: Die Ist-Kosten der Stelle 2026-1-001 für 03/2026 sind schon bestätigt; "
        "eine Änderung ist eine Korrektur (auf der Seite der Ist-Kosten)."
    ]
    assert ActualCost.objects.count() == 1


def test_a_traeger_gets_the_same_message_for_a_foreign_and_an_unknown_number(w):
    content = xlsx_bytes(
        [("2026-1-002", "01.2026", "", "100,00"), ("2026-9-999", "01.2026", "", "100,00")]
    )
    assert problems(w, content) == [
        "Zeile 2: Stelle 2026-1-002 ist unbekannt oder nicht Ihre.",
        "Zeile 3: Stelle 2026-9-999 ist unbekannt oder nicht Ihre.",
    ]
    # the Jugendamt reports for any Träger of its own
    assert run(w, xlsx_bytes([("2026-1-002", "01.2026", "", "100")]), user=w.staff)


def test_reimporting_a_reported_month_changes_it_and_a_duplicate_in_the_file_is_refused(w):
    run(w, xlsx_bytes([("2026-1-001", "01.2026", "", "100,00")]))
    assert run(w, xlsx_bytes([("2026-1-001", "01.2026", "", "150,00")]))["changed"] == 1
    assert ActualCost.objects.get().amount == Decimal("150.00")
    found = problems(
        w,
        xlsx_bytes(
            [("2026-1-001", "04.2026", "06.2026", "100"), ("2026-1-001", "05.2026", "", "1")]
        ),
    )
    assert found == ["Zeile 3: Der Zeitraum steht für diese Stelle schon in Zeile 2."]


def test_missing_columns_and_unknown_columns_are_named(w):
    found = problems(w, xlsx_bytes([("2026-1-001", "100")], header=["Stelle", "Betrag"]))
    assert "Unbekannte Spalte „Betrag“." in found
    assert "Die Pflichtspalte „von“ fehlt." in found


def test_the_template_lists_the_traegers_months_and_reads_back_unchanged(w):
    make_cost(w.position, month=1, amount="2500.00", reported_by=w.traeger_user)
    content = template_xlsx_bytes(budget_year=w.budget_year, user=w.traeger_user)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:5]) == [
        "Stellennummer",
        "Kita",
        "von (Monat)",
        "bis (Monat)",
        "Ist-Kosten (€)",
    ]
    assert {r[0] for r in rows[1:]} == {"2026-1-001"}  # not the other Träger's position
    assert len(rows) == 13 and rows[1][2:5] == ("01.2026", "01.2026", 2500)
    # filled in and imported as it is
    sheet.cell(row=3, column=5, value=2600.5)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    assert run(w, buffer.getvalue()) == {
        "reported": 1,
        "changed": 0,
        "total": Decimal("5100.50"),
    }
    assert HEADER[0] == rows[0][0]
