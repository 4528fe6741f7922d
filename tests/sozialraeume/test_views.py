from unittest import mock

import pytest
from django.conf import settings
from django.db.utils import OperationalError

from sozialraeume import roles
from sozialraeume.models import User
from tests.factories import KitaFactory, TraegerFactory, make_user

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_fails(client):
    with mock.patch("sozialraeume.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz/")
    assert response.status_code == 503


def test_invite_sends_a_one_time_link_that_sets_the_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    kita = KitaFactory()
    staff = make_user(roles.JUGENDAMT, jugendamt=kita.sozialraum.jugendamt)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/einladen/",
            {"email": "Neue.Leitung@Example.org", "role": roles.KITA_LEITUNG, "kitas": [kita.pk]},
        )
    assert response.status_code == 302
    invited = User.objects.get(username="neue.leitung@example.org")
    assert not invited.has_usable_password()
    assert list(invited.kitas.all()) == [kita]
    assert invited.groups.get().name == roles.KITA_LEITUNG
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "Einladung" in mailoutbox[0].subject
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line).strip()
    # the link points to the configured site (SRB_SITE_URL), not to the request's host
    assert link.startswith(settings.SRB_SITE_URL.rstrip("/") + "/accounts/reset/")
    path = link[len(settings.SRB_SITE_URL.rstrip("/")) :]

    client.logout()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "Kita-Sommer-2027!", "new_password2": "Kita-Sommer-2027!"},
    )
    assert done.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password("Kita-Sommer-2027!")
    # The link works only once.
    again = client.get(path, follow=True)
    assert "ungültig" in again.content.decode()


def test_invite_refuses_a_kita_of_another_jugendamt(client, mailoutbox):
    own = KitaFactory()
    foreign = KitaFactory()
    staff = make_user(roles.JUGENDAMT, jugendamt=own.sozialraum.jugendamt)
    client.force_login(staff)
    response = client.post(
        "/einladen/",
        {"email": "x@example.org", "role": roles.KITA_LEITUNG, "kitas": [foreign.pk]},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="x@example.org").exists()
    assert mailoutbox == []


def test_invite_of_traeger_needs_a_traeger(client):
    kita = KitaFactory()
    staff = make_user(roles.JUGENDAMT, jugendamt=kita.sozialraum.jugendamt)
    client.force_login(staff)
    response = client.post("/einladen/", {"email": "t@example.org", "role": roles.TRAEGER})
    assert "Bitte wählen Sie einen Träger aus." in response.content.decode()
    traeger = TraegerFactory(jugendamt=kita.sozialraum.jugendamt)
    client.post(
        "/einladen/", {"email": "t@example.org", "role": roles.TRAEGER, "traeger": traeger.pk}
    )
    assert User.objects.get(username="t@example.org").traeger == traeger


@pytest.mark.parametrize("role", [roles.KITA_LEITUNG, roles.TRAEGER, roles.AUSSCHUSS])
def test_invite_page_is_forbidden_outside_the_jugendamt(client, role):
    kita = KitaFactory()
    user = make_user(role, kitas=[kita])
    client.force_login(user)
    assert client.get("/einladen/").status_code == 403
