"""Display helpers: euros and FTE in German notation."""

from decimal import Decimal

from django import template

register = template.Library()


def _german(value: Decimal, places: int) -> str:
    s = f"{Decimal(value):,.{places}f}"
    return s.replace(",", "X").replace(".", ",").replace("X", ".")


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


@register.filter
def index1(value):
    if value is None:
        return "–"
    return _german(Decimal(str(value)), 1)
