from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sozialraeume.models import Jugendamt, Kita, Sozialraum, Traeger, User
from sozialraeume.permissions import user_policy
from srb_project import policy
from srb_project.admin_site import GermanNumbersAdmin, JugendamtScopedAdmin

admin.site.site_header = _("Sozialraumbudget – Verwaltung")
admin.site.site_title = _("Sozialraumbudget")
admin.site.index_title = _("Verwaltung")


@admin.register(Jugendamt)
class JugendamtAdmin(GermanNumbersAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)

    # Only superusers administer Jugendämter: staff must not see or rename another
    # Jugendamt (or their own) through a plain model permission.
    def has_module_permission(self, request):
        return policy.is_superuser(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.is_superuser(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.is_superuser(request.user)

    def has_add_permission(self, request):
        return policy.is_superuser(request.user)

    def has_delete_permission(self, request, obj=None):
        return policy.is_superuser(request.user)


@admin.register(Traeger)
class TraegerAdmin(JugendamtScopedAdmin):
    list_display = ("name", "jugendamt")
    search_fields = ("name",)


@admin.register(Sozialraum)
class SozialraumAdmin(JugendamtScopedAdmin):
    list_display = ("name", "position", "description", "jugendamt")
    search_fields = ("name", "description")
    ordering = ("position", "name")


@admin.register(Kita)
class KitaAdmin(JugendamtScopedAdmin):
    jugendamt_path = "sozialraum__jugendamt"
    list_display = ("name", "sozialraum", "traeger", "places", "active", "city")
    # RelatedOnly: the filter lists only what the scoped queryset holds, not the
    # Sozialräume and Träger of every Jugendamt.
    list_filter = (
        ("sozialraum", admin.RelatedOnlyFieldListFilter),
        ("traeger", admin.RelatedOnlyFieldListFilter),
        "active",
    )
    search_fields = ("name", "street", "city", "traeger__name")
    list_select_related = ("sozialraum", "traeger")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        if db_field.name in ("sozialraum", "traeger") and not policy.sees_all_jugendaemter(user):
            kwargs["queryset"] = db_field.related_model.objects.filter(policy.jugendamt_scope(user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(BaseUserAdmin, JugendamtScopedAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Zuordnung"), {"fields": ("jugendamt", "kitas", "traeger")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "jugendamt", "is_active")
    list_filter = ("groups", "is_active", ("jugendamt", admin.RelatedOnlyFieldListFilter))
    filter_horizontal = ("groups", "user_permissions", "kitas")

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers or hands out single permissions; staff who
        # manage users would otherwise be able to make themselves superusers.
        fields = super().get_readonly_fields(request, obj)
        if policy.is_superuser(request.user):
            return fields
        return (*fields, "is_superuser", "user_permissions")

    def _own_jugendamt_filter(self, request, db_field) -> Q | None:
        """Choices of the assignment fields from the user's own Jugendamt (None: all)."""
        user = request.user
        if policy.sees_all_jugendaemter(user):
            return None
        if db_field.name == "jugendamt":
            return Q(pk=user.jugendamt_id)
        if db_field.name == "kitas":
            return policy.jugendamt_scope(user, "sozialraum__jugendamt")
        if db_field.name == "traeger":
            return policy.jugendamt_scope(user)
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = self._own_jugendamt_filter(request, db_field)
        if scope is not None:
            kwargs["queryset"] = db_field.related_model.objects.filter(scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scope = self._own_jugendamt_filter(request, db_field)
        if scope is not None:
            kwargs["queryset"] = db_field.related_model.objects.filter(scope)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request):
        user = request.user
        return user_policy.user_can(user, "manage") and policy.can_access_admin(user)
