"""Mails in the Jugendamt's name with absolute links (issue 14, "Mails").

From "Jugendamt <name> <DEFAULT_FROM_EMAIL>", signed "Ihr Jugendamt <name>", links on the
configured site (``SRB_SITE_URL``), for the invitation, the reset links and the reminder;
and the reminder page says whom it reminded and why the others were not.
"""

from __future__ import annotations

import datetime
import re
from email.utils import parseaddr

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sozialraeume import accounts, roles
from tests.factories import JugendamtFactory, KitaFactory, SozialraumFactory, make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db

SITE = "https://srb.example.de"
NAME = "Landkreis Musterstadt"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SRB_SITE_URL = SITE + "/"
    settings.DEFAULT_FROM_EMAIL = "sozialraumbudget@srb.example.de"


@pytest.fixture
def jugendamt():
    return JugendamtFactory(name=NAME)


def _assert_in_the_jugendamts_name(message):
    name, address = parseaddr(message.from_email)
    assert name == f"Jugendamt {NAME}"
    assert address == "sozialraumbudget@srb.example.de"
    assert message.message()["From"] == f"Jugendamt {NAME} <sozialraumbudget@srb.example.de>"
    assert f"Ihr Jugendamt {NAME}" in message.body
    assert not re.search(r"Ihr Jugendamt\s*$", message.body.split(f"Ihr Jugendamt {NAME}")[0])


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_invitation_is_sent_and_signed_by_the_jugendamt_with_a_link_on_the_site(
    jugendamt, mailoutbox
):
    staff = make_user(roles.ADMINISTRATION, jugendamt=jugendamt, first_name="Ada")
    kita = KitaFactory(sozialraum=SozialraumFactory(jugendamt=jugendamt))
    accounts.user_invite(
        acting_user=staff, email="neu@kita.invalid", role=roles.KITA_LEITUNG, kitas=[kita]
    )
    (message,) = mailoutbox
    _assert_in_the_jugendamts_name(message)
    (link,) = _links(message.body)
    assert link.startswith(f"{SITE}/accounts/reset/")


def test_reset_link_from_the_people_page_is_in_the_jugendamts_name(jugendamt, mailoutbox):
    staff = make_user(roles.ADMINISTRATION, jugendamt=jugendamt)
    person = make_user(roles.JUGENDAMT, jugendamt=jugendamt, email="p@kita.invalid")
    person.set_password("ein-langes-passwort-1")
    person.save()
    assert person.invitation_accepted
    accounts.user_password_reset_link_send(acting_user=staff, user=person)
    (message,) = mailoutbox
    _assert_in_the_jugendamts_name(message)
    (link,) = _links(message.body)
    assert link.startswith(f"{SITE}/accounts/reset/")


def test_self_service_reset_mail_is_signed_with_the_jugendamts_name(jugendamt, client, mailoutbox):
    person = make_user(roles.JUGENDAMT, jugendamt=jugendamt, email="p@kita.invalid")
    person.set_password("ein-langes-passwort-1")
    person.save()
    client.post(reverse("password_reset"), {"email": "p@kita.invalid"})
    (message,) = mailoutbox
    assert f"Ihr Jugendamt {NAME}" in message.body
    # sender and link as every other mail of the Jugendamt, not the request's host
    _assert_in_the_jugendamts_name(message)
    (link,) = _links(message.body)
    assert link.startswith(f"{SITE}/accounts/reset/")


def _round_with_kitas(jugendamt):
    """Round 2027: one Kita submitted, one with a leader (draft), one led by two people,
    one without an active leader account."""
    survey_round = SurveyRoundFactory(code="2027", jugendamt=jugendamt)
    sozialraum = SozialraumFactory(jugendamt=jugendamt)
    done, draft, twice, orphan = (
        KitaFactory(sozialraum=sozialraum, name=name)
        for name in ("Kita Amsel", "Kita Biene", "Kita Dachs", "Kita Eule")
    )
    ResponseFactory(round=survey_round, kita=done)
    ResponseFactory(round=survey_round, kita=draft, status="draft")
    make_user(roles.KITA_LEITUNG, kitas=[done], email="amsel@kita.invalid")
    make_user(roles.KITA_LEITUNG, kitas=[draft], email="biene@kita.invalid")
    make_user(roles.KITA_LEITUNG, kitas=[twice], email="dachs1@kita.invalid")
    make_user(roles.KITA_LEITUNG, kitas=[twice], email="dachs2@kita.invalid")
    gone = make_user(roles.KITA_LEITUNG, kitas=[orphan], email="eule@kita.invalid")
    gone.is_active = False
    gone.save()
    return survey_round, draft


def test_reminder_mail_is_in_the_jugendamts_name_with_an_absolute_link(jugendamt, mailoutbox):
    from surveys.reminders import round_reminders_send

    survey_round, draft = _round_with_kitas(jugendamt)
    report = round_reminders_send(round_id=survey_round.pk)
    assert report.mails == 3
    message = next(m for m in mailoutbox if m.to == ["biene@kita.invalid"])
    _assert_in_the_jugendamts_name(message)
    assert f"{SITE}/erhebung/2027/{draft.pk}/" in _links(message.body)
    assert "Direkter Pfad" not in message.body


def test_reminder_report_says_whom_and_why_not(jugendamt, mailoutbox):
    from surveys.reminders import round_reminders_send

    survey_round, _ = _round_with_kitas(jugendamt)
    report = round_reminders_send(round_id=survey_round.pk)
    assert [(k.name, k.recipients) for k in report.reminded] == [
        ("Kita Biene", 1),
        ("Kita Dachs", 2),
    ]
    assert report.people == 3
    assert report.submitted == ["Kita Amsel"]
    assert report.no_leader == ["Kita Eule"]
    assert report.recently == []
    again = round_reminders_send(
        round_id=survey_round.pk, now=timezone.now() + datetime.timedelta(hours=1)
    )
    assert again.mails == 0
    assert again.recently == ["Kita Biene", "Kita Dachs"]


def test_reminder_page_names_the_reminded_kitas_and_the_reasons_for_the_others(
    jugendamt, client, mailoutbox
):
    survey_round, _ = _round_with_kitas(jugendamt)
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=jugendamt))
    url = reverse("surveys:round_remind", kwargs={"code": survey_round.code})
    html = client.post(url, follow=True).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert (
        "Erinnerungen an 2 Kitas im Postausgang: Kita Biene (1 Person), Kita Dachs (2 Personen)."
        in text
    )
    assert "3 Personen erhalten zusammen 3 E-Mails" in text
    assert "Bereits eingereicht: Kita Amsel." in text
    assert "Ohne aktives Leitungskonto mit E-Mail-Adresse: Kita Eule." in text

    html = client.post(url, follow=True).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Keine Erinnerung versendet." in text
    assert "In den letzten 20 Stunden bereits erinnert: Kita Biene, Kita Dachs." in text
    assert len(mail.outbox) == 3


def test_a_name_that_says_jugendamt_is_not_doubled(settings):
    named = JugendamtFactory(name="Kreisjugendamt Beispielkreis")
    assert accounts.jugendamt_sender_name(named) == "Kreisjugendamt Beispielkreis"
    assert accounts.mail_sender(named) == (
        "Kreisjugendamt Beispielkreis <sozialraumbudget@srb.example.de>"
    )
