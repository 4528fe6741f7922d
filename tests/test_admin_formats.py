"""The admin writes its figures as the product's pages do (issue 14, "Administration").

Percent with two decimals, euros grouped with "€", indices with one decimal, FTE with two;
record names with numbers in German; no section of django-axes for a tenant role; wide
tables scroll inside their region. Rendered HTML of each admin that shows numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from allocation.models import AllocationPlan, BudgetYear, Reallocation, SozialraumShare
from indices.models import IndexRun, KitaIndex, SozialraumIndex
from sozialraeume.models import Sozialraum
from surveys.models import Response
from tests import shared_demo

pytestmark = pytest.mark.django_db

# The demo is seeded once for the module, each test runs in a savepoint of its own
# (tests/shared_demo.py).
demo_seeded = shared_demo.demo_seeded
demo = shared_demo.demo

# Django's raw renderings of a DecimalField/FloatField: "108714,90", "83,39921519797971".
UNGROUPED_AMOUNT = re.compile(r"(?<![\d.,])\d{4,},\d{2}(?!\d)")
LONG_DECIMALS = re.compile(r"\d,\d{5,}")


def _text(response) -> str:
    """The page's visible text (tags dropped, non-breaking spaces as spaces)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " ").replace("&nbsp;", " ")
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def admin_client(client, role_users):
    client.force_login(role_users["admin"])
    return client


@pytest.fixture
def staff_client(client, role_users):
    client.force_login(role_users["jugendamt"])
    return client


def test_budget_year_page_shows_shares_in_german_formats(staff_client, demo):
    budget_year = BudgetYear.objects.get(jugendamt=demo, year=2021)
    share = SozialraumShare.objects.get(budget_year=budget_year, sozialraum__name="Pariser Viertel")
    url = reverse("admin:allocation_budgetyear_change", args=[budget_year.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    text = _text(response)
    assert f"Pariser Viertel {budget_year}: 22,24 %" in text  # the row's name
    assert "22,24 %" in text
    assert "83,4 " in text  # Gesamtindex, one decimal
    assert "108.714,90 €" in text  # Landesanteil grouped with the sign
    assert not LONG_DECIMALS.search(text), LONG_DECIMALS.search(text)
    assert not UNGROUPED_AMOUNT.search(text), UNGROUPED_AMOUNT.search(text)
    assert "22.24 %" not in text
    assert share.state_amount == Decimal("108714.90")


def test_budget_year_list_shows_euros_grouped(staff_client, demo):
    response = staff_client.get(reverse("admin:allocation_budgetyear_changelist"))
    text = _text(response)
    assert "488.897,00 €" in text
    assert "FS1 70.000,00 €" in text
    assert not UNGROUPED_AMOUNT.search(text)


def test_decided_plan_shows_its_lines_with_euros_and_no_change_inputs(staff_client, demo):
    plan = AllocationPlan.objects.filter(sozialraum__name="Pariser Viertel").order_by("pk")[0]
    line = plan.lines.order_by("pk").first()
    response = staff_client.get(reverse("admin:allocation_allocationplan_change", args=[plan.pk]))
    assert response.status_code == 200
    text = _text(response)
    assert not plan.is_editable
    from srb_project.numbers import german

    assert f"{german(line.annual_cost)} €" in text
    assert f"{german(line.state_part)} €" in text
    assert not UNGROUPED_AMOUNT.search(text), UNGROUPED_AMOUNT.search(text)
    # the inputs of a change are not shown as English labels with "None"
    assert "Expected version" not in text
    assert "Reason" not in text
    assert " None " not in text


def test_reallocation_list_and_name_in_german(staff_client, demo, role_users):
    budget_year = BudgetYear.objects.get(jugendamt=demo, year=2027)
    north = Sozialraum.objects.get(jugendamt=demo, name="Nord")
    east = Sozialraum.objects.get(jugendamt=demo, name="Ost")
    reallocation = Reallocation.objects.create(
        budget_year=budget_year,
        from_sozialraum=north,
        to_sozialraum=east,
        amount=Decimal("12345.60"),
        reason="Test",
        created_by=role_users["jugendamt"],
    )
    assert str(reallocation).replace("\u00a0", " ") == "Nord → Ost: 12.345,60 €"
    text = _text(staff_client.get(reverse("admin:allocation_reallocation_changelist")))
    assert "12.345,60 €" in text
    assert "12345,60" not in text


def test_index_run_page_shows_indices_with_one_decimal(admin_client, demo):
    run = IndexRun.objects.filter(status="finished").order_by("pk").first()
    value = SozialraumIndex.objects.filter(run=run).order_by("-gesamt").first()
    response = admin_client.get(reverse("admin:indices_indexrun_change", args=[run.pk]))
    assert response.status_code == 200
    text = _text(response)
    from srb_project.numbers import german

    assert value.sozialraum.name in text
    assert f"{german(value.gesamt, 1)} " in text
    assert f"{german(value.percent)} %" in text
    assert not LONG_DECIMALS.search(text), LONG_DECIMALS.search(text)


def test_index_record_names_use_german_figures(demo):
    value = SozialraumIndex.objects.exclude(gesamt=None).order_by("pk").first()
    kita_value = KitaIndex.objects.exclude(gesamt=None).order_by("pk").first()
    from srb_project.numbers import german

    assert str(value) == f"{value.sozialraum_id} · {german(value.gesamt, 1)}"
    assert str(kita_value) == f"{kita_value.kita_id} · {german(kita_value.gesamt, 1)}"
    assert "." not in str(value).split(" · ")[1]


def test_questionnaire_detail_shows_answers_as_questions_with_german_numbers(admin_client, demo):
    response_row = Response.objects.filter(answers__has_key="A4").order_by("pk").first()
    response = admin_client.get(reverse("admin:surveys_response_change", args=[response_row.pk]))
    assert response.status_code == 200
    text = _text(response)
    a4 = str(response_row.answers["A4"]).replace(".", ",")
    assert "Pädagogisches Personal in Vollzeitäquivalenten" in text
    assert f" {a4} " in text
    assert "&quot;A1&quot;" not in response.content.decode()  # no raw JSON


TENANT_ROLES = ["kita-leitung", "traeger", "jugendamt", "jugendamt-leitung", "ausschuss"]


@pytest.mark.parametrize("username", TENANT_ROLES)
def test_admin_index_of_a_tenant_role_has_no_axes_section(client, role_users, username):
    user = role_users[username]
    assert not user.is_superuser
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    if response.status_code == 200:  # staff roles; the others are sent to the login
        html = response.content.decode()
        assert 'href="/admin/axes/' not in html
        assert "axes" not in _text(response).lower()
    else:
        assert response.status_code == 302
    assert client.get("/admin/axes/").status_code in (302, 403, 404)


def test_superuser_still_sees_axes(client, role_users):
    client.force_login(role_users["admin"])
    assert role_users["admin"].is_superuser
    assert 'href="/admin/axes/' in client.get(reverse("admin:index")).content.decode()


def test_admin_pages_load_the_stylesheet_that_lets_wide_tables_scroll(staff_client, demo):
    html = staff_client.get(reverse("admin:allocation_allocationplan_changelist")).content
    assert b"css/admin.css" in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "admin.css").read_text()
    assert re.search(r"\.inline-group \.tabular[^{]*\{[^}]*overflow-x: auto", css)
    assert re.search(r"\.srb-figure \{[^}]*white-space: nowrap", css)
    assert b'class="srb-figure"' in html
