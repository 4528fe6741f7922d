"""Number cells of the network pages: shares as percent, means, signed changes.

The figures come as bare numbers from ``network.analysis``; these filters write them in the
active language's notation (``srb_project.numbers.localized``), "–" for none.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from srb_project.numbers import localized

register = template.Library()

NBSP = "\u00a0"
MINUS = "\u2212"


def _missing(value) -> bool:
    # None, or "" from a template lookup on a missing change
    return value is None or value == ""


def _signed(value: float, places: int) -> str:
    text = localized(abs(value), places)
    if text == localized(0, places):
        return f"±{text}"
    return f"+{text}" if value > 0 else f"{MINUS}{text}"


@register.filter
def percent(value, places: int = 1) -> str:
    """A share 0..1 as percent: 0.425 -> "42,5 %"."""
    if _missing(value):
        return "–"
    return f"{localized(value * 100, places)}{NBSP}%"


@register.filter
def number(value, places: int = 1) -> str:
    """A mean: 1.6667 -> "1,7"."""
    return "–" if _missing(value) else localized(value, places)


@register.filter
def signed(value, places: int = 1) -> str:
    """A change: +0,5 / −1,0 / ±0,0; "–" without a previous value."""
    if _missing(value):
        return "–"
    return _signed(value, places)


@register.filter
def signed_points(value, places: int = 1) -> str:
    """A change of a share in percentage points: 0.083 -> "+8,3"."""
    if _missing(value):
        return "–"
    return _signed(value * 100, places)


@register.filter
def level(weight) -> str:
    """An F4 weight as its level: 0 nie, 1 selten, 2 regelmäßig, 3 eng; "–" unanswered."""
    labels = {0: _("nie"), 1: _("selten"), 2: _("regelmäßig"), 3: _("eng")}
    return labels.get(weight, "–")


@register.filter
def lookup(mapping, key):
    """``mapping[key]`` or None (dicts keyed by ids or partner keys)."""
    if not mapping:
        return None
    return mapping.get(key)
