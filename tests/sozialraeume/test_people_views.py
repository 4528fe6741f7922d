"""The page "Personen" (issue 13, findings 1 and 3; the expired invitation of 9): the
Fachkraft's attempts change nothing, foreign people are 404, an expired invitation is sent
again, four eyes for Leitung and Administration work through the pages. What the Django
admin still opens for the roles is tested in ``test_roles.py``."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from sozialraeume import roles
from sozialraeume.models import RoleGrantRequest, User
from tests.factories import JugendamtFactory, KitaFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ja():
    return JugendamtFactory(name="Jugendamt Eins")


@pytest.fixture
def people(ja):
    kita = KitaFactory(sozialraum__jugendamt=ja, name="Kita Sonnenblume")
    ja2 = JugendamtFactory(name="Jugendamt Zwei")
    return {
        "kita": kita,
        "ja": make_user(roles.JUGENDAMT, jugendamt=ja, username="fachkraft"),
        "jal": make_user(roles.JUGENDAMT_LEITUNG, jugendamt=ja, username="leitung"),
        "admin1": make_user(roles.ADMINISTRATION, jugendamt=ja, username="admin1"),
        "admin2": make_user(roles.ADMINISTRATION, jugendamt=ja, username="admin2"),
        "leader": make_user(roles.KITA_LEITUNG, kitas=[kita], username="kitaleitung"),
        "ausschuss": make_user(roles.AUSSCHUSS, jugendamt=ja, username="ausschuss"),
        "foreign": make_user(roles.KITA_LEITUNG, jugendamt=ja2, username="fremd-kita"),
        "foreign_admin": make_user(roles.ADMINISTRATION, jugendamt=ja2, username="fremd-admin"),
        "super": make_user(
            None, jugendamt=ja, username="betrieb", is_superuser=True, is_staff=True
        ),
    }


def login(client, user):
    client.force_login(user)
    return client


def state(*users):
    """What an attempt could change: roles, flags, passwords, Kitas, requests, audit."""
    rows = []
    for u in users:
        u = User.objects.get(pk=u.pk)
        rows.append(
            (
                u.username,
                sorted(u.groups.values_list("name", flat=True)),
                u.is_active,
                u.is_staff,
                u.is_superuser,
                u.password,
                u.jugendamt_id,
                sorted(u.kitas.values_list("pk", flat=True)),
            )
        )
    return rows, RoleGrantRequest.objects.count(), AuditEvent.objects.count()


def person_url(name, user):
    return reverse(f"sozialraeume:{name}", kwargs={"pk": user.pk})


# --- the list and the detail page --------------------------------------------------------


def test_people_page_lists_the_own_jugendamts_people_with_roles_and_invitation(client, people):
    invited = make_user(roles.TRAEGER, jugendamt=people["ja"].jugendamt, username="neu@x.org")
    User.objects.filter(pk=invited.pk).update(
        password="!unusable", invited_at=timezone.now() - datetime.timedelta(days=30)
    )
    html = login(client, people["ja"]).get(reverse("sozialraeume:people_list")).content.decode()
    for name in ("fachkraft", "leitung", "admin1", "kitaleitung", "neu@x.org"):
        assert name in html
    assert "Kita Sonnenblume" in html
    assert "Jugendamt-Leitung" in html and "Kita-Leitung" in html
    assert "Einladung abgelaufen" in html
    assert "fremd-kita" not in html and "fremd-admin" not in html
    # the menu leads there
    assert 'href="/personen/"' in html


@pytest.mark.parametrize("who", ["leader", "ausschuss"])
def test_people_page_is_closed_outside_the_jugendamt_staff(client, people, who):
    c = login(client, people[who])
    assert c.get(reverse("sozialraeume:people_list")).status_code == 403
    assert c.get(person_url("person_detail", people["ja"])).status_code == 404


def test_foreign_jugendamts_people_are_not_found(client, people):
    c = login(client, people["admin1"])
    foreign = people["foreign"]
    before = state(foreign)
    assert c.get(person_url("person_detail", foreign)).status_code == 404
    for name, data in (
        ("person_set_active", {"active": "0"}),
        ("person_role_grant", {"role": roles.JUGENDAMT}),
        ("person_role_revoke", {"role": roles.KITA_LEITUNG}),
        ("person_send_reset_link", {}),
        ("person_resend_invitation", {}),
    ):
        assert c.post(person_url(name, foreign), data).status_code == 404, name
    assert state(foreign) == before


def test_administration_sees_the_forms_a_fachkraft_does_not(client, people):
    url = person_url("person_detail", people["jal"])
    admin_html = login(client, people["admin1"]).get(url).content.decode()
    assert "Rolle vergeben" in admin_html and "Konto deaktivieren" in admin_html
    assert "Link zum Festlegen eines neuen Passworts senden" in admin_html
    client.logout()
    staff_html = login(client, people["ja"]).get(url).content.decode()
    assert "Rolle vergeben" not in staff_html and "Konto deaktivieren" not in staff_html
    own_html = client.get(person_url("person_detail", people["ja"])).content.decode()
    assert "Konto deaktivieren" not in own_html and "Rolle vergeben" not in own_html


# --- the Fachkraft's attempts change nothing -------------------------------------------


def test_fachkraft_posts_on_the_people_page_change_nothing(client, people, mailoutbox):
    fachkraft, leitung = people["ja"], people["jal"]
    c = login(client, fachkraft)
    before = state(fachkraft, leitung, people["admin1"])
    attempts = [
        (fachkraft, "person_role_grant", {"role": roles.JUGENDAMT_LEITUNG}),
        (fachkraft, "person_role_grant", {"role": roles.ADMINISTRATION}),
        (fachkraft, "person_set_active", {"active": "0"}),
        (leitung, "person_role_revoke", {"role": roles.JUGENDAMT_LEITUNG}),
        (leitung, "person_role_grant", {"role": roles.ADMINISTRATION}),
        (leitung, "person_set_active", {"active": "0"}),
        (leitung, "person_send_reset_link", {}),
        (people["admin1"], "person_role_revoke", {"role": roles.ADMINISTRATION}),
    ]
    for target, name, data in attempts:
        response = c.post(person_url(name, target), data)
        assert response.status_code == 403, (name, target.username, response.status_code)
    assert state(fachkraft, leitung, people["admin1"]) == before
    assert mailoutbox == []


# --- actions through the page --------------------------------------------------------------


def test_an_expired_invitation_is_sent_again_from_the_page(client, people, mailoutbox):
    invited = make_user(roles.KITA_LEITUNG, kitas=[people["kita"]], username="alt@x.org")
    long_ago = timezone.now() - datetime.timedelta(days=20)
    User.objects.filter(pk=invited.pk).update(
        password="!unusable", invited_at=long_ago, date_joined=long_ago, email="alt@x.org"
    )
    c = login(client, people["ja"])
    assert "Einladung abgelaufen" in c.get(person_url("person_detail", invited)).content.decode()
    response = c.post(person_url("person_resend_invitation", invited), follow=True)
    assert response.status_code == 200
    assert "Eine neue Einladung an alt@x.org wurde versendet." in response.content.decode()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["alt@x.org"]
    path = re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    client.logout()
    form = client.get(path, follow=True)
    assert 'name="new_password1"' in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Kita-Sommer-2027!", "new_password2": "Kita-Sommer-2027!"}
    )
    assert done.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password("Kita-Sommer-2027!")
    assert invited.invitation_state == User.InvitationState.ACCEPTED
    assert AuditEvent.objects.filter(action="user.invite_resend", object_id=str(invited.pk))


def test_leitung_through_the_page_needs_a_second_administration(client, people):
    fachkraft, admin1, admin2 = people["ja"], people["admin1"], people["admin2"]
    c = login(client, admin1)
    response = c.post(
        person_url("person_role_grant", fachkraft),
        {"role": roles.JUGENDAMT_LEITUNG, "reason": "Vertretung"},
        follow=True,
    )
    assert "muss die Vergabe bestätigen" in response.content.decode()
    assert not fachkraft.groups.filter(name=roles.JUGENDAMT_LEITUNG).exists()
    grant = RoleGrantRequest.objects.get(user=fachkraft)
    decide = reverse("sozialraeume:role_grant_decide", kwargs={"pk": grant.pk})

    # the requester's own confirmation is refused
    assert c.post(decide, {"decision": "confirm", "version": 1}).status_code == 403
    # ... and so is the grantee's, and another Jugendamt's
    assert login(client, fachkraft).post(
        decide, {"decision": "confirm", "version": 1}
    ).status_code in (403, 404)
    assert (
        login(client, people["foreign_admin"])
        .post(decide, {"decision": "confirm", "version": 1})
        .status_code
        == 404
    )
    assert not fachkraft.groups.filter(name=roles.JUGENDAMT_LEITUNG).exists()

    # the second person sees the request and confirms it
    c2 = login(client, admin2)
    page = c2.get(person_url("person_detail", fachkraft)).content.decode()
    assert "Bestätigen" in page and "Vertretung" in page
    assert c2.post(decide, {"decision": "confirm", "version": 1}).status_code == 302
    assert fachkraft.groups.filter(name=roles.JUGENDAMT_LEITUNG).exists()
    # the same (now stale) form again: refused with a message, nothing twice
    again = c2.post(decide, {"decision": "confirm", "version": 1}, follow=True)
    assert "inzwischen bearbeitet" in again.content.decode()
    assert AuditEvent.objects.filter(action="role_grant.confirm").count() == 1
    # a tampered version is a bad request
    assert c2.post(decide, {"decision": "confirm", "version": "abc"}).status_code == 400


def test_administration_grants_kita_leitung_directly_from_the_page(client, people):
    person = people["ausschuss"]
    c = login(client, people["admin1"])
    response = c.post(
        person_url("person_role_grant", person),
        {"role": roles.KITA_LEITUNG, "kitas": [people["kita"].pk]},
        follow=True,
    )
    assert "wurde vergeben" in response.content.decode()
    assert list(person.kitas.all()) == [people["kita"]]
    assert person.groups.filter(name=roles.KITA_LEITUNG).exists()
    assert AuditEvent.objects.filter(action="role.grant", object_id=str(person.pk)).exists()


def test_deactivating_from_the_page_ends_the_persons_access(client, people):
    leader = people["leader"]
    c = login(client, people["ja"])
    assert c.post(person_url("person_set_active", leader), {"active": "0"}).status_code == 302
    leader.refresh_from_db()
    assert not leader.is_active
    event = AuditEvent.objects.get(action="user.deactivate", object_id=str(leader.pk))
    assert event.actor == people["ja"]
    # the history on the page shows it
    html = c.get(person_url("person_detail", leader)).content.decode()
    assert "Konto deaktiviert" in html
