"""The role groups and what their model permissions open in the Django admin (issue 13,
findings 1, 3, 4): no tenant role reaches people, role groups or login records there; the
Fachkraft's attempts to change her own or anyone's roles or password change nothing."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from sozialraeume import roles
from sozialraeume.models import User
from tests.factories import JugendamtFactory, KitaFactory, make_user

pytestmark = pytest.mark.django_db


def test_all_six_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


def test_staff_roles_can_change_kitas_but_outside_roles_have_no_model_permissions():
    jugendamt = Group.objects.get(name=roles.JUGENDAMT)
    codenames = set(jugendamt.permissions.values_list("codename", flat=True))
    assert {"view_kita", "change_kita", "add_kita"} <= codenames
    assert "delete_kita" not in codenames
    for outside in (roles.KITA_LEITUNG, roles.TRAEGER, roles.AUSSCHUSS):
        assert not Group.objects.get(name=outside).permissions.exists()


def test_no_role_may_change_or_delete_audit_events():
    for group in Group.objects.filter(name__in=roles.ALL_ROLES):
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert "change_auditevent" not in codenames
        assert "delete_auditevent" not in codenames


def test_syncing_roles_twice_keeps_one_group_each():
    roles.sync_role_groups()
    roles.sync_role_groups()
    assert Group.objects.filter(name__in=roles.ALL_ROLES).count() == len(roles.ALL_ROLES)


def test_no_role_carries_user_group_permission_jugendamt_or_axes_permissions():
    """Issue 13, findings 1, 3, 4: a model permission opened the user admin (own roles,
    colleagues' passwords), the global groups and every Jugendamt's login records."""
    for group in Group.objects.filter(name__in=roles.ALL_ROLES):
        perms = group.permissions.select_related("content_type")
        leaked = sorted(
            f"{p.content_type.app_label}.{p.codename}"
            for p in perms
            if p.content_type.app_label in ("auth", "axes")
            or p.content_type.model in ("user", "jugendamt", "rolegrantrequest")
        )
        assert not leaked, f"{group.name}: {leaked}"


def test_administration_still_administers_the_master_data():
    codenames = set(
        Group.objects.get(name=roles.ADMINISTRATION).permissions.values_list("codename", flat=True)
    )
    assert {"change_kita", "delete_kita", "change_sozialraum", "view_auditevent"} <= codenames


def test_syncing_takes_back_a_permission_a_group_had_before():
    """Groups are synced on migrate: an installation whose Administration had change_user
    and change_group loses them with this release."""
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=roles.ADMINISTRATION)
    group.permissions.add(
        Permission.objects.get(codename="change_user"),
        Permission.objects.get(codename="change_group"),
    )
    roles.sync_role_groups()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "change_user" not in codenames and "change_group" not in codenames


# --- what the roles open in the Django admin ---------------------------------------------

PASSWORD = "geheim-passwort-123"


@pytest.fixture
def ja():
    return JugendamtFactory(name="Jugendamt Eins")


@pytest.fixture
def people(ja):
    kita = KitaFactory(sozialraum__jugendamt=ja, name="Kita Sonnenblume")
    ja2 = JugendamtFactory(name="Jugendamt Zwei")
    return {
        "ja": make_user(roles.JUGENDAMT, jugendamt=ja, username="fachkraft"),
        "jal": make_user(roles.JUGENDAMT_LEITUNG, jugendamt=ja, username="leitung"),
        "admin1": make_user(roles.ADMINISTRATION, jugendamt=ja, username="admin1"),
        "leader": make_user(roles.KITA_LEITUNG, kitas=[kita], username="kitaleitung"),
        "foreign_admin": make_user(roles.ADMINISTRATION, jugendamt=ja2, username="fremd-admin"),
        "super": make_user(
            None, jugendamt=ja, username="betrieb", is_superuser=True, is_staff=True
        ),
    }


def login(client, user):
    client.force_login(user)
    return client


def state(*users):
    """What an attempt could change: roles, flags, passwords, Jugendamt, the audit."""
    rows = []
    for u in users:
        u = User.objects.get(pk=u.pk)
        rows.append(
            (
                u.username,
                sorted(u.groups.values_list("name", flat=True)),
                u.is_active,
                u.is_staff,
                u.is_superuser,
                u.password,
                u.jugendamt_id,
            )
        )
    return rows, AuditEvent.objects.count()


def _user_change_form(user, ja, *, groups):
    """Everything the admin's user change form posts, with the given groups."""
    joined = timezone.localtime(user.date_joined)
    return {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [g.pk for g in groups],
        "date_joined_0": joined.strftime("%d.%m.%Y"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "jugendamt": ja.pk,
        "_save": "Sichern",
    }


def test_fachkraft_cannot_make_herself_leitung_in_the_admin(client, people, ja):
    fachkraft = people["ja"]
    leitung_group = Group.objects.get(name=roles.JUGENDAMT_LEITUNG)
    c = login(client, fachkraft)
    before = state(fachkraft, people["jal"])
    for target in (fachkraft, people["jal"], people["leader"]):
        url = reverse("admin:sozialraeume_user_change", args=[target.pk])
        response = c.post(url, _user_change_form(target, ja, groups=[leitung_group]))
        assert response.status_code == 403, target.username
    assert c.get(reverse("admin:sozialraeume_user_changelist")).status_code == 403
    assert c.get(reverse("admin:sozialraeume_user_add")).status_code == 403
    assert state(fachkraft, people["jal"]) == before
    assert not people["leader"].groups.filter(name=roles.JUGENDAMT_LEITUNG).exists()


@pytest.mark.parametrize("who", ["ja", "admin1"])
def test_nobody_but_a_superuser_sets_another_persons_password_in_the_admin(client, people, who):
    colleague = people["jal"]
    url = reverse("admin:auth_user_password_change", args=[colleague.pk])
    c = login(client, people[who])
    assert c.get(url).status_code == 403
    response = c.post(url, {"password1": "Uebernahme-2027!", "password2": "Uebernahme-2027!"})
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD)
    assert not colleague.check_password("Uebernahme-2027!")


def test_tenant_administration_does_not_rename_or_reassign_a_global_group(client, people):
    committee = Group.objects.get(name=roles.AUSSCHUSS)
    perms = set(committee.permissions.values_list("pk", flat=True))
    c = login(client, people["admin1"])
    url = reverse("admin:auth_group_change", args=[committee.pk])
    assert c.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert c.get(url).status_code == 403
    assert c.post(url, {"name": "Umbenannt", "permissions": []}).status_code == 403
    committee.refresh_from_db()
    assert committee.name == roles.AUSSCHUSS
    assert set(committee.permissions.values_list("pk", flat=True)) == perms


def test_tenant_administration_sees_no_login_records_and_lifts_no_lockout(client, people):
    attempt = AccessAttempt.objects.create(
        username="fachkraft",
        ip_address="10.0.0.1",
        user_agent="test",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    AccessLog.objects.create(username="fremd-admin", ip_address="10.0.0.2", user_agent="t")
    c = login(client, people["foreign_admin"])
    for name in ("axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"):
        response = c.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 403, name
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert c.post(delete, {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    # the platform's operator still has them
    superuser = login(client, people["super"])
    assert superuser.get(reverse("admin:axes_accesslog_changelist")).status_code == 200


def test_admin_index_lists_no_user_group_or_axes_model_for_tenant_roles(client, people):
    html = login(client, people["admin1"]).get(reverse("admin:index")).content.decode()
    for path in ("/admin/sozialraeume/user/", "/admin/auth/group/", "/admin/axes/"):
        assert path not in html


# --- the superuser's admin ---------------------------------------------------------------


def test_a_user_added_by_a_superuser_belongs_to_the_creators_jugendamt(client, people, ja):
    c = login(client, people["super"])
    response = c.post(
        reverse("admin:sozialraeume_user_add"),
        {
            "username": "neu-im-admin",
            "usable_password": "false",
            "password1": "",
            "password2": "",
            "_save": "Sichern",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="neu-im-admin").jugendamt == ja


def test_role_changes_in_the_admin_are_audited(client, people, ja):
    leader = people["leader"]
    c = login(client, people["super"])
    url = reverse("admin:sozialraeume_user_change", args=[leader.pk])
    data = _user_change_form(leader, ja, groups=[Group.objects.get(name=roles.AUSSCHUSS)])
    data.pop("is_staff")
    response = c.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(leader.groups.values_list("name", flat=True)) == {roles.AUSSCHUSS}
    granted = AuditEvent.objects.get(action="role.grant", object_id=str(leader.pk))
    revoked = AuditEvent.objects.get(action="role.revoke", object_id=str(leader.pk))
    assert granted.new["role"] == roles.AUSSCHUSS and granted.actor == people["super"]
    assert revoked.new["role"] == roles.KITA_LEITUNG
    assert revoked.old["roles"] == [roles.KITA_LEITUNG]
