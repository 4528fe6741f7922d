"""Read-side queries for master data, always scoped to what the user may see."""

from django.db.models import QuerySet

from sozialraeume import roles
from sozialraeume.models import Kita, Sozialraum
from srb_project import permissions


def kita_list_for_user(user) -> QuerySet[Kita]:
    """Kitas the user may see: their Jugendamt's (staff), their Träger's, or their own."""
    qs = Kita.objects.select_related("sozialraum", "traeger")
    if not user.is_authenticated:
        return qs.none()
    if permissions.is_jugendamt_staff(user):
        if user.is_superuser and user.jugendamt_id is None:
            return qs
        return qs.filter(sozialraum__jugendamt_id=user.jugendamt_id)
    filters = qs.none()
    if permissions.has_role(user, roles.KITA_LEITUNG):
        filters = filters | qs.filter(pk__in=user.kitas.values("pk"))
    if permissions.has_role(user, roles.TRAEGER) and user.traeger_id:
        filters = filters | qs.filter(traeger_id=user.traeger_id)
    return filters


def sozialraum_list_for_jugendamt(jugendamt_id) -> QuerySet[Sozialraum]:
    return Sozialraum.objects.filter(jugendamt_id=jugendamt_id).order_by("position", "name")


def jugendamt_id_for_user(user):
    """The Jugendamt a user works in; a superuser without one sees the first."""
    if user.jugendamt_id:
        return user.jugendamt_id
    if user.is_superuser:
        from sozialraeume.models import Jugendamt

        return Jugendamt.objects.order_by("pk").values_list("pk", flat=True).first()
    return None
