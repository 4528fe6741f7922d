"""Rules about the document box and the children's perspective (issue 17).

Documents (``DocumentPolicy``): the Jugendamt's staff see and manage all documents of
their Jugendamt. The visibility widens the circle step by step: ``team`` adds the active
members (with an account) of the document's Sozialraum team, ``committee`` adds the
Jugendhilfeausschuss, ``public`` adds anyone, but only while the Jugendamt has switched its
public page on (otherwise a public document is what it was before: team and committee).
A document without a Sozialraum has no team. Signed-in users see documents of their own
Jugendamt only; the public reach them through ``knowledge:public_download``.

Children's pictures (``ChildPicturePolicy``): a Kita leader sends them in for the Kitas
they lead and sees those; the Jugendamt's staff and the active members of the Sozialraum's
team see the Sozialraum's. The Kita's name is shown to the staff and to its own leaders
only (``shows_kita``). Deleting: the person who sent it in, or the Jugendamt's staff.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from knowledge.models import ChildPicture, Document, Visibility
from srb_project import policy, roles
from teams.models import Team
from teams.permissions import active_member_team_ids

WIDER_THAN_STAFF = (Visibility.TEAM, Visibility.COMMITTEE, Visibility.PUBLIC)
COMMITTEE_OR_PUBLIC = (Visibility.COMMITTEE, Visibility.PUBLIC)


def _team_id(sozialraum_id) -> int | None:
    """The id of the Sozialraum's team (None: no Sozialraum, or no team yet)."""
    if sozialraum_id is None:
        return None
    return Team.objects.filter(sozialraum_id=sozialraum_id).values_list("pk", flat=True).first()


def is_committee(user) -> bool:
    return policy.has_role(user, roles.AUSSCHUSS)


def document_visible(user, document: Document) -> bool:
    """The object side of ``DocumentPolicy.view``: may ``user`` (signed in) open it?"""
    if not policy.same_jugendamt(user, document.jugendamt_id):
        return False
    if policy.is_staff(user):
        return True
    visibility = document.visibility
    if visibility in WIDER_THAN_STAFF and active_member_team_ids(user):
        team_id = _team_id(document.sozialraum_id)
        if team_id is not None and team_id in active_member_team_ids(user):
            return True
    if visibility in COMMITTEE_OR_PUBLIC and is_committee(user):
        return True
    return visibility == Visibility.PUBLIC and document.jugendamt.public_page_enabled


class DocumentPolicy(policy.BasePolicy):
    """view: see the document and download its versions (rules in the module docstring;
    ``obj`` None: the document box as such, for every signed-in user). manage (create,
    edit, upload versions): the Jugendamt's staff."""

    model = Document
    actions = ("view", "manage")

    def can_view(self, user, document) -> bool:
        if document is None:
            return True
        return document_visible(user, document)

    def view_queryset(self, user) -> QuerySet[Document]:
        qs = Document.objects.select_related("sozialraum", "current_version", "jugendamt")
        qs = qs.filter(policy.jugendamt_scope(user))
        if policy.is_staff(user):
            return qs
        rule = Q(
            visibility__in=WIDER_THAN_STAFF,
            sozialraum__team__pk__in=active_member_team_ids(user),
        )
        if is_committee(user):
            rule |= Q(visibility__in=COMMITTEE_OR_PUBLIC)
        rule |= Q(visibility=Visibility.PUBLIC, jugendamt__public_page_enabled=True)
        return qs.filter(rule)

    def can_manage(self, user, document) -> bool:
        if not policy.is_staff(user):
            return False
        return document is None or policy.same_jugendamt(user, document.jugendamt_id)

    def manage_queryset(self, user) -> QuerySet[Document]:
        if not policy.is_staff(user):
            return Document.objects.none()
        return Document.objects.select_related("sozialraum", "current_version").filter(
            policy.jugendamt_scope(user)
        )


document_policy = policy.register(DocumentPolicy())


class ChildPicturePolicy(policy.BasePolicy):
    """view: see the picture or note (and its image). upload: a Kita leader, for a Kita
    they lead (``obj`` the Kita, or None: "may send in at all"). delete: who sent it in
    (while they still see it) and the Jugendamt's staff."""

    model = ChildPicture
    actions = ("view", "upload", "delete")

    def can_view(self, user, picture) -> bool:
        if picture is None:
            return (
                policy.is_staff(user)
                or bool(policy.led_kita_ids(user))
                or bool(active_member_team_ids(user))
            )
        if policy.is_staff(user) and policy.same_jugendamt(user, picture.jugendamt_id):
            return True
        if picture.kita_id in policy.led_kita_ids(user):
            return True
        team_id = _team_id(picture.sozialraum_id) if active_member_team_ids(user) else None
        return team_id is not None and team_id in active_member_team_ids(user)

    def view_queryset(self, user) -> QuerySet[ChildPicture]:
        qs = ChildPicture.objects.select_related("kita", "sozialraum", "uploaded_by")
        if policy.sees_all_jugendaemter(user):
            return qs
        rule = Q(kita_id__in=policy.led_kita_ids(user)) | Q(
            sozialraum__team__pk__in=active_member_team_ids(user)
        )
        if policy.is_staff(user):
            rule |= policy.jugendamt_scope(user, "sozialraum__jugendamt")
        return qs.filter(rule)

    def can_upload(self, user, kita) -> bool:
        if kita is None:
            return bool(policy.led_kita_ids(user))
        return kita.pk in policy.led_kita_ids(user)

    def can_delete(self, user, picture) -> bool:
        if picture is None:
            return False
        if policy.is_staff(user) and policy.same_jugendamt(user, picture.jugendamt_id):
            return True
        return picture.uploaded_by_id == user.pk and self.can_view(user, picture)

    def delete_queryset(self, user) -> QuerySet[ChildPicture]:
        if policy.sees_all_jugendaemter(user):
            return self.view_queryset(user)
        rule = Q(uploaded_by=user)
        if policy.is_staff(user):
            rule |= policy.jugendamt_scope(user, "sozialraum__jugendamt")
        return self.view_queryset(user).filter(rule)


def shows_kita(user, picture) -> bool:
    """The Kita's name: for the Jugendamt's staff and the Kita's own leaders only."""
    if picture.kita_id in policy.led_kita_ids(user):
        return True
    return policy.is_staff(user) and policy.same_jugendamt(user, picture.jugendamt_id)


child_picture_policy = policy.register(ChildPicturePolicy())
