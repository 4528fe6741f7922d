"""Import of official statistics from CSV or XLSX (issue 18).

Columns (German headers, any order, case ignored): ``Sozialraum``, ``Indikator``,
``Wert``, ``Einheit``, ``Quelle``, ``Jahr``, optionally ``Kita`` (a Kita of that
Sozialraum: the value is for its catchment; empty: for the Sozialraum). ``Wert`` in German
notation ("12,5", "1.234,5") or with a decimal point, at most four decimals; ``Jahr`` a
year 1990–2100. The file is read with the bounds of the questionnaire import
(``surveys.exchange.read_table``) and checked as a whole: one bad row and nothing is
written, the messages name each line. An indicator is known by its name and year; the
file's values replace that indicator-year's values (its unit and source are the file's).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _

from quality.services import official_values_import
from sozialraeume.models import Jugendamt, Kita, Sozialraum
from srb_project.numbers import NumberEntryError, parse_number
from srb_project.spreadsheet import restore
from surveys.exchange import MAX_CELL_CHARS, MAX_MESSAGES, ImportProblem, read_table

COLUMNS = {
    "sozialraum": "sozialraum",
    "indikator": "indicator",
    "wert": "value",
    "einheit": "unit",
    "quelle": "source",
    "jahr": "year",
    "kita": "kita",
}
REQUIRED = (
    ("sozialraum", "Sozialraum"),
    ("indicator", "Indikator"),
    ("value", "Wert"),
    ("unit", "Einheit"),
    ("source", "Quelle"),
    ("year", "Jahr"),
)
MAX_VALUE = Decimal("9999999999")


@dataclass(frozen=True)
class ValueRow:
    line: int
    code: str
    name: str
    unit: str
    source: str
    year: int
    sozialraum: Sozialraum
    kita: Kita | None
    value: Decimal


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def parse_value(value) -> Decimal:
    """A value cell as a Decimal (at most four places); NumberEntryError (German)."""
    if isinstance(value, bool):
        raise NumberEntryError(_("„%(text)s“ ist keine Zahl.") % {"text": value})
    if isinstance(value, int | float):
        value = str(value)
    number = parse_number(str(value), places=4, example="12,5")
    if abs(number) > MAX_VALUE:
        raise NumberEntryError(_("„%(text)s“ ist unrealistisch hoch.") % {"text": value})
    return number


def parse_year(value) -> int | None:
    text = _text(value)
    if not text.isdigit() or not 1990 <= int(text) <= 2100:
        return None
    return int(text)


def parse_rows(*, jugendamt: Jugendamt, table: list[list]) -> list[ValueRow]:
    """Check a whole table for ``jugendamt``; the rows to write, or ImportProblem."""
    numbered = [
        (line, [restore(v) for v in row])
        for line, row in enumerate(table, start=1)
        if any(not _empty(v) for v in row)
    ]
    if not numbered:
        raise ImportProblem([_("Die Datei ist leer.")])
    _header_line, header = numbered[0]
    problems: list[str] = []
    columns: list = []
    for name in header:
        if _empty(name):
            columns.append(None)
            continue
        key = COLUMNS.get(str(name).strip().lower())
        if key is None:
            problems.append(_("Unbekannte Spalte „%(name)s“.") % {"name": str(name).strip()[:60]})
        elif key in columns:
            problems.append(
                _("Die Spalte „%(name)s“ kommt doppelt vor.") % {"name": str(name).strip()}
            )
        columns.append(key)
    for key, label in REQUIRED:
        if key not in columns:
            problems.append(_("Die Pflichtspalte „%(name)s“ fehlt.") % {"name": label})
    if problems:
        raise ImportProblem(problems)
    if len(numbered) == 1:
        raise ImportProblem([_("Die Datei enthält keine Datenzeilen.")])

    sozialraeume = {s.name.casefold(): s for s in Sozialraum.objects.filter(jugendamt=jugendamt)}
    kitas = {
        (k.sozialraum_id, k.name.casefold()): k
        for k in Kita.objects.filter(sozialraum__jugendamt=jugendamt)
    }
    rows: list[ValueRow] = []
    seen: dict[tuple, int] = {}
    described: dict[tuple[str, int], tuple[str, str, int]] = {}
    for line, cells in numbered[1:]:
        values = {
            key: cells[i] for i, key in enumerate(columns) if key is not None and i < len(cells)
        }
        row_problems: list[str] = []
        if any(
            isinstance(v, str) and ("\x00" in v or len(v) > MAX_CELL_CHARS) for v in values.values()
        ):
            row_problems.append(_("Die Zelle ist unzulässig (Steuerzeichen oder zu lang)."))
        texts = {key: _text(values.get(key))[:300] for key in COLUMNS.values()}
        sozialraum = sozialraeume.get(texts["sozialraum"].casefold())
        if not texts["sozialraum"]:
            row_problems.append(_("Der Sozialraum fehlt."))
        elif sozialraum is None:
            row_problems.append(
                _("Sozialraum „%(name)s“ gibt es in diesem Jugendamt nicht.")
                % {"name": texts["sozialraum"][:80]}
            )
        kita = None
        if texts["kita"] and sozialraum is not None:
            kita = kitas.get((sozialraum.pk, texts["kita"].casefold()))
            if kita is None:
                row_problems.append(
                    _("Kita „%(kita)s“ gibt es im Sozialraum „%(sozialraum)s“ nicht.")
                    % {"kita": texts["kita"][:80], "sozialraum": sozialraum.name}
                )
        name = texts["indicator"][:200]
        code = slugify(name)[:80]
        if not name:
            row_problems.append(_("Der Indikator fehlt."))
        elif not code:
            row_problems.append(_("Der Indikator braucht Buchstaben oder Ziffern."))
        for key, label in (("unit", _("Einheit")), ("source", _("Quelle"))):
            if not texts[key]:
                row_problems.append(_("„%(column)s“ fehlt.") % {"column": label})
        year = parse_year(values.get("year"))
        if year is None:
            row_problems.append(
                _("„Jahr“: „%(value)s“ ist kein Jahr (bitte so: 2025).")
                % {"value": texts["year"][:20]}
            )
        value = None
        if _empty(values.get("value")):
            row_problems.append(_("Der Wert fehlt."))
        else:
            try:
                value = parse_value(values["value"])
            except NumberEntryError as exc:
                row_problems.append(_("„Wert“: %(message)s") % {"message": exc})
        if code and year is not None:
            unit_source = (texts["unit"][:50], texts["source"], line)
            first = described.setdefault((code, year), unit_source)
            if first[:2] != unit_source[:2]:
                row_problems.append(
                    _(
                        "Einheit oder Quelle weichen von Zeile %(line)s ab "
                        "(ein Indikator hat je Jahr eine Einheit und eine Quelle)."
                    )
                    % {"line": first[2]}
                )
            if sozialraum is not None and (kita is not None or not texts["kita"]):
                key = (code, year, sozialraum.pk, kita.pk if kita else None)
                if key in seen:
                    row_problems.append(
                        _("Dieser Wert steht schon in Zeile %(line)s.") % {"line": seen[key]}
                    )
                else:
                    seen[key] = line
        if not row_problems:
            rows.append(
                ValueRow(
                    line=line,
                    code=code,
                    name=name,
                    unit=texts["unit"][:50],
                    source=texts["source"],
                    year=year,
                    sozialraum=sozialraum,
                    kita=kita,
                    value=value,
                )
            )
        problems += [
            _("Zeile %(line)s: %(message)s") % {"line": line, "message": message}
            for message in row_problems
        ]
        if len(problems) >= MAX_MESSAGES:
            problems.append(_("… weitere Fehler nicht aufgeführt."))
            break
    if problems:
        raise ImportProblem(problems)
    return rows


def import_file(*, jugendamt: Jugendamt, content: bytes, filename: str, acting_user) -> dict:
    """Check and write a file, all or nothing; returns the service's counts."""
    table = read_table(content, filename)
    rows = parse_rows(jugendamt=jugendamt, table=table)
    return official_values_import(
        jugendamt=jugendamt, rows=rows, filename=filename, acting_user=acting_user
    )
