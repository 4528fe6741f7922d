"""The built-in template of an evaluation instrument: the six blocks of the concept
(chapter 4) with a German default set of items, and the concept's wave dates.

Data only (plain tuples); ``evaluation.services.instrument_create`` copies it into the
database, where staff edit it until the first wave opens. The texts are German source
texts: stored as typed, shown as stored (the respondents read German).
"""

from __future__ import annotations

import datetime

# (code, title)
BLOCKS = (
    ("A", "Steuerungsebene / Kernteam"),
    ("B", "Verwendung des Sozialraumbudgets"),
    ("C", "Sozialraumteams"),
    ("D", "Stellenprofile"),
    ("E", "Sozialraumanalyse"),
    ("F", "Ziele"),
)

# block code -> (code, kind, text, options, required)
ITEMS = {
    "A": (
        ("A1", "likert4", "Die Zuständigkeiten im Kernteam sind klar geregelt.", (), True),
        ("A2", "likert4", "Entscheidungen des Kernteams sind für mich nachvollziehbar.", (), True),
        (
            "A3",
            "single",
            "Wie oft haben Sie im letzten Jahr an Sitzungen des Kernteams teilgenommen?",
            ("nie", "1–2 Mal", "3–5 Mal", "häufiger"),
            True,
        ),
    ),
    "B": (
        (
            "B1",
            "likert5",
            "Die Mittel des Sozialraumbudgets werden dort eingesetzt, wo der Bedarf am "
            "größten ist.",
            (),
            True,
        ),
        (
            "B2",
            "likert5",
            "Das Verfahren der Verteilung (Indizes, Anteile, Pläne) ist transparent.",
            (),
            True,
        ),
        (
            "B3",
            "multi",
            "Für welche Förderstränge setzen Sie sich in Ihrer Arbeit ein?",
            (
                "FS1 Individuelle Kita-Sozialarbeit",
                "FS2 Kommunikations- und Nachbarschaftszentrum",
                "FS3 Interkulturelle Fachkraft",
                "FS4 Betriebserlaubnisrelevantes Zusatzpersonal",
            ),
            False,
        ),
    ),
    "C": (
        (
            "C1",
            "likert4",
            "Das Sozialraumteam stimmt die Angebote der Kitas gut aufeinander ab.",
            (),
            True,
        ),
        (
            "C2",
            "number",
            "Wie viele Treffen des Sozialraumteams gab es im letzten Jahr?",
            (),
            False,
        ),
    ),
    "D": (
        (
            "D1",
            "likert4",
            "Die Stellenprofile der geförderten Fachkräfte passen zu den Bedarfen vor Ort.",
            (),
            True,
        ),
        (
            "D2",
            "likert5",
            "Die Aufgaben der geförderten Fachkräfte sind im Team bekannt.",
            (),
            True,
        ),
        (
            "D3",
            "number",
            "Wie viele Wochenstunden arbeiten Sie (oder die geförderte Fachkraft Ihrer "
            "Einrichtung) im Sozialraum?",
            (),
            False,
        ),
    ),
    "E": (
        (
            "E1",
            "likert4",
            "Die Ergebnisse der Sozialraumanalyse sind mir bekannt.",
            (),
            True,
        ),
        (
            "E2",
            "likert4",
            "Die Sozialraumanalyse hilft bei der Planung der Angebote.",
            (),
            True,
        ),
    ),
    "F": (
        (
            "F1",
            "likert5",
            "Die Ziele des Sozialraumbudgets werden erreicht.",
            (),
            True,
        ),
        (
            "F2",
            "single",
            "Welches Ziel hat für Ihren Sozialraum derzeit Vorrang?",
            (
                "Teilhabe der Kinder verbessern",
                "Familien früher erreichen",
                "Vernetzung im Stadtteil stärken",
                "Fachkräfte entlasten",
            ),
            True,
        ),
        (
            "F3",
            "text",
            "Was sollte sich am Sozialraumbudget ändern? (bitte keine Namen nennen)",
            (),
            False,
        ),
    ),
}

# The concept's waves: T0 (baseline) 31.07.2021, T1 31.07.2022, T2 31.07.2023; each open
# for the eight weeks before.
WAVES = (
    ("T0", "Ausgangslage", datetime.date(2021, 6, 5), datetime.date(2021, 7, 31)),
    ("T1", "nach einem Jahr", datetime.date(2022, 6, 5), datetime.date(2022, 7, 31)),
    ("T2", "nach zwei Jahren", datetime.date(2023, 6, 5), datetime.date(2023, 7, 31)),
)

TITLES = {
    "core_team": "Evaluation Sozialraumbudget – Kernteam",
    "funded_staff": "Evaluation Sozialraumbudget – geförderte Fachkräfte",
}
CODES = {"core_team": "EVAL-KT", "funded_staff": "EVAL-FK"}
