"""The two computations of the quality pages (pure: numpy only, no Django).

Pearson correlation (``pearson``)
    Inputs: two sequences of floats of the same length (NaN/None = missing). Only the pairs
    where both values exist count; ``n`` is their number.
    ``r = Σ (x − x̄)(y − ȳ) / sqrt(Σ (x − x̄)² · Σ (y − ȳ)²)`` (``numpy.corrcoef``),
    dimensionless in [−1, 1]. None when n < 3 or one of the two has no spread.

Jumps between rounds (``jumps``)
    Inputs: ``previous`` and ``current``, (n Kitas × m variables) float arrays in the same
    row and column order (NaN = missing), and the threshold ``k`` (standard deviations).
    Per variable v, over the Kitas with a value in both rounds:
    ``d = current − previous``, ``mean = mean(d)``, ``sd`` = sample standard deviation of
    ``d`` (ddof = 1), ``z = (d − mean) / sd``. A Kita is listed when ``|z| > k``. A variable
    with fewer than three changes or without spread (sd = 0) lists nobody. With the sample
    SD, |z| can never exceed (n − 1)/√n, so below six Kitas no change passes k = 2.
    Output: ``Jump`` tuples (row, column, previous, current, z), by column then row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_PAIRS = 3


def _floats(values: Sequence) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)


def pearson(x: Sequence, y: Sequence) -> tuple[float | None, int]:
    """(r, n) over the pairs where both values exist; r None below 3 pairs or without spread."""
    a, b = _floats(x), _floats(y)
    if a.shape != b.shape:
        raise ValueError("x and y differ in length")
    both = ~np.isnan(a) & ~np.isnan(b)
    n = int(both.sum())
    if n < MIN_PAIRS:
        return None, n
    a, b = a[both], b[both]
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return None, n
    r = float(np.corrcoef(a, b)[0, 1])
    return max(-1.0, min(1.0, r)), n


@dataclass(frozen=True)
class Jump:
    row: int
    column: int
    previous: float
    current: float
    z: float


def jumps(previous: np.ndarray, current: np.ndarray, k: float) -> list[Jump]:
    """The changes more than ``k`` sample SD away from the mean change (see above)."""
    previous = np.asarray(previous, dtype=float)
    current = np.asarray(current, dtype=float)
    if previous.shape != current.shape:
        raise ValueError("previous and current differ in shape")
    if previous.ndim != 2:
        raise ValueError("expected an (n × m) array")
    found: list[Jump] = []
    for j in range(previous.shape[1]):
        d = current[:, j] - previous[:, j]
        rows = np.flatnonzero(~np.isnan(d))
        if len(rows) < MIN_PAIRS:
            continue
        values = d[rows]
        sd = float(np.std(values, ddof=1))
        if not sd > 0:
            continue
        z = (values - float(np.mean(values))) / sd
        for i in np.flatnonzero(np.abs(z) > k).tolist():
            row = int(rows[i])
            found.append(Jump(row, j, float(previous[row, j]), float(current[row, j]), float(z[i])))
    return found
