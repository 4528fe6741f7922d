"""Forms of the questionnaire app. Every answer's HTML name is its item code."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from srb_project.numbers import MAX_VERSION, DecimalTextInput, IntegerTextInput
from surveys.instrument import ITEMS_BY_CODE, QUESTION_TEXTS, SECTIONS, Item, scale_labels
from surveys.models import Response
from surveys.validation import validate_answers

NO_ANSWER = ("", _lazy("keine Angabe"))
LIKERT_TEMPLATE = "surveys/fields/likert.html"
INPUT_TEMPLATE = "surveys/fields/input.html"


def matrix_field_name(item: Item, partner_key: str) -> str:
    return f"{item.code}_{partner_key}"


def _number_text(value) -> str:
    return "" if value is None else str(value).replace(".", ",")


def _help_text(item: Item) -> str:
    parts = []
    if item.kind == "int":
        lo, hi = int(item.min), int(item.max)
        text = _("Ganze Zahl von %(min)s bis %(max)s") % {"min": lo, "max": hi}
        if item.max_item:
            limit = ITEMS_BY_CODE[item.max_item]
            text += _(", höchstens so viele wie bei %(code)s (%(label)s)") % {
                "code": limit.code,
                "label": limit.short_label,
            }
        parts.append(text + ".")
    elif item.kind == "decimal":
        parts.append(
            _("Zahl von %(min)s bis %(max)s, höchstens %(places)s Nachkommastellen (z. B. 12,5).")
            % {"min": int(item.min), "max": int(item.max), "places": item.places}
        )
    elif item.kind == "text" and item.max_length:
        parts.append(_("Höchstens %(n)s Zeichen.") % {"n": item.max_length})
    if item.required and item.kind != "confirm":
        parts.append(_("Pflichtangabe."))
    elif item.kind == "likert":
        parts.append(_("Sie können „keine Angabe“ wählen."))
    if item.help:
        parts.append(item.help)
    return " ".join(parts)


class QuestionnaireForm(forms.Form):
    """The whole instrument on one page, sections A–F as fieldsets.

    ``complete=False`` (draft) checks types and ranges; ``complete=True`` (submit)
    also checks required items and the F8 confirmation. The rules live in
    ``surveys.validation`` and are the same for the import.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_VERSION)

    def __init__(self, *args, survey_round, response: Response | None = None, complete=False, **kw):
        self.survey_round = survey_round
        self.items = survey_round.instrument.items
        self.partners = survey_round.partner_list
        self.complete = complete
        self.answers: dict = {}
        initial = kw.pop("initial", None) or {}
        initial.update(self.initial_from(response))
        super().__init__(*args, initial=initial, **kw)
        for item in self.items:
            self._add_fields(item)
        self.helper = self._helper()

    # --- building --------------------------------------------------------------------

    def _add_fields(self, item: Item) -> None:
        label = f"{item.code}. {item.label}"
        help_text = _help_text(item)
        if item.kind == "int":
            # A text input, never type=number: the browser's language would decide how a
            # typed number is read (srb_project.numbers); surveys.validation checks it.
            self.fields[item.code] = forms.CharField(
                label=label,
                help_text=help_text,
                required=False,
                widget=IntegerTextInput(),
            )
        elif item.kind == "decimal":
            self.fields[item.code] = forms.CharField(
                label=label,
                help_text=help_text,
                required=False,
                widget=DecimalTextInput(),
            )
        elif item.kind == "likert":
            options = [(str(n), f"{n} – {text}") for n, text in scale_labels(item)]
            if not item.required:
                options.append(NO_ANSWER)
            self.fields[item.code] = forms.ChoiceField(
                label=label,
                help_text=help_text,
                required=False,
                choices=options,
                widget=forms.RadioSelect,
            )
        elif item.kind == "text":
            widget = (
                forms.Textarea(attrs={"rows": 3, "maxlength": item.max_length})
                if (item.max_length or 0) > 200
                else forms.TextInput(attrs={"maxlength": item.max_length})
            )
            self.fields[item.code] = forms.CharField(
                label=label, help_text=help_text, required=False, widget=widget, strip=True
            )
        elif item.kind == "choice":
            self.fields[item.code] = forms.MultipleChoiceField(
                label=label,
                help_text=help_text,
                required=False,
                choices=list(item.choices),
                widget=forms.CheckboxSelectMultiple,
            )
        elif item.kind == "matrix":
            for key, partner in self.partners:
                self.fields[matrix_field_name(item, key)] = forms.ChoiceField(
                    label=partner,
                    required=False,
                    choices=[NO_ANSWER, *item.levels],
                )
        elif item.kind == "confirm":
            self.fields[item.code] = forms.BooleanField(
                label=label,
                help_text=_("Pflichtangabe zum Einreichen."),
                required=False,
            )

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        sections = []
        for letter, title in SECTIONS:
            parts = []
            groups: dict[str, Fieldset] = {}
            for item in self.items:
                if item.section != letter:
                    continue
                # Sub-items of one question (B3a, B3b ...) share a group whose legend is
                # the question, so a screen reader announces it with each answer.
                target = parts
                if item.question in QUESTION_TEXTS:
                    if item.question not in groups:
                        groups[item.question] = Fieldset(
                            f"{escape(item.question)}. {escape(QUESTION_TEXTS[item.question])}",
                            css_class="question",
                            css_id=f"q-{item.question}",
                        )
                        parts.append(groups[item.question])
                    target = groups[item.question].fields
                if item.kind == "likert":
                    # The whole radio group in one template (same HTML as InlineRadios,
                    # without a sub-template per option): surveys/templatetags.
                    target.append(Field(item.code, template=LIKERT_TEMPLATE))
                elif item.kind == "matrix":
                    # One select per partner, labelled by the partner: the legend names
                    # the question.
                    target.append(
                        Fieldset(
                            f"{escape(item.code)}. {escape(item.label)}",
                            Div(
                                *[
                                    Div(Field(matrix_field_name(item, key)), css_class="col-md-4")
                                    for key, _label in self.partners
                                ],
                                css_class="row",
                            ),
                            css_class="question",
                            css_id=f"q-{item.code}",
                        )
                    )
                elif item.kind in ("int", "decimal", "text"):
                    # Text and number inputs likewise in one template each.
                    target.append(Field(item.code, template=INPUT_TEMPLATE))
                else:
                    target.append(Field(item.code))
            sections.append(
                Fieldset(
                    f"{letter}. {title}", *parts, css_class="section", css_id=f"section-{letter}"
                )
            )
        helper.layout = Layout("version", *sections)
        return helper

    # --- data ------------------------------------------------------------------------

    def initial_from(self, response: Response | None) -> dict:
        initial = {"version": response.version if response else 0}
        if response is None:
            return initial
        for code, value in (response.answers or {}).items():
            item = ITEMS_BY_CODE.get(code)
            if item is None:
                continue
            if item.kind == "matrix" and isinstance(value, dict):
                for key, level in value.items():
                    initial[matrix_field_name(item, key)] = level
            elif item.kind in ("int", "decimal"):
                initial[code] = _number_text(value)
            elif item.kind == "likert":
                initial[code] = str(value)
            else:
                initial[code] = value
        return initial

    def raw_answers(self) -> dict:
        data = self.cleaned_data
        raw = {}
        for item in self.items:
            if item.kind == "matrix":
                raw[item.code] = {
                    key: data.get(matrix_field_name(item, key)) or ""
                    for key, _label in self.partners
                }
            else:
                raw[item.code] = data.get(item.code)
        return raw

    def clean(self):
        super().clean()
        cleaned, errors = validate_answers(
            self.raw_answers(), complete=self.complete, items=self.items, partners=self.partners
        )
        for code, messages in errors.items():
            field = code if code in self.fields else None
            if field is None and self.partners:
                field = matrix_field_name(ITEMS_BY_CODE[code], self.partners[0][0])
            if field in self.errors:
                continue
            for message in messages:
                self.add_error(field, message)
        self.answers = cleaned
        return self.cleaned_data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_lazy("Grund für das Wiederöffnen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class ReviewForm(forms.Form):
    review_state = forms.ChoiceField(
        label=_lazy("Prüfstatus"),
        choices=[c for c in Response.Review.choices if c[0]],
    )
    review_comment = forms.CharField(
        label=_lazy("Kommentar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Datei (CSV oder XLSX)"),
        help_text=_lazy(
            "Eine Zeile je Kita; Spalten kita, sozialraum, status und die Item-Codes. "
            "Bei einem Fehler wird nichts übernommen."
        ),
    )

    def clean_file(self):
        """The size limit, checked before the file is read or parsed (issue 13)."""
        upload = self.cleaned_data["file"]
        limit = settings.SRB_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (höchstens %(max)s MB).")
                % {"max": f"{limit / 1_048_576:.1f}".replace(".", ",")},
                code="file_too_large",
            )
        return upload


class RoundCreateForm(forms.Form):
    code = forms.RegexField(
        label=_lazy("Kennung"),
        regex=r"^[A-Za-z0-9_-]{1,20}$",
        help_text=_lazy("z. B. 2027 (Buchstaben, Ziffern, - und _)"),
    )
    stichtag = forms.DateField(
        label=_lazy("Stichtag"), widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_lazy("Abgabe bis"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code.lower() == "runden":
            raise forms.ValidationError(_("Diese Kennung ist nicht erlaubt."))
        return code


class PartnersForm(forms.Form):
    """The F4 network partners of a round, one label per line."""

    labels = forms.CharField(
        label=_lazy("Netzwerkpartner (F4)"),
        help_text=_lazy(
            "Ein Partner je Zeile. Die Reihenfolge ist die im Fragebogen. Vorhandene "
            "Partner behalten beim Umsortieren ihre Angaben."
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def label_list(self) -> list[str]:
        return self.cleaned_data["labels"].splitlines()
