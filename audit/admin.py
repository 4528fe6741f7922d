"""The audit trail in the admin: readable by staff of the Jugendamt, never changed."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.events import label_for
from audit.models import AuditEvent
from srb_project.admin_site import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action_label", "object_repr", "reason")
    list_filter = ("action",)
    search_fields = ("object_repr", "reason", "actor__username")
    date_hierarchy = "at"

    @admin.display(description=_("Aktion"), ordering="action")
    def action_label(self, obj):
        """The German label of the action (an old free-form code as it is)."""
        return label_for(obj.action)
