"""Status × change per Sozialraum on the trends page (issue 18, after Berlin's monitoring):
the class of the latest Gesamtindex and its change since the previous round, with the
documented threshold of 5 standard points, the small-cell rule, a table and a legend."""

import datetime

import pytest

from indices.models import IndexRun, KitaIndex, SozialraumIndex
from reports.selectors.trends import (
    BETTER,
    CHANGE_THRESHOLD_POINTS,
    SAME,
    WORSE,
    classify_change,
    trends,
)
from sozialraeume import roles
from sozialraeume.models import Kita, Sozialraum, Traeger
from tests.factories import JugendamtFactory, make_user
from tests.surveys.factories import SurveyRoundFactory

TRENDS = "/berichte/entwicklung/"


# --- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "previous", "expected"),
    [
        (50.0, 45.0, WORSE),  # +5,0: exactly the threshold counts
        (49.9, 45.0, SAME),  # +4,9
        (45.0, 50.0, BETTER),  # −5,0
        (45.1, 50.0, SAME),  # −4,9
        (60.0, 60.0, SAME),
        (0.0, 100.0, BETTER),
        (None, 50.0, None),  # no value in the latest round
        (50.0, None, None),  # no previous round to compare with
    ],
)
def test_change_is_worse_better_or_same_by_five_standard_points(latest, previous, expected):
    assert CHANGE_THRESHOLD_POINTS == 5.0
    assert classify_change(latest, previous) == expected


def test_change_counts_the_rounded_difference_the_page_shows():
    # 49,96 − 45,0 = 4,96 shows as "+5,0": it counts as a change, as the reader sees it.
    assert classify_change(49.96, 45.0) == WORSE
    assert classify_change(49.94, 45.0) == SAME


# --- a hand example over two rounds ---------------------------------------------------------

# Sozialraum: (Gesamtindex 2021, Gesamtindex 2026, class 2026, Kitas with a result)
HAND = {
    "Altstadt": (40.0, 52.5, "oberhalb", 3),  # +12,5 -> oberhalb × verschlechtert
    "Bahnhof": (55.0, 48.0, "innerhalb", 3),  # −7,0 -> innerhalb × verbessert
    "Clemens": (30.0, 33.0, "unterhalb", 4),  # +3,0 -> unterhalb × gleich
    "Dorf": (45.0, 44.0, "innerhalb", 2),  # two Kitas: small-cell rule, nothing shown
}


@pytest.fixture
def hand_city(db):
    ja = JugendamtFactory(name="Handstadt", slug="handstadt")
    traeger = Traeger.objects.create(jugendamt=ja, name="Träger Hand")
    srs = {
        name: Sozialraum.objects.create(jugendamt=ja, name=name, position=i)
        for i, name in enumerate(HAND)
    }
    kitas = {}
    for name, (*_values, n) in HAND.items():
        kitas[name] = [
            Kita.objects.create(sozialraum=srs[name], traeger=traeger, name=f"Kita {name} {i}")
            for i in range(n)
        ]
    for code, stichtag, col in (("2021", datetime.date(2021, 3, 1), 0), ("2026", None, 1)):
        survey_round = SurveyRoundFactory(
            jugendamt=ja,
            code=code,
            stichtag=stichtag or datetime.date(2026, 3, 1),
            state="geschlossen",
        )
        run = IndexRun.objects.create(
            round=survey_round,
            status=IndexRun.Status.FINISHED,
            method_version="test",
            instrument_code="SRB-2021",
            input_checksum=code * 16,
        )
        for name, values in HAND.items():
            SozialraumIndex.objects.create(
                run=run,
                sozialraum=srs[name],
                gesamt=values[col],
                classes={"GESAMT": values[2]} if col == 1 else {"GESAMT": "innerhalb"},
                kita_count=values[3],
            )
            KitaIndex.objects.bulk_create(
                KitaIndex(run=run, kita=k, gesamt=50.0, complete=True) for k in kitas[name]
            )
    return ja


def test_hand_example_classifies_each_sozialraum_by_status_and_change(hand_city):
    rounds, rows = trends(jugendamt_id=hand_city.pk)
    assert [r.code for r in rounds] == ["2021", "2026"]
    status = {row.name: row.status for row in rows}
    assert (status["Altstadt"].status, status["Altstadt"].change) == ("oberhalb", WORSE)
    assert status["Altstadt"].delta == 12.5
    assert (status["Bahnhof"].status, status["Bahnhof"].change) == ("innerhalb", BETTER)
    assert status["Bahnhof"].delta == -7.0
    assert (status["Clemens"].status, status["Clemens"].change) == ("unterhalb", SAME)
    dorf = status["Dorf"]
    assert dorf.merged and dorf.status is None and dorf.change is None and dorf.latest is None


def test_with_one_round_there_is_a_status_but_no_change(hand_city):
    IndexRun.objects.filter(round__code="2021").delete()
    _rounds, rows = trends(jugendamt_id=hand_city.pk)
    altstadt = next(r for r in rows if r.name == "Altstadt")
    assert altstadt.status.status == "oberhalb" and altstadt.status.change is None


def _cells(html: str, table_id: str) -> list[list[str]]:
    import re

    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


def test_trends_page_shows_the_table_the_cross_table_and_the_legend(client, hand_city):
    client.force_login(make_user(roles.AUSSCHUSS, jugendamt=hand_city, username="aus-hand"))
    html = client.get(TRENDS).content.decode()
    assert "relativ innerhalb einer Erhebung" in html
    assert "0 hat die Kita mit dem geringsten, 100 die mit dem höchsten Wert" in html
    table = _cells(html, "status-table")
    assert table[0] == [
        "Sozialraum",
        "Gesamtindex 2021",
        "Gesamtindex 2026",
        "Veränderung (Punkte)",
        "Status (Klasse)",
        "Entwicklung",
    ]
    body = {row[0]: row[1:] for row in table[1:]}
    assert body["Altstadt"] == ["40,0", "52,5", "+12,5", "oberhalb", "verschlechtert"]
    assert body["Bahnhof"] == ["55,0", "48,0", "-7,0", "innerhalb", "verbessert"]
    assert body["Clemens"] == ["30,0", "33,0", "+3,0", "unterhalb", "gleich"]
    assert body["Dorf"] == ["zusammengefasst"]  # no value of its two Kitas
    grid = {row[0]: row[1:] for row in _cells(html, "status-grid")}
    assert grid["Status"] == ["verschlechtert", "gleich", "verbessert"]
    assert grid["oberhalb"] == ["Altstadt", "", ""]
    assert grid["innerhalb"] == ["", "", "Bahnhof"]
    assert grid["unterhalb"] == ["", "Clemens", ""]
    legend = html.split('id="status-legend"', 1)[1].split("</dl>", 1)[0]
    assert "mindestens +5,0 Punkte" in legend and "Normbereich" in legend
    assert "Dorf" not in html.split('id="status-grid"', 1)[1].split("</table>", 1)[0]
    assert "44,0" not in html  # the small Sozialraum's value appears nowhere
