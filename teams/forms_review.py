"""Forms of release time and reviews: validation of what people type; the rules and the
writes are the services'."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from srb_project.numbers import GermanDecimalField
from teams.models import Meeting, MeetingState, ReviewOutcome
from teams.services.release import HOURS_MAX, HOURS_MIN


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class HoursField(GermanDecimalField):
    places = 2
    example = "2,5"
    unit = _("Stunden")
    units = ("h", "Std.", "Stunden")


class ReleaseRequestForm(forms.Form):
    kita = forms.ModelChoiceField(label=_("Kita"), queryset=None, empty_label=None)
    task = forms.CharField(
        label=_("Aufgabe"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Was ist zu tun, zum Beispiel Daten für das Team erheben?"),
    )
    hours = HoursField(
        label=_("Stunden"),
        min_value=HOURS_MIN,
        max_value=HOURS_MAX,
        help_text=_("Zum Beispiel 2,5 (zwischen 0,25 und 200 Stunden)."),
    )
    period_start = forms.DateField(label=_("von"), widget=DateInput())
    period_end = forms.DateField(label=_("bis"), widget=DateInput())

    def __init__(self, *args, kitas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kita"].queryset = kitas
        if len(kitas) == 1:
            self.fields["kita"].widget = forms.HiddenInput()
            self.fields["kita"].initial = kitas[0].pk

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and start < timezone.localdate():
            self.add_error(
                "period_start",
                _(
                    "Eine Freistellung wird vorher vereinbart: Der Zeitraum kann nicht in der "
                    "Vergangenheit beginnen."
                ),
            )
        if start and end and end < start:
            self.add_error("period_end", _("Das Ende des Zeitraums liegt vor seinem Beginn."))
        return data


class ReleaseDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("approve", _("genehmigen")), ("decline", _("ablehnen"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Für eine Ablehnung nötig; die antragstellende Person liest sie."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Für die Ablehnung ist eine Begründung nötig."))
        return data


class YearForm(forms.Form):
    jahr = forms.IntegerField(min_value=2000, max_value=2100, required=False)


class ReviewOpenForm(forms.Form):
    sozialraum = forms.ModelChoiceField(label=_("Sozialraum"), queryset=None)
    reason = forms.CharField(
        label=_("Anlass"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Warum wird die Verteilung jetzt überprüft?"),
    )

    def __init__(self, *args, sozialraeume, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sozialraum"].queryset = sozialraeume


class ReviewHoldForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Team-Sitzung"), queryset=None)
    findings = forms.CharField(
        label=_("Ergebnisse"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    recommendation = forms.CharField(
        label=_("Empfehlung des Teams"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(team__sozialraum_id=review.sozialraum_id)
            .exclude(state=MeetingState.CANCELLED)
            .order_by("-starts_at")
        )


class ReviewDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Entscheidung des Jugendamts"),
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Für eine Anpassung nötig: Sie steht im Plan als Grund der Überarbeitung."),
    )

    def __init__(self, *args, may_adjust: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_adjust:
            self.fields["outcome"].choices = [
                (ReviewOutcome.KEEP, ReviewOutcome.KEEP.label),
            ]
            self.fields["outcome"].help_text = _(
                "Anpassen (der Plan geht zurück in den Entwurf) kann nur die Jugendamt-Leitung."
            )
