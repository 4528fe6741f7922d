"""factory_boy factories for the master data; other apps add theirs beside them."""

import factory
from django.contrib.auth.models import Group

from sozialraeume import roles
from sozialraeume.models import Jugendamt, Kita, Sozialraum, Traeger, User


class JugendamtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jugendamt
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Jugendamt {n}")
    slug = factory.Sequence(lambda n: f"ja-{n}")


class TraegerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Traeger

    jugendamt = factory.SubFactory(JugendamtFactory)
    name = factory.Sequence(lambda n: f"Träger {n}")


class SozialraumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sozialraum

    jugendamt = factory.SubFactory(JugendamtFactory)
    name = factory.Sequence(lambda n: f"Sozialraum {n}")


class KitaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kita

    sozialraum = factory.SubFactory(SozialraumFactory)
    traeger = factory.SubFactory(
        TraegerFactory, jugendamt=factory.SelfAttribute("..sozialraum.jugendamt")
    )
    name = factory.Sequence(lambda n: f"Kita {n:05d}")
    places = 60


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    jugendamt = factory.SubFactory(JugendamtFactory)
    password = factory.django.Password("geheim-passwort-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted in roles.STAFF_ROLES:
                self.is_staff = True
                self.save(update_fields=["is_staff"])

    @factory.post_generation
    def kitas(self, create, extracted, **kwargs):
        if extracted:
            self.kitas.set(extracted)


def make_user(role, *, jugendamt=None, kitas=None, traeger=None, **kwargs):
    jugendamt = jugendamt or (kitas[0].sozialraum.jugendamt if kitas else JugendamtFactory())
    return UserFactory(role=role, jugendamt=jugendamt, kitas=kitas, traeger=traeger, **kwargs)
