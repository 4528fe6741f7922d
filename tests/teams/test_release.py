"""Release time (Freistellung): a Kita leader asks beforehand, the Jugendamt decides, the
requester hears of it, and the yearly summary shows each role only its own Kitas."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from sozialraeume import roles
from teams.forms_review import ReleaseRequestForm
from teams.models import ReleaseRequest, ReleaseState
from teams.permissions_review import request_kitas
from teams.services import release as release_services
from tests.allocation.factories import make_world
from tests.factories import make_user
from tests.teams.factories_review import attended, leader_member, meeting, team_for

pytestmark = pytest.mark.django_db
SITE = "https://srb.example.de"
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def site(settings):
    settings.SRB_SITE_URL = SITE


@pytest.fixture
def world():
    w = make_world()
    w.staff.email = "fachkraft@example.de"
    w.staff.save()
    w.team = team_for(w.north, contact=w.staff)
    w.leader = make_user(
        roles.KITA_LEITUNG, kitas=[w.kitas["A"]], username="leitung-a", email="a@example.de"
    )
    w.leader_b = make_user(roles.KITA_LEITUNG, kitas=[w.kitas["B"]], username="leitung-b")
    return w


def _ask(world, *, start_in=1, hours="4.5", user=None, kita=None):
    start = TODAY() + datetime.timedelta(days=start_in)
    return release_services.release_request(
        kita=kita or world.kitas["A"],
        task="Daten für das Team erheben",
        hours=Decimal(hours),
        period_start=start,
        period_end=start + datetime.timedelta(days=7),
        acting_user=user or world.leader,
    )


def test_a_kita_leader_asks_for_release_and_the_contact_person_hears_of_it(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        release = _ask(world)
    assert release.state == ReleaseState.REQUESTED and release.team == world.team
    event = AuditEvent.objects.get(action="release.request")
    assert event.new["hours"] == "4.50" and event.new["kita"] == "Kita A"
    assert [m.to for m in mail.outbox] == [["fachkraft@example.de"]]
    assert f"{SITE}/sozialraum-teams/freistellungen/{release.pk}/" in mail.outbox[0].body


def test_release_is_asked_only_for_an_own_kita_whose_sozialraum_has_a_team(world):
    with pytest.raises(PermissionDenied):
        _ask(world, kita=world.kitas["B"])  # another leader's Kita
    leader_d = make_user(roles.KITA_LEITUNG, kitas=[world.kitas["D"]], username="leitung-d")
    assert list(request_kitas(leader_d)) == []  # Süd has no team
    with pytest.raises(PermissionDenied):
        _ask(world, kita=world.kitas["D"], user=leader_d)
    with pytest.raises(PermissionDenied):
        _ask(world, user=world.staff)  # the Jugendamt does not ask for itself
    assert not ReleaseRequest.objects.exists()


def test_release_cannot_be_asked_for_after_the_fact_or_with_implausible_hours(world):
    with pytest.raises(ValidationError, match="Vergangenheit"):
        _ask(world, start_in=-1)
    with pytest.raises(ValidationError, match="zwischen 0,25 und 200"):
        _ask(world, hours="250")
    form = ReleaseRequestForm(
        {
            "kita": world.kitas["A"].pk,
            "task": "x",
            "hours": "0,1",
            "period_start": TODAY().isoformat(),
            "period_end": TODAY().isoformat(),
        },
        kitas=request_kitas(world.leader),
    )
    assert not form.is_valid() and "hours" in form.errors
    form = ReleaseRequestForm({**form.data, "hours": "2,5"}, kitas=request_kitas(world.leader))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hours"] == Decimal("2.50")


def test_the_jugendamt_approves_and_the_requester_is_told(
    world, django_capture_on_commit_callbacks
):
    release = _ask(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        release_services.release_approve(release=release, acting_user=world.staff)
    release.refresh_from_db()
    assert release.state == ReleaseState.APPROVED and release.decided_by == world.staff
    assert AuditEvent.objects.filter(action="release.approve").exists()
    assert [m.to for m in mail.outbox] == [["a@example.de"]]
    assert "genehmigt" in mail.outbox[0].subject
    assert "4,50 Stunden" in mail.outbox[0].body


def test_declining_needs_a_reason_and_a_started_period_can_only_be_declined(world):
    release = _ask(world)
    with pytest.raises(ValidationError, match="Begründung"):
        release_services.release_decline(release=release, reason=" ", acting_user=world.staff)
    ReleaseRequest.objects.filter(pk=release.pk).update(
        period_start=TODAY() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="schon begonnen"):
        release_services.release_approve(release=release, acting_user=world.staff)
    release_services.release_decline(release=release, reason="zu spät", acting_user=world.staff)
    release.refresh_from_db()
    assert release.state == ReleaseState.DECLINED and release.decision_reason == "zu spät"


def test_a_traeger_or_kita_leader_cannot_decide(world):
    release = _ask(world)
    for user in (world.leader, world.traeger_user):
        with pytest.raises(PermissionDenied):
            release_services.release_approve(release=release, acting_user=user)


@pytest.fixture
def hours(world):
    """Meeting hours for Kita A (3 + 2,5) and B (3), an approved task for A (4,5) and a
    requested one for B (not counted)."""
    member_a = leader_member(world.team, world.leader, world.kitas["A"])
    member_b = leader_member(world.team, world.leader_b, world.kitas["B"])
    m1, m2 = meeting(world.team), meeting(world.team)
    attended(m1, member_a, "3"), attended(m2, member_a, "2.5"), attended(m1, member_b, "3")
    release_services.release_approve(release=_ask(world), acting_user=world.staff)
    _ask(world, kita=world.kitas["B"], user=world.leader_b, hours="9")
    return TODAY().year


def _rows(client, year):
    response = client.get(reverse("teams:release_summary") + f"?jahr={year}")
    assert response.status_code == 200
    return {k.kita.name: k for k in response.context["summary"].kitas}


def test_the_summary_adds_meeting_hours_and_approved_tasks_per_kita(client, world, hours):
    client.force_login(world.staff)
    rows = _rows(client, hours)
    assert rows["Kita A"].meeting_hours == Decimal("5.50")
    assert rows["Kita A"].task_hours == Decimal("4.50")
    assert rows["Kita A"].total == Decimal("10.00")
    assert rows["Kita B"].task_hours == 0  # requested, not approved
    assert _rows(client, hours - 1) == {}


def test_a_kita_leader_sees_only_the_own_kitas_hours_page_and_export(client, world, hours):
    client.force_login(world.leader_b)
    assert set(_rows(client, hours)) == {"Kita B"}
    response = client.get(reverse("teams:release_summary_xlsx") + f"?jahr={hours}")
    assert response.status_code == 200
    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(response.content)).active
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Kita B" in texts and "Kita A" not in texts
    assert AuditEvent.objects.filter(action="export.release_summary").exists()


def test_a_traeger_sees_the_kitas_of_the_traeger(client, world, hours):
    client.force_login(world.traeger_user)  # Träger Eins: Kita A only
    assert set(_rows(client, hours)) == {"Kita A"}


def test_the_committee_sees_no_release_hours(client, world, hours):
    client.force_login(make_user(roles.AUSSCHUSS, jugendamt=world.jugendamt, username="jha"))
    assert client.get(reverse("teams:release_summary")).status_code == 403
    assert client.get(reverse("teams:release_summary_xlsx")).status_code == 403


def test_another_kitas_request_is_not_found_for_a_kita_leader(client, world):
    release = _ask(world)
    client.force_login(world.leader_b)
    assert client.get(reverse("teams:release_detail", args=[release.pk])).status_code == 404
    client.force_login(world.leader)
    assert client.get(reverse("teams:release_detail", args=[release.pk])).status_code == 200


def test_the_pages_request_and_decide(client, world):
    client.force_login(world.leader)
    start = (TODAY() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("teams:release_new"),
        {
            "kita": world.kitas["A"].pk,
            "task": "Elterncafé",
            "hours": "3,5",
            "period_start": start,
            "period_end": start,
        },
    )
    release = ReleaseRequest.objects.get()
    assert response.status_code == 302 and release.hours == Decimal("3.50")
    client.force_login(world.staff)
    url = reverse("teams:release_decide", args=[release.pk])
    assert client.post(url, {"decision": "decline", "reason": ""}).status_code == 400
    assert client.post(url, {"decision": "approve", "reason": ""}).status_code == 302
    release.refresh_from_db()
    assert release.state == ReleaseState.APPROVED
