"""The questionnaire as a Kita leader and the Jugendamt use it (Django test client)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from sozialraeume import roles
from sozialraeume.models import Kita
from surveys.models import Response, SurveyRound
from surveys.validation import validate_answers
from tests import shared_demo
from tests.factories import KitaFactory, make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory, valid_answers

# The demo is seeded once for the module, each test runs in a savepoint of its own
# (tests/shared_demo.py).
demo_seeded = shared_demo.demo_seeded
demo = shared_demo.demo


def form_data(answers: dict, *, version: int, action: str) -> dict:
    """Answers as the browser posts them: item codes as names, F4 as F4_<partner>."""
    data = {"version": str(version), "action": action}
    for code, value in answers.items():
        if code == "F4":
            for partner, level in value.items():
                data[f"F4_{partner}"] = level
        elif code == "F3":
            data["F3"] = value
        elif code == "F8":
            if value:
                data["F8"] = "on"
        else:
            data[code] = str(value).replace(".", ",")
    return data


def hidden_version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


@pytest.fixture
def leader_client(client, demo):
    # Through the login page, as a person would (django-axes needs the request).
    response = client.post(reverse("login"), {"username": "kita-leitung", "password": "demo"})
    assert response.status_code == 302
    return client


@pytest.fixture
def own_kita(role_users):
    return role_users["kita-leitung"].kitas.get()


def test_kita_leader_fills_in_saves_comes_back_fails_corrects_and_submits(
    leader_client, own_kita, django_capture_on_commit_callbacks, signal_log
):
    client = leader_client
    overview = client.get(reverse("surveys:kita_overview"))
    assert overview.status_code == 200
    assert own_kita.name in overview.content.decode()
    assert "nicht begonnen" in overview.content.decode()
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    assert url in overview.content.decode()

    page = client.get(url).content.decode()
    for code in ("A1", "B3a", "C1d", "D5", "E4", "F1", "F3", "F4_grundschule", "F8"):
        assert f'name="{code}"' in page
    assert hidden_version(page) == 0

    # A first, incomplete draft.
    draft = {"A1": 80, "A2": 70, "B1": 15, "B3a": 3, "F1": "Bibliothek am Markt"}
    response = client.post(url, form_data(draft, version=0, action="save"), follow=True)
    assert "Der Entwurf ist gespeichert" in response.content.decode()
    stored = Response.objects.get(kita=own_kita, round__code="2027")
    assert stored.status == "draft" and stored.answers["B3a"] == 3

    # Leave and come back: the overview says "Entwurf", the form shows the values.
    assert "Entwurf" in client.get(reverse("surveys:kita_overview")).content.decode()
    page = client.get(url).content.decode()
    assert "Bibliothek am Markt</textarea>" in page
    assert re.search(r'name="B3a" value="3"[^>]*checked', page)
    version = hidden_version(page)

    # A draft with B1 > A2 is saved as it is; the page lists it under "Noch zu klären",
    # with the same German message next to B1 and linked to the field.
    bad = valid_answers(A2=70, B1=75)
    response = client.post(url, form_data(bad, version=version, action="save"))
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.status == "draft" and stored.answers["B1"] == 75 and stored.answers["A2"] == 70
    assert stored.answers["F8"] is True
    html = client.get(url).content.decode()
    findings = html[html.index('id="findings-title"') : html.index('id="questionnaire-form"')]
    assert '<a class="alert-link" href="#id_B1">B1.' in findings
    assert "darf nicht größer sein als die Angabe bei A2" in findings
    b1_block = html[html.index('id="div_id_B1"') :]
    b1_block = b1_block[: b1_block.index('id="div_id_B2"')]
    assert "darf nicht größer sein als die Angabe bei A2" in b1_block
    assert 'value="75"' in b1_block
    assert re.search(r'aria-describedby="id_B1_problem id_B1_helptext"', b1_block)
    assert 'id="id_B1_problem"' in b1_block
    assert 'value="Frau Beispiel, 0671 000"' in html
    assert re.search(r'name="F4_grundschule"[\s\S]*?<option value="eng" selected>', html)
    version = hidden_version(html)

    # "Prüfen und einreichen" leads to the confirmation page: the problem, no submit button.
    response = client.post(url, form_data(bad, version=version, action="check"))
    assert response.status_code == 302
    check_url = reverse("surveys:check", kwargs={"code": "2027", "kita_id": own_kita.pk})
    assert response["Location"] == check_url
    page = client.get(check_url).content.decode()
    assert f'href="{url}?vollstaendig=1#id_B1"' in page
    assert "Verbindlich einreichen" not in page
    version = hidden_version(client.get(url).content.decode())

    # Correct, check, submit.
    client.post(url, form_data(valid_answers(), version=version, action="check"))
    page = client.get(check_url).content.decode()
    assert "Verbindlich einreichen" in page and "Noch zu klären" not in page
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(check_url, {"version": str(hidden_version(page))}, follow=True)
    html = response.content.decode()
    assert "Der Fragebogen ist eingereicht" in html
    assert "kann nicht mehr geändert werden" in html
    assert 'name="A1"' not in html  # read-only summary, no inputs
    assert callbacks and signal_log == [stored.round_id], "indices are recomputed"
    stored.refresh_from_db()
    assert stored.status == "submitted"
    assert stored.answers == validate_answers(valid_answers(), complete=True)[0]
    assert stored.submitted_by.username == "kita-leitung"

    # Further posts are refused with a clear message; nothing changes.
    response = client.post(url, form_data(valid_answers(A1=99), version=99, action="save"))
    assert response.status_code == 409
    assert "bereits eingereicht" in response.content.decode()
    stored.refresh_from_db()
    assert stored.answers["A1"] == 80
    assert "eingereicht" in client.get(reverse("surveys:kita_overview")).content.decode()


def test_draft_saves_everything_but_a_non_number_which_keeps_its_text(leader_client, own_kita):
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    data = form_data(
        {"A1": "viele", "A4": "12,345", "F2": "Mehr Spielplätze"}, version=0, action="save"
    )
    response = leader_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte eine ganze Zahl eingeben." in html
    assert "höchstens 2 Nachkommastellen" in html
    assert "Mehr Spielplätze" in html and 'value="viele"' in html
    assert "(so nicht gespeichert)" in html
    # Everything that can be stored is: the text and the decimal with too many places.
    stored = Response.objects.get(kita=own_kita, round__code="2027")
    assert stored.answers == {"A4": "12.345", "F2": "Mehr Spielplätze"}
    # The page carries the saved version, so the next save is not stale.
    assert hidden_version(html) == stored.version
    fixed = form_data(
        {"A1": "40", "A4": "12,5", "F2": "Mehr"}, version=stored.version, action="save"
    )
    assert leader_client.post(url, fixed).status_code == 302
    assert Response.objects.get(pk=stored.pk).answers == {"A1": 40, "A4": "12.5", "F2": "Mehr"}


def test_a_non_number_keeps_the_value_stored_before(leader_client, own_kita):
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    leader_client.post(url, form_data({"A1": 50, "A2": 40}, version=0, action="save"))
    response = leader_client.post(url, form_data({"A1": "5O", "A2": 41}, version=1, action="save"))
    assert response.status_code == 400
    assert Response.objects.get(kita=own_kita, round__code="2027").answers == {"A1": 50, "A2": 41}


def test_a_draft_with_a_decimal_comma_is_stored_with_a_point(leader_client, own_kita):
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    leader_client.post(url, form_data({"A4": "12,5"}, version=0, action="save"))
    assert Response.objects.get(kita=own_kita, round__code="2027").answers == {"A4": "12.5"}


def test_two_tabs_cannot_silently_overwrite_each_other(leader_client, own_kita):
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    leader_client.post(url, form_data({"A1": 50}, version=0, action="save"))
    version = hidden_version(leader_client.get(url).content.decode())
    first = leader_client.post(url, form_data(valid_answers(), version=version, action="check"))
    assert first.status_code == 302
    # The second tab still carries the old version: refused, nothing overwritten.
    second = leader_client.post(
        url, form_data(valid_answers(A1=90), version=version, action="check")
    )
    assert second.status_code == 409
    assert Response.objects.get(kita=own_kita, round__code="2027").answers["A1"] == 80


def test_stale_draft_save_is_refused_and_keeps_the_typed_values(leader_client, own_kita):
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    leader_client.post(url, form_data({"A1": 50}, version=0, action="save"))
    leader_client.post(url, form_data({"A1": 51}, version=1, action="save"))
    response = leader_client.post(
        url, form_data({"A1": 52, "F6": "Mein Text"}, version=1, action="save")
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "inzwischen an anderer Stelle gespeichert" in html
    assert "Mein Text" in html
    assert Response.objects.get(kita=own_kita, round__code="2027").answers["A1"] == 51


def test_two_first_saves_with_version_zero_only_one_wins(leader_client, own_kita):
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    assert (
        leader_client.post(url, form_data({"A1": 50}, version=0, action="save")).status_code == 302
    )
    assert (
        leader_client.post(url, form_data({"A1": 60}, version=0, action="save")).status_code == 409
    )
    assert Response.objects.get(kita=own_kita, round__code="2027").answers["A1"] == 50


# --- 404 for everything that is not the leader's ---------------------------------


def _staff_urls(code, kita_id):
    return [
        ("get", reverse("surveys:round_list")),
        ("post", reverse("surveys:round_list")),
        ("get", reverse("surveys:round_detail", kwargs={"code": code})),
        (
            "post",
            reverse("surveys:round_transition", kwargs={"code": code, "action": "schliessen"}),
        ),
        ("post", reverse("surveys:round_remind", kwargs={"code": code})),
        ("get", reverse("surveys:round_export", kwargs={"code": code, "fmt": "csv"})),
        ("get", reverse("surveys:round_export", kwargs={"code": code, "fmt": "xlsx"})),
        ("get", reverse("surveys:round_import", kwargs={"code": code})),
        ("post", reverse("surveys:round_import", kwargs={"code": code})),
        ("get", reverse("surveys:response_detail", kwargs={"code": code, "kita_id": kita_id})),
        ("post", reverse("surveys:response_detail", kwargs={"code": code, "kita_id": kita_id})),
        ("post", reverse("surveys:response_reopen", kwargs={"code": code, "kita_id": kita_id})),
    ]


def test_kita_leader_gets_404_for_another_kitas_questionnaire_get_and_post(leader_client, own_kita):
    other = Kita.objects.exclude(pk=own_kita.pk).first()
    ResponseFactory(round=SurveyRound.objects.get(code="2027"), kita=other, status="draft")
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": other.pk})
    assert leader_client.get(url).status_code == 404
    data = form_data(valid_answers(), version=1, action="submit")
    assert leader_client.post(url, data).status_code == 404
    assert Response.objects.get(kita=other, round__code="2027").status == "draft"
    missing = reverse("surveys:form", kwargs={"code": "2027", "kita_id": 999999})
    assert leader_client.get(missing).status_code == 404


def test_kita_leader_gets_404_for_a_closed_or_unknown_round(leader_client, own_kita):
    for code in ("2020", "1999"):
        url = reverse("surveys:form", kwargs={"code": code, "kita_id": own_kita.pk})
        assert leader_client.get(url).status_code == 404
        assert leader_client.post(url, {"action": "save", "version": "0"}).status_code == 404
    assert not Response.objects.filter(kita=own_kita, round__code__in=["1999", "2027"]).exists()


def test_kita_leader_gets_404_on_every_jugendamt_page(leader_client, own_kita):
    ResponseFactory(round=SurveyRound.objects.get(code="2027"), kita=own_kita)
    for method, url in _staff_urls("2027", own_kita.pk):
        assert getattr(leader_client, method)(url).status_code == 404, (method, url)
    assert SurveyRound.objects.get(code="2027").state == "offen"


def test_staff_of_another_jugendamt_gets_404(client, demo):
    foreign = make_user(roles.JUGENDAMT)
    client.force_login(foreign)
    kita = Kita.objects.filter(sozialraum__jugendamt=demo).first()
    for method, url in _staff_urls("2027", kita.pk):
        if url == reverse("surveys:round_list"):
            continue  # their own (empty) list
        assert getattr(client, method)(url).status_code == 404, (method, url)


def test_jugendamt_staff_cannot_fill_in_a_kitas_questionnaire(client, demo, role_users):
    client.force_login(role_users["jugendamt"])
    kita = Kita.objects.filter(sozialraum__jugendamt=demo).first()
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": kita.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "save", "version": "0"}).status_code == 404


# --- Jugendamt pages --------------------------------------------------------------


def test_round_overview_counts_and_lists_by_status(client, demo, role_users, own_kita):
    survey_round = SurveyRound.objects.get(code="2027")
    kitas = list(Kita.objects.filter(sozialraum__jugendamt=demo).exclude(pk=own_kita.pk)[:3])
    ResponseFactory(round=survey_round, kita=kitas[0])
    ResponseFactory(round=survey_round, kita=kitas[1])
    ResponseFactory(round=survey_round, kita=kitas[2], status="draft")
    client.force_login(role_users["jugendamt"])
    html = client.get(reverse("surveys:round_detail", kwargs={"code": "2027"})).content.decode()
    assert 'id="count-eingereicht">2<' in html
    assert 'id="count-entwurf">1<' in html
    assert 'id="count-nicht-begonnen">29<' in html
    filtered = client.get(
        reverse("surveys:round_detail", kwargs={"code": "2027"}), {"status": "entwurf"}
    ).content.decode()
    assert kitas[2].name in filtered and kitas[0].name not in filtered


def test_staff_reopens_a_submitted_questionnaire_with_a_reason(
    client, demo, role_users, own_kita, django_capture_on_commit_callbacks, signal_log
):
    response = ResponseFactory(round=SurveyRound.objects.get(code="2027"), kita=own_kita)
    client.force_login(role_users["jugendamt"])
    url = reverse("surveys:response_reopen", kwargs={"code": "2027", "kita_id": own_kita.pk})
    client.post(url, {"reason": ""})
    assert Response.objects.get(pk=response.pk).status == "submitted"
    assert signal_log == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "A2 bitte prüfen"})
    response.refresh_from_db()
    assert response.status == "draft" and response.review_state == "rueckfrage"
    assert signal_log == [response.round_id]
    event = AuditEvent.objects.get(action="response_reopened")
    assert event.reason == "A2 bitte prüfen" and event.actor == role_users["jugendamt"]
    # The Kita leader can edit again.
    client.force_login(role_users["kita-leitung"])
    form_url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    assert 'name="A1"' in client.get(form_url).content.decode()


def test_staff_records_review_state_and_comment(client, demo, role_users, own_kita):
    response = ResponseFactory(round=SurveyRound.objects.get(code="2027"), kita=own_kita)
    client.force_login(role_users["jugendamt"])
    url = reverse("surveys:response_detail", kwargs={"code": "2027", "kita_id": own_kita.pk})
    page = client.get(url).content.decode()
    assert "Frau Beispiel" in page
    client.post(url, {"review_state": "rueckfrage", "review_comment": "D2 wirkt hoch"})
    response.refresh_from_db()
    assert (response.review_state, response.review_comment) == ("rueckfrage", "D2 wirkt hoch")
    detail = client.get(reverse("surveys:round_detail", kwargs={"code": "2027"})).content.decode()
    assert "Rückfrage" in detail and "D2 wirkt hoch" in detail
    assert AuditEvent.objects.filter(action="response_reviewed").count() == 1


def test_staff_open_and_close_rounds(
    client, demo, role_users, django_capture_on_commit_callbacks, signal_log
):
    client.force_login(role_users["jugendamt"])
    client.post(reverse("surveys:round_list"), {"code": "2030", "stichtag": "2030-10-01"})
    survey_round = SurveyRound.objects.get(code="2030")
    assert survey_round.state == "vorbereitet"
    client.post(reverse("surveys:round_transition", kwargs={"code": "2030", "action": "oeffnen"}))
    survey_round.refresh_from_db()
    assert survey_round.state == "offen"
    assert signal_log == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("surveys:round_transition", kwargs={"code": "2030", "action": "schliessen"})
        )
    survey_round.refresh_from_db()
    assert survey_round.state == "geschlossen" and signal_log == [survey_round.pk]
    actions = list(
        AuditEvent.objects.filter(
            object_type="surveys.surveyround", object_id=str(survey_round.pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["round_created", "round_opened", "round_closed"]


def test_xlsx_export_has_german_headers(client, demo, role_users):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(role_users["jugendamt"])
    response = client.get(reverse("surveys:round_export", kwargs={"code": "2020", "fmt": "xlsx"}))
    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Kita", "Sozialraum", "Status"]
    assert header[3].startswith("A1 – Wie viele Kinder")
    assert sheet.max_row == 33
    assert sheet.cell(row=2, column=3).value == "eingereicht"


def test_kita_leader_overview_without_kita(client, db):
    user = make_user(roles.KITA_LEITUNG)
    client.force_login(user)
    assert "keine Kita zugeordnet" in client.get(reverse("surveys:kita_overview")).content.decode()


def test_round_factory_helper_is_usable():
    # guard against accidental import-time DB access in the factories module
    assert SurveyRoundFactory._meta.model is SurveyRound and KitaFactory


def _round_buttons(client, code: str) -> list[tuple[str, str]]:
    """(form action, button text) of every form on the round page."""
    html = client.get(reverse("surveys:round_detail", kwargs={"code": code})).content.decode()
    return re.findall(
        r'<form method="post" action="([^"]+)">.*?<button[^>]*>([^<]+)</button>', html
    )


def test_round_page_offers_exactly_the_steps_the_state_machine_allows(client, demo, role_users):
    client.force_login(role_users["jugendamt"])
    client.post(reverse("surveys:round_list"), {"code": "2030", "stichtag": "2030-10-01"})

    def url(action):
        return reverse("surveys:round_transition", kwargs={"code": "2030", "action": action})

    remind = reverse("surveys:round_remind", kwargs={"code": "2030"})
    assert _round_buttons(client, "2030") == [(url("oeffnen"), "Runde öffnen")]
    client.post(url("oeffnen"))
    assert _round_buttons(client, "2030") == [
        (remind, "Erinnerung an Kitas ohne Einreichung senden"),
        (url("schliessen"), "Runde schließen"),
    ]
    client.post(url("schliessen"))
    assert _round_buttons(client, "2030") == []
    # The step the page no longer offers is refused by the service as well.
    client.post(url("oeffnen"))
    assert SurveyRound.objects.get(code="2030").state == "geschlossen"


# --- issue 14: drafts always save, autosave, the confirmation step ---------------------


def _urls(kita):
    kwargs = {"code": "2027", "kita_id": kita.pk}
    return (
        reverse("surveys:form", kwargs=kwargs),
        reverse("surveys:check", kwargs=kwargs),
        reverse("surveys:autosave", kwargs=kwargs),
    )


def test_a_draft_with_a_contradiction_is_saved_and_listed_under_noch_zu_klaeren(
    leader_client, own_kita
):
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    data = form_data({"A1": 80, "A2": 70, "B1": 75, "A4": "1,234"}, version=0, action="save")
    response = leader_client.post(url, data, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Der Entwurf ist gespeichert. 2 Angaben sind noch zu klären" in html
    stored = Response.objects.get(kita=own_kita, round__code="2027")
    assert stored.status == "draft"
    assert stored.answers == {"A1": 80, "A2": 70, "B1": 75, "A4": "1.234"}
    findings = html[html.index('id="findings-title"') : html.index('id="questionnaire-form"')]
    assert "Noch zu klären" in findings
    assert '<a class="alert-link" href="#id_B1">B1.' in findings
    assert '<a class="alert-link" href="#id_A4">A4.' in findings
    assert "darf nicht größer sein als die Angabe bei A2" in findings
    assert "höchstens 2 Nachkommastellen" in findings
    assert findings.index("A4.") < findings.index("B1."), "in the instrument's order"
    assert AuditEvent.objects.filter(action="response_saved", object_id=str(stored.pk)).exists()


def test_submit_is_refused_while_problems_exist(leader_client, own_kita):
    url, check_url, _auto = _urls(own_kita)
    bad = valid_answers(A2=70, B1=75)
    # The old "Einreichen" post only saves and leads to the confirmation page.
    response = leader_client.post(url, form_data(bad, version=0, action="submit"))
    assert response.status_code == 302 and response["Location"] == check_url
    stored = Response.objects.get(kita=own_kita, round__code="2027")
    assert stored.status == "draft"
    page = leader_client.get(check_url).content.decode()
    assert "Noch zu klären" in page and "darf nicht größer sein als die Angabe bei A2" in page
    assert "Verbindlich einreichen" not in page
    assert f'href="{url}"' in page  # back to the questionnaire
    # A hand-made post with the current version is refused too.
    response = leader_client.post(check_url, {"version": str(stored.version)})
    assert response.status_code == 400
    assert "Es wurde nichts eingereicht" in response.content.decode()
    stored.refresh_from_db()
    assert stored.status == "draft" and stored.submitted_at is None


def test_an_empty_questionnaire_cannot_be_submitted(leader_client, own_kita):
    _url, check_url, _auto = _urls(own_kita)
    page = leader_client.get(check_url).content.decode()
    assert "Bitte beantworten Sie diese Frage." in page
    assert "Verbindlich einreichen" not in page
    assert leader_client.post(check_url, {"version": "0"}).status_code == 400
    assert not Response.objects.filter(kita=own_kita, round__code="2027").exists()


def test_confirmation_page_shows_every_answer_read_only_by_section(leader_client, own_kita):
    url, check_url, _auto = _urls(own_kita)
    leader_client.post(url, form_data(valid_answers(A1=81, A4="12,5"), version=0, action="check"))
    response = leader_client.get(check_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Prüfen und einreichen: Fragebogen 2027" in html
    for letter in "ABCDEF":
        assert f'id="summary-{letter}"' in html
    assert re.search(r'id="answer-A1">81<', html)
    assert re.search(r'id="answer-A4">12,5<', html)
    assert 'id="answer-F8">bestätigt<' in html
    assert 'name="A1"' not in html, "read-only: no inputs of the questionnaire"
    assert re.search(r'<form method="post" id="confirm-form">', html)
    assert 'name="version" value="1"' in html
    assert "Verbindlich einreichen" in html
    assert Response.objects.get(kita=own_kita, round__code="2027").status == "draft"


def test_confirmation_submits_exactly_the_draft_that_was_shown(
    leader_client, own_kita, django_capture_on_commit_callbacks
):
    url, check_url, _auto = _urls(own_kita)
    leader_client.post(url, form_data(valid_answers(), version=0, action="check"))
    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(check_url, {"version": "1"}, follow=True)
    assert "Vielen Dank! Der Fragebogen ist eingereicht." in response.content.decode()
    stored = Response.objects.get(kita=own_kita, round__code="2027")
    assert stored.status == "submitted" and stored.version == 2
    assert stored.answers == validate_answers(valid_answers(), complete=True)[0]
    assert AuditEvent.objects.filter(action="response_submitted").count() == 1
    # Once submitted, the check page leads to the summary; a post there is refused.
    assert leader_client.get(check_url)["Location"] == url
    again = leader_client.post(check_url, {"version": "2"})
    assert again.status_code == 409 and "bereits eingereicht" in again.content.decode()


def test_a_stale_confirmation_page_submits_nothing(leader_client, own_kita):
    url, check_url, _auto = _urls(own_kita)
    leader_client.post(url, form_data(valid_answers(), version=0, action="check"))
    page = leader_client.get(check_url).content.decode()
    shown = hidden_version(page)
    # Meanwhile a second tab changes the draft.
    leader_client.post(url, form_data(valid_answers(A1=70), version=shown, action="save"))
    response = leader_client.post(check_url, {"version": str(shown)})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Es wurde nichts eingereicht" in html
    assert re.search(r'id="answer-A1">70<', html), "the page now shows the current draft"
    assert hidden_version(html) == shown + 1
    stored = Response.objects.get(kita=own_kita, round__code="2027")
    assert stored.status == "draft" and stored.answers["A1"] == 70
    assert not AuditEvent.objects.filter(action="response_submitted").exists()


def test_a_tampered_confirmation_version_is_400(leader_client, own_kita):
    url, check_url, _auto = _urls(own_kita)
    leader_client.post(url, form_data(valid_answers(), version=0, action="check"))
    for version in ("", "x", "-1", "9" * 30):
        assert leader_client.post(check_url, {"version": version}).status_code == 400
    assert Response.objects.get(kita=own_kita, round__code="2027").status == "draft"


def test_questionnaire_page_offers_autosave_and_the_confirmation_step(leader_client, own_kita):
    url, check_url, auto_url = _urls(own_kita)
    html = leader_client.get(url).content.decode()
    assert f'data-autosave-url="{auto_url}"' in html
    assert 'data-autosave-interval="30000"' in html
    assert 'id="autosave-status" role="status" aria-live="polite"' in html
    assert 'value="check"' in html and "Prüfen und einreichen" in html
    assert 'value="submit"' not in html
    assert "/static/surveys/questionnaire.js" in html


def test_autosave_saves_the_draft_with_its_problems_and_answers_json(leader_client, own_kita):
    url, _check, auto_url = _urls(own_kita)
    data = form_data({"A1": 80, "A2": 70, "B1": 75}, version=0, action="autosave")
    response = leader_client.post(auto_url, data)
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["version"] == 1
    assert re.fullmatch(r"gespeichert um \d\d:\d\d", body["message"])
    assert body["findings"] == 1
    assert 'href="#id_B1"' in body["findings_html"]
    stored = Response.objects.get(kita=own_kita, round__code="2027")
    assert stored.answers == {"A1": 80, "A2": 70, "B1": 75} and stored.status == "draft"
    event = AuditEvent.objects.get(action="response.autosaved")
    assert event.new["version"] == 1 and event.new["problems"] == 1
    # The next autosave carries the new version; the old one is stale and saves nothing.
    assert leader_client.post(auto_url, {**data, "version": "1", "A1": "81"}).status_code == 200
    stale = leader_client.post(auto_url, {**data, "version": "1", "A1": "82"})
    assert stale.status_code == 409
    assert (
        stale.json()["saved"] is False
        and "bitte laden Sie die Seite neu" in stale.json()["message"]
    )
    assert Response.objects.get(pk=stored.pk).answers["A1"] == 81


def test_autosave_keeps_non_numbers_out_and_says_so(leader_client, own_kita):
    _url, _check, auto_url = _urls(own_kita)
    body = leader_client.post(
        auto_url, form_data({"A1": "viele", "A2": 40}, version=0, action="autosave")
    ).json()
    assert body["saved"] is True
    assert "Bitte eine ganze Zahl eingeben." in body["findings_html"]
    assert "(so nicht gespeichert)" in body["findings_html"]
    assert Response.objects.get(kita=own_kita, round__code="2027").answers == {"A2": 40}


def test_autosave_of_another_kita_is_404(leader_client, own_kita):
    other = Kita.objects.exclude(pk=own_kita.pk).first()
    ResponseFactory(round=SurveyRound.objects.get(code="2027"), kita=other, status="draft")
    before = Response.objects.get(kita=other, round__code="2027").answers
    for kita_id in (other.pk, 999999):
        auto_url = reverse("surveys:autosave", kwargs={"code": "2027", "kita_id": kita_id})
        data = form_data({"A1": 1}, version=1, action="autosave")
        assert leader_client.post(auto_url, data).status_code == 404
    assert Response.objects.get(kita=other, round__code="2027").answers == before
    closed = reverse("surveys:autosave", kwargs={"code": "2020", "kita_id": own_kita.pk})
    assert leader_client.post(closed, {"version": "0", "A1": "1"}).status_code == 404


def test_autosave_never_touches_a_submitted_questionnaire(leader_client, own_kita):
    _url, _check, auto_url = _urls(own_kita)
    submitted = ResponseFactory(round=SurveyRound.objects.get(code="2027"), kita=own_kita)
    assert submitted.is_submitted
    before = (submitted.answers, submitted.version)
    response = leader_client.post(
        auto_url, form_data({"A1": 1}, version=submitted.version, action="autosave")
    )
    assert response.status_code == 409
    assert response.json()["saved"] is False and response.json()["stop"] is True
    assert "bereits eingereicht" in response.json()["message"]
    submitted.refresh_from_db()
    assert (submitted.answers, submitted.version) == before
    assert not AuditEvent.objects.filter(action="response.autosaved").exists()


def test_autosave_needs_post_and_the_csrf_token(role_users, own_kita):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(role_users["kita-leitung"])
    _url, _check, auto_url = _urls(own_kita)
    data = form_data({"A1": 5}, version=0, action="autosave")
    assert browser.post(auto_url, data).status_code == 403
    assert browser.get(auto_url).status_code == 405
    assert not Response.objects.filter(kita=own_kita, round__code="2027").exists()
    # With the page's token (the script sends the form's csrfmiddlewaretoken) it saves.
    page = browser.get(_url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(auto_url, {**data, "csrfmiddlewaretoken": token}).status_code == 200
    assert Response.objects.get(kita=own_kita, round__code="2027").answers == {"A1": 5}


def test_links_from_the_confirmation_page_show_the_missing_answers_at_their_fields(
    leader_client, own_kita
):
    url, _check, _auto = _urls(own_kita)
    answers = valid_answers()
    del answers["D5"]
    leader_client.post(url, form_data(answers, version=0, action="save"))
    assert "id_D5_problem" not in leader_client.get(url).content.decode(), "a draft may be partial"
    html = leader_client.get(f"{url}?vollstaendig=1").content.decode()
    assert '<a class="alert-link" href="#id_D5_0">D5.' in html
    assert re.search(r'<fieldset aria-describedby="id_D5_problem id_D5_helptext">', html)
    assert 'id="id_D5_problem"' in html and "Bitte beantworten Sie diese Frage." in html
