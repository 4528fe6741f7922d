"""Demo data of the Sozialraum-Teams (issue 15, part A): the team of the demo Kita
leader's Sozialraum with a year of meetings.

The team: the Kita leaders of that Sozialraum who have accounts, the demo Träger
representative, the Jugendamt's contact person ("jugendamt") and two members without an
account. Meetings: the yearly plan of this year (six dates); those in the past are held
with attendance, minutes, decisions and tasks, one with a small PDF; next year's plan is
proposed (planned, not invited: the demo sends no mail). Everything goes through the
services, so the history shows a real process. Idempotent: a Sozialraum that has a team
is left as it is.
"""

from __future__ import annotations

import contextlib
import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sozialraeume.master_data import BAD_KREUZNACH
from sozialraeume.models import Jugendamt
from teams.models import MemberKind, Team
from teams.services import meetings as meeting_services
from teams.services import teams as team_services

EXTERNALS = [
    {
        "kind": MemberKind.PARENTS,
        "name": "Petra Beispiel",
        "organisation": "Elternausschuss (Demo)",
        "function": "Elternvertreterin",
        "email": "eltern@demo.invalid",
    },
    {
        "kind": MemberKind.NEIGHBOURHOOD,
        "name": "Omar Muster",
        "organisation": "Quartiersbüro Demo-Stadtteil",
        "function": "Quartiersmanagement",
        "email": "quartier@demo.invalid",
    },
]
AGENDA = (
    "1. Begrüßung und Protokoll der letzten Sitzung\n"
    "2. Bericht aus den Kitas: Bedarfe im Sozialraum\n"
    "3. Trägerübergreifende Angebote im Nachbarschaftszentrum\n"
    "4. Verschiedenes"
)
MINUTES = [
    (
        "Das Team hat sich konstituiert. Die Ansprechperson des Jugendamts stellt das "
        "Sozialraumbudget und den Jahresplan vor. Die Kitas berichten von steigendem "
        "Sprachförderbedarf.",
        "Das Team trifft sich sechsmal im Jahr, jeweils am zweiten Dienstag des Monats.",
    ),
    (
        "Austausch über die Elternarbeit; das Quartiersbüro stellt seine offenen "
        "Sprechstunden vor.",
        "Ein gemeinsamer Elternabend wird im Herbst geplant.",
    ),
    (
        "Die Kitas berichten aus der Kita-Sozialarbeit. Die Träger sagen zu, Räume für "
        "trägerübergreifende Angebote zu öffnen.",
        "",
    ),
    (
        "Rückblick auf das erste Halbjahr. Der Sozialraum meldet Bedarf an "
        "zusätzlichen Angeboten für Familien mit Fluchterfahrung.",
        "Das Jugendamt prüft eine FS3-Fachkraft für den Sozialraum.",
    ),
    (
        "Vorbereitung des gemeinsamen Elternabends; Aufgabenverteilung.",
        "Elternabend am Donnerstag nach den Herbstferien im Quartiersbüro.",
    ),
    (
        "Auswertung des Elternabends und Ausblick auf das nächste Jahr.",
        "Der Jahresplan für das nächste Jahr wird übernommen.",
    ),
]
# A minimal valid PDF (one empty page).
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def seed(stdout=None):
    def say(text):
        if stdout:
            stdout.write(text)

    User = get_user_model()
    jugendamt = Jugendamt.objects.filter(slug=BAD_KREUZNACH["slug"]).first()
    leader = User.objects.filter(username="kita-leitung").first()
    staff = User.objects.filter(username="jugendamt").first()
    if jugendamt is None or leader is None or staff is None or not leader.kitas.exists():
        say("Sozialraum-Teams: keine Demo-Kita-Leitung gefunden")
        return None
    sozialraum = leader.kitas.order_by("pk").first().sozialraum
    existing = Team.objects.filter(sozialraum=sozialraum).first()
    if existing is not None:
        return existing

    today = timezone.localdate()
    year = today.year
    team = team_services.team_create(
        sozialraum=sozialraum,
        contact_person=staff,
        founded_on=datetime.date(year, 1, 1),
        acting_user=staff,
    )
    joined = datetime.date(year, 1, 1)
    leaders = (
        User.objects.filter(is_active=True, kitas__sozialraum=sozialraum).distinct().order_by("pk")
    )
    for user in leaders:
        team_services.team_member_add(team=team, user=user, joined_on=joined, acting_user=staff)
    traeger = User.objects.filter(username="traeger").first()
    if traeger is not None and not team.members.filter(user=traeger).exists():
        # a demo Träger without a Kita in this Sozialraum stays out
        with contextlib.suppress(ValidationError):
            team_services.team_member_add(
                team=team, user=traeger, joined_on=joined, acting_user=staff
            )
    team_services.team_member_add(team=team, user=staff, joined_on=joined, acting_user=staff)
    for external in EXTERNALS:
        team_services.team_member_add(team=team, joined_on=joined, acting_user=staff, **external)

    meetings = meeting_services.meeting_plan_year(team=team, year=year, acting_user=staff)
    members = list(team.members.select_related("user"))
    held = 0
    for number, meeting in enumerate(meetings):
        if not meeting_services.has_begun(meeting) or meeting.starts_at > timezone.now():
            continue
        meeting = meeting_services.meeting_update(
            meeting=meeting,
            title=meeting.title,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            location="Quartiersbüro Demo-Stadtteil, Beispielweg 1",
            agenda=AGENDA,
            acting_user=staff,
        )
        entries = [
            meeting_services.AttendanceEntry(
                member=m,
                # the parents' representative misses every other meeting
                present=not (m.kind == MemberKind.PARENTS and number % 2),
                hours=None,
            )
            for m in members
        ]
        meeting_services.meeting_attendance_save(
            meeting=meeting, entries=entries, acting_user=staff
        )
        minutes, decisions = MINUTES[number % len(MINUTES)]
        meeting_services.meeting_minutes_write(
            meeting=meeting, minutes=minutes, decisions=decisions, acting_user=staff
        )
        if number in (1, 4):
            owner = next((m for m in members if m.kind == MemberKind.NEIGHBOURHOOD), None)
            meeting_services.meeting_task_add(
                meeting=meeting,
                text="Raum und Termin für den gemeinsamen Elternabend klären",
                owner=owner,
                due_on=(meeting.starts_at + datetime.timedelta(days=30)).date(),
                acting_user=staff,
            )
            task = meeting_services.meeting_task_add(
                meeting=meeting,
                text="Einladung an alle Eltern des Sozialraums entwerfen",
                owner=next((m for m in members if m.user_id == leader.pk), None),
                due_on=(meeting.starts_at + datetime.timedelta(days=45)).date(),
                acting_user=staff,
            )
            if number == 1:
                meeting_services.meeting_task_set_done(task=task, done=True, acting_user=staff)
        if number == 0:
            meeting_services.meeting_document_add(
                meeting=meeting,
                uploaded=SimpleUploadedFile(
                    "jahresplan-sozialraum-team.pdf", DEMO_PDF, content_type="application/pdf"
                ),
                acting_user=staff,
            )
        held += 1
    planned = meeting_services.meeting_plan_year(team=team, year=year + 1, acting_user=staff)
    say(
        f"Sozialraum-Teams: Team {sozialraum.name} mit {team.members.count()} Mitgliedern, "
        f"{held} Sitzungen mit Protokoll, {len(planned)} geplant für {year + 1}"
    )
    return team
