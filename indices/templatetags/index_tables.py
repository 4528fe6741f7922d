"""The number cells of the evaluation tables, rendered in one step per row.

A table row has four index cells (AB, SL, FM, IN); with 100 Kitas and 50 Sozialräume
a page that is 600 cells. The selectors format each number once
(``indices.display.Cell``); this filter writes a row's cells without a template
variable lookup per attribute. Every value is escaped.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def index_cells(cells, classes: str = "") -> str:
    """``<td class="num" data-value="…">…</td>`` for each cell; with ``classes``
    ("classes") the cell also carries its class as ``class-<css>`` and as ``title``."""
    if classes:
        parts = [
            f'<td class="num class-{escape(c.css)}" data-value="{escape(c.value)}"'
            f' title="{escape(c.title)}">{escape(c.text)}</td>'
            for c in cells
        ]
    else:
        parts = [
            f'<td class="num" data-value="{escape(c.value)}">{escape(c.text)}</td>' for c in cells
        ]
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped
