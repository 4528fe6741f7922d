import pytest
from django.contrib.auth.models import Group

from sozialraeume import roles

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
