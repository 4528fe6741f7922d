"""The evaluation tables' numbers, formatted once per value, read as the template
filters they replace (``floatformat:2``, ``floatformat:"2g"``, ``default``)."""

from decimal import Decimal

import pytest
from django.template import engines
from django.template.defaultfilters import floatformat
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from indices.display import NumberFormat
from indices.models import KitaIndex
from indices.selectors import SozialraumRow, annotate_eligibility
from indices.templatetags.index_tables import index_cells

NUMBERS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e7, max_value=1e7),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    st.decimals(allow_nan=False, allow_infinity=False, places=6),
)


@pytest.mark.parametrize("thousands", [True, False])
@pytest.mark.parametrize("language", ["de", "en"])
@settings(max_examples=200, deadline=None)
@given(value=NUMBERS)
def test_number_format_writes_what_floatformat_wrote(language, thousands, value):
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=thousands):
        fmt = NumberFormat()
        assert fmt(value) == floatformat(value, 2)
        assert fmt(value, grouping=True) == floatformat(value, "2g")
        assert fmt(value, places=1) == floatformat(value, 1)
        assert fmt(value, places=3, grouping=True) == floatformat(value, "3g")


@pytest.mark.parametrize(
    ("value", "grouping", "text"),
    [
        (None, False, ""),
        (73.730770918, False, "73,73"),
        (0.005, False, "0,01"),  # half up, as floatformat
        (-0.001, False, "0,00"),  # no "-0,00"
        (1234.5, True, "1.234,50"),
        (Decimal("1002240.00"), True, "1.002.240,00"),
    ],
)
def test_german_examples(value, grouping, text):
    with translation.override("de"):
        assert NumberFormat()(value, grouping=grouping) == text


def _render(template: str, **context) -> str:
    html = engines["django"].from_string(template).render(context)
    return " ".join(html.split()).replace(" </td>", "</td>")


# The cells as templates/indices/overview.html wrote them before, filter chains per cell;
# the stored class shown through the catalogue ("oberhalb" / "above", issue 14).
OLD_SOZIALRAUM_ROW = """{% load i18n %}
<td class="num" data-value="{{ row.values.AB|default_if_none:''|stringformat:'s' }}">{{ row.values.AB|floatformat:2|default:"–" }}</td>
<td class="num" data-value="{{ row.values.SL|default_if_none:''|stringformat:'s' }}">{{ row.values.SL|floatformat:2|default:"–" }}</td>
<td class="num" data-value="{{ row.values.FM|default_if_none:''|stringformat:'s' }}">{{ row.values.FM|floatformat:2|default:"–" }}</td>
<td class="num" data-value="{{ row.values.IN|default_if_none:''|stringformat:'s' }}">{{ row.values.IN|floatformat:2|default:"–" }}</td>
<td class="num" data-value="{{ row.values.GESAMT|default_if_none:''|stringformat:'s' }}"><strong>{{ row.values.GESAMT|floatformat:2|default:"–" }}</strong></td>
<td class="class-{{ row.classes.GESAMT }}">{% if row.classes.GESAMT %}{% translate row.classes.GESAMT %}{% else %}–{% endif %}</td>
<td class="num" data-value="{{ row.percent|default_if_none:''|stringformat:'s' }}">{% if row.percent is not None %}{{ row.percent|floatformat:2 }} %{% else %}–{% endif %}</td>
<td class="num" data-value="{{ row.amount|default_if_none:''|stringformat:'s' }}">{% if row.amount is not None %}{{ row.amount|floatformat:"2g" }} €{% else %}–{% endif %}</td>
"""  # noqa: E501

NEW_SOZIALRAUM_ROW = """{% load index_tables %}
{{ row.cells|index_cells }}
<td class="num" data-value="{{ row.gesamt.value }}"><strong>{{ row.gesamt.text }}</strong></td>
<td class="class-{{ row.class_css }}">{{ row.class_text }}</td>
<td class="num" data-value="{{ row.percent_cell.value }}">{{ row.percent_cell.text }}</td>
<td class="num" data-value="{{ row.amount_cell.value }}">{{ row.amount_cell.text }}</td>
"""

OLD_KITA_ROW = """{% load i18n %}
<td class="num class-{{ row.classes.AB }}" data-value="{{ row.ab|default_if_none:''|stringformat:'s' }}" title="{% if row.classes.AB %}{% translate row.classes.AB %}{% endif %}">{{ row.ab|floatformat:2|default:"–" }}</td>
<td class="num class-{{ row.classes.SL }}" data-value="{{ row.sl|default_if_none:''|stringformat:'s' }}" title="{% if row.classes.SL %}{% translate row.classes.SL %}{% endif %}">{{ row.sl|floatformat:2|default:"–" }}</td>
<td class="num class-{{ row.classes.FM }}" data-value="{{ row.fm|default_if_none:''|stringformat:'s' }}" title="{% if row.classes.FM %}{% translate row.classes.FM %}{% endif %}">{{ row.fm|floatformat:2|default:"–" }}</td>
<td class="num class-{{ row.classes.IN }}" data-value="{{ row.infra|default_if_none:''|stringformat:'s' }}" title="{% if row.classes.IN %}{% translate row.classes.IN %}{% endif %}">{{ row.infra|floatformat:2|default:"–" }}</td>
<td class="num class-{{ row.classes.GESAMT }}" data-value="{{ row.gesamt|default_if_none:''|stringformat:'s' }}"><strong>{{ row.gesamt|floatformat:2|default:"–" }}</strong></td>
<td>{% if row.classes.GESAMT %}{% translate row.classes.GESAMT %}{% else %}–{% endif %}</td>
<td>{% include "indices/_eligibility.html" with value=row.eligibility.fs1 %}</td>
<td>{% include "indices/_eligibility.html" with value=row.eligibility.fs3 %}</td>
"""  # noqa: E501

NEW_KITA_ROW = """{% load index_tables %}
{{ row.cells|index_cells:"classes" }}
<td class="num class-{{ row.gesamt_cell.css }}" data-value="{{ row.gesamt_cell.value }}"><strong>{{ row.gesamt_cell.text }}</strong></td>
<td>{{ row.class_text }}</td>
<td>{{ row.fs1_text }}</td>
<td>{{ row.fs3_text }}</td>
"""  # noqa: E501

CLASSES = [
    {},
    {"AB": "unterhalb", "FM": "oberhalb", "GESAMT": "innerhalb"},
    {"AB": None, "SL": "", "GESAMT": None},
    {"GESAMT": ""},
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("classes", CLASSES)
@pytest.mark.parametrize(
    ("values", "percent", "amount"),
    [
        (
            {"AB": 73.7307, "SL": 0.0, "FM": None, "IN": -1.005, "GESAMT": 71.939},
            Decimal("3.76"),
            Decimal("37688.22"),
        ),
        ({}, None, None),
    ],
)
def test_sozialraum_row_renders_as_with_the_old_filters(language, classes, values, percent, amount):
    with translation.override(language):
        row = SozialraumRow(
            name="SR",
            sozialraum_id=1,
            values=values,
            classes=classes,
            percent=percent,
            amount=amount,
            kita_count=3,
        )._display(NumberFormat())
        assert _render(NEW_SOZIALRAUM_ROW, row=row) == _render(OLD_SOZIALRAUM_ROW, row=row)


NORMS = {
    "kita": {
        "GESAMT": {"mean": 50.0, "sd": 10.0, "lower": 40.0, "upper": 60.0},
        "FM": {"mean": 45.0, "sd": 15.0, "lower": 30.0, "upper": 60.0},
    }
}


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("classes", CLASSES)
@pytest.mark.parametrize(
    ("gesamt", "fm", "fs1", "fs3"),
    [
        (55.5, 50.0, "ja", "ja"),
        (30.0, 35.0, "nein", "begruendung"),
        (None, None, "unbekannt", "unbekannt"),
        (45.0, 10.0, "ja", "nein"),
    ],
)
def test_kita_row_renders_as_with_the_old_filters(language, classes, gesamt, fm, fs1, fs3):
    row = KitaIndex(
        kita_id=4711, ab=12.345, sl=None, fm=fm, infra=0.0, gesamt=gesamt, classes=classes
    )
    with translation.override(language):
        annotate_eligibility(rows=[row], norms=NORMS)
        assert row.detail_path == reverse("indices:kita_detail", args=[4711])
        assert (row.eligibility.fs1, row.eligibility.fs3) == (fs1, fs3)
        assert _render(NEW_KITA_ROW, row=row) == _render(OLD_KITA_ROW, row=row)


def test_index_cells_escapes_every_part():
    class Cell:
        value, text, css, title = '1"', "<b>", 'x" onclick="y', "<i>"

    plain = index_cells([Cell()])
    with_classes = index_cells([Cell()], "classes")
    assert plain == '<td class="num" data-value="1&quot;">&lt;b&gt;</td>'
    assert "<b>" not in with_classes and "<i>" not in with_classes
    assert 'class="num class-x&quot; onclick=&quot;y"' in with_classes
