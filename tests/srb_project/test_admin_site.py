"""The shared admin mixin (``srb_project.admin_site``): related list filters and form
fields of a user held to a Jugendamt offer only rows of it; an undeclared relation
offers nothing and fails the system check."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from sozialraeume.models import Kita, User
from sozialraeume.roles import JUGENDAMT
from srb_project.admin_site import JugendamtScopedAdmin
from tests.factories import JugendamtFactory, KitaFactory, SozialraumFactory, make_user

pytestmark = pytest.mark.django_db


class PlainFiltersKitaAdmin(JugendamtScopedAdmin):
    """Plain related filters (not RelatedOnly): they would list every Jugendamt's rows."""

    jugendamt_path = "sozialraum__jugendamt"
    scoped_relations = {"traeger": "jugendamt"}
    list_filter = ("sozialraum", "traeger")


class UndeclaredUserAdmin(JugendamtScopedAdmin):
    """``kitas`` reaches its Jugendamt only over the Sozialraum: it must be declared."""

    fields = ("username", "jugendamt", "traeger", "kitas")


@pytest.fixture
def two_cities():
    one, two = JugendamtFactory(name="Amt Eins"), JugendamtFactory(name="Amt Zwei")
    KitaFactory(sozialraum=SozialraumFactory(jugendamt=one, name="SR Eins"), name="Kita Eins")
    KitaFactory(sozialraum=SozialraumFactory(jugendamt=one, name="SR Eins-B"), name="Kita Eins-B")
    KitaFactory(sozialraum=SozialraumFactory(jugendamt=two, name="SR Zwei"), name="Kita Zwei")
    SozialraumFactory(jugendamt=two, name="SR Zwei leer")
    return one, two


def _request(user):
    request = RequestFactory().get("/admin/sozialraeume/kita/")
    request.user = user
    return request


def test_plain_related_list_filters_list_only_the_own_jugendamt(two_cities):
    one, _two = two_cities
    user = make_user(JUGENDAMT, jugendamt=one)
    model_admin = PlainFiltersKitaAdmin(Kita, admin.site)
    changelist = model_admin.get_changelist_instance(_request(user))
    filters, *_rest = changelist.get_filters(_request(user))
    choices = {f.title: sorted(label for _pk, label in f.lookup_choices) for f in filters}
    own_traeger = sorted(str(k.traeger) for k in Kita.objects.filter(sozialraum__jugendamt=one))
    assert choices == {"Sozialraum": ["SR Eins", "SR Eins-B"], "Träger": own_traeger}


def test_an_undeclared_relation_offers_nothing_and_fails_the_check(two_cities):
    one, _two = two_cities
    user = make_user(JUGENDAMT, jugendamt=one)
    model_admin = UndeclaredUserAdmin(User, admin.site)
    errors = [e for e in model_admin.check() if e.id == "srb.E001"]
    assert [e.msg.split("'")[1] for e in errors] == ["kitas"]
    kitas = model_admin.formfield_for_manytomany(User._meta.get_field("kitas"), _request(user))
    assert list(kitas.queryset) == []
    # known without declaring: the row's own Jugendamt, a related row with a jugendamt FK
    jugendamt = model_admin.formfield_for_foreignkey(
        User._meta.get_field("jugendamt"), _request(user)
    )
    assert [str(j) for j in jugendamt.queryset] == ["Amt Eins"]
    traeger = model_admin.formfield_for_foreignkey(User._meta.get_field("traeger"), _request(user))
    assert {t.jugendamt_id for t in traeger.queryset} == {one.pk}


def test_every_registered_admin_of_our_apps_passes_the_relation_check():
    errors = [
        e
        for model_admin in admin.site._registry.values()
        for e in model_admin.check()
        if e.id == "srb.E001"
    ]
    assert errors == []
    scoped = [
        m._meta.label_lower
        for m, a in admin.site._registry.items()
        if m._meta.app_label in ("audit", "sozialraeume", "surveys", "indices", "allocation")
        and not isinstance(a, JugendamtScopedAdmin)
    ]
    assert scoped == []
