"""Eligibility of a Kita for the four funding strands (pure: standard library only).

Methodology section 8, step 2 of the allocation. The rules read a Kita's index values and
the Kita-level norm range of the same index run; they decide nothing about money. No Django
import here: the evaluation pages (``indices.selectors``), the allocation's lines and
proposals (``allocation.eligibility``, ``allocation.services``) all ask these functions.

Input
    Index values and norms as floats, ints, ``Decimal`` or numeric strings (dimensionless,
    0..100); ``None`` = missing (the Kita has no value in the run, or the run has no norm
    range because fewer than two Kitas had a value). A justification is free text; blank
    (empty or whitespace only) counts as missing. FS2 takes what the Sozialraum's centre
    record says (is there one, in separate premises or in a Kita, its confirmations) and the
    number of other FS2 centres already planned in the Sozialraum. FS4 takes the state of
    the Kita's request the line is linked to (issue 15).

Rules (g = Kita Gesamtindex, fm = Kita FM index, norms of the Kita level)
    - FS1: ``g >= lower(GESAMT)``.
    - FS2: no index criterion; the Sozialraum has a centre (``has_centre``) and
      ``other_centres == 0`` (at most one centre per Sozialraum); a centre in separate
      premises needs nothing more, a centre in a Kita needs central location and
      cross-provider offers both confirmed.
    - FS3: ``fm > mean(FM)``; exception: ``fm > lower(FM)`` with a written justification.
      Equal to the mean is not above it; equal to the lower bound is not even an exception.
      The exception counts (``counts``) only once a second person accepted the
      justification (``accepted``, issue 15); until then it may be saved (``ok``) but
      waits (code ``fs3_awaiting_acceptance``).
    - FS4: the Kita's (or its Träger's) request, accepted by the Jugendamt; no request, or
      one still submitted or declined, is not eligible.
    - FS1 and FS3 are ``UNKNOWN`` when the Kita's value (code ``no_index``) or the norm
      (code ``no_norms``) is missing.

    Comparisons are exact on the values' shortest decimal representation (a float 40.0 is
    40, 43.2 is 43.2 as published), so a value on the bound counts as on the bound.

Output
    ``Eligibility`` (see its docstring): a status (``ELIGIBLE``, ``WITH_JUSTIFICATION``,
    ``NOT_ELIGIBLE``, ``UNKNOWN``), a reason ``code`` (``fs1_ok``, ``fs1_below``,
    ``fs3_needs_justification``, ...), ``ok`` (a line with this result may be saved) and
    ``params`` (the compared numbers as floats, for the German sentence of
    ``allocation.eligibility.message``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

ELIGIBLE = "eligible"
WITH_JUSTIFICATION = "with_justification"
NOT_ELIGIBLE = "not_eligible"
UNKNOWN = "unknown"

# An index value or norm: float from the engine, Decimal or text from elsewhere; None = missing.
Value = float | int | Decimal | str | None


@dataclass(frozen=True)
class Eligibility:
    """The answer of one rule for one Kita and strand.

    ``status``: ELIGIBLE, WITH_JUSTIFICATION (an exception that needs a written
    justification), NOT_ELIGIBLE or UNKNOWN (index values or norms missing).
    ``code`` names the reason (the Django layer turns it into a German sentence with
    ``params``); ``ok`` says whether a line with this result may be saved; ``awaiting``
    that it may be saved but does not count yet (an FS3 exception whose justification no
    second person has accepted); ``counts``: the line counts as eligible.
    """

    status: str
    code: str
    ok: bool
    params: dict = field(default_factory=dict)
    awaiting: bool = False

    @property
    def counts(self) -> bool:
        """Eligible wherever eligibility counts (plan page, exports): saved and not waiting."""
        return self.ok and not self.awaiting


def _exact(value: Value | Fraction) -> Fraction:
    """An exact rational; a float counts with its shortest repr (the value the engine meant)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        return Fraction(Decimal(value))
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _num(value: Value) -> float | None:
    return None if value is None else float(value)


def fs1_eligibility(gesamt: Value, lower: Value) -> Eligibility:
    """FS1: Kita Gesamtindex >= lower norm bound of the Kita Gesamtindex."""
    params = {"value": _num(gesamt), "lower": _num(lower)}
    if gesamt is None:
        return Eligibility(UNKNOWN, "no_index", False, params)
    if lower is None:
        return Eligibility(UNKNOWN, "no_norms", False, params)
    if _exact(gesamt) >= _exact(lower):
        return Eligibility(ELIGIBLE, "fs1_ok", True, params)
    return Eligibility(NOT_ELIGIBLE, "fs1_below", False, params)


def fs2_eligibility(
    *,
    central_location: bool,
    cross_provider: bool,
    other_centres: int,
    has_centre: bool = True,
    separate_premises: bool = False,
) -> Eligibility:
    """FS2: the Sozialraum's one centre; in a Kita centrally located with cross-provider offers."""
    if not has_centre:
        return Eligibility(NOT_ELIGIBLE, "fs2_no_centre", False)
    if other_centres > 0:
        return Eligibility(NOT_ELIGIBLE, "fs2_taken", False)
    if separate_premises:
        return Eligibility(ELIGIBLE, "fs2_separate", True)
    if not central_location or not cross_provider:
        return Eligibility(NOT_ELIGIBLE, "fs2_unconfirmed", False)
    return Eligibility(ELIGIBLE, "fs2_ok", True)


def fs3_eligibility(
    fm: Value, mean: Value, lower: Value, justification: str = "", accepted: bool = False
) -> Eligibility:
    """FS3: FM index > Kita-level FM mean; or > lower bound with a written justification,
    which counts once a second person accepted it (``accepted``)."""
    params = {"value": _num(fm), "mean": _num(mean), "lower": _num(lower)}
    if fm is None:
        return Eligibility(UNKNOWN, "no_index", False, params)
    if mean is None or lower is None:
        return Eligibility(UNKNOWN, "no_norms", False, params)
    if _exact(fm) > _exact(mean):
        return Eligibility(ELIGIBLE, "fs3_ok", True, params)
    if _exact(fm) > _exact(lower):
        if _blank(justification):
            return Eligibility(WITH_JUSTIFICATION, "fs3_needs_justification", False, params)
        if not accepted:
            return Eligibility(
                WITH_JUSTIFICATION, "fs3_awaiting_acceptance", True, params, awaiting=True
            )
        return Eligibility(WITH_JUSTIFICATION, "fs3_justified", True, params)
    return Eligibility(NOT_ELIGIBLE, "fs3_below", False, params)


FS4_ACCEPTED = "accepted"  # ``foerderung.models.Fs4RequestState.ACCEPTED``


def fs4_eligibility(request_state: str | None = None) -> Eligibility:
    """FS4: the Kita's request, accepted by the Jugendamt (``request_state`` None: no
    request linked to the line)."""
    if request_state is None:
        return Eligibility(NOT_ELIGIBLE, "fs4_no_request", False)
    if request_state != FS4_ACCEPTED:
        return Eligibility(NOT_ELIGIBLE, "fs4_not_accepted", False)
    return Eligibility(ELIGIBLE, "fs4_accepted", True)
