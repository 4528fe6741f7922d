"""Meetings: the invitation carries a calendar entry that survives the outbox, updates
and cancellations raise the calendar version; attendance hours; minutes only change with
a visible correction note."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from audit.models import AuditEvent
from teams.models import MeetingState
from teams.services import meetings as meeting_services
from tests.teams.factories import make_team_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_backend(settings):
    """The production path: mail becomes outbox rows; delivery hands them to locmem."""
    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    settings.POST_OFFICE = {
        **getattr(settings, "POST_OFFICE", {}),
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    cache.clear()
    yield
    cache.clear()


def _meeting(world, days=14, **kwargs):
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    start += datetime.timedelta(days=days)
    return meeting_services.meeting_create(
        team=world.team,
        title=kwargs.pop("title", "Teamsitzung März"),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        location="Quartiersbüro",
        agenda="1. Bedarfe\n2. Verschiedenes",
        acting_user=world.staff,
        **kwargs,
    )


def _calendar(message):
    (part,) = [a for a in message.attachments if "calendar" in str(a.get_content_type())]
    assert part.get_filename() == "einladung.ics"
    return part, Calendar.from_ical(part.get_payload(decode=True))


def _deliver():
    from outbox.tasks import deliver_outbox

    deliver_outbox()


def test_invitation_survives_the_outbox_with_a_calendar_entry_icalendar_reads_back(
    outbox_backend,
):
    world = make_team_world()
    meeting = _meeting(world)
    sent = meeting_services.meeting_invite(meeting=meeting, acting_user=world.staff)
    assert sent == 5  # three members with accounts, the external member, the contact person
    assert mail.outbox == []  # still rows of the outbox
    _deliver()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [
            world.leader_a.email,
            world.leader_b.email,
            world.traeger_rep.email,
            "omar@example.invalid",
            world.staff.email,
        ]
    )
    message = mail.outbox[0]
    assert message.subject.startswith("Einladung: Teamsitzung März am ")
    assert "Ihr Jugendamt" in message.body and "/sozialraum-teams/sitzungen/" in message.body
    part, cal = _calendar(message)
    assert part.get_param("method") == "REQUEST"
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "Teamsitzung März"
    assert str(event["LOCATION"]) == "Quartiersbüro"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert "1. Bedarfe" in str(event["DESCRIPTION"])
    attendees = sorted(str(a).removeprefix("mailto:") for a in event["ATTENDEE"])
    assert "omar@example.invalid" in attendees and len(attendees) == 5
    assert str(event["ORGANIZER"]).startswith("mailto:")


def test_an_invited_meeting_that_changes_sends_an_update_with_a_higher_sequence(
    outbox_backend,
):
    world = make_team_world()
    meeting = _meeting(world)
    meeting_services.meeting_invite(meeting=meeting, acting_user=world.staff)
    later = meeting.starts_at + datetime.timedelta(hours=1)
    meeting_services.meeting_update(
        meeting=meeting,
        title=meeting.title,
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=2),
        location="Kita Ahornweg, Turnraum",
        agenda=meeting.agenda,
        acting_user=world.staff,
    )
    _deliver()
    updates = [m for m in mail.outbox if m.subject.startswith("Geändert:")]
    assert len(updates) == 5
    _part, cal = _calendar(updates[0])
    (event,) = cal.walk("VEVENT")
    assert event["SEQUENCE"] == 1 and str(event["UID"]) == meeting.uid
    assert event.decoded("DTSTART") == later


def test_a_change_before_the_invitation_sends_nothing():
    world = make_team_world()
    meeting = _meeting(world)
    meeting_services.meeting_update(
        meeting=meeting,
        title="Neuer Titel",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        acting_user=world.staff,
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and mail.outbox == []


def test_a_cancelled_meeting_sends_a_calendar_cancellation(outbox_backend):
    world = make_team_world()
    meeting = _meeting(world)
    meeting_services.meeting_invite(meeting=meeting, acting_user=world.staff)
    meeting_services.meeting_cancel(meeting=meeting, acting_user=world.staff)
    _deliver()
    cancels = [m for m in mail.outbox if m.subject.startswith("Abgesagt:")]
    assert len(cancels) == 5
    part, cal = _calendar(cancels[0])
    assert part.get_param("method") == "CANCEL" and cal["METHOD"] == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED


def test_the_yearly_plan_proposes_six_dates_and_adds_nothing_twice():
    world = make_team_world()
    first = meeting_services.meeting_plan_year(team=world.team, year=2030, acting_user=world.staff)
    assert len(first) == 6
    starts = [timezone.localtime(m.starts_at) for m in first]
    assert [s.month for s in starts] == [1, 3, 5, 7, 9, 11]
    assert {s.weekday() for s in starts} == {1} and {s.hour for s in starts} == {14}
    assert (
        meeting_services.meeting_plan_year(team=world.team, year=2030, acting_user=world.staff)
        == []
    )


def test_a_kita_leader_cannot_create_meetings():
    world = make_team_world()
    with pytest.raises(PermissionDenied):
        meeting_services.meeting_create(
            team=world.team,
            title="x",
            starts_at=timezone.now(),
            ends_at=timezone.now() + datetime.timedelta(hours=1),
            acting_user=world.leader_a,
        )


def _held(world):
    meeting = _meeting(world, days=-7)
    entries = [
        meeting_services.AttendanceEntry(member=m, present=True, hours=None)
        for m in meeting_services.attendance_members(meeting)
    ]
    meeting_services.meeting_attendance_save(
        meeting=meeting, entries=entries, acting_user=world.staff
    )
    return meeting


def test_attendance_gives_kita_leaders_the_meeting_length_and_holds_the_meeting():
    world = make_team_world()
    meeting = _held(world)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    hours = {a.member.display_name: a.hours for a in meeting.attendance.select_related("member")}
    assert hours["Alma A"] == Decimal("2.00") and hours["Berta B"] == Decimal("2.00")
    assert hours["Omar Extern"] == Decimal("0.00")


def test_a_kita_leader_sees_only_the_own_release_hours_staff_see_all(client):
    world = make_team_world()
    meeting = _held(world)
    url = reverse("teams:meeting_detail", args=[meeting.pk])
    client.force_login(world.leader_a)
    html = client.get(url).content.decode()
    assert html.count('data-testid="hours">2,00') == 1  # the own row only
    assert "Kita Birkenhof" not in html  # and no other Kita by name
    client.force_login(world.staff)
    html = client.get(url).content.decode()
    assert html.count('data-testid="hours">2,00') == 2
    assert "Kita Birkenhof" in html


def test_minutes_change_only_with_a_visible_correction_note(client):
    world = make_team_world()
    meeting = _held(world)
    meeting_services.meeting_minutes_write(
        meeting=meeting, minutes="Erster Text", decisions="", acting_user=world.staff
    )
    with pytest.raises(ValidationError, match="Korrekturvermerk"):
        meeting_services.meeting_minutes_write(
            meeting=meeting, minutes="Überschrieben", acting_user=world.staff
        )
    with pytest.raises(ValidationError, match="Korrekturvermerk"):
        meeting_services.meeting_minutes_correct(
            meeting=meeting, minutes="Zweiter Text", note=" ", acting_user=world.staff
        )
    meeting_services.meeting_minutes_correct(
        meeting=meeting,
        minutes="Zweiter Text",
        note="Datum des Elternabends berichtigt",
        acting_user=world.staff,
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "Zweiter Text"
    assert meeting.corrections.get().previous_minutes == "Erster Text"
    assert AuditEvent.objects.filter(action="meeting.minutes_correct").count() == 1
    client.force_login(world.leader_a)
    html = client.get(reverse("teams:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Korrigiert am" in html and "Datum des Elternabends berichtigt" in html


def test_only_the_contact_person_or_the_named_minute_taker_writes_minutes():
    world = make_team_world()
    meeting = _held(world)
    with pytest.raises(PermissionDenied):
        meeting_services.meeting_minutes_write(
            meeting=meeting, minutes="x", acting_user=world.leitung
        )
    meeting_services.meeting_update(
        meeting=meeting,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        minute_taker=world.leader_b,
        acting_user=world.staff,
    )
    meeting_services.meeting_minutes_write(
        meeting=meeting, minutes="Von Berta", acting_user=world.leader_b
    )
    meeting.refresh_from_db()
    assert meeting.minutes_written_by == world.leader_b


def test_a_document_must_be_a_pdf_and_is_served_only_to_who_sees_the_team(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = make_team_world()
    meeting = _held(world)
    with pytest.raises(ValidationError, match="kein PDF"):
        meeting_services.meeting_document_add(
            meeting=meeting,
            uploaded=SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf"),
            acting_user=world.staff,
        )
    doc = meeting_services.meeting_document_add(
        meeting=meeting,
        uploaded=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 demo", content_type="application/pdf"),
        acting_user=world.staff,
    )
    url = reverse("teams:document_download", args=[doc.pk])
    client.force_login(world.leader_a)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    from tests.factories import make_user

    stranger = make_user("Kita-Leitung", jugendamt=world.team.sozialraum.jugendamt)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
