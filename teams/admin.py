"""The Django admin of the teams: read-only (teams, members and meetings are written on the
team pages through the audited services)."""

from django.contrib import admin

from srb_project.admin_site import ReadOnlyAdmin
from teams.models import Meeting, Team, TeamMember


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    jugendamt_path = "sozialraum__jugendamt"
    scoped_relations = {"contact_person": "jugendamt"}
    list_display = ("sozialraum", "contact_person", "founded_on")
    fields = ("sozialraum", "contact_person", "founded_on", "created_at")
    readonly_fields = fields


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnlyAdmin):
    jugendamt_path = "team__sozialraum__jugendamt"
    scoped_relations = {
        "user": "jugendamt",
        "kita": "sozialraum__jugendamt",
        "traeger": "jugendamt",
    }
    list_display = ("__str__", "team", "kind", "joined_on", "left_on")
    list_filter = ("kind",)
    fields = (
        "team",
        "kind",
        "user",
        "kita",
        "traeger",
        "name",
        "organisation",
        "function",
        "email",
        "joined_on",
        "left_on",
    )
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    jugendamt_path = "team__sozialraum__jugendamt"
    scoped_relations = {"minute_taker": "jugendamt", "minutes_written_by": "jugendamt"}
    list_display = ("title", "team", "starts_at", "state", "invited_at")
    list_filter = ("state",)
    fields = (
        "team",
        "title",
        "starts_at",
        "ends_at",
        "location",
        "agenda",
        "state",
        "uid",
        "sequence",
        "invited_at",
        "minute_taker",
        "minutes",
        "decisions",
        "minutes_written_at",
        "minutes_written_by",
        "version",
    )
    readonly_fields = fields
