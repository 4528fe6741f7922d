"""The evaluation survey (issue 17): personal links without an account, anonymous answers
that cannot be joined to the person, the rule of five, the comparison T0 → T1, frozen
instruments, used and expired links, foreign Jugendämter."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from evaluation import selectors, services
from evaluation.models import Answer, Invitation, Item, Submission, WaveState
from sozialraeume import roles
from tests.evaluation.factories import invite, likert_answers, make_eval_world, open_now
from tests.factories import JugendamtFactory, make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+/evaluation/antwort/([A-Za-z0-9_-]+)/")


@pytest.fixture
def world():
    return make_eval_world()


def _post_data(world, **by_code) -> dict:
    """What a respondent ticks and types on the form (German number notation)."""
    data = {}
    for item in world.items():
        name = f"item_{item.pk}"
        if item.code in by_code:
            data[name] = by_code[item.code]
        elif item.kind in ("likert4", "likert5"):
            data[name] = "3"
        elif item.kind == "single":
            data[name] = "1"
        elif item.kind == "multi":
            data[name] = ["0", "2"]
        elif item.kind == "number":
            data[name] = "7,5"
        else:
            data[name] = "Mehr Zeit für Absprachen."
    return data


def _answer(world, token, value=3, today=None, **by_code):
    return services.answers_submit(
        token=token, answers=likert_answers(world, value, **by_code), today=today
    )


# --- the respondent ------------------------------------------------------------------


def test_respondent_answers_through_the_personal_link_without_an_account(
    world, client, django_capture_on_commit_callbacks
):
    wave = open_now(world)
    with django_capture_on_commit_callbacks(execute=True):
        invite(world, wave, 1)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["person0@example.invalid"]
    assert "Jugendamt Evalstadt" in message.from_email
    token = LINK.search(message.body).group(1)
    # the database keeps only the hash of the token
    invitation = Invitation.objects.get()
    assert invitation.token_hash == services.token_hash(token) != token
    assert not Invitation.objects.filter(token_hash=token).exists()

    url = reverse("evaluation:answer", args=[token])
    page = client.get(url)  # no login
    assert page.status_code == 200
    html = page.content.decode()
    assert "Die Zuständigkeiten im Kernteam sind klar geregelt." in html
    assert "Steuerungsebene / Kernteam" in html
    assert 'type="number"' not in html and 'inputmode="decimal"' in html

    response = client.post(url, _post_data(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:answer_done")
    assert "Danke für Ihre Antworten" in client.get(response["Location"]).content.decode()

    invitation.refresh_from_db()
    assert invitation.answered
    submission = Submission.objects.get()
    assert submission.wave == wave and submission.submitted_on == timezone.localdate()
    by_code = {a.item.code: a for a in Answer.objects.select_related("item")}
    assert by_code["A1"].number == 3
    assert by_code["A3"].choices == [1]
    assert by_code["B3"].choices == [0, 2]
    assert by_code["C2"].number == Decimal("7.50")
    assert by_code["F3"].text == "Mehr Zeit für Absprachen."
    assert len(by_code) == Item.objects.filter(block__instrument=world.instrument).count()


def test_the_form_refuses_missing_and_impossible_answers_in_german(world, client):
    wave = open_now(world)
    ((_inv, token),) = invite(world, wave, 1)
    data = _post_data(world, C2="sieben")
    data.pop(f"item_{world.items()[0].pk}")  # A1 is required
    response = client.post(reverse("evaluation:answer", args=[token]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in html or "Bitte beantworten" in html
    assert "keine Zahl" in html
    assert not Submission.objects.exists()
    assert not Invitation.objects.get().answered


def test_a_second_answer_through_the_same_link_is_refused(world, client):
    wave = open_now(world)
    ((_inv, token),) = invite(world, wave, 1)
    url = reverse("evaluation:answer", args=[token])
    assert client.post(url, _post_data(world)).status_code == 302
    again = client.get(url)
    assert again.status_code == 410
    assert "bereits geantwortet" in again.content.decode()
    assert client.post(url, _post_data(world)).status_code == 410
    with pytest.raises(services.LinkGone):
        _answer(world, token)
    assert Submission.objects.count() == 1


def test_the_link_expires_when_the_wave_closes(world, client):
    wave = open_now(world, weeks=1)
    ((_inv, token),) = invite(world, wave, 2)[:1]
    url = reverse("evaluation:answer", args=[token])
    # after the last day the link no longer works, even before anyone closes the wave
    with pytest.raises(services.LinkGone) as gone:
        _answer(world, token, today=wave.closes_on + datetime.timedelta(days=1))
    assert gone.value.status == 410
    services.wave_close(wave=wave, acting_user=world.staff)
    response = client.get(url)
    assert response.status_code == 410
    assert "Die Befragung ist beendet" in response.content.decode()
    assert not Submission.objects.exists()
    # an unknown token is not found
    unknown = client.get(reverse("evaluation:answer", args=["x" * 43]))
    assert unknown.status_code == 404


def test_a_reminder_sends_a_new_link_and_the_old_one_stops(
    world, client, django_capture_on_commit_callbacks
):
    wave = open_now(world)
    (first, token), (_second, other) = invite(world, wave, 2)
    _answer(world, other)
    mail.outbox.clear()
    # invited just now: nobody to remind yet
    assert services.wave_reminders_send(wave=wave, acting_user=world.staff) == 0
    later = timezone.now() + datetime.timedelta(hours=21)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.wave_reminders_send(wave=wave, acting_user=world.staff, now=later) == 1
    assert [m.to for m in mail.outbox] == [[first.email]]  # not the one who answered
    new_token = LINK.search(mail.outbox[0].body).group(1)
    assert client.get(reverse("evaluation:answer", args=[token])).status_code == 404
    assert client.get(reverse("evaluation:answer", args=[new_token])).status_code == 200
    assert AuditEvent.objects.filter(action="evaluation_wave.remind", new__reminded=1).exists()


def test_invitation_list_is_validated_in_german(world):
    wave = open_now(world)
    with pytest.raises(ValidationError) as refused:
        services.invitations_create(
            wave=wave,
            addresses="gut@example.invalid\nkeine-adresse\n",
            acting_user=world.staff,
        )
    assert "Zeile 2: „keine-adresse“ ist keine gültige E-Mail-Adresse." in refused.value.messages
    assert not Invitation.objects.exists()
    result = services.invitations_create(
        wave=wave,
        addresses=(
            "Erika Muster <erika@example.invalid>\nERIKA@example.invalid\nmax@example.invalid"
        ),
        acting_user=world.staff,
    )
    assert [(i.name, i.email) for i, _t in result.created] == [
        ("Erika Muster", "erika@example.invalid"),
        ("", "max@example.invalid"),
    ]
    again = services.invitations_create(
        wave=wave, addresses="max@example.invalid", acting_user=world.staff
    )
    assert again.created == [] and again.skipped == ["max@example.invalid"]
    planned = world.wave("T1")
    with pytest.raises(ValidationError, match="solange die Welle offen ist"):
        services.invitations_create(
            wave=planned, addresses="a@example.invalid", acting_user=world.staff
        )


# --- anonymity -------------------------------------------------------------------------


def test_answers_cannot_be_joined_to_the_person_in_the_database(world):
    wave = open_now(world)
    pairs = invite(world, wave, 10)
    # person i answers C2 = i: the test knows who answered what, the database must not
    for i, (_invitation, token) in enumerate(pairs):
        _answer(world, token, C2=Decimal(i))
    assert Invitation.objects.filter(answered=True).count() == 10

    # 1. no column or relation of the answer tables leads to an invitation or a person
    for model in (Submission, Answer):
        for f in model._meta.get_fields():
            if f.is_relation:
                assert f.related_model._meta.model_name in {
                    "wave",
                    "item",
                    "submission",
                    "answer",
                }, (
                    model,
                    f.name,
                )
            assert not re.search(r"invit|token|hash|mail|name|user|person", f.name), f.name
            # no time finer than the day
            assert not isinstance(f, (models.DateTimeField, models.TimeField)), f.name
            if isinstance(f, models.AutoField):
                pytest.fail(f"{model.__name__} has a sequential key")
    assert not [
        f
        for f in Invitation._meta.get_fields()
        if f.is_relation and f.related_model in (Submission, Answer)
    ]

    # 2. the order of the keys does not follow the order of answering
    c2 = Item.objects.get(block__instrument=world.instrument, code="C2")
    by_key = list(
        Answer.objects.filter(item=c2).order_by("submission_id").values_list("number", flat=True)
    )
    assert sorted(by_key) == [Decimal(i) for i in range(10)]
    assert by_key != [Decimal(i) for i in range(10)]
    invitation_order = list(Invitation.objects.order_by("pk").values_list("pk", flat=True))
    assert len(set(Submission.objects.values_list("submitted_on", flat=True))) == 1  # same day

    # 3. the audit trail names the wave, never an invitation or an address
    events = AuditEvent.objects.filter(action="evaluation_wave.answer")
    assert events.count() == 10
    assert set(events.values_list("object_type", flat=True)) == {"evaluation.wave"}
    emails = list(Invitation.objects.values_list("email", flat=True))
    ids = {str(pk) for pk in invitation_order}
    for event in AuditEvent.objects.all():
        text = f"{event.object_repr} {event.old} {event.new} {event.reason}"
        assert not [e for e in emails if e in text], event.action
        assert not (event.object_type == "evaluation.invitation" and event.object_id in ids)
        for s in Submission.objects.all():
            assert str(s.pk) not in text


# --- results --------------------------------------------------------------------------


def test_results_appear_only_from_five_answers(world, client):
    wave = open_now(world)
    pairs = invite(world, wave, 5)
    for _inv, token in pairs[:4]:
        _answer(world, token, 2)
    client.force_login(world.staff)
    url = reverse("evaluation:wave_results", args=[wave.pk])
    html = client.get(url).content.decode()
    assert "Noch zu wenige Antworten (n &lt; 5)" in html
    assert 'data-testid="mean-A1"' not in html and "<svg" not in html
    results = selectors.wave_results(wave, with_texts=True)
    assert not results.shown and all(not r.shown for b in results.blocks for r in b.items)

    _answer(world, pairs[4][1], 4)
    html = client.get(url).content.decode()
    assert "Noch zu wenige Antworten" not in html
    assert 'data-testid="mean-A1">2,40<' in html  # (2+2+2+2+4)/5
    assert (
        "<svg" in html
        and 'role="img"' in html
        and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]
    )
    progress = client.get(reverse("evaluation:wave_detail", args=[wave.pk])).content.decode()
    assert 'data-testid="answered">5 (100,0 %)' in progress


def test_an_optional_item_with_fewer_than_five_answers_stays_hidden(world):
    wave = open_now(world)
    pairs = invite(world, wave, 6)
    for i, (_inv, token) in enumerate(pairs):
        extra = {"D3": Decimal(20)} if i < 3 else {}
        _answer(world, token, **extra)
    results = selectors.wave_results(wave, with_texts=False)
    items = {r.item.code: r for b in results.blocks for r in b.items}
    assert results.shown and items["A1"].shown and items["A1"].mean == Decimal("3.00")
    assert items["D3"].n == 3 and not items["D3"].shown and items["D3"].mean is None


def _answer_wave(world, code, a1, a2, b1):
    wave = open_now(world, code)
    pairs = invite(world, wave, len(a1), prefix=code.lower())
    for (_inv, token), x, y, z in zip(pairs, a1, a2, b1, strict=True):
        _answer(world, token, A1=x, A2=y, B1=z)
    services.wave_close(wave=wave, acting_user=world.staff)
    return wave


def test_t0_t1_comparison_matches_a_hand_computed_example(world, client):
    # A1 (1–4): T0 1,2,3,4,4 -> 14/5 = 2,80; T1 3,3,4,4,4 -> 18/5 = 3,60: +0,80 ↑
    # B1 (1–5): T0 5,5,5,5,5 -> 5,00;       T1 4,5,5,5,5 -> 24/5 = 4,80: -0,20 ↓
    # A2 (1–4): 3 in both waves -> 3,00: 0,00 =
    _answer_wave(world, "T0", [1, 2, 3, 4, 4], [3] * 5, [5] * 5)
    _answer_wave(world, "T1", [3, 3, 4, 4, 4], [3] * 5, [4, 5, 5, 5, 5])
    result = selectors.comparison(world.instrument)
    assert [w.code for w in result.waves] == ["T0", "T1", "T2"]
    rows = {r.item.code: r for r in result.rows}
    assert rows["A1"].means == [Decimal("2.80"), Decimal("3.60"), None]
    assert (rows["A1"].changes[0].delta, rows["A1"].changes[0].arrow) == (Decimal("0.80"), "↑")
    assert rows["A1"].changes[1] is None  # T2 has no answers
    assert (rows["B1"].changes[0].delta, rows["B1"].changes[0].arrow) == (Decimal("-0.20"), "↓")
    assert (rows["A2"].changes[0].delta, rows["A2"].changes[0].arrow) == (Decimal("0.00"), "=")
    assert "A3" not in rows and "F3" not in rows  # no mean for choices and free text

    client.force_login(world.leitung)
    html = client.get(reverse("evaluation:instrument_comparison", args=[world.instrument.pk]))
    html = html.content.decode()
    assert '<span data-testid="change-A1-T1">+0,80 ↑</span>' in html
    assert '<span data-testid="change-B1-T1">-0,20 ↓</span>' in html

    # the committee: block A (1–4: A1 and A2) T0 (14+15)/10 = 2,90, T1 (18+15)/10 = 3,30;
    # block B (1–5: B1 and B2 = 3) T0 (25+15)/10 = 4,00, T1 (24+15)/10 = 3,90
    (summary,) = selectors.committee_summary(world.jugendamt.pk)
    assert summary.wave_codes == ["T0", "T1"]
    blocks = {(b.title, b.scale): b.means for b in summary.blocks}
    assert blocks[("Steuerungsebene / Kernteam", "1–4")] == [Decimal("2.90"), Decimal("3.30")]
    assert blocks[("Verwendung des Sozialraumbudgets", "1–5")] == [Decimal("4.00"), Decimal("3.90")]
    section = render_to_string(
        "evaluation/_committee_section.html", {"evaluation_summary": [summary]}
    )
    assert "2,90" in section and "3,30" in section
    assert "Mehr Zeit" not in section


def test_the_committee_summary_hides_a_wave_below_five(world):
    wave = open_now(world)
    for _inv, token in invite(world, wave, 4):
        _answer(world, token)
    services.wave_close(wave=wave, acting_user=world.staff)
    (summary,) = selectors.committee_summary(world.jugendamt.pk)
    assert all(m is None for b in summary.blocks for m in b.means)
    section = render_to_string(
        "evaluation/_committee_section.html", {"evaluation_summary": [summary]}
    )
    assert "n &lt; 5" in section


def test_free_texts_are_listed_for_staff_and_exported(world, client):
    from openpyxl import load_workbook

    wave = open_now(world)
    for i, (_inv, token) in enumerate(invite(world, wave, 5)):
        _answer(world, token, F3=f"Anregung Nummer {i}")
    client.force_login(world.verwaltung)
    html = client.get(reverse("evaluation:wave_results", args=[wave.pk])).content.decode()
    assert all(f"Anregung Nummer {i}" in html for i in range(5))
    response = client.get(reverse("evaluation:instrument_export", args=[world.instrument.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Ergebnisse", "Vergleich", "Freitexte"]
    texts = [r[2] for r in book["Freitexte"].iter_rows(min_row=2, values_only=True)]
    assert sorted(texts) == [f"Anregung Nummer {i}" for i in range(5)]
    assert AuditEvent.objects.filter(action="evaluation_results.export").exists()


# --- editing, freezing, versions ----------------------------------------------------------


def test_the_template_has_six_blocks_and_every_kind(world):
    blocks = list(world.instrument.blocks.values_list("title", flat=True))
    assert blocks == [
        "Steuerungsebene / Kernteam",
        "Verwendung des Sozialraumbudgets",
        "Sozialraumteams",
        "Stellenprofile",
        "Sozialraumanalyse",
        "Ziele",
    ]
    kinds = {i.kind for i in world.items()}
    assert kinds == {"likert4", "likert5", "single", "multi", "number", "text"}
    assert 12 <= len(world.items()) <= 18
    assert [(w.code, w.closes_on) for w in world.instrument.waves.order_by("code")] == [
        ("T0", datetime.date(2021, 7, 31)),
        ("T1", datetime.date(2022, 7, 31)),
        ("T2", datetime.date(2023, 7, 31)),
    ]


def test_items_can_be_edited_until_the_first_wave_opens_then_frozen(world, client):
    item = world.items()[0]
    client.force_login(world.staff)
    url = reverse("evaluation:item_edit", args=[item.pk])
    data = {
        "text": "Die Rollen im Kernteam sind klar.",
        "kind": "likert5",
        "options": "",
        "required": "on",
    }
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.text, item.kind) == ("Die Rollen im Kernteam sind klar.", "likert5")
    with pytest.raises(ValidationError, match="mindestens zwei Antwortmöglichkeiten"):
        services.item_update(
            item=item,
            text="Wahl",
            kind="single",
            options=["nur eine"],
            required=True,
            acting_user=world.staff,
        )

    open_now(world)
    world.instrument.refresh_from_db()
    assert world.instrument.is_frozen
    with pytest.raises(ValidationError, match="eingefroren"):
        services.item_update(
            item=item,
            text="Neu",
            kind="likert4",
            options=[],
            required=True,
            acting_user=world.staff,
        )
    response = client.post(url, {**data, "text": "Noch einmal geändert"})
    assert response.status_code == 200
    assert "eingefroren" in response.content.decode()
    item.refresh_from_db()
    assert item.text == "Die Rollen im Kernteam sind klar."
    with pytest.raises(ValidationError, match="eingefroren"):
        services.item_delete(item=item, acting_user=world.staff)
    with pytest.raises(ValidationError, match="eingefroren"):
        services.item_create(
            block=item.block,
            text="x",
            kind="text",
            options=[],
            required=False,
            acting_user=world.staff,
        )

    # "Neue Version": a copy to edit, with its own planned waves
    response = client.post(reverse("evaluation:instrument_new_version", args=[world.instrument.pk]))
    copy = world.instrument.__class__.objects.get(code=world.instrument.code, version=2)
    assert response["Location"] == reverse("evaluation:instrument_detail", args=[copy.pk])
    assert not copy.is_frozen and copy.previous == world.instrument
    assert set(copy.waves.values_list("state", flat=True)) == {WaveState.PLANNED}
    copied = Item.objects.get(block__instrument=copy, code=item.code)
    services.item_update(
        item=copied,
        text="Neu in Version 2",
        kind="likert4",
        options=[],
        required=True,
        acting_user=world.staff,
    )
    item.refresh_from_db()
    assert item.text == "Die Rollen im Kernteam sind klar."
    assert AuditEvent.objects.filter(action="evaluation_instrument.new_version").count() == 1


def test_a_wave_past_its_end_does_not_open(world):
    with pytest.raises(ValidationError, match="liegt in der Vergangenheit"):
        services.wave_open(wave=world.wave("T0"), acting_user=world.staff)
    assert not world.instrument.__class__.objects.get(pk=world.instrument.pk).is_frozen


def test_the_daily_tasks_remind_and_close(world, django_capture_on_commit_callbacks):
    from evaluation.tasks import close_expired_waves, remind_due_waves

    wave = open_now(world, weeks=1)
    invite(world, wave, 2)
    Invitation.objects.update(sent_at=timezone.now() - datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_due_waves.delay().get() == 2
    assert len(mail.outbox) == 2
    assert remind_due_waves.delay().get() == 0  # once
    assert close_expired_waves.delay().get() == 0
    wave.__class__.objects.filter(pk=wave.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert close_expired_waves.delay().get() == 1
    wave.refresh_from_db()
    assert wave.state == WaveState.CLOSED


# --- who sees what --------------------------------------------------------------------


def test_a_foreign_jugendamt_gets_404_and_others_403(world, client):
    wave = open_now(world)
    item = world.items()[0]
    fremd = make_user(
        roles.JUGENDAMT, jugendamt=JugendamtFactory(slug="anderswo"), username="fremd"
    )
    urls = [
        reverse("evaluation:instrument_detail", args=[world.instrument.pk]),
        reverse("evaluation:instrument_comparison", args=[world.instrument.pk]),
        reverse("evaluation:instrument_export", args=[world.instrument.pk]),
        reverse("evaluation:wave_detail", args=[wave.pk]),
        reverse("evaluation:wave_results", args=[wave.pk]),
        reverse("evaluation:item_edit", args=[item.pk]),
        reverse("evaluation:item_create", args=[item.block_id]),
    ]
    client.force_login(fremd)
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("wave_open", "wave_close", "wave_invite", "wave_remind", "wave_dates"):
        assert client.post(reverse(f"evaluation:{name}", args=[wave.pk])).status_code == 404
    assert client.get(reverse("evaluation:instrument_list")).status_code == 200
    assert "Evalstadt" not in client.get(reverse("evaluation:instrument_list")).content.decode()

    client.force_login(world.ausschuss)
    assert client.get(reverse("evaluation:instrument_list")).status_code == 403
    assert client.get(urls[0]).status_code == 404
    # Administration reads, but does not manage
    client.force_login(world.verwaltung)
    assert client.get(urls[0]).status_code == 200
    assert client.post(reverse("evaluation:wave_close", args=[wave.pk])).status_code == 404
    wave.refresh_from_db()
    assert wave.state == WaveState.OPEN
