"""Every validation rule of the instrument, as the form and the import apply them."""

import pytest

from surveys.instrument import COUNT_CODES, ITEMS, ITEMS_BY_CODE, LIKERT_CODES
from surveys.validation import validate_answers
from tests.surveys.factories import valid_answers

REQUIRED = [i.code for i in ITEMS if i.required]


def errors_for(answers, *, complete=True):
    return validate_answers(answers, complete=complete)[1]


def test_complete_valid_answers_pass_and_are_typed():
    cleaned, errors = validate_answers(
        valid_answers(A1="80", A4="12,5", B3a="3", F8="on"), complete=True
    )
    assert errors == {}
    assert cleaned["A1"] == 80 and cleaned["A4"] == "12.5" and cleaned["B3a"] == 3
    assert cleaned["F8"] is True


@pytest.mark.parametrize("value", ["abc", "1.5", "2,5", "1e3", True])
def test_counts_must_be_whole_numbers(value):
    assert errors_for(valid_answers(B2=value))["B2"] == ["Bitte eine ganze Zahl eingeben."]


def test_whole_number_written_with_decimals_is_accepted():
    assert validate_answers(valid_answers(B2="20.0"), complete=True)[0]["B2"] == 20


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("A1", 0, "nicht kleiner als 1"),
        ("A1", 1000, "nicht größer als 999"),
        ("A2", 0, "nicht kleiner als 1"),
        ("B1", -1, "nicht kleiner als 0"),
        ("D2", 0, "nicht kleiner als 1"),
        ("D2", 100, "nicht größer als 99"),
        ("A4", "-0,5", "nicht kleiner als 0"),
        ("A4", "200,01", "nicht größer als 200"),
    ],
)
def test_ranges(code, value, message):
    assert message in errors_for(valid_answers(**{code: value}))[code][0]


@pytest.mark.parametrize("code", [c for c in COUNT_CODES if ITEMS_BY_CODE[c].max_item])
def test_every_count_may_not_exceed_its_denominator(code):
    limit_code = ITEMS_BY_CODE[code].max_item
    answers = valid_answers()
    answers[code] = answers[limit_code] + 1
    # Keep the other counts inside the (smaller) denominator where one changed.
    errors = errors_for(answers)
    assert f"darf nicht größer sein als die Angabe bei {limit_code}" in errors[code][0]
    answers[code] = answers[limit_code]
    assert code not in errors_for(answers)


def test_b1_above_a2_names_the_families():
    message = errors_for(valid_answers(A2=40, B1=41))["B1"][0]
    assert message == "Der Wert 41 darf nicht größer sein als die Angabe bei A2 (Familien: 40)."


def test_a2_above_a1_is_refused():
    assert "A1" in errors_for(valid_answers(A1=50, A2=60))["A2"][0]


@pytest.mark.parametrize("code", LIKERT_CODES)
@pytest.mark.parametrize("value", [0, 5, "7"])
def test_likert_only_one_to_four(code, value):
    assert errors_for(valid_answers(**{code: value}))[code] == [
        "Bitte einen Wert auf der Skala von 1 bis 4 wählen."
    ]


@pytest.mark.parametrize("code", [c for c in REQUIRED if c != "F8"])
def test_required_items_must_be_answered_on_submit_but_not_in_a_draft(code):
    answers = valid_answers()
    del answers[code]
    assert errors_for(answers)[code] == ["Bitte beantworten Sie diese Frage."]
    assert code not in errors_for(answers, complete=False)


@pytest.mark.parametrize("code", ["B3a", "C1d", "C2c", "C3b", "E3d", "A3", "A4", "F5"])
def test_optional_items_may_stay_empty(code):
    answers = valid_answers(**{code: ""})
    assert errors_for(answers) == {}


def test_f8_confirmation_is_needed_to_submit():
    for value in (False, "", None):
        assert errors_for(valid_answers(F8=value))["F8"] == [
            "Bitte bestätigen Sie Ihre Angaben, um den Fragebogen einzureichen."
        ]
    assert "F8" not in errors_for(valid_answers(F8=False), complete=False)


def test_decimal_places_and_format():
    assert errors_for(valid_answers(A4="12,345"))["A4"] == [
        "Bitte höchstens 2 Nachkommastellen angeben."
    ]
    assert errors_for(valid_answers(A4="zwölf"))["A4"] == ["Bitte eine Zahl eingeben, z. B. 12,5."]
    assert validate_answers(valid_answers(A4="7,50"), complete=True)[0]["A4"] == "7.5"


def test_text_length():
    assert "höchstens 200 Zeichen" in errors_for(valid_answers(F7="x" * 201))["F7"][0]
    assert "F1" not in errors_for(valid_answers(F1="x" * 2000))


def test_choices_and_matrix_keys():
    assert "Unbekannte Auswahl: FS9" in errors_for(valid_answers(F3=["FS1", "FS9"]))["F3"][0]
    assert validate_answers(valid_answers(F3="FS3;FS1"), complete=True)[0]["F3"] == ["FS1", "FS3"]
    assert "Unbekannter Netzwerkpartner" in errors_for(valid_answers(F4={"mond": "eng"}))["F4"][0]
    assert "Unbekannte Häufigkeit" in errors_for(valid_answers(F4={"grundschule": "oft"}))["F4"][0]
    cleaned = validate_answers(valid_answers(F4="grundschule=eng;jugendamt="), complete=True)[0]
    assert cleaned["F4"] == {"grundschule": "eng"}


def test_a_draft_is_type_checked():
    cleaned, errors = validate_answers({"A1": "x", "B3a": "9", "A2": "5"}, complete=False)
    assert set(errors) == {"A1", "B3a"}
    assert cleaned == {"A2": 5}


def test_validation_module_needs_no_database():
    import subprocess
    import sys

    code = (
        "from surveys.validation import validate_answers;"
        "print(validate_answers({'A1': 'x'}, complete=False)[1]['A1'][0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Bitte eine ganze Zahl eingeben."
