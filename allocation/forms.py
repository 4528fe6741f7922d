"""Forms of the allocation pages; validation of the rules happens in the services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from allocation.models import AllocationLine, Strand
from sozialraeume.models import Kita, Sozialraum


class DecimalCommaField(forms.DecimalField):
    """A decimal that also accepts the German comma ("0,5") when no point is given."""

    def to_python(self, value):
        if isinstance(value, str) and "," in value and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)


class LineForm(forms.Form):
    kita = forms.ModelChoiceField(label=_("Kita"), queryset=Kita.objects.none())
    strand = forms.ChoiceField(label=_("Förderstrang"), choices=Strand.choices)
    fte = DecimalCommaField(
        label=_("Stellenanteil (VZÄ)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("Der Stellenanteil muss größer als 0 sein.")},
    )
    annual_cost = DecimalCommaField(
        label=_("Personalkosten pro Jahr (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        error_messages={"min_value": _("Die Personalkosten dürfen nicht negativ sein.")},
    )
    justification = forms.CharField(
        label=_("Begründung der Förderung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Pflicht für FS4 und für FS3-Ausnahmen."),
    )
    qualification = forms.CharField(label=_("Qualifikation"), required=False, max_length=200)
    central_location = forms.BooleanField(label=_("FS2: zentrale Lage bestätigt"), required=False)
    cross_provider = forms.BooleanField(
        label=_("FS2: trägerübergreifende Angebote zugesagt"), required=False
    )
    reason = forms.CharField(
        label=_("Grund der Änderung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Nach dem Vorschlag des Jugendamts Pflicht."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, line: AllocationLine | None = None, **kwargs):
        if line is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kita": line.kita_id,
                "strand": line.strand,
                "fte": line.fte,
                "annual_cost": line.annual_cost,
                "justification": line.justification,
                "qualification": line.qualification,
                "central_location": line.central_location,
                "cross_provider": line.cross_provider,
                "version": line.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["kita"].queryset = Kita.objects.filter(sozialraum_id=plan.sozialraum_id)
        if line is not None:
            self.fields["kita"].disabled = True

    def full_clean(self):
        super().full_clean()
        # The hidden version is not shown next to any field: say it above the form.
        if self.is_bound and "version" in self._errors:
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
    text = forms.CharField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}))


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
    amount = DecimalCommaField(
        label=_("Landesmittel (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("Der Betrag muss größer als 0 sein.")},
    )
    reason = forms.CharField(label=_("Begründung"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, jugendamt_id, **kwargs):
        super().__init__(*args, **kwargs)
        srs = Sozialraum.objects.filter(jugendamt_id=jugendamt_id)
        self.fields["from_sozialraum"].queryset = srs
        self.fields["to_sozialraum"].queryset = srs
        self.fields["to_kita"].queryset = Kita.objects.filter(
            sozialraum__jugendamt_id=jugendamt_id
        ).select_related("sozialraum")
