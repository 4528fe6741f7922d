"""Official statistics beside the self-reports (issue 18): the all-or-nothing import with
German row messages, and the correlation with the round's Sozialraum indices."""

import math
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from indices.models import IndexRun, SozialraumIndex
from quality import checks
from quality.models import OfficialIndicator, OfficialValue
from quality.official_import import import_file
from sozialraeume import roles
from surveys.exchange import ImportProblem
from tests.factories import JugendamtFactory, KitaFactory, SozialraumFactory, make_user
from tests.indices.factories import IndexRunFactory
from tests.surveys.factories import SurveyRoundFactory

HEADER = "Sozialraum;Indikator;Wert;Einheit;Quelle;Jahr\n"
GOOD = (
    HEADER + "Nord;SGB-II-Quote unter 7;12,5;%;Statistik der BA;2025\n"
    "Süd;SGB-II-Quote unter 7;1.234,25;%;Statistik der BA;2025\n"
    "Ost;HzE unter 6;3;Fälle;Jugendamt;2024\n"
)


def test_pearson_on_a_hand_computed_example():
    # x̄ = 2.5, ȳ = 5: Σ dx·dy = 11, Σ dx² = 5, Σ dy² = 26, r = 11 / sqrt(130)
    r, n = checks.pearson([1, 2, 3, 4], [2, 4, 5, 9])
    assert n == 4 and r == pytest.approx(11 / math.sqrt(130))
    # pairs with a missing value take no part; below three pairs or without spread: no r
    assert checks.pearson([1, 2, 3, 4, None], [2, 4, 5, 9, 100]) == (pytest.approx(r), 4)
    assert checks.pearson([1, 2], [3, 4]) == (None, 2)
    assert checks.pearson([1, 1, 1], [3, 4, 5]) == (None, 3)


@pytest.fixture
def world(db):
    jugendamt = JugendamtFactory()
    sozialraeume = {
        name: SozialraumFactory(jugendamt=jugendamt, name=name)
        for name in ("Nord", "Süd", "Ost", "West")
    }
    return {
        "jugendamt": jugendamt,
        "sr": sozialraeume,
        "staff": make_user(roles.JUGENDAMT, jugendamt=jugendamt),
        "admin": make_user(roles.ADMINISTRATION, jugendamt=jugendamt),
        "foreign": make_user(roles.JUGENDAMT),
    }


def _import(world, text, user=None):
    return import_file(
        jugendamt=world["jugendamt"],
        content=text.encode(),
        filename="amtlich.csv",
        acting_user=user or world["staff"],
    )


def test_import_stores_values_in_german_notation_with_source_year_and_unit(world):
    assert _import(world, GOOD) == {"rows": 3, "indicators": 2, "replaced": 0}
    sgb = OfficialIndicator.objects.get(code="sgb-ii-quote-unter-7")
    assert (sgb.name, sgb.unit, sgb.source, sgb.year) == (
        "SGB-II-Quote unter 7",
        "%",
        "Statistik der BA",
        2025,
    )
    assert sorted(sgb.values.values_list("sozialraum__name", "value")) == [
        ("Nord", Decimal("12.5")),
        ("Süd", Decimal("1234.25")),
    ]
    event = AuditEvent.objects.get(action="official_values.import")
    assert event.new["rows"] == 3 and event.jugendamt_id == world["jugendamt"].pk


def test_a_bad_row_writes_nothing_and_every_row_has_a_german_message(world):
    _import(world, GOOD)
    bad = (
        HEADER + "Nord;SGB-II-Quote unter 7;13;%;Statistik der BA;2025\n"
        "Atlantis;SGB-II-Quote unter 7;12,5;%;Statistik der BA;2025\n"
        "Süd;SGB-II-Quote unter 7;zwölf;%;Statistik der BA;2025\n"
        "Ost;SGB-II-Quote unter 7;4;%;Statistik der BA;25\n"
        "Nord;SGB-II-Quote unter 7;14;%;Statistik der BA;2025\n"
        "West;SGB-II-Quote unter 7;2;Promille;Statistik der BA;2025\n"
    )
    with pytest.raises(ImportProblem) as excinfo:
        _import(world, bad)
    assert excinfo.value.messages == [
        "Zeile 3: Sozialraum „Atlantis“ gibt es in diesem Jugendamt nicht.",
        "Zeile 4: „Wert“: „zwölf“ ist keine Zahl. Bitte so eingeben: 12,5",
        "Zeile 5: „Jahr“: „25“ ist kein Jahr (bitte so: 2025).",
        "Zeile 6: Dieser Wert steht schon in Zeile 2.",
        "Zeile 7: Einheit oder Quelle weichen von Zeile 2 ab (ein Indikator hat je Jahr "
        "eine Einheit und eine Quelle).",
    ]
    # nothing written: the earlier import stands as it was
    assert OfficialValue.objects.get(sozialraum__name="Nord").value == Decimal("12.5")
    assert AuditEvent.objects.filter(action="official_values.import").count() == 1


def test_missing_columns_and_a_catchment_kita(world):
    with pytest.raises(ImportProblem) as excinfo:
        _import(world, "Sozialraum;Indikator;Wert\nNord;X;1\n")
    assert excinfo.value.messages == [
        "Die Pflichtspalte „Einheit“ fehlt.",
        "Die Pflichtspalte „Quelle“ fehlt.",
        "Die Pflichtspalte „Jahr“ fehlt.",
    ]
    kita = KitaFactory(sozialraum=world["sr"]["Nord"], name="Kita Regenbogen")
    text = (
        "Sozialraum;Kita;Indikator;Wert;Einheit;Quelle;Jahr\n"
        "Nord;Kita Regenbogen;Sprache;40,5;%;Schuleingangsuntersuchung;2025\n"
        "Nord;;Sprache;30;%;Schuleingangsuntersuchung;2025\n"
        "Nord;Kita Sonne;Sprache;30;%;Schuleingangsuntersuchung;2025\n"
    )
    with pytest.raises(ImportProblem) as excinfo:
        _import(world, text)
    assert excinfo.value.messages == [
        "Zeile 4: Kita „Kita Sonne“ gibt es im Sozialraum „Nord“ nicht."
    ]
    _import(world, text.rsplit("Nord;Kita Sonne", 1)[0])
    assert OfficialValue.objects.get(kita=kita).value == Decimal("40.5")


def test_a_second_import_replaces_the_indicator_years_values(world):
    _import(world, GOOD)
    result = _import(world, HEADER + "West;SGB-II-Quote unter 7;9;%;BA;2025\n")
    assert result == {"rows": 1, "indicators": 1, "replaced": 2}
    sgb = OfficialIndicator.objects.get(code="sgb-ii-quote-unter-7", year=2025)
    assert sgb.source == "BA"
    assert list(sgb.values.values_list("sozialraum__name", flat=True)) == ["West"]
    assert OfficialIndicator.objects.filter(code="hze-unter-6").exists()  # untouched


def test_only_planners_import_and_only_staff_read(client, world):
    client.force_login(world["admin"])
    assert client.get(reverse("quality:official")).status_code == 200
    upload = SimpleUploadedFile("a.csv", GOOD.encode(), "text/csv")
    assert client.post(reverse("quality:official_import"), {"file": upload}).status_code == 403
    leader = make_user(roles.KITA_LEITUNG, kitas=[KitaFactory(sozialraum=world["sr"]["Nord"])])
    client.force_login(leader)
    assert client.get(reverse("quality:official")).status_code == 403
    client.force_login(world["staff"])
    bad = SimpleUploadedFile("a.csv", (HEADER + "Atlantis;X;1;%;Q;2025\n").encode(), "text/csv")
    page = client.post(reverse("quality:official_import"), {"file": bad})
    assert page.status_code == 200
    assert "Zeile 2: Sozialraum „Atlantis“ gibt es in diesem Jugendamt nicht." in (
        page.content.decode()
    )
    good = SimpleUploadedFile("a.csv", GOOD.encode(), "text/csv")
    assert client.post(reverse("quality:official_import"), {"file": good}).status_code == 302
    assert OfficialValue.objects.count() == 3


def test_the_round_page_shows_each_indicator_beside_the_indices_with_r_and_n(client, world):
    survey_round = SurveyRoundFactory(jugendamt=world["jugendamt"], state="geschlossen")
    run = IndexRunFactory(
        round=survey_round, status=IndexRun.Status.FINISHED, finished_at=timezone.now()
    )
    gesamt = {"Nord": 2.0, "Süd": 4.0, "Ost": 5.0, "West": 9.0}
    for name, value in gesamt.items():
        SozialraumIndex.objects.create(
            run=run, sozialraum=world["sr"][name], gesamt=value, ab=value, sl=1.0
        )
    rows = "".join(
        f"{name};SGB-II-Quote;{x};%;BA;2025\n"
        for name, x in (("Nord", 1), ("Süd", 2), ("Ost", 3), ("West", 4))
    )
    _import(world, HEADER + rows)
    client.force_login(world["staff"])
    page = client.get(reverse("quality:official_round", args=[survey_round.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    # r = 11 / sqrt(130) = 0.9648 for the Gesamtindex (and AB); SL has no spread: no r
    assert html.count("0,96") >= 2 and "(n = 4)" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert html.count("<circle") == 4
    assert 'data-testid="official-points"' in html and "9,0" in html
    client.force_login(world["foreign"])
    assert client.get(reverse("quality:official_round", args=[survey_round.pk])).status_code == 404
