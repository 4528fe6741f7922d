import pytest
from django.db import IntegrityError

from tests.factories import KitaFactory, SozialraumFactory, TraegerFactory

pytestmark = pytest.mark.django_db


def test_bad_kreuznach_sozialraeume_come_with_the_migrations():
    from sozialraeume.models import Sozialraum

    names = list(
        Sozialraum.objects.filter(jugendamt__slug="bad-kreuznach").values_list("name", flat=True)
    )
    assert names == [
        "Pariser Viertel",
        "Ost",
        "Nord",
        "Winzenheim",
        "Süd-West",
        "Planig / Ippesheim / Bosenheim",
        "BME",
        "Innenstadt",
    ]


def test_kita_knows_its_jugendamt_through_its_sozialraum():
    kita = KitaFactory()
    assert kita.jugendamt_id == kita.sozialraum.jugendamt_id
    assert kita.traeger.jugendamt_id == kita.sozialraum.jugendamt_id


def test_two_kitas_with_the_same_name_in_one_sozialraum_are_refused():
    kita = KitaFactory(name="Kita Sonnenschein")
    with pytest.raises(IntegrityError):
        KitaFactory(name="Kita Sonnenschein", sozialraum=kita.sozialraum, traeger=kita.traeger)


def test_same_sozialraum_name_is_allowed_in_another_jugendamt():
    first = SozialraumFactory(name="Nord")
    second = SozialraumFactory(name="Nord")
    assert first.jugendamt_id != second.jugendamt_id


def test_traeger_names_are_unique_per_jugendamt():
    traeger = TraegerFactory(name="AWO")
    with pytest.raises(IntegrityError):
        TraegerFactory(name="AWO", jugendamt=traeger.jugendamt)


def test_string_representations_are_the_names():
    kita = KitaFactory(name="Kita Regenbogen")
    assert str(kita) == "Kita Regenbogen"
    assert str(kita.sozialraum) == kita.sozialraum.name
    assert str(kita.traeger) == kita.traeger.name
