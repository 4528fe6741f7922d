"""People and roles as services (issue 13, findings 1, 3 and the expired invitation of 9):
who may invite, re-send, send reset links, deactivate and grant roles; four eyes for
Jugendamt-Leitung and Administration; every change audited with old and new values."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit import events as audit_events
from audit.models import AuditEvent
from sozialraeume import accounts, roles
from sozialraeume.models import RoleGrantRequest, User
from tests.factories import JugendamtFactory, KitaFactory, TraegerFactory, make_user

pytestmark = pytest.mark.django_db

BASE = "http://testserver/"


@pytest.fixture
def ja():
    return JugendamtFactory()


@pytest.fixture
def people(ja):
    """Two people holding Administration (no superusers), a Fachkraft, a Leitung, a Kita
    leader and one Administration of another Jugendamt."""
    kita = KitaFactory(sozialraum__jugendamt=ja)
    return {
        "kita": kita,
        "admin1": make_user(roles.ADMINISTRATION, jugendamt=ja, username="admin1"),
        "admin2": make_user(roles.ADMINISTRATION, jugendamt=ja, username="admin2"),
        "ja": make_user(roles.JUGENDAMT, jugendamt=ja, username="fachkraft"),
        "jal": make_user(roles.JUGENDAMT_LEITUNG, jugendamt=ja, username="leitung"),
        "leader": make_user(roles.KITA_LEITUNG, kitas=[kita], username="kitaleitung"),
        "foreign_admin": make_user(roles.ADMINISTRATION, username="fremd-admin"),
    }


def role_names(user):
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def events(action, user=None):
    qs = AuditEvent.objects.filter(action=action)
    if user is not None:
        qs = qs.filter(object_type="sozialraeume.user", object_id=str(user.pk))
    return list(qs.order_by("pk"))


def link_in(mail) -> str:
    return re.search(r"http://testserver(/accounts/reset/\S+)", mail.body).group(1)


def test_the_audit_state_names_match_the_models_choices():
    def names(choices):
        return [(value, str(label)) for value, label in choices]

    assert names(audit_events.INVITATION_STATES) == names(User.InvitationState.choices)
    assert names(audit_events.ROLE_GRANT_STATES) == names(RoleGrantRequest.State.choices)


# --- invitations -----------------------------------------------------------------------


def test_invite_records_when_the_link_was_sent_and_says_until_when_it_works(people, mailoutbox):
    invited = accounts.user_invite(
        acting_user=people["ja"],
        email="neu@example.org",
        role=roles.KITA_LEITUNG,
        kitas=[people["kita"]],
        base_url=BASE,
    )
    assert invited.invited_at is not None
    assert invited.invitation_state == User.InvitationState.PENDING
    assert len(mailoutbox) == 1
    expires = timezone.localtime(invited.invitation_expires_at())
    assert f"{expires:%d.%m.%Y}" in mailoutbox[0].body
    assert events("user.invite", invited)


def _expired_invitation(people, email="alt@example.org"):
    """An invitation sent long ago, whose link no longer works."""
    sent = timezone.now() - datetime.timedelta(days=10)
    with mock.patch.object(
        PasswordResetTokenGenerator, "_now", return_value=sent.replace(tzinfo=None)
    ):
        invited = accounts.user_invite(
            acting_user=people["ja"],
            email=email,
            role=roles.KITA_LEITUNG,
            kitas=[people["kita"]],
            base_url=BASE,
        )
    User.objects.filter(pk=invited.pk).update(invited_at=sent, date_joined=sent)
    invited.refresh_from_db()
    return invited


def test_an_expired_invitation_can_be_sent_again_with_a_new_working_link(
    people, mailoutbox, client
):
    invited = _expired_invitation(people)
    old_path = link_in(mailoutbox[0])
    assert invited.invitation_state == User.InvitationState.EXPIRED
    assert "ungültig" in client.get(old_path, follow=True).content.decode()

    accounts.user_invitation_resend(acting_user=people["ja"], user=invited, base_url=BASE)

    invited.refresh_from_db()
    assert invited.invitation_state == User.InvitationState.PENDING
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["alt@example.org"]
    new_path = link_in(mailoutbox[1])
    page = client.get(new_path, follow=True)
    assert 'name="new_password1"' in page.content.decode()
    (event,) = events("user.invite_resend", invited)
    assert event.actor == people["ja"]
    assert event.old["state"] == "expired"
    assert event.new["email"] == "alt@example.org"


def test_an_accepted_invitation_is_not_sent_again(people, mailoutbox):
    with pytest.raises(ValidationError, match="bereits angenommen"):
        accounts.user_invitation_resend(
            acting_user=people["ja"], user=people["leader"], base_url=BASE
        )
    assert mailoutbox == []
    assert not events("user.invite_resend")


def test_nobody_re_invites_a_person_of_another_jugendamt(people, mailoutbox):
    invited = _expired_invitation(people)
    with pytest.raises(PermissionDenied):
        accounts.user_invitation_resend(
            acting_user=people["foreign_admin"], user=invited, base_url=BASE
        )
    assert len(mailoutbox) == 1


# --- reset links -----------------------------------------------------------------------


def test_a_reset_link_goes_to_the_person_and_leaves_the_password_alone(people, mailoutbox):
    leader = people["leader"]
    accounts.user_password_reset_link_send(acting_user=people["ja"], user=leader, base_url=BASE)
    leader.refresh_from_db()
    assert leader.check_password("geheim-passwort-123")  # still their own
    assert mailoutbox[0].to == [leader.email]
    path = link_in(mailoutbox[0])
    uid, token = path.rstrip("/").split("/")[-2:]
    assert default_token_generator.check_token(leader, token)
    (event,) = events("user.password_reset_link", leader)
    assert event.new["email"] == leader.email


def test_a_fachkraft_sends_no_reset_link_to_a_leitung_colleague(people, mailoutbox):
    with pytest.raises(PermissionDenied):
        accounts.user_password_reset_link_send(
            acting_user=people["ja"], user=people["jal"], base_url=BASE
        )
    assert mailoutbox == []
    # the Administration may
    accounts.user_password_reset_link_send(
        acting_user=people["admin1"], user=people["jal"], base_url=BASE
    )
    assert len(mailoutbox) == 1


# --- activation ------------------------------------------------------------------------


def test_deactivate_and_reactivate_are_audited(people):
    leader = people["leader"]
    accounts.user_set_active(acting_user=people["ja"], user=leader, active=False)
    leader.refresh_from_db()
    assert not leader.is_active
    accounts.user_set_active(acting_user=people["ja"], user=leader, active=True)
    leader.refresh_from_db()
    assert leader.is_active
    (off,) = events("user.deactivate", leader)
    (on,) = events("user.activate", leader)
    assert (off.old, off.new) == ({"is_active": True}, {"is_active": False})
    assert (on.old, on.new) == ({"is_active": False}, {"is_active": True})


@pytest.mark.parametrize("who", ["ja", "admin1"])
def test_nobody_deactivates_themselves(people, who):
    me = people[who]
    with pytest.raises(PermissionDenied):
        accounts.user_set_active(acting_user=me, user=me, active=False)
    me.refresh_from_db()
    assert me.is_active


def test_a_fachkraft_does_not_deactivate_a_leitung(people):
    with pytest.raises(PermissionDenied):
        accounts.user_set_active(acting_user=people["ja"], user=people["jal"], active=False)
    assert User.objects.get(pk=people["jal"].pk).is_active


# --- roles -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_administration_cannot_grant_herself_anything(people, role):
    me = people["admin1"]
    before = role_names(me)
    with pytest.raises(PermissionDenied):
        accounts.user_role_grant(
            acting_user=me, user=me, role=role, kitas=[people["kita"]], traeger=None
        )
    assert role_names(me) == before
    assert not RoleGrantRequest.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="role").exists()


def test_administration_cannot_revoke_her_own_role(people):
    me = people["admin1"]
    with pytest.raises(PermissionDenied):
        accounts.user_role_revoke(acting_user=me, user=me, role=roles.ADMINISTRATION)
    assert roles.ADMINISTRATION in role_names(me)


@pytest.mark.parametrize("who", ["ja", "jal"])
def test_jugendamt_staff_without_administration_grant_no_role(people, who):
    target = people["leader"]
    with pytest.raises(PermissionDenied):
        accounts.user_role_grant(acting_user=people[who], user=target, role=roles.JUGENDAMT)
    with pytest.raises(PermissionDenied):
        accounts.user_role_grant(
            acting_user=people[who], user=people[who], role=roles.JUGENDAMT_LEITUNG
        )
    assert role_names(target) == {roles.KITA_LEITUNG}


def test_other_roles_are_granted_at_once_with_old_and_new_values(people):
    leader = people["leader"]
    result = accounts.user_role_grant(
        acting_user=people["admin1"], user=leader, role=roles.JUGENDAMT
    )
    assert result is None
    leader.refresh_from_db()
    assert role_names(leader) == {roles.KITA_LEITUNG, roles.JUGENDAMT}
    assert leader.is_staff  # Jugendamt roles open the admin
    (event,) = events("role.grant", leader)
    assert event.old["roles"] == [roles.KITA_LEITUNG]
    assert event.new["role"] == roles.JUGENDAMT
    assert event.new["roles"] == sorted([roles.KITA_LEITUNG, roles.JUGENDAMT])
    assert event.actor == people["admin1"]


def test_a_traeger_role_needs_a_traeger_of_the_own_jugendamt(people, ja):
    person = people["leader"]
    with pytest.raises(ValidationError, match="Träger"):
        accounts.user_role_grant(acting_user=people["admin1"], user=person, role=roles.TRAEGER)
    foreign = TraegerFactory()
    with pytest.raises(ValidationError, match="nicht zu Ihrem Jugendamt"):
        accounts.user_role_grant(
            acting_user=people["admin1"], user=person, role=roles.TRAEGER, traeger=foreign
        )
    own = TraegerFactory(jugendamt=ja)
    accounts.user_role_grant(
        acting_user=people["admin1"], user=person, role=roles.TRAEGER, traeger=own
    )
    person.refresh_from_db()
    assert person.traeger == own


def test_revoking_kita_leitung_takes_the_kitas_and_is_audited(people):
    leader = people["leader"]
    accounts.user_role_revoke(acting_user=people["admin1"], user=leader, role=roles.KITA_LEITUNG)
    leader.refresh_from_db()
    assert role_names(leader) == set()
    assert not leader.kitas.exists()
    (event,) = events("role.revoke", leader)
    assert event.old["kitas"] == [people["kita"].name]
    assert event.new["kitas"] == [] and event.new["roles"] == []


def test_revoking_the_last_jugendamt_role_closes_the_admin(people):
    fachkraft = people["ja"]
    assert fachkraft.is_staff
    accounts.user_role_revoke(acting_user=people["admin1"], user=fachkraft, role=roles.JUGENDAMT)
    fachkraft.refresh_from_db()
    assert not fachkraft.is_staff


@pytest.mark.parametrize("role", sorted(accounts.FOUR_EYES_ROLES))
def test_leitung_and_administration_need_a_second_administration(people, role):
    fachkraft, admin1, admin2 = people["ja"], people["admin1"], people["admin2"]
    grant = accounts.user_role_grant(acting_user=admin1, user=fachkraft, role=role)
    assert isinstance(grant, RoleGrantRequest) and grant.state == RoleGrantRequest.State.PENDING
    assert role not in role_names(fachkraft)  # not yet

    # the requester cannot confirm her own request
    with pytest.raises(PermissionDenied):
        accounts.role_grant_confirm(acting_user=admin1, grant=grant, version=grant.version)
    # nor can a Leitung, the grantee, or the Administration of another Jugendamt
    for other in ("jal", "ja", "foreign_admin"):
        with pytest.raises(PermissionDenied):
            accounts.role_grant_confirm(acting_user=people[other], grant=grant, version=1)
    assert role not in role_names(fachkraft)
    grant.refresh_from_db()
    assert grant.state == RoleGrantRequest.State.PENDING

    accounts.role_grant_confirm(acting_user=admin2, grant=grant, version=1)
    assert role in role_names(fachkraft)
    grant.refresh_from_db()
    assert (grant.state, grant.decided_by, grant.version) == ("confirmed", admin2, 2)
    (asked,) = events("role_grant.request", fachkraft)
    (confirmed,) = events("role_grant.confirm", fachkraft)
    assert asked.actor == admin1 and asked.new["state"] == "pending"
    assert confirmed.actor == admin2
    assert confirmed.old["state"] == "pending" and confirmed.new["state"] == "confirmed"
    assert role not in confirmed.old["roles"] and role in confirmed.new["roles"]
    assert confirmed.new["requested_by"] == "admin1"


def test_a_grant_to_the_second_administration_needs_a_third_person(people):
    """The grantee never confirms a grant to herself, even holding Administration."""
    admin1, admin2 = people["admin1"], people["admin2"]
    grant = accounts.role_grant_request(
        acting_user=admin1, user=admin2, role=roles.JUGENDAMT_LEITUNG
    )
    with pytest.raises(PermissionDenied):
        accounts.role_grant_confirm(acting_user=admin2, grant=grant, version=1)
    assert roles.JUGENDAMT_LEITUNG not in role_names(admin2)


def test_a_decision_on_a_stale_page_is_refused(people):
    admin1, admin2 = people["admin1"], people["admin2"]
    admin3 = make_user(roles.ADMINISTRATION, jugendamt=admin1.jugendamt, username="admin3")
    grant = accounts.user_role_grant(
        acting_user=admin1, user=people["ja"], role=roles.JUGENDAMT_LEITUNG
    )
    accounts.role_grant_reject(acting_user=admin2, grant=grant, version=1, reason="nein")
    with pytest.raises(ValidationError, match="inzwischen bearbeitet"):
        accounts.role_grant_confirm(acting_user=admin3, grant=grant, version=1)
    assert roles.JUGENDAMT_LEITUNG not in role_names(people["ja"])
    (rejected,) = events("role_grant.reject", people["ja"])
    assert rejected.reason == "nein" and rejected.new["state"] == "rejected"
    assert not events("role_grant.confirm")


def test_one_open_request_per_person_and_role(people):
    accounts.user_role_grant(
        acting_user=people["admin1"], user=people["ja"], role=roles.JUGENDAMT_LEITUNG
    )
    with pytest.raises(ValidationError, match="offene Anfrage"):
        accounts.user_role_grant(
            acting_user=people["admin2"], user=people["ja"], role=roles.JUGENDAMT_LEITUNG
        )


def test_the_requester_may_withdraw_her_request(people):
    grant = accounts.user_role_grant(
        acting_user=people["admin1"], user=people["ja"], role=roles.ADMINISTRATION
    )
    accounts.role_grant_reject(acting_user=people["admin1"], grant=grant, version=1)
    grant.refresh_from_db()
    assert grant.state == RoleGrantRequest.State.REJECTED


def test_nobody_manages_the_people_of_another_jugendamt(people):
    foreign = people["foreign_admin"]
    leader = people["leader"]
    for call in (
        lambda: accounts.user_role_grant(acting_user=foreign, user=leader, role=roles.JUGENDAMT),
        lambda: accounts.user_role_revoke(
            acting_user=foreign, user=leader, role=roles.KITA_LEITUNG
        ),
        lambda: accounts.user_set_active(acting_user=foreign, user=leader, active=False),
        lambda: accounts.user_password_reset_link_send(
            acting_user=foreign, user=leader, base_url=BASE
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    leader.refresh_from_db()
    assert leader.is_active and role_names(leader) == {roles.KITA_LEITUNG}


def test_only_a_superuser_manages_a_superuser(people, ja):
    superuser = make_user(None, jugendamt=ja, username="super", is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        accounts.user_set_active(acting_user=people["admin1"], user=superuser, active=False)
    with pytest.raises(PermissionDenied):
        accounts.user_role_grant(acting_user=people["admin1"], user=superuser, role=roles.JUGENDAMT)
    # and a superuser of the Jugendamt grants roles there
    accounts.user_role_grant(acting_user=superuser, user=people["leader"], role=roles.AUSSCHUSS)
    assert roles.AUSSCHUSS in role_names(people["leader"])


def test_a_confirmed_role_needs_an_active_account(people):
    grant = accounts.user_role_grant(
        acting_user=people["admin1"], user=people["ja"], role=roles.JUGENDAMT_LEITUNG
    )
    accounts.user_set_active(acting_user=people["admin1"], user=people["ja"], active=False)
    with pytest.raises(ValidationError, match="deaktiviert"):
        accounts.role_grant_confirm(acting_user=people["admin2"], grant=grant, version=1)
    assert not Group.objects.get(name=roles.JUGENDAMT_LEITUNG).user_set.filter(pk=people["ja"].pk)


# --- races (PostgreSQL) ----------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_administrations_deciding_one_request_at_once_give_one_decision():
    from tests.test_concurrency import race

    ja = JugendamtFactory()
    admin1, admin2, admin3 = (
        make_user(roles.ADMINISTRATION, jugendamt=ja, username=f"admin{n}") for n in (1, 2, 3)
    )
    for attempt in range(3):
        person = make_user(roles.JUGENDAMT, jugendamt=ja, username=f"fachkraft-{attempt}")
        grant = accounts.role_grant_request(
            acting_user=admin1, user=person, role=roles.JUGENDAMT_LEITUNG
        )
        outcomes = race(
            lambda g=grant: accounts.role_grant_confirm(acting_user=admin2, grant=g, version=1),
            lambda g=grant: accounts.role_grant_reject(acting_user=admin3, grant=g, version=1),
        )
        kinds = sorted(kind for kind, _value in outcomes)
        assert kinds == ["error", "ok"], outcomes
        error = next(value for kind, value in outcomes if kind == "error")
        assert isinstance(error, ValidationError)
        grant.refresh_from_db()
        decided = AuditEvent.objects.filter(
            action__in=("role_grant.confirm", "role_grant.reject"), object_id=str(person.pk)
        )
        assert decided.count() == 1
        has_role = person.groups.filter(name=roles.JUGENDAMT_LEITUNG).exists()
        assert has_role == (grant.state == RoleGrantRequest.State.CONFIRMED)
