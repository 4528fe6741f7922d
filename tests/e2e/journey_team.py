"""Browser step of issue 15, part A: a Sozialraum-Team is set up and meets once.

``play_team_setup(browser, live_server)`` — preconditions: the demo is seeded
(``seed_demo``), the demo user "jugendamt" (password "demo") exists, at least one demo
Sozialraum has no team yet (the demo gives a team only to the Sozialraum of
"kita-leitung"), and Django's mail goes through the outbox (``EMAIL_BACKEND =
"post_office.EmailBackend"``; the test sets it) so the invitation is a row in the
database. As "jugendamt" it sets up the team of ``sozialraum_name`` (default: the first
Sozialraum without a team) with themselves as contact person, adds an external member and
an account member, creates a meeting for today, invites (and reads the outbox row's
.ics back with ``icalendar``), records attendance, writes minutes with a task and corrects
them with a note. Returns ids for the next steps: {"team": pk, "meeting": pk,
"sozialraum": pk}. Screenshots: test-artifacts/team-a-*.png.
"""

from __future__ import annotations

import base64
import datetime
import re

from icalendar import Calendar

from tests.e2e.helpers import role_page, shot, visit


def _outbox_calendar(subject_start: str):
    """The newest outbox row whose subject starts with ``subject_start``, its .ics parsed."""
    from post_office.models import Email

    email = Email.objects.filter(subject__startswith=subject_start).order_by("-pk").first()
    assert email is not None, f"no outbox row {subject_start!r}"
    (attachment,) = email.attachments.all()
    assert attachment.name == "einladung.ics"
    assert attachment.mimetype == "text/calendar"
    raw = attachment.file.read()
    attachment.file.close()
    headers = {k.lower(): v for k, v in (attachment.headers or {}).items()}
    assert headers.get("content-type", "").startswith("text/calendar")
    assert "method=" in headers.get("content-type", "").lower()
    if headers.get("content-transfer-encoding", "").lower() == "base64":
        raw = base64.b64decode(raw)
    return email, Calendar.from_ical(raw)


def play_team_setup(
    browser, live_server, *, sozialraum_name: str | None = None, member: str | None = None
) -> dict:
    from django.utils import timezone
    from post_office.models import Email

    from sozialraeume.models import Sozialraum
    from teams.models import Meeting, Team

    today = timezone.localdate()
    base = f"{live_server.url}/sozialraum-teams/"
    with role_page(browser, live_server, "jugendamt") as page:
        visit(page, base, name="team-a-list")
        # --- set up the team ---------------------------------------------------------
        visit(page, f"{base}neu/")
        if sozialraum_name:
            page.select_option("#id_sozialraum", label=sozialraum_name)
        else:
            page.select_option("#id_sozialraum", index=1)
        chosen = page.locator("#id_sozialraum option:checked").inner_text()
        page.get_by_role("button", name="Team einrichten").click()
        page.wait_for_load_state()
        assert re.search(r"/sozialraum-teams/\d+/$", page.url), page.url
        assert "Das Sozialraum-Team ist eingerichtet." in page.inner_text("main")
        sozialraum = Sozialraum.objects.get(name=chosen)
        team = Team.objects.get(sozialraum=sozialraum)
        assert "Jana Fachkraft" in page.inner_text("[data-testid=contact-person]")
        # --- members -------------------------------------------------------------------
        page.get_by_role("link", name="Mitglied aufnehmen").click()
        page.wait_for_load_state()
        visit(page, page.url)
        page.select_option("#id_extern-kind", "quartier")
        page.fill("#id_extern-name", "Olga Quartier")
        page.fill("#id_extern-organisation", "Quartiersbüro Süd")
        page.fill("#id_extern-email", "olga@quartier.invalid")
        page.locator("[data-testid=external-member] button[type=submit]").click()
        page.wait_for_load_state()
        assert "Olga Quartier ist Mitglied des Teams." in page.inner_text("main")
        page.get_by_role("link", name="Mitglied aufnehmen").click()
        page.wait_for_load_state()
        if page.locator("#id_konto-user").count():
            if member:  # a person with an account, by the name the list shows
                page.select_option("#id_konto-user", label=member)
            else:
                page.select_option("#id_konto-user", index=1)
            page.locator("[data-testid=account-member] button[type=submit]").click()
            page.wait_for_load_state()
        else:
            page.goto(f"{base}{team.pk}/")
        members = page.locator("[data-testid=members] [data-testid=member]")
        assert members.count() >= 1
        shot(page, "team-a-team")
        # --- a meeting today, invited ----------------------------------------------------
        page.get_by_role("link", name="Sitzung anlegen").click()
        page.wait_for_load_state()
        page.fill("#id_title", "Auftakt des Sozialraum-Teams")
        page.fill("#id_date", today.isoformat())
        page.fill("#id_start_time", "08:00")
        page.fill("#id_end_time", "10:30")
        page.fill("#id_location", "Bürgerhaus, Saal 1")
        page.fill("#id_agenda", "1. Kennenlernen\n2. Jahresplan\n3. Bedarfe im Sozialraum")
        page.get_by_role("button", name="Speichern").click()
        page.wait_for_load_state()
        meeting = Meeting.objects.get(team=team, title="Auftakt des Sozialraum-Teams")
        assert page.url.endswith(f"/sitzungen/{meeting.pk}/")
        page.get_by_role("button", name="Einladen").click()
        page.wait_for_load_state()
        assert "Einladung mit Kalendereintrag an" in page.inner_text("main")
        visit(page, page.url, name="team-a-meeting-invited")
        email, cal = _outbox_calendar("Einladung: Auftakt des Sozialraum-Teams")
        invited = {
            addr
            for row in Email.objects.filter(subject=email.subject).values_list("to", flat=True)
            for addr in row
        }
        assert "olga@quartier.invalid" in invited
        (event,) = cal.walk("VEVENT")
        assert str(event["SUMMARY"]) == "Auftakt des Sozialraum-Teams"
        assert str(event["UID"]) == meeting.uid
        start = timezone.localtime(event.decoded("DTSTART"))
        assert start.date() == today and (start.hour, start.minute) == (8, 0)
        # --- attendance and minutes with a task -----------------------------------------
        page.get_by_role("link", name="Anwesenheit erfassen").click()
        page.wait_for_load_state()
        visit(page, page.url, name="team-a-attendance")
        page.get_by_role("button", name="Anwesenheit speichern").click()
        page.wait_for_load_state()
        assert page.inner_text("[data-testid=meeting-state]") == "stattgefunden"
        page.get_by_role("link", name="Protokoll schreiben").click()
        page.wait_for_load_state()
        visit(page, page.url)
        page.fill("#id_minutes", "Das Team hat sich vorgestellt und den Jahresplan beraten.")
        page.fill("#id_decisions", "Sechs Sitzungen im Jahr, jeweils dienstags.")
        page.get_by_role("button", name="Protokoll speichern").click()
        page.wait_for_load_state()
        page.fill("#id_aufgabe-text", "Termine im Kalender der Kitas eintragen")
        page.select_option("#id_aufgabe-owner", index=1)
        page.fill("#id_aufgabe-due_on", (today + datetime.timedelta(days=14)).isoformat())
        page.locator("[data-testid=task-form] button[type=submit]").click()
        page.wait_for_load_state()
        assert "Die Aufgabe ist angelegt." in page.inner_text("main")
        # --- a correction with a visible note ---------------------------------------------
        page.get_by_role("link", name="Protokoll korrigieren").click()
        page.wait_for_load_state()
        page.fill(
            "#id_minutes",
            "Das Team hat sich vorgestellt, den Jahresplan beraten und beschlossen.",
        )
        page.fill("#id_note", "Beschluss zum Jahresplan ergänzt")
        page.get_by_role("button", name="Korrektur speichern").click()
        page.wait_for_load_state()
        correction = page.inner_text("[data-testid=correction]")
        assert "Korrigiert am" in correction and "Beschluss zum Jahresplan ergänzt" in correction
        assert "Termine im Kalender der Kitas eintragen" in page.inner_text("[data-testid=tasks]")
        visit(page, page.url, name="team-a-meeting-minutes")
    return {"team": team.pk, "meeting": meeting.pk, "sozialraum": sozialraum.pk}
