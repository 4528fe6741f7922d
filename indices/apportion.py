"""Largest-remainder apportionment in exact integer arithmetic (standard library only).

Shared by the index engine (percent and euro shares of the Sozialräume) and the
allocation's step 1, so that both round the same way (methodology.md section 6).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction


def _to_fraction(value: float | int | Decimal | Fraction) -> Fraction:
    if isinstance(value, Fraction | Decimal | int):
        return Fraction(value)
    return Fraction(float(value))


def largest_remainder(
    values: Sequence[float | Decimal], total_units: int, names: Sequence[str]
) -> list[int]:
    """Apportion ``total_units`` whole units proportionally to ``values``.

    Each gets the integer part of its exact quota ``total_units · value / Σ values``; the units
    left over go one each by larger remainder, then larger exact value, then name ascending.
    Exact rational arithmetic: floats count with their exact binary value, Decimals exactly.
    Raises ValueError for negative or non-finite values, a non-positive sum, negative units or
    a length mismatch.
    """
    if len(values) != len(names):
        raise ValueError("values and names differ in length")
    total_units = int(total_units)
    if total_units < 0:
        raise ValueError("total_units must not be negative")
    exact = [_to_fraction(v) for v in values]  # ValueError/OverflowError for NaN/inf
    if any(v < 0 for v in exact):
        raise ValueError("values must not be negative")
    # Exact integer arithmetic on a common denominator (floats: a power of two, Decimals:
    # a power of ten): quota_i = units · n_i / T with n_i = v_i · D and T = Σ n_i, so floors
    # and remainders are integer divisions and all remainders share the denominator T.
    common = math.lcm(*(v.denominator for v in exact)) if exact else 1
    scaled = [v.numerator * (common // v.denominator) for v in exact]
    total = sum(scaled)
    if total <= 0:
        raise ValueError("the values must have a positive sum")
    units, remainders = [], []
    for n in scaled:
        whole, rest = divmod(total_units * n, total)
        units.append(whole)
        remainders.append(rest)
    left = total_units - sum(units)
    order = sorted(range(len(scaled)), key=lambda i: (-remainders[i], -scaled[i], str(names[i])))
    for i in order[:left]:
        units[i] += 1
    return units
