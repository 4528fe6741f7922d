"""Admin for the allocation: staff work here too, but every write goes through a service.

Plans are never saved by the admin itself: line inlines call ``line_add`` /
``line_update`` / ``line_delete`` (with optimistic locking and the reason), and
the workflow is a set of admin actions that call the transition services.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
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
    Strand,
)
from allocation.services import budget_years as budget_year_services
from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from allocation.services import reallocations as reallocation_services
from allocation.services import workflow
from allocation.templatetags.allocation_tags import eur
from srb_project.admin_site import (
    JugendamtScopedAdmin,
    JugendamtScopedInline,
    ReadOnlyAdmin,
    euro_display,
    format_number,
    fte_display,
    index_display,
    percent_display,
)
from srb_project.numbers import EuroField, FteField, IntegerTextInput


def _report(request, exc):
    for msg in (
        exc.messages
        if isinstance(exc, ValidationError)
        else [str(exc) or gettext("Dafür fehlt Ihnen die Berechtigung.")]
    ):
        messages.error(request, msg)


# --- budget years -------------------------------------------------------------------------

# Plausibility of a rate per full position and year (employer gross): typing "70,000"
# or "700.000" by mistake is refused, not stored.
RATE_MIN = Decimal("1000.00")
RATE_MAX = Decimal("500000.00")


class SozialraumShareInline(admin.TabularInline):
    model = SozialraumShare
    extra = 0
    can_delete = False
    fields = (
        "sozialraum",
        "gesamt_value",
        "percent_value",
        "state_amount_eur",
        "municipal",
        "total",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Gesamtindex"))
    def gesamt_value(self, obj):
        return index_display(obj.gesamt)

    @admin.display(description=_("Anteil"))
    def percent_value(self, obj):
        return percent_display(obj.percent)

    @admin.display(description=_("Landesanteil"))
    def state_amount_eur(self, obj):
        return euro_display(obj.state_amount)

    @admin.display(description=_("Kommunaler Anteil"))
    def municipal(self, obj):
        return euro_display(d.funding_for_state_amount(obj.state_amount).municipal)

    @admin.display(description=_("Gesamt"))
    def total(self, obj):
        return euro_display(d.funding_for_state_amount(obj.state_amount).total)


def _rate_field_name(strand: str) -> str:
    return f"fte_cost_{strand}"


def _rate_field(strand: str) -> EuroField:
    return EuroField(
        label=format_lazy(_("Kostensatz {strand} je Vollzeitstelle und Jahr (€)"), strand=strand),
        max_digits=12,
        min_value=RATE_MIN,
        max_value=RATE_MAX,
        help_text=_(
            "Arbeitgeberbrutto einer Vollzeitstelle; eine Zeile kostet Stellenanteil × Kostensatz."
        ),
    )


class BudgetYearForm(forms.ModelForm):
    """The budget year in German numbers; the cost per full position one field per strand
    (stored together in ``BudgetYear.fte_costs``)."""

    state_budget = EuroField(
        label=_("Landeszuweisung (€)"),
        required=False,
        max_digits=12,
        min_value=Decimal("0.00"),
        help_text=_("Leer lassen: Vorjahr × 1,025, auf ganze Euro gerundet."),
    )
    fte_step = FteField(
        label=_("Rundungsschritt Stellenanteil (Vorschlag)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("1.00"),
        help_text=_("Der Vorschlag nach Regel rundet Stellenanteile auf diesen Schritt ab."),
    )
    fte_cost_FS1 = _rate_field("FS1")
    fte_cost_FS2 = _rate_field("FS2")
    fte_cost_FS3 = _rate_field("FS3")
    fte_cost_FS4 = _rate_field("FS4")

    class Meta:
        model = BudgetYear
        fields = ("year", "label", "state_budget", "round", "fte_step")
        widgets = {"year": IntegerTextInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rates = self.instance.fte_cost_rates()
        for strand in Strand.values:
            self.fields[_rate_field_name(strand)].initial = rates[strand]
        if not self.instance.pk:
            self.fields["fte_step"].initial = Decimal("0.05")

    def fte_costs(self) -> dict[str, Decimal]:
        """{strand: euros per full position} as ``budget_year_save`` stores them."""
        return {s: self.cleaned_data[_rate_field_name(s)] for s in Strand.values}


@admin.register(BudgetYear)
class BudgetYearAdmin(JugendamtScopedAdmin):
    form = BudgetYearForm
    scoped_relations = {"round": "jugendamt"}
    list_display = (
        "year",
        "label",
        "state_budget_eur",
        "municipal",
        "total",
        "own_figure",
        "round",
        "rates",
    )
    inlines = [SozialraumShareInline]
    actions = ["apply_shares", "create_plans"]

    def get_fieldsets(self, request, obj=None):
        rates = [_rate_field_name(s) for s in Strand.values]
        return [
            (None, {"fields": ["year", "label", "state_budget", "round", "fte_step"]}),
            (_("Kostensätze je Vollzeitstelle"), {"fields": rates}),
        ]

    @admin.display(description=_("Landeszuweisung"), ordering="state_budget")
    def state_budget_eur(self, obj):
        return euro_display(obj.state_budget)

    @admin.display(description=_("Kostensätze je Vollzeitstelle"))
    def rates(self, obj):
        return format_html_join(
            " · ",
            '<span class="srb-figure">{} {} €</span>',
            ((s, format_number(rate, 2)) for s, rate in obj.fte_cost_rates().items()),
        )

    @admin.display(description=_("Kommunaler Anteil"))
    def municipal(self, obj):
        return euro_display(d.funding_for_state_amount(obj.state_budget).municipal)

    @admin.display(description=_("Gesamt"))
    def total(self, obj):
        return euro_display(d.funding_for_state_amount(obj.state_budget).total)

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj else ()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        jugendamt_id = obj.jugendamt_id if change else request.user.jugendamt_id
        stored = BudgetYear.objects.filter(pk=obj.pk) if change else BudgetYear.objects.none()
        before = stored.values_list("state_budget", flat=True).first()
        saved = budget_year_services.budget_year_save(
            jugendamt_id=jugendamt_id,
            year=obj.year,
            state_budget=data.get("state_budget"),
            label=data.get("label", ""),
            round=data.get("round"),
            fte_costs=form.fte_costs(),
            fte_step=data.get("fte_step"),
            acting_user=request.user,
        )
        obj.pk = saved.pk
        obj.refresh_from_db()
        if before is not None and before != saved.state_budget and saved.shares.exists():
            self._report_reapportioned(request, saved)

    def _report_reapportioned(self, request, budget_year):
        """Say that the shares follow the new allocation, and which approved plan is above it."""
        messages.info(
            request,
            gettext(
                "Die Landeszuweisung %(y)s ist geändert: Die Anteile der Sozialräume sind auf "
                "den neuen Betrag von %(amount)s verteilt."
            )
            % {"y": budget_year, "amount": eur(budget_year.state_budget)},
        )
        for row in selectors.budget_overview(budget_year).plans_over_new_amount:
            messages.warning(
                request,
                gettext("%(sr)s: Der beschlossene Plan übersteigt den neuen Anteil um %(over)s.")
                % {"sr": row.sozialraum, "over": eur(row.approved_excess)},
            )

    def get_deleted_objects(self, objs, request):
        """A budget year with shares or plans is not deleted: the confirmation page lists
        them as protected and says why (and offers no button to confirm)."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for by in objs:
            blockers = budget_year_services.budget_year_delete_blockers(by)
            if blockers:
                protected = [*protected, *blockers]
                messages.error(request, budget_year_services.budget_year_undeletable_message(by))
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        try:
            budget_year_services.budget_year_delete(budget_year=obj, acting_user=request.user)
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for by in queryset:
                self.delete_model(request, by)

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
    """A line in the plan's admin page: German numbers, the FTE within the Jugendamt's
    bounds, the cost FTE × rate unless set by hand with a reason (as on the line page)."""

    fte = FteField(label=_("Stellenanteil (VZÄ)"))
    annual_cost = EuroField(
        label=_("Personalkosten pro Jahr (€)"),
        required=False,
        max_digits=12,
        min_value=Decimal("0.00"),
        help_text=_("Ergibt sich aus VZÄ × Kostensatz; nur abweichend mit Grund änderbar."),
    )
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
            "cost_override",
            "cost_override_reason",
            "justification",
            "qualification",
            "central_location",
            "cross_provider",
        )
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 1}),
            "cost_override_reason": forms.Textarea(attrs={"rows": 1}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        plan = AllocationPlan.objects.filter(pk=self.instance.plan_id).first()
        if plan is not None:
            bounds = line_services.fte_bounds(plan.sozialraum.jugendamt)
            fte = self.fields["fte"]
            fte.min_value, fte.max_value, fte.step = (
                bounds["min_value"],
                bounds["max_value"],
                bounds["step"],
            )

    def clean(self):
        """Refuse an ineligible line (or a change without reason) before anything is saved."""
        data = super().clean()
        if self.errors or data.get("DELETE") or not self.has_changed():
            return data
        if not data.get("cost_override") and "annual_cost" in self.changed_data:
            cost = data.get("annual_cost")
            if cost is not None and self.instance.pk and cost != self.instance.annual_cost:
                self.add_error(
                    "annual_cost",
                    gettext(
                        "Die Personalkosten ergeben sich aus VZÄ × Kostensatz. Für einen "
                        "anderen Betrag „Personalkosten abweichend festgelegt“ wählen und den "
                        "Grund angeben."
                    ),
                )
                return data
        if data.get("cost_override") and not (data.get("cost_override_reason") or "").strip():
            self.add_error(
                "cost_override_reason",
                gettext("Abweichende Personalkosten brauchen einen Grund."),
            )
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


class AllocationLineInline(JugendamtScopedInline):
    model = AllocationLine
    jugendamt_path = "plan__sozialraum__jugendamt"
    scoped_relations = {"kita": "sozialraum__jugendamt"}
    form = AdminLineForm
    extra = 0
    fields = (
        "kita",
        "strand",
        "fte",
        "annual_cost",
        "cost_override",
        "cost_override_reason",
        "state_part_eur",
        "eligibility",
        "justification",
        "qualification",
        "central_location",
        "cross_provider",
        "reason",
        "expected_version",
    )
    readonly_fields = ("state_part_eur", "eligibility")
    # A plan that is no longer a draft shows its lines read-only: figures as on the plan
    # page, without the inputs that only a change needs (reason, version).
    read_only_fields = (
        "kita",
        "strand",
        "fte_value",
        "annual_cost_eur",
        "cost_override",
        "cost_override_reason",
        "state_part_eur",
        "eligibility",
        "justification",
        "qualification",
        "central_location",
        "cross_provider",
    )

    def get_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return list(self.read_only_fields)
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return list(self.read_only_fields)
        return list(self.readonly_fields)

    @admin.display(description=_("Stellenanteil (VZÄ)"))
    def fte_value(self, obj):
        return fte_display(obj.fte)

    @admin.display(description=_("Personalkosten pro Jahr"))
    def annual_cost_eur(self, obj):
        return euro_display(obj.annual_cost)

    @admin.display(description=_("Landesanteil"))
    def state_part_eur(self, obj):
        return euro_display(obj.state_part if obj.pk else None)

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
        return euro_display(selectors.state_amount_for(obj.budget_year_id, obj.sozialraum_id))

    def _planned(self, obj):
        return selectors.plan_view(obj).planned

    @admin.display(description=_("verplant Land"))
    def planned_state(self, obj):
        return euro_display(self._planned(obj).state)

    @admin.display(description=_("verplant Kommune"))
    def planned_municipal(self, obj):
        return euro_display(self._planned(obj).municipal)

    @admin.display(description=_("verplant gesamt"))
    def planned_total(self, obj):
        return euro_display(self._planned(obj).total)

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
                        annual_cost=data["annual_cost"] if data.get("cost_override") else None,
                        cost_override=data.get("cost_override", False),
                        cost_override_reason=data.get("cost_override_reason", ""),
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
                            if k in data
                            and k in f.changed_data
                            # without the choice the cost follows the FTE
                            and (k != "annual_cost" or data.get("cost_override"))
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
    scoped_relations = {
        "from_sozialraum": "jugendamt",
        "to_sozialraum": "jugendamt",
        "to_kita": "sozialraum__jugendamt",
    }
    list_display = (
        "budget_year",
        "from_sozialraum",
        "to_sozialraum",
        "to_kita",
        "amount_eur",
        "reason",
        "created_by",
        "created_at",
        "state",
        "decided_by",
    )
    # German amounts ("10.000"), never a browser number input.
    formfield_overrides = {models.DecimalField: {"form_class": EuroField}}
    # A proposal (four eyes): it is decided on the budget year page, not here.
    fields = (
        "budget_year",
        "from_sozialraum",
        "to_sozialraum",
        "to_kita",
        "amount",
        "reason",
        "public_reason",
    )

    @admin.display(description=_("Landesmittel"), ordering="amount")
    def amount_eur(self, obj):
        return euro_display(obj.amount)

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
