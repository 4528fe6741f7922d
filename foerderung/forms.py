"""Forms of the centre and FS4 request pages; the rules are checked again in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from foerderung.models import Centre, Premises
from foerderung.services import MAX_ATTACHMENTS
from sozialraeume.models import Kita
from srb_project.numbers import FteField
from srb_project.uploads import check_pdf

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CentreForm(forms.Form):
    """A Sozialraum's centre as the Jugendamt records it."""

    name = forms.CharField(label=_("Name"), max_length=200)
    premises = forms.ChoiceField(
        label=_("Räume"), choices=Premises.choices, widget=forms.RadioSelect
    )
    host_kita = forms.ModelChoiceField(
        label=_("gastgebende Kita"),
        queryset=Kita.objects.none(),
        required=False,
        help_text=_("Nur für ein Zentrum in einer Kita."),
    )
    address = forms.CharField(label=_("Anschrift"), max_length=300, required=False)
    opened_on = forms.DateField(label=_("eröffnet am"), required=False, widget=DATE)
    central_location = forms.BooleanField(
        label=_("zentrale Lage bestätigt"),
        required=False,
        help_text=_("Nur für ein Zentrum in einer Kita: vom Jugendamt bestätigt."),
    )
    cross_provider = forms.BooleanField(
        label=_("trägerübergreifende Angebote zugesagt"),
        required=False,
        help_text=_("Nur für ein Zentrum in einer Kita: die Kita sagt sie zu."),
    )
    offers = forms.CharField(
        label=_("Angebote"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, sozialraum, centre: Centre | None = None, **kwargs):
        if centre is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": centre.name,
                "premises": centre.premises,
                "host_kita": centre.host_kita_id,
                "address": centre.address,
                "opened_on": centre.opened_on,
                "central_location": centre.central_location,
                "cross_provider": centre.cross_provider,
                "offers": centre.offers,
            }
        kwargs.setdefault("initial", {}).setdefault("premises", Premises.KITA)
        super().__init__(*args, **kwargs)
        self.fields["host_kita"].queryset = Kita.objects.filter(sozialraum=sozialraum).order_by(
            "name"
        )

    def clean(self):
        data = super().clean()
        if data.get("premises") == Premises.KITA and not data.get("host_kita"):
            self.add_error(
                "host_kita", _("Ein Zentrum in einer Kita braucht die gastgebende Kita.")
            )
        return data


class CentreCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("geschlossen am"), widget=DATE)
    reason = forms.CharField(
        label=_("Grund"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PdfFilesField(forms.FileField):
    """One or several PDFs (each checked by ``srb_project.uploads.check_pdf``)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Höchstens %(n)s Anlagen je Antrag.") % {"n": MAX_ATTACHMENTS})
        result = []
        for uploaded in files:
            uploaded = super().clean(uploaded, initial)
            if uploaded:
                check_pdf(uploaded)
                result.append(uploaded)
        return result


class Fs4RequestForm(forms.Form):
    """An FS4 request as the Kita leader or the Träger submits it."""

    kita = forms.ModelChoiceField(label=_("Kita"), queryset=Kita.objects.none())
    need = forms.CharField(
        label=_("Bedarf"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Welches Zusatzpersonal braucht die Kita, wofür?"),
    )
    justification = forms.CharField(
        label=_("Begründung"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Warum ist es für die Betriebserlaubnis nötig (z. B. Auflage, Räume)?"),
    )
    fte = FteField(
        label=_("Stellenanteil (VZÄ)"), min_value=Decimal("0.05"), max_value=Decimal("5.00")
    )
    period_start = forms.DateField(label=_("von"), widget=DATE)
    period_end = forms.DateField(label=_("bis"), widget=DATE)
    attachments = PdfFilesField(
        label=_("Anlagen (PDF)"),
        required=False,
        help_text=_("Eine oder mehrere PDF-Dateien, z. B. die Auflage der Betriebserlaubnis."),
    )

    def __init__(self, *args, kitas, jugendamt=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kita"].queryset = kitas
        if kitas.count() == 1:
            self.fields["kita"].initial = kitas.first().pk
        if jugendamt is not None:
            fte = self.fields["fte"]
            fte.min_value, fte.max_value, fte.step = (
                jugendamt.fte_min,
                jugendamt.fte_max,
                jugendamt.fte_step,
            )
        self.fields["attachments"].widget.attrs["accept"] = "application/pdf,.pdf"

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Der Zeitraum endet vor seinem Beginn."))
        return data


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung der Entscheidung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pflicht bei einer Ablehnung; die Antragsteller*innen erhalten sie."),
    )
