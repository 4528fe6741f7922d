"""The lean field templates render what crispy-forms' default templates rendered."""

import re

import pytest
from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from crispy_forms.utils import render_crispy_form

from surveys.forms import INPUT_TEMPLATE, LIKERT_TEMPLATE, QuestionnaireForm
from surveys.instrument import ITEMS_BY_CODE
from surveys.templatetags.questionnaire_fields import input_tag, radio_options
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db

OPTIONAL, REQUIRED = "B3a", "D5"


def _visible(html: str) -> str:
    """HTML as a browser reads it: every run of white space is one space."""
    return re.sub(r"\s+", " ", html).strip()


def _render(form, layout_object) -> str:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(layout_object)
    return render_crispy_form(form, helper)


def _both(make_form, code):
    crispy = _render(make_form(), InlineRadios(code))
    lean = _render(make_form(), Field(code, template=LIKERT_TEMPLATE))
    return _visible(crispy), _visible(lean)


def test_items_under_test_are_an_optional_and_a_required_likert_item():
    assert ITEMS_BY_CODE[OPTIONAL].kind == ITEMS_BY_CODE[REQUIRED].kind == "likert"
    assert not ITEMS_BY_CODE[OPTIONAL].required
    assert ITEMS_BY_CODE[REQUIRED].required


@pytest.mark.parametrize("code", [OPTIONAL, REQUIRED])
def test_empty_questionnaire_renders_the_same_radio_group(code):
    survey_round = SurveyRoundFactory()
    crispy, lean = _both(lambda: QuestionnaireForm(survey_round=survey_round), code)
    assert f'name="{code}"' in lean
    assert lean == crispy


@pytest.mark.parametrize("code", [OPTIONAL, REQUIRED])
def test_saved_answer_renders_the_same_checked_option(code):
    response = ResponseFactory(status="draft", answers={code: 3})
    crispy, lean = _both(
        lambda: QuestionnaireForm(survey_round=response.round, response=response), code
    )
    assert re.search(rf'value="3"\s+id="id_{code}_2" checked', lean)
    assert lean == crispy


def test_invalid_answer_renders_the_same_error_and_aria_attributes():
    survey_round = SurveyRoundFactory()

    def make_form():
        form = QuestionnaireForm(
            {"version": "0", OPTIONAL: "9", REQUIRED: ""},
            survey_round=survey_round,
            complete=True,
        )
        assert not form.is_valid()
        return form

    for code in (OPTIONAL, REQUIRED):
        crispy, lean = _both(make_form, code)
        assert 'aria-invalid="true"' in lean
        assert f'aria-describedby="id_{code}_helptext id_{code}_error"' in lean
        assert f'id="error_1_id_{code}"' in lean
        assert lean == crispy


def test_radio_options_checks_no_answer_when_an_optional_item_is_empty():
    form = QuestionnaireForm(survey_round=SurveyRoundFactory())
    options = radio_options(form[OPTIONAL])
    assert [o["id"] for o in options] == [f"id_{OPTIONAL}_{i}" for i in range(5)]
    assert [o["checked"] for o in options] == [False, False, False, False, True]
    assert options[-1]["value"] == ""
    assert not any(o["checked"] for o in radio_options(form[REQUIRED]))


def test_radio_options_checks_nothing_for_a_value_outside_the_scale():
    form = QuestionnaireForm({"version": "0", REQUIRED: "7"}, survey_round=SurveyRoundFactory())
    assert not any(o["checked"] for o in radio_options(form[REQUIRED]))
    form = QuestionnaireForm({"version": "0", REQUIRED: "2"}, survey_round=SurveyRoundFactory())
    assert [o["value"] for o in radio_options(form[REQUIRED]) if o["checked"]] == ["2"]


# A1 int, A4 decimal, F7 one-line text, F1 text area
INPUTS = ["A1", "A4", "F7", "F1"]


def _both_inputs(make_form, code):
    crispy = _render(make_form(), Field(code))
    lean = _render(make_form(), Field(code, template=INPUT_TEMPLATE))
    return _visible(crispy), _visible(lean)


def test_input_items_under_test_cover_every_input_kind():
    form = QuestionnaireForm(survey_round=SurveyRoundFactory())
    widgets = {type(form[code].field.widget).__name__ for code in INPUTS}
    # no type=number anywhere (srb_project.numbers): counts and decimals are text inputs
    assert widgets == {"IntegerTextInput", "DecimalTextInput", "TextInput", "Textarea"}


@pytest.mark.parametrize("code", INPUTS)
def test_empty_input_renders_the_same(code):
    survey_round = SurveyRoundFactory()
    crispy, lean = _both_inputs(lambda: QuestionnaireForm(survey_round=survey_round), code)
    assert f'name="{code}"' in lean
    assert lean == crispy


@pytest.mark.parametrize("code", INPUTS)
def test_saved_input_renders_the_same_value_escaped(code):
    value = {"A1": 80, "A4": "12.5", "F7": 'Frau "A" <b>', "F1": "a & b\n<i>x</i>"}[code]
    response = ResponseFactory(status="draft", answers={code: value})
    crispy, lean = _both_inputs(
        lambda: QuestionnaireForm(survey_round=response.round, response=response), code
    )
    assert "<b>" not in lean and "<i>" not in lean
    assert lean == crispy


@pytest.mark.parametrize("code", INPUTS)
def test_invalid_input_renders_the_same_error_and_aria_attributes(code):
    survey_round = SurveyRoundFactory()
    typed = {"A1": "abc", "A4": "1,234", "F7": "x" * 300, "F1": "y" * 3000}[code]

    def make_form():
        # complete=True: every finding is a field error (a draft only refuses values that
        # cannot be stored, issue 14).
        form = QuestionnaireForm(
            {"version": "0", code: typed}, survey_round=survey_round, complete=True
        )
        assert code in form.errors
        return form

    crispy, lean = _both_inputs(make_form, code)
    assert 'aria-invalid="true"' in lean
    assert f'aria-describedby="id_{code}_helptext id_{code}_error"' in lean
    assert "is-invalid" in lean
    assert lean == crispy


def test_input_tag_keeps_the_widget_attributes_and_adds_form_control():
    form = QuestionnaireForm(survey_round=SurveyRoundFactory())
    html = input_tag(form["A1"])
    assert html.startswith('<input type="text" name="A1" inputmode="numeric"')
    assert 'class="integertextinput form-control"' in html
    assert html.endswith('aria-describedby="id_A1_helptext" id="id_A1">')
