"""The Kita's own results page (issue 14): plain sentences, a picture per index, FS1/FS3
in words, the full questions; only the own Kita(s), the other Kitas as anonymous dots."""

from __future__ import annotations

import re
import statistics

import pytest
from django.urls import reverse
from django.utils import timezone

from indices import services
from indices.models import IndexRun, KitaIndex, SozialraumIndex
from sozialraeume import roles
from surveys.instrument import ITEMS_BY_CODE, VARIABLES
from surveys.models import SurveyRound
from tests.factories import KitaFactory, SozialraumFactory, TraegerFactory, make_user
from tests.indices.factories import round_with_answers
from tests.surveys.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db

FIELDS = {"AB": "ab", "SL": "sl", "FM": "fm", "IN": "infra", "GESAMT": "gesamt"}


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _svgs(response) -> list[str]:
    return re.findall(r"<svg[^>]*kita-strip.*?</svg>", response.content.decode(), re.S)


def _published(rows: list[dict], *, names=None) -> tuple[IndexRun, list[KitaIndex]]:
    """A closed round with a finished run whose Kita values are ``rows`` (category ->
    value); norms and classes by the methodology (mean ± sample standard deviation)."""
    survey_round = SurveyRoundFactory(state=SurveyRound.State.GESCHLOSSEN)
    jugendamt = survey_round.jugendamt
    room = SozialraumFactory(jugendamt=jugendamt)
    traeger = TraegerFactory(jugendamt=jugendamt)
    norms = {}
    for category, field in FIELDS.items():
        values = [r[field] for r in rows if r.get(field) is not None]
        if len(values) >= 2:
            mean, sd = statistics.mean(values), statistics.stdev(values)
            norms[category] = {"mean": mean, "sd": sd, "lower": mean - sd, "upper": mean + sd}
    run = IndexRun.objects.create(
        round=survey_round,
        status=IndexRun.Status.FINISHED,
        finished_at=timezone.now(),
        method_version="test",
        instrument_code="SRB-2021",
        input_checksum="0" * 64,
        kita_count=len(rows),
        norms={"kita": norms},
        minmax={var: [0.0, 100.0] for var in VARIABLES},
    )
    values = []
    for i, row in enumerate(rows):
        classes = {}
        for category, field in FIELDS.items():
            norm, value = norms.get(category), row.get(field)
            if norm and value is not None:
                classes[category] = (
                    "unterhalb"
                    if value < norm["lower"]
                    else "oberhalb"
                    if value > norm["upper"]
                    else "innerhalb"
                )
        kita = KitaFactory(
            sozialraum=room, traeger=traeger, **({"name": names[i]} if names else {})
        )
        values.append(
            KitaIndex.objects.create(
                run=run,
                kita=kita,
                complete=True,
                classes=classes,
                variables={"FM4": 12.5, "AB4": 8.0},
                points={"FM4": 40.0, "AB4": 22.5},
                **{f: row.get(f) for f in FIELDS.values()},
            )
        )
    SozialraumIndex.objects.create(run=run, sozialraum=room, gesamt=50.0, kita_count=len(rows))
    return run, values


# gesamt 10 / 30 / 50 / 70 / 90: mean 50, sd 31,62 -> below, inside, inside, inside, above.
# fm 10 / 30 / 45 / 70 / 90: mean 49, lower 17,30 -> FS3 nein, mit Begründung x2, ja x2.
FIVE = [
    {"ab": 20.0, "sl": 20.0, "fm": 10.0, "infra": 20.0, "gesamt": 10.0},
    {"ab": 40.0, "sl": 40.0, "fm": 30.0, "infra": 40.0, "gesamt": 30.0},
    {"ab": 50.0, "sl": 50.0, "fm": 45.0, "infra": 50.0, "gesamt": 50.0},
    {"ab": 60.0, "sl": 60.0, "fm": 70.0, "infra": 60.0, "gesamt": 70.0},
    {"ab": 80.0, "sl": 80.0, "fm": 90.0, "infra": 80.0, "gesamt": 90.0},
]


@pytest.fixture
def five():
    return _published(
        FIVE, names=["Kita Ahorn", "Kita Birke", "Kita Eiche", "Kita Linde", "Kita Ulme"]
    )


def _leader_page(client, value):
    client.force_login(make_user(roles.KITA_LEITUNG, kitas=[value.kita]))
    response = client.get(reverse("indices:my_kita_detail", args=[value.kita_id]))
    assert response.status_code == 200
    return response


# --- one sentence per index, from the stored class -----------------------------------------


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (4, "Ihre Kita liegt beim Gesamtindex über dem Durchschnitt der Stadt."),
        (0, "Ihre Kita liegt beim Gesamtindex unter dem Durchschnitt der Stadt."),
        (2, "Ihre Kita liegt beim Gesamtindex im üblichen Bereich der Stadt."),
    ],
)
def test_the_page_says_in_one_sentence_where_the_kita_stands(client, five, index, expected):
    run, values = five
    text = _text(_leader_page(client, values[index]))
    assert expected in text
    others = {
        "über dem Durchschnitt der Stadt",
        "unter dem Durchschnitt der Stadt",
        "im üblichen Bereich der Stadt",
    } - {expected.split("Gesamtindex ")[1].rstrip(".")}
    for sentence in others:
        assert f"beim Gesamtindex {sentence}" not in text


def test_every_index_has_its_own_sentence_with_the_values(client, five):
    run, values = five
    text = _text(_leader_page(client, values[1]))  # fm 30: inside, below the mean 49
    assert "Ihre Kita liegt bei Flucht und Migration im üblichen Bereich der Stadt." in text
    assert "Ihr Wert (30,00) liegt etwas unter dem Durchschnitt (49,00)" in text
    for where in (
        "beim allgemeinen Bedarf",
        "bei der sozialen Lage",
        "bei Infrastruktur und Netzwerken",
    ):
        assert f"Ihre Kita liegt {where} " in text
    text = _text(_leader_page(client, values[4]))
    assert "Ihre Kita liegt bei Flucht und Migration über dem Durchschnitt der Stadt." in text
    assert "Der Bedarf ist hier höher als bei den meisten Kitas." in text


def test_the_sentence_follows_the_stored_class_not_a_fixed_text(client):
    # the same value 50 is "oberhalb" when the city is lower
    run, values = _published(
        [{"gesamt": g, "ab": g, "sl": g, "fm": g, "infra": g} for g in (10.0, 12.0, 14.0, 50.0)]
    )
    assert values[3].classes["GESAMT"] == "oberhalb"
    text = _text(_leader_page(client, values[3]))
    assert "Ihre Kita liegt beim Gesamtindex über dem Durchschnitt der Stadt." in text


# --- what follows for the own Kita: FS1 and FS3 in words -----------------------------------


@pytest.mark.parametrize(
    ("index", "fs1", "fs3"),
    [
        (
            0,
            "Nein. Ihr Gesamtindex (10,00) liegt unter der unteren Grenze",
            "Nein. Ihr Wert bei Flucht und Migration (10,00) liegt nicht über der unteren Grenze",
        ),
        (
            1,
            "Ja. Ihr Gesamtindex (30,00) liegt nicht unter der unteren Grenze",
            "Nur mit einer schriftlichen Begründung. Ihr Wert bei Flucht und Migration (30,00)",
        ),
        (
            4,
            "Ja. Ihr Gesamtindex (90,00)",
            "Ja. Ihr Wert bei Flucht und Migration (90,00) liegt über dem Durchschnitt der "
            "Stadt (49,00).",
        ),
    ],
)
def test_the_page_says_what_follows_for_fs1_and_fs3(client, five, index, fs1, fs3):
    run, values = five
    response = _leader_page(client, values[index])
    html = response.content.decode()
    fs1_text = _text_of(html, "consequence-fs1")
    fs3_text = _text_of(html, "consequence-fs3")
    assert fs1 in fs1_text and fs3 in fs3_text
    text = _text(response)
    assert "Kita-Sozialarbeit erhalten (Förderstrang 1)" in text
    assert "interkulturelle Fachkräfte erhalten (Förderstrang 3)" in text


def _text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</dd>', html, re.S)
    assert match, element_id
    return " ".join(match.group(1).split())


# --- the questions, in full ------------------------------------------------------------------


def test_the_full_question_texts_behind_each_variable_are_shown(client, five):
    run, values = five
    text = _text(_leader_page(client, values[2]))
    for code in ("C4", "D3", "D4", "D1", "E4", "B2"):
        assert ITEMS_BY_CODE[code].label in text, code
    # a sub-item with the lead-in of its question
    assert "Wie stark nehmen Sie die folgenden potenziellen Problemlagen" in text
    assert "Migration und/oder Flucht" in text
    assert "…" not in text
    assert "Wert Ihrer Kita: 12,50, das sind 40,00 von 100 Punkten." in text


def test_the_staff_explanation_shows_the_questions_in_full_too(client):
    survey_round = round_with_answers(kitas=6, sozialraeume=2)
    run = services.index_run_compute(round_id=survey_round.pk)
    value = run.kita_values.first()
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    text = _text(client.get(reverse("indices:kita_detail", args=[value.kita_id])))
    for code in ("C4", "D3", "D4"):  # the same first 70 characters
        assert ITEMS_BY_CODE[code].label in text, code
    assert "…" not in text


# --- the pictures: anonymous dots, the own Kita distinct, text alternatives ---------------


def test_each_index_has_a_chart_with_the_other_kitas_as_anonymous_dots(client, five):
    run, values = five
    own = values[2]
    response = _leader_page(client, own)
    svgs = _svgs(response)
    assert len(svgs) == 5
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert svg.count("<circle") == 4  # the four other Kitas
        assert svg.count('class="own"') == 1
        assert "<a " not in svg and "href" not in svg
    html = response.content.decode()
    for other in values:
        if other.pk == own.pk:
            continue
        assert other.kita.name not in html
        assert f"/{other.kita_id}/" not in html  # no link to it
        assert re.search(rf'(id|data-[a-z-]+)="[^"]*\b{other.kita_id}"', html) is None
    assert own.kita.name in html


def test_the_text_alternative_names_the_own_value_the_band_and_the_mean(client, five):
    run, values = five
    svg = _svgs(_leader_page(client, values[2]))[0]  # Gesamtindex first
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    assert "50,00" in desc and "18,38" in desc and "81,62" in desc and "5 Kitas" in desc


def test_fewer_than_three_kitas_show_no_distribution_only_the_own_values(client):
    run, values = _published(
        [
            {"ab": 20.0, "sl": 20.0, "fm": 10.0, "infra": 20.0, "gesamt": 10.0},
            {"ab": 40.0, "sl": 40.0, "fm": 30.0, "infra": 40.0, "gesamt": 30.0},
        ]
    )
    response = _leader_page(client, values[0])
    text = _text(response)
    for svg in _svgs(response):
        assert "<circle" not in svg and "norm-band" not in svg and 'class="mean"' not in svg
    assert "weniger als drei Kitas" in text
    assert "30,00" not in text  # the other Kita's value
    assert "20,00" not in text.split("Alle Zahlen auf einen Blick")[1].split("Ihre Kita")[0]
    assert "Durchschnitt der Stadt (" not in text  # no mean that gives the other value away


# --- published results only, and the open round -------------------------------------------


def test_during_an_open_round_the_page_says_the_figures_are_the_last_closed_rounds(client, five):
    run, values = five
    SurveyRoundFactory(jugendamt=run.round.jugendamt, state=SurveyRound.State.OFFEN)
    text = _text(_leader_page(client, values[0]))
    assert "Eine neue Erhebung läuft gerade" in text
    assert "Zahlen der letzten abgeschlossenen Erhebung" in text
    assert f"Die Zahlen stammen aus der {run.round}" in text


def test_without_an_open_round_there_is_no_such_note(client, five):
    run, values = five
    assert "Eine neue Erhebung läuft gerade" not in _text(_leader_page(client, values[0]))


# --- who sees what ------------------------------------------------------------------------


def test_the_traeger_sees_a_list_of_only_their_own_kitas_and_each_page(client, five):
    run, values = five
    traeger = values[0].kita.traeger
    other_traeger = TraegerFactory(jugendamt=run.round.jugendamt)
    foreign = values[4].kita
    type(foreign).objects.filter(pk=foreign.pk).update(traeger=other_traeger)
    user = make_user(roles.TRAEGER, jugendamt=run.round.jugendamt, traeger=traeger)
    client.force_login(user)
    listing = client.get(reverse("indices:my_kita"))
    assert listing.status_code == 200
    text = _text(listing)
    assert "Ergebnisse meiner Kitas" in text
    for value in values[:4]:
        assert value.kita.name in text
        assert reverse("indices:my_kita_detail", args=[value.kita_id]) in listing.content.decode()
    assert foreign.name not in text
    assert "über dem üblichen Bereich" not in text and "50,00" in text  # Kita Eiche
    detail = client.get(reverse("indices:my_kita_detail", args=[values[3].kita_id]))
    assert detail.status_code == 200 and "Ihre Kita liegt beim Gesamtindex" in _text(detail)
    assert client.get(reverse("indices:my_kita_detail", args=[foreign.pk])).status_code == 404


def test_a_kita_of_another_jugendamt_is_404(client, five):
    run, values = five
    other_run, other_values = _published(FIVE)
    client.force_login(make_user(roles.KITA_LEITUNG, kitas=[values[0].kita]))
    url = reverse("indices:my_kita_detail", args=[other_values[0].kita_id])
    assert client.get(url).status_code == 404
    client.force_login(
        make_user(roles.TRAEGER, jugendamt=run.round.jugendamt, traeger=values[0].kita.traeger)
    )
    assert client.get(url).status_code == 404


def test_the_committee_gets_403_on_the_list_and_404_on_a_kita(client, five):
    run, values = five
    client.force_login(make_user(roles.AUSSCHUSS, jugendamt=run.round.jugendamt))
    assert client.get(reverse("indices:my_kita")).status_code == 403
    url = reverse("indices:my_kita_detail", args=[values[0].kita_id])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("kitas", [5, 60])
def test_the_page_reads_a_constant_number_of_queries(client, kitas, django_assert_max_num_queries):
    rows = [
        {
            "ab": float(i % 97),
            "sl": float(i % 89),
            "fm": float(i % 83),
            "infra": float(i % 79),
            "gesamt": float(i % 71),
        }
        for i in range(kitas)
    ]
    run, values = _published(rows)
    client.force_login(make_user(roles.KITA_LEITUNG, kitas=[values[0].kita]))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("indices:my_kita_detail", args=[values[0].kita_id]))
    assert response.status_code == 200


def test_the_page_uses_no_inline_styles_or_scripts(client, five):
    run, values = five
    html = _leader_page(client, values[0]).content.decode()
    assert " style=" not in html and "<style" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
