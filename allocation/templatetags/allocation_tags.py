"""Display helpers: euros and FTE in the active language's notation (German: 1.234,50 €)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


def _german(value: Decimal, places: int) -> str:
    """Grouped, with ``places`` decimals, rounded half up (as the amounts are computed)."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, places, force_grouping=True)


@register.filter
def eur(value):
    """1234.5 -> "1.234,50 €"; empty for None."""
    if value is None or value == "":
        return "–"
    return f"{_german(value, 2)} €"


@register.filter
def fte(value):
    if value is None or value == "":
        return "–"
    return _german(value, 2)


@register.filter
def pct(value):
    if value is None or value == "":
        return "–"
    return f"{_german(value, 2)} %"
