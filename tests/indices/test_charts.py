"""The dot strip of the Kita's own results page: pure SVG, anonymous dots, own Kita distinct."""

import re

import pytest
from defusedxml import ElementTree as ET

from indices import charts

SVG = "{http://www.w3.org/2000/svg}"


def _chart(**kwargs):
    defaults = {
        "chart_id": "strip-fm",
        "texts": charts.StripTexts(
            title="Flucht und Migration: Ihre Kita im Vergleich",
            desc="Die Raute zeigt Ihre Kita bei 62,31.",
            own_label="Ihre Kita: 62,31",
            mean_label="Durchschnitt: 48,10",
            low_label="geringer Bedarf",
            high_label="hoher Bedarf",
        ),
        "others": [10.0, 20.0, 20.1, 48.0, 55.5, 90.0],
        "own": 62.31,
        "mean": 48.1,
        "lower": 35.2,
        "upper": 61.0,
    }
    defaults.update(kwargs)
    return charts.strip_chart(**defaults)


def test_the_chart_is_well_formed_svg_with_a_text_alternative():
    svg = _chart()
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "strip-fm-title strip-fm-desc"
    assert root.find(f"{SVG}title").text == "Flucht und Migration: Ihre Kita im Vergleich"
    assert root.find(f"{SVG}desc").text == "Die Raute zeigt Ihre Kita bei 62,31."
    assert " style=" not in svg and "<style" not in svg  # CSP: presentation attributes only


def test_every_other_kita_is_one_hollow_dot_and_the_own_kita_a_diamond():
    root = ET.fromstring(_chart())
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 6
    assert {c.get("fill") for c in circles} == {"#ffffff"}  # hollow: a shape, not a colour
    own = root.findall(f".//{SVG}polygon")
    assert len(own) == 1 and own[0].get("class") == "own"
    assert own[0].get("fill") not in {"#ffffff", None} and own[0].get("stroke") == "#000000"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Ihre Kita: 62,31" in texts and "Durchschnitt: 48,10" in texts


def test_the_dots_carry_no_name_link_or_tooltip():
    svg = _chart()
    root = ET.fromstring(svg)
    assert root.findall(f".//{SVG}a") == []
    for circle in root.findall(f".//{SVG}circle"):
        assert list(circle) == []  # no <title> per dot
        assert set(circle.keys()) <= {"cx", "cy", "r", "fill", "stroke", "stroke-width"}


def test_the_norm_band_spans_lower_to_upper_and_the_mean_is_a_line():
    root = ET.fromstring(_chart())
    band = root.find(f".//{SVG}rect[@class='norm-band']")
    x1 = float(band.get("x"))
    assert x1 == pytest.approx(charts.plot_x(35.2), abs=0.1)
    assert x1 + float(band.get("width")) == pytest.approx(charts.plot_x(61.0), abs=0.2)
    mean = root.find(f".//{SVG}line[@class='mean']")
    assert float(mean.get("x1")) == pytest.approx(charts.plot_x(48.1), abs=0.1)
    assert mean.get("stroke-dasharray")  # dashed: readable in black and white


def test_without_a_comparison_only_the_own_kita_is_drawn():
    root = ET.fromstring(_chart(others=[], mean=None, lower=None, upper=None))
    assert root.findall(f".//{SVG}circle") == []
    assert root.find(f".//{SVG}rect[@class='norm-band']") is None
    assert root.find(f".//{SVG}line[@class='mean']") is None
    assert len(root.findall(f".//{SVG}polygon")) == 1


def test_texts_from_data_are_escaped():
    svg = _chart(
        chart_id="x",
        texts=charts.StripTexts(title='A <b> & "c"', desc="<script>", own_label="<i>"),
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well-formed


def test_values_in_one_bin_stack_upwards_and_the_own_bin_keeps_its_bottom_row():
    dots, per_dot = charts.dot_layout([50.0, 50.0, 50.0, 10.0], own=50.0)
    assert per_dot == 1
    fifty = [d.row for d in dots if d.column == charts.column_of(50.0)]
    assert sorted(fifty) == [2, 3, 4]  # rows 0 and 1 are the (larger) diamond's
    assert [d.row for d in dots if d.column == charts.column_of(10.0)] == [0]


def test_no_dot_covers_the_own_kitas_diamond():
    values = [float(v) / 10 for v in range(400, 600)]  # a dense crowd around 50
    dots, _per_dot = charts.dot_layout(values, own=50.0)
    own_x = charts.PAD_X + charts.column_of(50.0) * charts.DOT_STEP
    own_y = charts.BAND_BOTTOM - charts.DOT_R
    for dot in dots:
        cx = charts.PAD_X + dot.column * charts.DOT_STEP
        cy = charts.BAND_BOTTOM - charts.DOT_R - dot.row * charts.DOT_STEP
        # outside the diamond |dx| + |dy| <= OWN_R, with the dot's radius as margin
        assert abs(cx - own_x) + abs(cy - own_y) >= charts.OWN_R + charts.DOT_R - 0.5


def test_a_crowded_bin_makes_one_dot_stand_for_several_kitas_and_keeps_the_height():
    many = [42.0] * 40
    dots, per_dot = charts.dot_layout(many, own=None)
    rows = charts.max_rows()
    assert per_dot == -(-40 // rows)  # ceil
    assert len(dots) == -(-40 // per_dot) and max(d.row for d in dots) < rows
    svg = _chart(others=many)
    heights = {float(m) for m in re.findall(r'cy="([\d.]+)"', svg)}
    assert min(heights) >= charts.BAND_TOP - charts.DOT_R


def test_values_outside_the_scale_are_drawn_at_its_edge():
    assert charts.plot_x(-5) == charts.plot_x(0)
    assert charts.plot_x(130) == charts.plot_x(100)


def test_the_chart_module_imports_no_django():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(charts.__file__).read_text(encoding="utf-8"))
    modules = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not any(m.split(".")[0] in {"django", "reports", "indices"} for m in modules)


def test_the_legend_icons_are_hidden_from_assistive_technology():
    for kind in charts.LEGEND_KINDS:
        icon = ET.fromstring(charts.legend_icon(kind))
        assert icon.get("aria-hidden") == "true"
