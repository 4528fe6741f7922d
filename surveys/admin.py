"""Admin for instrument versions, rounds and responses; writes go through services."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from srb_project.admin_site import JugendamtScopedAdmin, ReadOnlyAdmin
from surveys import services
from surveys.models import Instrument, Response, SurveyRound
from surveys.presentation import answer_rows


@admin.register(Instrument)
class InstrumentAdmin(JugendamtScopedAdmin):
    jugendamt_path = None  # one instrument for all Jugendämter
    list_display = ["code", "name", "created_at"]
    readonly_fields = ["code", "name", "definition", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SurveyRound)
class SurveyRoundAdmin(JugendamtScopedAdmin):
    unscoped_relations = ("instrument",)  # shared by all Jugendämter
    list_display = ["code", "jugendamt", "state", "stichtag", "closes_on"]
    list_filter = ["state"]
    readonly_fields = ["state"]
    fields = ["jugendamt", "code", "instrument", "stichtag", "opens_on", "closes_on", "state"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["jugendamt", "code", "instrument", "state"]
        return ["state"]

    def save_model(self, request, obj, form, change):
        if change:
            # Dates only (audited); states change through round_open / round_close.
            services.round_dates_change(
                survey_round=obj,
                stichtag=obj.stichtag,
                opens_on=obj.opens_on,
                closes_on=obj.closes_on,
                acting_user=request.user,
            )
            return
        created = services.round_create(
            jugendamt=obj.jugendamt,
            code=obj.code,
            stichtag=obj.stichtag,
            opens_on=obj.opens_on,
            closes_on=obj.closes_on,
            instrument=obj.instrument,
            acting_user=request.user,
        )
        obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    jugendamt_path = "round__jugendamt"
    list_display = ["kita", "round", "status", "review_state", "submitted_at"]
    list_filter = [("round", admin.RelatedOnlyFieldListFilter), "status", "review_state"]
    search_fields = ["kita__name"]
    list_select_related = ["kita", "round"]
    # The answers as the review page shows them (question, German figures), not as JSON.
    exclude = ["answers"]
    readonly_fields = ["answers_overview"]

    @admin.display(description=_("Antworten"))
    def answers_overview(self, obj):
        if obj.pk is None:
            return "–"
        return render_to_string(
            "admin/surveys/response_answers.html",
            {"sections": answer_rows(obj.round, obj.answers or {})},
        )
