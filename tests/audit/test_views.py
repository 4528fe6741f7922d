"""The history pages as people see them (Django test client): German labels and values,
no Python dicts, no raw codes, and only what the person may see."""

import re

import pytest
from django.urls import reverse

from allocation.services import lines as line_services
from allocation.services import workflow
from audit import events as audit_events
from audit.models import AuditEvent
from sozialraeume import roles
from surveys import services as survey_services
from tests.factories import make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db


def _html(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def _events_table(html) -> str:
    match = re.search(
        r'<table class="table table-sm align-top" data-testid="events">.*?</table>', html, re.S
    )
    assert match, "the events table"
    return match.group(0)


def _text(html) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _assert_readable(html, codes):
    table = _events_table(html)
    assert "{'" not in table and "{&#x27;" not in table and "[&#x27;" not in table
    for code in codes:
        assert audit_events.get_action(code) is not None
        assert code not in html, f"raw code {code} on the page"


def _line(world, plan, *, fte="1", reason="", kita="A"):
    return line_services.line_add(
        plan=plan,
        kita=world.kitas[kita],
        strand="FS1",
        fte=fte,
        annual_cost="70000",
        reason=reason,
        acting_user=world.staff,
    )


def test_plan_history_shows_labels_german_values_and_reasons(client, world, plan):
    line = _line(world, plan)
    line_services.line_update(
        line_id=line.pk,
        expected_version=line.version,
        fte="0.50",
        annual_cost="35000",
        reason="Halbe Stelle reicht",
        acting_user=world.staff,
    )
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    html = _html(client, world.staff, reverse("allocation:plan_history", args=[plan.pk]))
    text = _text(_events_table(html))
    for label in ("Verteilungsplan angelegt", "Zeile angelegt", "Zeile geändert"):
        assert label in text
    assert "VZÄ: 1,00 → 0,50" in text
    assert "Personalkosten pro Jahr: 70.000,00 € → 35.000,00 €" in text
    assert "Status: Entwurf → In Abstimmung" in text
    assert "Halbe Stelle reicht" in text
    _assert_readable(html, set(AuditEvent.objects.values_list("action", flat=True)))


def test_the_events_table_is_accessible_and_lets_the_reason_wrap(client, world, plan):
    long_reason = "Begründung " + "sehr-lange-zusammengesetzte-Erläuterung" * 8
    _line(world, plan, reason=long_reason)
    html = _html(client, world.staff, reverse("allocation:plan_history", args=[plan.pk]))
    table = _events_table(html)
    assert re.search(r'<caption id="events-caption"[^>]*>Protokoll</caption>', table)
    assert table.count('<th scope="col">') == 6 and '<th scope="row"' in table
    assert "nowrap" not in table
    cells = re.findall(r'<td class="([^"]*)" data-testid="reason">([^<]*)', table)
    assert [reason for _classes, reason in cells] == ["", long_reason]
    assert all("text-break" in classes.split() for classes, _reason in cells)


def test_plan_history_is_for_those_who_read_the_audit(client, world, plan):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    url = reverse("allocation:plan_history", args=[plan.pk])
    _html(client, world.leitung, url)
    _html(client, world.traeger_user, url, status=404)  # sees the plan, not its history
    stranger = make_user(roles.JUGENDAMT, password=None)
    _html(client, stranger, url, status=404)


def test_traeger_sees_no_event_of_a_draft_plan_in_the_kita_history(client, world, plan):
    _line(world, plan, reason="Entwurfsüberlegung für Kita A")
    url = reverse("allocation:kita_history", args=[world.kitas["A"].pk])
    staff = _text(_html(client, world.staff, url))
    assert "Entwurfsüberlegung für Kita A" in staff and "Zeile angelegt" in staff

    traeger = _html(client, world.traeger_user, url)
    assert "Entwurfsüberlegung" not in traeger
    assert "Noch keine Einträge." in traeger
    assert "Gesamtes Protokoll" not in traeger

    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    traeger = _html(client, world.traeger_user, url)
    assert "Entwurfsüberlegung für Kita A" in _text(traeger)
    _assert_readable(traeger, ["line.create"])


def test_kita_leader_sees_no_event_of_a_draft_plan(client, world, plan):
    _line(world, plan, reason="Entwurfsüberlegung für Kita A")
    leader = make_user(roles.KITA_LEITUNG, kitas=[world.kitas["A"]], password=None)
    html = _html(client, leader, reverse("allocation:kita_history", args=[world.kitas["A"].pk]))
    assert "Entwurfsüberlegung" not in html and "Noch keine Einträge." in html
    # once the plan goes into consultation, the Kita's leader follows its lines (issue 12)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    html = _html(client, leader, reverse("allocation:kita_history", args=[world.kitas["A"].pk]))
    assert "Entwurfsüberlegung" in html


def test_round_history_page_and_its_link_on_the_round_page(client, world):
    # an open round of the world's Jugendamt (the world's own round is closed)
    survey_round = SurveyRoundFactory(jugendamt=world.jugendamt, code="2027")
    response = ResponseFactory(round=survey_round, kita=world.kitas["B"])
    survey_services.response_review(
        response=response,
        review_state="rueckfrage",
        comment="Bitte Angaben zu B3 prüfen",
        acting_user=world.staff,
    )
    survey_services.round_close(survey_round=survey_round, acting_user=world.staff)
    url = reverse("surveys:round_history", kwargs={"code": survey_round.code})
    detail = _html(client, world.staff, reverse("surveys:round_detail", args=[survey_round.code]))
    assert f'href="{url}"' in detail

    html = _html(client, world.staff, url)
    text = _text(_events_table(html))
    assert "Fragebogen geprüft" in text and "Prüfstatus: – → Rückfrage" in text
    assert "Erhebungsrunde geschlossen" in text and "Status: offen → geschlossen" in text
    assert "eingereichte Fragebögen: 1" in text
    _assert_readable(html, ["response_reviewed", "round_closed"])
    _html(client, world.traeger_user, url, status=404)


def _record_many(world, n):
    for i in range(n):
        audit_events.record(
            actor=world.staff,
            action="export.allocation_lines",
            obj=world.budget_year,
            jugendamt_id=world.jugendamt.pk,
            new={"year": 2026, "format": "xlsx"},
            reason=f"Abruf {i}",
        )


def test_audit_list_is_paginated_newest_first_and_filtered_by_action(client, world, plan):
    _record_many(world, 100)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    url = reverse("audit:event_list")
    total = AuditEvent.objects.filter(jugendamt=world.jugendamt).count()
    assert total > 100

    first = _html(client, world.staff, url)
    assert first.count('<tr data-testid="event">') == 100
    assert f"{total} Einträge" in first
    rows = _text(_events_table(first))
    assert rows.index("In Abstimmung gegeben") < rows.index("Export: Verteilung je Kita")
    assert "Seite 1 von 2" in first and 'href="?seite=2"' in first
    second = _html(client, world.staff, f"{url}?seite=2")
    assert second.count('<tr data-testid="event">') == total - 100

    filtered = _html(client, world.staff, f"{url}?aktion=plan.consultation")
    assert filtered.count('<tr data-testid="event">') == 1
    assert '<option value="plan.consultation" selected>In Abstimmung gegeben</option>' in filtered
    _assert_readable(filtered, [])
    unknown = _html(client, world.staff, f"{url}?aktion=gibt-es-nicht")
    assert unknown.count('<tr data-testid="event">') == 100  # unknown filter: all


def test_audit_list_is_for_jugendamt_staff_of_their_own_jugendamt(client, world, plan):
    url = reverse("audit:event_list")
    _html(client, world.traeger_user, url, status=403)
    stranger = make_user(roles.JUGENDAMT, password=None)
    html = _html(client, stranger, url)
    assert "Noch keine Einträge." in html and str(plan) not in html
