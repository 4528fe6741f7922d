"""Admin base classes that ask the one permission policy and scope rows to the Jugendamt."""

from django.contrib import admin
from django.db import models

from srb_project import policy
from srb_project.numbers import GermanDecimalField, IntegerTextInput


class GermanNumbersAdmin(admin.ModelAdmin):
    """Numbers in the admin as on the pages: text inputs read in German notation
    (``srb_project.numbers``), never ``type=number``, whose reading follows the browser's
    language ("0,80" became 80 in an English browser)."""

    formfield_overrides = {
        models.DecimalField: {"form_class": GermanDecimalField},
        models.IntegerField: {"widget": IntegerTextInput},
    }


class JugendamtScopedAdmin(GermanNumbersAdmin):
    """Shows only rows of the user's Jugendamt; ``jugendamt_path`` names the lookup."""

    jugendamt_path = "jugendamt"

    def has_module_permission(self, request):
        return policy.can_access_admin(request.user) and super().has_module_permission(request)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(policy.jugendamt_scope(request.user, self.jugendamt_path))

    def has_view_permission(self, request, obj=None):
        return policy.can_access_admin(request.user) and super().has_view_permission(request, obj)


class ReadOnlyAdmin(JugendamtScopedAdmin):
    """For append-only records: visible, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
