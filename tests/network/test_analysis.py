"""The network measures on a hand-computed example: 3 then 4 Kitas of one Sozialraum and
4 then 5 partner types in two rounds, plus a second Sozialraum in the second round.

Weights: nie 0, selten 1, regelmäßig 2, eng 3 (an edge from selten up).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from network import analysis
from network.analysis import KitaAnswers

REPO = Path(__file__).resolve().parents[2]

P_BEFORE = [("a", "Grundschule"), ("b", "Beratung"), ("c", "Frühförderung"), ("d", "Gesundheit")]
P_NOW = [*P_BEFORE, ("e", "Migrationsdienst")]

BEFORE = [
    # edges a, b (c "nie", d unanswered; "x" is not on the list and "oft" no level)
    KitaAnswers(1, 10, {"a": "eng", "b": "selten", "c": "nie", "x": "eng"}, 3),
    KitaAnswers(2, 10, {"a": "regelmaessig", "b": "nie", "c": "nie", "d": "nie"}, 2),
    KitaAnswers(3, 10, {"a": "selten", "b": "regelmaessig", "c": "oft", "d": "nie"}, None),
]
NOW = [
    KitaAnswers(1, 10, {"a": "eng", "b": "regelmaessig", "c": "selten", "d": "nie", "e": "nie"}, 4),
    KitaAnswers(2, 10, {"a": "eng", "b": "nie", "c": "nie", "d": "nie"}, 3),
    KitaAnswers(
        3, 10, {"a": "regelmaessig", "b": "selten", "c": "nie", "d": "nie", "e": "selten"}, 3
    ),
    KitaAnswers(4, 10, {"a": "selten"}, None),
    KitaAnswers(5, 20, {k: "nie" for k, _label in P_NOW}, 1),
]


@pytest.fixture
def before():
    return analysis.analyse_round(BEFORE, P_BEFORE)


@pytest.fixture
def now():
    return analysis.analyse_round(NOW, P_NOW)


def test_previous_round_measures_match_the_hand_computation(before):
    sr = before.sozialraeume[10]
    assert sr.kita_count == 3
    assert sr.edges == 5  # K1: a, b; K2: a; K3: a, b
    assert sr.density == pytest.approx(5 / 12)  # 5 of 3 Kitas x 4 partner types
    assert sr.mean_partners == pytest.approx(5 / 3)
    assert sr.mean_satisfaction == pytest.approx(2.5)  # (3 + 2) / 2, K3 did not answer F5
    assert sr.unreached == ("c", "d")
    a, b, c, d = sr.partners
    assert (a.kitas, a.answered, a.mean_frequency) == (3, 3, pytest.approx(2.0))  # (3+2+1)/3
    assert (b.kitas, b.answered, b.mean_frequency) == (2, 3, pytest.approx(1.0))  # (1+0+2)/3
    assert (c.kitas, c.answered, c.mean_frequency) == (0, 2, 0.0)  # "oft" is no answer
    assert (d.kitas, d.answered, d.mean_frequency) == (0, 2, 0.0)
    k1, k2, k3 = sr.kitas
    assert (k1.partners, k1.answered, k1.nie, k1.strength) == (2, 3, 1, 4)
    assert k1.share_nie == pytest.approx(1 / 3)
    assert (k2.partners, k2.answered, k2.nie, k2.strength) == (1, 4, 3, 2)
    assert k2.share_nie == pytest.approx(0.75)
    assert (k3.partners, k3.answered, k3.nie) == (2, 3, 1)
    assert k1.weights == (3, 1, 0, None)


def test_current_round_measures_match_the_hand_computation(now):
    sr = now.sozialraeume[10]
    assert sr.kita_count == 4
    assert sr.edges == 8  # K1: a, b, c; K2: a; K3: a, b, e; K4: a
    assert sr.density == pytest.approx(0.4)  # 8 / (4 x 5)
    assert sr.mean_partners == pytest.approx(2.0)
    assert sr.mean_satisfaction == pytest.approx(10 / 3)
    assert sr.unreached == ("d",)
    by_key = {p.key: p for p in sr.partners}
    assert by_key["a"].kitas == 4 and by_key["a"].mean_frequency == pytest.approx(2.25)
    assert by_key["c"].kitas == 1 and by_key["c"].mean_frequency == pytest.approx(1 / 3)
    assert by_key["e"].kitas == 1 and by_key["e"].answered == 2
    assert by_key["e"].mean_frequency == pytest.approx(0.5)
    shares = [k.share_nie for k in sr.kitas]
    assert shares == [pytest.approx(0.4), pytest.approx(0.75), pytest.approx(0.4), 0.0]
    assert [k.partners for k in sr.kitas] == [3, 1, 3, 1]
    # the graph: bipartite, edge weight = frequency, no edge for "nie"
    graph = sr.graph
    assert graph.number_of_nodes() == 4 + 5
    assert graph.edges[("kita", 1), ("partner", "a")]["weight"] == 3
    assert not graph.has_edge(("kita", 1), ("partner", "d"))


def test_a_sozialraum_that_only_says_nie_reaches_no_partner_and_the_total_spans_all(now):
    other = now.sozialraeume[20]
    assert other.edges == 0 and other.density == 0.0
    assert other.unreached == ("a", "b", "c", "d", "e")
    assert other.kitas[0].share_nie == 1.0
    assert now.total.kita_count == 5
    assert now.total.density == pytest.approx(8 / 25)
    assert now.total.unreached == ("d",)


def test_the_change_since_the_previous_round_matches_the_hand_computation(now, before):
    change = analysis.compare(now.sozialraeume[10], before.sozialraeume[10])
    assert change.kita_count.delta == 1
    assert change.edges.delta == 3
    assert change.density.delta == pytest.approx(0.4 - 5 / 12)  # -1/60
    assert change.mean_partners.delta == pytest.approx(1 / 3)
    assert change.mean_satisfaction.delta == pytest.approx(10 / 3 - 2.5)
    assert change.partners["a"]["kitas"].delta == 1
    assert change.partners["a"]["mean_frequency"].delta == pytest.approx(0.25)
    assert change.partners["b"]["kitas"].delta == 0
    assert change.partners["c"]["kitas"].delta == 1
    assert change.partners["c"]["mean_frequency"].delta == pytest.approx(1 / 3)
    assert change.partners["e"]["kitas"].delta is None  # new partner type: no change
    assert change.kitas[1]["partners"].delta == 1
    assert change.kitas[1]["share_nie"].delta == pytest.approx(0.4 - 1 / 3)
    assert change.kitas[2]["share_nie"].delta == pytest.approx(0.0)
    assert change.kitas[4]["partners"].delta is None  # did not answer before
    assert change.newly_reached == ("c",)
    assert change.newly_unreached == ()


def test_without_a_previous_round_there_is_no_change(now):
    change = analysis.compare(now.sozialraeume[10], None)
    assert change.density.before is None and change.density.delta is None
    assert change.newly_reached == () and change.newly_unreached == ()


def test_an_empty_group_has_no_density_and_no_means():
    group = analysis.analyse_group([], P_NOW)
    assert group.kita_count == 0
    assert group.density is None and group.mean_partners is None
    assert group.mean_satisfaction is None
    assert group.unreached == tuple(k for k, _label in P_NOW)


def test_the_weights_follow_the_instruments_levels_in_order():
    from surveys.instrument import ITEMS_BY_CODE

    levels = [code for code, _label in ITEMS_BY_CODE["F4"].levels]
    assert list(analysis.WEIGHTS) == levels
    assert [analysis.WEIGHTS[code] for code in levels] == [0, 1, 2, 3]


def test_the_analysis_module_imports_no_django():
    code = (
        "import sys, network.analysis; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(loaded); assert not loaded"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
