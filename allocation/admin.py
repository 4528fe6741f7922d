from django.contrib import admin

from allocation.models import AuditEvent
from srb_project.admin_site import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "object_repr", "reason")
    list_filter = ("action",)
    search_fields = ("object_repr", "reason", "actor__username")
    date_hierarchy = "at"
