"""Admin: stored runs are read-only (runs are immutable; recompute on the page)."""

from django.contrib import admin

from indices.models import IndexRun, RecomputeRequest
from srb_project.admin_site import ReadOnlyAdmin


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
        "instrument_code",
        "input_checksum",
        "kita_count",
        "triggered_by",
        "warnings",
    )
    exclude = ("norms", "minmax")


@admin.register(RecomputeRequest)
class RecomputeRequestAdmin(ReadOnlyAdmin):
    jugendamt_path = "round__jugendamt"
    list_display = ("round", "requested_at", "requested_by", "force", "last_error")
    list_select_related = ("round", "requested_by")
