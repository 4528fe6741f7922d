"""The iCalendar file of a meeting invitation (RFC 5545 / iTIP RFC 5546), built with the
``icalendar`` library.

One event per meeting with a stable ``UID`` (``Meeting.uid``); every update or
cancellation raises ``SEQUENCE`` (``Meeting.sequence``), so calendar programs replace the
entry they have instead of adding a second one. ``METHOD:REQUEST`` invites (and updates),
``METHOD:CANCEL`` with ``STATUS:CANCELLED`` removes it. Times are written in UTC (the
``Z`` form), which every calendar program reads without a VTIMEZONE block.
"""

from __future__ import annotations

import datetime
from email.utils import parseaddr

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Sozialraumbudget//Sozialraum-Teams//DE"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def _address(name: str, email: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def meeting_calendar(
    meeting, *, method: str, organizer: str, attendees: list[tuple[str, str]], description: str
) -> bytes:
    """The .ics bytes for ``meeting``: ``organizer`` a From header ("Jugendamt X <a@b>"),
    ``attendees`` (name, e-mail) pairs, ``description`` the agenda (and a link)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", _utc(timezone.now()))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("summary", meeting.title)
    if meeting.location:
        event.add("location", meeting.location)
    if description:
        event.add("description", description)
    name, email = parseaddr(organizer)
    event.add("organizer", _address(name, email))
    for attendee_name, attendee_email in attendees:
        event.add(
            "attendee",
            _address(
                attendee_name,
                attendee_email,
                ROLE="REQ-PARTICIPANT",
                PARTSTAT="NEEDS-ACTION",
                RSVP="FALSE",
            ),
        )
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
