"""The English interface is English (issue 14, "English complete").

Classes (oberhalb/innerhalb/unterhalb), index names, generated round names ("Erhebung
2020") and the calculation sentences come from the catalogue, and the numbers inside
sentences follow the active language ("89,2" in German, "89.2" in English). The stored
values stay German; the German interface is unchanged.
"""

from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from allocation import eligibility as allocation_eligibility
from allocation.services import plans as plan_services
from indices import eligibility as rules
from srb_project import numbers
from surveys.models import SurveyRound
from tests import shared_demo
from tests.allocation.factories import fs1_line, make_world

pytestmark = pytest.mark.django_db

# The demo is seeded once for the module, each test runs in a savepoint of its own
# (tests/shared_demo.py).
demo_seeded = shared_demo.demo_seeded
demo = shared_demo.demo

# German words the English pages showed (issue 14): the classes, the index names, the
# generated round name and words of the calculation sentences and norm explanations.
GERMAN_WORDS = [
    "oberhalb",
    "innerhalb",
    "unterhalb",
    "Allgemeiner Bedarf",
    "Soziale Lage",
    "Flucht und Migration",
    "Infrastruktur und Netzwerke",
    "Gesamtindex",
    "Erhebung 20",
    "Normbereich",
    "Normwert",
    "Mittelwert",
    "Standardpunkt",
    "umgepolt",
    "Wert der Angabe",
    "Anteil in Prozent",
    "förderfähig",
    "Prozentpunkte",
    "-Pkt.",
]
# A decimal number in the other language's notation: "22,24" on an English page, "22.24"
# on a German one (thousands groups such as "1,133,942" and dates such as "01.12.2026"
# are not matched).
GERMAN_DECIMAL = re.compile(r"(?<![\d.,])\d+,\d{1,2}(?![\d.,])")
ENGLISH_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,])")

PAGES = ["staff Kita page", "Kita leader's page", "committee report"]


def _client(user, language) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _visible_text(response) -> str:
    """The page's text as a person reads it (and a screen reader the chart descriptions):
    without scripts and styles, tags removed, entities resolved."""
    assert response.status_code == 200
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html_lib.unescape(page))


def _questions_removed(text: str) -> str:
    """Without the questionnaire's own question texts (the German instrument SRB-2021,
    quoted as the Kita answered it: see the report of issue 14)."""
    from surveys.instrument import ITEMS_BY_CODE  # noqa: PLC0415 - only this helper

    for item in ITEMS_BY_CODE.values():
        text = text.replace(item.label, " ")
    return text


@pytest.fixture
def pages(demo, role_users):
    """(user, url) of the staff Kita page, the Kita leader's results page and the committee
    report of the demo (Kita "Pusteblume" lies above the norm range in every index)."""
    leader = role_users["kita-leitung"]
    kita = leader.kitas.get()
    year = demo.budget_years.order_by("-year").first().year
    return {
        "staff Kita page": (
            role_users["jugendamt"],
            reverse("indices:kita_detail", args=[kita.pk]),
        ),
        "Kita leader's page": (leader, reverse("indices:my_kita_detail", args=[kita.pk])),
        "committee report": (role_users["ausschuss"], reverse("reports:committee", args=[year])),
    }


def _page_text(pages, page, language) -> str:
    user, url = pages[page]
    return _questions_removed(_visible_text(_client(user, language).get(url)))


# --- the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_english_page_shows_no_german_class_index_or_round_names(pages, page):
    text = _page_text(pages, page, "en")
    found = [word for word in GERMAN_WORDS if word.lower() in text.lower()]
    assert found == []
    assert "overall index" in text.lower()


@pytest.mark.parametrize("page", PAGES)
def test_english_page_writes_its_numbers_the_english_way(pages, page):
    text = _page_text(pages, page, "en")
    assert GERMAN_DECIMAL.findall(text) == []
    assert ENGLISH_DECIMAL.search(text)


@pytest.mark.parametrize("page", PAGES)
def test_german_page_is_unchanged(pages, page):
    text = _page_text(pages, page, "de")
    assert "Gesamtindex" in text
    assert "Overall index" not in text and "Survey 20" not in text
    assert ENGLISH_DECIMAL.findall(text) == []
    assert GERMAN_DECIMAL.search(text)


def test_staff_kita_page_names_classes_indices_and_the_round_in_each_language(pages):
    german = _page_text(pages, "staff Kita page", "de")
    english = _page_text(pages, "staff Kita page", "en")
    assert "Erhebung 2020" in german and "Survey 2020" in english
    assert "Flucht und Migration" in german and "Refugees and migration" in english
    # the class column and the class after each category index
    assert re.search(r"Gesamtindex [\d,]+ oberhalb", german)
    assert re.search(r"Overall index [\d.]+ above", english)
    assert re.search(r"\(oberhalb\)", german) and re.search(r"\(above\)", english)
    # the derivations of the variables
    assert "Anteil in Prozent: 100 · C4 / A1" in german
    assert "Share in per cent: 100 · C4 / A1" in english
    assert "umgepolt: 5 − E1" in german and "reversed: 5 − E1" in english
    # the calculation of the Gesamtindex with the language's numbers
    assert re.search(r"\(\d+,\d\d \+ \d+,\d\d \+ \d+,\d\d \+ \d+,\d\d\) / 4 = \d+,\d\d", german)
    assert re.search(
        r"\(\d+\.\d\d \+ \d+\.\d\d \+ \d+\.\d\d \+ \d+\.\d\d\) / 4 = \d+\.\d\d", english
    )


def test_committee_report_charts_and_changes_follow_the_language(pages):
    german = _page_text(pages, "committee report", "de")
    english = _page_text(pages, "committee report", "en")
    assert re.search(r"Pariser Viertel 22,24 %", german)  # the chart's bar label
    assert re.search(r"Pariser Viertel 22\.24 %", english)
    assert "±0,00 %-Pkt." in german and "±0.00 %-pts." in english


# --- the calculation sentences -----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Gesamtindex 89,2 ≥ unterer Normwert 25,8."),
        ("en", "Overall index 89.2 ≥ lower norm value 25.8."),
    ],
)
def test_fs1_sentence_in_the_language_with_its_numbers(language, expected):
    with translation.override(language):
        result = rules.fs1_eligibility(89.2, 25.8)
        assert allocation_eligibility.message(result) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "de",
            "Index Flucht/Migration 41,5 liegt nur über dem unteren Normwert 35,0: "
            "nur mit schriftlicher Begründung förderfähig.",
        ),
        (
            "en",
            "Refugee/migration index 41.5 is only above the lower norm value 35.0: "
            "eligible only with a written justification.",
        ),
    ],
)
def test_fs3_sentence_in_the_language_with_its_numbers(language, expected):
    with translation.override(language):
        result = rules.fs3_eligibility(41.5, 50.0, 35.0, "")
        assert allocation_eligibility.message(result) == expected


@pytest.mark.parametrize(
    ("language", "sentence", "status"),
    [
        ("de", "Gesamtindex 60,0 ≥ unterer Normwert 40,0.", "förderfähig"),
        ("en", "Overall index 60.0 ≥ lower norm value 40.0.", "eligible"),
    ],
)
def test_plan_page_explains_a_line_in_the_language(client, language, sentence, status):
    world = make_world()
    plan = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    line = fs1_line(world, plan)
    page = _visible_text(
        _client(world.staff, language).get(reverse("allocation:plan_detail", args=[plan.pk]))
    )
    row = page[page.index(line.kita.name) :]
    assert sentence in row and status in row


def test_staff_costs_sentence_in_english_numbers():
    from allocation.services.common import eur_text  # noqa: PLC0415

    with translation.override("de"):
        assert eur_text(Decimal("1234567.5")) == "1.234.567,50"
    with translation.override("en"):
        assert eur_text(Decimal("1234567.5")) == "1,234,567.50"


# --- the helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places"),
    [
        (Decimal("73500"), 2),
        (Decimal("0.8"), 2),
        (Decimal("89.25"), 1),
        (89.2, 1),
        ("1234567.505", 2),
        (Decimal("-12.5"), 1),
        (Decimal("12"), 0),
    ],
)
def test_localized_is_the_german_format_in_german(value, places):
    with translation.override("de"):
        assert numbers.localized(value, places) == numbers.german(value, places)


def test_localized_follows_the_english_format():
    with translation.override("en"):
        assert numbers.localized(Decimal("73500"), 2) == "73,500.00"
        assert numbers.localized(89.25, 1) == "89.3"  # half up, as people round
        assert numbers.localized(None) == "–"
    with translation.override("de"):
        assert numbers.localized(Decimal("73500"), 2) == "73.500,00"
        assert numbers.localized(89.25, 1) == "89,3"


def test_stored_german_values_are_translated_when_shown():
    from indices.display import CATEGORY_LABELS, class_label  # noqa: PLC0415

    with translation.override("en"):
        assert [class_label(c) for c in ("oberhalb", "innerhalb", "unterhalb")] == [
            "above",
            "within",
            "below",
        ]
        assert str(CATEGORY_LABELS["FM"]) == "Refugees and migration"
        assert str(CATEGORY_LABELS["GESAMT"]) == "Overall index"
    with translation.override("de"):
        assert class_label("oberhalb") == "oberhalb"
        assert str(CATEGORY_LABELS["GESAMT"]) == "Gesamtindex"


def test_generated_round_name_is_built_in_the_language_the_code_stays():
    survey_round = SurveyRound(code="2020")
    with translation.override("de"):
        assert str(survey_round) == "Erhebung 2020"
    with translation.override("en"):
        assert str(survey_round) == "Survey 2020"
    assert survey_round.code == "2020"


@pytest.mark.parametrize(("language", "shown"), [("de", "12,5"), ("en", "12.5")])
def test_questionnaire_answers_are_shown_with_the_languages_decimal_sign(language, shown):
    from surveys.instrument import ITEMS_BY_CODE
    from surveys.presentation import display_value

    a4 = ITEMS_BY_CODE["A4"]  # staff in full-time equivalents, a decimal item
    with translation.override(language):
        assert display_value(a4, Decimal("12.5"), {}) == shown


@pytest.mark.parametrize(("language", "shown"), [("de", "0,5"), ("en", "0.5")])
def test_a_decimal_limit_in_a_message_uses_the_languages_decimal_sign(language, shown):
    from surveys.validation import _fmt

    with translation.override(language):
        assert _fmt(0.5) == shown and _fmt(3.0) == "3"
