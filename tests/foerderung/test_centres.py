"""FS2 centres (issue 15): one active per Sozialraum, closing, pages and the plan warning."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from foerderung import services
from foerderung.models import Centre
from tests.policy_world import build_policy_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_policy_world()


def _create(w, user_key="ja", **kwargs):
    kwargs.setdefault("premises", "kita")
    kwargs.setdefault("host_kita", w["kita_a"])
    return services.centre_create(
        sozialraum=w["kita_a"].sozialraum,
        name=kwargs.pop("name", "Familienzentrum Nord"),
        acting_user=w.users[user_key],
        **kwargs,
    )


def test_a_second_active_centre_is_refused_with_a_german_message_until_the_first_closes(w):
    first = _create(w, central_location=True, cross_provider=True)
    with pytest.raises(ValidationError) as exc:
        _create(w, name="Zweites Zentrum", premises="separate", host_kita=None)
    assert "schon ein aktives Kommunikations- und Nachbarschaftszentrum" in exc.value.messages[0]
    services.centre_close(centre_id=first.pk, acting_user=w.users["jal"])
    second = _create(w, name="Zweites Zentrum", premises="separate", host_kita=None)
    assert second.active and not second.central_location
    actions = list(
        AuditEvent.objects.filter(action__startswith="centre.").values_list("action", flat=True)
    )
    assert actions == ["centre.create", "centre.close", "centre.create"]


def test_only_planners_manage_centres(w):
    for user_key in ("admin", "kita", "traeger", "fremd"):
        with pytest.raises(PermissionDenied):
            _create(w, user_key)
    assert not Centre.objects.exists()


def test_a_centre_in_a_kita_names_a_kita_of_its_sozialraum(w):
    with pytest.raises(ValidationError):
        _create(w, host_kita=None)
    with pytest.raises(ValidationError):
        _create(w, host_kita=w["kita_d"])  # Süd, not Nord


def test_the_centre_page_lists_sozialraeume_without_a_centre(client, w):
    _create(w)
    client.force_login(w.users["admin"])
    html = client.get(reverse("foerderung:centre_list")).content.decode()
    assert "Familienzentrum Nord" in html and "kein Zentrum" in html
    assert "Zentrum anlegen" not in html  # the Administration reads only
    client.force_login(w.users["kita"])
    assert client.get(reverse("foerderung:centre_list")).status_code == 403


def test_the_plan_warns_where_the_sozialraum_has_no_centre(client, w):
    plan = w["nord_draft"]
    url = reverse("allocation:plan_detail", args=[plan.pk])
    client.force_login(w.users["ja"])
    html = client.get(url).content.decode()
    warning = "Im Sozialraum gibt es noch kein Kommunikations- und Nachbarschaftszentrum (FS2)."
    assert warning in html
    assert reverse("foerderung:centre_create", args=[plan.sozialraum_id]) in html
    _create(w)
    assert warning not in client.get(url).content.decode()
