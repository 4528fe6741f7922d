"""Benchmark of the index engine and of ``manage.py compute_indices``.

Run from the repository root: ``.venv/bin/python bench/indices.py`` (``--repeat N``,
``--sizes 31,2500,60000``, ``--keep DIR`` to keep the generated CSVs).

For each size it generates a synthetic round (31 Kitas in 8 Sozialräume, 2,500 and 60,000 Kitas
in 575 Sozialräume; valid answers, ~5 % empty Likert sub-items), then times

  (a) ``indices.compute.compute_indices`` in-process (DataFrame already in memory),
  (b) ``python manage.py compute_indices --csv FILE --budget EUR`` as a subprocess: Django
      start-up, reading and validating the CSV, computing, writing the JSON,
  (c) a minimal numpy/pandas implementation of the same formulas (``MINIMAL`` below, no
      validation, no Django) as a subprocess too: Python start-up, ``pandas.read_csv``,
      computing, writing the same JSON,

and checks that (b) and (c) print the same numbers. Reported: the median of ``--repeat`` runs
and the ratio (b)/(c); the goal is <= 1.5 at 60,000 Kitas.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from indices.compute import compute_indices  # noqa: E402
from surveys.instrument import ITEMS_BY_CODE, VARIABLE_INPUT_CODES  # noqa: E402

BUDGET_EUR = "1002240"
BUDGET_CENTS = int(BUDGET_EUR) * 100
GOAL = 1.5

# The baseline: the same formulas, written as plainly as numpy/pandas allow. It reads the
# variable table from surveys.instrument (pure data) so that it cannot drift from the product.
MINIMAL = r"""
import json, sys
sys.path.insert(0, sys.argv[3])
import numpy as np, pandas as pd
from surveys.instrument import CATEGORIES, VARIABLES

df = pd.read_csv(sys.argv[1])
budget = round(float(sys.argv[2]) * 100)
n = len(df)
V = np.empty((n, len(VARIABLES)))
def mean(X):
    c = (~np.isnan(X)).sum(1)
    with np.errstate(all="ignore"):
        return np.where(c > 0, np.nansum(X, 1) / c, np.nan)
for j, (cat, kind, inputs) in enumerate(VARIABLES.values()):
    X = df[list(inputs)].to_numpy(float)
    if kind == "share": V[:, j] = 100 * X[:, 0] / X[:, 1]
    elif kind == "mean": V[:, j] = mean(X)
    elif kind == "value": V[:, j] = X[:, 0]
    elif kind == "reverse": V[:, j] = 5 - X[:, 0]
    else: V[:, j] = 5 - mean(X)
lo, hi = np.nanmin(V, 0), np.nanmax(V, 0)
warnings = [f"Variable {v} ohne Streuung: für diese Runde ausgeschlossen"
            for v, ok in zip(VARIABLES, hi > lo) if not ok]
with np.errstate(all="ignore"):
    P = np.where(hi > lo, 100 * ((V - lo) / (hi - lo)), np.nan)
cats = list(CATEGORIES)
K = np.empty((n, 5))
for j, c in enumerate(cats):
    K[:, j] = mean(P[:, [i for i, v in enumerate(VARIABLES.values()) if v[0] == c]])
K[:, 4] = K[:, :4].mean(1)
codes = ["AB", "SL", "FM", "IN", "GESAMT"]
kitas = pd.DataFrame(K, columns=codes)
kitas["s"] = df["sozialraum"]
S = kitas[~np.isnan(K[:, 4])].groupby("s")[codes[:4]].mean()
S["GESAMT"] = S[codes[:4]].mean(1)
def norms(T):
    out, cls = {}, {}
    for c in codes:
        x = T[c].to_numpy(float)
        m, sd = np.nanmean(x), pd.Series(x).std()
        out[c] = {"mean": m, "sd": sd, "lower": m - sd, "upper": m + sd}
        cls[c] = np.where(x < m - sd, "unterhalb", np.where(x > m + sd, "oberhalb", "innerhalb"))
    return out, cls
kn, kc = norms(kitas)
sn, sc = norms(S)
def lr(v, units, names):
    q = v / v.sum() * units
    f = np.floor(q).astype(np.int64)
    order = sorted(range(len(v)), key=lambda i: (f[i] - q[i], -v[i], names[i]))
    for i in order[: units - f.sum()]:
        f[i] += 1
    return f
g = S["GESAMT"].to_numpy()
names = S.index.tolist()
pct, amt = lr(g, 10000, names), lr(g, budget, names)
def nn(x):
    return [None if v != v else v for v in x.tolist()]
kv = [nn(kitas[c].to_numpy()) for c in codes]
kcl = [kc[c].tolist() for c in codes]
complete = (~np.isnan(K[:, 4])).tolist()
out = {"kitas": {}, "sozialraeume": {}, "norms": {"kita": kn, "sozialraum": sn},
       "warnings": warnings}
for i, name in enumerate(df["kita"].tolist()):
    out["kitas"][name] = {**{c: kv[j][i] for j, c in enumerate(codes)}, "complete": complete[i],
                          "class": {c: kcl[j][i] for j, c in enumerate(codes)}}
for i, name in enumerate(names):
    out["sozialraeume"][name] = {**{c: float(S[c].iloc[i]) for c in codes},
                                 "class": {c: str(sc[c][i]) for c in codes},
                                 "percent": int(pct[i]) / 100, "amount": int(amt[i]) / 100}
sys.stdout.write(json.dumps(out, ensure_ascii=False))
"""


def synthetic_round(n_kitas: int, n_sozialraeume: int, seed: int = 2021) -> pd.DataFrame:
    """Valid answers for ``n_kitas`` Kitas; every Sozialraum gets at least one Kita."""
    rng = np.random.default_rng(seed)
    sr = np.concatenate(
        [np.arange(n_sozialraeume), rng.integers(0, n_sozialraeume, n_kitas - n_sozialraeume)]
    )
    rng.shuffle(sr)
    a1 = rng.integers(15, 161, n_kitas)
    a2 = np.maximum(1, np.round(a1 * rng.uniform(0.7, 0.95, n_kitas))).astype(int)
    cols: dict[str, np.ndarray] = {
        "kita": np.char.add("Kita ", np.char.zfill(np.arange(1, n_kitas + 1).astype(str), 6)),
        "sozialraum": np.char.add("Sozialraum ", np.char.zfill((sr + 1).astype(str), 3)),
        "status": np.full(n_kitas, "submitted"),
    }
    for code in VARIABLE_INPUT_CODES:
        item = ITEMS_BY_CODE[code]
        if code == "A1":
            values = a1.astype(float)
        elif code == "A2":
            values = a2.astype(float)
        elif item.kind == "int" and item.max_item:
            base = a2 if item.max_item == "A2" else a1
            values = rng.binomial(base, rng.uniform(0.0, 0.4, n_kitas)).astype(float)
        elif item.kind == "int":
            values = rng.integers(int(item.min), 21, n_kitas).astype(float)
        else:  # Likert; optional sub-items are sometimes left empty
            values = rng.integers(1, 5, n_kitas).astype(float)
            if not item.required:
                values[rng.random(n_kitas) < 0.05] = np.nan
        cols[code] = values
    return pd.DataFrame(cols)


def _time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str]) -> tuple[str, float, float]:
    """stdout, wall seconds and CPU seconds (user + system) of one subprocess."""
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    wall, cpu = time.perf_counter() - wall0, _children_cpu() - cpu0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return proc.stdout, wall, cpu


def _compare(cmd_a: list[str], cmd_b: list[str], repeat: int):
    """Run a and b alternately (so that load from elsewhere hits both alike).

    Returns (outputs, {a|b: (min wall, median wall, median cpu)}).
    """
    walls: dict[str, list[float]] = {"a": [], "b": []}
    cpus: dict[str, list[float]] = {"a": [], "b": []}
    outputs = {}
    for _ in range(repeat):
        for key, cmd in (("a", cmd_a), ("b", cmd_b)):
            outputs[key], wall, cpu = _run(cmd)
            walls[key].append(wall)
            cpus[key].append(cpu)
    stats = {
        key: (min(walls[key]), statistics.median(walls[key]), statistics.median(cpus[key]))
        for key in walls
    }
    return outputs, stats


def _same(a, b, path="") -> None:
    """Both outputs carry the same numbers (1e-9), classes and keys."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for key in a:
            _same(a[key], b[key], f"{path}/{key}")
    elif isinstance(a, float) and isinstance(b, float):
        assert abs(a - b) <= 1e-9 * max(1.0, abs(a)), (path, a, b)
    else:
        assert a == b, (path, a, b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="31,2500,60000")
    parser.add_argument("--keep", metavar="DIR")
    args = parser.parse_args()
    python = sys.executable
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="srb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    minimal = workdir / "minimal.py"
    minimal.write_text(MINIMAL, encoding="utf-8")

    # Start-up floors, for reading the table (CPU seconds, median).
    floors = {}
    for label, cmd in (
        ("python", [python, "-c", "pass"]),
        ("python + import pandas", [python, "-c", "import pandas"]),
        ("manage.py help compute_indices", [python, "manage.py", "help", "compute_indices"]),
    ):
        floors[label] = statistics.median(_run(cmd)[2] for _ in range(args.repeat))

    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        frame = synthetic_round(size, 8 if size < 100 else 575)
        path = workdir / f"kitas-{size}.csv"
        frame.to_csv(path, index=False)
        t_engine, _ = _time(
            lambda f=frame: compute_indices(f, budget_cents=BUDGET_CENTS), args.repeat
        )
        cli_cmd = [python, "manage.py", "compute_indices", "--csv", str(path)]
        cli_cmd += ["--budget", BUDGET_EUR]
        min_cmd = [python, str(minimal), str(path), BUDGET_EUR, str(REPO)]
        outputs, stats = _compare(cli_cmd, min_cmd, args.repeat)
        _same(json.loads(outputs["a"]), json.loads(outputs["b"]))
        rows.append((size, path.stat().st_size, t_engine, stats["a"], stats["b"]))

    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}, {args.repeat} runs each (CLI and minimal alternating)"
    )
    print("start-up CPU: " + ", ".join(f"{k} {v:.3f} s" for k, v in floors.items()))
    print()
    header = (
        "Kitas",
        "CSV MB",
        "(a) engine",
        "(b) CLI wall",
        "(c) min wall",
        "wall b/c",
        "(b) CLI cpu",
        "(c) min cpu",
        "cpu b/c",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    for size, nbytes, t_engine, cli, mini in rows:
        cells = (
            f"{size:,}",
            f"{nbytes / 1e6:.2f}",
            f"{t_engine * 1000:.0f} ms",
            f"{cli[0]:.3f} s",
            f"{mini[0]:.3f} s",
            f"{cli[0] / mini[0]:.2f}",
            f"{cli[2]:.3f} s",
            f"{mini[2]:.3f} s",
            f"{cli[2] / mini[2]:.2f}",
        )
        print("| " + " | ".join(cells) + " |")
    print()
    print("wall = fastest run, cpu = median user+system time of the process; engine = fastest")
    size, _n, _e, cli, mini = rows[-1]
    for label, ratio in (("wall", cli[0] / mini[0]), ("cpu", cli[2] / mini[2])):
        verdict = "met" if ratio <= GOAL else "MISSED"
        print(f"goal (b)/(c) <= {GOAL} at {size:,} Kitas ({label}): {verdict} ({ratio:.2f})")
    print("outputs of (b) and (c) agree (numbers to 1e-9, classes, warnings)")


if __name__ == "__main__":
    main()
