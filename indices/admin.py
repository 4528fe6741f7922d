"""Admin: stored runs are read-only (runs are immutable; recompute on the page)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from indices.models import IndexRun, RecomputeRequest, SozialraumIndex
from srb_project.admin_site import ReadOnlyAdmin, index_display, percent_display


class SozialraumIndexInline(admin.TabularInline):
    """The run's values per Sozialraum: indices with one decimal, the share in percent."""

    model = SozialraumIndex
    extra = 0
    can_delete = False
    fields = (
        "sozialraum",
        "ab_value",
        "sl_value",
        "fm_value",
        "in_value",
        "gesamt_value",
        "percent_value",
        "kita_count",
    )
    readonly_fields = fields
    ordering = ("-gesamt",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # whoever may see the run sees its values (the run's admin asks the policy)
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)

    @admin.display(description=_("Allgemeiner Bedarf"))
    def ab_value(self, obj):
        return index_display(obj.ab)

    @admin.display(description=_("Soziale Lage"))
    def sl_value(self, obj):
        return index_display(obj.sl)

    @admin.display(description=_("Flucht und Migration"))
    def fm_value(self, obj):
        return index_display(obj.fm)

    @admin.display(description=_("Infrastruktur und Netzwerke"))
    def in_value(self, obj):
        return index_display(obj.infra)

    @admin.display(description=_("Gesamtindex"))
    def gesamt_value(self, obj):
        return index_display(obj.gesamt)

    @admin.display(description=_("Anteil"))
    def percent_value(self, obj):
        return percent_display(obj.percent)


@admin.register(IndexRun)
class IndexRunAdmin(ReadOnlyAdmin):
    jugendamt_path = "round__jugendamt"
    list_display = ("round", "status", "trigger", "started_at", "finished_at", "kita_count")
    list_filter = ("status", "trigger")
    list_select_related = ("round",)
    readonly_fields = (
        "round",
        "status",
        "trigger",
        "started_at",
        "finished_at",
        "error",
        "method_version",
        "method_name",
        "method_revision",
        "method_parameters",
        "konzeption_version",
        "instrument_code",
        "input_checksum",
        "kita_count",
        "triggered_by",
        "warnings",
    )
    exclude = ("norms", "minmax")
    inlines = [SozialraumIndexInline]


@admin.register(RecomputeRequest)
class RecomputeRequestAdmin(ReadOnlyAdmin):
    jugendamt_path = "round__jugendamt"
    list_display = ("round", "requested_at", "requested_by", "force", "last_error")
    list_select_related = ("round", "requested_by")
