"""Read-side queries for master data, always scoped to what the user may see."""

from django.db.models import QuerySet

from sozialraeume.models import Jugendamt, Kita, User
from sozialraeume.permissions import kita_policy
from srb_project import policy


def kita_list_for_user(user: User) -> QuerySet[Kita]:
    """Kitas the user may see: their Jugendamt's (staff), their Träger's, or their own."""
    return kita_policy.instances_for(user, "view")


def jugendamt_id_for_user(user: User) -> int | None:
    """The Jugendamt a user works in; a superuser without one sees the first."""
    if user.jugendamt_id:
        return user.jugendamt_id
    if policy.is_superuser(user):
        return Jugendamt.objects.order_by("pk").values_list("pk", flat=True).first()
    return None
