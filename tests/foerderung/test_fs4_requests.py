"""FS4 requests (issue 15): who submits, who sees, who decides, and what the requester hears."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from foerderung import services
from foerderung.models import Fs4Request, Fs4RequestState
from foerderung.permissions import fs4_request_policy
from tests.foerderung.factories import make_fs4_request, minimal_pdf
from tests.policy_world import build_policy_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_policy_world()


def _submit(w, user_key="traeger", kita_key="kita_a", **extra):
    return services.fs4_request_submit(
        kita=w[kita_key],
        need=extra.pop("need", "Zusatzkraft für die Aufsicht"),
        justification=extra.pop("justification", "Auflage der Betriebserlaubnis"),
        fte=extra.pop("fte", Decimal("0.50")),
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        acting_user=w.users[user_key],
        **extra,
    )


def test_kita_leader_and_traeger_submit_only_for_their_own_kitas(w):
    assert _submit(w, "kita").requester_kind == "kita"
    assert _submit(w, "traeger").requester_kind == "traeger"
    for user_key in ("kita2", "ja", "ausschuss"):
        with pytest.raises(PermissionDenied):
            _submit(w, user_key)
    assert AuditEvent.objects.filter(action="fs4_request.submit").count() == 2


def test_a_kita_leader_never_sees_another_kitas_request(client, w):
    request = _submit(w, "traeger")
    url = reverse("foerderung:fs4_detail", args=[request.pk])
    for user_key, status in (("kita", 200), ("traeger", 200), ("ja", 200), ("kita2", 404)):
        client.force_login(w.users[user_key])
        assert client.get(url).status_code == status, user_key
    for user_key in ("ausschuss", "fremd"):
        client.force_login(w.users[user_key])
        assert client.get(url).status_code == 404, user_key
    client.force_login(w.users["kita2"])
    listing = client.get(reverse("foerderung:fs4_list")).content.decode()
    assert w["kita_a"].name not in listing
    assert set(fs4_request_policy.instances_for(w.users["kita2"], "view")) == set()


def test_the_traeger_submits_with_a_pdf_on_the_page_and_staff_download_it(client, w):
    client.force_login(w.users["traeger"])
    response = client.post(
        reverse("foerderung:fs4_submit"),
        {
            "kita": w["kita_a"].pk,
            "need": "Zusatzkraft",
            "justification": "Auflage",
            "fte": "0,75",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
            "attachments": [SimpleUploadedFile("auflage.pdf", minimal_pdf(), "application/pdf")],
        },
    )
    assert response.status_code == 302
    request = Fs4Request.objects.get()
    assert request.fte == Decimal("0.75") and request.state == Fs4RequestState.SUBMITTED
    attachment = request.attachments.get()
    client.force_login(w.users["ja"])
    download = client.get(reverse("foerderung:fs4_attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(w.users["kita2"])
    assert client.get(reverse("foerderung:fs4_attachment", args=[attachment.pk])).status_code == 404


def test_a_file_that_is_no_pdf_is_refused_with_a_german_message(client, w):
    client.force_login(w.users["traeger"])
    response = client.post(
        reverse("foerderung:fs4_submit"),
        {
            "kita": w["kita_a"].pk,
            "need": "Zusatzkraft",
            "justification": "Auflage",
            "fte": "0,50",
            "period_start": "2027-01-01",
            "period_end": "2026-12-31",
            "attachments": [SimpleUploadedFile("a.pdf", b"<html>", "application/pdf")],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Fs4Request.objects.exists()
    assert "kein PDF" in html and "Der Zeitraum endet vor seinem Beginn." in html


def test_declining_needs_a_reason_and_the_requester_is_told_by_mail(
    w, django_capture_on_commit_callbacks
):
    request = _submit(w, "traeger")
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        services.fs4_request_decline(request_id=request.pk, reason=" ", acting_user=w.users["ja"])
    with pytest.raises(PermissionDenied):  # the committee and the Träger decide nothing
        services.fs4_request_accept(request_id=request.pk, acting_user=w.users["traeger"])
    with django_capture_on_commit_callbacks(execute=True):
        services.fs4_request_decline(
            request_id=request.pk, reason="Keine Auflage vorgelegt.", acting_user=w.users["ja"]
        )
    request.refresh_from_db()
    assert request.state == Fs4RequestState.DECLINED and request.decided_by == w.users["ja"]
    [message] = [m for m in mail.outbox if w.users["traeger"].email in m.to]
    assert "abgelehnt" in message.subject and "Keine Auflage vorgelegt." in message.body
    assert "http" in message.body and f"/foerderung/fs4/{request.pk}/" in message.body
    with pytest.raises(ValidationError):  # decided once
        services.fs4_request_accept(request_id=request.pk, acting_user=w.users["jal"])
    event = AuditEvent.objects.get(action="fs4_request.decline")
    assert event.new["decision_reason"] == "Keine Auflage vorgelegt."


def test_accepting_on_the_page_names_who_and_when(client, w):
    request = _submit(w, "kita")
    client.force_login(w.users["jal"])
    response = client.post(
        reverse("foerderung:fs4_decide", args=[request.pk]),
        {"decision": "accept", "reason": "Auflage liegt vor."},
        follow=True,
    )
    html = response.content.decode()
    assert "angenommen" in html and "Auflage liegt vor." in html
    request.refresh_from_db()
    assert request.is_accepted and request.decided_by == w.users["jal"]


def test_a_foreign_jugendamts_staff_cannot_decide(w):
    request = make_fs4_request(
        w["kita_a"], requested_by=w.users["traeger"], state=Fs4RequestState.SUBMITTED
    )
    with pytest.raises(Fs4Request.DoesNotExist):
        services.fs4_request_accept(request_id=request.pk, acting_user=w.users["fremd"])
