"""The need index, from questionnaire answers to shares of the budget (pure: numpy/pandas only).

Method "Bad Kreuznach 2021" (``docs``: methodology sections 1-6). No Django import here: the
same code runs in the web app (via ``indices.services``), in the database-free command
``compute_indices`` and in the benchmark. Everything is vectorised over the Kitas.

Input
    ``frame``: a pandas DataFrame, one row per Kita, with the columns

    - ``kita``: the Kita's name (unique, it becomes the index of the results),
    - ``sozialraum``: the name of its Sozialraum (a missing value: the Kita belongs to none
      and takes no part in the Sozialraum level),
    - numeric item columns named by item code (``surveys.instrument.VARIABLE_INPUT_CODES``;
      counts in persons, Likert answers 1..4, NaN/None = not answered). A column that is absent
      counts as not answered by anyone. Further columns are ignored.

    ``budget_cents``: the state allocation in whole cents (optional).

    ``method``: an ``indices.method.Method`` (optional, default ``DEFAULT_METHOD`` = "Bad
    Kreuznach 2021", exactly the formulas below). Its parameters change the steps marked
    [method] below; their definitions are in ``indices.method``.

Formulas (x = value of a Kita, v = variable, k = Kita, s = Sozialraum)
    1. Variables (``surveys.instrument.VARIABLES``), oriented "higher = more need":
       share ``100 · a / b`` in percent (missing when a or b is missing or b <= 0);
       mean = arithmetic mean of the answered sub-items (missing when none is answered);
       value = the item itself; reverse = ``5 − item``; reverse_mean = ``5 − mean``.
    2. Standard points (0..100, dimensionless), over the Kitas with a value for v:
       ``SP(k, v) = 100 · (x(k, v) − min_v) / (max_v − min_v)``. When max_v == min_v
       (no spread, which includes fewer than two values) v is excluded for the whole round:
       nobody gets an SP for it and ``warnings`` names it
       (``"Variable FM5 ohne Streuung: für diese Runde ausgeschlossen"``).
       [method ``winsorize=(lo, hi)``] x is first clipped to the lo-th and hi-th percentile of
       v over the Kitas with a value; min_v and max_v are then the clipped extremes.
    3. Kita category index (AB, SL, FM, IN) = mean of the Kita's available SPs of the
       category's variables (missing when none). GESAMT = mean of the four category indices,
       missing when any is missing; such a Kita is "incomplete" (``complete`` False).
       [method ``min_answered=q``] the category index is missing unless the Kita has SPs for
       at least the share q of the category's variables that are not excluded.
    4. Sozialraum category index = unweighted mean of the category indices of its complete
       Kitas; Sozialraum GESAMT = mean of its four category indices. A Sozialraum without a
       complete Kita has no index, no percent and no amount, and ``warnings`` names it
       (``"Sozialraum X ohne vollständige Kita: kein Index und kein Anteil"``); the remaining
       Sozialräume share 100 %. (Step 1 of the allocation refuses to run in that case; this
       module only reports it.)
       [method ``weighting="children"``] the mean is weighted by the Kita's children count A1
       (``Σ A1·x / Σ A1``); a complete Kita without a positive A1 has weight 0 (warning), and
       a Sozialraum whose weights sum to 0 has no index (warning).
    5. Norm range per index and level (Kitas with a value / Sozialräume with a value):
       mean, sample standard deviation (ddof = 1; [method ``sd="population"``] ddof = 0),
       ``lower = mean − sd``,
       ``upper = mean + sd``; class ``"unterhalb"`` if value < lower, ``"oberhalb"`` if
       value > upper, else ``"innerhalb"``. With fewer than two values sd, lower and upper are
       None (mean with one value is still given) and no class is given.
    6. Step 1: ``share(s) = G(s) / Σ G`` over the Sozialräume with a GESAMT G. ``percent``
       = share in percent, apportioned in units of 0.01 % by the largest-remainder method so
       that the percents add up to exactly 100.00; ``amount_cents`` = budget · share (the exact
       share, not the rounded percent), apportioned in whole cents by the largest-remainder
       method so that the amounts add up to the budget. Ties: larger remainder, then larger
       exact value, then name ascending. The apportionment is done in exact rational
       arithmetic (``fractions.Fraction``) on the float values. When Σ G is 0 there are no
       shares (warning).

Row order
    The results do not depend on the order of the rows, bit for bit: sums over Kitas (Sozialraum
    means, norms) are taken in ascending value order.

Output
    ``IndexResult`` (see its docstring); ``IndexResult.to_json()`` gives the dictionary of
    methodology section 10 (numbers unrounded; percent and euro amounts with two decimals;
    missing = None).
"""

from __future__ import annotations

import json
import warnings as warnings_module
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from indices.apportion import largest_remainder  # noqa: F401 - part of this module's API
from indices.method import DEFAULT_METHOD, Method
from surveys.instrument import CATEGORIES, VARIABLES

# Stored with each run; change it whenever the same answers would give other numbers
# (a run of another version is recomputed even if the answers did not change).
METHOD_VERSION = "Bad Kreuznach 2021"
CATEGORY_CODES: tuple[str, ...] = tuple(CATEGORIES)  # AB, SL, FM, IN
INDEX_CODES: tuple[str, ...] = (*CATEGORY_CODES, "GESAMT")
VARIABLE_CODES: tuple[str, ...] = tuple(VARIABLES)
CLASS_COLUMNS: tuple[str, ...] = tuple(f"class_{code}" for code in INDEX_CODES)
PERCENT_UNITS = 10_000  # 100.00 % in steps of 0.01 %

BELOW, INSIDE, ABOVE = "unterhalb", "innerhalb", "oberhalb"


def warning_no_spread(variable: str) -> str:
    return f"Variable {variable} ohne Streuung: für diese Runde ausgeschlossen"


def warning_sozialraum_without_index(name: str) -> str:
    return f"Sozialraum {name} ohne vollständige Kita: kein Index und kein Anteil"


WARNING_ZERO_SUM = "Summe der Gesamtindizes ist 0: keine Anteile berechenbar"


def warning_kita_without_children(name: str) -> str:
    return f"Kita {name} ohne Kinderzahl (A1): zählt bei der Gewichtung nach Kindern nicht"


def warning_sozialraum_without_children(name: str) -> str:
    return (
        f"Sozialraum {name} ohne Kinderzahl (A1) einer vollständigen Kita: "
        "kein Index und kein Anteil"
    )


@dataclass
class IndexResult:
    """Everything one computation produces.

    - ``variables``: DataFrame indexed by Kita name, the 18 variable columns (units as in
      ``surveys.instrument.VARIABLES``: percent, mean Likert score, count), NaN = missing.
    - ``points``: same shape, standard points 0..100, NaN = missing or variable excluded.
    - ``minmax``: ``{variable: (min, max)}``, None for an excluded variable.
    - ``kitas``: DataFrame indexed by Kita name (input order): ``sozialraum``, ``AB``, ``SL``,
      ``FM``, ``IN``, ``GESAMT`` (float, NaN = missing), ``complete`` (bool),
      ``class_AB`` .. ``class_GESAMT`` (str or None).
    - ``sozialraeume``: DataFrame indexed by Sozialraum name (sorted): the five indices, the
      five classes, ``percent`` (float with two decimals, NaN without index), ``amount_cents``
      (int, or None without index or without budget), ``kita_count`` (complete Kitas).
    - ``norms``: ``{"kita": {index: {"mean", "sd", "lower", "upper"}}, "sozialraum": {...}}``,
      None where undefined.
    - ``warnings``: German messages (excluded variables, Sozialräume without index).
    - ``budget_cents``: the budget the amounts were computed for (None: no amounts).
    - ``method``: the method the values were computed with (not part of the JSON).
    """

    variables: pd.DataFrame
    points: pd.DataFrame
    minmax: dict[str, tuple[float, float] | None]
    kitas: pd.DataFrame
    sozialraeume: pd.DataFrame
    norms: dict[str, dict[str, dict[str, float | None]]]
    warnings: list[str] = field(default_factory=list)
    budget_cents: int | None = None
    method: Method = DEFAULT_METHOD

    def to_json(self) -> dict:
        """The dictionary of methodology section 10 (``json.dumps`` it, or use ``dumps``)."""
        kitas = self.kitas
        k_values = [_nullable(kitas[c].to_numpy(dtype=float)) for c in INDEX_CODES]
        k_classes = [kitas[c].tolist() for c in CLASS_COLUMNS]
        k_complete = kitas["complete"].tolist()
        kita_json = {
            name: {
                "AB": ab,
                "SL": sl,
                "FM": fm,
                "IN": in_,
                "GESAMT": g,
                "complete": complete,
                "class": {"AB": c_ab, "SL": c_sl, "FM": c_fm, "IN": c_in, "GESAMT": c_g},
            }
            for name, ab, sl, fm, in_, g, complete, c_ab, c_sl, c_fm, c_in, c_g in zip(
                kitas.index.tolist(), *k_values, k_complete, *k_classes, strict=True
            )
        }
        return {"kitas": kita_json, **self._json_without_kitas()}

    def _json_without_kitas(self) -> dict:
        srs = self.sozialraeume
        s_values = [_nullable(srs[c].to_numpy(dtype=float)) for c in INDEX_CODES]
        s_classes = [srs[c].tolist() for c in CLASS_COLUMNS]
        percents = _nullable(srs["percent"].to_numpy(dtype=float))
        cents = srs["amount_cents"].tolist()
        sr_json = {}
        for i, name in enumerate(srs.index.tolist()):
            entry: dict = {code: s_values[j][i] for j, code in enumerate(INDEX_CODES)}
            entry["class"] = {code: s_classes[j][i] for j, code in enumerate(INDEX_CODES)}
            entry["percent"] = percents[i]
            if self.budget_cents is not None:
                entry["amount"] = None if cents[i] is None else int(cents[i]) / 100
            sr_json[name] = entry
        return {"sozialraeume": sr_json, "norms": self.norms, "warnings": list(self.warnings)}

    def dumps(self) -> str:
        """``json.dumps(self.to_json(), ensure_ascii=False)``, the same text, several times faster.

        The Kita part dominates for large rounds: instead of one dict per Kita it formats one
        string per Kita from pre-formatted columns (``float.__repr__`` is what ``json`` uses;
        the class object is one of at most 4**5 pre-encoded fragments).
        """
        kitas = self.kitas
        numbers = [_json_numbers(kitas[c].to_numpy(dtype=float)) for c in INDEX_CODES]
        class_code = np.zeros(len(kitas), dtype=np.int64)
        for j, col in enumerate(CLASS_COLUMNS):
            values = kitas[col].to_numpy(dtype=object)
            digit = ((values == BELOW) * 1 + (values == INSIDE) * 2 + (values == ABOVE) * 3).astype(
                np.int64
            )
            class_code += digit * 4**j
        fragments = {}
        labels = (None, BELOW, INSIDE, ABOVE)
        for code in np.unique(class_code).tolist():
            fragments[code] = json.dumps(
                {name: labels[(code // 4**j) % 4] for j, name in enumerate(INDEX_CODES)},
                ensure_ascii=False,
            )
        classes = [fragments[c] for c in class_code.tolist()]
        complete = ["true" if c else "false" for c in kitas["complete"].tolist()]
        encode = json.encoder.encode_basestring
        names = [encode(str(name)) for name in kitas.index.tolist()]
        parts = [
            f'{n}: {{"AB": {ab}, "SL": {sl}, "FM": {fm}, "IN": {in_}, "GESAMT": {g}, '
            f'"complete": {k}, "class": {c}}}'
            for n, ab, sl, fm, in_, g, k, c in zip(names, *numbers, complete, classes, strict=True)
        ]
        rest = json.dumps(self._json_without_kitas(), ensure_ascii=False)
        return '{"kitas": {' + ", ".join(parts) + "}, " + rest[1:]


def _json_numbers(values: np.ndarray) -> list[str]:
    """Floats formatted as ``json`` formats them; NaN as ``null``."""
    out = list(map(float.__repr__, values.tolist()))
    for i in np.flatnonzero(np.isnan(values)).tolist():
        out[i] = "null"
    return out


def _nullable(values: np.ndarray) -> list:
    """Floats as a list, NaN as None (for JSON)."""
    mask = np.isnan(values)
    if not mask.any():
        return values.tolist()
    return np.where(mask, None, values.astype(object)).tolist()


def _column(frame: pd.DataFrame, code: str, n: int) -> np.ndarray:
    if code not in frame.columns:
        return np.full(n, np.nan)
    return frame[code].to_numpy(dtype=float, na_value=np.nan)


def _mean_answered(block: np.ndarray) -> np.ndarray:
    """Row-wise mean of the non-missing entries; NaN where none (no RuntimeWarning)."""
    answered = ~np.isnan(block)
    count = answered.sum(axis=1)
    total = np.where(answered, block, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def derive_variables(frame: pd.DataFrame) -> np.ndarray:
    """The 18 variables as an (n Kitas × 18) float array, columns in ``VARIABLE_CODES`` order."""
    n = len(frame)
    out = np.empty((n, len(VARIABLE_CODES)))
    for j, (_category, kind, inputs) in enumerate(VARIABLES.values()):
        cols = [_column(frame, code, n) for code in inputs]
        if kind == "share":
            a, b = cols
            with np.errstate(invalid="ignore", divide="ignore"):
                out[:, j] = np.where(b > 0, 100.0 * a / b, np.nan)
        elif kind == "mean":
            out[:, j] = _mean_answered(np.column_stack(cols))
        elif kind == "value":
            out[:, j] = cols[0]
        elif kind == "reverse":
            out[:, j] = 5.0 - cols[0]
        elif kind == "reverse_mean":
            out[:, j] = 5.0 - _mean_answered(np.column_stack(cols))
        else:  # pragma: no cover - the instrument defines only the kinds above
            raise ValueError(f"unknown variable kind {kind!r}")
    return out


def standard_points(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Min-max normalisation per column to 0..100; returns (points, min, max).

    A column without spread (max == min, fewer than two values included) gets NaN points
    and NaN min/max. ``100 · ((x − min) / (max − min))`` keeps the extremes exactly 0 and 100.
    """
    lo = np.fmin.reduce(values, axis=0, initial=np.inf)
    hi = np.fmax.reduce(values, axis=0, initial=-np.inf)
    spread = hi > lo
    with np.errstate(invalid="ignore", divide="ignore"):
        points = 100.0 * ((values - lo) / (hi - lo))
    points[:, ~spread] = np.nan
    return points, np.where(spread, lo, np.nan), np.where(spread, hi, np.nan)


def winsorized(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Each column clipped to its lo-th and hi-th percentile (0..100) over its non-NaN values.

    Percentiles by linear interpolation (numpy's default); NaN stays NaN, an all-NaN column
    stays all NaN. Sorting inside ``nanpercentile`` makes it independent of the row order.
    """
    if values.shape[0] == 0:
        return values.copy()
    with warnings_module.catch_warnings():
        warnings_module.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        bounds = np.nanpercentile(values, [lo, hi], axis=0)
    return np.clip(values, bounds[0], bounds[1])


def norm_range(values: np.ndarray, *, sd: str = "sample") -> dict[str, float | None]:
    """Mean, standard deviation and ``mean ± sd`` of the non-NaN values (methodology §5).

    ``sd``: ``"sample"`` (n − 1) or ``"population"`` (n). Fewer than two values: no sd.
    """
    ddof = 1 if sd == "sample" else 0
    # Sorted, so that the sums (and so the classes) do not depend on the row order.
    present = np.sort(values[~np.isnan(values)])
    if len(present) == 0:
        return {"mean": None, "sd": None, "lower": None, "upper": None}
    mean = float(present.mean())
    if len(present) < 2:
        return {"mean": mean, "sd": None, "lower": None, "upper": None}
    deviation = float(present.std(ddof=ddof))
    return {"mean": mean, "sd": deviation, "lower": mean - deviation, "upper": mean + deviation}


def classify(values: np.ndarray, norm: dict[str, float | None]) -> np.ndarray:
    """Object array of "unterhalb"/"innerhalb"/"oberhalb", None without value or norm."""
    out = np.full(len(values), None, dtype=object)
    if norm["lower"] is None:
        return out
    present = ~np.isnan(values)
    out[present] = INSIDE
    out[present & (values < norm["lower"])] = BELOW
    out[present & (values > norm["upper"])] = ABOVE
    return out


def _norms_and_classes(
    table: np.ndarray, sd: str
) -> tuple[dict[str, dict[str, float | None]], dict[str, np.ndarray]]:
    norms, classes = {}, {}
    for j, code in enumerate(INDEX_CODES):
        norms[code] = norm_range(table[:, j], sd=sd)
        classes[f"class_{code}"] = classify(table[:, j], norms[code])
    return norms, classes


def compute_indices(
    frame: pd.DataFrame, *, budget_cents: int | None = None, method: Method | None = None
) -> IndexResult:
    """Run methodology sections 1-6 on one round's answers (see the module docstring)."""
    if method is None:
        method = DEFAULT_METHOD
    if not isinstance(method, Method):
        raise TypeError("method must be an indices.method.Method")
    for required in ("kita", "sozialraum"):
        if required not in frame.columns:
            raise ValueError(f"column {required!r} is missing")
    names = pd.Index(frame["kita"].to_numpy(), name="kita")
    if names.hasnans:
        raise ValueError("every Kita needs a name")
    if names.has_duplicates:
        raise ValueError(f"duplicate Kita names: {sorted(set(names[names.duplicated()]))[:5]}")
    if budget_cents is not None:
        budget_cents = int(budget_cents)
        if budget_cents < 0:
            raise ValueError("budget_cents must not be negative")
    warnings: list[str] = []

    # 1-2: variables and standard points
    values = derive_variables(frame)
    if method.winsorize is None:
        points, lo, hi = standard_points(values)
    else:
        points, lo, hi = standard_points(winsorized(values, *method.winsorize))
    minmax: dict[str, tuple[float, float] | None] = {}
    for j, code in enumerate(VARIABLE_CODES):
        if np.isnan(lo[j]):
            minmax[code] = None
            warnings.append(warning_no_spread(code))
        else:
            minmax[code] = (float(lo[j]), float(hi[j]))

    # 3: Kita indices
    n = len(frame)
    kita_table = np.empty((n, len(INDEX_CODES)))
    for j, category in enumerate(CATEGORY_CODES):
        cols = [i for i, v in enumerate(VARIABLE_CODES) if VARIABLES[v][0] == category]
        kita_table[:, j] = _mean_answered(points[:, cols])
        if method.min_answered is not None:
            counted = int((~np.isnan(lo[cols])).sum())  # variables not excluded this round
            answered = (~np.isnan(points[:, cols])).sum(axis=1)
            # the tolerance keeps e.g. 0.7 · 10 (7.000000000000001) reachable with 7 answers
            enough = answered >= method.min_answered * counted - 1e-9
            kita_table[~enough, j] = np.nan
    # NaN in any category propagates: an incomplete Kita has no GESAMT.
    kita_table[:, -1] = kita_table[:, :-1].sum(axis=1) / len(CATEGORY_CODES)
    complete = ~np.isnan(kita_table[:, -1])

    # 4: Sozialraum indices from complete Kitas
    codes, sr_names = pd.factorize(frame["sozialraum"], sort=True)
    m = len(sr_names)
    member = complete & (codes >= 0)
    counts = np.bincount(codes[member], minlength=m)
    sr_table = np.full((m, len(INDEX_CODES)), np.nan)
    member_codes = codes[member]
    sr_names_list = [str(s) for s in sr_names]
    if method.weighting == "children":
        has_index, no_weight = _weighted_sozialraum_means(
            frame, kita_table, member, member_codes, m, sr_table, names, warnings
        )
    else:
        has_index = counts > 0
        no_weight = np.zeros(m, dtype=bool)
        for j in range(len(CATEGORY_CODES)):
            # Summing in ascending value order makes the result independent of the row order.
            vals = kita_table[member, j]
            order = np.argsort(vals, kind="stable")
            sums = np.bincount(member_codes[order], weights=vals[order], minlength=m)
            sr_table[has_index, j] = sums[has_index] / counts[has_index]
    sr_table[:, -1] = sr_table[:, :-1].sum(axis=1) / len(CATEGORY_CODES)
    for i in np.flatnonzero(~has_index):
        if no_weight[i]:
            warnings.append(warning_sozialraum_without_children(sr_names_list[i]))
        else:
            warnings.append(warning_sozialraum_without_index(sr_names_list[i]))

    # 5: norms and classes
    kita_norms, kita_classes = _norms_and_classes(kita_table, method.sd)
    sr_norms, sr_classes = _norms_and_classes(sr_table, method.sd)

    # 6: percent and amount
    percent = np.full(m, np.nan)
    amount: list[int | None] = [None] * m
    gesamt = sr_table[:, -1]
    with_index = np.flatnonzero(has_index)
    if len(with_index):
        g = gesamt[with_index]
        g_names = [sr_names_list[i] for i in with_index]
        if g.sum() > 0:
            units = largest_remainder(g.tolist(), PERCENT_UNITS, g_names)
            percent[with_index] = np.asarray(units) / 100
            if budget_cents is not None:
                for i, cents in zip(
                    with_index, largest_remainder(g.tolist(), budget_cents, g_names), strict=True
                ):
                    amount[i] = cents
        else:
            warnings.append(WARNING_ZERO_SUM)

    kitas = pd.DataFrame(kita_table, index=names, columns=list(INDEX_CODES))
    kitas.insert(0, "sozialraum", frame["sozialraum"].to_numpy())
    kitas["complete"] = complete
    for col, arr in kita_classes.items():
        # object dtype keeps None (a str column would turn it into NaN)
        kitas[col] = pd.Series(arr, index=names, dtype=object)
    sr_index = pd.Index(sr_names_list, name="sozialraum", dtype=object)
    sozialraeume = pd.DataFrame(sr_table, index=sr_index, columns=list(INDEX_CODES))
    for col, arr in sr_classes.items():
        sozialraeume[col] = pd.Series(arr, index=sr_index, dtype=object)
    sozialraeume["percent"] = percent
    sozialraeume["amount_cents"] = pd.Series(amount, index=sr_index, dtype=object)
    sozialraeume["kita_count"] = counts

    return IndexResult(
        variables=pd.DataFrame(values, index=names, columns=list(VARIABLE_CODES)),
        points=pd.DataFrame(points, index=names, columns=list(VARIABLE_CODES)),
        minmax=minmax,
        kitas=kitas,
        sozialraeume=sozialraeume,
        norms={"kita": kita_norms, "sozialraum": sr_norms},
        warnings=warnings,
        budget_cents=budget_cents,
        method=method,
    )


def _weighted_sozialraum_means(
    frame: pd.DataFrame,
    kita_table: np.ndarray,
    member: np.ndarray,
    member_codes: np.ndarray,
    m: int,
    sr_table: np.ndarray,
    names: pd.Index,
    warnings: list[str],
) -> tuple[np.ndarray, np.ndarray]:
    """Section 4 weighted by children (A1): fills ``sr_table``'s category columns in place.

    Returns ``has_index`` and ``no_weight`` (Sozialräume with complete Kitas whose weights
    sum to 0). Sums run in ascending (value, weight) order, so the row order does not matter.
    """
    children = _column(frame, "A1", len(frame))
    weights = np.where(np.isfinite(children) & (children > 0), children, 0.0)
    member_weights = weights[member]
    for name in sorted(str(k) for k in names[member][member_weights == 0]):
        warnings.append(warning_kita_without_children(name))
    order = np.argsort(member_weights, kind="stable")
    weight_sums = np.bincount(member_codes[order], weights=member_weights[order], minlength=m)
    has_index = weight_sums > 0
    counts = np.bincount(member_codes, minlength=m)
    no_weight = (counts > 0) & ~has_index
    for j in range(len(CATEGORY_CODES)):
        vals = kita_table[member, j]
        order = np.lexsort((member_weights, vals))
        sums = np.bincount(member_codes[order], weights=(vals * member_weights)[order], minlength=m)
        sr_table[has_index, j] = sums[has_index] / weight_sums[has_index]
    return has_index, no_weight
