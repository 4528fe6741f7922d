"""Small-cell rule everywhere in the committee outputs (issue 12, finding 7): a Sozialraum
with fewer than three Kitas with a result shows no indices, no chart bars and no strand
breakdown of its own, on the web page, in the PDF and on the trends page."""

import re
import shutil
from decimal import Decimal

import pytest

from allocation.models import BudgetYear
from indices.models import KitaIndex, SozialraumIndex
from indices.selectors import current_run
from indices.services import index_run_compute
from sozialraeume.models import Kita
from surveys.models import Response
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

SMALL = {"BME": 2, "Winzenheim": 1}  # Kitas with a result after the change below
CATEGORY_FIELDS = ("ab", "sl", "fm", "infra", "gesamt")


def _one_decimal(value: float) -> str:
    return f"{Decimal(repr(value)).quantize(Decimal('0.1'))}".replace(".", ",")


def _pattern(text: str) -> re.Pattern:
    return re.compile(rf"(?<![\d.,]){re.escape(text)}(?![\d])")


@pytest.fixture
def small_cells(demo):
    """The demo round with fewer Kitas with a result in two Sozialräume: their
    questionnaires went back to draft and the round was computed again."""
    by = BudgetYear.objects.get(jugendamt=demo, year=2026)
    for name, keep in SMALL.items():
        kitas = list(Kita.objects.filter(sozialraum__jugendamt=demo, sozialraum__name=name))
        assert len(kitas) > keep
        Response.objects.filter(round=by.round, kita__in=kitas[keep:]).update(
            status=Response.Status.DRAFT
        )
    index_run_compute(round_id=by.round_id, force=True)
    run = current_run(round_id=by.round_id)
    counts = {
        name: KitaIndex.objects.filter(run=run, complete=True, kita__sozialraum__name=name).count()
        for name in SMALL
    }
    assert counts == SMALL
    values = {v.sozialraum.name: v for v in SozialraumIndex.objects.filter(run=run)}
    # One Kita: the Sozialraum's indices are exactly that Kita's.
    single = KitaIndex.objects.get(run=run, complete=True, kita__sozialraum__name="Winzenheim")
    assert _one_decimal(single.gesamt) == _one_decimal(values["Winzenheim"].gesamt)
    return by, values


def _secret_numbers(values) -> list[re.Pattern]:
    """The small Sozialräume's own index values as the report would write them, leaving
    out any that a large Sozialraum happens to share (those are shown rightly)."""
    shown = {
        _one_decimal(getattr(v, f))
        for name, v in values.items()
        if name not in SMALL
        for f in CATEGORY_FIELDS
        if getattr(v, f) is not None
    }
    secret = {
        _one_decimal(getattr(values[name], f))
        for name in SMALL
        for f in CATEGORY_FIELDS
        if getattr(values[name], f) is not None
    }
    assert secret - shown
    return [_pattern(s) for s in sorted(secret - shown)]


def _cells(row_html: str) -> str:
    """The text of a table row without its tags and the rule's own "3 Kitas"."""
    return re.sub(r"<[^>]+>", " ", row_html).replace("3 Kitas", "")


def _section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("role", ["ausschuss", "jugendamt", "jugendamt-leitung"])
def test_small_sozialraeume_show_no_indices_bars_or_strands_on_the_page(
    client, role_users, small_cells, role
):
    _by, values = small_cells
    client.force_login(role_users[role])
    html = client.get("/berichte/ausschuss/2026/").content.decode()
    for pattern in _secret_numbers(values):
        assert not pattern.search(html), pattern.pattern
    indices = _section(html, "indices-heading")
    chart = indices.split('id="chart-indices"', 1)[1].split("</svg>", 1)[0]
    strands = _section(html, "step2-heading")
    for name in SMALL:
        row = indices.split(f'<th scope="row">{name}</th>', 1)[1].split("</tr>", 1)[0]
        assert "zusammengefasst" in row and not re.search(r"\d", _cells(row))
        assert name not in chart
        row = strands.split(f'<th scope="row">{name}</th>', 1)[1].split("</tr>", 1)[0]
        assert "zusammengefasst" in row and "FS1" not in row
    assert "Schutz kleiner Fallzahlen" in indices
    note = indices.split("Zusammengefasst:", 1)[1].split("</p>", 1)[0]
    assert all(name in note for name in SMALL)
    assert "Pariser Viertel" in chart  # large Sozialräume keep their bars


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext fehlt (poppler-utils)")
def test_small_sozialraeume_show_no_indices_in_the_pdf(client, role_users, small_cells, tmp_path):
    _by, values = small_cells
    client.force_login(role_users["ausschuss"])
    response = client.get("/berichte/ausschuss/2026/", {"format": "pdf"})
    text = pdf_text(response.content, tmp_path)
    for pattern in _secret_numbers(values):
        assert not pattern.search(text), pattern.pattern
    indices = text.split("3. Bedarfsindizes je Sozialraum", 1)[1].split("4. Schritt 2", 1)[0]
    for name in SMALL:
        lines = [line for line in indices.splitlines() if name in line]
        assert lines, name
        for line in lines:
            assert not re.search(r"\d", line.replace("3 Kitas", "")), line


def test_trends_show_no_indices_of_a_small_sozialraum(client, role_users, small_cells):
    _by, values = small_cells
    client.force_login(role_users["ausschuss"])
    html = client.get("/berichte/entwicklung/").content.decode()
    for pattern in _secret_numbers(values):
        assert not pattern.search(html), pattern.pattern
    assert "zusammengefasst" in html
