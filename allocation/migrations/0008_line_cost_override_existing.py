"""Lines stored before the cost followed the FTE keep their amount, marked as set by hand.

From now on a line's cost is FTE × the budget year's rate of its strand unless it is
overridden with a reason. A line whose stored cost differs from that product was
entered by hand before: it is marked as overridden (with a reason saying so) so that the
next edit does not silently change its cost. Reverse: the marks are taken off again.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

REASON = "Vor der Berechnung aus dem Stellenanteil erfasst (bisheriger Betrag übernommen)."
DEFAULT_RATES = {"FS1": "70000.00", "FS2": "70000.00", "FS3": "65000.00", "FS4": "60000.00"}


def mark_hand_set_costs(apps, schema_editor):
    AllocationLine = apps.get_model("allocation", "AllocationLine")
    changed = []
    for line in AllocationLine.objects.select_related("plan__budget_year").iterator():
        rates = {**DEFAULT_RATES, **(line.plan.budget_year.fte_costs or {})}
        derived = (line.fte * Decimal(str(rates[line.strand]))).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        if line.annual_cost != derived:
            line.cost_override = True
            line.cost_override_reason = REASON
            changed.append(line)
    AllocationLine.objects.bulk_update(changed, ["cost_override", "cost_override_reason"])


def unmark(apps, schema_editor):
    AllocationLine = apps.get_model("allocation", "AllocationLine")
    AllocationLine.objects.filter(cost_override_reason=REASON).update(
        cost_override=False, cost_override_reason=""
    )


class Migration(migrations.Migration):
    dependencies = [("allocation", "0007_line_cost_override")]

    operations = [migrations.RunPython(mark_hand_set_costs, unmark)]
