import pytest
from django.core.management import CommandError, call_command

from sozialraeume import roles
from sozialraeume.models import Kita, Sozialraum, Traeger, User

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Sozialraum.objects.count(),
        Kita.objects.count(),
        Traeger.objects.count(),
        User.objects.count(),
    )


def test_seed_demo_creates_the_demo_city(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert Sozialraum.objects.filter(jugendamt__name="Stadt Bad Kreuznach").count() == 8
    assert Kita.objects.count() == 32
    assert Traeger.objects.count() == 6
    per_sozialraum = [sr.kitas.count() for sr in Sozialraum.objects.all()]
    assert all(3 <= n <= 6 for n in per_sozialraum)
    assert set(User.objects.values_list("username", flat=True)) >= {
        "kita-leitung",
        "traeger",
        "jugendamt",
        "jugendamt-leitung",
        "ausschuss",
        "admin",
    }
    assert all(name.startswith("Demo-") for name in Kita.objects.values_list("name", flat=True))


def test_seed_demo_twice_creates_no_duplicates(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert Kita.objects.count() == 0
    call_command("seed_demo", "--force", verbosity=0)
    assert Kita.objects.count() == 32


def test_demo_users_have_their_roles_and_links(demo):
    users = {u.username: u for u in User.objects.prefetch_related("groups", "kitas")}
    expected = {
        "kita-leitung": roles.KITA_LEITUNG,
        "traeger": roles.TRAEGER,
        "jugendamt": roles.JUGENDAMT,
        "jugendamt-leitung": roles.JUGENDAMT_LEITUNG,
        "ausschuss": roles.AUSSCHUSS,
        "admin": roles.ADMINISTRATION,
    }
    for username, role in expected.items():
        assert [g.name for g in users[username].groups.all()] == [role]
        assert users[username].jugendamt == demo
    assert users["kita-leitung"].kitas.count() == 1
    assert users["traeger"].traeger is not None
    assert users["admin"].is_superuser
    assert users["jugendamt"].is_staff and not users["jugendamt"].is_superuser
    assert not users["ausschuss"].is_staff


def test_demo_passwords_are_hashed_with_argon2(demo):
    user = User.objects.get(username="jugendamt")
    assert user.password.startswith("argon2")
    assert user.check_password("demo")
