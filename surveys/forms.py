"""Forms of the questionnaire app. Every answer's HTML name is its item code."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from srb_project.numbers import MAX_VERSION, DecimalTextInput, IntegerTextInput, localized_plain
from surveys.instrument import ITEMS_BY_CODE, QUESTION_TEXTS, SECTIONS, Item, scale_labels
from surveys.models import Response
from surveys.validation import AnswerCheck, check_answers

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

    ``complete=False`` (draft, issue 14): only a value that cannot be stored at all (text
    in a number field) becomes a field error; everything else is in ``answers``, rule
    violations included, and ``check.problems`` lists what is still to fix.
    ``complete=True`` makes every finding a field error (required items and the F8
    confirmation too). The rules live in ``surveys.validation`` and are the same for the
    import.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_VERSION)

    def __init__(self, *args, survey_round, response: Response | None = None, complete=False, **kw):
        self.survey_round = survey_round
        self.items = survey_round.instrument.items
        self.partners = survey_round.partner_list
        self.complete = complete
        self.response = response
        self.answers: dict = {}
        self.check: AnswerCheck | None = None
        self.problems: dict[str, list[str]] = {}
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

    def field_name_for(self, code: str) -> str | None:
        """The form field that carries an item's messages (F4: its first partner)."""
        if code in self.fields:
            return code
        item = ITEMS_BY_CODE.get(code)
        if item is not None and item.kind == "matrix" and self.partners:
            return matrix_field_name(item, self.partners[0][0])
        return None

    def clean(self):
        super().clean()
        check = check_answers(
            self.raw_answers(), complete=self.complete, items=self.items, partners=self.partners
        )
        errors = check.errors if self.complete else check.unstorable
        for code, messages in errors.items():
            field = self.field_name_for(code)
            if field in self.errors:
                continue
            for message in messages:
                self.add_error(field, message)
        self.check = check
        if self.complete:
            self.answers = check.clean
        else:
            # A value that cannot be stored keeps the stored one (nothing already saved is
            # lost because of a typo); the typed text stays in the field with its error.
            stored = (self.response.answers or {}) if self.response is not None else {}
            refused = set(check.unstorable) | self._codes_with_field_errors()
            kept = {code: stored[code] for code in refused if code in stored}
            self.answers = {**check.storable, **kept}
        return self.cleaned_data

    def _codes_with_field_errors(self) -> set[str]:
        """Items whose field(s) failed their own validation (e.g. a NUL character)."""
        codes = set()
        for item in self.items:
            if item.kind == "matrix":
                names = [matrix_field_name(item, key) for key, _label in self.partners]
            else:
                names = [item.code]
            if any(name in self._errors for name in names):
                codes.add(item.code)
        return codes

    @property
    def savable(self) -> bool:
        """A draft can be saved: the page's version is readable (call after ``is_valid``);
        answer values that cannot be stored only keep their field error."""
        return self.is_bound and "version" in getattr(self, "cleaned_data", {})

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        """Mark the fields of the stored draft's problems: the field templates render the
        message next to the field and point ``aria-describedby`` at it."""
        self.problems = problems
        for code, messages in problems.items():
            name = self.field_name_for(code)
            if name is not None:
                # The form's fields are deep copies: this marks this form only.
                self.fields[name].problems = messages

    def findings(self, url: str = "") -> list[dict]:
        """What is still to fix, in the instrument's order: the values that could not be
        stored (the form's field errors) and the problems of the stored draft, each with
        the id of its field (``url`` + ``#`` + ``anchor`` links to it)."""
        field_errors = self.errors if self.is_bound else {}
        rows = []
        for item in self.items:
            name = self.field_name_for(item.code)
            if name is None:
                continue
            unstored = list(field_errors.get(name, []))
            messages = unstored + [m for m in self.problems.get(item.code, []) if m not in unstored]
            if not messages:
                continue
            bound = self[name]
            rows.append(
                {
                    "code": item.code,
                    "label": f"{item.code}. {item.label}",
                    "anchor": bound.id_for_label or f"{bound.auto_id}_0",
                    "url": url,
                    "messages": messages,
                    "stored": not unstored,
                }
            )
        return rows


class SubmitForm(forms.Form):
    """The confirmation page's "Verbindlich einreichen": the version that was shown."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_VERSION)


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
                % {"max": localized_plain(f"{limit / 1_048_576:.1f}")},
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
