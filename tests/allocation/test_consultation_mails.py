"""Who hears of the consultation by mail (issue 15): the Kita leaders of the Sozialraum
get the page of their own Kita, the Jugendamt hears of a Träger's or a Kita's comment."""

import pytest
from django.core import mail

from allocation.services import comments as comment_services
from allocation.services import workflow
from sozialraeume import roles
from tests.allocation.factories import fs1_line
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SITE = "https://srb.example.de"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SRB_SITE_URL = SITE + "/"


def test_kita_leaders_of_the_sozialraum_get_their_own_kitas_page(
    world, plan, django_capture_on_commit_callbacks
):
    fs1_line(world, plan)
    leader_a = make_user(roles.KITA_LEITUNG, kitas=[world.kitas["A"]], email="a@kita.example")
    leader_b = make_user(roles.KITA_LEITUNG, kitas=[world.kitas["B"]], email="b@kita.example")
    make_user(roles.KITA_LEITUNG, kitas=[world.kitas["D"]], email="d@kita.example")  # Süd
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    to_kitas = {m.to[0]: m for m in mail.outbox if m.to[0].endswith("@kita.example")}
    assert set(to_kitas) == {"a@kita.example", "b@kita.example"}
    body_a = to_kitas["a@kita.example"].body
    assert f"{SITE}/verteilung/plan/{plan.pk}/kita/{world.kitas['A'].pk}/" in body_a
    assert "Kita A" in body_a and "Kita B" not in body_a
    assert f"/verteilung/plan/{plan.pk}/\n" not in body_a  # never the plan page itself
    assert to_kitas["a@kita.example"].subject == (
        "Verteilungsplan Nord 2026: Zeilen Ihrer Kita zur Abstimmung"
    )
    assert leader_a.pk != leader_b.pk


def test_a_traegers_comment_is_mailed_to_the_plans_last_editor_a_staff_note_is_not(
    world, plan, django_capture_on_commit_callbacks
):
    fs1_line(world, plan)
    world.staff.email = "fachkraft@ja.example"
    world.staff.save()
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.plan_comment_add(
            plan=plan, text="Bitte die VZÄ prüfen", acting_user=world.traeger_user
        )
    assert [m.to for m in mail.outbox] == [["fachkraft@ja.example"]]
    message = mail.outbox[0]
    assert message.subject == "Verteilungsplan Nord 2026: neuer Kommentar"
    assert "Bitte die VZÄ prüfen" in message.body
    assert f"{SITE}/verteilung/plan/{plan.pk}/#kommentare" in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.plan_comment_add(
            plan=plan, text="Notiz des Jugendamts", acting_user=world.leitung
        )
    assert mail.outbox == []
