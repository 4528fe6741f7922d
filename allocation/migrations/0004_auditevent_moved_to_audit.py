"""AuditEvent now lives in the ``audit`` app: drop it from allocation's state only.

The table stays (``audit.AuditEvent`` uses ``db_table = "allocation_auditevent"``).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("allocation", "0003_budget_years_plans_lines_reallocations"),
        ("audit", "0001_auditevent_moved_from_allocation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
            database_operations=[],
        ),
    ]
