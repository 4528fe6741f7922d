"""AuditEvent moves from ``allocation`` to ``audit`` in the migration state only.

The table ``allocation_auditevent``, its index and its PostgreSQL trigger (allocation
0001/0002) stay untouched; ``allocation.0004`` removes the model from allocation's state.
The content type is renamed so that permissions and admin log entries follow the model.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to_audit(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="audit", model="auditevent").exists():
        ContentType.objects.filter(app_label="allocation", model="auditevent").update(
            app_label="audit"
        )


def content_type_to_allocation(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="allocation", model="auditevent").exists():
        ContentType.objects.filter(app_label="audit", model="auditevent").update(
            app_label="allocation"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("allocation", "0003_budget_years_plans_lines_reallocations"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sozialraeume", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="Zeitpunkt")),
                        ("action", models.CharField(db_index=True, max_length=60, verbose_name="Aktion")),
                        ("object_type", models.CharField(max_length=60, verbose_name="Objekttyp")),
                        ("object_id", models.CharField(max_length=40, verbose_name="Objekt-ID")),
                        ("object_repr", models.CharField(max_length=300, verbose_name="Objekt")),
                        ("old", models.JSONField(blank=True, encoder=django.core.serializers.json.DjangoJSONEncoder, null=True, verbose_name="alter Wert")),
                        ("new", models.JSONField(blank=True, encoder=django.core.serializers.json.DjangoJSONEncoder, null=True, verbose_name="neuer Wert")),
                        ("reason", models.TextField(blank=True, verbose_name="Begründung")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="Person")),
                        ("jugendamt", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="sozialraeume.jugendamt", verbose_name="Jugendamt")),
                    ],
                    options={
                        "verbose_name": "Protokolleintrag",
                        "verbose_name_plural": "Protokoll",
                        "db_table": "allocation_auditevent",
                        "ordering": ["at", "pk"],
                        "indexes": [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_audit, content_type_to_allocation),
    ]
