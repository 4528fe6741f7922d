from django.db import migrations

JUGENDAMT = {"name": "Stadt Bad Kreuznach", "slug": "bad-kreuznach"}
SOZIALRAEUME = [
    ("Pariser Viertel", ""),
    ("Ost", ""),
    ("Nord", ""),
    ("Winzenheim", ""),
    ("Süd-West", ""),
    ("Planig / Ippesheim / Bosenheim", ""),
    ("BME", "Bad Münster am Stein-Ebernburg"),
    ("Innenstadt", ""),
]


def create(apps, schema_editor):
    Jugendamt = apps.get_model("sozialraeume", "Jugendamt")
    Sozialraum = apps.get_model("sozialraeume", "Sozialraum")
    ja, _ = Jugendamt.objects.get_or_create(slug=JUGENDAMT["slug"], defaults={"name": JUGENDAMT["name"]})
    for position, (name, description) in enumerate(SOZIALRAEUME):
        Sozialraum.objects.get_or_create(
            jugendamt=ja, name=name, defaults={"position": position, "description": description}
        )


def remove(apps, schema_editor):
    Jugendamt = apps.get_model("sozialraeume", "Jugendamt")
    Sozialraum = apps.get_model("sozialraeume", "Sozialraum")
    Sozialraum.objects.filter(jugendamt__slug=JUGENDAMT["slug"], kitas__isnull=True).delete()
    Jugendamt.objects.filter(slug=JUGENDAMT["slug"], sozialraeume__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sozialraeume", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
