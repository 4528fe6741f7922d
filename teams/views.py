"""Pages of the Sozialraum-Teams: teams, members, meetings, attendance, minutes, tasks,
documents (issue 15, part A).

Views stay thin: objects come through the policy's ``instances_for`` (404 for "not
yours" as for "no such"), the form validates, one service writes, its German refusal is
shown as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sozialraeume.models import User
from srb_project import policy
from srb_project.uploads import attachment_response
from teams import selectors
from teams.forms import (
    AccountMemberForm,
    AttendanceForm,
    ContactForm,
    DocumentForm,
    ExternalMemberForm,
    LeaveForm,
    MeetingForm,
    MinutesCorrectionForm,
    MinutesForm,
    PlanYearForm,
    TaskForm,
    TeamCreateForm,
)
from teams.models import MeetingDocument, MeetingState, TeamMember
from teams.permissions import meeting_policy, meeting_task_policy, team_policy
from teams.services import meetings as meeting_services
from teams.services import teams as team_services


def _refusal(request, exc) -> None:
    for msg in getattr(exc, "messages", [str(exc)]):
        messages.error(request, msg)


def _team_or_404(request, pk, action="view"):
    return get_object_or_404(team_policy.instances_for(request.user, action), pk=pk)


def _meeting_or_404(request, pk, action="view"):
    return get_object_or_404(meeting_policy.instances_for(request.user, action), pk=pk)


def _staff(jugendamt_id):
    ids = [u.pk for u in selectors.staff_of_jugendamt(jugendamt_id)]
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")


def _minute_takers(team):
    """Who may be named minute-taker: active member accounts and the Jugendamt's staff."""
    member_ids = TeamMember.objects.filter(
        team=team, left_on__isnull=True, user__isnull=False
    ).values_list("user_id", flat=True)
    staff_ids = [u.pk for u in selectors.staff_of_jugendamt(team.jugendamt_id)]
    return User.objects.filter(pk__in=[*member_ids, *staff_ids], is_active=True).order_by(
        "last_name", "first_name", "username"
    )


# --- teams ----------------------------------------------------------------------------


@login_required
def team_list(request):
    """Staff: every team of their Jugendamt with counts; a member: their teams."""
    user = request.user
    if not team_policy.user_can(user, "view"):
        raise PermissionDenied
    context = {
        "teams": selectors.team_list_for_user(user),
        "may_create": team_policy.user_can(user, "manage"),
        "without_team": (
            selectors.sozialraeume_without_team(user)
            if team_policy.user_can(user, "manage")
            else []
        ),
    }
    return render(request, "teams/team_list.html", context)


@login_required
def team_create(request):
    user = request.user
    if not team_policy.user_can(user, "manage"):
        raise PermissionDenied
    jugendamt_id = user.jugendamt_id
    form = TeamCreateForm(
        request.POST or None,
        sozialraeume=selectors.sozialraeume_without_team(user),
        staff=_staff(jugendamt_id),
        initial={"contact_person": user.pk if policy.is_staff(user) else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = team_services.team_create(acting_user=user, **form.cleaned_data)
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Das Sozialraum-Team ist eingerichtet."))
            return redirect("teams:team_detail", pk=team.pk)
    return render(request, "teams/team_create.html", {"form": form})


@login_required
def team_detail(request, pk):
    """Members, contact person, meetings planned and held, open tasks."""
    team = _team_or_404(request, pk)
    user = request.user
    may_manage = team_policy.user_can(user, "manage", team)
    meetings = list(selectors.meetings_of_team(team))
    now = timezone.now()
    context = {
        "team": team,
        "may_manage": may_manage,
        "members": selectors.member_rows(team, user),
        "upcoming": [m for m in meetings if m.state == MeetingState.PLANNED and m.ends_at >= now],
        "past": [m for m in meetings if not (m.state == MeetingState.PLANNED and m.ends_at >= now)],
        "tasks": selectors.open_tasks(team),
        "contact_form": ContactForm(
            staff=_staff(team.jugendamt_id), initial={"contact_person": team.contact_person_id}
        )
        if may_manage
        else None,
        "plan_form": PlanYearForm(initial={"year": timezone.localdate().year})
        if may_manage
        else None,
    }
    return render(request, "teams/team_detail.html", context)


@login_required
@require_POST
def team_contact(request, pk):
    team = _team_or_404(request, pk, "manage")
    form = ContactForm(request.POST, staff=_staff(team.jugendamt_id))
    if form.is_valid():
        try:
            team_services.team_contact_set(
                team=team,
                contact_person=form.cleaned_data["contact_person"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Die Ansprechperson ist gespeichert."))
    else:
        messages.error(request, _("Bitte eine Fachkraft des Jugendamts wählen."))
    return redirect("teams:team_detail", pk=team.pk)


@login_required
def member_add(request, pk):
    """Two forms: a person with an account, or an external person (name, organisation,
    function, e-mail only)."""
    team = _team_or_404(request, pk, "manage")
    candidates = selectors.member_candidates(team)
    queryset = User.objects.filter(pk__in=[u.pk for u in candidates]).order_by(
        "last_name", "first_name", "username"
    )
    which = request.POST.get("which") if request.method == "POST" else None
    account_form = AccountMemberForm(
        request.POST if which == "konto" else None, candidates=queryset
    )
    external_form = ExternalMemberForm(request.POST if which == "extern" else None)
    form = {"konto": account_form, "extern": external_form}.get(which)
    if form is not None and form.is_valid():
        try:
            member = team_services.team_member_add(
                team=team, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(
                request, _("%(name)s ist Mitglied des Teams.") % {"name": member.display_name}
            )
            return redirect("teams:team_detail", pk=team.pk)
    context = {"team": team, "account_form": account_form, "external_form": external_form}
    return render(request, "teams/member_add.html", context)


@login_required
@require_POST
def member_leave(request, pk):
    teams = team_policy.instances_for(request.user, "manage")
    member = get_object_or_404(TeamMember.objects.filter(team__in=teams), pk=pk)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            team_services.team_member_leave(
                member=member, left_on=form.cleaned_data["left_on"], acting_user=request.user
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s ist aus dem Team ausgeschieden.") % {"name": member.display_name},
            )
    else:
        messages.error(request, _("Bitte ein gültiges Datum angeben."))
    return redirect("teams:team_detail", pk=member.team_id)


# --- meetings -------------------------------------------------------------------------


@login_required
@require_POST
def meeting_plan_year(request, pk):
    team = _team_or_404(request, pk, "manage")
    form = PlanYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte ein Jahr zwischen 2000 und 2100 angeben."))
        return redirect("teams:team_detail", pk=team.pk)
    year = form.cleaned_data["year"]
    try:
        created = meeting_services.meeting_plan_year(team=team, year=year, acting_user=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        if created:
            messages.success(
                request,
                ngettext(
                    "%(count)s Termin für %(year)s vorgeschlagen; bitte prüfen und anpassen.",
                    "%(count)s Termine für %(year)s vorgeschlagen; bitte prüfen und anpassen.",
                    len(created),
                )
                % {"count": len(created), "year": year},
            )
        else:
            messages.info(
                request,
                _("Für %(year)s hat jeder vorgeschlagene Monat schon eine Sitzung.")
                % {"year": year},
            )
    return redirect("teams:team_detail", pk=team.pk)


@login_required
def meeting_create(request, pk):
    team = _team_or_404(request, pk, "manage")
    form = MeetingForm(request.POST or None, minute_takers=_minute_takers(team))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meeting_services.meeting_create(
                team=team,
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                agenda=data["agenda"],
                minute_taker=data["minute_taker"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Die Sitzung ist angelegt."))
            return redirect("teams:meeting_detail", pk=meeting.pk)
    return render(request, "teams/meeting_form.html", {"team": team, "form": form})


@login_required
def meeting_detail(request, pk):
    """The meeting with agenda, attendance (hours as the viewer may see them), minutes
    with their correction notes, tasks and documents."""
    meeting = _meeting_or_404(request, pk)
    user = request.user
    may_manage = meeting_policy.user_can(user, "manage", meeting)
    may_write = meeting_policy.user_can(user, "write_minutes", meeting)
    tasks = list(meeting.tasks.select_related("owner__user"))
    for task in tasks:
        task.may_complete = meeting_task_policy.user_can(user, "complete", task)
    context = {
        "meeting": meeting,
        "team": meeting.team,
        "may_manage": may_manage,
        "may_write": may_write,
        "attendance": selectors.attendance_rows(meeting, user),
        "corrections": meeting.corrections.select_related("created_by"),
        "tasks": tasks,
        "documents": meeting.documents.select_related("uploaded_by"),
        "task_form": TaskForm(team=meeting.team) if (may_manage or may_write) else None,
        "document_form": DocumentForm() if (may_manage or may_write) else None,
        "has_begun": meeting_services.has_begun(meeting),
    }
    return render(request, "teams/meeting_detail.html", context)


@login_required
def meeting_edit(request, pk):
    meeting = _meeting_or_404(request, pk, "manage")
    form = MeetingForm(
        request.POST or None, minute_takers=_minute_takers(meeting.team), meeting=meeting
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meeting_services.meeting_update(
                meeting=meeting,
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                agenda=data["agenda"],
                minute_taker=data["minute_taker"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            if meeting.invited_at and meeting.state == MeetingState.PLANNED:
                messages.success(
                    request, _("Die Sitzung ist gespeichert; Eingeladene erhalten eine Änderung.")
                )
            else:
                messages.success(request, _("Die Sitzung ist gespeichert."))
            return redirect("teams:meeting_detail", pk=meeting.pk)
    context = {"team": meeting.team, "meeting": meeting, "form": form}
    return render(request, "teams/meeting_form.html", context)


@login_required
@require_POST
def meeting_invite(request, pk):
    meeting = _meeting_or_404(request, pk, "manage")
    try:
        sent = meeting_services.meeting_invite(meeting=meeting, acting_user=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "Einladung mit Kalendereintrag an %(count)s Person versandt.",
                "Einladung mit Kalendereintrag an %(count)s Personen versandt.",
                sent,
            )
            % {"count": sent},
        )
    return redirect("teams:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = _meeting_or_404(request, pk, "manage")
    try:
        meeting_services.meeting_cancel(meeting=meeting, acting_user=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Die Sitzung ist abgesagt."))
    return redirect("teams:meeting_detail", pk=meeting.pk)


@login_required
def meeting_attendance(request, pk):
    """Who attended; release hours default to the meeting's length for Kita leaders."""
    meeting = _meeting_or_404(request, pk, "manage")
    members = meeting_services.attendance_members(meeting)
    defaults = {m.pk: meeting_services.default_hours(meeting, m) for m in members}
    current = {a.member_id: (a.present, a.hours) for a in meeting.attendance.all()}
    form = AttendanceForm(request.POST or None, members=members, defaults=defaults, current=current)
    if request.method == "POST" and form.is_valid():
        entries = [
            meeting_services.AttendanceEntry(member=m, present=present, hours=hours)
            for m, present, hours in form.entries()
        ]
        try:
            meeting_services.meeting_attendance_save(
                meeting=meeting, entries=entries, acting_user=request.user
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Die Anwesenheit ist gespeichert."))
            return redirect("teams:meeting_detail", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "team": meeting.team,
        "form": form,
        "duration": meeting_services.meeting_hours(meeting),
    }
    return render(request, "teams/meeting_attendance.html", context)


@login_required
def meeting_minutes(request, pk):
    """Write the minutes, or, once written, correct them with a visible note."""
    meeting = _meeting_or_404(request, pk, "write_minutes")
    correcting = meeting.minutes_written_at is not None
    form_class = MinutesCorrectionForm if correcting else MinutesForm
    form = form_class(
        request.POST or None,
        initial={"minutes": meeting.minutes, "decisions": meeting.decisions},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if correcting:
                meeting_services.meeting_minutes_correct(
                    meeting=meeting, acting_user=request.user, **form.cleaned_data
                )
            else:
                meeting_services.meeting_minutes_write(
                    meeting=meeting, acting_user=request.user, **form.cleaned_data
                )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(
                request,
                _("Die Korrektur ist gespeichert.")
                if correcting
                else _("Das Protokoll ist gespeichert."),
            )
            return redirect("teams:meeting_detail", pk=meeting.pk)
    context = {"meeting": meeting, "team": meeting.team, "form": form, "correcting": correcting}
    return render(request, "teams/meeting_minutes.html", context)


# --- tasks and documents --------------------------------------------------------------


def _recordable_meeting_or_404(request, pk):
    """Tasks and documents: who manages the team or writes the minutes."""
    user = request.user
    qs = meeting_policy.instances_for(user, "manage") | meeting_policy.instances_for(
        user, "write_minutes"
    )
    return get_object_or_404(qs.distinct(), pk=pk)


@login_required
@require_POST
def task_add(request, pk):
    meeting = _recordable_meeting_or_404(request, pk)
    form = TaskForm(request.POST, team=meeting.team)
    if form.is_valid():
        try:
            meeting_services.meeting_task_add(
                meeting=meeting, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Die Aufgabe ist angelegt."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("teams:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def task_done(request, pk):
    task = get_object_or_404(meeting_task_policy.instances_for(request.user, "complete"), pk=pk)
    done = request.POST.get("done") == "1"
    meeting_services.meeting_task_set_done(task=task, done=done, acting_user=request.user)
    messages.success(
        request,
        _("Die Aufgabe ist erledigt.") if done else _("Die Aufgabe ist wieder offen."),
    )
    return redirect("teams:meeting_detail", pk=task.meeting_id)


@login_required
@require_POST
def document_add(request, pk):
    meeting = _recordable_meeting_or_404(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            meeting_services.meeting_document_add(
                meeting=meeting, uploaded=form.cleaned_data["file"], acting_user=request.user
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Die Unterlage ist hochgeladen."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("teams:meeting_detail", pk=meeting.pk)


@login_required
def document_download(request, pk):
    meetings = meeting_policy.instances_for(request.user, "view")
    document = get_object_or_404(MeetingDocument.objects.filter(meeting__in=meetings), pk=pk)
    return attachment_response(document.file, document.name)
