"""Create the instrument version SRB-2021 from surveys/instrument.py."""

from django.db import migrations

CODE = "SRB-2021"


def create_instrument(apps, schema_editor):
    from surveys import instrument

    Instrument = apps.get_model("surveys", "Instrument")
    Instrument.objects.update_or_create(
        code=CODE,
        defaults={
            "name": instrument.INSTRUMENT_NAMES[CODE],
            "definition": instrument.definition(CODE),
        },
    )


def delete_instrument(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Instrument.objects.filter(code=CODE, rounds__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create_instrument, delete_instrument)]
