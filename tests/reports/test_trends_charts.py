"""The trends page draws each Sozialraum's Gesamtindex and share across the closed rounds
(issue 14): small charts with text alternatives, the note that standard points are
relative within a round, the small-cell rule per round, the table under the charts."""

import datetime
import re
from decimal import Decimal

import pytest

from indices.models import IndexRun, KitaIndex, SozialraumIndex
from tests.reports.conftest import SMALL_SR
from tests.surveys.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db

TRENDS = "/berichte/entwicklung/"


def _svg(html: str, chart_id: str) -> str:
    start = html.rindex("<svg", 0, html.index(f'id="{chart_id}"'))
    return html[start : html.index("</svg>", start) + len("</svg>")]


def _panel(svg: str, name: str) -> str:
    return svg.split(f'<g aria-label="{name}">', 1)[1].split("</g>", 1)[0]


@pytest.fixture
def older_round(city):
    """A closed round 2021 before the city's 2027 with its own Sozialraum values; every
    Kita has a result (the small Sozialraum's two are still fewer than three)."""
    older = SurveyRoundFactory(
        jugendamt=city.jugendamt,
        code="2021",
        stichtag=datetime.date(2021, 3, 1),
        state="geschlossen",
    )
    run = IndexRun.objects.create(
        round=older,
        status=IndexRun.Status.FINISHED,
        method_version="test",
        instrument_code="SRB-2021",
        input_checksum="1" * 64,
    )
    for i, sr in enumerate(city.sozialraeume):
        SozialraumIndex.objects.create(
            run=run,
            sozialraum=sr,
            ab=21.0 + i,
            gesamt=41.5 + i,
            percent=Decimal("12.50"),
        )
    KitaIndex.objects.bulk_create(
        KitaIndex(run=run, kita=k, gesamt=50.0, complete=True) for k in city.kitas
    )
    return run


def test_trends_draw_gesamtindex_and_share_per_sozialraum_with_text_alternatives(
    client, city, older_round
):
    client.force_login(city.users["ausschuss"])
    html = client.get(TRENDS).content.decode()
    for chart_id in ("chart-trend-index", "chart-trend-share"):
        svg = _svg(html, chart_id)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert "Geheimkita" not in svg and "style=" not in svg
        assert ">2021<" in svg and ">2027<" in svg
    assert "relativ innerhalb einer Erhebung" in html
    index_svg = _svg(html, "chart-trend-index")
    assert "relativ innerhalb einer Erhebung" in index_svg  # in the description too
    # Pariser Viertel: 41,5 in 2021, 53,0 in 2027 (the values of the table).
    panel = _panel(index_svg, "Pariser Viertel")
    assert panel.index(">41,5<") < panel.index(">53,0<")
    assert "<path" in panel  # a line joins the rounds
    share = _panel(_svg(html, "chart-trend-share"), "Pariser Viertel")
    assert "12,50\u00a0%" in share
    # The table stays available under the charts.
    table = html.split("<details", 1)[1].split("</details>", 1)[0]
    assert "Indizes und Anteile je Sozialraum und Erhebung" in table
    assert "41,5" in table and "53,0" in table


def test_trend_chart_of_a_small_sozialraum_has_no_index_point_in_a_merged_round(
    client, city, older_round
):
    # The small Sozialraum has only two Kitas with a result in 2027.
    client.force_login(city.users["ausschuss"])
    html = client.get(TRENDS).content.decode()
    panel = _panel(_svg(html, "chart-trend-index"), SMALL_SR)
    assert panel.count("zusammengefasst") == 2  # both rounds
    assert "<circle" not in panel and "<path" not in panel
    texts = re.findall(r">([^<]+)<", panel)
    # only the scale (0 to 100) and the rounds
    assert [t for t in texts if re.search(r"\d", t)] == ["0", "100", "2021", "2027"]


def test_trends_without_a_result_draw_no_chart(client, db):
    from sozialraeume import roles
    from tests.factories import JugendamtFactory, make_user

    ja = JugendamtFactory(name="Leerstadt", slug="leerstadt")
    user = make_user(roles.AUSSCHUSS, jugendamt=ja, username="aus-leer")
    client.force_login(user)
    html = client.get(TRENDS).content.decode()
    assert "noch kein ausgewertetes Ergebnis" in html
    assert "<svg" not in html
