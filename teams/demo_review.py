"""Demo data of release time and reviews (issue 15, part B): for the Sozialraum of the demo
Kita leader ("kita-leitung") one review, open and due today (on demand), so the browser
journey can hold and decide it; one approved release request and one waiting for the
Jugendamt.

Runs after ``teams.demo`` (the teams, members and meetings). Where that has not made the
team of the Sozialraum, this makes it (the Jugendamt's Fachkraft as contact person) and
one planned meeting for the review to be tied to. Idempotent: what exists is left alone.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from teams.models import Meeting, ReleaseRequest, ReleaseState, Review, Team
from teams.services import release as release_services
from teams.services import reviews as review_services


def seed(stdout=None):
    User = get_user_model()
    leader = User.objects.filter(username="kita-leitung").first()
    staff = User.objects.filter(username="jugendamt").first()
    if leader is None or staff is None or not leader.kitas.exists():
        if stdout:
            stdout.write("Freistellung/Überprüfung: keine Demo-Kita-Leitung gefunden")
        return
    kita = leader.kitas.select_related("sozialraum").order_by("pk").first()
    sozialraum = kita.sozialraum
    today = timezone.localdate()
    team, _created = Team.objects.get_or_create(
        sozialraum=sozialraum, defaults={"contact_person": staff, "founded_on": today}
    )
    if not team.meetings.exists():
        start = timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=14), datetime.time(14, 0))
        )
        Meeting.objects.create(
            team=team,
            title="Sitzung des Sozialraum-Teams",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            location="Kommunikations- und Nachbarschaftszentrum",
            agenda="1. Überprüfung der Verteilung\n2. Verschiedenes",
            uid=f"{uuid.uuid4()}@srb-demo.invalid",
        )
    made = []
    if not ReleaseRequest.objects.filter(team=team).exists():
        approved = release_services.release_request(
            kita=kita,
            task="Datenerhebung für das Sozialraum-Team: Befragung der Familien im Quartier",
            hours=Decimal("12.00"),
            period_start=today + datetime.timedelta(days=1),
            period_end=today + datetime.timedelta(days=30),
            acting_user=leader,
        )
        release_services.release_approve(
            release=approved, reason="Abgestimmt in der Team-Sitzung.", acting_user=staff
        )
        release_services.release_request(
            kita=kita,
            task="Vorbereitung des trägerübergreifenden Elterncafés",
            hours=Decimal("6.50"),
            period_start=today + datetime.timedelta(days=21),
            period_end=today + datetime.timedelta(days=42),
            acting_user=leader,
        )
        made.append("2 Freistellungen")
    if not Review.objects.filter(sozialraum=sozialraum).exists():
        review_services.review_open(
            sozialraum=sozialraum,
            reason="Demodaten: Das Team meldet einen gestiegenen Bedarf an Sprachförderung.",
            acting_user=staff,
        )
        made.append("1 Überprüfung")
    if stdout:
        n = ReleaseRequest.objects.filter(team=team, state=ReleaseState.APPROVED).count()
        stdout.write(
            f"Freistellung/Überprüfung {sozialraum.name}: {', '.join(made) or 'vorhanden'}"
            f" ({n} genehmigte Freistellung)"
        )
