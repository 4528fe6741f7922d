"""Services: round workflow, permissions, locking, audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from sozialraeume import roles
from surveys import services
from surveys.models import Response
from tests.factories import KitaFactory, make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory, valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_user(roles.JUGENDAMT)


def test_round_goes_vorbereitet_offen_geschlossen_and_never_back(staff):
    survey_round = SurveyRoundFactory(jugendamt=staff.jugendamt, state="vorbereitet")
    with pytest.raises(ValidationError):
        services.round_close(survey_round=survey_round, acting_user=staff)
    survey_round = services.round_open(survey_round=survey_round, acting_user=staff)
    assert survey_round.opens_on is not None
    survey_round = services.round_close(survey_round=survey_round, acting_user=staff)
    assert survey_round.state == "geschlossen"
    with pytest.raises(ValidationError):
        services.round_open(survey_round=survey_round, acting_user=staff)


def test_only_staff_of_the_same_jugendamt_manage_rounds(staff):
    survey_round = SurveyRoundFactory(state="vorbereitet")
    with pytest.raises(PermissionDenied):
        services.round_open(survey_round=survey_round, acting_user=staff)
    kita = KitaFactory(sozialraum__jugendamt=survey_round.jugendamt)
    leader = make_user(roles.KITA_LEITUNG, kitas=[kita])
    with pytest.raises(PermissionDenied):
        services.round_open(survey_round=survey_round, acting_user=leader)


def test_kita_leader_cannot_write_into_a_closed_round_or_for_another_kita():
    survey_round = SurveyRoundFactory(state="geschlossen")
    kita = KitaFactory(sozialraum__jugendamt=survey_round.jugendamt)
    leader = make_user(roles.KITA_LEITUNG, kitas=[kita])
    with pytest.raises(services.RoundNotOpenError):
        services.response_save_draft(
            survey_round=survey_round, kita=kita, answers={}, version=0, acting_user=leader
        )
    open_round = SurveyRoundFactory(jugendamt=survey_round.jugendamt)
    other = KitaFactory(sozialraum__jugendamt=survey_round.jugendamt)
    with pytest.raises(PermissionDenied):
        services.response_save_draft(
            survey_round=open_round, kita=other, answers={}, version=0, acting_user=leader
        )


def test_submit_validates_again_and_writes_audit_events():
    survey_round = SurveyRoundFactory()
    kita = KitaFactory(sozialraum__jugendamt=survey_round.jugendamt)
    leader = make_user(roles.KITA_LEITUNG, kitas=[kita])
    with pytest.raises(ValidationError) as excinfo:
        services.response_submit(
            survey_round=survey_round,
            kita=kita,
            answers=valid_answers(B1=999),
            version=0,
            acting_user=leader,
        )
    assert "B1" in excinfo.value.message_dict
    response = services.response_submit(
        survey_round=survey_round, kita=kita, answers=valid_answers(), version=0, acting_user=leader
    )
    assert response.status == "submitted" and response.review_state == "in_pruefung"
    with pytest.raises(services.AlreadySubmittedError):
        services.response_save_draft(
            survey_round=survey_round, kita=kita, answers={}, version=1, acting_user=leader
        )
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["response_submitted"]


def test_reopen_needs_a_reason_and_a_submitted_questionnaire(staff):
    response = ResponseFactory(round=SurveyRoundFactory(jugendamt=staff.jugendamt))
    with pytest.raises(ValidationError):
        services.response_reopen(response=response, reason="  ", acting_user=staff)
    reopened = services.response_reopen(
        response=response, reason="Bitte D2 prüfen", acting_user=staff
    )
    assert reopened.status == Response.Status.DRAFT and reopened.version == response.version + 1
    with pytest.raises(ValidationError):
        services.response_reopen(response=reopened, reason="nochmal", acting_user=staff)


def test_review_state_must_be_known(staff):
    response = ResponseFactory(round=SurveyRoundFactory(jugendamt=staff.jugendamt))
    with pytest.raises(ValidationError):
        services.response_review(
            response=response, review_state="super", comment="", acting_user=staff
        )
    services.response_review(
        response=response, review_state="geprueft", comment="ok", acting_user=staff
    )
    response.refresh_from_db()
    assert response.get_review_state_display() == "geprüft"


@pytest.mark.parametrize("code", ["2027\r\nX", "20 27", "runden", "a/b", ""])
def test_round_create_refuses_a_code_the_pages_cannot_carry_and_saves_nothing(staff, code):
    import datetime

    from surveys.models import SurveyRound

    with pytest.raises(ValidationError) as error:
        services.round_create(
            jugendamt=staff.jugendamt,
            code=code,
            stichtag=datetime.date(2027, 1, 1),
            acting_user=staff,
        )
    assert "code" in error.value.message_dict
    assert not SurveyRound.objects.filter(jugendamt=staff.jugendamt).exists()
    assert not AuditEvent.objects.filter(action="round_created").exists()


# --- issue 14: drafts always save; submit sends the stored draft ------------------------


def _leader_and_round():
    survey_round = SurveyRoundFactory()
    kita = KitaFactory(sozialraum__jugendamt=survey_round.jugendamt)
    return survey_round, kita, make_user(roles.KITA_LEITUNG, kitas=[kita])


def test_a_draft_keeps_contradictions_and_values_out_of_range():
    survey_round, kita, leader = _leader_and_round()
    response = services.response_save_draft(
        survey_round=survey_round,
        kita=kita,
        answers={"A1": "80", "A2": "70", "B1": "75", "A3": "5000", "A4": "1,234"},
        version=0,
        acting_user=leader,
    )
    assert response.answers == {"A1": 80, "A2": 70, "B1": 75, "A3": 5000, "A4": "1.234"}
    assert response.status == "draft"


def test_a_draft_refuses_only_values_that_cannot_be_stored():
    survey_round, kita, leader = _leader_and_round()
    with pytest.raises(ValidationError) as excinfo:
        services.response_save_draft(
            survey_round=survey_round,
            kita=kita,
            answers={"A1": "viele", "A2": "70"},
            version=0,
            acting_user=leader,
        )
    assert list(excinfo.value.message_dict) == ["A1"]
    assert not Response.objects.exists()


def test_autosave_writes_its_own_audit_action_with_the_open_problems():
    survey_round, kita, leader = _leader_and_round()
    services.response_save_draft(
        survey_round=survey_round,
        kita=kita,
        answers={"A1": "80", "A2": "70", "B1": "75"},
        version=0,
        acting_user=leader,
        automatic=True,
    )
    event = AuditEvent.objects.get()
    assert event.action == "response.autosaved"
    assert event.new == {"status": "draft", "version": 1, "problems": 1}


def test_submit_without_answers_sends_the_stored_draft_at_its_version():
    survey_round, kita, leader = _leader_and_round()
    draft = services.response_save_draft(
        survey_round=survey_round,
        kita=kita,
        answers=valid_answers(B1=75),
        version=0,
        acting_user=leader,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.response_submit(
            survey_round=survey_round, kita=kita, version=draft.version, acting_user=leader
        )
    assert "B1" in excinfo.value.message_dict
    draft = services.response_save_draft(
        survey_round=survey_round,
        kita=kita,
        answers=valid_answers(),
        version=draft.version,
        acting_user=leader,
    )
    with pytest.raises(services.StaleVersionError):
        services.response_submit(
            survey_round=survey_round, kita=kita, version=draft.version - 1, acting_user=leader
        )
    other = make_user(roles.KITA_LEITUNG, kitas=[KitaFactory()])
    with pytest.raises(PermissionDenied):
        services.response_submit(
            survey_round=survey_round, kita=kita, version=draft.version, acting_user=other
        )
    submitted = services.response_submit(
        survey_round=survey_round, kita=kita, version=draft.version, acting_user=leader
    )
    assert submitted.status == "submitted" and submitted.answers == draft.answers
    with pytest.raises(services.AlreadySubmittedError):
        services.response_submit(
            survey_round=survey_round, kita=kita, version=submitted.version, acting_user=leader
        )
