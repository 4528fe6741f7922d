"""Events as people read them: German labels, "alt → neu", German numbers, Berlin time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from allocation.services import lines as line_services
from allocation.services import workflow
from audit import events
from audit.display import NBSP, event_row, format_value
from audit.events import Field, Kind
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def _texts(row) -> list[str]:
    """The changes as text, with the no-break space before units written as a space."""
    return [str(c).replace(NBSP, " ") for c in row.changes]


def _format(value, f) -> str:
    return format_value(value, f).replace(NBSP, " ")


def _full_line(world, plan):
    return line_services.line_add(
        plan=plan,
        kita=world.kitas["A"],
        strand="FS1",
        fte="1",
        annual_cost="70000",
        justification="Hoher Bedarf",
        acting_user=world.staff,
    )


def test_a_line_update_shows_old_and_new_values_in_german(world, plan):
    line = _full_line(world, plan)
    line_services.line_update(
        line_id=line.pk,
        expected_version=line.version,
        fte="0.50",
        annual_cost="35000",
        reason="Halbe Stelle reicht",
        acting_user=world.staff,
    )
    row = event_row(AuditEvent.objects.get(action="line.update"))
    assert row.label == "Zeile geändert" and row.known
    assert row.reason == "Halbe Stelle reicht"
    assert _texts(row) == [
        "Kita: Kita A",
        "VZÄ: 1,00 → 0,50",
        "Personalkosten pro Jahr: 70.000,00 € → 35.000,00 €",
        "Landesanteil: 42.000,00 € → 21.000,00 €",
    ]


def test_a_new_line_shows_its_values_and_leaves_out_empty_ones(world, plan):
    _full_line(world, plan)
    row = event_row(AuditEvent.objects.get(action="line.create"))
    texts = _texts(row)
    assert texts[:3] == [
        "Kita: Kita A",
        "Förderstrang: FS1 Individuelle Kita-Sozialarbeit",
        "VZÄ: 1,00",
    ]
    assert "Begründung der Zeile: Hoher Bedarf" in texts
    assert "zentrale Lage bestätigt: nein" in texts
    assert not any(t.startswith("Qualifikation") for t in texts)  # empty before and after
    assert not any("plan_id" in t or "kita_id" in t for t in texts)


def test_an_approval_shows_the_states_by_name_the_person_and_berlin_time(world, plan):
    world.leitung2.first_name, world.leitung2.last_name = "Jonas", "Leitung"
    world.leitung2.save()
    line_services.line_add(
        plan=plan,
        kita=world.kitas["A"],
        strand="FS1",
        fte="0.5",
        annual_cost="35000",
        acting_user=world.staff,
    )
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    workflow.plan_approve(plan=plan, acting_user=world.leitung2, reason="Im Ausschuss beraten")
    event = AuditEvent.objects.get(action="plan.approve")
    row = event_row(event)
    assert row.label == "Beschlossen"
    assert row.person == "Jonas Leitung"
    texts = _texts(row)
    assert texts[0] == "Status: Beschlussvorlage → Beschlossen"
    review_due = datetime.date.fromisoformat(event.new["review_due"])
    assert f"Überprüfung fällig am: {review_due:%d.%m.%Y}" in texts
    assert not any("Version" in t or "beschlossen von" in t for t in texts)
    berlin = event.at.astimezone(BERLIN)
    assert row.when == f"{berlin:%d.%m.%Y %H:%M}"
    assert row.when != f"{event.at.astimezone(datetime.UTC):%d.%m.%Y %H:%M}"
    assert row.at.utcoffset() == berlin.utcoffset()


def test_a_person_without_a_name_is_shown_by_login_and_no_person_as_system(world, plan):
    row = event_row(AuditEvent.objects.get(action="plan.create"))
    assert world.staff.get_full_name() == "" and row.person == "fachkraft"
    system = events.record(
        actor=None, action="index_run.requested", object_type="x", object_repr="Erhebung 2020"
    )
    assert event_row(system).person == "System"


def test_shares_are_shown_per_sozialraum(world):
    row = event_row(AuditEvent.objects.get(action="budget_year.shares"))
    assert row.label == "Anteile der Sozialräume festgelegt"
    assert _texts(row) == [
        "Nord – Anteil: 60,00 %",
        "Nord – Landesanteil: 72.000,00 €",
        "Süd – Anteil: 40,00 %",
        "Süd – Landesanteil: 48.000,00 €",
    ]


def test_an_unknown_old_event_shows_its_code_and_readable_values():
    event = AuditEvent.objects.create(
        action="round_deleted",
        object_type="surveys.surveyround",
        object_id="7",
        object_repr="Erhebung 2019",
        old={"state": "offen", "meta": {"kitas": 12, "ok": True}},
        new={"tags": ["a", "b"]},
        reason="aufgeräumt",
    )
    row = event_row(event)
    assert not row.known and row.label == "round_deleted"
    assert _texts(row) == ["state: offen", "meta: kitas: 12; ok: ja", "tags: a, b"]
    assert not any("{" in t or "[" in t for t in _texts(row))


def test_a_field_an_old_row_has_but_the_action_no_longer_declares_is_shown_by_key():
    event = AuditEvent.objects.create(
        action="plan.submit",
        object_type="allocation.allocationplan",
        object_id="1",
        object_repr="Nord 2026",
        old={"state": "consultation", "note": {"a": 1}},
        new={"state": "proposal"},
    )
    assert _texts(event_row(event)) == ["Status: In Abstimmung → Beschlussvorlage", "note: a: 1"]


def test_round_partners_and_proposal_lines_are_listed_readably():
    partners = events.ROUND_PARTNERS_CHANGED.field("partners")
    value = [["grundschule", "Grundschule"], ["p2", "Familienzentrum"]]
    assert _format(value, partners) == "Grundschule, Familienzentrum"
    lines = events.PLAN_PROPOSE.field("lines")
    value = [{"kita": "Kita A", "fte": "0.8", "annual_cost": "56000.00"}]
    assert _format(value, lines) == "Kita: Kita A, VZÄ: 0,80, Kosten: 56.000,00 €"
    costs = events.BUDGET_YEAR_UPDATE.field("fte_costs")
    assert _format({"FS1": "70000.00", "FS3": "65000"}, costs) == (
        "FS1: 70.000,00 €; FS3: 65.000,00 €"
    )


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        (Kind.EUR, "1234.56", "1.234,56 €"),
        (Kind.EUR, "1234.565", "1.234,57 €"),
        (Kind.FTE, "0.8", "0,80"),
        (Kind.PERCENT, "17.37", "17,37 %"),
        (Kind.INDEX, 52.34, "52,3"),
        (Kind.NUMBER, 12345, "12.345"),
        (Kind.DATE, "2026-12-01", "01.12.2026"),
        (Kind.DATETIME, "2026-07-01T10:05:00+00:00", "01.07.2026 12:05"),
        (Kind.DATETIME, "2026-01-05 10:05:00.123456+00:00", "05.01.2026 11:05"),
        (Kind.BOOL, True, "ja"),
        (Kind.BOOL, False, "nein"),
        (Kind.TEXT, "", "–"),
        (Kind.EUR, None, "–"),
        (Kind.EUR, "kein Betrag", "kein Betrag"),
        (Kind.LIST, ["Kita A", "Kita B"], "Kita A, Kita B"),
    ],
)
def test_values_are_formatted_by_kind_in_german(kind, value, text):
    assert _format(value, Field("x", "X", kind)) == text


def test_states_are_shown_by_their_german_names():
    status = events.PLAN_APPROVE.field("state")
    assert [_format(v, status) for v, _label in events.PLAN_STATES] == [
        "Entwurf",
        "In Abstimmung",
        "Beschlussvorlage",
        "Beschlossen",
    ]
    assert _format("archived", status) == "archived"  # a value the names do not know


def test_a_number_and_its_unit_stay_on_one_line():
    assert format_value("1234.5", Field("x", "X", Kind.EUR)) == f"1.234,50{NBSP}€"
    assert format_value("17.37", Field("x", "X", Kind.PERCENT)) == f"17,37{NBSP}%"


def test_numbers_follow_the_active_language():
    with translation.override("en"):
        assert _format("1234.5", Field("x", "X", Kind.EUR)) == "1,234.50 €"
