"""Writes on teams and their members: set up a team, its contact person, members in and out.

Members with an account are Kita leaders (for a Kita of the team's Sozialraum), Träger
representatives (for their Träger) or Jugendamt staff of the team's Jugendamt; external
members have no account and only name, organisation, function and e-mail
(``docs/datenschutz.md``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events as audit_events
from sozialraeume.models import Sozialraum, User
from srb_project import policy
from teams.models import MemberKind, Team, TeamMember
from teams.permissions import team_policy

# Kinds an external member (without an account) may have.
EXTERNAL_KINDS = (
    MemberKind.TRAEGER,
    MemberKind.SOCIAL_WORK,
    MemberKind.PARENTS,
    MemberKind.NEIGHBOURHOOD,
    MemberKind.INSTITUTION,
    MemberKind.OTHER,
)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def team_snapshot(team: Team) -> dict:
    contact = team.contact_person
    return {
        "sozialraum_id": team.sozialraum_id,
        "sozialraum": team.sozialraum.name,
        "contact_person_id": contact.pk if contact else None,
        "contact_person": contact.display_name if contact else "",
        "founded_on": _iso(team.founded_on),
    }


def member_snapshot(member: TeamMember) -> dict:
    return {
        "team_id": member.team_id,
        "kind": member.kind,
        "user_id": member.user_id,
        "kita_id": member.kita_id,
        "traeger_id": member.traeger_id,
        "name": member.name,
        "organisation": member.organisation,
        "function": member.function,
        "email": member.email,
        "joined_on": _iso(member.joined_on),
        "left_on": _iso(member.left_on),
    }


def check_contact_person(user: User | None, jugendamt_id: int) -> None:
    """The contact person is active Jugendamt staff of the team's Jugendamt."""
    if user is None:
        return
    if not (policy.is_active(user) and policy.is_staff(user) and user.jugendamt_id == jugendamt_id):
        raise ValidationError(
            _("Ansprechperson kann nur eine Fachkraft des Jugendamts dieses Teams sein.")
        )


@transaction.atomic
def team_create(
    *,
    sozialraum: Sozialraum,
    contact_person: User | None = None,
    founded_on: datetime.date | None = None,
    acting_user: User,
) -> Team:
    """Set up the Sozialraum's team (one per Sozialraum)."""
    if not team_policy.user_can(acting_user, "manage") or not policy.same_jugendamt(
        acting_user, sozialraum.jugendamt_id
    ):
        raise PermissionDenied
    if Team.objects.filter(sozialraum=sozialraum).exists():
        raise ValidationError(
            _("Für den Sozialraum %(name)s gibt es schon ein Team.") % {"name": sozialraum.name}
        )
    check_contact_person(contact_person, sozialraum.jugendamt_id)
    team = Team.objects.create(
        sozialraum=sozialraum,
        contact_person=contact_person,
        founded_on=founded_on or timezone.localdate(),
    )
    audit_events.record(
        actor=acting_user,
        action="team.create",
        obj=team,
        jugendamt_id=sozialraum.jugendamt_id,
        new=team_snapshot(team),
    )
    return team


@transaction.atomic
def team_contact_set(*, team: Team, contact_person: User | None, acting_user: User) -> Team:
    """Name (or change) the Jugendamt's contact person of the team."""
    team = Team.objects.select_for_update(of=("self",)).select_related("sozialraum").get(pk=team.pk)
    if not team_policy.user_can(acting_user, "manage", team):
        raise PermissionDenied
    check_contact_person(contact_person, team.jugendamt_id)
    if team.contact_person_id == (contact_person.pk if contact_person else None):
        return team
    old = team_snapshot(team)
    team.contact_person = contact_person
    team.save(update_fields=["contact_person"])
    audit_events.record(
        actor=acting_user,
        action="team.contact_change",
        obj=team,
        jugendamt_id=team.jugendamt_id,
        old={
            "contact_person_id": old["contact_person_id"],
            "contact_person": old["contact_person"],
        },
        new={
            "contact_person_id": team.contact_person_id,
            "contact_person": contact_person.display_name if contact_person else "",
        },
    )
    return team


def account_member_fields(team: Team, user: User, kita=None) -> dict:
    """What a member with an account speaks for, from who they are: a Kita leader of a
    Kita in the team's Sozialraum → that Kita; a Träger representative → their Träger;
    Jugendamt staff of the team's Jugendamt → the Jugendamt. Anyone else cannot join."""
    if not policy.is_active(user) or user.jugendamt_id != team.jugendamt_id:
        raise ValidationError(_("Diese Person gehört nicht zum Jugendamt des Teams."))
    led_here = list(team.sozialraum.kitas.filter(pk__in=policy.led_kita_ids(user)).order_by("name"))
    if led_here:
        if kita is not None and kita not in led_here:
            raise ValidationError(_("Diese Person leitet die gewählte Kita nicht."))
        return {"kind": MemberKind.KITA, "kita": kita or led_here[0], "traeger": None}
    if user.traeger_id and team.sozialraum.kitas.filter(traeger_id=user.traeger_id).exists():
        return {"kind": MemberKind.TRAEGER, "kita": None, "traeger": user.traeger}
    if policy.is_staff(user):
        return {"kind": MemberKind.JUGENDAMT, "kita": None, "traeger": None}
    raise ValidationError(
        _(
            "Mitglied mit Konto werden können Kita-Leitungen einer Kita des Sozialraums, "
            "Vertretungen eines Trägers mit Kita im Sozialraum und Fachkräfte des Jugendamts."
        )
    )


@transaction.atomic
def team_member_add(
    *,
    team: Team,
    user: User | None = None,
    kita=None,
    kind: str = "",
    name: str = "",
    organisation: str = "",
    function: str = "",
    email: str = "",
    joined_on: datetime.date | None = None,
    acting_user: User,
) -> TeamMember:
    """Add a member: a user of the Jugendamt (what they speak for follows from who they
    are) or an external person (name required; only name, organisation, function and
    e-mail are kept)."""
    team = Team.objects.select_for_update(of=("self",)).select_related("sozialraum").get(pk=team.pk)
    if not team_policy.user_can(acting_user, "manage", team):
        raise PermissionDenied
    joined_on = joined_on or timezone.localdate()
    if user is not None:
        if TeamMember.objects.filter(team=team, user=user, left_on__isnull=True).exists():
            raise ValidationError(
                _("%(name)s ist schon Mitglied des Teams.") % {"name": user.display_name}
            )
        fields = account_member_fields(team, user, kita)
        member = TeamMember(team=team, user=user, joined_on=joined_on, **fields)
    else:
        name = (name or "").strip()
        if not name:
            raise ValidationError(_("Bitte den Namen des Mitglieds angeben."))
        if kind not in EXTERNAL_KINDS:
            raise ValidationError(_("Bitte die Funktion im Team wählen."))
        member = TeamMember(
            team=team,
            kind=kind,
            name=name,
            organisation=(organisation or "").strip(),
            function=(function or "").strip(),
            email=(email or "").strip(),
            joined_on=joined_on,
        )
    member.save()
    audit_events.record(
        actor=acting_user,
        action="team_member.add",
        obj=member,
        jugendamt_id=team.jugendamt_id,
        new=member_snapshot(member),
    )
    return member


@transaction.atomic
def team_member_leave(
    *, member: TeamMember, left_on: datetime.date | None = None, acting_user: User
) -> TeamMember:
    """End a membership (the member stays in the team's history and attendance)."""
    member = (
        TeamMember.objects.select_for_update(of=("self",))
        .select_related("team__sozialraum", "user")
        .get(pk=member.pk)
    )
    if not team_policy.user_can(acting_user, "manage", member.team):
        raise PermissionDenied
    if member.left_on is not None:
        raise ValidationError(_("Dieses Mitglied ist schon ausgeschieden."))
    left_on = left_on or timezone.localdate()
    if left_on < member.joined_on:
        raise ValidationError(_("Das Ausscheiden kann nicht vor dem Eintritt liegen."))
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    audit_events.record(
        actor=acting_user,
        action="team_member.leave",
        obj=member,
        jugendamt_id=member.team.jugendamt_id,
        old={"left_on": None},
        new={"left_on": _iso(left_on)},
    )
    return member
