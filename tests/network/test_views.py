"""The network pages as their users see them: staff with Kita names, the committee on
Sozialraum level only (small-cell rule), Kita leaders and Träger refused, another
Jugendamt's round 404, and a constant number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network import selectors
from sozialraeume import roles
from surveys.models import Response, SurveyRound
from tests.factories import JugendamtFactory, KitaFactory, SozialraumFactory, make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db

PARTNERS = [["schule", "Grundschule"], ["beratung", "Beratungsstelle"], ["amt", "Gesundheitsamt"]]


class World:
    pass


def _answer(survey_round, kita, f4, f5=3, status=Response.Status.SUBMITTED):
    return ResponseFactory(
        round=survey_round, kita=kita, status=status, answers={"F4": f4, "F5": f5}
    )


def build(*, big=3, small=2):
    """A Jugendamt with a Sozialraum of ``big`` and one of ``small`` answering Kitas, a
    closed round 2030 and the closed round 2029 before it, an open round 2031."""
    w = World()
    w.ja = JugendamtFactory(name="Jugendamt Netzstadt", slug="netzstadt")
    w.north = SozialraumFactory(jugendamt=w.ja, name="Nordviertel", position=1)
    w.south = SozialraumFactory(jugendamt=w.ja, name="Südviertel", position=2)
    w.kitas_north = [KitaFactory(sozialraum=w.north, name=f"Kita Nord {i}") for i in range(big)]
    w.kitas_south = [KitaFactory(sozialraum=w.south, name=f"Kita Süd {i}") for i in range(small)]
    w.previous = SurveyRoundFactory(
        jugendamt=w.ja,
        code="2029",
        stichtag=datetime.date(2029, 10, 1),
        state=SurveyRound.State.GESCHLOSSEN,
        partners=PARTNERS,
    )
    w.round = SurveyRoundFactory(
        jugendamt=w.ja,
        code="2030",
        stichtag=datetime.date(2030, 10, 1),
        state=SurveyRound.State.GESCHLOSSEN,
        partners=PARTNERS,
    )
    w.open_round = SurveyRoundFactory(
        jugendamt=w.ja, code="2031", stichtag=datetime.date(2031, 10, 1), partners=PARTNERS
    )
    for kita in w.kitas_north:
        _answer(w.previous, kita, {"schule": "selten", "beratung": "nie"})
        _answer(w.round, kita, {"schule": "eng", "beratung": "selten", "amt": "nie"})
    for kita in w.kitas_south:
        _answer(w.round, kita, {"schule": "regelmaessig", "amt": "nie"})
    # a draft never counts
    w.draft_kita = KitaFactory(sozialraum=w.north, name="Kita Entwurf")
    _answer(w.round, w.draft_kita, {"amt": "eng"}, status=Response.Status.DRAFT)
    w.staff = make_user(roles.JUGENDAMT, jugendamt=w.ja)
    w.committee = make_user(roles.AUSSCHUSS, jugendamt=w.ja)
    w.kita_leader = make_user(roles.KITA_LEITUNG, kitas=[w.kitas_north[0]])
    w.traeger = make_user(roles.TRAEGER, jugendamt=w.ja, traeger=w.kitas_north[0].traeger)
    other = JugendamtFactory(name="Jugendamt Anderswo", slug="anderswo")
    w.foreign_staff = make_user(roles.JUGENDAMT, jugendamt=other)
    w.foreign_sozialraum = SozialraumFactory(jugendamt=other, name="Fremdviertel")
    return w


@pytest.fixture
def w():
    return build()


def _kita_names(w):
    return [k.name for k in w.kitas_north + w.kitas_south] + [w.draft_kita.name]


def _text(response):
    return response.content.decode()


def _overview(w):
    return reverse("network:round", args=[w.round.pk])


def _detail(w, sozialraum):
    return reverse("network:sozialraum", args=[w.round.pk, sozialraum.pk])


def test_staff_see_the_sozialraum_network_with_kita_names_and_the_change(client, w):
    client.force_login(w.staff)
    response = client.get(_detail(w, w.north))
    assert response.status_code == 200
    html = _text(response)
    for kita in w.kitas_north:
        assert kita.name in html
    assert w.draft_kita.name not in html  # drafts never count
    assert 'data-testid="network-kitas"' in html
    assert 'data-testid="network-matrix"' in html
    assert "<svg" in html and "<title id=" in html and "<desc id=" in html
    # 6 edges of 3 Kitas x 3 partner types (Grundschule and Beratungsstelle each)
    measures = re.search(r'data-testid="network-measures">(.*?)</dl>', html, re.S).group(1)
    assert "66,7" in measures  # density 6/9
    assert "+33,3" in measures  # from 3/9 in 2029: +33,3 Prozentpunkte
    unreached = re.search(r'data-testid="network-unreached">(.*?)</dd>', html, re.S).group(1)
    assert "Gesundheitsamt" in unreached


def test_staff_overview_lists_every_sozialraum_with_its_figures(client, w):
    client.force_login(w.staff)
    html = _text(client.get(_overview(w)))
    table = re.search(r'data-testid="network-sozialraeume".*?</table>', html, re.S).group(0)
    assert "Nordviertel" in table and "Südviertel" in table
    assert "zusammengefasst" not in table  # staff see small Sozialräume too
    assert "alle Sozialräume" in table


def test_the_committee_sees_no_kita_name_and_no_kita_rows(client, w):
    client.force_login(w.committee)
    for url in (_overview(w), _detail(w, w.north), _detail(w, w.south)):
        response = client.get(url)
        assert response.status_code == 200, url
        html = _text(response)
        assert not [name for name in _kita_names(w) if name in html], url
        assert 'data-testid="network-kitas"' not in html
        assert 'data-testid="network-matrix"' not in html
    detail = _text(client.get(_detail(w, w.north)))
    assert 'data-testid="network-partners"' in detail  # the Sozialraum aggregate
    assert "66,7" in detail


def test_the_committee_does_not_see_a_sozialraum_below_three_answering_kitas(client, w):
    client.force_login(w.committee)
    overview = _text(client.get(_overview(w)))
    row = re.search(r"Südviertel.*?</tr>", overview, re.S).group(0)
    assert "zusammengefasst" in row and "%" not in row
    assert "Auch zusammen zu wenige" in overview  # the pooled group (2 Kitas) stays hidden
    detail = _text(client.get(_detail(w, w.south)))
    assert 'data-testid="network-merged"' in detail
    assert 'data-testid="network-partners"' not in detail and "<svg" not in detail


def test_the_committee_sees_small_sozialraeume_pooled_once_they_reach_three_kitas(w):
    third = SozialraumFactory(jugendamt=w.ja, name="Westviertel", position=3)
    _answer(w.round, KitaFactory(sozialraum=third), {"schule": "eng"})
    view = selectors.round_view(survey_round=w.round, committee=True)
    assert view.merged_names == ["Südviertel", "Westviertel"]
    assert view.pooled is not None and view.pooled.kita_count == 3
    assert view.pooled.kitas == ()  # no Kita-level rows leave the selector
    assert all(r.network is None or r.network.kitas == () for r in view.rows)
    assert view.kita_names == {}


def test_the_committee_sees_no_open_round(client, w):
    client.force_login(w.committee)
    url = reverse("network:round", args=[w.open_round.pk])
    assert client.get(url).status_code == 404
    client.force_login(w.staff)
    response = client.get(url)
    assert response.status_code == 200
    assert "vorläufige Auswertung" in _text(response)


@pytest.mark.parametrize("who", ["kita_leader", "traeger"])
def test_kita_leaders_and_traeger_are_refused(client, w, who):
    client.force_login(getattr(w, who))
    for url in (reverse("network:round_list"), _overview(w), _detail(w, w.north)):
        assert client.get(url).status_code == 403, url


def test_another_jugendamts_round_and_sozialraum_look_like_missing_ones(client, w):
    client.force_login(w.foreign_staff)
    assert client.get(_overview(w)).status_code == 404
    assert client.get(_detail(w, w.north)).status_code == 404
    client.force_login(w.staff)
    assert client.get(_detail(w, w.foreign_sozialraum)).status_code == 404
    assert client.get(reverse("network:round", args=[999999])).status_code == 404


def test_anonymous_users_are_sent_to_the_login(client, w):
    response = client.get(_overview(w))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_round_list_shows_the_committee_closed_rounds_only(client, w):
    client.force_login(w.committee)
    html = _text(client.get(reverse("network:round_list")))
    assert "Erhebung 2030" in html and "Erhebung 2029" in html
    assert "Erhebung 2031" not in html


def test_a_kita_name_is_escaped_in_the_drawing(client, w):
    KitaFactory._meta.model.objects.filter(pk=w.kitas_north[0].pk).update(
        name="Kita <script>alert(1)</script>"
    )
    client.force_login(w.staff)
    html = _text(client.get(_detail(w, w.north)))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["staff", "committee"])
def test_the_pages_use_a_constant_number_of_queries(client, role):
    small = build(big=3, small=3)
    client.force_login(getattr(small, role))
    few = [
        _count_queries(client, _overview(small)),
        _count_queries(client, _detail(small, small.north)),
    ]
    for i in range(40):
        kita = KitaFactory(sozialraum=small.north if i % 2 else small.south)
        _answer(small.round, kita, {"schule": "selten", "amt": "eng"})
        _answer(small.previous, kita, {"schule": "nie"})
    many = [
        _count_queries(client, _overview(small)),
        _count_queries(client, _detail(small, small.north)),
    ]
    assert many == few
