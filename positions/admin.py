"""The admin of the qualification catalogue and the positions: read only (they are written
on the pages, through the audited services ``positions.services``), scoped to the user's
Jugendamt."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from positions.models import Position, Qualification
from srb_project.admin_site import ReadOnlyAdmin, euro_display, fte_display


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    jugendamt_path = "jugendamt"
    list_display = ("code", "name", "legal_basis", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    jugendamt_path = "budget_year__jugendamt"
    list_display = ("number", "kita", "strand", "fte_vzae", "starts_on", "ends_on", "cost")
    list_filter = ("strand",)
    search_fields = ("number", "kita__name")

    @admin.display(description=_("Stellenanteil (VZÄ)"), ordering="fte")
    def fte_vzae(self, obj):
        return fte_display(obj.fte)

    @admin.display(description=_("geplante Personalkosten (€)"), ordering="planned_cost")
    def cost(self, obj):
        return euro_display(obj.planned_cost)
