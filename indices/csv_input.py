"""Read and validate the answers CSV of ``compute_indices --csv`` (vectorised).

One row per Kita: ``kita``, ``sozialraum``, optionally ``status`` and any item codes of the
instrument (``surveys.instrument``, the single definition of codes, kinds and ranges).
Items of section F (text, choice, ...) and ``status`` are allowed and ignored. An empty cell is
a missing answer; the decimal point is ``.``. The file may be UTF-8 (with or without BOM) or
Windows-1252 (Excel); the separator is ``,`` (``;`` is accepted when the header uses it).

Every rule is checked for all rows at once with numpy; only the first offending cell (lowest
line, then leftmost column) is turned into a message. Errors raise ``CsvInputError`` with one
German line naming line ("Zeile", the header is line 1) and column. Empty lines count (and
are skipped); a line break inside a quoted text cell shifts the count of the lines after it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from srb_project.spreadsheet import PREFIX, restore
from surveys.instrument import ITEMS_BY_CODE

KITA, SOZIALRAUM, STATUS = "kita", "sozialraum", "status"
NAME_COLUMNS = (KITA, SOZIALRAUM)
# Validated and passed on: numeric items of sections A-E. Section F and status: ignored.
NUMERIC_KINDS = ("int", "decimal", "likert")
CHECKED_CODES = frozenset(
    code
    for code, item in ITEMS_BY_CODE.items()
    if item.kind in NUMERIC_KINDS and item.section != "F"
)
IGNORED_COLUMNS = frozenset(
    {STATUS} | {code for code in ITEMS_BY_CODE if code not in CHECKED_CODES}
)
FIRST_DATA_LINE = 2
# A name longer than this is no Kita's name (and the same bound as the web import).
MAX_NAME_CHARS = 10_000


class CsvInputError(ValueError):
    """Bad input; the message is one German line for the user."""


def _where(line: int, column: str | None = None) -> str:
    if column is None:
        return _("Zeile %(line)s") % {"line": line}
    return _("Zeile %(line)s, Spalte „%(column)s“") % {"line": line, "column": column}


def _fail(line: int, column: str | None, problem: str) -> CsvInputError:
    return CsvInputError(f"{_where(line, column)}: {problem}")


def detect_encoding(data: bytes) -> tuple[bytes, str]:
    """Strip a UTF-8 BOM and tell UTF-8 from Windows-1252 (the encoding Excel writes)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _fail(
            line, None, _("Zeichenkodierung unbekannt (erwartet UTF-8 oder Windows-1252)")
        ) from None
    return data, "cp1252"


def _header(data: bytes, encoding: str) -> tuple[list[str], str]:
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode(encoding).rstrip("\r")
    sep = ";" if ";" in first and "," not in first else ","
    names = next(csv.reader([first], delimiter=sep), [])
    return [name.strip() for name in names], sep


def _check_nul(data: bytes, encoding: str, names: list[str], sep: str) -> None:
    """Refuse a NUL byte (no text has one; PostgreSQL refuses it) naming line and column."""
    position = data.find(b"\x00")
    if position < 0:
        return
    line = data.count(b"\n", 0, position) + 1
    start = data.rfind(b"\n", 0, position) + 1
    end = data.find(b"\n", position)
    text = data[start : end if end >= 0 else len(data)].decode(encoding, errors="replace")
    column = None
    try:
        fields = next(csv.reader([text.rstrip("\r")], delimiter=sep), [])
        index = next(i for i, field in enumerate(fields) if "\x00" in field)
        column = names[index] if index < len(names) else str(index + 1)
    except (csv.Error, StopIteration):
        column = None
    raise _fail(line, column, _("unzulässiges Steuerzeichen (NUL)"))


def _check_header(names: list[str]) -> None:
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            raise _fail(1, str(position), _("Spalte ohne Namen"))
        if name in seen:
            raise _fail(1, name, _("Spalte kommt doppelt vor"))
        seen.add(name)
        if name not in NAME_COLUMNS and name not in ITEMS_BY_CODE and name != STATUS:
            raise _fail(1, name, _("unbekannte Spalte"))
    for required in NAME_COLUMNS:
        if required not in seen:
            raise CsvInputError(_("Zeile 1: Spalte „%(column)s“ fehlt") % {"column": required})


def _parse(data: bytes, encoding: str, names: list[str], sep: str, numeric: list[str]):
    dtype = {name: (np.float64 if name in numeric else object) for name in names}
    with warnings.catch_warnings():
        # Pandas only warns when the first data row has more fields than the header.
        warnings.simplefilter("error", pd.errors.ParserWarning)
        return pd.read_csv(
            io.BytesIO(data),
            sep=sep,
            header=0,
            names=names,
            index_col=False,
            dtype=dtype,
            encoding=encoding,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            engine="c",
            quotechar='"',
        )


def _unreadable(exc: Exception) -> CsvInputError:
    detail = " ".join(str(exc).split())
    return CsvInputError(_("Die CSV-Datei ist nicht lesbar: %(error)s") % {"error": detail})


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _first_non_numeric(data: bytes, encoding: str, names: list[str], sep: str, numeric):
    """Slow path, only after a failed fast read: locate the first cell that is no number."""
    frame = pd.read_csv(
        io.BytesIO(data),
        sep=sep,
        header=0,
        names=names,
        index_col=False,
        dtype=object,
        encoding=encoding,
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=False,
    )
    best = None
    for position, name in enumerate(names):
        if name not in numeric:
            continue
        raw = frame[name]
        converted = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = raw.notna().to_numpy() & ~np.isfinite(converted)
        if bad.any():
            row = int(np.argmax(bad))
            if best is None or (row, position) < best[:2]:
                best = (row, position, name, raw.iloc[row])
    if best is None:
        return None
    row, _position, name, value = best
    return _fail(
        row + FIRST_DATA_LINE,
        name,
        _("„%(value)s“ ist keine Zahl (Dezimalpunkt „.“ verwenden)") % {"value": value},
    )


_PADDED = re.compile(r"\s\x00|\x00\s")


def _names_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """The column with surrounding white space removed; empty names become missing.

    Stripping cell by cell is slow for 60,000 rows, so one regular-expression pass over the
    joined names first checks whether any name needs it at all.
    """
    values = frame[name]
    present = values.dropna().tolist()
    if not present:
        return values
    if any(value.startswith(PREFIX) for value in present):
        # A name our export made inert ("'=HYPERLINK(...)"): the original name again.
        values = values.map(restore, na_action="ignore")
    if not _PADDED.search("\x00" + "\x00".join(present) + "\x00"):
        return values
    stripped = values.str.strip()
    return stripped.mask(stripped == "")


def read_answers_csv(data: bytes) -> pd.DataFrame:
    """Parse and validate ``data`` (the file's bytes).

    Returns a DataFrame with ``kita``, ``sozialraum`` (stripped strings) and one float column
    per numeric item of sections A-E present in the file (NaN = missing), in file order,
    without fully empty lines. Raises ``CsvInputError`` for the first problem.
    """
    if not data.strip(codecs.BOM_UTF8 + b" \t\r\n"):
        raise CsvInputError(_("Die Datei ist leer."))
    data, encoding = detect_encoding(data)
    names, sep = _header(data, encoding)
    _check_nul(data, encoding, names, sep)
    _check_header(names)
    numeric = [name for name in names if name in CHECKED_CODES]
    try:
        frame = _parse(data, encoding, names, sep, numeric)
    except pd.errors.ParserWarning:
        raise _fail(FIRST_DATA_LINE, None, _("mehr Felder als Spalten in der Kopfzeile")) from None
    except pd.errors.ParserError as exc:
        match = _FIELDS.search(str(exc))
        if match:
            expected, line, saw = match.groups()
            raise _fail(
                int(line),
                None,
                _("%(saw)s Felder, die Kopfzeile hat %(expected)s")
                % {"saw": saw, "expected": expected},
            ) from None
        raise _unreadable(exc) from None
    except (ValueError, TypeError) as exc:
        located = _first_non_numeric(data, encoding, names, sep, numeric)
        if located is not None:
            raise located from None
        raise _unreadable(exc) from None

    lines = np.arange(len(frame)) + FIRST_DATA_LINE
    empty_rows = frame.isna().all(axis=1).to_numpy()
    if empty_rows.any():
        frame = frame.loc[~empty_rows]
        lines = lines[~empty_rows]
    if len(frame) == 0:
        raise CsvInputError(_("Die Datei enthält keine Kita (nur die Kopfzeile)."))

    out = {name: _names_column(frame, name) for name in NAME_COLUMNS}
    values = frame[numeric].to_numpy(dtype=float) if numeric else np.empty((len(frame), 0))
    problems = [_name_problem(out, lines, names), _value_problem(values, numeric, lines, names)]
    problems = [p for p in problems if p is not None]
    if problems:
        raise min(problems, key=lambda p: p[:2])[2]

    result = pd.DataFrame(out)
    result.index = pd.RangeIndex(len(result))
    for j, name in enumerate(numeric):
        result[name] = values[:, j]
    return result


def _name_problem(out: dict[str, pd.Series], lines: np.ndarray, names: list[str]):
    """(line, column position, error) of the first missing, overlong or duplicate name."""
    found = []
    for name in NAME_COLUMNS:
        missing = out[name].isna().to_numpy()
        if missing.any():
            row = int(np.argmax(missing))
            label = _("Name der Kita fehlt") if name == KITA else _("Sozialraum fehlt")
            found.append((int(lines[row]), names.index(name), _fail(lines[row], name, label)))
        overlong = (out[name].str.len() > MAX_NAME_CHARS).fillna(False).to_numpy(dtype=bool)
        if overlong.any():
            row = int(np.argmax(overlong))
            label = _("Name länger als %(n)s Zeichen") % {
                "n": f"{MAX_NAME_CHARS:,}".replace(",", ".")
            }
            found.append((int(lines[row]), names.index(name), _fail(lines[row], name, label)))
    kitas = out[KITA]
    duplicated = kitas.duplicated().to_numpy() & kitas.notna().to_numpy()
    if duplicated.any():
        row = int(np.argmax(duplicated))
        name = kitas.iloc[row]
        first = int(lines[int(np.argmax((kitas == name).to_numpy()))])
        found.append(
            (
                int(lines[row]),
                names.index(KITA),
                _fail(
                    lines[row],
                    KITA,
                    _("Kita „%(name)s“ kommt doppelt vor (zuerst in Zeile %(first)s)")
                    % {"name": name, "first": first},
                ),
            )
        )
    return min(found, key=lambda p: p[:2]) if found else None


def _bounds(numeric: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    items = [ITEMS_BY_CODE[code] for code in numeric]
    lo = np.array([-np.inf if i.min is None else i.min for i in items], dtype=float)
    hi = np.array([np.inf if i.max is None else i.max for i in items], dtype=float)
    whole = np.array([i.kind in ("int", "likert") for i in items], dtype=bool)
    return lo, hi, whole


def _value_problem(values: np.ndarray, numeric: list[str], lines: np.ndarray, names: list[str]):
    """(line, column position, error) of the first invalid number, or None.

    Rules per cell: finite; whole number for counts and Likert answers; within the item's
    [min, max] (Likert 1..4, counts >= 0); a count not above its denominator
    (``max_item``: B1 <= A2, A2 and the other counts <= A1) when both are given; decimals with
    at most ``places`` places.
    """
    if values.shape[1] == 0:
        return None
    lo, hi, whole = _bounds(numeric)
    present = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        bad = np.isinf(values)
        bad |= whole & present & (values != np.floor(values))
        bad |= values < lo
        bad |= values > hi
        for j, code in enumerate(numeric):
            item = ITEMS_BY_CODE[code]
            if item.max_item and item.max_item in numeric:
                bad[:, j] |= values[:, j] > values[:, numeric.index(item.max_item)]
            if item.kind == "decimal":
                scaled = values[:, j] * 10**item.places
                bad[:, j] |= np.abs(scaled - np.round(scaled)) > 1e-6
    rows = np.flatnonzero(bad.any(axis=1))
    if len(rows) == 0:
        return None
    row = int(rows[0])
    # Leftmost offending column in file order.
    cols = sorted(np.flatnonzero(bad[row]), key=lambda j: names.index(numeric[j]))
    j = int(cols[0])
    code = numeric[j]
    return (
        int(lines[row]),
        names.index(code),
        _fail(lines[row], code, _cell_problem(values[row], numeric, j)),
    )


def _format(value: float) -> str:
    return str(int(value)) if np.isfinite(value) and value == int(value) else repr(float(value))


def _cell_problem(row: np.ndarray, numeric: list[str], j: int) -> str:
    """The German description of what is wrong with ``row[j]`` (known to be invalid)."""
    item = ITEMS_BY_CODE[numeric[j]]
    value = row[j]
    shown = _format(value)
    if not np.isfinite(value):
        return _("„%(value)s“ ist keine gültige Zahl (zu groß oder unendlich)") % {"value": shown}
    if item.kind == "likert" and (value != np.floor(value) or not 1 <= value <= 4):
        return _("%(value)s liegt nicht auf der Skala 1 bis 4") % {"value": shown}
    if item.kind == "int" and value != np.floor(value):
        return _("%(value)s ist keine ganze Zahl") % {"value": shown}
    if value < 0:
        return _("%(value)s ist negativ") % {"value": shown}
    if item.min is not None and value < item.min:
        return _("%(value)s ist kleiner als %(min)s") % {"value": shown, "min": _format(item.min)}
    if item.max is not None and value > item.max:
        return _("%(value)s ist größer als %(max)s") % {"value": shown, "max": _format(item.max)}
    if item.max_item and item.max_item in numeric:
        limit = row[numeric.index(item.max_item)]
        if value > limit:
            return _("%(value)s ist größer als %(item)s (%(limit)s)") % {
                "value": shown,
                "item": item.max_item,
                "limit": _format(limit),
            }
    return _("%(value)s hat mehr als %(places)s Nachkommastellen") % {
        "value": shown,
        "places": item.places,
    }


def read_source(path: str, stdin) -> bytes:
    """The bytes of ``path``, or of ``stdin`` when ``path`` is ``-``."""
    if path == "-":
        return getattr(stdin, "buffer", stdin).read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise CsvInputError(_("Datei „%(path)s“ nicht gefunden") % {"path": path}) from None
    except OSError as exc:
        raise CsvInputError(
            _("Datei „%(path)s“ nicht lesbar: %(error)s") % {"path": path, "error": exc.strerror}
        ) from None


def decode_text(data: bytes) -> str:
    """Text of a UTF-8 (with or without BOM) or Windows-1252 file."""
    data, encoding = detect_encoding(data)
    return data.decode(encoding)


def parse_euro_cents(text: str) -> int:
    """``"1002240"`` or ``"1002240.50"`` (euros, at most two decimals, >= 0) -> whole cents."""
    try:
        euros = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        euros = None
    if (
        euros is None
        or not euros.is_finite()
        or euros < 0
        or euros != euros.quantize(Decimal("0.01"))
    ):
        raise CsvInputError(
            _("Budget „%(value)s“ ist kein Euro-Betrag (z. B. 1002240 oder 1002240.50)")
            % {"value": text}
        )
    return int(euros * 100)
