"""The F4 network-partner list that the Jugendamt keeps per round."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from sozialraeume import roles
from surveys import services
from surveys.instrument import DEFAULT_PARTNERS
from surveys.models import SurveyRound
from tests.factories import JugendamtFactory, KitaFactory, SozialraumFactory, make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory, stored_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round():
    return SurveyRoundFactory(code="2027")


@pytest.fixture
def staff(survey_round):
    return make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt)


def partners_url(survey_round):
    return reverse("surveys:round_partners", kwargs={"code": survey_round.code})


def default_lines(*extra):
    return "\n".join([label for _key, label in DEFAULT_PARTNERS] + list(extra))


def test_staff_add_a_partner_and_the_questionnaire_asks_for_it(client, survey_round, staff):
    kita = KitaFactory(sozialraum=SozialraumFactory(jugendamt=survey_round.jugendamt))
    client.force_login(staff)
    detail = client.get(reverse("surveys:round_detail", kwargs={"code": "2027"}))
    assert partners_url(survey_round) in detail.content.decode()
    page = client.get(partners_url(survey_round))
    assert page.status_code == 200
    assert "Frühförderung" in page.content.decode()

    response = client.post(
        partners_url(survey_round), {"labels": default_lines("Stadtteilbücherei Nord")}
    )
    assert response.status_code == 302
    survey_round.refresh_from_db()
    assert survey_round.partner_list[-1] == ("stadtteilbucherei_nord", "Stadtteilbücherei Nord")
    assert survey_round.partner_list[:-1] == list(DEFAULT_PARTNERS)

    client.force_login(make_user(roles.KITA_LEITUNG, kitas=[kita]))
    form = client.get(reverse("surveys:form", kwargs={"code": "2027", "kita_id": kita.pk}))
    html = form.content.decode()
    assert 'name="F4_stadtteilbucherei_nord"' in html
    assert "Stadtteilbücherei Nord" in html
    assert 'name="F4_grundschule"' in html


def test_removing_and_reordering_keeps_the_keys_of_kept_labels(survey_round, staff):
    services.round_partners_set(
        survey_round=survey_round,
        labels=["Gesundheitsamt", "  Grundschule ", "", "Neuer Partner"],
        acting_user=staff,
    )
    survey_round.refresh_from_db()
    assert survey_round.partner_list == [
        ("gesundheitsamt", "Gesundheitsamt"),
        ("grundschule", "Grundschule"),
        ("neuer_partner", "Neuer Partner"),
    ]


def test_a_new_label_never_takes_the_key_of_another_partner(survey_round, staff):
    services.round_partners_set(
        survey_round=survey_round, labels=["Grundschule", "grundschule!"], acting_user=staff
    )
    survey_round.refresh_from_db()
    assert [key for key, _label in survey_round.partner_list] == [
        "grundschule",
        "grundschule_2",
    ]


def test_change_is_audited_with_old_and_new_list(client, survey_round, staff):
    client.force_login(staff)
    client.post(partners_url(survey_round), {"labels": "Grundschule\nBibliothek"})
    event = AuditEvent.objects.get(action="round_partners_changed")
    assert event.actor == staff
    assert event.object_id == str(survey_round.pk)
    assert event.old == {"partners": [list(p) for p in DEFAULT_PARTNERS]}
    assert event.new == {"partners": [["grundschule", "Grundschule"], ["bibliothek", "Bibliothek"]]}


def test_a_partner_with_answers_cannot_be_removed(client, survey_round, staff):
    ResponseFactory(
        round=survey_round,
        status="draft",
        answers=stored_answers(F4={"fruehfoerderung": "eng"}),
    )
    client.force_login(staff)
    response = client.post(partners_url(survey_round), {"labels": "Grundschule\nJugendamt"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "nicht entfernt werden" in text
    assert "Frühförderung" in text
    survey_round.refresh_from_db()
    assert survey_round.partner_list == list(DEFAULT_PARTNERS)
    assert not AuditEvent.objects.filter(action="round_partners_changed").exists()
    # Adding a partner while keeping the answered one is fine.
    response = client.post(partners_url(survey_round), {"labels": default_lines("Bibliothek")})
    assert response.status_code == 302


def test_a_closed_round_keeps_its_partners(client, survey_round, staff):
    SurveyRound.objects.filter(pk=survey_round.pk).update(state="geschlossen")
    client.force_login(staff)
    page = client.get(partners_url(survey_round))
    assert page.status_code == 200
    assert "nicht mehr geändert" in page.content.decode()
    assert "<textarea" not in page.content.decode()
    response = client.post(partners_url(survey_round), {"labels": "Bibliothek"})
    assert response.status_code == 400
    assert "vorbereitet oder offen" in response.content.decode()
    survey_round.refresh_from_db()
    assert survey_round.partner_list == list(DEFAULT_PARTNERS)


def test_an_empty_or_unusable_list_is_refused(client, survey_round, staff):
    client.force_login(staff)
    for labels in ("\n  \n", "!!!"):
        response = client.post(partners_url(survey_round), {"labels": labels})
        assert response.status_code == 400
    with pytest.raises(ValidationError):
        services.round_partners_set(survey_round=survey_round, labels=["A", "A"], acting_user=staff)
    survey_round.refresh_from_db()
    assert survey_round.partner_list == list(DEFAULT_PARTNERS)


@pytest.mark.parametrize("who", ["kita", "foreign"])
def test_kita_leaders_and_foreign_staff_get_404(client, survey_round, who):
    if who == "kita":
        kita = KitaFactory(sozialraum=SozialraumFactory(jugendamt=survey_round.jugendamt))
        user = make_user(roles.KITA_LEITUNG, kitas=[kita])
    else:
        user = make_user(roles.JUGENDAMT, jugendamt=JugendamtFactory())
    client.force_login(user)
    assert client.get(partners_url(survey_round)).status_code == 404
    assert client.post(partners_url(survey_round), {"labels": "Bibliothek"}).status_code == 404
    survey_round.refresh_from_db()
    assert survey_round.partner_list == list(DEFAULT_PARTNERS)
    assert not AuditEvent.objects.filter(action="round_partners_changed").exists()
