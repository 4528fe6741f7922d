import math

import pytest

from surveys.instrument import VARIABLE_INPUT_CODES
from surveys.models import Response
from surveys.selectors import answers_frame
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory, valid_answers

pytestmark = pytest.mark.django_db


def test_answers_frame_loads_a_whole_round_with_one_query(django_assert_num_queries):
    survey_round = SurveyRoundFactory()
    for _ in range(25):
        ResponseFactory(round=survey_round)
    with django_assert_num_queries(1):
        frame = answers_frame(round_id=survey_round.pk)
    assert len(frame) == 25
    assert list(frame.columns[:4]) == ["kita_id", "kita", "sozialraum_id", "sozialraum"]
    assert list(frame.columns[4:]) == VARIABLE_INPUT_CODES
    assert list(frame["kita_id"]) == sorted(frame["kita_id"])


def test_answers_frame_gives_floats_and_nan_for_unanswered_items():
    survey_round = SurveyRoundFactory()
    response = ResponseFactory(round=survey_round, answers=valid_answers(B3a=None, C1a=""))
    del response.answers["E3d"]
    response.save()
    row = answers_frame(round_id=survey_round.pk).iloc[0]
    assert row["A1"] == 80.0
    assert row["kita"] == response.kita.name
    assert row["sozialraum"] == response.kita.sozialraum.name
    assert math.isnan(row["B3a"]) and math.isnan(row["C1a"]) and math.isnan(row["E3d"])
    assert all(
        str(dtype) == "float64" for dtype in answers_frame(round_id=survey_round.pk).dtypes[4:]
    )


def test_answers_frame_leaves_drafts_out_unless_asked():
    survey_round = SurveyRoundFactory()
    ResponseFactory(round=survey_round)
    draft = ResponseFactory(round=survey_round, status=Response.Status.DRAFT)
    assert draft.kita_id not in set(answers_frame(round_id=survey_round.pk)["kita_id"])
    assert draft.kita_id in set(
        answers_frame(round_id=survey_round.pk, submitted_only=False)["kita_id"]
    )


def test_answers_frame_of_an_empty_round_has_the_columns():
    frame = answers_frame(round_id=SurveyRoundFactory().pk)
    assert frame.empty
    assert "B1" in frame.columns and "sozialraum" in frame.columns
