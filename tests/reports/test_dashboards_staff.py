"""Issue 14, the staff dashboard and the menu: correct German plurals, captions above their
tables, plan counts that link to the filtered plan list, exactly one active menu item,
and the Träger's results in the menu."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from indices.models import IndexRun

pytestmark = pytest.mark.django_db


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _active_menu_items(html: str) -> list[str]:
    nav = html.split('aria-label="Hauptnavigation"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'class="nav-link active"[^>]*>([^<]+)</a>', nav)


def _menu(html: str) -> list[tuple[str, str]]:
    nav = html.split('aria-label="Hauptnavigation"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'class="nav-link[^"]*"[^>]*href="([^"]+)">([^<]+)</a>', nav)


@pytest.mark.parametrize(
    ("count", "expected"), [(1, "aus 1 Fragebogen."), (2, "aus 2 Fragebögen.")]
)
def test_published_result_says_fragebogen_in_singular_and_plural(client, city, count, expected):
    IndexRun.objects.filter(round=city.survey_round).update(kita_count=count)
    client.force_login(city.users["jugendamt"])
    text = _text(_html(client, reverse("reports:dashboard")))
    assert expected in text
    if count == 1:
        assert "aus 1 Fragebögen" not in text


def test_each_tables_caption_comes_first_and_sits_above_it(client, city):
    client.force_login(city.users["jugendamt"])
    html = _html(client, reverse("reports:dashboard"))
    tables = re.findall(r"<table[^>]*>.*?</table>", html, re.S)
    assert len(tables) >= 2
    for table in tables:
        opening = re.match(r"<table([^>]*)>\s*<caption", table)
        assert opening, table[:200]
        assert "caption-top" in opening.group(1)
    css = Path("static/css/app.css").read_text(encoding="utf-8")
    assert re.search(r"caption[^{]*\{[^}]*caption-side:\s*top", css)


def test_plan_counts_link_to_the_plan_list_filtered_by_state(client, city):
    client.force_login(city.users["jugendamt"])
    html = _html(client, reverse("reports:dashboard"))
    table = re.search(r'data-testid="plans-by-state">.*?</table>', html, re.S).group(0)
    row = re.search(r"Beschlussvorlage</th><td[^>]*>(.*?)</td>", table).group(1)
    link = re.search(r'<a href="([^"]+)"[^>]*>(\d+)</a>', row)
    assert link, row
    url, count = link.group(1).replace("&amp;", "&"), int(link.group(2))
    parts = urlsplit(url)
    assert parts.path == reverse("allocation:plan_list")
    assert parse_qs(parts.query) == {"jahr": ["2027"], "status": ["proposal"]}
    listing = _html(client, url)
    assert listing.count('data-testid="overview-row"') == count
    assert "Beschlussvorlage" in _text(listing.split('data-testid="status-filter"', 1)[1])[:200]


@pytest.mark.parametrize(
    ("role", "url", "active"),
    [
        ("jugendamt", "/berichte/start/", "Übersicht"),
        ("jugendamt", "/berichte/", "Berichte"),
        ("jugendamt", "/berichte/entwicklung/", "Berichte"),
        ("jugendamt", "/verteilung/", "Verteilung"),
        ("jugendamt", "/auswertung/", "Auswertung"),
        ("traeger", "/verteilung/traeger/", "Verteilung"),
    ],
)
def test_exactly_one_menu_item_is_active(client, city, role, url, active):
    client.force_login(city.users[role])
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert _active_menu_items(response.content.decode()) == [active]


def test_traeger_have_the_results_of_their_kitas_in_the_menu(client, city):
    client.force_login(city.users["traeger"])
    html = client.get("/verteilung/traeger/").content.decode()
    assert ("/auswertung/meine-kita/", "Ergebnisse meiner Kitas") in _menu(html)
    assert reverse("indices:my_kita") == "/auswertung/meine-kita/"
    page = client.get("/auswertung/meine-kita/", follow=True)
    assert page.status_code == 200
    assert _active_menu_items(page.content.decode()) == ["Ergebnisse meiner Kitas"]


def test_staff_do_not_get_the_traeger_results_entry(client, city):
    client.force_login(city.users["jugendamt"])
    html = _html(client, reverse("reports:dashboard"))
    assert "Ergebnisse meiner Kitas" not in html
