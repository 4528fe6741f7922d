"""External team members' name and e-mail go 12 months after leaving (docs/datenschutz.md)."""

import datetime

import pytest
from django.utils import timezone

from surveys.retention import retention_apply
from teams.models import TeamMember
from tests.teams.factories import make_team_world

pytestmark = pytest.mark.django_db


def _left(member, days_ago):
    TeamMember.objects.filter(pk=member.pk).update(
        left_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )


def test_external_member_is_anonymised_a_year_after_leaving_and_the_row_stays():
    world = make_team_world()
    _left(world.external, 400)
    report = retention_apply()
    member = TeamMember.objects.get(pk=world.external.pk)
    assert report.external_members_anonymised == 1
    assert (member.name, member.email) == ("ehemaliges Mitglied", "")
    assert member.organisation == "Quartiersbüro"  # the team's composition stays
    # a second run finds nothing more to do
    assert retention_apply().external_members_anonymised == 0


def test_recently_left_or_active_external_members_and_account_members_keep_their_data():
    world = make_team_world()
    _left(world.external, 300)
    account_member = TeamMember.objects.get(team=world.team, user=world.leader_a)
    _left(account_member, 800)
    report = retention_apply(dry_run=True)
    assert report.external_members_anonymised == 0
    assert retention_apply().external_members_anonymised == 0
    member = TeamMember.objects.get(pk=world.external.pk)
    assert (member.name, member.email) == ("Omar Extern", "omar@example.invalid")


def test_dry_run_counts_without_changing(capsys):
    from django.core.management import call_command

    world = make_team_world()
    _left(world.external, 400)
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Probelauf – ausgeschiedene externe Team-Mitglieder anonymisiert: 1" in out
    assert TeamMember.objects.get(pk=world.external.pk).name == "Omar Extern"
