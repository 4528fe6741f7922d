"""The questionnaire "SRB-2021" as plain data (no Django import).

This module is the single source of the item codes, types, ranges and
denominators. The web form, the CSV/XLSX import and the database-free
``compute_indices`` command all read it, so that every entry path validates the
same way. A revised instrument gets a module of its own and a new code.

Item kinds:
- ``int``: whole number in ``[min, max]``; ``max_item`` names an item whose value
  is the upper bound (a count may not exceed its denominator, e.g. B1 <= A2).
- ``decimal``: number with at most ``places`` decimals in ``[min, max]``.
- ``likert``: whole number 1..4.
- ``text``: free text up to ``max_length`` characters.
- ``choice``: several of ``choices`` (stored as a list of keys).
- ``matrix``: per partner one of ``levels`` (stored as a dict).
- ``confirm``: a checkbox that must be ticked to submit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

CODE = "SRB-2021"
LIKERT = (1, 4)


@dataclass(frozen=True)
class Item:
    code: str
    section: str
    question: str  # the question number it belongs to, e.g. "B3" for B3a
    label: str
    kind: str
    required: bool = False
    min: float | None = None
    max: float | None = None
    max_item: str | None = None
    places: int = 0
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    levels: tuple[tuple[str, str], ...] = ()
    scale: str = ""
    help: str = ""

    @property
    def short_label(self) -> str:
        """A few words for messages, e.g. "Anzahl Familien" for A2."""
        return SHORT_LABELS.get(self.code, self.code)


SECTIONS = [
    ("A", "Eckdaten der Kita"),
    ("B", "Soziale Lage"),
    ("C", "Allgemeiner Bedarf"),
    ("D", "Flucht und Migration"),
    ("E", "Infrastruktur und Netzwerke"),
    ("F", "Ressourcen, Netzwerk und Wünsche"),
]

_PROBLEM = "1 gar nicht · 2 eher schwach · 3 eher stark · 4 sehr stark"
_NEED = "1 kein Bedarf · 2 eher geringer · 3 eher hoher · 4 sehr hoher Bedarf"
_HIGH = "1 kein · 2 eher gering · 3 eher hoch · 4 sehr hoch"
_GOOD = "1 sehr schlecht · 2 eher schlecht · 3 eher gut · 4 sehr gut"
_CHALLENGE = "1 sehr gering · 2 eher gering · 3 eher groß · 4 sehr groß"


def _count(code, section, label, *, max_item="A1", required=False, help=""):
    return Item(
        code,
        section,
        code,
        label,
        "int",
        required=required,
        min=0,
        max=999,
        max_item=max_item,
        help=help,
    )


def _likert(code, section, question, label, scale, *, required=False):
    return Item(
        code, section, question, label, "likert", required=required, min=1, max=4, scale=scale
    )


ITEMS: list[Item] = [
    Item(
        "A1",
        "A",
        "A1",
        "Wie viele Kinder betreut Ihre Kita am Stichtag insgesamt?",
        "int",
        required=True,
        min=1,
        max=999,
    ),
    Item(
        "A2",
        "A",
        "A2",
        "Wie viele Familien sind das?",
        "int",
        required=True,
        min=1,
        max=999,
        max_item="A1",
    ),
    _count("A3", "A", "Davon Kinder unter drei Jahren"),
    Item(
        "A4",
        "A",
        "A4",
        "Pädagogisches Personal in Vollzeitäquivalenten",
        "decimal",
        min=0,
        max=200,
        places=2,
    ),
    _count("A5", "A", "Kinder mit einer Betreuungszeit über 7 Stunden täglich"),
    _count("A6", "A", "Kinder, deren Familien Leistungen für Bildung und Teilhabe beziehen"),
    _count(
        "B1",
        "B",
        "Wie viele Familien haben einen erhöhten Beratungsbedarf?",
        max_item="A2",
        required=True,
    ),
    _count(
        "B2",
        "B",
        "Wie viele Kinder erleben individuelle oder strukturelle Benachteiligung "
        "aufgrund von Einkommensarmut, beengten Wohnverhältnissen, Sprachschwierigkeiten "
        "oder individuellen Beeinträchtigungen?",
        required=True,
    ),
    _likert("B3a", "B", "B3", "Armut / Einkommensarmut", _PROBLEM),
    _likert("B3b", "B", "B3", "Arbeitslosigkeit", _PROBLEM),
    _likert(
        "B3c",
        "B",
        "B3",
        "Familiäre Belastungen (z. B. Trennung, Krankheit, Alleinerziehende)",
        _PROBLEM,
    ),
    _likert("B3d", "B", "B3", "Sucht oder Gewalt im Umfeld", _PROBLEM),
    _likert("B3e", "B", "B3", "Migration und/oder Flucht", _PROBLEM),
    _likert(
        "B3f",
        "B",
        "B3",
        "Räumliche Gegebenheiten im Quartier (wenig Grün, unzureichende "
        "Spielflächen, viel Autoverkehr)",
        _PROBLEM,
    ),
    _likert("C1a", "C", "C1", "Erziehung und Entwicklung", _NEED),
    _likert("C1b", "C", "C1", "Gesundheit, Ernährung und Bewegung", _NEED),
    _likert("C1c", "C", "C1", "Sprache und Mehrsprachigkeit", _NEED),
    _likert("C1d", "C", "C1", "Übergang in die Grundschule", _NEED),
    _likert("C2a", "C", "C2", "Erziehungsfragen", _HIGH),
    _likert("C2b", "C", "C2", "Finanzielle Hilfen und Anträge (z. B. Bildung und Teilhabe)", _HIGH),
    _likert("C2c", "C", "C2", "Umgang mit Behörden und Ämtern", _HIGH),
    _likert("C3a", "C", "C3", "Kinderschutz", _HIGH),
    _likert("C3b", "C", "C3", "Interkulturelle Kompetenz", _HIGH),
    _likert("C3c", "C", "C3", "Zusammenarbeit mit Familien", _HIGH),
    _count(
        "C4",
        "C",
        "Wie viele Kinder haben einen erhöhten Unterstützungsbedarf aufgrund "
        "eines individuellen Förderbedarfs?",
        required=True,
    ),
    _count(
        "D1", "D", "Wie viele Kinder sprechen im Elternhaus NICHT vorrangig Deutsch?", required=True
    ),
    Item(
        "D2",
        "D",
        "D2",
        "Wie viele unterschiedliche Familiensprachen gibt es in Ihrer Kita?",
        "int",
        required=True,
        min=1,
        max=99,
    ),
    _count(
        "D3",
        "D",
        "Wie viele Kinder haben einen erhöhten Unterstützungsbedarf aufgrund "
        "eines Migrationshintergrundes?",
        required=True,
    ),
    _count(
        "D4",
        "D",
        "Wie viele Kinder haben einen erhöhten Unterstützungsbedarf aufgrund "
        "eines Fluchthintergrundes?",
        required=True,
    ),
    _likert(
        "D5",
        "D",
        "D5",
        "Wie groß empfinden Sie die Herausforderung der unterschiedlichen "
        "Sprachen im Umgang mit den Eltern?",
        _CHALLENGE,
        required=True,
    ),
    _likert(
        "E1",
        "E",
        "E1",
        "Wie gut schätzen Sie das ÖPNV-Netz Ihres Kita-Einzugsgebiets ein?",
        _GOOD,
        required=True,
    ),
    _count(
        "E2",
        "E",
        "Wie viele Kinder erleben Benachteiligung aufgrund unzureichender "
        "Infrastruktur im Stadtteil, fehlender Spiel- und Grünflächen im Quartier oder der "
        "Verkehrssituation (z. B. Hauptverkehrsstraße)?",
        required=True,
    ),
    _likert("E3a", "E", "E3", "Erziehungs- und Familienberatung", _GOOD),
    _likert("E3b", "E", "E3", "Frühförderung und Therapien", _GOOD),
    _likert("E3c", "E", "E3", "Soziale Dienste / Jugendamt", _GOOD),
    _likert("E3d", "E", "E3", "Migrations- und Integrationsberatung", _GOOD),
    _likert(
        "E4",
        "E",
        "E4",
        "Wie schätzen Sie den allgemeinen Zugang zu Unterstützungs- und "
        "Hilfsangeboten für Familien und Kinder in Ihrem Kita-Sozialraum ein (unabhängig vom "
        "Anbietenden/Träger)?",
        _GOOD,
        required=True,
    ),
    Item(
        "F1",
        "F",
        "F1",
        "Welche Ressourcen (Angebote, Orte, Personen) im Sozialraum nutzt Ihre Kita?",
        "text",
        max_length=2000,
    ),
    Item(
        "F2",
        "F",
        "F2",
        "Welche Angebote sollten im Sozialraum ausgebaut werden?",
        "text",
        max_length=2000,
    ),
    Item(
        "F3",
        "F",
        "F3",
        "Für welche Verwendungszwecke des Sozialraumbudgets sehen Sie in Ihrer Kita Bedarf?",
        "choice",
        choices=(
            ("FS1", "Kita-Sozialarbeit"),
            ("FS2", "Kommunikations- und Nachbarschaftszentrum"),
            ("FS3", "Interkulturelle Fachkraft"),
            ("FS4", "Betriebserlaubnisrelevantes Zusatzpersonal"),
        ),
    ),
    Item(
        "F4",
        "F",
        "F4",
        "Mit welchen Netzwerkpartnern arbeitet Ihre Kita zusammen, und wie häufig?",
        "matrix",
        levels=(
            ("nie", "nie"),
            ("selten", "selten"),
            ("regelmaessig", "regelmäßig"),
            ("eng", "eng"),
        ),
    ),
    _likert(
        "F5",
        "F",
        "F5",
        "Wie zufrieden sind Sie insgesamt mit der Zusammenarbeit im Netzwerk?",
        "1 sehr unzufrieden · 2 eher unzufrieden · 3 eher zufrieden · 4 sehr zufrieden",
    ),
    Item("F6", "F", "F6", "Anmerkungen", "text", max_length=2000),
    Item("F7", "F", "F7", "Ansprechperson für Rückfragen (Name, Telefon)", "text", max_length=200),
    Item(
        "F8",
        "F",
        "F8",
        "Ich bestätige, dass die Angaben nach bestem Wissen gemacht wurden.",
        "confirm",
        required=True,
    ),
]

ITEMS_BY_CODE: dict[str, Item] = {item.code: item for item in ITEMS}
ITEM_CODES: list[str] = [item.code for item in ITEMS]
# Items the index variables are computed from (all numeric).
NUMERIC_CODES: list[str] = [i.code for i in ITEMS if i.kind in ("int", "decimal", "likert")]
COUNT_CODES: list[str] = [i.code for i in ITEMS if i.kind == "int"]
LIKERT_CODES: list[str] = [i.code for i in ITEMS if i.kind == "likert"]
# Default network partners for F4 (the Jugendamt may keep its own list).
DEFAULT_PARTNERS = [
    ("grundschule", "Grundschule"),
    ("beratungsstelle", "Erziehungs- und Familienberatung"),
    ("fruehfoerderung", "Frühförderung"),
    ("jugendamt", "Jugendamt / Soziale Dienste"),
    ("gesundheitsamt", "Gesundheitsamt"),
    ("migrationsdienst", "Migrationsdienst"),
]

# The 18 index variables: code -> (category, derivation kind, inputs).
# kinds: "share" = 100 * a / b; "mean" = mean of answered items; "value" = the item;
# "reverse" = 5 - item; "reverse_mean" = 5 - mean of answered items.
CATEGORIES = {
    "AB": "Allgemeiner Bedarf",
    "SL": "Soziale Lage",
    "FM": "Flucht und Migration",
    "IN": "Infrastruktur und Netzwerke",
}
VARIABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "SL1": ("SL", "share", ("B1", "A2")),
    "SL2": ("SL", "share", ("B2", "A1")),
    "SL3": ("SL", "mean", ("B3a", "B3b", "B3c", "B3d")),
    "AB1": ("AB", "mean", ("C1a", "C1b", "C1c", "C1d")),
    "AB2": ("AB", "mean", ("C2a", "C2b", "C2c")),
    "AB3": ("AB", "mean", ("C3a", "C3b", "C3c")),
    "AB4": ("AB", "share", ("C4", "A1")),
    "FM1": ("FM", "value", ("B3e",)),
    "FM2": ("FM", "share", ("D1", "A1")),
    "FM3": ("FM", "value", ("D2",)),
    "FM4": ("FM", "share", ("D3", "A1")),
    "FM5": ("FM", "share", ("D4", "A1")),
    "FM6": ("FM", "value", ("D5",)),
    "IN1": ("IN", "reverse", ("E1",)),
    "IN2": ("IN", "share", ("E2", "A1")),
    "IN3": ("IN", "reverse_mean", ("E3a", "E3b", "E3c", "E3d")),
    "IN4": ("IN", "value", ("B3f",)),
    "IN5": ("IN", "reverse", ("E4",)),
}


# Items the 18 variables are computed from, in questionnaire order.
VARIABLE_INPUT_CODES: list[str] = [
    code for code in ITEM_CODES if any(code in inputs for _c, _k, inputs in VARIABLES.values())
]


def questions() -> list[tuple[str, list[Item]]]:
    """Items grouped by question number, in order (30 questions)."""
    grouped: dict[str, list[Item]] = {}
    for item in ITEMS:
        grouped.setdefault(item.question, []).append(item)
    return list(grouped.items())


# --- versions ----------------------------------------------------------------------
# Later instruments register their module-level item lists here under their code.
INSTRUMENT_ITEMS: dict[str, list[Item]] = {CODE: ITEMS}
INSTRUMENT_NAMES: dict[str, str] = {CODE: "Fragebogen Sozialraumbudget 2021"}


def items_for(code: str) -> list[Item]:
    """The items of the instrument version ``code`` (KeyError when unknown)."""
    return INSTRUMENT_ITEMS[code]


def definition(code: str = CODE) -> dict:
    """A JSON-able snapshot of an instrument version (stored with the Instrument row)."""
    return {
        "code": code,
        "sections": [list(s) for s in SECTIONS],
        "items": [asdict(item) for item in items_for(code)],
    }


# Lead-in texts of the questions with several sub-items (shown above the sub-items).
QUESTION_TEXTS: dict[str, str] = {
    "B3": "Wie stark nehmen Sie die folgenden potenziellen Problemlagen im Einzugsgebiet "
    "Ihrer Kita wahr?",
    "C1": "Wie hoch schätzen Sie den Bedarf der Eltern an Informationsveranstaltungen zu "
    "folgenden Themen ein?",
    "C2": "Wie hoch ist der individuelle Beratungsbedarf der Familien zu folgenden Themen?",
    "C3": "Wie hoch ist der Qualifikationsbedarf Ihres Teams zu folgenden Themen?",
    "E3": "Wie gut gelingt es Ihnen, Familien im Bedarfsfall an passende Stellen zu verweisen?",
}


def scale_labels(item: Item) -> list[tuple[int, str]]:
    """The Likert options of an item: [(1, "gar nicht"), ...] parsed from ``scale``."""
    options = []
    for part in item.scale.split("·"):
        number, _sep, text = part.strip().partition(" ")
        if number.isdigit():
            options.append((int(number), text.strip()))
    return options or [(n, str(n)) for n in range(LIKERT[0], LIKERT[1] + 1)]


# Names of the denominators as used in messages ("... nicht größer als A2 (Familien: 40)").
SHORT_LABELS: dict[str, str] = {"A1": "Kinder insgesamt", "A2": "Familien"}
