"""The admin of the master data stays inside the own Jugendamt and is audited (issue 13,
findings 2, 5 and 9): no row is created in or moved to another Jugendamt, no drop-down
offers another Jugendamt's names, every create, change and delete is an audit event with
old and new values, and only the platform operator changes a Jugendamt."""

from decimal import Decimal

import pytest
from django.urls import reverse

from allocation.models import BudgetYear
from audit.models import AuditEvent
from sozialraeume import roles
from sozialraeume.models import Jugendamt, Kita, Sozialraum, Traeger
from tests.factories import (
    JugendamtFactory,
    KitaFactory,
    SozialraumFactory,
    TraegerFactory,
    UserFactory,
    make_user,
)
from tests.surveys.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db

FOREIGN_NAMES = ("Jugendamt Zwei", "Fremd-Süd", "Fremd-Träger", "Fremd-Kita", "F-2031")


@pytest.fixture
def city():
    """Jugendamt Eins (a Sozialraum with a Kita, two Träger) next to Jugendamt Zwei."""
    one = JugendamtFactory(name="Jugendamt Eins", slug="eins")
    two = JugendamtFactory(name="Jugendamt Zwei", slug="zwei")
    north = SozialraumFactory(jugendamt=one, name="Nord-Eins")
    traeger = TraegerFactory(jugendamt=one, name="Träger Eins")
    TraegerFactory(jugendamt=one, name="Träger ohne Kita")
    kita = KitaFactory(sozialraum=north, traeger=traeger, name="Kita Linde", places=60)
    south = SozialraumFactory(jugendamt=two, name="Fremd-Süd")
    foreign_traeger = TraegerFactory(jugendamt=two, name="Fremd-Träger")
    KitaFactory(sozialraum=south, traeger=foreign_traeger, name="Fremd-Kita")
    SurveyRoundFactory(jugendamt=one, code="E-2031")
    SurveyRoundFactory(jugendamt=two, code="F-2031")
    BudgetYear.objects.create(jugendamt=two, year=2031, state_budget=Decimal("1000.00"))
    # Administration: every model permission of the app (add, change, delete)
    staff = make_user(roles.ADMINISTRATION, jugendamt=one, username="verwaltung-eins")
    return {
        "one": one,
        "two": two,
        "north": north,
        "south": south,
        "traeger": traeger,
        "kita": kita,
        "staff": staff,
    }


@pytest.fixture
def staff_client(client, city):
    client.force_login(city["staff"])
    return client


def _rows():
    return {
        "sozialraeume": sorted(Sozialraum.objects.values_list("pk", "jugendamt_id", "name")),
        "traeger": sorted(Traeger.objects.values_list("pk", "jugendamt_id", "name")),
        "kitas": sorted(Kita.objects.values_list("pk", "sozialraum_id", "traeger_id", "name")),
        "jugendaemter": sorted(Jugendamt.objects.values_list("pk", "name", "slug")),
        "audit": AuditEvent.objects.count(),
    }


# --- finding 2: no writes into another Jugendamt ------------------------------------------


def test_staff_cannot_create_a_sozialraum_in_another_jugendamt(staff_client, city):
    before = _rows()
    response = staff_client.post(
        reverse("admin:sozialraeume_sozialraum_add"),
        {"jugendamt": city["two"].pk, "name": "Eingeschleust", "description": "", "position": 0},
    )
    assert response.status_code == 200  # the form again, with its error
    assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
    assert _rows() == before


def test_staff_cannot_create_a_traeger_in_another_jugendamt(staff_client, city):
    before = _rows()
    response = staff_client.post(
        reverse("admin:sozialraeume_traeger_add"),
        {"jugendamt": city["two"].pk, "name": "Eingeschleuster Träger"},
    )
    assert response.status_code == 200
    assert _rows() == before
    assert not Traeger.objects.filter(name="Eingeschleuster Träger").exists()


def test_staff_cannot_move_an_own_sozialraum_into_another_jugendamt(staff_client, city):
    north = city["north"]
    before = _rows()
    response = staff_client.post(
        reverse("admin:sozialraeume_sozialraum_change", args=[north.pk]),
        {"jugendamt": city["two"].pk, "name": north.name, "description": "", "position": 0},
    )
    assert response.status_code == 200
    assert _rows() == before
    north.refresh_from_db()
    assert north.jugendamt == city["one"]
    assert city["kita"].sozialraum.jugendamt == city["one"]


def test_staff_cannot_move_a_kita_into_a_foreign_sozialraum(staff_client, city):
    kita = city["kita"]
    before = _rows()
    response = staff_client.post(
        reverse("admin:sozialraeume_kita_change", args=[kita.pk]),
        {
            "name": kita.name,
            "sozialraum": city["south"].pk,
            "traeger": kita.traeger_id,
            "places": 60,
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert _rows() == before


def test_foreign_rows_cannot_be_changed_or_deleted_through_their_urls(client, city):
    foreign = make_user(roles.ADMINISTRATION, jugendamt=city["two"], username="verwaltung-zwei")
    client.force_login(foreign)
    before = _rows()
    north = city["north"]
    change = client.post(
        reverse("admin:sozialraeume_sozialraum_change", args=[north.pk]),
        {"jugendamt": city["two"].pk, "name": "Gekapert", "description": "", "position": 0},
    )
    delete = client.post(
        reverse("admin:sozialraeume_traeger_delete", args=[city["traeger"].pk]), {"post": "yes"}
    )
    # "not yours" looks like "does not exist": back to the admin's index
    assert change.status_code == delete.status_code == 302
    assert change["Location"] == delete["Location"] == reverse("admin:index")
    assert _rows() == before


def test_a_new_sozialraum_belongs_to_its_creators_jugendamt_and_is_audited(staff_client, city):
    response = staff_client.post(
        reverse("admin:sozialraeume_sozialraum_add"),
        {"jugendamt": city["one"].pk, "name": "Neu-West", "description": "am Fluss", "position": 3},
    )
    assert response.status_code == 302
    created = Sozialraum.objects.get(name="Neu-West")
    assert created.jugendamt == city["one"]
    event = AuditEvent.objects.get(action="masterdata.create")
    assert event.actor == city["staff"] and event.jugendamt_id == city["one"].pk
    assert event.object_id == str(created.pk)
    assert event.old is None
    assert event.new == {
        "jugendamt_id": city["one"].pk,
        "jugendamt": "Jugendamt Eins",
        "name": "Neu-West",
        "description": "am Fluss",
        "position": 3,
    }


# --- finding 9: drop-downs and filters -----------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:sozialraeume_sozialraum_add",
        "admin:sozialraeume_traeger_add",
        "admin:sozialraeume_kita_add",
        "admin:sozialraeume_kita_changelist",
        "admin:surveys_surveyround_add",
        "admin:allocation_budgetyear_add",
        "admin:allocation_reallocation_add",
    ],
)
def test_admin_forms_and_filters_offer_no_foreign_names(staff_client, city, url_name):
    response = staff_client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    found = [name for name in FOREIGN_NAMES if name in html]
    assert found == []
    own = ("Jugendamt Eins", "Nord-Eins", "Träger Eins", "E-2031", "Kita Linde")
    assert any(name in html for name in own), "the page offers nothing at all"


def test_kita_form_offers_only_the_own_sozialraeume_and_traeger(staff_client, city):
    html = staff_client.get(reverse("admin:sozialraeume_kita_add")).content.decode()
    assert "Nord-Eins" in html and "Träger Eins" in html and "Träger ohne Kita" in html
    assert "Fremd-Süd" not in html and "Fremd-Träger" not in html


def test_the_jugendamt_field_offers_only_the_own_one_preselected(staff_client, city):
    html = staff_client.get(reverse("admin:sozialraeume_traeger_add")).content.decode()
    assert f'<option value="{city["one"].pk}" selected>Jugendamt Eins</option>' in html
    assert "Jugendamt Zwei" not in html


# --- finding 5: master data changes and deletions are audited ------------------------------


def test_a_kita_change_is_audited_with_old_and_new_values(staff_client, city):
    kita = city["kita"]
    response = staff_client.post(
        reverse("admin:sozialraeume_kita_change", args=[kita.pk]),
        {
            "name": "Kita Linde am Markt",
            "sozialraum": kita.sozialraum_id,
            "traeger": kita.traeger_id,
            "street": "",
            "postal_code": "",
            "city": "",
            "places": "75",
            "active": "on",
        },
    )
    assert response.status_code == 302
    kita.refresh_from_db()
    assert kita.name == "Kita Linde am Markt" and kita.places == 75
    event = AuditEvent.objects.get(action="masterdata.change")
    assert event.actor == city["staff"] and event.jugendamt_id == city["one"].pk
    assert (event.object_type, event.object_id) == ("sozialraeume.kita", str(kita.pk))
    assert event.old == {"name": "Kita Linde", "places": 60}
    assert event.new == {"name": "Kita Linde am Markt", "places": 75}


def test_a_traeger_delete_is_audited_with_its_last_values(staff_client, city):
    traeger = Traeger.objects.get(name="Träger ohne Kita")
    response = staff_client.post(
        reverse("admin:sozialraeume_traeger_delete", args=[traeger.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Traeger.objects.filter(pk=traeger.pk).exists()
    event = AuditEvent.objects.get(action="masterdata.delete")
    assert event.actor == city["staff"] and event.object_id == str(traeger.pk)
    assert event.old == {
        "jugendamt_id": city["one"].pk,
        "jugendamt": "Jugendamt Eins",
        "name": "Träger ohne Kita",
    }


def test_a_sozialraum_in_use_is_not_deleted_and_nothing_is_audited(staff_client, city):
    north = city["north"]
    before = _rows()
    response = staff_client.post(
        reverse("admin:sozialraeume_sozialraum_delete", args=[north.pk]), {"post": "yes"}
    )
    assert response.status_code == 200  # the confirmation page lists the protected Kita
    assert "Kita Linde" in response.content.decode()
    assert _rows() == before


def test_a_save_without_changes_records_nothing(staff_client, city):
    traeger = city["traeger"]
    response = staff_client.post(
        reverse("admin:sozialraeume_traeger_change", args=[traeger.pk]),
        {"jugendamt": city["one"].pk, "name": traeger.name},
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="masterdata.change").exists()


# --- the Jugendamt itself: only the platform operator ----------------------------------


@pytest.fixture
def attached_superuser(city):
    user = make_user(roles.ADMINISTRATION, jugendamt=city["one"], username="betrieb-eins")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


@pytest.fixture
def operator(city):
    return UserFactory(
        username="plattform", jugendamt=None, is_superuser=True, is_staff=True, role=None
    )


def test_a_superuser_attached_to_a_jugendamt_cannot_rename_another(
    client, city, attached_superuser
):
    client.force_login(attached_superuser)
    before = _rows()
    two = city["two"]
    url = reverse("admin:sozialraeume_jugendamt_change", args=[two.pk])
    assert client.get(url).status_code == 302  # another Jugendamt: "not found"
    response = client.post(url, {"name": "Umbenannt", "slug": "zwei"})
    assert response.status_code in (302, 403)
    assert _rows() == before
    assert Jugendamt.objects.get(pk=two.pk).name == "Jugendamt Zwei"


def test_a_superuser_attached_to_a_jugendamt_reads_their_own_only(client, city, attached_superuser):
    client.force_login(attached_superuser)
    listing = client.get(reverse("admin:sozialraeume_jugendamt_changelist")).content.decode()
    assert "Jugendamt Eins" in listing and "Jugendamt Zwei" not in listing
    url = reverse("admin:sozialraeume_jugendamt_change", args=[city["one"].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read only
    before = _rows()
    response = client.post(url, {"name": "Umbenannt", "slug": "eins"})
    assert response.status_code == 403
    assert _rows() == before
    assert client.get(reverse("admin:sozialraeume_jugendamt_add")).status_code == 403


def test_the_platform_operator_changes_a_jugendamt_audited(client, city, operator):
    client.force_login(operator)
    two = city["two"]
    response = client.post(
        reverse("admin:sozialraeume_jugendamt_change", args=[two.pk]),
        {
            "name": "Jugendamt Zwei-Stadt",
            "slug": "zwei",
            "consultation_min_days": "21",
            "fte_min": "0,05",
            "fte_max": "5,00",
            "fte_step": "0,05",
            "goals_text": two.goals_text,
        },
    )
    assert response.status_code == 302
    two.refresh_from_db()
    assert two.name == "Jugendamt Zwei-Stadt" and two.consultation_min_days == 21
    event = AuditEvent.objects.get(action="masterdata.change")
    assert event.actor == operator and event.jugendamt_id == two.pk
    assert event.old == {"name": "Jugendamt Zwei", "consultation_min_days": 14}
    assert event.new == {"name": "Jugendamt Zwei-Stadt", "consultation_min_days": 21}


def test_the_operator_changing_the_goals_text_in_the_admin_is_audited(client, city, operator):
    client.force_login(operator)
    two = city["two"]
    response = client.post(
        reverse("admin:sozialraeume_jugendamt_change", args=[two.pk]),
        {
            "name": two.name,
            "slug": two.slug,
            "consultation_min_days": "14",
            "fte_min": "0,05",
            "fte_max": "5,00",
            "fte_step": "0,05",
            "goals_text": "Alle Kinder bis sechs Jahre profitieren.",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="masterdata.change")
    assert event.new == {"goals_text": "Alle Kinder bis sechs Jahre profitieren."}
