"""The actual-cost pages (issue 16, part P2): what each person sees and may press."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from positions.models import ActualCost, CostState
from tests.positions.factories import make_position, position_world
from tests.positions.factories_costs import make_cost, xlsx_bytes

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def w():
    world, plan, position = position_world()
    world.position = position
    world.foreign = make_position(
        budget_year=world.budget_year,
        kita=world.kitas["B"],
        employer=world.other_traeger,
        number="2026-1-002",
    )
    return world


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_traeger_sees_only_its_own_positions(client, w):
    make_cost(w.foreign, month=1, reported_by=w.staff)
    html = page(client, w.traeger_user, reverse("positions:cost_list", args=[w.budget_year.pk]))
    assert "2026-1-001" in html and "2026-1-002" not in html
    staff_html = page(client, w.staff, reverse("positions:cost_list", args=[w.budget_year.pk]))
    assert "2026-1-002" in staff_html


def test_the_traeger_reports_a_month_in_german_notation(client, w):
    client.force_login(w.traeger_user)
    response = client.post(
        reverse("positions:cost_report", args=[w.position.pk]),
        {"period_start": "2026-03-01", "period_end": "2026-03-31", "amount": "2.916,67"},
    )
    assert response.status_code == 302
    cost = ActualCost.objects.get()
    assert (cost.amount, cost.state) == (Decimal("2916.67"), CostState.REPORTED)
    html = client.get(response.url).content.decode()
    assert "Die Ist-Kosten sind gemeldet." in html and "2.916,67" in html


def test_a_refused_period_is_shown_in_german_on_the_form(client, w):
    client.force_login(w.traeger_user)
    response = client.post(
        reverse("positions:cost_report", args=[w.position.pk]),
        {"period_start": "2026-03-01", "period_end": "2026-04-30", "amount": "100"},
    )
    assert response.status_code == 200
    assert "Bitte einen Monat oder ein Quartal melden" in response.content.decode()
    assert not ActualCost.objects.exists()


def test_the_form_of_another_traegers_position_is_not_found(client, w):
    client.force_login(w.traeger_user)
    assert client.get(reverse("positions:cost_report", args=[w.foreign.pk])).status_code == 404


def test_the_proposer_of_a_correction_sees_why_they_cannot_confirm_it(client, w):
    cost = make_cost(
        w.position,
        month=1,
        state=CostState.CONFIRMED,
        reported_by=w.traeger_user,
        confirmed_by=w.leitung,
    )
    client.force_login(w.staff)
    client.post(
        reverse("positions:cost_correct", args=[cost.pk]),
        {"amount": "2.650,50", "reason": "Nachzahlung"},
    )
    correction = ActualCost.objects.get(supersedes=cost)
    url = reverse("positions:cost_list", args=[w.budget_year.pk])
    html = page(client, w.staff, url)
    assert "bestätigen muss sie eine zweite Person" in html
    assert reverse("positions:cost_confirm", args=[correction.pk]) not in html
    # the Leitung gets the button and confirming replaces the row
    html = page(client, w.leitung, url)
    confirm = reverse("positions:cost_confirm", args=[correction.pk])
    assert confirm in html
    response = client.post(confirm)
    assert response.status_code == 302
    cost.refresh_from_db()
    assert cost.state == CostState.SUPERSEDED
    assert "2.650,50" in client.get(url).content.decode()


def test_the_import_page_saves_nothing_when_a_row_is_bad_and_says_so(client, w):
    client.force_login(w.traeger_user)
    url = reverse("positions:cost_import", args=[w.budget_year.pk])
    bad = xlsx_bytes([("2026-1-001", "01.2026", "", "100"), ("2026-1-002", "01.2026", "", "1")])
    response = client.post(url, {"file": SimpleUploadedFile("kosten.xlsx", bad)})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Nichts gespeichert" in html and "Stelle 2026-1-002 ist unbekannt oder nicht Ihre" in html
    )
    assert not ActualCost.objects.exists()
    good = xlsx_bytes([("2026-1-001", "01.2026", "", "100")])
    response = client.post(url, {"file": SimpleUploadedFile("kosten.xlsx", good)})
    assert response.status_code == 302 and ActualCost.objects.count() == 1


def test_the_template_download_is_an_xlsx(client, w):
    client.force_login(w.traeger_user)
    response = client.get(reverse("positions:cost_template", args=[w.budget_year.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ist-kosten-2026.xlsx"'
    assert response.content[:2] == b"PK"
