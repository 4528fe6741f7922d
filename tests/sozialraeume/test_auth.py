import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

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
