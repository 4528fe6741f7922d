"""Forms of the allocation pages; validation of the rules happens in the services."""

import json
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allocation.models import AllocationLine, Strand
from allocation.services import lines as line_services
from foerderung import selectors as foerderung_selectors
from foerderung.models import Fs4Request
from sozialraeume.models import Kita, Sozialraum
from srb_project.numbers import MAX_VERSION, EuroField, FteField, cost_of_fte, localized


def _version_field():
    """The hidden version a page carries: a database integer, never more (issue 13)."""
    return forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_VERSION
    )


def _fs4_label(request: Fs4Request) -> str:
    """ "Kita X · 0,50 VZÄ · 01.08.2026–31.07.2027 · angenommen am 03.02.2026" """
    decided = (
        timezone.localtime(request.decided_at).strftime("%d.%m.%Y") if request.decided_at else "–"
    )
    return _("%(kita)s · %(fte)s VZÄ · %(start)s–%(end)s · angenommen am %(decided)s") % {
        "kita": request.kita.name,
        "fte": localized(request.fte),
        "start": request.period_start.strftime("%d.%m.%Y"),
        "end": request.period_end.strftime("%d.%m.%Y"),
        "decided": decided,
    }


class LineForm(forms.Form):
    """A line as staff type it: FTE in German notation within the Jugendamt's bounds; the
    cost follows from FTE × the strand's rate unless set by hand with a reason."""

    kita = forms.ModelChoiceField(label=_("Kita"), queryset=Kita.objects.none())
    strand = forms.ChoiceField(label=_("Förderstrang"), choices=Strand.choices)
    fte = FteField(label=_("Stellenanteil (VZÄ)"))
    cost_override = forms.BooleanField(
        label=_("Personalkosten abweichend festlegen"),
        required=False,
        help_text=_("Nur wenn die tatsächlichen Kosten vom Kostensatz abweichen."),
    )
    annual_cost = EuroField(
        label=_("Abweichende Personalkosten pro Jahr (€)"),
        required=False,
        min_value=Decimal("0.00"),
        max_digits=12,
    )
    cost_override_reason = forms.CharField(
        label=_("Grund der abweichenden Personalkosten"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    justification = forms.CharField(
        label=_("Begründung der Förderung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Pflicht für FS4 und für FS3-Ausnahmen."),
    )
    qualification = forms.CharField(label=_("Qualifikation"), required=False, max_length=200)
    # Issue 15: FS2 lines belong to the Sozialraum's centre (set by the service, shown by
    # ``centre``); an FS4 line names the accepted request of its Kita.
    fs4_request = forms.ModelChoiceField(
        label=_("FS4: angenommener Antrag"),
        queryset=Fs4Request.objects.none(),
        required=False,
        empty_label=_("– kein Antrag –"),
        help_text=_("Pflicht für FS4: nur vom Jugendamt angenommene Anträge der Kita."),
    )
    reason = forms.CharField(
        label=_("Grund der Änderung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Nach dem Vorschlag des Jugendamts Pflicht."),
    )
    version = _version_field()

    def __init__(self, *args, plan, line: AllocationLine | None = None, **kwargs):
        if line is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kita": line.kita_id,
                "strand": line.strand,
                "fte": line.fte,
                "cost_override": line.cost_override,
                "annual_cost": line.annual_cost if line.cost_override else None,
                "cost_override_reason": line.cost_override_reason,
                "justification": line.justification,
                "qualification": line.qualification,
                "fs4_request": line.fs4_request_id,
                "version": line.version,
            }
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["kita"].queryset = Kita.objects.filter(sozialraum_id=plan.sozialraum_id)
        if line is not None:
            self.fields["kita"].disabled = True
        kita_ids = self.fields["kita"].queryset.values("pk")
        if line is not None:
            kita_ids = [line.kita_id]
        requests = foerderung_selectors.accepted_requests(kita_ids)
        self.fields["fs4_request"].queryset = requests
        self.fields["fs4_request"].label_from_instance = _fs4_label
        self.centre = foerderung_selectors.active_centre(plan.sozialraum_id)
        jugendamt = plan.sozialraum.jugendamt
        fte = self.fields["fte"]
        bounds = line_services.fte_bounds(jugendamt)
        fte.min_value, fte.max_value, fte.step = (
            bounds["min_value"],
            bounds["max_value"],
            bounds["step"],
        )
        self.rates = plan.budget_year.fte_cost_rates()
        fte.help_text = _(
            "%(min)s bis %(max)s VZÄ in Schritten von %(step)s, z. B. 0,80. "
            "Personalkosten = Stellenanteil × Kostensatz je Vollzeitstelle (%(year)s): %(rates)s."
        ) % {
            "min": localized(bounds["min_value"]),
            "max": localized(bounds["max_value"]),
            "step": localized(bounds["step"]),
            "year": plan.budget_year,
            "rates": ", ".join(
                f"{strand} {localized(rate)} €" for strand, rate in self.rates.items()
            ),
        }
        # For the script that shows the cost while typing (static/allocation/line_cost.js).
        fte.widget.attrs["data-rates"] = json.dumps({k: str(v) for k, v in self.rates.items()})
        budget = line_services.plan_budget_total(plan)
        if budget is not None:
            self.fields["annual_cost"].max_value = budget
        self.fields["annual_cost"].help_text = _(
            "Nur mit „Personalkosten abweichend festlegen“; höchstens das Budget des Sozialraums."
        )

    def cost_preview(self) -> Decimal | None:
        """The annual cost of the FTE and strand shown (typed or stored): FTE × rate."""
        fte_field = self["fte"]
        try:
            fte = self.fields["fte"].to_python(fte_field.value())
        except forms.ValidationError:
            return None
        strand = self["strand"].value() or Strand.FS1
        if fte is None or strand not in self.rates:
            return None
        return cost_of_fte(fte, self.rates[strand])

    def clean(self):
        data = super().clean()
        if data.get("cost_override"):
            if not (data.get("cost_override_reason") or "").strip():
                self.add_error(
                    "cost_override_reason",
                    _(
                        "Abweichende Personalkosten brauchen einen Grund "
                        "(z. B. tatsächliches Gehalt)."
                    ),
                )
            if data.get("annual_cost") is None and "annual_cost" not in self.errors:
                self.add_error(
                    "annual_cost", _("Bitte geben Sie die abweichenden Personalkosten pro Jahr an.")
                )
        else:
            # Without the choice the cost is FTE × rate: a typed amount does not count.
            data["annual_cost"] = None
            data["cost_override_reason"] = ""
            self.errors.pop("annual_cost", None)
        return data

    def full_clean(self):
        super().full_clean()
        # The hidden version is not shown next to any field: say it above the form.
        self.tampered = self.is_bound and "version" in self._errors
        if self.tampered:
            del self._errors["version"]
            self.add_error(
                None,
                _("Die Seite ist veraltet oder unvollständig. Bitte laden Sie die Zeile neu."),
            )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    """A comment on the plan, or on one of its lines the user may name (``lines``: the
    plan's lines of the user's own Kitas, ``selectors.lines_open_for_comment``)."""

    line = forms.ModelChoiceField(
        label=_("zu Zeile (optional)"),
        queryset=AllocationLine.objects.none(),
        required=False,
        empty_label=_("zum ganzen Plan"),
    )
    text = forms.CharField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lines is None:
            lines = AllocationLine.objects.none()
        self.fields["line"].queryset = lines
        self.fields["line"].label_from_instance = lambda line: line.short_label
        if not lines.exists():
            # Nothing to refer to: the plan as a whole (a foreign id is still refused).
            self.fields["line"].widget = forms.HiddenInput()


class ReallocationForm(forms.Form):
    from_sozialraum = forms.ModelChoiceField(
        label=_("von Sozialraum"), queryset=Sozialraum.objects.none()
    )
    to_sozialraum = forms.ModelChoiceField(
        label=_("an Sozialraum"), queryset=Sozialraum.objects.none()
    )
    to_kita = forms.ModelChoiceField(
        label=_("für Kita (optional)"), queryset=Kita.objects.none(), required=False
    )
    amount = EuroField(
        label=_("Landesmittel (€)"),
        max_digits=12,
        min_value=Decimal("0.01"),
        help_text=_(
            "z. B. 10.000 oder 10.000,00; höchstens die nicht verplanten bzw. die "
            "tatsächlich nicht verausgabten Landesmittel."
        ),
    )
    # issue 16: "actual" money is checked against the budget execution's freed amount
    source = forms.ChoiceField(
        label=_("Herkunft der Mittel"),
        choices=[
            ("planned", _("nicht verplant")),
            ("actual", _("tatsächlich nicht verausgabt")),
        ],
        initial="planned",
        required=False,  # a form without the field (older pages, scripts): "planned"
        help_text=_(
            "„nicht verplant“: nicht in den Verteilungszeilen verplant; „tatsächlich nicht "
            "verausgabt“: von den Stellen nicht ausgegeben (Umsetzung, z. B. unbesetzte Monate)."
        ),
    )
    reason = forms.CharField(
        label=_("Begründung (intern)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Für die Jugendamt-Leitung und das Protokoll; darf Kitas nennen."),
    )
    public_reason = forms.CharField(
        label=_("Begründung für den Ausschuss"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Wird im Bericht an den Jugendhilfeausschuss veröffentlicht: ohne Namen von Kitas."
        ),
    )

    def clean_source(self):
        return self.cleaned_data.get("source") or "planned"

    def __init__(self, *args, jugendamt_id, **kwargs):
        super().__init__(*args, **kwargs)
        srs = Sozialraum.objects.filter(jugendamt_id=jugendamt_id)
        self.fields["from_sozialraum"].queryset = srs
        self.fields["to_sozialraum"].queryset = srs
        self.fields["to_kita"].queryset = Kita.objects.filter(
            sozialraum__jugendamt_id=jugendamt_id
        ).select_related("sozialraum")


class ReallocationDecisionForm(forms.Form):
    """Approve or reject a proposed reallocation (the version the page showed)."""

    reason = forms.CharField(
        label=_("Begründung der Entscheidung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bei einer Ablehnung Pflicht."),
    )
    version = _version_field()


class ConsultationShortenForm(forms.Form):
    """The Jugendamt-Leitung shortens the Träger's consultation, with two reasons.
    Its own ids: the plan page also has the status form's "reason"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_shorten_%s")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        label=_("Begründung (intern)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    public_reason = forms.CharField(
        label=_("Begründung für den Ausschuss"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Wird im Bericht an den Jugendhilfeausschuss veröffentlicht: ohne Namen von Kitas."
        ),
    )
    version = _version_field()
