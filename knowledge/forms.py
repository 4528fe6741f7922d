"""Forms of the document box and the children's perspective; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knowledge.models import DocumentKind, PictureKind, Theme, Visibility

FILE_ACCEPT = "application/pdf,.pdf,image/jpeg,.jpg,.jpeg,image/png,.png"
IMAGE_ACCEPT = "image/jpeg,.jpg,.jpeg,image/png,.png"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DocumentFieldsForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    kind = forms.ChoiceField(label=_("Art"), choices=DocumentKind.choices)
    date = forms.DateField(label=_("Datum"), widget=DateInput(), initial=timezone.localdate)
    sozialraum = forms.ModelChoiceField(
        label=_("Sozialraum"),
        queryset=None,
        required=False,
        empty_label=_("– ganzer Jugendamtsbezirk –"),
    )
    visibility = forms.ChoiceField(
        label=_("Sichtbarkeit"),
        choices=Visibility.choices,
        initial=Visibility.STAFF,
        help_text=_(
            "„Öffentlich“ erscheint auf der öffentlichen Ergebnisseite erst, wenn das "
            "Jugendamt sie eingeschaltet hat."
        ),
    )

    def __init__(self, *args, sozialraeume, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sozialraum"].queryset = sozialraeume


class VersionFieldsMixin(forms.Form):
    file = forms.FileField(
        label=_("Datei (PDF, JPEG oder PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
        help_text=_("Bilder werden neu gespeichert, ohne Metadaten (z. B. Standort)."),
    )
    note = forms.CharField(
        label=_("Vermerk zur Version"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    resolved_on = forms.DateField(
        label=_("vom Jugendhilfeausschuss beschlossen am"),
        required=False,
        widget=DateInput(),
        help_text=_("Nur bei der Konzeption."),
    )


class DocumentCreateForm(DocumentFieldsForm, VersionFieldsMixin):
    pass


class VersionForm(VersionFieldsMixin):
    pass


class PictureForm(forms.Form):
    kita = forms.ModelChoiceField(label=_("Kita"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Art"), choices=PictureKind.choices)
    image = forms.FileField(
        label=_("Bild (JPEG oder PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_(
            "Höchstens 10 MB und 40 Megapixel. Das Bild wird neu gespeichert, alle Metadaten "
            "(Kamera, Standort, Aufnahmezeit) werden entfernt. Bei einer Notiz vom "
            "Spaziergang ist das Bild freiwillig."
        ),
    )
    place = forms.CharField(label=_("Ort"), max_length=200)
    motif = forms.CharField(
        label=_("Motivbeschreibung"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Was ist zu sehen, was ist dem Kind an diesem Ort wichtig? Bitte keine Namen von "
            "Kindern oder Eltern und nichts, woran ein Kind zu erkennen ist."
        ),
    )
    themes = forms.MultipleChoiceField(
        label=_("Themen"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    made_on = forms.DateField(
        label=_("gemalt bzw. notiert am"), widget=DateInput(), initial=timezone.localdate
    )

    def __init__(self, *args, kitas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kita"].queryset = kitas
