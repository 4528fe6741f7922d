"""Properties of the index engine that hold for every valid round (hypothesis)."""

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from indices.compute import CATEGORY_CODES, INDEX_CODES, compute_indices, warning_no_spread
from surveys.instrument import ITEMS_BY_CODE, VARIABLE_INPUT_CODES, VARIABLES

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Answers whose change raises a variable (more need): numerators of shares, Likert answers and
# values go up, reversed answers go down. Derived from the instrument's variable table.
NEED_MOVES = sorted(
    {
        (code, category, "down" if kind.startswith("reverse") else "up")
        for _var, (category, kind, inputs) in VARIABLES.items()
        for code in (inputs[:1] if kind == "share" else inputs)
    }
)


def _upper(code, answers):
    item = ITEMS_BY_CODE[code]
    upper = int(item.max)
    if item.max_item:
        upper = min(upper, int(answers[item.max_item]))
    return min(upper, 120)


@st.composite
def rounds(draw, min_kitas=2, max_kitas=10):
    """A valid round: counts within their denominators, Likert 1..4, optional items may be empty.

    The answers come from one byte string (fast to generate, shrinks towards small values).
    """
    n = draw(st.integers(min_kitas, max_kitas))
    m = draw(st.integers(1, 4))
    codes = list(VARIABLE_INPUT_CODES)
    width = len(codes) + 1
    raw = draw(st.binary(min_size=2 * n * width, max_size=2 * n * width))
    cells = np.frombuffer(raw, dtype=np.uint16).reshape(n, width).astype(np.int64)
    frame = pd.DataFrame(
        {
            "kita": [f"Kita {i:02d}" for i in range(n)],
            "sozialraum": [f"SR {c}" for c in cells[:, -1] % m],
        }
    )
    for j, code in enumerate(codes):  # questionnaire order: denominators come first
        item = ITEMS_BY_CODE[code]
        if item.kind == "likert":
            value = (cells[:, j] % 5).astype(float) if not item.required else 1.0 + cells[:, j] % 4
            if not item.required:
                value[value == 0] = np.nan
        else:
            upper = np.full(n, min(int(item.max), 120))
            if item.max_item:
                upper = np.minimum(upper, frame[item.max_item].to_numpy(dtype=np.int64))
            value = (item.min + cells[:, j] % (upper - int(item.min) + 1)).astype(float)
        frame[code] = value
    return frame


@SETTINGS
@given(rounds())
def test_standard_points_lie_in_0_to_100_with_the_extremes_at_0_and_100(frame):
    result = compute_indices(frame)
    for var, bounds in result.minmax.items():
        points = result.points[var]
        values = result.variables[var]
        if bounds is None:
            assert points.isna().all()
            assert warning_no_spread(var) in result.warnings
            continue
        present = points.dropna()
        assert ((present >= 0) & (present <= 100)).all()
        assert (points[values == values.min()] == 0).all()
        assert (points[values == values.max()] == 100).all()
    indices = result.kitas[list(INDEX_CODES)].to_numpy(dtype=float)
    assert np.all(np.isnan(indices) | ((indices >= 0) & (indices <= 100)))


@SETTINGS
@given(rounds(), st.integers(0, 10**10))
def test_percents_add_up_to_exactly_100_and_amounts_to_the_budget(frame, budget_cents):
    result = compute_indices(frame, budget_cents=budget_cents)
    sr = result.sozialraeume
    with_index = sr[sr["GESAMT"].notna()]
    assume(len(with_index) and with_index["GESAMT"].sum() > 0)
    units = with_index["percent"] * 100
    assert np.allclose(units, units.round(), atol=1e-9)  # two decimals
    assert int(units.round().sum()) == 10_000
    assert sum(int(c) for c in with_index["amount_cents"]) == budget_cents
    assert sr.loc[sr["GESAMT"].isna(), "percent"].isna().all()
    # every share is within one unit of its exact value
    exact = with_index["GESAMT"] / with_index["GESAMT"].sum()
    assert (abs(units - exact * 10_000) < 1 + 1e-9).all()
    assert all(
        abs(int(c) - e * budget_cents) < 1 + 1e-6 * max(1, budget_cents)
        for c, e in zip(with_index["amount_cents"], exact, strict=True)
    )


@SETTINGS
@given(rounds(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_any_result(frame, rnd):
    order = list(range(len(frame)))
    rnd.shuffle(order)
    shuffled = frame.iloc[order].reset_index(drop=True)
    a = compute_indices(frame, budget_cents=123_456_789)
    b = compute_indices(shuffled, budget_cents=123_456_789)
    pd.testing.assert_frame_equal(a.kitas, b.kitas.loc[a.kitas.index], check_exact=True)
    pd.testing.assert_frame_equal(a.sozialraeume, b.sozialraeume, check_exact=True)
    assert a.norms == b.norms or _same_norms(a.norms, b.norms)
    assert a.warnings == b.warnings
    assert a.to_json() == b.to_json() or _nan_safe_equal(a.to_json(), b.to_json())


def _same_norms(x, y):
    return all(
        (x[lvl][i][k] is None and y[lvl][i][k] is None) or x[lvl][i][k] == y[lvl][i][k]
        for lvl in x
        for i in x[lvl]
        for k in x[lvl][i]
    )


def _nan_safe_equal(x, y):
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(_nan_safe_equal(x[k], y[k]) for k in x)
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x):
        return math.isnan(y)
    return x == y


@SETTINGS
@given(rounds(), st.data())
def test_more_need_in_one_answer_never_lowers_that_kitas_category_index(frame, data):
    k = data.draw(st.integers(0, len(frame) - 1), label="kita row")
    code, category, direction = data.draw(st.sampled_from(NEED_MOVES), label="answer")
    old = frame.at[k, code]
    assume(not math.isnan(old))
    item = ITEMS_BY_CODE[code]
    if direction == "up":
        upper = _upper(code, frame.loc[k].to_dict())
        assume(old < upper)
        new = data.draw(st.integers(int(old) + 1, upper), label="new value")
    else:
        assume(old > item.min)
        new = data.draw(st.integers(int(item.min), int(old) - 1), label="new value")
    changed = frame.copy()
    changed.at[k, code] = float(new)

    name = frame.at[k, "kita"]
    before = compute_indices(frame).kitas.at[name, category]
    after_result = compute_indices(changed)
    after = after_result.kitas.at[name, category]
    assert category in CATEGORY_CODES
    if math.isnan(before):
        return
    if math.isnan(after):
        # only possible when the change removed the spread of the Kita's only variable there
        assert any(w.startswith("Variable " + category) for w in after_result.warnings)
        return
    assert after >= before - 1e-9, (code, old, new, before, after)
