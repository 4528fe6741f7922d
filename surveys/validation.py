"""Validation of one questionnaire's answers: the same rules for the form and the import.

``validate_answers(raw, complete=...)`` takes raw values (strings from a form or a
CSV cell, or already typed values from JSON/XLSX) keyed by item code and returns
``(cleaned, errors)``:

- ``cleaned``: {code: value} in the stored types (int for counts/Likert, str with
  "." for decimals, list for choices, dict for the matrix, bool for F8, str for
  text); unanswered items are left out.
- ``errors``: {code: [German message, ...]}.

Rules (from the instrument, ``surveys/instrument.py``): type (whole number,
decimal with at most ``places`` decimals, Likert 1..4, choice keys, matrix
levels, text length), range ``[min, max]``, a count not above its denominator
(``max_item``, e.g. B1 <= A2), and with ``complete=True`` (submit) every
required item answered and the confirmation F8 ticked. A draft
(``complete=False``) is type- and range-checked but may be incomplete.

``check_answers`` tells the two kinds of error apart (issue 14, drafts always save):
a value that cannot be read as its item's type (text in a number field, an unknown
choice) cannot be stored at all (``unstorable``); a value of the right type that
breaks a rule (range, decimals, length, B1 > A2, missing answers) is a ``problem``:
a draft stores it and lists it as still to fix, submitting refuses it.
No database access.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from srb_project.numbers import localized_plain
from surveys.instrument import DEFAULT_PARTNERS, ITEMS, Item


def _(message: str) -> str:
    """gettext when Django is configured, the German text otherwise."""
    try:
        from django.utils.translation import gettext

        return gettext(message)
    except Exception:  # noqa: BLE001 - settings not configured (pure use)
        return message


TRUE_WORDS = {"1", "true", "ja", "x", "wahr", "yes", "on"}
FALSE_WORDS = {"0", "false", "nein", "", "falsch", "no", "off"}


# "12", "-3", and "12.0" / "12,00" as spreadsheets write whole numbers.
_WHOLE = re.compile(r"^([+-]?\d+)(?:[.,]0+)?$")


class InvalidValue(ValueError):
    """A single value that cannot be read as its item's type (it cannot be stored)."""


class RuleViolation(InvalidValue):
    """A value of the right type that breaks a rule (range, decimals, length): a draft
    stores ``value`` (the stored type) and lists the message; submitting refuses it."""

    def __init__(self, message: str, value):
        super().__init__(message)
        self.value = value


# No answer of the instrument needs more digits; anything longer is refused before int() or
# Decimal arithmetic (a 5.000-digit integer exceeds Python's int limit, ``1e9999999``
# overflows the decimal context).
MAX_DIGITS = 15
MAX_NUMBER_CHARS = 40


def _too_long() -> InvalidValue:
    return InvalidValue(_("Die Zahl hat zu viele Stellen (höchstens %(n)s).") % {"n": MAX_DIGITS})


def is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return isinstance(value, (list, dict, tuple)) and not value


def _fmt(number) -> str:
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return localized_plain(number)


def _parse_int(item: Item, value) -> int:
    if isinstance(value, bool):
        raise InvalidValue(_("Bitte eine ganze Zahl eingeben."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():  # also inf and nan
            raise InvalidValue(_("Bitte eine ganze Zahl eingeben."))
        number = int(value)
    else:
        text = str(value).strip().replace(" ", "")
        if len(text) > MAX_NUMBER_CHARS:
            raise _too_long()
        match = _WHOLE.match(text)
        if not match:
            raise InvalidValue(_("Bitte eine ganze Zahl eingeben."))
        if len(match.group(1).lstrip("+-")) > MAX_DIGITS:
            raise _too_long()
        number = int(match.group(1))
    if item.kind == "likert" and not (item.min <= number <= item.max):
        raise InvalidValue(
            _("Bitte einen Wert auf der Skala von %(min)s bis %(max)s wählen.")
            % {"min": _fmt(item.min), "max": _fmt(item.max)}
        )
    if item.min is not None and number < item.min:
        raise RuleViolation(
            _("Der Wert darf nicht kleiner als %(min)s sein.") % {"min": _fmt(item.min)}, number
        )
    if item.max is not None and number > item.max:
        raise RuleViolation(
            _("Der Wert darf nicht größer als %(max)s sein.") % {"max": _fmt(item.max)}, number
        )
    return number


def _parse_decimal(item: Item, value) -> str:
    if isinstance(value, bool):
        raise InvalidValue(_("Bitte eine Zahl eingeben."))
    text = str(value).strip().replace(" ", "")
    if len(text) > MAX_NUMBER_CHARS:
        raise _too_long()
    if "," in text and "." in text:
        raise InvalidValue(_("Bitte eine Zahl eingeben, z. B. 12,5."))
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise InvalidValue(_("Bitte eine Zahl eingeben, z. B. 12,5.")) from None
    if not number.is_finite():  # inf, nan
        raise InvalidValue(_("Bitte eine Zahl eingeben, z. B. 12,5."))
    # "1e9999999", 1e308 from a spreadsheet: refused before quantize/normalize overflow.
    if number and not -MAX_DIGITS <= number.adjusted() < MAX_DIGITS:
        raise _too_long()
    if isinstance(value, float):
        number = number.quantize(Decimal(1).scaleb(-item.places)) if item.places else number
    stored = format(number.normalize(), "f")
    if number.normalize().as_tuple().exponent < -item.places:
        raise RuleViolation(
            _("Bitte höchstens %(places)s Nachkommastellen angeben.") % {"places": item.places},
            stored,
        )
    if item.min is not None and number < Decimal(str(item.min)):
        raise RuleViolation(
            _("Der Wert darf nicht kleiner als %(min)s sein.") % {"min": _fmt(item.min)}, stored
        )
    if item.max is not None and number > Decimal(str(item.max)):
        raise RuleViolation(
            _("Der Wert darf nicht größer als %(max)s sein.") % {"max": _fmt(item.max)}, stored
        )
    return stored


def _parse_text(item: Item, value) -> str:
    text = str(value).strip()
    if item.max_length and len(text) > item.max_length:
        raise RuleViolation(
            _("Bitte höchstens %(n)s Zeichen eingeben (jetzt %(len)s).")
            % {"n": item.max_length, "len": len(text)},
            text,
        )
    return text


def _split(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).replace(",", ";").split(";") if part.strip()]


def _parse_choice(item: Item, value) -> list[str]:
    keys = [key for key, _label in item.choices]
    chosen = _split(value)
    unknown = [c for c in chosen if c not in keys]
    if unknown:
        raise InvalidValue(
            _("Unbekannte Auswahl: %(values)s (erlaubt: %(keys)s).")
            % {"values": ", ".join(unknown), "keys": ", ".join(keys)}
        )
    return [key for key in keys if key in chosen]


def _parse_matrix(item: Item, value, partners) -> dict[str, str]:
    levels = [key for key, _label in item.levels]
    partner_keys = [key for key, _label in partners]
    if isinstance(value, dict):
        pairs = list(value.items())
    else:
        pairs = []
        for part in _split(value):
            key, sep, level = part.partition("=")
            if not sep:
                raise InvalidValue(_("Bitte Partner=Häufigkeit angeben, z. B. grundschule=eng."))
            pairs.append((key.strip(), level.strip()))
    result = {}
    for key, level in pairs:
        if is_empty(level):
            continue
        if key not in partner_keys:
            raise InvalidValue(_("Unbekannter Netzwerkpartner: %(key)s.") % {"key": key})
        if level not in levels:
            raise InvalidValue(
                _("Unbekannte Häufigkeit „%(level)s“ (erlaubt: %(levels)s).")
                % {"level": level, "levels": ", ".join(levels)}
            )
        result[key] = level
    return result


def _parse_confirm(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise InvalidValue(_("Bitte ankreuzen oder leer lassen."))


def parse_value(item: Item, value, *, partners=None):
    """One raw value as its stored type; ``None`` when empty; ``InvalidValue`` when bad."""
    if item.kind == "confirm":
        return _parse_confirm(value) if not is_empty(value) else None
    if is_empty(value):
        return None
    if item.kind in ("int", "likert"):
        return _parse_int(item, value)
    if item.kind == "decimal":
        return _parse_decimal(item, value)
    if item.kind == "text":
        return _parse_text(item, value) or None
    if item.kind == "choice":
        return _parse_choice(item, value) or None
    if item.kind == "matrix":
        return _parse_matrix(item, value, partners or DEFAULT_PARTNERS) or None
    raise InvalidValue(_("Unbekannter Fragetyp."))


@dataclass
class AnswerCheck:
    """The result of ``check_answers``.

    - ``storable``: every value that can be stored (stored types), rule violations
      included: what a draft keeps.
    - ``unstorable``: {code: [message]} for values that cannot be read as their type.
    - ``problems``: {code: [message]} for stored values that break a rule, and (with
      ``complete=True``) required items left unanswered: what is still to fix.
    """

    storable: dict = field(default_factory=dict)
    unstorable: dict[str, list[str]] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def errors(self) -> dict[str, list[str]]:
        """Every message by code, in the instrument's order of checks."""
        merged = {code: list(messages) for code, messages in self.unstorable.items()}
        for code, messages in self.problems.items():
            merged.setdefault(code, []).extend(messages)
        return merged

    @property
    def clean(self) -> dict:
        """The storable values without any that has a problem (``validate_answers``)."""
        return {k: v for k, v in self.storable.items() if k not in self.problems}


def check_answers(
    raw: dict, *, complete: bool, items: list[Item] | None = None, partners=None
) -> AnswerCheck:
    """Check all answers and sort the findings (module docstring)."""
    items = ITEMS if items is None else items
    by_code = {item.code: item for item in items}
    result = AnswerCheck()
    valid: dict = {}
    for item in items:
        try:
            value = parse_value(item, raw.get(item.code), partners=partners)
        except RuleViolation as exc:
            result.problems.setdefault(item.code, []).append(str(exc))
            result.storable[item.code] = exc.value
            continue
        except InvalidValue as exc:
            result.unstorable.setdefault(item.code, []).append(str(exc))
            continue
        if value is not None and not (item.kind == "confirm" and value is False):
            valid[item.code] = value
            result.storable[item.code] = value
    # Counts may not exceed their denominator (B1 <= A2, B2 <= A1, ...).
    for item in items:
        limit_code = item.max_item
        if not limit_code or item.code not in valid or limit_code not in valid:
            continue
        limit = valid[limit_code]
        if valid[item.code] > limit:
            limit_item = by_code[limit_code]
            result.problems.setdefault(item.code, []).append(
                _(
                    "Der Wert %(value)s darf nicht größer sein als die Angabe bei %(code)s "
                    "(%(label)s: %(limit)s)."
                )
                % {
                    "value": valid[item.code],
                    "code": limit_code,
                    "label": limit_item.short_label,
                    "limit": limit,
                }
            )
    if complete:
        for item in items:
            if (
                not item.required
                or item.code in result.unstorable
                or item.code in result.problems
                or item.code in valid
            ):
                continue
            if item.kind == "confirm":
                message = _("Bitte bestätigen Sie Ihre Angaben, um den Fragebogen einzureichen.")
            else:
                message = _("Bitte beantworten Sie diese Frage.")
            result.problems.setdefault(item.code, []).append(message)
    # The instrument's order, so a list of findings reads top to bottom.
    order = {item.code: n for n, item in enumerate(items)}
    result.problems = dict(sorted(result.problems.items(), key=lambda kv: order[kv[0]]))
    return result


def validate_answers(
    raw: dict, *, complete: bool, items: list[Item] | None = None, partners=None
) -> tuple[dict, dict[str, list[str]]]:
    """Check all answers; see the module docstring for the rules.

    ``cleaned`` leaves out every value with an error; ``errors`` holds both kinds."""
    result = check_answers(raw, complete=complete, items=items, partners=partners)
    return result.clean, result.errors
