"""The audit trail in the admin: readable by staff of the Jugendamt, never changed."""

from django.contrib import admin

from audit.models import AuditEvent
from srb_project.admin_site import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "object_repr", "reason")
    list_filter = ("action",)
    search_fields = ("object_repr", "reason", "actor__username")
    date_hierarchy = "at"
