from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit import events as audit_events
from sozialraeume import master_data_services
from sozialraeume.models import Jugendamt, Kita, Sozialraum, Traeger, User
from sozialraeume.permissions import master_data_policy
from srb_project import policy
from srb_project.admin_site import THE_JUGENDAMT, JugendamtScopedAdmin

admin.site.site_header = _("Sozialraumbudget – Verwaltung")
admin.site.site_title = _("Sozialraumbudget")
admin.site.index_title = _("Verwaltung")


class MasterDataAdmin(JugendamtScopedAdmin):
    """Master data is saved and deleted through ``master_data_services`` (audited with old
    and new values), never by ``obj.save()`` alone."""

    def save_model(self, request, obj, form, change):
        try:
            master_data_services.master_data_save(obj=obj, acting_user=request.user)
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc

    def delete_model(self, request, obj):
        try:
            master_data_services.master_data_delete(obj=obj, acting_user=request.user)
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(Jugendamt)
class JugendamtAdmin(MasterDataAdmin):
    """Only superusers see a Jugendamt here; only the platform operator (a superuser
    without a Jugendamt) adds, changes or deletes one. A superuser attached to a
    Jugendamt reads their own only (README "Verwaltung (Admin)")."""

    jugendamt_path = THE_JUGENDAMT
    list_display = ("name", "slug", "public_page_enabled")  # issue 17: the public page
    search_fields = ("name",)

    def has_module_permission(self, request):
        return policy.is_superuser(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.is_superuser(request.user)

    def has_change_permission(self, request, obj=None):
        return master_data_policy.user_can(request.user, "manage_jugendamt", obj)

    def has_add_permission(self, request):
        return master_data_policy.user_can(request.user, "manage_jugendamt")

    def has_delete_permission(self, request, obj=None):
        return master_data_policy.user_can(request.user, "manage_jugendamt", obj)


@admin.register(Traeger)
class TraegerAdmin(MasterDataAdmin):
    list_display = ("name", "jugendamt")
    search_fields = ("name",)


@admin.register(Sozialraum)
class SozialraumAdmin(MasterDataAdmin):
    list_display = ("name", "position", "description", "jugendamt")
    search_fields = ("name", "description")
    ordering = ("position", "name")


@admin.register(Kita)
class KitaAdmin(MasterDataAdmin):
    jugendamt_path = "sozialraum__jugendamt"
    scoped_relations = {"traeger": "jugendamt"}
    list_display = ("name", "sozialraum", "traeger", "places", "active", "city")
    # RelatedOnly: the filter lists only what the list holds (the mixin keeps it to the
    # user's Jugendamt in any case).
    list_filter = (
        ("sozialraum", admin.RelatedOnlyFieldListFilter),
        ("traeger", admin.RelatedOnlyFieldListFilter),
        "active",
    )
    search_fields = ("name", "street", "city", "traeger__name")
    list_select_related = ("sozialraum", "traeger")


# --- people, roles and login throttling: the superuser's business (issue 13) --------------
# Tenant roles manage people on the page "Personen" (sozialraeume.accounts: invitations,
# reset links, four eyes for Leitung and Administration, audited). The Django admin of
# users, role groups and django-axes' records is for superusers only: a model permission
# in a role group never opens it (sozialraeume.roles grants none for these models).


class SuperuserOnlyAdminMixin:
    """Every admin page of the model for superusers only (others: 403, or the login)."""

    def has_module_permission(self, request):
        return policy.is_superuser(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.is_superuser(request.user)

    def has_add_permission(self, request, *args):
        return policy.is_superuser(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return policy.is_superuser(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return policy.is_superuser(request.user) and super().has_delete_permission(request, obj)


def _reregister_superuser_only(model) -> None:
    """Replace a third-party admin registration by a superuser-only subclass of it."""
    if not admin.site.is_registered(model):
        return
    base = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(
        model, type(f"SuperuserOnly{base.__name__}", (SuperuserOnlyAdminMixin, base), {})
    )


for _model in (Group, Permission, AccessAttempt, AccessLog, AccessFailureLog):
    _reregister_superuser_only(_model)


@admin.register(User)
class UserAdmin(SuperuserOnlyAdminMixin, BaseUserAdmin, JugendamtScopedAdmin):
    """Superusers only (the password page too: it asks ``has_change_permission``).

    Role changes made here are audited like those on the page "Personen"; the four-eyes
    rule of that page binds the Jugendamt's staff, not the platform's operator."""

    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Zuordnung"), {"fields": ("jugendamt", "kitas", "traeger")}),
    )
    # the Jugendamt is chosen on adding only by a superuser without one (who sees all);
    # everyone else's new user belongs to their own (``save_model``)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Zuordnung"), {"fields": ("jugendamt",)}),)
    list_display = ("username", "email", "first_name", "last_name", "jugendamt", "is_active")
    list_filter = ("groups", "is_active", ("jugendamt", admin.RelatedOnlyFieldListFilter))
    filter_horizontal = ("groups", "user_permissions", "kitas")
    # for the Jugendamt-scoped relations of the admin base (a superuser with a Jugendamt is
    # held to it); groups and permissions are shared by all Jugendämter
    scoped_relations = {"kitas": "sozialraum__jugendamt", "traeger": "jugendamt"}
    unscoped_relations = ("groups", "user_permissions")

    def get_fieldsets(self, request, obj=None):
        if obj is None and not policy.sees_all_jugendaemter(request.user):
            return BaseUserAdmin.add_fieldsets
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        creator = request.user
        if not change and obj.jugendamt_id is None and creator.jugendamt_id is not None:
            # a new user belongs to its creator's Jugendamt (else nobody there sees them)
            obj.jugendamt_id = creator.jugendamt_id
        if change:
            obj._srb_before = User.objects.filter(pk=obj.pk).values("is_active").first()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        before_roles = set(obj.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after_roles = set(obj.groups.values_list("name", flat=True))
        assignment = {
            "roles": sorted(after_roles),
            "kitas": sorted(obj.kitas.values_list("name", flat=True)),
            "traeger": obj.traeger.name if obj.traeger_id else "",
        }
        reason = gettext("in der Verwaltung (Django-Admin) durch eine*n Superuser*in")
        for role in sorted(after_roles - before_roles):
            audit_events.record(
                actor=request.user,
                jugendamt_id=obj.jugendamt_id,
                action="role.grant",
                obj=obj,
                old={"roles": sorted(before_roles)},
                new={"role": role, **assignment},
                reason=reason,
            )
        for role in sorted(before_roles - after_roles):
            audit_events.record(
                actor=request.user,
                jugendamt_id=obj.jugendamt_id,
                action="role.revoke",
                obj=obj,
                old={"roles": sorted(before_roles)},
                new={"role": role, **assignment},
                reason=reason,
            )
        before = getattr(obj, "_srb_before", None)
        if before is not None and before["is_active"] != obj.is_active:
            audit_events.record(
                actor=request.user,
                jugendamt_id=obj.jugendamt_id,
                action="user.activate" if obj.is_active else "user.deactivate",
                obj=obj,
                old={"is_active": before["is_active"]},
                new={"is_active": obj.is_active},
                reason=reason,
            )
