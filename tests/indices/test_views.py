"""The evaluation pages per role: who sees what, German numbers, constant queries."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from indices import services
from indices.models import IndexRun
from sozialraeume import roles
from surveys.models import SurveyRound
from tests.factories import make_user
from tests.indices.factories import round_with_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(settings):
    from srb_project.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def computed():
    survey_round = round_with_answers(kitas=12, sozialraeume=4)
    run = services.index_run_compute(round_id=survey_round.pk)
    return survey_round, run


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("indices:overview"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [roles.KITA_LEITUNG, roles.TRAEGER, roles.AUSSCHUSS])
def test_roles_outside_the_jugendamt_get_403_on_the_evaluation(client, computed, role):
    survey_round, run = computed
    kita = run.kita_values.first().kita
    client.force_login(make_user(role, jugendamt=survey_round.jugendamt, kitas=[kita]))
    assert client.get(reverse("indices:overview")).status_code == 403
    assert client.get(reverse("indices:kita_detail", args=[kita.pk])).status_code == 403
    assert client.get(reverse("indices:run_status", args=[survey_round.pk])).status_code == 403
    assert client.post(reverse("indices:run_start", args=[survey_round.pk])).status_code == 403


@pytest.mark.parametrize("role", [roles.JUGENDAMT, roles.JUGENDAMT_LEITUNG, roles.ADMINISTRATION])
def test_jugendamt_roles_see_sozialraum_shares_and_kita_indices(client, computed, role):
    survey_round, run = computed
    client.force_login(make_user(role, jugendamt=survey_round.jugendamt))
    response = client.get(reverse("indices:overview"))
    assert response.status_code == 200
    text = _text(response)
    for value in run.sozialraum_values.select_related("sozialraum"):
        assert value.sozialraum.name in text
        percent = f"{value.percent:.2f}".replace(".", ",")
        assert f"{percent} %" in text
    for value in run.kita_values.select_related("kita"):
        assert value.kita.name in text
    assert "1.002.240,00 €" in text  # default budget, German formatting


def test_euro_amounts_follow_the_budget_given_and_add_up(client, computed):
    survey_round, run = computed
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    response = client.get(reverse("indices:overview"), {"budget": "500.000,00"})
    rows = response.context["sozialraum_rows"]
    assert sum(r.amount for r in rows) == Decimal("500000.00")
    assert "500.000,00 €" in _text(response)
    bad = client.get(reverse("indices:overview"), {"budget": "viel"})
    assert "kein gültiger Euro-Betrag" in _text(bad)
    assert sum(r.amount for r in bad.context["sozialraum_rows"]) == Decimal("1002240.00")


def test_euro_amounts_follow_the_budget_year_of_the_round_or_the_one_chosen(client, computed):
    from allocation.models import BudgetYear

    survey_round, run = computed
    jugendamt = survey_round.jugendamt
    for year, amount, linked in ((2024, "400000.00", True), (2025, "600000.00", True)):
        BudgetYear.objects.create(
            jugendamt=jugendamt,
            year=year,
            state_budget=Decimal(amount),
            round=survey_round if linked else None,
        )
    BudgetYear.objects.create(jugendamt=jugendamt, year=2031, state_budget=Decimal("900000.00"))
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=jugendamt))
    response = client.get(reverse("indices:overview"))
    years = re.findall(r'<option value="(\d{4})"', response.content.decode())
    assert years == ["2031", "2025", "2024"]  # newest first
    assert response.context["budget_year"].year == 2025  # the round's newest
    assert sum(r.amount for r in response.context["sozialraum_rows"]) == Decimal("600000.00")
    assert "(Haushaltsjahr 2025)" in _text(response)
    chosen = client.get(reverse("indices:overview"), {"year": "2031"})
    assert sum(r.amount for r in chosen.context["sozialraum_rows"]) == Decimal("900000.00")
    assert "900.000,00 €" in _text(chosen)


def test_a_second_jugendamt_never_sees_the_first_ones_data(client, computed):
    survey_round, run = computed
    other_round = round_with_answers(kitas=4, sozialraeume=2, seed=5)
    services.index_run_compute(round_id=other_round.pk)
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=other_round.jugendamt))
    text = _text(client.get(reverse("indices:overview")))
    for value in run.kita_values.select_related("kita", "kita__sozialraum"):
        assert value.kita.name not in text
        assert value.kita.sozialraum.name not in text
    kita = run.kita_values.first().kita
    url = reverse("indices:overview")
    assert client.get(url, {"round": survey_round.pk}).status_code == 404
    assert client.get(reverse("indices:kita_detail", args=[kita.pk])).status_code == 404
    assert client.get(reverse("indices:run_status", args=[survey_round.pk])).status_code == 404
    assert client.post(reverse("indices:run_start", args=[survey_round.pk])).status_code == 404


def test_the_kita_detail_explains_every_number(client, computed):
    survey_round, run = computed
    value = run.kita_values.select_related("kita").order_by("kita__name").first()
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    response = client.get(reverse("indices:kita_detail", args=[value.kita_id]))
    assert response.status_code == 200
    text = _text(response)
    low, high = run.minmax["SL1"]
    for number in (low, high, value.points["SL1"], value.variables["SL1"], value.gesamt):
        assert f"{number:.2f}".replace(".", ",") in text
    assert "Standardpunkt" in text and "Mittelwert" in text


def test_the_kita_leader_sees_only_their_own_kita_compared_with_the_city(client, computed):
    survey_round, run = computed
    # Kita leaders see the published result: that of a closed round
    SurveyRound.objects.filter(pk=survey_round.pk).update(state=SurveyRound.State.GESCHLOSSEN)
    own, foreign = list(run.kita_values.select_related("kita").order_by("kita__name")[:2])
    leader = make_user(roles.KITA_LEITUNG, kitas=[own.kita])
    client.force_login(leader)
    response = client.get(reverse("indices:my_kita"), follow=True)
    assert response.status_code == 200
    text = _text(response)
    assert own.kita.name in text and foreign.kita.name not in text
    mean = run.norms["kita"]["GESAMT"]["mean"]
    assert f"{mean:.2f}".replace(".", ",") in text
    assert f"{own.gesamt:.2f}".replace(".", ",") in text
    detail = reverse("indices:my_kita_detail", args=[foreign.kita_id])
    assert client.get(detail).status_code == 404


def test_the_committee_sees_no_kita_results(client, computed):
    survey_round, run = computed
    member = make_user(roles.AUSSCHUSS, jugendamt=survey_round.jugendamt)
    client.force_login(member)
    kita_id = run.kita_values.first().kita_id
    assert client.get(reverse("indices:my_kita")).status_code == 403
    assert client.get(reverse("indices:my_kita_detail", args=[kita_id])).status_code == 404


def test_staff_start_a_recomputation_by_hand_and_follow_its_state(client, computed, eager):
    survey_round, run = computed
    staff = make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt)
    client.force_login(staff)
    url = reverse("indices:run_start", args=[survey_round.pk])
    assert client.get(url).status_code == 405
    with_callbacks = client.post(url)
    assert with_callbacks.status_code == 302
    assert AuditEvent.objects.filter(action="index_run.requested", actor=staff).exists()
    status = client.get(reverse("indices:run_status", args=[survey_round.pk])).json()
    assert status["state"] in {"queued", "finished"}
    assert status["started_at"] is not None


def test_the_manual_start_creates_a_new_run(
    client, computed, eager, django_capture_on_commit_callbacks
):
    survey_round, run = computed
    staff = make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indices:run_start", args=[survey_round.pk]))
    newest = IndexRun.objects.filter(round=survey_round).order_by("-started_at").first()
    assert newest.pk != run.pk and newest.status == IndexRun.Status.FINISHED
    assert newest.triggered_by == staff
    status = client.get(reverse("indices:run_status", args=[survey_round.pk])).json()
    assert status["state"] == "finished" and status["current_run_id"] == newest.pk


def test_administration_without_round_rights_may_not_start(client, computed):
    survey_round, run = computed
    client.force_login(make_user(roles.ADMINISTRATION, jugendamt=survey_round.jugendamt))
    assert client.post(reverse("indices:run_start", args=[survey_round.pk])).status_code == 403
    assert "Jetzt neu berechnen" not in _text(client.get(reverse("indices:overview")))


def test_the_pages_use_no_inline_scripts(client, computed):
    survey_round, run = computed
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    html = client.get(reverse("indices:overview")).content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert " style=" not in html and "indices/run_status.js" in html


def test_long_kita_tables_are_paginated_and_sorted_on_the_server(client):
    survey_round = round_with_answers(kitas=130, sozialraeume=5)
    services.index_run_compute(round_id=survey_round.pk)
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    first = client.get(reverse("indices:overview"), {"sort": "-gesamt"})
    second = client.get(reverse("indices:overview"), {"sort": "-gesamt", "page": 2})
    rows_1, rows_2 = first.context["kita_rows"], second.context["kita_rows"]
    assert len(rows_1) == 100 and len(rows_2) == 30
    values = [r.gesamt for r in rows_1 + rows_2 if r.gesamt is not None]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize("kitas", [32, 500])
def test_the_overview_runs_a_constant_number_of_queries(
    client, kitas, django_assert_max_num_queries
):
    survey_round = round_with_answers(kitas=kitas, sozialraeume=8)
    services.index_run_compute(round_id=survey_round.pk)
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("indices:overview"))
    assert response.status_code == 200
    kita_id = survey_round.responses.first().kita_id
    with django_assert_max_num_queries(16):
        assert client.get(reverse("indices:kita_detail", args=[kita_id])).status_code == 200
