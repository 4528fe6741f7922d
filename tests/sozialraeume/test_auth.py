import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from tests import shared_demo

pytestmark = pytest.mark.django_db

# The demo is seeded once for the module, each test runs in a savepoint of its own
# (tests/shared_demo.py).
demo_seeded = shared_demo.demo_seeded
demo = shared_demo.demo


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The reset limits count in the cache; each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


ROLES = ["kita-leitung", "traeger", "jugendamt", "jugendamt-leitung", "ausschuss", "admin"]


def test_login_page_is_german(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anmelden" in html
    assert "Benutzername" in html and "Passwort" in html
    assert '<html lang="de">' in html


@pytest.mark.parametrize("username", ROLES)
def test_each_demo_role_can_log_in_and_reaches_a_page(client, demo, username):
    response = client.post(
        "/accounts/login/", {"username": username, "password": "demo"}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user.username == username
    assert "Abmelden" in response.content.decode()


def test_wrong_password_shows_a_german_error(client, demo):
    response = client.post("/accounts/login/", {"username": "jugendamt", "password": "falsch"})
    assert response.status_code == 200
    assert "Groß-/Kleinschreibung" in (response.content.decode())


def test_five_failed_logins_lock_the_account_with_a_german_message(client, demo):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "jugendamt", "password": "falsch"})
    response = client.post("/accounts/login/", {"username": "jugendamt", "password": "demo"})
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(client, demo, role_users):
    client.force_login(role_users["jugendamt"])
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code in (200, 302)
    assert client.get(reverse("start")).status_code == 302


def test_start_page_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_password_reset_sends_a_german_mail(client, demo, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "jugendamt@demo.invalid"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "Passwort" in mailoutbox[0].subject
    assert "/accounts/reset/" in mailoutbox[0].body


def test_security_headers_are_set(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "same-origin"


def test_bootstrap_is_served_by_the_application_itself(client):
    html = client.get("/accounts/login/").content.decode()
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/bootstrap/css/bootstrap.min.css")
    assert finders.find("vendor/bootstrap/js/bootstrap.bundle.min.js")


def test_changing_the_password_logs_out_the_other_sessions(demo, role_users):
    from django.test import Client

    user = role_users["jugendamt"]
    laptop, tablet = Client(), Client()
    laptop.force_login(user)
    tablet.force_login(user)
    response = laptop.post(
        "/accounts/password_change/",
        {
            "old_password": "demo",
            "new_password1": "Neues-Passwort-2027!",
            "new_password2": "Neues-Passwort-2027!",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/einladen/").status_code == 200
    assert tablet.get("/einladen/").status_code == 302  # back to the login page


def test_password_rules_are_explained_in_german(client, role_users):
    client.force_login(role_users["jugendamt"])
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "demo", "new_password1": "12345", "new_password2": "12345"},
    )
    html = response.content.decode()
    assert "Dieses Passwort ist zu kurz" in html


# --- throttling that fits a proxy (issue 13, finding 9) ------------------------------

PASSWORD = "geheim-passwort-123"  # tests.factories.UserFactory


def _login(client, username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def _logged_in(response) -> bool:
    return response.status_code == 302 and not response["Location"].startswith("/accounts/")


@pytest.fixture
def people():
    from sozialraeume import roles
    from tests.factories import make_user

    return [make_user(roles.JUGENDAMT, username=f"person{i}") for i in range(7)]


def test_four_wrong_passwords_on_each_of_five_users_from_one_address_lock_the_address(
    client, people
):
    for person in people[:5]:
        for _ in range(4):
            _login(client, person.username, "falsch", "198.51.100.7")
    # the address is locked for everybody, the right password included
    response = _login(client, people[5].username, PASSWORD, "198.51.100.7")
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.content.decode()
    # no single username reached its limit: from elsewhere they all still log in
    from django.test import Client

    assert _logged_in(_login(Client(), people[0].username, PASSWORD, "203.0.113.9"))
    assert _logged_in(_login(Client(), people[5].username, PASSWORD, "203.0.113.9"))


def test_an_address_below_its_limit_is_not_locked(client, people):
    for person in people[:4]:
        for _ in range(4):
            _login(client, person.username, "falsch", "198.51.100.7")  # 16 < 20
    assert _logged_in(_login(client, people[5].username, PASSWORD, "198.51.100.7"))


def test_one_username_from_five_addresses_is_locked_wherever_it_comes_from(client, people):
    for i in range(5):
        _login(client, people[0].username, "falsch", f"198.51.100.{i + 1}")
    response = _login(client, people[0].username, PASSWORD, "203.0.113.9")
    assert response.status_code == 429
    # the addresses themselves are not locked for other people
    assert _logged_in(_login(client, people[1].username, PASSWORD, "198.51.100.1"))


def test_a_successful_login_clears_only_its_own_failures(client, people):
    for _ in range(4):
        _login(client, people[0].username, "falsch", "198.51.100.7")
    from django.test import Client

    assert _logged_in(_login(Client(), people[1].username, PASSWORD, "198.51.100.7"))
    _login(client, people[0].username, "falsch", "198.51.100.7")  # the fifth failure
    assert _login(client, people[0].username, PASSWORD, "198.51.100.7").status_code == 429


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(client, people, settings):
    from axes.models import AccessAttempt

    settings.SRB_TRUSTED_PROXY_COUNT = 0
    for i, person in enumerate(people[:5]):
        for j in range(4):
            # an attacker varies the header to look like 20 different clients
            _login(client, person.username, "falsch", "198.51.100.7", f"192.0.2.{i * 4 + j}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert _login(client, people[5].username, PASSWORD, "198.51.100.7").status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_address(client, people, settings):
    from axes.models import AccessAttempt

    settings.SRB_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for person in people[:5]:
        for _ in range(4):
            # the client's own header is kept in front; the proxy appends the real address
            _login(client, person.username, "falsch", proxy, "192.0.2.1, 198.51.100.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert _login(client, people[5].username, PASSWORD, proxy, "198.51.100.7").status_code == 429
    # another client behind the same proxy is not locked with the first
    assert _logged_in(_login(client, people[5].username, PASSWORD, proxy, "203.0.113.9"))


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "192.0.2.1", "198.51.100.7"),
        (1, "10.0.0.2", "198.51.100.7", "198.51.100.7"),
        (1, "10.0.0.2", "192.0.2.1, 198.51.100.7", "198.51.100.7"),
        (2, "10.0.0.3", "192.0.2.1, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "10.0.0.3", "198.51.100.7", "10.0.0.3"),  # not through both proxies
        (1, "10.0.0.2", "kein-ip", "10.0.0.2"),
        (1, "10.0.0.2", None, "10.0.0.2"),
    ],
)
def test_the_client_address_comes_only_from_trusted_proxies(
    settings, count, remote, forwarded, expected
):
    from srb_project.throttling import client_ip

    settings.SRB_TRUSTED_PROXY_COUNT = count
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **extra)) == expected


def _reset(client, email, address="198.51.100.7"):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_twenty_reset_requests_send_at_most_three_mails(client, demo, mailoutbox, settings):
    settings.SRB_PASSWORD_RESET_RATE = "3/h"
    answers = {_reset(client, "jugendamt@demo.invalid")["Location"] for _ in range(20)}
    assert len(mailoutbox) == 3
    assert answers == {reverse("password_reset_done")}  # the same answer every time


def test_one_account_gets_at_most_three_reset_mails_from_any_number_of_addresses(
    client, demo, mailoutbox
):
    for i in range(20):
        response = _reset(client, "Jugendamt@Demo.invalid", f"198.51.100.{i + 1}")
        assert response.status_code == 302
    assert len(mailoutbox) == 3


def test_one_address_gets_at_most_three_reset_mails_across_accounts(
    client, demo, mailoutbox, role_users
):
    users = [u for u in role_users.values() if u.email][:5]
    assert len(users) == 5
    for user in users:
        _reset(client, user.email)
    assert len(mailoutbox) == 3


def test_the_reset_page_answers_alike_for_unknown_addresses_and_over_the_limit(
    client, demo, mailoutbox
):
    unknown = _reset(client, "niemand@example.invalid")
    for _ in range(4):
        over = _reset(client, "jugendamt@demo.invalid", "203.0.113.9")
    assert unknown.status_code == over.status_code == 302
    assert unknown["Location"] == over["Location"]
    done = client.get(unknown["Location"]).content.decode()
    assert "E-Mail" in done
