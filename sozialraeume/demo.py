"""Demo data for the master-data app: Träger, 32 invented Kitas and one user per role.

Idempotent: running it again finds what is there and creates nothing twice.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from sozialraeume import roles
from sozialraeume.master_data import BAD_KREUZNACH, BAD_KREUZNACH_SOZIALRAEUME
from sozialraeume.models import Jugendamt, Kita, Sozialraum, Traeger

DEMO_PASSWORD = "demo"

TRAEGER = [
    "Demo-Träger Sonnenschein e. V.",
    "Demo-Kirchengemeinde St. Beispiel",
    "Demo-Stadt Kitabetrieb",
    "Demo-Elterninitiative Regenbogen",
    "Demo-Wohlfahrtsverband Musterhilfe",
    "Demo-Stiftung Kinderglück",
]
# Kitas per Sozialraum (3 to 6, 32 in all), in the order of BAD_KREUZNACH_SOZIALRAEUME.
KITAS_PER_SOZIALRAUM = [6, 4, 5, 3, 4, 3, 3, 4]
KITA_WORDS = [
    "Pusteblume",
    "Wirbelwind",
    "Sternschnuppe",
    "Löwenzahn",
    "Kunterbunt",
    "Spatzennest",
    "Zauberwald",
    "Sonnenblume",
    "Marienkäfer",
    "Regenbogen",
    "Schatzkiste",
    "Wolkenschiff",
    "Purzelbaum",
    "Glühwürmchen",
    "Rasselbande",
    "Seepferdchen",
    "Traumland",
    "Kuschelbär",
    "Abenteuerland",
    "Flohkiste",
    "Himmelszelt",
    "Klatschmohn",
    "Mondschein",
    "Pfiffikus",
    "Räuberhöhle",
    "Schneckenhaus",
    "Tausendfüßler",
    "Wiesenzwerge",
    "Zwergenland",
    "Bienenkorb",
    "Eulennest",
    "Fuchsbau",
]

DEMO_USERS = [
    ("kita-leitung", roles.KITA_LEITUNG, "Kim", "Leitung"),
    ("traeger", roles.TRAEGER, "Tara", "Träger"),
    ("jugendamt", roles.JUGENDAMT, "Jana", "Fachkraft"),
    ("jugendamt-leitung", roles.JUGENDAMT_LEITUNG, "Jonas", "Leitung"),
    ("ausschuss", roles.AUSSCHUSS, "Anna", "Ausschuss"),
    ("admin", roles.ADMINISTRATION, "Ada", "Admin"),
]


def seed(stdout=None):
    jugendamt, _ = Jugendamt.objects.get_or_create(
        slug=BAD_KREUZNACH["slug"], defaults={"name": BAD_KREUZNACH["name"]}
    )
    sozialraeume = []
    for position, (name, description) in enumerate(BAD_KREUZNACH_SOZIALRAEUME):
        sr, _ = Sozialraum.objects.get_or_create(
            jugendamt=jugendamt,
            name=name,
            defaults={"position": position, "description": description},
        )
        sozialraeume.append(sr)
    traeger = [Traeger.objects.get_or_create(jugendamt=jugendamt, name=name)[0] for name in TRAEGER]
    kitas = []
    words = iter(KITA_WORDS)
    n = 0
    for sr, count in zip(sozialraeume, KITAS_PER_SOZIALRAUM, strict=True):
        for _i in range(count):
            name = f"Demo-Kita {next(words)}"
            kita, _ = Kita.objects.get_or_create(
                sozialraum=sr,
                name=name,
                defaults={
                    "traeger": traeger[n % len(traeger)],
                    "street": f"Beispielweg {n + 1}",
                    "postal_code": "55543",
                    "city": "Bad Kreuznach",
                    "places": 40 + (n * 17) % 110,
                },
            )
            kitas.append(kita)
            n += 1

    User = get_user_model()
    password_hash = make_password(DEMO_PASSWORD)  # hashing is slow on purpose: do it once
    for username, role, first, last in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.invalid",
                "jugendamt": jugendamt,
                "is_staff": role in roles.STAFF_ROLES,
                "is_superuser": role == roles.ADMINISTRATION,
            },
        )
        if created:
            user.password = password_hash
            user.save(update_fields=["password"])
        elif not (user.first_name or user.last_name):
            # A demo database from before the names: pages name people, not logins.
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        user.groups.add(Group.objects.get(name=role))
        if role == roles.KITA_LEITUNG:
            user.kitas.add(kitas[0])
        if role == roles.TRAEGER and user.traeger_id is None:
            user.traeger = kitas[0].traeger
            user.save(update_fields=["traeger"])
    if stdout:
        stdout.write(
            f"Stammdaten: {len(sozialraeume)} Sozialräume, {len(kitas)} Kitas, "
            f"{len(DEMO_USERS)} Demo-Benutzer*innen"
        )
    return jugendamt
