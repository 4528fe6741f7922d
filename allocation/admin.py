"""Admin for the allocation: staff work here too, but every write goes through a service.

Plans are never saved by the admin itself: line inlines call ``line_add`` /
``line_update`` / ``line_delete`` (with optimistic locking and the reason), and
the workflow is a set of admin actions that call the transition services.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from allocation import distribution as d
from allocation import selectors
from allocation.models import (
    AllocationLine,
    AllocationPlan,
    BudgetYear,
    PlanComment,
    Reallocation,
    SozialraumShare,
)
from allocation.services import budget_years as budget_year_services
from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from allocation.services import reallocations as reallocation_services
from allocation.services import workflow
from allocation.templatetags.allocation_tags import eur
from srb_project.admin_site import JugendamtScopedAdmin, ReadOnlyAdmin
from surveys.models import SurveyRound


def _report(request, exc):
    for msg in (
        exc.messages
        if isinstance(exc, ValidationError)
        else [str(exc) or gettext("Dafür fehlt Ihnen die Berechtigung.")]
    ):
        messages.error(request, msg)


# --- budget years -------------------------------------------------------------------------


class SozialraumShareInline(admin.TabularInline):
    model = SozialraumShare
    extra = 0
    can_delete = False
    fields = ("sozialraum", "gesamt", "percent", "state_amount", "municipal", "total")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Kommunaler Anteil"))
    def municipal(self, obj):
        return eur(d.funding_for_state_amount(obj.state_amount).municipal)

    @admin.display(description=_("Gesamt"))
    def total(self, obj):
        return eur(d.funding_for_state_amount(obj.state_amount).total)


class BudgetYearForm(forms.ModelForm):
    state_budget = forms.DecimalField(
        label=_("Landeszuweisung (€)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("Leer lassen: Vorjahr × 1,025, auf ganze Euro gerundet."),
    )

    class Meta:
        model = BudgetYear
        fields = ("year", "label", "state_budget", "round", "fte_costs", "fte_step")


@admin.register(BudgetYear)
class BudgetYearAdmin(JugendamtScopedAdmin):
    form = BudgetYearForm
    list_display = ("year", "label", "state_budget", "municipal", "total", "own_figure", "round")
    inlines = [SozialraumShareInline]
    actions = ["apply_shares", "create_plans"]

    @admin.display(description=_("Kommunaler Anteil"))
    def municipal(self, obj):
        return eur(d.funding_for_state_amount(obj.state_budget).municipal)

    @admin.display(description=_("Gesamt"))
    def total(self, obj):
        return eur(d.funding_for_state_amount(obj.state_budget).total)

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "round" and request.user.jugendamt_id:
            kwargs["queryset"] = SurveyRound.objects.filter(jugendamt_id=request.user.jugendamt_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        jugendamt_id = obj.jugendamt_id if change else request.user.jugendamt_id
        saved = budget_year_services.budget_year_save(
            jugendamt_id=jugendamt_id,
            year=obj.year,
            state_budget=data.get("state_budget"),
            label=data.get("label", ""),
            round=data.get("round"),
            fte_costs=data.get("fte_costs"),
            fte_step=data.get("fte_step"),
            acting_user=request.user,
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(description=_("Anteile aus der Indexberechnung übernehmen (Schritt 1)"))
    def apply_shares(self, request, queryset):
        for by in queryset:
            try:
                budget_year_services.budget_year_apply_shares(
                    budget_year=by, acting_user=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                _report(request, exc)
            else:
                messages.success(request, gettext("Anteile für %(y)s übernommen.") % {"y": by})

    @admin.action(description=_("Verteilungspläne für alle Sozialräume anlegen"))
    def create_plans(self, request, queryset):
        for by in queryset:
            try:
                budget_year_services.budget_year_create_plans(
                    budget_year=by, acting_user=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                _report(request, exc)


# --- plans and lines ----------------------------------------------------------------------


class AdminLineForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Grund der Änderung"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AllocationLine
        fields = (
            "kita",
            "strand",
            "fte",
            "annual_cost",
            "justification",
            "qualification",
            "central_location",
            "cross_provider",
        )
        widgets = {"justification": forms.Textarea(attrs={"rows": 1})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        """Refuse an ineligible line (or a change without reason) before anything is saved."""
        data = super().clean()
        if self.errors or data.get("DELETE") or not self.has_changed():
            return data
        plan = AllocationPlan.objects.filter(pk=self.instance.plan_id).first()
        if plan is not None and data.get("kita") and data.get("strand"):
            line_services.line_check(
                plan=plan,
                kita=data["kita"],
                strand=data["strand"],
                justification=data.get("justification", ""),
                central_location=data.get("central_location", False),
                cross_provider=data.get("cross_provider", False),
                line_id=self.instance.pk,
                reason=data.get("reason", ""),
            )
        return data


class AllocationLineInline(admin.TabularInline):
    model = AllocationLine
    form = AdminLineForm
    extra = 0
    fields = (
        "kita",
        "strand",
        "fte",
        "annual_cost",
        "state_part",
        "eligibility",
        "justification",
        "qualification",
        "central_location",
        "cross_provider",
        "reason",
        "expected_version",
    )
    readonly_fields = ("state_part", "eligibility")

    @admin.display(description=_("Förderfähigkeit"))
    def eligibility(self, obj):
        if not obj.pk:
            return "–"
        row = next((r for r in selectors.plan_view(obj.plan).rows if r.line.pk == obj.pk), None)
        if row is None:
            return "–"
        return format_html("<strong>{}</strong><br>{}", row.eligibility_label, row.eligibility_text)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        plan = getattr(request, "_allocation_plan", None)
        if db_field.name == "kita" and plan is not None:
            kwargs["queryset"] = plan.sozialraum.kitas.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return obj is not None and obj.is_editable and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and obj.is_editable and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.is_editable and super().has_delete_permission(request, obj)


class PlanCommentInline(admin.TabularInline):
    model = PlanComment
    extra = 0
    fields = ("created_at", "author", "text")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlanActionForm(ActionForm):
    reason = forms.CharField(label=_("Begründung"), required=False)


@admin.register(AllocationPlan)
class AllocationPlanAdmin(JugendamtScopedAdmin):
    jugendamt_path = "sozialraum__jugendamt"
    list_display = (
        "sozialraum",
        "budget_year",
        "state",
        "planned_state",
        "planned_municipal",
        "planned_total",
        "budget_state",
        "review_due",
        "last_editor",
    )
    list_filter = ("budget_year__year", "state")
    readonly_fields = (
        "budget_year",
        "sozialraum",
        "state",
        "budget_state",
        "planned_state",
        "planned_municipal",
        "planned_total",
        "proposed_at",
        "approved_at",
        "approved_by",
        "review_due",
        "last_editor",
        "version",
        "links",
    )
    fields = readonly_fields
    inlines = [AllocationLineInline, PlanCommentInline]
    action_form = PlanActionForm
    actions = ["propose", "start_consultation", "submit", "approve", "rework"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        request._allocation_plan = obj
        return obj

    @admin.display(description=_("Landesanteil Sozialraum"))
    def budget_state(self, obj):
        return eur(selectors.state_amount_for(obj.budget_year_id, obj.sozialraum_id))

    def _planned(self, obj):
        return selectors.plan_view(obj).planned

    @admin.display(description=_("verplant Land"))
    def planned_state(self, obj):
        return eur(self._planned(obj).state)

    @admin.display(description=_("verplant Kommune"))
    def planned_municipal(self, obj):
        return eur(self._planned(obj).municipal)

    @admin.display(description=_("verplant gesamt"))
    def planned_total(self, obj):
        return eur(self._planned(obj).total)

    @admin.display(description=_("Seiten"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("allocation:plan_detail", args=[obj.pk]),
            gettext("Planseite"),
            reverse("allocation:plan_history", args=[obj.pk]),
            gettext("Verlauf"),
        )

    def save_model(self, request, obj, form, change):
        """The plan's own fields are read-only here; nothing to save (no obj.save())."""

    def save_formset(self, request, form, formset, change):
        # The admin's change message reads these; the services write the audit trail.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is not AllocationLine:
            return
        plan = form.instance
        for f in formset.forms:
            if not f.has_changed() and f not in formset.deleted_forms:
                continue
            data = f.cleaned_data
            try:
                if f in formset.deleted_forms:
                    if f.instance.pk:
                        line_services.line_delete(
                            line_id=f.instance.pk,
                            expected_version=data.get("expected_version") or 0,
                            reason=data.get("reason", ""),
                            acting_user=request.user,
                        )
                elif f.instance.pk is None:
                    line_services.line_add(
                        plan=plan,
                        kita=data["kita"],
                        strand=data["strand"],
                        fte=data["fte"],
                        annual_cost=data["annual_cost"],
                        justification=data.get("justification", ""),
                        qualification=data.get("qualification", ""),
                        central_location=data.get("central_location", False),
                        cross_provider=data.get("cross_provider", False),
                        reason=data.get("reason", ""),
                        acting_user=request.user,
                    )
                else:
                    line_services.line_update(
                        line_id=f.instance.pk,
                        expected_version=data.get("expected_version") or 0,
                        reason=data.get("reason", ""),
                        acting_user=request.user,
                        **{
                            k: data[k]
                            for k in line_services.LINE_FIELDS
                            if k in data and k in f.changed_data
                        },
                    )
            except (ValidationError, PermissionDenied) as exc:
                _report(request, exc)

    def _transition(self, request, queryset, name):
        reason = request.POST.get("reason", "")
        for plan in queryset:
            try:
                workflow.TRANSITIONS[name](plan=plan, acting_user=request.user, reason=reason)
            except (ValidationError, PermissionDenied) as exc:
                _report(request, exc)
            else:
                messages.success(request, f"{plan}: {plan.get_state_display()}")

    @admin.action(description=_("Vorschlag nach Regel erstellen (FS1)"))
    def propose(self, request, queryset):
        for plan in queryset:
            try:
                plan_services.plan_propose(plan=plan, acting_user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                _report(request, exc)

    @admin.action(description=_("In Abstimmung geben"))
    def start_consultation(self, request, queryset):
        self._transition(request, queryset, "start_consultation")

    @admin.action(description=_("Als Beschlussvorlage vorlegen"))
    def submit(self, request, queryset):
        self._transition(request, queryset, "submit")

    @admin.action(description=_("Beschließen (Jugendamt-Leitung, Vier-Augen-Prinzip)"))
    def approve(self, request, queryset):
        self._transition(request, queryset, "approve")

    @admin.action(description=_("Überarbeitung (Begründung angeben)"))
    def rework(self, request, queryset):
        self._transition(request, queryset, "rework")


@admin.register(Reallocation)
class ReallocationAdmin(JugendamtScopedAdmin):
    jugendamt_path = "budget_year__jugendamt"
    list_display = (
        "budget_year",
        "from_sozialraum",
        "to_sozialraum",
        "to_kita",
        "amount",
        "reason",
        "created_by",
        "created_at",
    )
    fields = ("budget_year", "from_sozialraum", "to_sozialraum", "to_kita", "amount", "reason")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = reallocation_services.reallocation_create(acting_user=request.user, **data)
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc
        obj.pk = saved.pk

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        base_clean = form.clean
        admin_self = self

        def clean(form_self):
            data = base_clean(form_self)
            admin_self._validate(request, data, form_self)
            return data

        form.clean = clean
        return form

    def _validate(self, request, data, form):
        """Run the service's checks before saving by a dry run in a rolled-back savepoint."""
        if form.errors:
            return
        try:
            with transaction.atomic():
                reallocation_services.reallocation_create(acting_user=request.user, **data)
                raise _DryRun
        except _DryRun:
            pass
        except (ValidationError, PermissionDenied) as exc:
            raise ValidationError(getattr(exc, "messages", [str(exc)])) from exc


class _DryRun(Exception):
    pass


@admin.register(PlanComment)
class PlanCommentAdmin(ReadOnlyAdmin):
    jugendamt_path = "plan__sozialraum__jugendamt"
    list_display = ("plan", "author", "created_at", "text")
