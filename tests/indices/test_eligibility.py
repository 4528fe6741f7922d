"""The pure eligibility rules of the four funding strands (methodology.md section 8)."""

from decimal import Decimal

from indices import eligibility as e


def test_fs1_needs_gesamtindex_at_least_lower_bound():
    assert e.fs1_eligibility(40.0, 40.0).ok
    below = e.fs1_eligibility(39.9, 40.0)
    assert not below.ok and below.status == e.NOT_ELIGIBLE
    assert e.fs1_eligibility(None, 40.0).status == e.UNKNOWN
    assert e.fs1_eligibility(50.0, None).status == e.UNKNOWN


def test_fs3_above_mean_or_above_lower_with_justification():
    assert e.fs3_eligibility(55.0, 50.0, 40.0).ok
    exception = e.fs3_eligibility(45.0, 50.0, 40.0)
    assert not exception.ok and exception.status == e.WITH_JUSTIFICATION
    assert e.fs3_eligibility(45.0, 50.0, 40.0, "Viele neu zugewanderte Familien").ok
    assert not e.fs3_eligibility(40.0, 50.0, 40.0, "Begründung").ok
    assert not e.fs3_eligibility(50.0, 50.0, 40.0).ok  # equal to mean is not above


def test_fs2_one_centre_confirmed():
    assert e.fs2_eligibility(central_location=True, cross_provider=True, other_centres=0).ok
    assert not e.fs2_eligibility(central_location=True, cross_provider=False, other_centres=0).ok
    assert not e.fs2_eligibility(central_location=True, cross_provider=True, other_centres=1).ok


def test_fs4_needs_an_accepted_request():
    assert not e.fs4_eligibility(None).ok
    assert not e.fs4_eligibility("submitted").ok
    assert not e.fs4_eligibility("declined").ok
    assert e.fs4_eligibility("accepted").ok


def test_fs2_needs_a_centre_and_in_a_kita_both_confirmations():
    assert not e.fs2_eligibility(
        central_location=True, cross_provider=True, other_centres=0, has_centre=False
    ).ok
    separate = e.fs2_eligibility(
        central_location=False, cross_provider=False, other_centres=0, separate_premises=True
    )
    assert separate.ok and separate.code == "fs2_separate"


def test_a_value_on_the_bound_counts_as_published_not_by_its_binary_float():
    # 39.8 as a float is 39.79999999999999715...; as published it is on the bound
    assert e.fs1_eligibility(39.8, Decimal("39.8")).ok
    assert e.fs3_eligibility(Decimal("39.8"), 39.8, 30.0).status == e.WITH_JUSTIFICATION


def test_fs3_exception_counts_only_once_a_second_person_accepted_it():
    # issue 15 (part D): the justified exception may be saved but waits for acceptance
    waiting = e.fs3_eligibility(45.0, 50.0, 40.0, "Viele neu zugewanderte Familien")
    assert waiting.ok and waiting.awaiting and not waiting.counts
    assert waiting.code == "fs3_awaiting_acceptance"
    accepted = e.fs3_eligibility(45.0, 50.0, 40.0, "Viele neu zugewanderte Familien", True)
    assert accepted.counts and accepted.code == "fs3_justified"
    # above the mean nothing waits; an acceptance does not lift a value on the lower bound
    assert e.fs3_eligibility(55.0, 50.0, 40.0).counts
    assert not e.fs3_eligibility(40.0, 50.0, 40.0, "Begründung", accepted=True).counts
