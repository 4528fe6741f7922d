import pytest

from indices.permissions import evaluation_policy
from reports.permissions import report_policy
from sozialraeume import roles
from sozialraeume.permissions import kita_policy
from sozialraeume.selectors import kita_list_for_user
from srb_project import policy
from tests.factories import KitaFactory, SozialraumFactory, TraegerFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_jugendaemter():
    home = SozialraumFactory()
    other = SozialraumFactory()
    home_kitas = KitaFactory.create_batch(3, sozialraum=home)
    other_kitas = KitaFactory.create_batch(2, sozialraum=other)
    return home, other, home_kitas, other_kitas


def test_jugendamt_staff_see_only_their_own_jugendamts_kitas(two_jugendaemter):
    home, other, home_kitas, other_kitas = two_jugendaemter
    staff = make_user(roles.JUGENDAMT, jugendamt=home.jugendamt)
    assert set(kita_list_for_user(staff)) == set(home_kitas)
    assert not any(kita_policy.user_can(staff, "view", k) for k in other_kitas)


def test_kita_leader_sees_only_their_own_kita(two_jugendaemter):
    _home, _other, home_kitas, _ = two_jugendaemter
    leader = make_user(roles.KITA_LEITUNG, kitas=[home_kitas[0]])
    assert list(kita_list_for_user(leader)) == [home_kitas[0]]
    assert kita_policy.user_can(leader, "fill_questionnaire", home_kitas[0])
    assert not kita_policy.user_can(leader, "fill_questionnaire", home_kitas[1])
    assert not kita_policy.user_can(leader, "view", home_kitas[1])


def test_traeger_sees_the_kitas_of_their_traeger(two_jugendaemter):
    home, _other, home_kitas, _ = two_jugendaemter
    traeger = TraegerFactory(jugendamt=home.jugendamt)
    mine = KitaFactory(sozialraum=home, traeger=traeger)
    rep = make_user(roles.TRAEGER, jugendamt=home.jugendamt, traeger=traeger)
    assert list(kita_list_for_user(rep)) == [mine]


def test_committee_sees_no_kita_and_no_evaluation(two_jugendaemter):
    home, _other, home_kitas, _ = two_jugendaemter
    member = make_user(roles.AUSSCHUSS, jugendamt=home.jugendamt)
    assert list(kita_list_for_user(member)) == []
    assert not kita_policy.user_can(member, "view_detail", home_kitas[0])
    assert not evaluation_policy.user_can(member, "view", home.jugendamt_id)
    assert report_policy.user_can(member, "view_committee_report", home.jugendamt_id)
    assert not report_policy.user_can(member, "view_committee_report", _other.jugendamt_id)


def test_anonymous_and_inactive_users_may_do_nothing(two_jugendaemter):
    from django.contrib.auth.models import AnonymousUser

    home, _o, home_kitas, _ = two_jugendaemter
    staff = make_user(roles.JUGENDAMT, jugendamt=home.jugendamt, is_active=False)
    for user in (AnonymousUser(), staff):
        assert not kita_policy.user_can(user, "view", home_kitas[0])
        assert not policy.is_staff(user)
