"""The Jugendamt answers comments (issue 15): the answer is shown under the comment, the
author hears by mail; answers are not answered again."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from allocation.models import PlanComment
from allocation.services import comments as comment_services
from allocation.services import lines as line_services
from allocation.services import workflow
from audit.models import AuditEvent
from sozialraeume import roles
from tests.allocation.factories import fs1_line
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SITE = "https://srb.example.de"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SRB_SITE_URL = SITE + "/"


@pytest.fixture
def consultation(world, plan):
    fs1_line(world, plan)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    world.traeger_user.email = "traeger1@example.de"
    world.traeger_user.save()
    return plan


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def _answer(client, user, comment, text):
    client.force_login(user)
    return client.post(reverse("allocation:comment_answer", args=[comment.pk]), {"text": text})


def test_the_answer_is_shown_under_the_comment_and_the_author_is_mailed(
    client, world, consultation, django_capture_on_commit_callbacks
):
    comment = comment_services.plan_comment_add(
        plan=consultation, text="Bitte FS3 prüfen", acting_user=world.traeger_user
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _answer(client, world.staff, comment, "Wir prüfen das bis Freitag.")
    assert response.status_code == 302
    answer = PlanComment.objects.get(reply_to=comment)
    assert answer.author == world.staff
    client.force_login(world.traeger_user)
    html = _text(client.get(reverse("allocation:plan_detail", args=[consultation.pk])))
    block = html[html.index("Bitte FS3 prüfen") :]
    assert "Antwort von" in block and "Wir prüfen das bis Freitag." in block
    assert [m.to for m in mail.outbox] == [["traeger1@example.de"]]
    message = mail.outbox[0]
    assert message.subject == "Verteilungsplan Nord 2026: Antwort auf Ihren Kommentar"
    assert "Wir prüfen das bis Freitag." in message.body and "Bitte FS3 prüfen" in message.body
    assert f"{SITE}/verteilung/plan/{consultation.pk}/#kommentare" in message.body


def test_an_answer_is_not_answered_again_and_only_planners_answer(client, world, consultation):
    comment = comment_services.plan_comment_add(
        plan=consultation, text="Frage", acting_user=world.traeger_user
    )
    answer = comment_services.plan_comment_answer(
        comment=comment, text="Antwort", acting_user=world.staff
    )
    with pytest.raises(ValidationError, match="nicht noch einmal"):
        comment_services.plan_comment_answer(
            comment=answer, text="Noch eine", acting_user=world.staff
        )
    with pytest.raises(PermissionDenied):
        comment_services.plan_comment_answer(
            comment=comment, text="Selbst", acting_user=world.traeger_user
        )
    assert _answer(client, world.traeger_user, comment, "Selbst").status_code == 404
    assert PlanComment.objects.filter(reply_to=comment).count() == 1


def test_the_answer_is_audited(world, consultation):
    comment = comment_services.plan_comment_add(
        plan=consultation, text="Frage", acting_user=world.traeger_user
    )
    answer = comment_services.plan_comment_answer(
        comment=comment, text="Antwort", acting_user=world.staff
    )
    event = AuditEvent.objects.get(action="plan.comment_answer")
    assert event.actor == world.staff
    assert event.new == {"comment_id": answer.pk, "reply_to_id": comment.pk, "text": "Antwort"}


def test_the_kita_leader_sees_the_answer_on_their_page_and_the_mail_links_it(
    client, world, plan, django_capture_on_commit_callbacks
):
    line_b = line_services.line_add(
        plan=plan, kita=world.kitas["B"], strand="FS1", fte="0.4", acting_user=world.staff
    )
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    leader = make_user(
        roles.KITA_LEITUNG, kitas=[world.kitas["B"]], username="leitung-b", email="b@example.de"
    )
    comment = comment_services.plan_comment_add(
        plan=plan, text="Bitte mehr VZÄ", line=line_b, acting_user=leader
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _answer(client, world.staff, comment, "Mehr ist im Budget nicht möglich.")
    page = reverse("allocation:kita_consultation", args=[plan.pk, world.kitas["B"].pk])
    assert f"{SITE}{page}#kommentare" in mail.outbox[0].body
    client.force_login(leader)
    html = _text(client.get(page))
    assert "Bitte mehr VZÄ" in html and "Mehr ist im Budget nicht möglich." in html
