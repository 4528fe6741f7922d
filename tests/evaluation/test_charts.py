"""The evaluation's SVG bars: pure (no Django), accessible, no inline style (CSP)."""

import ast
from pathlib import Path

from evaluation import charts


def test_the_chart_module_imports_no_django():
    tree = ast.parse(Path(charts.__file__).read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    assert not [n for n in names if n.split(".")[0] in {"django", "celery", "psycopg"}]


def test_bars_are_labelled_escaped_and_without_style():
    svg = charts.distribution_chart(
        chart_id="c1",
        title="A1: <Titel>",
        desc="Verteilung (n = 5)",
        labels=["1 trifft nicht zu", "2 trifft zu"],
        shares=[0.2, 0.8],
        value_texts=["1 (20,0 %)", "4 (80,0 %)"],
    )
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert "&lt;Titel&gt;" in svg and "<Titel>" not in svg
    assert "style=" not in svg
    assert svg.count("<rect") == 2 and "4 (80,0 %)" in svg
