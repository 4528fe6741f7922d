"""Numbers typed as people type them: euros and FTE in German notation, in every form.

Why: a browser's ``type=number`` input follows the browser's language, not the page's. In
an English Chromium "0,80" became 80 and "10.000" was refused, and the stored value showed
nothing of it. Every form of the product therefore uses a text input with
``inputmode="decimal"`` (the phone still shows a number pad) and parses on the server by
one rule, the German one the product's figures are written in (CLDR via Babel):

- German notation is always accepted: "0,8", "0,80", "1.234,50", "10.000", "10.000,00".
  A point followed by three digits is always the German thousands separator.
- The decimal point is accepted as well where no German reading exists ("0.80",
  "73500.00", "1,234.50"): people copy figures from English spreadsheets, and the numpad
  of an English keyboard types a point. The rule is the same in the German and the
  English interface, so a figure means the same whoever typed it.
- Never a guess that could be a wrong magnitude: "10,000" or "1,234" (German: ten, one
  point two three four; English: ten thousand, one thousand ...) are refused as ambiguous,
  and so is anything with more decimals than the field keeps.
- Anything else is refused with a message naming the field and showing how to write it
  ("VZÄ: „0.8.0“ ist keine Zahl. Bitte so eingeben: 0,80").

Bounds (``min_value``, ``max_value``, ``step``) are checked with messages naming the
field. The messages speak the active language and write their numbers in its notation
(``localized``: "höchstens 5,00 VZÄ" / "at most 5.00 FTE"); the examples of how to type
stay German ("0,80"), the notation the inputs show and every language accepts. Values
are shown in German in the inputs ("1,05", "73.500,00"); a form that fails shows exactly
what was typed.

Bottom layer: imports no app, so surveys and allocation (and their admin) can use it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, parse_decimal
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy, to_locale
from django.utils.translation import gettext as _

CENT = Decimal("0.01")

# Only digits, the two separators and a sign: no exponent ("1e5"), no words.
_NUMBER_CHARS = re.compile(r"^[+-]?[\d.,]+$")
# "1 234,50" (DIN 5008 groups with spaces): the spaces go, the rest is parsed as usual.
_SPACE_GROUPS = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d*)?$")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})
# No amount or FTE of the product has more digits (euros: 12 before the comma, 2 after);
# longer input is refused before Babel and Decimal arithmetic ever see it (issue 13).
MAX_TYPED_DIGITS = 20
MAX_TYPED_CHARS = 40


class NumberEntryError(ValueError):
    """Typed text that is no number in the accepted notations (German message)."""


def german(value: Decimal | int | str, places: int = 2) -> str:
    """A number in German notation, grouped, rounded half up: 73500 -> "73.500,00"."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(rounded, format=pattern, locale="de_DE", decimal_quantization=False)


def localized(value: Decimal | float | int | str | None, places: int = 2) -> str:
    """A number in the notation of the active language, grouped, rounded half up.

    The one helper for numbers inside sentences (calculation texts, messages): German
    "89,2" and "1.234,50", English "89.2" and "1,234.50" (CLDR via Babel); "–" for None.
    With German active the text is exactly ``german(value, places)``.
    """
    if value is None:
        return "–"
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)  # no "-0,0"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(
        rounded, format=pattern, locale=_active_locale(), decimal_quantization=False
    )


def localized_plain(value) -> str:
    """``str(value)`` with the active language's decimal sign and no grouping: "12,5" in
    German, "12.5" in English (answers and limits in messages, as they were typed)."""
    return str(value).replace(".", get_decimal_symbol(_active_locale()))


def _active_locale() -> str:
    """The Babel locale of the active language ("de", "en"); German outside a request."""
    return to_locale(get_language() or "de")


def _typed_places(text: str, separator: str) -> int:
    return len(text.rsplit(separator, 1)[1]) if separator in text else 0


def _normalise(text: str, units: tuple[str, ...]) -> str:
    text = str(text).strip().translate(_MINUS_SIGNS)
    for unit in units:
        if text.lower().endswith(unit.lower()):
            text = text[: -len(unit)].strip()
        elif text.lower().startswith(unit.lower()):
            text = text[len(unit) :].strip()
    if _SPACE_GROUPS.match(text):
        text = re.sub(r"[ \u00a0\u202f]", "", text)
    return text


def _shortened(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _read(text: str, locale: str) -> Decimal | None:
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        return None


def parse_number(
    text: str,
    *,
    places: int = 2,
    example: str = "1.234,50",
    units: tuple[str, ...] = (),
) -> Decimal:
    """``text`` as a Decimal with at most ``places`` decimals, by the rules above.

    Raises ``NumberEntryError`` with a German message (without the field's name).
    """
    raw = str(text).strip()
    if len(raw) > MAX_TYPED_CHARS or sum(c.isdigit() for c in raw) > MAX_TYPED_DIGITS:
        raise NumberEntryError(
            _("„%(text)s“ hat zu viele Stellen (höchstens %(n)s Ziffern).")
            % {"text": _shortened(raw), "n": MAX_TYPED_DIGITS}
        )
    cleaned = _normalise(raw, units)
    if not cleaned or not _NUMBER_CHARS.match(cleaned) or not any(c.isdigit() for c in cleaned):
        raise NumberEntryError(
            _("„%(text)s“ ist keine Zahl. Bitte so eingeben: %(example)s")
            % {"text": raw, "example": example}
        )
    as_german = _read(cleaned, "de_DE")
    as_english = _read(cleaned, "en_US")
    if as_german is not None:
        decimals = _typed_places(cleaned, ",")
        if decimals <= places:
            return as_german + 0  # "-0" -> 0
        if as_english is not None:
            # "10,000": German ten, English ten thousand. No guess.
            suggestions = [localized(as_english, places)]
            if as_german == as_german.quantize(Decimal(1).scaleb(-places)):
                suggestions.append(localized(as_german, places))
            # outside the f-string: makemessages cannot see a gettext call inside one
            or_word = _("oder")
            raise NumberEntryError(
                _(
                    "„%(text)s“ ist nicht eindeutig (%(small)s oder %(large)s?). "
                    "Bitte so eingeben: %(how)s"
                )
                % {
                    "text": raw,
                    "small": format_decimal(as_german, locale=_active_locale()),
                    "large": format_decimal(as_english, locale=_active_locale()),
                    "how": f" {or_word} ".join(suggestions),
                }
            )
        raise NumberEntryError(
            _("„%(text)s“ hat zu viele Nachkommastellen (höchstens %(places)s).")
            % {"text": raw, "places": places}
        )
    if as_english is not None:
        if _typed_places(cleaned, ".") > places:
            raise NumberEntryError(
                _("„%(text)s“ hat zu viele Nachkommastellen (höchstens %(places)s).")
                % {"text": raw, "places": places}
            )
        return as_english + 0
    raise NumberEntryError(
        _("„%(text)s“ ist keine Zahl. Bitte so eingeben: %(example)s")
        % {"text": raw, "example": example}
    )


def check_bounds(
    value: Decimal,
    *,
    label: str,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    step: Decimal | None = None,
    unit: str = "",
    places: int = 2,
) -> None:
    """Refuse ``value`` outside [min, max] or off the step (a multiple of ``step``), with a
    German message naming the field: forms and services use the same words."""

    def amount(number: Decimal) -> str:
        text = localized(number, places)
        return f"{text} {unit}" if unit else text

    if min_value is not None and value < min_value:
        raise ValidationError(
            _("%(label)s: %(value)s ist zu niedrig, mindestens %(min)s.")
            % {"label": label, "value": amount(value), "min": amount(min_value)},
            code="min_value",
        )
    if max_value is not None and value > max_value:
        raise ValidationError(
            _("%(label)s: %(value)s ist zu hoch, höchstens %(max)s.")
            % {"label": label, "value": amount(value), "max": amount(max_value)},
            code="max_value",
        )
    if step and value % step:
        lower = (value // step) * step
        raise ValidationError(
            _(
                "%(label)s: bitte in Schritten von %(step)s eingeben "
                "(z. B. %(lower)s oder %(upper)s)."
            )
            % {
                "label": label,
                "step": localized(step, places),
                "lower": localized(lower, places),
                "upper": localized(lower + step, places),
            },
            code="step",
        )


# --- hidden counters (versions) as posted ------------------------------------------------

# The largest version a page can carry: a database integer (PostgreSQL ``integer``).
MAX_VERSION = 2_147_483_647
_ASCII_DIGITS = re.compile(r"^[0-9]{1,10}$")


class TamperedInput(ValueError):
    """A hidden field that no page of ours sends (German message for a 400)."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "Die Seite ist veraltet oder unvollständig. Bitte laden Sie sie neu und "
                "versuchen Sie es noch einmal."
            )
        )


def parse_version(value: str | None) -> int | None:
    """A posted hidden version: ``None`` when not sent, the number when it is ASCII digits
    within ``MAX_VERSION``; anything else ("abc", "²", 5.000 digits, "-1") raises
    ``TamperedInput`` instead of reaching ``int()`` or the database."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if not _ASCII_DIGITS.match(text) or int(text) > MAX_VERSION:
        raise TamperedInput()
    return int(text)


class DecimalTextInput(forms.TextInput):
    """A text input that brings up the number pad; never ``type=number`` (see above)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class IntegerTextInput(forms.TextInput):
    """A text input for whole numbers (counts) with the number pad."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


class GermanDecimalField(forms.Field):
    """A Decimal typed in German notation (``parse_number``), with German bounds.

    ``min_value``, ``max_value`` and ``step`` are checked in ``validate`` with messages
    naming the field. Accepts ``max_digits`` / ``decimal_places`` as a model
    ``DecimalField`` hands them to its form field (the admin).
    """

    widget = DecimalTextInput
    places = 2
    example = "1.234,50"
    unit = ""  # shown after numbers in messages ("€", "VZÄ")
    units: tuple[str, ...] = ()  # accepted after (or before) the typed number

    def __init__(
        self,
        *,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        min_value: Decimal | int | str | None = None,
        max_value: Decimal | int | str | None = None,
        step: Decimal | str | None = None,
        example: str | None = None,
        **kwargs,
    ):
        kwargs.pop("localize", None)
        if decimal_places is not None:
            self.places = decimal_places
        self.max_digits = max_digits
        self.min_value = Decimal(str(min_value)) if min_value is not None else None
        self.max_value = Decimal(str(max_value)) if max_value is not None else None
        self.step = Decimal(str(step)) if step else None
        if example is not None:
            self.example = example
        super().__init__(**kwargs)

    # --- the value ------------------------------------------------------------------

    def _name(self) -> str:
        return str(self.label or _("Zahl"))

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            value = Decimal(value)
            if not value.is_finite():
                raise ValidationError(
                    _("%(label)s: „%(value)s“ ist keine Zahl.")
                    % {"label": self._name(), "value": value},
                    code="invalid",
                )
            return value
        try:
            number = parse_number(value, places=self.places, example=self.example, units=self.units)
        except NumberEntryError as exc:
            raise ValidationError(f"{self._name()}: {exc}", code="invalid") from exc
        # Digits before the decimal separator: what the column holds (12 digits for euros).
        digits = number.adjusted() + 1 if number else 0
        if digits > (self.max_digits or 20) - self.places:
            raise ValidationError(
                _("%(label)s: „%(value)s“ ist unrealistisch hoch.")
                % {"label": self._name(), "value": str(value).strip()},
                code="max_digits",
            )
        return number.quantize(Decimal(1).scaleb(-self.places))

    def validate(self, value):
        super().validate(value)
        if value is not None:
            check_bounds(
                value,
                label=self._name(),
                min_value=self.min_value,
                max_value=self.max_value,
                step=self.step,
                unit=self.unit,
                places=self.places,
            )

    # --- showing it -----------------------------------------------------------------

    def prepare_value(self, value):
        """Stored values in German ("73.500,00"); typed text exactly as it was typed."""
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return german(Decimal(str(value)), self.places)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal")
        return attrs


class EuroField(GermanDecimalField):
    """An amount in euros with cents: "73.500", "73.500,00", "73.500 €"."""

    places = 2
    example = "1.234,50"
    unit = "€"
    units = ("€", "EUR")


class FteField(GermanDecimalField):
    """A position share (Vollzeitäquivalent) with two decimals: "0,8", "0,80", "1,05"."""

    places = 2
    example = "0,80"
    unit = gettext_lazy("VZÄ")
    units = ("VZÄ", "FTE")


def cost_of_fte(fte: Decimal, rate: Decimal) -> Decimal:
    """The annual cost of ``fte`` positions at ``rate`` euros per full position: FTE × rate,
    rounded half up to the cent."""
    return (Decimal(fte) * Decimal(rate)).quantize(CENT, rounding=ROUND_HALF_UP)
