"""Display helpers: euros and FTE in the active language's notation (German: 1.234,50 €).

Between a number and its unit stands a non-breaking space (U+00A0), so "410.003,43 €"
and "22,24 %" never wrap, in pages, PDFs and mails alike (issue 14); the pages add
``white-space: nowrap`` and tabular figures to their number cells (``static/css/app.css``).
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

NBSP = "\u00a0"


def _german(value: Decimal, places: int) -> str:
    """Grouped, with ``places`` decimals, rounded half up (as the amounts are computed)."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, places, force_grouping=True)


@register.filter
def eur(value):
    """1234.5 -> "1.234,50\u00a0€"; "–" for None."""
    if value is None or value == "":
        return "–"
    return f"{_german(value, 2)}{NBSP}€"


@register.filter
def fte(value):
    if value is None or value == "":
        return "–"
    return _german(value, 2)


@register.filter
def pct(value):
    if value is None or value == "":
        return "–"
    return f"{_german(value, 2)}{NBSP}%"


_UNIT_SPACE = re.compile(r"(\d) (%|€|VZÄ)")


@register.filter
def keep_units(text):
    """A label's "60 %" with a non-breaking space, so "(40 %)" never loses its "%)" to the
    next line; the translated text itself stays as it is."""
    return _UNIT_SPACE.sub("\\1\u00a0\\2", str(text))
