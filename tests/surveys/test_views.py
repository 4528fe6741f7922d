"""The questionnaire as a Kita leader and the Jugendamt use it (Django test client)."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from sozialraeume import roles
from sozialraeume.models import Kita
from surveys.models import Response, SurveyRound
from surveys.validation import validate_answers
from tests.factories import KitaFactory, make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory, valid_answers


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

    # Submit with B1 > A2: German message next to B1, nothing lost, nothing submitted.
    bad = valid_answers(A2=70, B1=75)
    response = client.post(url, form_data(bad, version=version, action="submit"))
    html = response.content.decode()
    assert response.status_code == 400
    b1_block = html[html.index('id="div_id_B1"') :]
    b1_block = b1_block[: b1_block.index('id="div_id_B2"')]
    assert "darf nicht größer sein als die Angabe bei A2" in b1_block
    assert 'value="75"' in b1_block
    assert 'value="Frau Beispiel, 0671 000"' in html
    assert 'name="F8" class="checkboxinput form-check-input" id="id_F8" checked' in html or (
        re.search(r'name="F8"[^>]*checked', html)
    )
    assert re.search(r'name="F4_grundschule"[\s\S]*?<option value="eng" selected>', html)
    assert Response.objects.get(pk=stored.pk).status == "draft"

    # Correct and submit.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            url, form_data(valid_answers(), version=version, action="submit"), follow=True
        )
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


def test_draft_with_a_non_number_is_not_saved_and_keeps_the_text(leader_client, own_kita):
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
    assert not Response.objects.filter(kita=own_kita, round__code="2027").exists()


def test_a_draft_with_a_decimal_comma_is_stored_with_a_point(leader_client, own_kita):
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    leader_client.post(url, form_data({"A4": "12,5"}, version=0, action="save"))
    assert Response.objects.get(kita=own_kita, round__code="2027").answers == {"A4": "12.5"}


def test_two_tabs_cannot_silently_overwrite_each_other(leader_client, own_kita):
    url = reverse("surveys:form", kwargs={"code": "2027", "kita_id": own_kita.pk})
    leader_client.post(url, form_data({"A1": 50}, version=0, action="save"))
    version = hidden_version(leader_client.get(url).content.decode())
    first = leader_client.post(url, form_data(valid_answers(), version=version, action="submit"))
    assert first.status_code == 302
    # The second tab still carries the old version: refused, nothing overwritten.
    second = leader_client.post(
        url, form_data(valid_answers(A1=90), version=version, action="submit")
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
