"""The SVG charts: valid XML, accessible, readable in black and white, German numbers."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from reports.documents import charts

SVG = "{http://www.w3.org/2000/svg}"
NAMES = ["Pariser Viertel", "Ost", "Planig / Ippesheim / Bosenheim"]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def _texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _index_chart(**kwargs):
    return charts.grouped_bar_chart(
        title="Indizes je Sozialraum",
        description="Vier Teilindizes je Sozialraum",
        groups=NAMES,
        series=[
            ("AB", [53.0, 43.25, 12.0]),
            ("SL", [40.0, 1.0, 99.9]),
            ("FM", [None, 20.0, 30.0]),
            ("IN", [10.0, 0.0, 100.0]),
        ],
        max_value=100,
        **kwargs,
    )


def test_format_de_uses_decimal_comma_and_thousands_dot():
    assert charts.format_de(1234.5, 1) == "1.234,5"
    assert charts.format_de(Decimal("1002240.00"), 2) == "1.002.240,00"
    assert charts.format_de(17.37, 2) == "17,37"
    assert charts.format_de(None).startswith("k.")
    assert charts.format_de(float("nan")).startswith("k.")


def test_chart_is_an_accessible_image_with_title_and_description():
    root = _parse(_index_chart(chart_id="idx"))
    assert root.get("role") == "img"
    labelled_by = root.get("aria-labelledby").split()
    assert labelled_by == ["idx-title", "idx-desc"]
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.get("id") == "idx-title" and title.text == "Indizes je Sozialraum"
    assert desc.get("id") == "idx-desc" and desc.text == "Vier Teilindizes je Sozialraum"


def test_every_value_is_written_next_to_its_bar_in_german_format():
    texts = _texts(_parse(_index_chart()))
    for expected in ["53,0", "43,3", "12,0", "99,9", "0,0", "100,0"]:
        assert expected in texts
    assert "Pariser Viertel" in texts
    # A missing value has no bar but says so.
    assert any(t.startswith("k.") for t in texts)


def test_missing_value_draws_no_bar():
    root = _parse(_index_chart(chart_id="x"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    # 3 groups x 4 series - 1 missing = 11 bars
    assert len(bars) == 11


def test_series_differ_by_pattern_or_grey_so_black_and_white_print_works():
    root = _parse(_index_chart(chart_id="bw"))
    legend_fills = [
        r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("class") == "legend-swatch"
    ]
    assert len(legend_fills) == 4
    assert len(set(legend_fills)) == 4
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert sum(1 for f in legend_fills if f.startswith("url(#")) >= 3
    for fill in legend_fills:
        if fill.startswith("url(#"):
            assert fill[5:-1] in patterns


def test_text_from_data_is_escaped():
    svg = charts.bar_chart(
        title='Anteile <"&">',
        description="Beschreibung & mehr",
        labels=["<script>alert(1)</script>", "A & B"],
        values=[Decimal("60.5"), Decimal("39.5")],
    )
    assert "<script>" not in svg
    root = _parse(svg)
    texts = _texts(root)
    assert "A & B" in texts
    assert "60,50\u00a0%" in texts
    assert root.find(f"{SVG}title").text == 'Anteile <"&">'


def test_no_style_attributes_because_of_the_content_security_policy():
    svg = _index_chart()
    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg


def test_long_labels_wrap_into_two_lines():
    texts = _texts(
        _parse(
            charts.grouped_bar_chart(
                title="t",
                description="d",
                groups=["Planig / Ippesheim / Bosenheim und noch viel mehr"],
                series=[("a", [1.0])],
            )
        )
    )
    assert "Planig / Ippesheim /" in texts
    assert any(t.startswith("Bosenheim") and t.endswith("…") for t in texts)


# --- stacked bars and small multiples (issue 14) -----------------------------------------


def _stacked(**kwargs):
    return charts.stacked_bar_chart(
        title="Stellen je Sozialraum",
        description="Gestapelt nach Förderstrang",
        groups=NAMES,
        series=[
            ("FS1", "FS1 Individuelle Kita-Sozialarbeit", [Decimal("2.50"), Decimal("0"), None]),
            ("FS3", "FS3 Interkulturelle Fachkraft", [Decimal("1.25"), Decimal("3.00"), None]),
        ],
        notes=[None, None, "nicht beschlossen"],
        unit="VZÄ",
        **kwargs,
    )


def test_stacked_bars_are_an_accessible_image_with_a_segment_per_used_strand():
    svg = _stacked(chart_id="st")
    assert "style=" not in svg and "<script" not in svg
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "st-title st-desc"
    segments = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "segment"]
    assert len(segments) == 3  # zero and None draw nothing; the noted group no bar
    fills = {s.get("fill") for s in segments}
    assert len(fills) == 2 and any(f.startswith("url(#") for f in fills)
    texts = _texts(root)
    assert "3,75\u00a0VZÄ" in texts and "3,00\u00a0VZÄ" in texts  # totals at the bar ends
    assert "nicht beschlossen" in texts
    # Each segment wide enough is named by its key, not by its grey alone.
    assert any(t.startswith("FS1") for t in texts if "Individuelle" not in t)
    assert any(t.startswith("FS3") for t in texts if "Interkulturelle" not in t)


def test_stacked_bars_keep_segment_widths_in_proportion():
    root = _parse(_stacked(chart_id="prop"))
    segments = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "segment"]
    first, second, third = (float(s.get("width")) for s in segments)
    assert abs(first / second - 2.0) < 0.01  # 2,50 vs. 1,25 in one bar
    assert abs(third / second - 2.4) < 0.01  # 3,00 vs. 1,25


def test_small_multiples_draw_one_panel_per_group_with_values_and_markers():
    svg = charts.small_multiples_chart(
        title="Gesamtindex",
        description="Je Sozialraum über die Erhebungen",
        x_labels=["2020", "2027"],
        panels=[
            ("Nord", [("Gesamtindex", [40.0, 45.5])]),
            ("Süd <&>", [("Gesamtindex", [None, 30.0])]),
        ],
        max_value=100,
        missing_text="zusammengefasst",
        chart_id="sm",
    )
    assert "style=" not in svg
    root = _parse(svg)
    assert root.get("role") == "img"
    groups = [g for g in root.iter(f"{SVG}g") if g.get("aria-label")]
    assert [g.get("aria-label") for g in groups] == ["Nord", "Süd <&>"]
    nord, sued = ("".join(g.itertext()) for g in groups)
    assert "40,0" in nord and "45,5" in nord
    assert "zusammengefasst" in sued and "30,0" in sued
    assert len(list(groups[0].iter(f"{SVG}path"))) == 1  # a line joins the two rounds
    assert not list(groups[1].iter(f"{SVG}path"))  # one point: no line
