"""The start pages of every role show the published result (issue 12, finding 1).

In the demo (2020 closed, 2027 open), one Kita submitting 2027 used to make the round
with 1 of 32 answers "the" result: the Kita leader's page said "Erhebung 2027: Gesamtindex
–", other Kitas "Noch kein Ergebnis", the staff dashboard named 2027. Now every start
page shows the same published figures before and after the submission; the staff
dashboard shows the open round's progress and who is missing.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from indices import selectors
from sozialraeume.models import Kita
from surveys import services as survey_services
from surveys.models import SurveyRound
from tests.surveys.factories import valid_answers

pytestmark = pytest.mark.django_db


def _html(client, url) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return response.content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _section(html: str, pattern: str) -> str:
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return _text(match.group(0))


def _kita_result(html: str) -> str:
    """The "Ergebnis unserer Kita" paragraph(s) of the Kita leader's start page."""
    return _section(html, r"Ergebnis unserer Kita.*?Stellen aus dem Sozialraumbudget")


def _published_result(html: str) -> str:
    """The staff dashboard's result section (heading to the link to the evaluation)."""
    return _section(html, r'id="run-heading".*?Zur Auswertung')


def _committee_figures(html: str) -> str:
    """Every table of the committee report (indices, shares, money), as text."""
    return " | ".join(_text(t) for t in re.findall(r"<table.*?</table>", html, re.S))


@pytest.fixture
def world(demo, role_users):
    kita_leader = role_users["kita-leitung"]
    own_kita = kita_leader.kitas.get()
    traeger = role_users["traeger"]
    return {
        "jugendamt": demo,
        "round_2027": SurveyRound.objects.get(jugendamt=demo, code="2027"),
        "run_2020": selectors.current_run(
            round_id=SurveyRound.objects.get(jugendamt=demo, code="2020").pk
        ),
        "users": role_users,
        "own_kita": own_kita,
        "traeger_kitas": list(Kita.objects.filter(traeger_id=traeger.traeger_id).order_by("pk")),
    }


def _submit(world, capture):
    with capture(execute=True):
        survey_services.response_submit(
            survey_round=world["round_2027"],
            kita=world["own_kita"],
            answers=valid_answers(),
            version=0,
            acting_user=world["users"]["kita-leitung"],
        )
    assert selectors.current_run(round_id=world["round_2027"].pk).kita_count == 1


def _pages(client, world) -> dict[str, str]:
    """What each role reads on its start page (and the pages it links to for results)."""
    users = world["users"]
    seen = {}
    client.force_login(users["kita-leitung"])
    seen["kita"] = _kita_result(_html(client, reverse("start")))
    seen["kita-detail"] = _section(
        _html(client, reverse("indices:my_kita_detail", args=[world["own_kita"].pk])),
        r"<main.*?</main>",
    )
    client.force_login(users["traeger"])
    seen["traeger"] = _text(_html(client, reverse("start")))
    for kita in world["traeger_kitas"]:
        seen[f"traeger-{kita.pk}"] = _section(
            _html(client, reverse("indices:my_kita_detail", args=[kita.pk])), r"<main.*?</main>"
        )
    for username in ("jugendamt", "jugendamt-leitung"):
        client.force_login(users[username])
        seen[username] = _published_result(_html(client, reverse("start")))
    client.force_login(users["ausschuss"])
    seen["ausschuss"] = _committee_figures(_html(client, reverse("start")))
    return seen


def test_every_roles_start_page_shows_the_same_published_figures_after_a_2027_submission(
    client, world, django_capture_on_commit_callbacks
):
    before = _pages(client, world)
    value = world["run_2020"].kita_values.get(kita=world["own_kita"])
    gesamt = f"{value.gesamt:.1f}".replace(".", ",")
    assert f"Erhebung 2020: Gesamtindex {gesamt} Standardpunkte" in before["kita"]
    assert "Erhebung 2020" in before["jugendamt"]

    _submit(world, django_capture_on_commit_callbacks)

    after = _pages(client, world)
    for page, text in before.items():
        assert after[page] == text, f"{page}: the published figures changed"
    assert "Gesamtindex –" not in after["kita"]
    assert "Erhebung 2027" not in after["jugendamt"]


def test_kita_leader_start_page_says_when_the_open_rounds_result_comes(
    client, world, django_capture_on_commit_callbacks
):
    _submit(world, django_capture_on_commit_callbacks)
    client.force_login(world["users"]["kita-leitung"])
    text = _kita_result(_html(client, reverse("reports:kita")))
    assert "Das Ergebnis der Erhebung 2027 wird veröffentlicht, sobald" in text
    assert "vorläufig" not in text


def test_staff_dashboard_shows_the_open_rounds_progress_and_who_is_missing(
    client, world, django_capture_on_commit_callbacks
):
    _submit(world, django_capture_on_commit_callbacks)
    client.force_login(world["users"]["jugendamt"])
    html = _html(client, reverse("reports:dashboard"))
    text = _text(html)
    assert "1 von 32 Fragebögen eingereicht" in text
    assert "31 Kitas ohne Einreichung" in text
    missing = re.search(r'<ul class="small mb-0 missing-kitas">(.*?)</ul>', html, re.S).group(1)
    assert world["own_kita"].name not in missing
    assert missing.count("<li>") == 31
    assert f"?round={world['round_2027'].pk}" in html  # the provisional result, staff only


def test_committee_trends_never_show_an_open_rounds_result(
    client, world, django_capture_on_commit_callbacks
):
    _submit(world, django_capture_on_commit_callbacks)
    client.force_login(world["users"]["ausschuss"])
    text = _text(_html(client, reverse("reports:trends")))
    assert "2020" in text
    assert "2027" not in text
