"""Writes on team meetings: the yearly plan, create and edit, invite (iCalendar), cancel,
attendance (release hours), minutes and their corrections, tasks, documents.

The calendar rule: a meeting keeps its ``uid``; once invited, every change of what a
calendar shows (title, times, place, agenda) raises ``sequence`` and sends an update,
and a cancellation raises it and sends ``METHOD:CANCEL`` (``teams.invitations``).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events as audit_events
from sozialraeume.models import User
from srb_project import uploads
from teams import invitations
from teams.models import (
    Attendance,
    Meeting,
    MeetingDocument,
    MeetingState,
    MeetingTask,
    MemberKind,
    MinutesCorrection,
    Team,
    TeamMember,
)
from teams.permissions import meeting_policy, meeting_task_policy, team_policy

MEETINGS_PER_YEAR = 6
# The yearly plan: every other month, on the second Tuesday, 14:00–16:00 local time.
PLAN_MONTHS = (1, 3, 5, 7, 9, 11)
PLAN_WEEKDAY = 1  # Tuesday
PLAN_START = datetime.time(14, 0)
PLAN_HOURS = 2
MAX_HOURS = Decimal("24.00")
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "location", "agenda")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def meeting_snapshot(meeting: Meeting, fields=None) -> dict:
    data = {
        "team_id": meeting.team_id,
        "title": meeting.title,
        "starts_at": _iso(meeting.starts_at),
        "ends_at": _iso(meeting.ends_at),
        "location": meeting.location,
        "agenda": meeting.agenda,
        "state": meeting.state,
        "sequence": meeting.sequence,
        "minute_taker_id": meeting.minute_taker_id,
    }
    return {k: v for k, v in data.items() if fields is None or k in fields}


def _require(user, action: str, meeting: Meeting) -> None:
    if not meeting_policy.user_can(user, action, meeting):
        raise PermissionDenied


def _lock(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("team__sozialraum__jugendamt", "team__contact_person", "minute_taker")
        .get(pk=meeting.pk)
    )


def _check_times(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError(_("Bitte Beginn und Ende der Sitzung angeben."))
    if ends_at <= starts_at:
        raise ValidationError(_("Das Ende der Sitzung muss nach dem Beginn liegen."))
    if ends_at - starts_at > datetime.timedelta(hours=12):
        raise ValidationError(_("Eine Sitzung dauert höchstens 12 Stunden."))


def _check_minute_taker(team: Team, user: User | None) -> None:
    """A minute-taker is someone who sees the team: its contact person, an active member
    with an account, or Jugendamt staff of its Jugendamt."""
    if user is None:
        return
    if not team_policy.user_can(user, "view", team):
        raise ValidationError(_("Das Protokoll kann nur führen, wer zum Team gehört."))


def _new_uid() -> str:
    return f"{uuid.uuid4()}@sozialraumbudget"


@transaction.atomic
def meeting_create(
    *,
    team: Team,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str = "",
    agenda: str = "",
    minute_taker: User | None = None,
    acting_user: User,
) -> Meeting:
    """A planned meeting (not yet invited)."""
    if not team_policy.user_can(acting_user, "manage", team):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Bitte einen Titel angeben."))
    _check_times(starts_at, ends_at)
    _check_minute_taker(team, minute_taker)
    meeting = Meeting.objects.create(
        team=team,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=(location or "").strip(),
        agenda=(agenda or "").strip(),
        minute_taker=minute_taker,
        uid=_new_uid(),
    )
    audit_events.record(
        actor=acting_user,
        action="meeting.create",
        obj=meeting,
        jugendamt_id=team.jugendamt_id,
        new=meeting_snapshot(meeting),
    )
    return meeting


def plan_dates(year: int) -> list[datetime.datetime]:
    """The six proposed starts of a year: the second Tuesday of every other month, 14:00."""
    tz = timezone.get_default_timezone()
    starts = []
    for month in PLAN_MONTHS:
        first = datetime.date(year, month, 1)
        offset = (PLAN_WEEKDAY - first.weekday()) % 7
        day = first + datetime.timedelta(days=offset + 7)
        starts.append(datetime.datetime.combine(day, PLAN_START, tzinfo=tz))
    return starts


@transaction.atomic
def meeting_plan_year(*, team: Team, year: int, acting_user: User) -> list[Meeting]:
    """Propose the year's six meetings as planned dates staff can then edit. A month in
    which the team already has a meeting (not cancelled) gets no second one, so running
    the plan again adds nothing twice."""
    if not team_policy.user_can(acting_user, "manage", team):
        raise PermissionDenied
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Bitte ein Jahr zwischen 2000 und 2100 angeben."))
    existing = (
        Meeting.objects.filter(team=team)
        .exclude(state=MeetingState.CANCELLED)
        .values_list("starts_at", flat=True)
    )
    taken = {(local.year, local.month) for local in map(timezone.localtime, existing)}
    created = []
    for number, starts_at in enumerate(plan_dates(year), start=1):
        if (starts_at.year, starts_at.month) in taken:
            continue
        created.append(
            meeting_create(
                team=team,
                title=_("Teamsitzung %(number)s/%(year)s") % {"number": number, "year": year},
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=PLAN_HOURS),
                location="",
                agenda="",
                acting_user=acting_user,
            )
        )
    return created


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str = "",
    agenda: str = "",
    minute_taker: User | None = None,
    acting_user: User,
) -> Meeting:
    """Change a meeting that is not cancelled. Once invited, a change of what calendars
    show raises the calendar version and sends every member an update."""
    meeting = _lock(meeting)
    _require(acting_user, "manage", meeting)
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("Eine abgesagte Sitzung kann nicht mehr geändert werden."))
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Bitte einen Titel angeben."))
    _check_times(starts_at, ends_at)
    _check_minute_taker(meeting.team, minute_taker)
    old = meeting_snapshot(meeting)
    meeting.title = title
    meeting.starts_at = starts_at
    meeting.ends_at = ends_at
    meeting.location = (location or "").strip()
    meeting.agenda = (agenda or "").strip()
    meeting.minute_taker = minute_taker
    new = meeting_snapshot(meeting)
    changed = [k for k in new if new[k] != old[k]]
    if not changed:
        return meeting
    calendar_changed = any(k in CALENDAR_FIELDS for k in changed)
    sent = 0
    if meeting.invited_at and calendar_changed and meeting.state == MeetingState.PLANNED:
        meeting.sequence += 1
        changed.append("sequence")
    meeting.save()
    if "sequence" in changed:
        sent = invitations.send_meeting_mail(
            meeting=meeting, kind="update", acting_user=acting_user
        )
    new = meeting_snapshot(meeting)
    audit_events.record(
        actor=acting_user,
        action="meeting.change",
        obj=meeting,
        jugendamt_id=meeting.jugendamt_id,
        old={k: old[k] for k in changed},
        new={**{k: new[k] for k in changed}, **({"recipients": sent} if sent else {})},
    )
    return meeting


@transaction.atomic
def meeting_invite(*, meeting: Meeting, acting_user: User) -> int:
    """Invite every active member with an e-mail address (and the contact person), with
    the meeting as a calendar entry. Inviting again re-sends the same calendar version."""
    meeting = _lock(meeting)
    _require(acting_user, "manage", meeting)
    if meeting.state != MeetingState.PLANNED:
        raise ValidationError(_("Einladen lässt sich nur zu einer geplanten Sitzung."))
    sent = invitations.send_meeting_mail(
        meeting=meeting, kind="invitation", acting_user=acting_user
    )
    if not sent:
        raise ValidationError(_("Kein Mitglied des Teams hat eine E-Mail-Adresse."))
    meeting.invited_at = timezone.now()
    meeting.save(update_fields=["invited_at"])
    audit_events.record(
        actor=acting_user,
        action="meeting.invite",
        obj=meeting,
        jugendamt_id=meeting.jugendamt_id,
        new={"sequence": meeting.sequence, "recipients": sent},
    )
    return sent


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, acting_user: User) -> Meeting:
    """Cancel a planned meeting; the invited get a calendar cancellation."""
    meeting = _lock(meeting)
    _require(acting_user, "manage", meeting)
    if meeting.state != MeetingState.PLANNED:
        raise ValidationError(_("Absagen lässt sich nur eine geplante Sitzung."))
    old = meeting_snapshot(meeting, ("state", "sequence"))
    meeting.state = MeetingState.CANCELLED
    sent = 0
    if meeting.invited_at:
        meeting.sequence += 1
    meeting.save(update_fields=["state", "sequence"])
    if meeting.invited_at:
        sent = invitations.send_meeting_mail(
            meeting=meeting, kind="cancellation", acting_user=acting_user
        )
    audit_events.record(
        actor=acting_user,
        action="meeting.cancel",
        obj=meeting,
        jugendamt_id=meeting.jugendamt_id,
        old=old,
        new={**meeting_snapshot(meeting, ("state", "sequence")), "recipients": sent},
    )
    return meeting


# --- attendance ---------------------------------------------------------------------


def has_begun(meeting: Meeting) -> bool:
    """Attendance and minutes: from the meeting's day on (local time)."""
    return timezone.localtime(meeting.starts_at).date() <= timezone.localdate()


def meeting_hours(meeting: Meeting) -> Decimal:
    """The meeting's duration in hours (two places): a Kita leader's default release."""
    seconds = Decimal((meeting.ends_at - meeting.starts_at).total_seconds())
    return (seconds / Decimal(3600)).quantize(Decimal("0.01"))


def default_hours(meeting: Meeting, member: TeamMember) -> Decimal:
    return meeting_hours(meeting) if member.kind == MemberKind.KITA else Decimal("0.00")


def attendance_members(meeting: Meeting) -> list[TeamMember]:
    """Who the attendance lists: members active on the meeting's day, and whoever has a
    row already (a member who left later stays in the list)."""
    day = timezone.localtime(meeting.starts_at).date()
    recorded = set(meeting.attendance.values_list("member_id", flat=True))
    members = TeamMember.objects.filter(team_id=meeting.team_id).select_related(
        "user", "kita", "traeger"
    )
    return [
        m
        for m in members
        if m.pk in recorded or (m.joined_on <= day and (m.left_on is None or m.left_on >= day))
    ]


@dataclass(frozen=True)
class AttendanceEntry:
    member: TeamMember
    present: bool
    hours: Decimal | None  # None: the default for the member


@transaction.atomic
def meeting_attendance_save(
    *, meeting: Meeting, entries: list[AttendanceEntry], acting_user: User
) -> Meeting:
    """Record who attended and the release hours (absent: 0); the meeting is then held."""
    meeting = _lock(meeting)
    _require(acting_user, "manage", meeting)
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("Für eine abgesagte Sitzung gibt es keine Anwesenheit."))
    if not has_begun(meeting):
        raise ValidationError(_("Die Anwesenheit lässt sich erst am Tag der Sitzung erfassen."))
    allowed = {m.pk: m for m in attendance_members(meeting)}
    rows = []
    for entry in entries:
        member = allowed.get(entry.member.pk)
        if member is None:
            raise ValidationError(_("Diese Person gehörte am Sitzungstag nicht zum Team."))
        hours = default_hours(meeting, member) if entry.hours is None else entry.hours
        hours = Decimal(hours).quantize(Decimal("0.01")) if entry.present else Decimal("0.00")
        if hours < 0 or hours > MAX_HOURS:
            raise ValidationError(
                _("Freistellung für %(name)s: zwischen 0 und 24 Stunden.")
                % {"name": member.display_name}
            )
        Attendance.objects.update_or_create(
            meeting=meeting, member=member, defaults={"present": entry.present, "hours": hours}
        )
        rows.append(
            {
                "member_id": member.pk,
                "member": member.display_name,
                "present": entry.present,
                "hours": str(hours),
            }
        )
    old_state = meeting.state
    if meeting.state != MeetingState.HELD:
        meeting.state = MeetingState.HELD
        meeting.save(update_fields=["state"])
    audit_events.record(
        actor=acting_user,
        action="meeting.attendance",
        obj=meeting,
        jugendamt_id=meeting.jugendamt_id,
        old={"state": old_state},
        new={"state": meeting.state, "attendance": rows},
    )
    return meeting


# --- minutes ------------------------------------------------------------------------


@transaction.atomic
def meeting_minutes_write(
    *, meeting: Meeting, minutes: str, decisions: str = "", acting_user: User
) -> Meeting:
    """The first minutes of a meeting, by its contact person or named minute-taker; the
    meeting is then held. Written minutes change only through ``meeting_minutes_correct``."""
    meeting = _lock(meeting)
    _require(acting_user, "write_minutes", meeting)
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("Eine abgesagte Sitzung hat kein Protokoll."))
    if not has_begun(meeting):
        raise ValidationError(_("Das Protokoll lässt sich erst am Tag der Sitzung schreiben."))
    if meeting.minutes_written_at:
        raise ValidationError(
            _("Das Protokoll ist geschrieben; ändern lässt es sich nur mit einem Korrekturvermerk.")
        )
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError(_("Bitte das Protokoll eintragen."))
    meeting.minutes = minutes
    meeting.decisions = (decisions or "").strip()
    meeting.minutes_written_at = timezone.now()
    meeting.minutes_written_by = acting_user
    meeting.state = MeetingState.HELD
    meeting.save()
    audit_events.record(
        actor=acting_user,
        action="meeting.minutes",
        obj=meeting,
        jugendamt_id=meeting.jugendamt_id,
        new={"minutes": meeting.minutes, "decisions": meeting.decisions, "state": meeting.state},
    )
    return meeting


@transaction.atomic
def meeting_minutes_correct(
    *, meeting: Meeting, minutes: str, decisions: str = "", note: str, acting_user: User
) -> MinutesCorrection:
    """Correct written minutes: the previous text is kept, the note is shown under them."""
    meeting = _lock(meeting)
    _require(acting_user, "write_minutes", meeting)
    if not meeting.minutes_written_at:
        raise ValidationError(_("Es gibt noch kein Protokoll, das sich korrigieren ließe."))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Bitte im Korrekturvermerk sagen, was korrigiert wurde."))
    minutes = (minutes or "").strip()
    decisions = (decisions or "").strip()
    if not minutes:
        raise ValidationError(_("Bitte das Protokoll eintragen."))
    if minutes == meeting.minutes and decisions == meeting.decisions:
        raise ValidationError(_("Protokoll und Beschlüsse sind unverändert."))
    correction = MinutesCorrection.objects.create(
        meeting=meeting,
        note=note,
        previous_minutes=meeting.minutes,
        previous_decisions=meeting.decisions,
        created_by=acting_user,
    )
    old = {"minutes": meeting.minutes, "decisions": meeting.decisions}
    meeting.minutes = minutes
    meeting.decisions = decisions
    meeting.version += 1
    meeting.save(update_fields=["minutes", "decisions", "version"])
    audit_events.record(
        actor=acting_user,
        action="meeting.minutes_correct",
        obj=meeting,
        jugendamt_id=meeting.jugendamt_id,
        old=old,
        new={"minutes": minutes, "decisions": decisions, "note": note},
        reason=note,
    )
    return correction


# --- tasks and documents ------------------------------------------------------------


def _may_record(user, meeting: Meeting) -> bool:
    """Tasks and documents: who manages the team or writes the meeting's minutes."""
    return meeting_policy.user_can(user, "manage", meeting) or meeting_policy.user_can(
        user, "write_minutes", meeting
    )


def task_snapshot(task: MeetingTask) -> dict:
    return {
        "meeting_id": task.meeting_id,
        "text": task.text,
        "owner_id": task.owner_id,
        "owner": task.owner.display_name if task.owner_id else "",
        "due_on": _iso(task.due_on),
        "done": task.done_at is not None,
    }


@transaction.atomic
def meeting_task_add(
    *,
    meeting: Meeting,
    text: str,
    owner: TeamMember | None = None,
    due_on: datetime.date | None = None,
    acting_user: User,
) -> MeetingTask:
    meeting = _lock(meeting)
    if not _may_record(acting_user, meeting):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Bitte die Aufgabe beschreiben."))
    if owner is not None and (owner.team_id != meeting.team_id or owner.left_on is not None):
        raise ValidationError(_("Zuständig kann nur ein aktives Mitglied des Teams sein."))
    task = MeetingTask.objects.create(meeting=meeting, text=text, owner=owner, due_on=due_on)
    audit_events.record(
        actor=acting_user,
        action="meeting_task.add",
        obj=task,
        jugendamt_id=meeting.jugendamt_id,
        new=task_snapshot(task),
    )
    return task


@transaction.atomic
def meeting_task_set_done(*, task: MeetingTask, done: bool, acting_user: User) -> MeetingTask:
    """Tick a task done (or open it again)."""
    task = (
        MeetingTask.objects.select_for_update(of=("self",))
        .select_related("meeting__team__sozialraum", "owner__user")
        .get(pk=task.pk)
    )
    if not meeting_task_policy.user_can(acting_user, "complete", task):
        raise PermissionDenied
    if (task.done_at is not None) == done:
        return task
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done_at"])
    audit_events.record(
        actor=acting_user,
        action="meeting_task.done",
        obj=task,
        jugendamt_id=task.meeting.jugendamt_id,
        old={"done": not done},
        new={"done": done},
    )
    return task


@transaction.atomic
def meeting_document_add(*, meeting: Meeting, uploaded, acting_user: User) -> MeetingDocument:
    """Attach a PDF (size-limited) to the meeting; it is served only through the page."""
    meeting = _lock(meeting)
    if not _may_record(acting_user, meeting):
        raise PermissionDenied
    uploads.check_pdf(uploaded)
    if uploaded is None:
        raise ValidationError(_("Bitte eine PDF-Datei wählen."))
    name = (getattr(uploaded, "name", "") or "dokument.pdf").rsplit("/", 1)[-1][:255]
    document = MeetingDocument(
        meeting=meeting, name=name, size=uploaded.size, uploaded_by=acting_user
    )
    document.file.save(name, uploaded, save=False)
    document.save()
    audit_events.record(
        actor=acting_user,
        action="meeting_document.add",
        obj=document,
        jugendamt_id=meeting.jugendamt_id,
        new={"meeting_id": meeting.pk, "name": name, "size": document.size},
    )
    return document
