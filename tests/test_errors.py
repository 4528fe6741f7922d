from unittest import mock

import pytest
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


def test_a_database_error_shows_a_friendly_german_page_without_traceback(client, role_users):
    client.raise_request_exception = False
    client.force_login(role_users["jugendamt"])
    with mock.patch(
        "srb_project.policy.is_staff",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Vorübergehende Störung" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_unknown_page_gives_a_german_404(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_a_post_without_csrf_token_is_refused_with_a_german_page(role_users):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(role_users["jugendamt"])
    response = csrf_client.post("/einladen/", {"email": "a@example.org"})
    assert response.status_code == 403
    assert "Formular ist abgelaufen" in response.content.decode()
