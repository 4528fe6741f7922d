"""Plausibility checks between rounds (issue 18): jumps beyond k SD of all Kitas' changes,
the staff's decisions, the correction request that reopens the questionnaire, and the
close of a checked round that waits for the decisions."""

import datetime
import math
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from quality import checks, services
from quality.models import PlausibilityCheck, PlausibilityFinding
from sozialraeume import roles
from surveys import services as survey_services
from surveys.models import Response, SurveyRound
from tests.factories import KitaFactory, SozialraumFactory, make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory, stored_answers

# FM3 is the answer D2 itself: the changes 0, 1, 0, 1, 0, 1, 0, 13 have mean 2 and sample
# SD sqrt(140 / 7) = sqrt(20); the last Kita is (13 − 2) / sqrt(20) = 2.46 SD away.
BIG = [0, 1, 0, 1, 0, 1, 0, 13]
# 0, 1, 0, 1, 0, 1, 0, 2: mean 0.625, SD 0.744; the 2 is only 1.85 SD away.
SMALL = [0, 1, 0, 1, 0, 1, 0, 2]


def test_the_check_computation_is_pure():
    code = (
        "import sys, quality.checks; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(loaded); assert not loaded"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_jump_beyond_two_sd_is_found_on_the_hand_example_and_a_small_one_is_not():
    previous = np.full((8, 1), 7.0)
    found = checks.jumps(previous, previous + np.array(BIG, dtype=float)[:, None], 2)
    assert [(j.row, j.column, j.previous, j.current) for j in found] == [(7, 0, 7.0, 20.0)]
    assert found[0].z == pytest.approx(11 / math.sqrt(20))
    assert checks.jumps(previous, previous + np.array(SMALL, dtype=float)[:, None], 2) == []
    # a higher threshold lists nothing, a missing value takes no part
    assert checks.jumps(previous, previous + np.array(BIG, dtype=float)[:, None], 2.5) == []
    holes = previous.copy()
    holes[7, 0] = np.nan
    assert checks.jumps(holes, previous + np.array(BIG, dtype=float)[:, None], 2) == []


def test_below_six_kitas_no_change_can_pass_two_sample_sd():
    previous = np.zeros((5, 1))
    assert checks.jumps(previous, np.array([[0.0], [0], [0], [0], [1000]]), 2) == []


@pytest.fixture
def world(db):
    sozialraum = SozialraumFactory(name="Nord")
    jugendamt = sozialraum.jugendamt
    before = SurveyRoundFactory(
        jugendamt=jugendamt, code="2020", stichtag=datetime.date(2020, 10, 1), state="geschlossen"
    )
    now = SurveyRoundFactory(jugendamt=jugendamt, code="2027", stichtag=datetime.date(2027, 10, 1))
    kitas = [KitaFactory(sozialraum=sozialraum, name=f"Kita {i}") for i in range(8)]
    for kita in kitas:
        ResponseFactory(round=before, kita=kita, answers=stored_answers(D2=7))
    return {
        "jugendamt": jugendamt,
        "before": before,
        "now": now,
        "kitas": kitas,
        "staff": make_user(roles.JUGENDAMT, jugendamt=jugendamt),
        "admin": make_user(roles.ADMINISTRATION, jugendamt=jugendamt),
        "leader": make_user(roles.KITA_LEITUNG, kitas=[kitas[7]]),
        "foreign": make_user(roles.JUGENDAMT),
    }


def _answer(world, changes):
    for kita, change in zip(world["kitas"], changes, strict=True):
        ResponseFactory(round=world["now"], kita=kita, answers=stored_answers(D2=7 + change))


def test_the_check_lists_the_big_jump_of_the_round_and_audits_it(world):
    _answer(world, BIG)
    check = services.plausibility_check_run(survey_round=world["now"], acting_user=world["staff"])
    assert check.previous_round == world["before"] and check.k == Decimal("2")
    finding = PlausibilityFinding.objects.get()
    assert (finding.kita, finding.variable, finding.previous, finding.current) == (
        world["kitas"][7],
        "FM3",
        7.0,
        20.0,
    )
    assert finding.state == "open" and finding.z == pytest.approx(2.4597, abs=1e-4)
    event = AuditEvent.objects.get(action="plausibility.check")
    assert event.new == {"previous_round": "2020", "k": "2,00", "findings": 1, "open": 1}


def test_a_small_change_is_not_listed(world):
    _answer(world, SMALL)
    services.plausibility_check_run(survey_round=world["now"], acting_user=world["staff"])
    assert not PlausibilityFinding.objects.exists()


def test_the_threshold_is_configurable_per_check_and_typed_in_german(client, world):
    _answer(world, BIG)
    client.force_login(world["staff"])
    url = reverse("quality:plausibility_check", args=[world["now"].pk])
    response = client.post(url, {"k": "2,5"})
    assert response.status_code == 302
    assert PlausibilityCheck.objects.get().k == Decimal("2.5")
    assert not PlausibilityFinding.objects.exists()
    page = client.get(reverse("quality:plausibility", args=[world["now"].pk]))
    assert 'inputmode="decimal"' in page.content.decode()
    response = client.post(url, {"k": "0,1"})
    assert "mindestens" in response.content.decode()
    assert PlausibilityCheck.objects.count() == 1


def test_staff_confirm_a_finding_with_a_note(world):
    _answer(world, BIG)
    services.plausibility_check_run(survey_round=world["now"], acting_user=world["staff"])
    finding = PlausibilityFinding.objects.get()
    with pytest.raises(ValidationError):
        services.finding_confirm(finding=finding, note="  ", acting_user=world["staff"])
    decided = services.finding_confirm(
        finding=finding, note="Neue Sprachfördergruppe", acting_user=world["staff"]
    )
    assert decided.state == "confirmed" and decided.decided_by == world["staff"]
    event = AuditEvent.objects.get(action="plausibility_finding.confirm")
    assert event.new["note"] == "Neue Sprachfördergruppe" and event.old == {"state": "open"}
    with pytest.raises(ValidationError, match="schon entschieden"):
        services.finding_confirm(finding=finding, note="noch mal", acting_user=world["staff"])
    # a second check keeps the decision while the values are the same
    services.plausibility_check_run(survey_round=world["now"], acting_user=world["staff"])
    assert PlausibilityFinding.objects.get().state == "confirmed"


def test_correction_request_reopens_the_questionnaire_with_the_reason_and_the_leader_sees_it(
    client, world, django_capture_on_commit_callbacks
):
    _answer(world, BIG)
    services.plausibility_check_run(survey_round=world["now"], acting_user=world["staff"])
    finding = PlausibilityFinding.objects.get()
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("quality:finding_decide", args=[finding.pk]),
            {"decision": "correct", "note": "Bitte D2 prüfen: 20 Kinder statt 7?"},
        )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == "correction_requested"
    questionnaire = Response.objects.get(round=world["now"], kita=world["kitas"][7])
    assert questionnaire.status == Response.Status.DRAFT
    assert questionnaire.review_state == Response.Review.RUECKFRAGE
    reopened = AuditEvent.objects.get(action="response_reopened")
    assert "Bitte D2 prüfen: 20 Kinder statt 7?" in reopened.reason
    assert AuditEvent.objects.filter(action="plausibility_finding.request_correction").count() == 1
    # the Kita leader reads the reason: by mail, and on the page of correction requests
    assert [m.to for m in mail.outbox] == [[world["leader"].email]]
    assert "Bitte D2 prüfen: 20 Kinder statt 7?" in mail.outbox[0].body
    client.force_login(world["leader"])
    page = client.get(reverse("quality:corrections"))
    assert page.status_code == 200
    assert "Bitte D2 prüfen: 20 Kinder statt 7?" in page.content.decode()
    # ... and can correct it: the questionnaire is a draft again
    survey_services.response_submit(
        survey_round=world["now"],
        kita=world["kitas"][7],
        answers=stored_answers(D2=8),
        version=questionnaire.version,
        acting_user=world["leader"],
    )
    services.plausibility_check_run(survey_round=world["now"], acting_user=world["staff"])
    assert PlausibilityFinding.objects.get().state == "correction_requested"  # kept as record


def test_only_planners_of_the_jugendamt_decide(client, world):
    _answer(world, BIG)
    services.plausibility_check_run(survey_round=world["now"], acting_user=world["staff"])
    finding = PlausibilityFinding.objects.get()
    for user in (world["leader"], world["admin"]):
        with pytest.raises(PermissionDenied):
            services.finding_request_correction(finding=finding, note="x", acting_user=user)
        with pytest.raises(PermissionDenied):
            services.plausibility_check_run(survey_round=world["now"], acting_user=user)
    url = reverse("quality:finding_decide", args=[finding.pk])
    client.force_login(world["leader"])
    assert client.post(url, {"decision": "confirm", "note": "x"}).status_code == 403
    client.force_login(world["foreign"])
    assert client.post(url, {"decision": "confirm", "note": "x"}).status_code == 404
    page = reverse("quality:plausibility", args=[world["now"].pk])
    assert client.get(page).status_code == 404
    client.force_login(world["admin"])  # staff, not a planner: reads, does not decide
    assert client.get(page).status_code == 200
    assert client.post(url, {"decision": "confirm", "note": "x"}).status_code == 403
    finding.refresh_from_db()
    assert finding.state == "open"
    assert Response.objects.filter(status=Response.Status.DRAFT).count() == 0


def test_a_checked_round_closes_only_when_every_jump_is_decided(client, world):
    _answer(world, BIG)
    services.plausibility_check_run(survey_round=world["now"], acting_user=world["staff"])
    with pytest.raises(ValidationError, match="noch nicht geschlossen werden: 1 auffällige"):
        survey_services.round_close(survey_round=world["now"], acting_user=world["staff"])
    world["now"].refresh_from_db()
    assert world["now"].state == SurveyRound.State.OFFEN
    client.force_login(world["staff"])
    page = client.get(reverse("quality:plausibility", args=[world["now"].pk])).content.decode()
    assert 'data-testid="plausibility-waiting"' in page
    services.finding_confirm(
        finding=PlausibilityFinding.objects.get(), note="stimmt", acting_user=world["staff"]
    )
    closed = survey_services.round_close(survey_round=world["now"], acting_user=world["staff"])
    assert closed.state == SurveyRound.State.GESCHLOSSEN


def test_an_unchecked_round_is_checked_at_its_close_and_closes(world):
    _answer(world, BIG)
    closed = survey_services.round_close(survey_round=world["now"], acting_user=world["staff"])
    assert closed.state == SurveyRound.State.GESCHLOSSEN
    assert PlausibilityCheck.objects.get().run_by == world["staff"]
    assert PlausibilityFinding.objects.get().state == "open"
    # in a closed round the Kita cannot correct any more
    with pytest.raises(ValidationError, match="offenen Runde"):
        services.finding_request_correction(
            finding=PlausibilityFinding.objects.get(), note="x", acting_user=world["staff"]
        )
