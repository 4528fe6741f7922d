"""The admin of centres and FS4 requests: read only (they are written on the pages, through
the audited services ``foerderung.services``), scoped to the user's Jugendamt."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from foerderung.models import Centre, Fs4Attachment, Fs4Request
from srb_project.admin_site import ReadOnlyAdmin, fte_display


@admin.register(Centre)
class CentreAdmin(ReadOnlyAdmin):
    jugendamt_path = "sozialraum__jugendamt"
    list_display = ("name", "sozialraum", "premises", "host_kita", "opened_on", "active")
    list_filter = ("active", "premises")
    search_fields = ("name", "address")


class Fs4AttachmentInline(admin.TabularInline):
    model = Fs4Attachment
    fields = ("name", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Fs4Request)
class Fs4RequestAdmin(ReadOnlyAdmin):
    jugendamt_path = "kita__sozialraum__jugendamt"
    list_display = ("kita", "requester_kind", "fte_vzae", "period_start", "period_end", "state")
    list_filter = ("state",)
    search_fields = ("kita__name", "need", "justification")
    inlines = [Fs4AttachmentInline]

    @admin.display(description=_("Stellenanteil (VZÄ)"), ordering="fte")
    def fte_vzae(self, obj):
        return fte_display(obj.fte)
