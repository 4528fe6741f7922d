"""The audit event's time comes from the database; room for the hash chain.

``at`` gets the database default ``STATEMENT_TIMESTAMP()`` instead of Python's clock (the
insert trigger of 0004 refuses any other value); ``chain_seq``, ``prev_hash`` and
``hash`` are added with placeholder defaults that 0003 fills for the existing rows.
"""

import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_auditevent_moved_from_allocation")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                db_index=True,
                editable=False,
                verbose_name="Zeitpunkt",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_seq",
            field=models.BigIntegerField(
                db_default=0, editable=False, verbose_name="Nr. in der Kette"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                db_default="",
                editable=False,
                max_length=64,
                verbose_name="Prüfwert des Vorgängers",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(
                db_default="", editable=False, max_length=64, verbose_name="Prüfwert"
            ),
        ),
    ]
