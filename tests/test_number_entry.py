"""Numbers typed as people type them (issue 12, finding 4).

In an English Chromium the browser's ``type=number`` inputs read "0,80" as 80 (one Kita got
80,00 VZÄ), refused "10.000" in the reallocation and emptied the form, and edit forms showed
"1.05" and "73500.00". Now every number is a text input read on the server by one German
rule (``srb_project.numbers``), checked for plausibility, and shown in German.

The messages speak the active language (issue 14): every test of a message states the
German and the English text; the numbers inside follow the language ("5,00" / "5.00"), the
examples of how to type stay German, the notation the inputs show.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from allocation.models import AllocationPlan, BudgetYear, Reallocation
from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from allocation.services import workflow
from srb_project.numbers import EuroField, FteField, NumberEntryError, parse_number
from tests.test_permission_matrix import ALL_CASES, ROLE_KEYS, clients, world  # noqa: F401

# --- the rule ---------------------------------------------------------------------------

ACCEPTED = [
    ("0,8", "0.8"),
    ("0,80", "0.80"),
    ("1,05", "1.05"),
    ("1.234,50", "1234.50"),
    ("10.000", "10000"),
    ("10.000,00", "10000.00"),
    ("1.000.000", "1000000"),
    ("73.500 €", "73500"),
    ("1 234,50", "1234.50"),
    # the decimal point where no German reading exists
    ("0.80", "0.80"),
    ("73500.00", "73500.00"),
    ("1,234.50", "1234.50"),
    ("12", "12"),
]

# (typed, fragment of the German message, fragment of the English message)
REFUSED = [
    (
        "0.8.0",
        "„0.8.0“ ist keine Zahl. Bitte so eingeben: 1.234,50",
        "“0.8.0” is not a number. Please enter it like this: 1.234,50",
    ),
    (
        "10,000",
        "„10,000“ ist nicht eindeutig (10 oder 10.000?). Bitte so eingeben: 10.000,00 oder 10,00",
        "“10,000” is ambiguous (10 or 10,000?). Please enter it like this: 10,000.00 or 10.00",
    ),
    ("1,234", "ist nicht eindeutig", "is ambiguous"),
    ("0,805", "zu viele Nachkommastellen (höchstens 2)", "too many decimal places (at most 2)"),
    ("0.333", "zu viele Nachkommastellen", "too many decimal places"),
    ("1e5", "ist keine Zahl", "is not a number"),
    ("NaN", "ist keine Zahl", "is not a number"),
    ("achtzig", "ist keine Zahl", "is not a number"),
    ("", "ist keine Zahl", "is not a number"),
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(("typed", "value"), ACCEPTED)
def test_german_notation_and_the_unambiguous_point_are_read_the_same_in_both_languages(
    language, typed, value
):
    with translation.override(language):
        assert parse_number(typed, units=("€",)) == Decimal(value)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(("typed", "german", "english"), REFUSED)
def test_ambiguous_or_no_number_is_refused_with_a_message_in_the_active_language(
    language, typed, german, english
):
    with translation.override(language), pytest.raises(NumberEntryError) as exc:
        parse_number(typed)
    assert (german if language == "de" else english) in str(exc.value)


@pytest.mark.parametrize(
    ("language", "label", "message"),
    [
        ("de", "VZÄ", "VZÄ: „0.8.0“ ist keine Zahl. Bitte so eingeben: 0,80"),
        ("en", "FTE", "FTE: “0.8.0” is not a number. Please enter it like this: 0,80"),
    ],
)
def test_the_field_message_names_the_field_and_shows_how_to_write_it(language, label, message):
    with translation.override(language):
        field = FteField(label=label)
        with pytest.raises(ValidationError) as exc:
            field.clean("0.8.0")
        assert exc.value.messages == [message]


FTE_BOUNDS_MESSAGES = {
    "de": (
        "Stellenanteil (VZÄ)",
        [
            ("80,00", "Stellenanteil (VZÄ): 80,00 VZÄ ist zu hoch, höchstens 5,00 VZÄ."),
            ("0,01", "Stellenanteil (VZÄ): 0,01 VZÄ ist zu niedrig, mindestens 0,05 VZÄ."),
            (
                "0,83",
                "Stellenanteil (VZÄ): bitte in Schritten von 0,05 eingeben (z. B. 0,80 oder 0,85).",
            ),
        ],
    ),
    "en": (
        "Position share (FTE)",
        [
            ("80,00", "Position share (FTE): 80.00 FTE is too high, at most 5.00 FTE."),
            ("0,01", "Position share (FTE): 0.01 FTE is too low, at least 0.05 FTE."),
            (
                "0,83",
                "Position share (FTE): please enter in steps of 0.05 (e.g. 0.80 or 0.85).",
            ),
        ],
    ),
}


@pytest.mark.parametrize("language", ["de", "en"])
def test_fte_bounds_and_step_are_checked_with_messages_in_the_active_language(language):
    label, cases = FTE_BOUNDS_MESSAGES[language]
    with translation.override(language):
        field = FteField(label=label, min_value="0.05", max_value="5", step="0.05")
        assert field.clean("0,80") == Decimal("0.80")
        for typed, message in cases:
            with pytest.raises(ValidationError) as exc:
                field.clean(typed)
            assert exc.value.messages == [message]


@pytest.mark.parametrize(
    ("language", "too_high"), [("de", "unrealistisch hoch"), ("en", "unrealistically high")]
)
def test_euro_field_holds_what_the_column_holds_and_shows_german(language, too_high):
    translation.activate(language)
    field = EuroField(label="Betrag", max_digits=12)
    assert field.clean("9.999.999.999,99") == Decimal("9999999999.99")
    with pytest.raises(ValidationError, match=too_high):
        field.clean("10.000.000.000")
    assert field.prepare_value(Decimal("73500")) == "73.500,00"
    assert FteField().prepare_value(Decimal("1.05")) == "1,05"
    assert field.prepare_value("10,000") == "10,000"  # typed text stays as typed
    assert 'inputmode="decimal"' in field.widget.render("x", "1")
    assert 'type="text"' in field.widget.render("x", "1")


# --- no type=number anywhere --------------------------------------------------------------


def _admin_add_urls() -> list[str]:
    urls = []
    for model in admin.site._registry:
        try:
            urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
        except NoReverseMatch:
            continue
    return urls


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_no_page_has_a_browser_number_input(role, world, clients):  # noqa: F811
    """Every page of the permission matrix each role may open (the admin included), and
    for the admin the add pages: a browser number input reads numbers in the browser's
    language, so none may be left."""
    client = clients[role]
    seen, found = 0, []
    urls = [c.url(world) for c in ALL_CASES if c.expected[role] == 200]
    if role == "admin":
        urls += _admin_add_urls()
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        if re.search(r"type=[\"']?number", response.content.decode()):
            found.append(url)
    assert seen, "no page opened"
    assert not found, f"type=number on: {found}"


# --- the pages with the demo data ---------------------------------------------------------


@pytest.fixture
def consultation_plan(demo, role_users):
    """A plan of 2027 in consultation for the Sozialraum of the demo Kita leader's Kita,
    with one FS4 line (1,00 VZÄ) for that Kita, which belongs to the demo Träger."""
    staff = role_users["jugendamt"]
    kita = role_users["kita-leitung"].kitas.get()
    assert kita.traeger_id == role_users["traeger"].traeger_id
    by = BudgetYear.objects.get(jugendamt=demo, year=2027)
    plan = plan_services.plan_create(budget_year=by, sozialraum=kita.sozialraum, acting_user=staff)
    # the demo's accepted FS4 request of the Kita (foerderung.demo, issue 15)
    fs4_request = kita.fs4_requests.get(state="accepted")
    line = line_services.line_add(
        plan=plan,
        kita=kita,
        fs4_request=fs4_request,
        strand="FS4",
        fte="1.00",
        justification="Betriebserlaubnis: zusätzliche Aufsicht",
        acting_user=staff,
    )
    workflow.plan_start_consultation(plan=plan, acting_user=staff)
    plan.refresh_from_db()
    return plan, line


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row(html: str, line) -> str:
    """The line's table row; amounts keep their unit with a no-break space (issue 14)."""
    row = re.search(rf'<tr data-testid="line" data-line="{line.pk}">.*?</tr>', html, re.S)
    return row.group(0).replace("\u00a0", " ")


def test_typed_0_80_is_stored_as_0_80_and_every_role_sees_0_80(consultation_plan, role_users):
    plan, line = consultation_plan
    staff = _login(role_users["jugendamt"])
    url = reverse("allocation:line_edit", args=[line.pk])
    form = staff.get(url).content.decode()
    assert 'name="fte" value="1,00"' in form  # German in the edit form, not "1.00"
    response = staff.post(
        url,
        {
            "strand": "FS4",
            "fte": "0,80",
            "fs4_request": line.fs4_request_id,
            "justification": line.justification,
            "qualification": "",
            "reason": "",
            "version": line.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    line.refresh_from_db()
    assert (line.fte, line.annual_cost) == (Decimal("0.80"), Decimal("48000.00"))
    for username in ("jugendamt", "jugendamt-leitung", "traeger"):
        user = role_users[username]
        html = _login(user).get(reverse("allocation:plan_detail", args=[plan.pk]))
        row = _row(html.content.decode(), line)
        assert "0,80" in row and "80,00" not in row and "48.000,00 €" in row, username
    # the Kita's page of its Träger lists the line; the Kita leader's never shows 80,00
    history = reverse("allocation:kita_history", args=[line.kita_id])
    text = _login(role_users["traeger"]).get(history).content.decode()
    assert "0,80 VZÄ" in text and "80,00 VZÄ" not in text
    response = _login(role_users["kita-leitung"]).get(history)
    assert response.status_code == 200 and "80,00 VZÄ" not in response.content.decode()


def test_absurd_fte_is_refused_naming_the_field_and_keeps_what_was_typed(
    consultation_plan, role_users
):
    plan, line = consultation_plan
    staff = _login(role_users["jugendamt"])
    url = reverse("allocation:line_edit", args=[line.pk])
    for typed, message in (
        ("80", "Stellenanteil (VZÄ): 80,00 VZÄ ist zu hoch, höchstens 5,00 VZÄ."),
        ("0.8.0", "Stellenanteil (VZÄ): „0.8.0“ ist keine Zahl. Bitte so eingeben: 0,80"),
        ("0,83", "Stellenanteil (VZÄ): bitte in Schritten von 0,05 eingeben"),
    ):
        response = staff.post(
            url,
            {
                "strand": "FS4",
                "fte": typed,
                "justification": line.justification,
                "qualification": "",
                "reason": "",
                "version": line.version,
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        value = re.search(r'<input[^>]*name="fte"[^>]*>', html).group(0)
        assert f'value="{typed}"' in value
        assert 'inputmode="decimal"' in value and 'type="text"' in value
    line.refresh_from_db()
    assert line.fte == Decimal("1.00")


def _reallocation_post(demo, amount, source=None):
    sozialraeume = list(demo.sozialraeume.order_by("position", "name"))
    source = source or sozialraeume[0]
    target = next(sr for sr in sozialraeume if sr.pk != source.pk)
    return {
        "from_sozialraum": source.pk,
        "to_sozialraum": target.pk,
        "amount": amount,
        "reason": "Restmittel nach Stellenbesetzung",
        "public_reason": "Nicht verplante Mittel gehen in einen Sozialraum mit höherem Bedarf.",
    }


@pytest.mark.parametrize("language", ["de", "en"])
def test_reallocation_of_10_000_is_ten_thousand_in_both_languages(demo, role_users, language):
    by = BudgetYear.objects.get(jugendamt=demo, year=2026)
    client = _login(role_users["jugendamt"])
    url = reverse("allocation:reallocation_create", args=[by.pk])
    # the plans of 2026 use all of their money: free some in a Sozialraum whose decided
    # lines have no positions yet (positions.demo leaves one plan for the journeys; lines
    # with positions cannot be deleted)
    plan = (
        AllocationPlan.objects.filter(budget_year=by)
        .exclude(lines__positions__isnull=False)
        .order_by("sozialraum__position", "sozialraum__name")
        .first()
    )
    first = plan.sozialraum
    workflow.plan_rework(
        plan=plan, acting_user=role_users["jugendamt-leitung"], reason="Stelle unbesetzt"
    )
    for line in plan.lines.all():
        line_services.line_delete(
            line_id=line.pk,
            expected_version=line.version,
            reason="Stelle unbesetzt",
            acting_user=role_users["jugendamt"],
        )
    before = set(Reallocation.objects.values_list("pk", flat=True))
    response = client.post(
        url, _reallocation_post(demo, "10.000", source=first), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    new = Reallocation.objects.exclude(pk__in=before).get()
    assert new.amount == Decimal("10000.00")


@pytest.mark.parametrize("language", ["de", "en"])
def test_ambiguous_reallocation_amount_is_refused_and_the_form_keeps_it(demo, role_users, language):
    by = BudgetYear.objects.get(jugendamt=demo, year=2026)
    client = _login(role_users["jugendamt"])
    count = Reallocation.objects.count()
    response = client.post(
        reverse("allocation:reallocation_create", args=[by.pk]),
        _reallocation_post(demo, "10,000"),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    html = response.content.decode()
    expected = {
        "de": "Landesmittel (€): „10,000“ ist nicht eindeutig (10 oder 10.000?)",
        "en": "State funds (€): “10,000” is ambiguous (10 or 10,000?)",
    }[language]
    assert expected in html
    amount = re.search(r'<input[^>]*name="amount"[^>]*>', html).group(0)
    assert 'value="10,000"' in amount and 'inputmode="decimal"' in amount
    assert "Restmittel nach Stellenbesetzung" in html  # the rest of the form is kept too
    assert Reallocation.objects.count() == count
