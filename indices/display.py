"""How the evaluation tables write their numbers and words (German, as the pages show them).

The tables are long (50 Sozialräume, 100 Kitas a page): their numbers are formatted here
once per value instead of by a chain of template filters per cell. The selectors build the
rows; this module only turns values into text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CATEGORY_ORDER = ["AB", "SL", "FM", "IN"]
INDEX_ORDER = [*CATEGORY_ORDER, "GESAMT"]
# The stored codes stay; the names are translated when shown.
CATEGORY_LABELS = {
    "AB": gettext_lazy("Allgemeiner Bedarf"),
    "SL": gettext_lazy("Soziale Lage"),
    "FM": gettext_lazy("Flucht und Migration"),
    "IN": gettext_lazy("Infrastruktur und Netzwerke"),
    "GESAMT": gettext_lazy("Gesamtindex"),
}
# The class of a value against its norm range (``indices.compute``: stored German words).
CLASS_LABELS = {
    "oberhalb": gettext_lazy("oberhalb"),
    "innerhalb": gettext_lazy("innerhalb"),
    "unterhalb": gettext_lazy("unterhalb"),
}


def class_label(value) -> str:
    """The word shown for a stored class ("oberhalb" -> "above" in English); "" if none."""
    if value is None:
        return ""
    return str(CLASS_LABELS.get(value, value))


_CENT = Decimal("0.01")


class NumberFormat:
    """The text of ``floatformat``, for many values at the cost of one lookup per table.

    ``fmt(value)`` is ``value|floatformat:2`` (``floatformat:"2g"`` with ``grouping=True``,
    other ``places`` > 0 likewise) as the pages showed it: rounded half up, the active
    language's separators (looked up once, not for every value), "" for None.
    """

    def __init__(self):
        # Python's "," format groups by threes: use it when the language does too,
        # else Django's number_format (any grouping) for each value.
        self.simple = get_format("NUMBER_GROUPING") == 3
        self.always_group = bool(settings.USE_THOUSAND_SEPARATOR)
        self.table = {
            ord("."): str(get_format("DECIMAL_SEPARATOR")),
            ord(","): str(get_format("THOUSAND_SEPARATOR")),
        }

    def __call__(self, value, *, grouping: bool = False, places: int = 2) -> str:
        if value is None:
            return ""
        try:
            number = Decimal(str(value))  # as floatformat: the value's shortest text
            _sign, digits, exponent = number.as_tuple()
            if len(digits) + abs(exponent) > 200:  # floatformat writes these as they are
                raise InvalidOperation
            step = _CENT if places == 2 else Decimal(1).scaleb(-places)
            rounded = number.quantize(step, rounding=ROUND_HALF_UP)
        except (InvalidOperation, ValueError, TypeError):
            # NaN, infinity, huge or tiny, not a number: the filter itself
            return floatformat(value, f"{places}g" if grouping else places)
        if not rounded:
            rounded = abs(rounded)  # floatformat writes no "-0,00"
        if not self.simple:
            return number_format(rounded, places, force_grouping=grouping)
        group = "," if grouping or self.always_group else ""
        return f"{rounded:{group}.{places}f}".translate(self.table)


def _as_text(value) -> str:
    """``{{ value }}`` for a class name: "" when missing."""
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class Cell:
    """One index of a table row as shown.

    ``value`` for sorting (``data-value``), ``text`` German with two places ("–" when
    missing), ``css`` and ``title`` its class.
    """

    value: str
    text: str
    css: str = ""
    title: str = ""


def cell(fmt: NumberFormat, value, css: str = "", title: str = "") -> Cell:
    """The cell of one index value ("–" when missing)."""
    return Cell(
        value="" if value is None else str(value),
        text=fmt(value) or "–",
        css=css,
        title=title,
    )


def class_css(classes: dict, category: str) -> str:
    """``{{ classes.X }}`` as a template writes it into a class name."""
    if category not in classes:
        return ""
    return _as_text(classes[category]) if classes[category] is not None else "None"


def eligibility_text(value: str) -> str:
    """The word the tables show for an eligibility label."""
    texts = {
        "ja": _("ja"),
        "nein": _("nein"),
        "begruendung": _("mit Begründung"),
    }
    return texts.get(value) or _("unbekannt")
