"""Method variants as data (issue 18): each parameter on a hand-computed example, properties
under every variant, the ``--param`` command line, and the method recorded with a stored run."""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import assume, given
from hypothesis import strategies as st

from indices import services
from indices.compute import (
    classify,
    compute_indices,
    norm_range,
    warning_kita_without_children,
    warning_no_spread,
    warning_sozialraum_without_children,
)
from indices.method import (
    DEFAULT_METHOD,
    VARIANT_NAME,
    Method,
    MethodError,
    from_parameters,
    from_params,
)
from indices.models import IndexRun
from sozialraeume import roles
from surveys.selectors import answers_frame
from tests.factories import make_user
from tests.indices.factories import round_with_answers
from tests.indices.test_compute import assert_same, varied_frame
from tests.indices.test_compute_properties import SETTINGS, _nan_safe_equal, rounds

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
EXAMPLE = DATA / "example-12-kitas.csv"
PAPER_POINTS = json.loads((DATA / "seed-table-points.json").read_text(encoding="utf-8"))

POPULATION = Method(name=VARIANT_NAME, sd="population")
CHILDREN = Method(name=VARIANT_NAME, weighting="children")
HALF_ANSWERED = Method(name=VARIANT_NAME, min_answered=0.5)
WINSORIZED = Method(name=VARIANT_NAME, winsorize=(5.0, 95.0))
EVERY_VARIANT = [
    DEFAULT_METHOD,
    POPULATION,
    CHILDREN,
    HALF_ANSWERED,
    Method(name=VARIANT_NAME, min_answered=1.0),
    WINSORIZED,
    Method(
        name=VARIANT_NAME,
        sd="population",
        weighting="children",
        min_answered=0.75,
        winsorize=(10.0, 90.0),
    ),
]

# Four share variables, one per category (SL2, AB4, FM2, IN2), all over A1: a Kita whose four
# numerators are ``share · A1 / 100`` has every category index and the Gesamtindex equal to
# ``share`` once two Kitas outside every Sozialraum anchor min-max at 0 and 100 %. Every other
# variable has no answers and is excluded (with its warning).
NUMERATORS = ("B2", "C4", "D1", "E2")


def share_kita(kita, sozialraum, share, children=1000.0):
    count = share * children / 100
    return {
        "kita": kita,
        "sozialraum": sozialraum,
        "A1": children,
        **dict.fromkeys(NUMERATORS, count),
    }


def anchored(rows):
    anchors = [share_kita("Anker 0", None, 0.0), share_kita("Anker 100", None, 100.0)]
    return pd.DataFrame([*anchors, *rows])


def paper_frame():
    """The concept paper's eight Sozialraum points (chapter 3.4) as one Kita each."""
    return anchored(
        [share_kita(f"Kita {name}", name, points) for name, points in PAPER_POINTS.items()]
    )


# --- the method as data ---------------------------------------------------------------------


def test_the_default_method_is_bad_kreuznach_2021_and_frozen():
    assert Method() == DEFAULT_METHOD
    assert (DEFAULT_METHOD.name, DEFAULT_METHOD.version) == ("Bad Kreuznach 2021", 1)
    assert DEFAULT_METHOD.parameters() == {
        "sd": "sample",
        "weighting": "none",
        "min_answered": None,
        "winsorize": None,
    }
    assert DEFAULT_METHOD.is_default and not POPULATION.is_default
    with pytest.raises(FrozenInstanceError):
        DEFAULT_METHOD.sd = "population"


def test_command_line_parameters_give_the_variant_and_only_defaults_give_the_default():
    assert from_params([]) is DEFAULT_METHOD
    assert from_params(["sd=sample", "weighting=none", "min_answered=none"]) is DEFAULT_METHOD
    method = from_params(
        ["sd=population", "weighting=children", "min_answered=0.5", "winsorize=5,95"]
    )
    assert method.name == VARIANT_NAME
    assert method.parameters() == {
        "sd": "population",
        "weighting": "children",
        "min_answered": 0.5,
        "winsorize": [5.0, 95.0],
    }
    # what a run stores gives the same method back
    assert from_parameters(method.parameters()) == method


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            ["foo=1"],
            "Unbekannter Parameter „foo“ (erlaubt: sd, weighting, min_answered, winsorize)",
        ),
        (["sd=n"], "Parameter „sd“: unbekannter Wert „n“ (erlaubt: sample, population)"),
        (["weighting=kinder"], "Parameter „weighting“: unbekannter Wert „kinder“"),
        (["min_answered=1.5"], "Parameter „min_answered“: 1.5 liegt nicht zwischen 0 und 1"),
        (["min_answered=0,5"], "Parameter „min_answered“: „0,5“ ist keine Zahl"),
        (["min_answered=nan"], "Parameter „min_answered“: „nan“ ist keine Zahl"),
        (["winsorize=5"], "Parameter „winsorize“: „5“ – erwartet werden zwei Perzentile"),
        (["winsorize=95,5"], "Parameter „winsorize“: 95,5 – erwartet werden zwei Perzentile"),
        (["winsorize=-1,95"], "Parameter „winsorize“: -1,95 – erwartet werden zwei Perzentile"),
        (["sd"], "Parameter „sd“: erwartet wird NAME=WERT"),
        (["sd=population", "sd=sample"], "Parameter „sd“ ist doppelt angegeben"),
    ],
)
def test_unknown_parameters_and_values_are_refused_in_one_german_line(params, message):
    with pytest.raises(MethodError) as raised:
        from_params(params)
    assert str(raised.value).startswith(message), str(raised.value)
    assert "\n" not in str(raised.value)


def test_the_method_module_loads_no_django():
    code = (
        "import sys, indices.method; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django']"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


# --- sd: population instead of sample -------------------------------------------------------


def test_population_sd_on_the_papers_points_moves_the_lower_bound_and_bme_falls_below():
    points = np.array(list(PAPER_POINTS.values()))
    sample = norm_range(points)
    population = norm_range(points, sd="population")
    # by hand: mean 38,15; Σ (x − mean)² = 381,32; sd = √(381,32 / 7) resp. √(381,32 / 8)
    assert sample["mean"] == pytest.approx(38.15)
    assert sample["sd"] == pytest.approx((381.32 / 7) ** 0.5)
    assert population["sd"] == pytest.approx((381.32 / 8) ** 0.5)
    assert round(sample["lower"], 2) == 30.77
    assert round(population["lower"], 2) == 31.25
    bme = list(PAPER_POINTS).index("BME")
    assert classify(points, sample)[bme] == "innerhalb"
    assert classify(points, population)[bme] == "unterhalb"


def test_population_sd_through_the_engine_on_the_papers_sozialraum_points():
    default = compute_indices(paper_frame(), budget_cents=100_224_000)
    variant = compute_indices(paper_frame(), budget_cents=100_224_000, method=POPULATION)
    for name, points in PAPER_POINTS.items():
        assert variant.sozialraeume.loc[name, "GESAMT"] == pytest.approx(points, abs=1e-9)
    assert round(default.norms["sozialraum"]["GESAMT"]["lower"], 2) == 30.77
    assert round(variant.norms["sozialraum"]["GESAMT"]["lower"], 2) == 31.25
    assert default.sozialraeume.loc["BME", "class_GESAMT"] == "innerhalb"
    assert variant.sozialraeume.loc["BME", "class_GESAMT"] == "unterhalb"
    assert variant.sozialraeume.loc["Innenstadt", "class_GESAMT"] == "unterhalb"
    # the SD decides classes, never shares: the paper's table either way
    expected = json.loads((DATA / "seed-table-shares.expected.json").read_text(encoding="utf-8"))
    for result in (default, variant):
        assert result.sozialraeume["percent"].to_dict() == {
            name: entry["percent"] for name, entry in expected.items()
        }


def test_with_one_value_there_is_no_norm_range_under_either_sd():
    for sd in ("sample", "population"):
        assert norm_range(np.array([12.5, np.nan]), sd=sd) == {
            "mean": 12.5,
            "sd": None,
            "lower": None,
            "upper": None,
        }


# --- weighting: Sozialraum value weighted by children (A1) ----------------------------------


def test_weighting_by_children_counts_a_large_kita_more():
    # Nord: 0 % with 300 children and 100 % with 100 children; Süd: 50 % with 200 children.
    frame = pd.DataFrame(
        [
            share_kita("Nord groß", "Nord", 0.0, children=300.0),
            share_kita("Nord klein", "Nord", 100.0, children=100.0),
            share_kita("Süd", "Süd", 50.0, children=200.0),
        ]
    )
    plain = compute_indices(frame, budget_cents=900)
    weighted = compute_indices(frame, budget_cents=900, method=CHILDREN)
    # unweighted: Nord (0 + 100) / 2 = 50, Süd 50 -> 50 % each
    assert plain.sozialraeume.loc["Nord", "GESAMT"] == pytest.approx(50.0)
    assert plain.sozialraeume["percent"].tolist() == [50.0, 50.0]
    # weighted: Nord (0 · 300 + 100 · 100) / 400 = 25, Süd 50 -> 25 / 75 and 50 / 75
    assert weighted.sozialraeume.loc["Nord", "GESAMT"] == pytest.approx(25.0)
    assert weighted.sozialraeume.loc["Süd", "GESAMT"] == pytest.approx(50.0)
    assert weighted.sozialraeume["percent"].tolist() == [33.33, 66.67]
    assert weighted.sozialraeume["amount_cents"].tolist() == [300, 600]
    assert weighted.sozialraeume["kita_count"].tolist() == [2, 1]
    # the Kita level does not change
    pd.testing.assert_frame_equal(plain.kitas, weighted.kitas)


def test_a_complete_kita_without_children_count_has_weight_zero_and_is_named():
    frame = varied_frame(n=6)
    frame["A1"] = [100.0, 120.0, 140.0, 160.0, 180.0, 200.0]
    # no A1: the shares over A1 are missing, the Likert variables still make it complete
    frame.loc[0, "A1"] = np.nan
    result = compute_indices(frame, method=CHILDREN)
    name = frame.loc[0, "kita"]
    assert bool(result.kitas.loc[name, "complete"])
    assert warning_kita_without_children(name) in result.warnings
    room = frame.loc[0, "sozialraum"]
    others = frame[(frame["sozialraum"] == room) & (frame.index != 0)]
    values = result.kitas.loc[others["kita"], "AB"].to_numpy()
    weights = others["A1"].to_numpy()
    assert result.sozialraeume.loc[room, "AB"] == pytest.approx(
        (values * weights).sum() / weights.sum()
    )


def test_a_sozialraum_whose_complete_kitas_have_no_children_count_has_no_index():
    frame = varied_frame(n=6)
    frame.loc[frame["sozialraum"] == "Süd", "A1"] = np.nan
    result = compute_indices(frame, budget_cents=1000, method=CHILDREN)
    assert np.isnan(result.sozialraeume.loc["Süd", "GESAMT"])
    assert warning_sozialraum_without_children("Süd") in result.warnings
    assert result.sozialraeume.loc["Nord", "percent"] == 100.0
    assert result.sozialraeume.loc["Nord", "amount_cents"] == 1000


# --- min_answered: a category index only from enough answered variables ---------------------


def test_min_answered_drops_a_category_index_from_too_few_variables():
    frame = varied_frame(n=6)
    # Kita 00 answers AB3 and AB4 only: 2 of the 4 AB variables
    frame.loc[0, ["C1a", "C1b", "C1c", "C1d", "C2a", "C2b", "C2c"]] = np.nan
    default = compute_indices(frame)
    half = compute_indices(frame, method=HALF_ANSWERED)
    most = compute_indices(frame, method=Method(name=VARIANT_NAME, min_answered=0.75))
    points = default.points.loc["Kita 00", ["AB3", "AB4"]]
    assert default.kitas.loc["Kita 00", "AB"] == pytest.approx(points.mean())
    assert half.kitas.loc["Kita 00", "AB"] == default.kitas.loc["Kita 00", "AB"]  # 2/4 >= 0.5
    assert np.isnan(most.kitas.loc["Kita 00", "AB"])  # 2/4 < 0.75
    assert not most.kitas.loc["Kita 00", "complete"]
    assert most.sozialraeume.loc["Nord", "kita_count"] == 2  # Kita 00 no longer counts
    assert default.sozialraeume.loc["Nord", "kita_count"] == 3
    # the other Kitas answered everything: unchanged
    others = default.kitas.index[1:]
    pd.testing.assert_frame_equal(most.kitas.loc[others], default.kitas.loc[others])


def test_min_answered_counts_only_the_variables_not_excluded_this_round():
    frame = varied_frame(n=6)
    frame["C4"] = 3.0  # AB4 without spread: excluded for everyone, AB has 3 variables left
    frame.loc[0, ["C1a", "C1b", "C1c", "C1d"]] = np.nan  # Kita 00 lacks AB1: 2 of 3 answered
    kept = compute_indices(frame, method=Method(name=VARIANT_NAME, min_answered=0.6))
    assert kept.minmax["AB4"] is None
    assert kept.kitas.loc["Kita 00", "AB"] == pytest.approx(
        kept.points.loc["Kita 00", ["AB2", "AB3"]].mean()
    )
    dropped = compute_indices(frame, method=Method(name=VARIANT_NAME, min_answered=0.7))
    assert np.isnan(dropped.kitas.loc["Kita 00", "AB"])


# --- winsorize: clip each variable to percentiles before min-max ----------------------------


def test_winsorizing_clips_outliers_before_min_max():
    # 11 Kitas at 0, 10, ..., 100 %: the 10th and 90th percentile are 10 and 90 (linear)
    frame = pd.DataFrame(
        [share_kita(f"Kita {i:02d}", "Nord" if i % 2 else "Süd", 10.0 * i) for i in range(11)]
    )
    plain = compute_indices(frame)
    clipped = compute_indices(frame, method=Method(name=VARIANT_NAME, winsorize=(10.0, 90.0)))
    assert plain.minmax["SL2"] == (0.0, 100.0)
    assert clipped.minmax["SL2"] == pytest.approx((10.0, 90.0))
    expected = {0: 0.0, 1: 0.0, 2: 12.5, 5: 50.0, 9: 100.0, 10: 100.0}  # 100 · (x − 10) / 80
    for i, points in expected.items():
        assert clipped.points.loc[f"Kita {i:02d}", "SL2"] == pytest.approx(points)
        assert clipped.kitas.loc[f"Kita {i:02d}", "GESAMT"] == pytest.approx(points)
    # the variables themselves are reported as answered
    assert clipped.variables.loc["Kita 10", "SL2"] == 100.0


def test_winsorizing_pulls_an_outlier_in_and_can_leave_no_spread():
    rows = [share_kita(f"Kita {i}", "Nord", 50.0) for i in range(9)]
    rows.append(share_kita("Ausreißer", "Nord", 100.0))
    result = compute_indices(pd.DataFrame(rows), method=WINSORIZED)
    # the 95th percentile of nine 50s and one 100: 50 + 0,55 · 50 = 77,5 (position 8,55)
    assert result.minmax["SL2"] == pytest.approx((50.0, 77.5))
    assert result.points.loc["Ausreißer", "SL2"] == 100.0
    # the 80th percentile is 50 too: no spread left, the variable is excluded
    narrow = compute_indices(
        pd.DataFrame(rows), method=Method(name=VARIANT_NAME, winsorize=(10.0, 80.0))
    )
    assert narrow.minmax["SL2"] is None
    assert warning_no_spread("SL2") in narrow.warnings


# --- properties under every variant ---------------------------------------------------------


@SETTINGS
@given(rounds(), st.sampled_from(EVERY_VARIANT), st.integers(0, 10**10))
def test_under_every_variant_percents_add_up_to_100_and_amounts_to_the_budget(
    frame, method, budget_cents
):
    result = compute_indices(frame, budget_cents=budget_cents, method=method)
    sr = result.sozialraeume
    with_index = sr[sr["GESAMT"].notna()]
    assume(len(with_index) and with_index["GESAMT"].sum() > 0)
    units = (with_index["percent"] * 100).round()
    assert np.allclose(with_index["percent"] * 100, units, atol=1e-9)
    assert int(units.sum()) == 10_000
    assert sum(int(c) for c in with_index["amount_cents"]) == budget_cents
    assert sr.loc[sr["GESAMT"].isna(), "percent"].isna().all()


@SETTINGS
@given(rounds(), st.sampled_from(EVERY_VARIANT), st.randoms(use_true_random=False))
def test_under_every_variant_row_order_does_not_change_any_result(frame, method, rnd):
    order = list(range(len(frame)))
    rnd.shuffle(order)
    shuffled = frame.iloc[order].reset_index(drop=True)
    a = compute_indices(frame, budget_cents=123_456_789, method=method)
    b = compute_indices(shuffled, budget_cents=123_456_789, method=method)
    pd.testing.assert_frame_equal(a.kitas, b.kitas.loc[a.kitas.index], check_exact=True)
    pd.testing.assert_frame_equal(a.sozialraeume, b.sozialraeume, check_exact=True)
    assert a.warnings == b.warnings
    assert _nan_safe_equal(a.to_json(), b.to_json())


# --- the command line -----------------------------------------------------------------------

# sha256 of the stdout of ``manage.py compute_indices --csv tests/data/example-12-kitas.csv``
# (without and with ``--budget 1002240``) as printed before issue 18 (commit 106940f, run from
# ``git archive``). The expected JSON file is not that text (indented, and matched to 1e-9).
DEFAULT_OUTPUT_SHA256 = {
    (): "5e653f53fc0d217022359ea54b4b2c51eca3df3e4f06150dedd8150a90079ab9",
    ("--budget", "1002240"): "4d0a72e41ac6bd32224e335d608bb48998954b5d26f1a7c6ae42e60274d219f0",
}


def command_text(*args):
    out = io.StringIO()
    call_command("compute_indices", "--csv", str(EXAMPLE), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("budget", list(DEFAULT_OUTPUT_SHA256))
def test_without_param_the_output_is_byte_for_byte_what_it_was(budget):
    text = command_text(*budget)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == DEFAULT_OUTPUT_SHA256[budget]
    defaults = ["--param", "sd=sample", "--param", "weighting=none", "--param", "winsorize=none"]
    assert command_text(*budget, *defaults) == text
    if budget:
        expected = (DATA / "example-12-kitas.expected.json").read_text(encoding="utf-8")
        assert_same(json.loads(text), json.loads(expected))


def _shape(value):
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    return None


@pytest.mark.parametrize(
    "params",
    [
        ["sd=population"],
        ["weighting=children"],
        ["winsorize=5,95"],
        ["sd=population", "weighting=children", "winsorize=5,95"],
    ],
)
def test_param_changes_the_numbers_but_not_the_json_shape(params):
    args = ["--budget", "1002240"]
    default = json.loads(command_text(*args))
    variant_args = [*args]
    for param in params:
        variant_args += ["--param", param]
    variant = json.loads(command_text(*variant_args))
    assert variant != default
    assert _shape(variant) == _shape(default)
    assert sum(s["amount"] for s in variant["sozialraeume"].values()) == pytest.approx(1002240)


def test_param_sd_population_narrows_the_norm_range_as_computed_by_hand():
    default = json.loads(command_text())
    variant = json.loads(command_text("--param", "sd=population"))
    for level in ("kita", "sozialraum"):
        for code, norm in default["norms"][level].items():
            n = 12 if level == "kita" else 3
            assert variant["norms"][level][code]["sd"] == pytest.approx(
                norm["sd"] * ((n - 1) / n) ** 0.5
            )


def test_param_min_answered_marks_kitas_with_too_few_answers_incomplete():
    default = json.loads(command_text())
    strict = json.loads(command_text("--param", "min_answered=1"))
    assert all(k["complete"] for k in default["kitas"].values())
    assert not all(k["complete"] for k in strict["kitas"].values())  # the example has gaps


def test_a_bad_param_is_a_command_error_of_one_line():
    with pytest.raises(CommandError, match="^Unbekannter Parameter „x“"):
        command_text("--param", "x=1")


def test_manage_py_exits_non_zero_with_one_line_for_a_bad_param():
    proc = subprocess.run(
        [sys.executable, "manage.py", "compute_indices", "--csv", str(EXAMPLE), "--param", "sd=n"],
        cwd=REPO,
        capture_output=True,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "srb_project.settings.test"},
    )
    assert proc.returncode != 0
    assert proc.stdout == b""
    assert proc.stderr.decode("utf-8").splitlines() == [
        "CommandError: Parameter „sd“: unbekannter Wert „n“ (erlaubt: sample, population)"
    ]


# --- the stored run -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_default_run_records_the_default_method_and_keeps_its_checksum():
    survey_round = round_with_answers(kitas=6, sozialraeume=2)
    run = services.index_run_compute(round_id=survey_round.pk)
    assert (run.method_name, run.method_revision) == ("Bad Kreuznach 2021", 1)
    assert run.method_parameters == DEFAULT_METHOD.parameters()
    assert run.method == DEFAULT_METHOD
    frame = answers_frame(round_id=survey_round.pk, submitted_only=True)
    assert run.input_checksum == services._frame_checksum(frame)  # the value before issue 18


@pytest.mark.django_db
def test_a_variant_run_records_its_method_and_its_checksum_covers_it():
    survey_round = round_with_answers(kitas=6, sozialraeume=2)
    default = services.index_run_compute(round_id=survey_round.pk)
    variant = services.index_run_compute(round_id=survey_round.pk, method=POPULATION)
    assert variant is not None, "same answers, other method: not 'unchanged'"
    assert variant.status == IndexRun.Status.FINISHED, variant.error
    assert variant.method_name == VARIANT_NAME
    assert variant.method_parameters["sd"] == "population"
    assert variant.input_checksum != default.input_checksum
    assert variant.method == POPULATION
    # the stored norms are the variant's
    frame = services._compute_frame(answers_frame(round_id=survey_round.pk))
    expected = compute_indices(frame, method=POPULATION).norms["kita"]["GESAMT"]["sd"]
    assert variant.norms["kita"]["GESAMT"]["sd"] == pytest.approx(expected)
    assert variant.norms["kita"]["GESAMT"]["sd"] < default.norms["kita"]["GESAMT"]["sd"]
    # the same variant again: unchanged, no new run; the default again: a new run
    assert services.index_run_compute(round_id=survey_round.pk, method=POPULATION) is None
    assert services.index_run_compute(round_id=survey_round.pk) is not None


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.django_db
def test_the_run_status_names_the_method_and_what_a_variant_changes(client):
    survey_round = round_with_answers(kitas=6, sozialraeume=2)
    services.index_run_compute(round_id=survey_round.pk)
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    text = _text(client.get(reverse("indices:overview")))
    assert "Methode: Bad Kreuznach 2021, Version 1" in text
    assert "Grundgesamtheit" not in text

    method = Method(
        name=VARIANT_NAME,
        sd="population",
        weighting="children",
        min_answered=0.5,
        winsorize=(5.0, 95.0),
    )
    services.index_run_compute(round_id=survey_round.pk, method=method)
    text = _text(client.get(reverse("indices:overview")))
    assert (
        "Methode: Bad Kreuznach 2021 (Variante), Version 1 – "
        "Standardabweichung der Grundgesamtheit (n statt n − 1); "
        "Sozialraumwerte nach Kinderzahl (A1) gewichtet; "
        "Kategorieindex erst ab 50 % beantworteter Variablen; "
        "Werte auf das 5. bis 95. Perzentil begrenzt"
    ) in text
