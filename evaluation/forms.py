"""Forms of the evaluation survey: the staff's (instrument, item, wave, invitations) and
the respondent's questionnaire, built from the instrument's items."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import LIKERT_KINDS, Item, ItemKind, RespondentType
from evaluation.services import MAX_NUMBER, MAX_TEXT, field_name
from srb_project.numbers import GermanDecimalField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InstrumentCreateForm(forms.Form):
    respondent_type = forms.ChoiceField(label=_("Befragte"), choices=RespondentType.choices)
    title = forms.CharField(
        label=_("Titel (leer: aus der Vorlage)"), max_length=200, required=False
    )


class ItemForm(forms.Form):
    text = forms.CharField(
        label=_("Frage"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label=_("Art"), choices=ItemKind.choices)
    options = forms.CharField(
        label=_("Antwortmöglichkeiten (eine je Zeile, nur bei Auswahlfragen)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    required = forms.BooleanField(label=_("Pflichtfrage"), required=False)

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class WaveForm(forms.Form):
    label = forms.CharField(label=_("Bezeichnung"), max_length=120, required=False)
    opens_on = forms.DateField(label=_("Beginn"), widget=DATE)
    closes_on = forms.DateField(label=_("Ende (letzter Tag, an dem die Links gelten)"), widget=DATE)


class InviteForm(forms.Form):
    addresses = forms.CharField(
        label=_("E-Mail-Adressen (eine je Zeile, wahlweise „Name <adresse>“)"),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
    )


class AnswerForm(forms.Form):
    """One field per item (``item_<id>``); ``answers()`` gives the service's values."""

    def __init__(self, *args, items: list[Item], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[field_name(item)] = self._field(item)

    @staticmethod
    def _field(item: Item) -> forms.Field:
        label = f"{item.code}. {item.text}"
        required = item.required
        if item.kind in LIKERT_KINDS:
            choices = [(str(i), f"{i} – {text}") for i, text in enumerate(item.scale, start=1)]
            return forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                required=required,
                widget=forms.RadioSelect,
                empty_value=None,
            )
        if item.kind == ItemKind.SINGLE:
            choices = [(str(i), text) for i, text in enumerate(item.scale)]
            return forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                required=required,
                widget=forms.RadioSelect,
                empty_value=None,
            )
        if item.kind == ItemKind.MULTI:
            choices = [(str(i), text) for i, text in enumerate(item.scale)]
            return forms.TypedMultipleChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                required=required,
                widget=forms.CheckboxSelectMultiple,
            )
        if item.kind == ItemKind.NUMBER:
            return GermanDecimalField(
                label=label,
                required=required,
                min_value=0,
                max_value=MAX_NUMBER,
                example="12",
                help_text=_("eine Zahl, z. B. 12 oder 7,5"),
            )
        return forms.CharField(
            label=label,
            required=required,
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Bitte nennen Sie keine Namen."),
        )

    def answers(self) -> dict[int, object]:
        return {item.pk: self.cleaned_data.get(field_name(item)) for item in self.items}
