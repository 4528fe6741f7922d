"""Writes of the document box and the children's perspective (issue 17).

Every write checks the policy, runs in one transaction and records its audit event there.
Files are checked before anything is stored: PDFs through ``srb_project.uploads.check_pdf``,
images through ``knowledge.images.clean_image`` (re-encoded, no metadata). A deleted
picture's file is removed once the deletion is committed.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from audit import events as audit_events
from knowledge import images
from knowledge.models import (
    ChildPicture,
    Document,
    DocumentKind,
    DocumentVersion,
    PictureKind,
    Theme,
    Visibility,
)
from knowledge.permissions import child_picture_policy, document_policy
from sozialraeume.models import Jugendamt, Kita, Sozialraum, User
from srb_project import uploads

PDF_TYPE = "application/pdf"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# --- documents ------------------------------------------------------------------------


def document_snapshot(document: Document) -> dict:
    return {
        "title": document.title,
        "kind": document.kind,
        "date": _iso(document.date),
        "visibility": document.visibility,
        "sozialraum_id": document.sozialraum_id,
        "sozialraum": document.sozialraum.name if document.sozialraum_id else "",
    }


def _clean_fields(*, jugendamt_id: int, title: str, kind: str, visibility: str, sozialraum) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Bitte einen Titel angeben."))
    if kind not in DocumentKind.values:
        raise ValidationError(_("Unbekannte Art des Dokuments."))
    if visibility not in Visibility.values:
        raise ValidationError(_("Unbekannte Sichtbarkeit."))
    if sozialraum is not None and sozialraum.jugendamt_id != jugendamt_id:
        raise ValidationError(_("Der Sozialraum gehört nicht zu diesem Jugendamt."))
    if visibility == Visibility.TEAM and sozialraum is None:
        raise ValidationError(
            _("„Sozialraum-Team“ als Sichtbarkeit braucht einen Sozialraum (dessen Team).")
        )
    return title


def _stored_file(uploaded) -> tuple[ContentFile, str, str, str]:
    """(content, stored extension, content type, original name) of a PDF or an image."""
    if uploaded is None:
        raise ValidationError(_("Bitte eine Datei wählen (PDF, JPEG oder PNG)."))
    name = (getattr(uploaded, "name", "") or "dokument").rsplit("/", 1)[-1][:200]
    uploaded.seek(0)
    head = uploaded.read(len(uploads.PDF_MAGIC))
    uploaded.seek(0)
    if head == uploads.PDF_MAGIC:
        uploads.check_pdf(uploaded)
        content = uploaded.read()
        uploaded.seek(0)
        return ContentFile(content), "pdf", PDF_TYPE, name
    clean = images.clean_image(uploaded)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return (
        ContentFile(clean.content),
        clean.extension,
        clean.content_type,
        f"{stem}.{clean.extension}",
    )


@transaction.atomic
def document_create(
    *,
    jugendamt: Jugendamt,
    title: str,
    kind: str,
    date: datetime.date,
    visibility: str = Visibility.STAFF,
    sozialraum: Sozialraum | None = None,
    uploaded=None,
    note: str = "",
    resolved_on: datetime.date | None = None,
    acting_user: User,
) -> Document:
    """A new document with its first version (the file is required)."""
    if not document_policy.user_can(acting_user, "manage", Document(jugendamt=jugendamt)):
        raise PermissionDenied
    title = _clean_fields(
        jugendamt_id=jugendamt.pk,
        title=title,
        kind=kind,
        visibility=visibility,
        sozialraum=sozialraum,
    )
    document = Document.objects.create(
        jugendamt=jugendamt,
        sozialraum=sozialraum,
        title=title,
        kind=kind,
        date=date,
        visibility=visibility,
        created_by=acting_user,
    )
    audit_events.record(
        actor=acting_user,
        action="document.create",
        obj=document,
        jugendamt_id=jugendamt.pk,
        new=document_snapshot(document),
    )
    document_version_add(
        document=document,
        uploaded=uploaded,
        note=note,
        resolved_on=resolved_on,
        acting_user=acting_user,
    )
    document.refresh_from_db()
    return document


@transaction.atomic
def document_update(
    *,
    document: Document,
    title: str,
    kind: str,
    date: datetime.date,
    visibility: str,
    sozialraum: Sozialraum | None = None,
    acting_user: User,
) -> Document:
    """Change title, kind, date, Sozialraum or visibility (the files stay as they are)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not document_policy.user_can(acting_user, "manage", document):
        raise PermissionDenied
    title = _clean_fields(
        jugendamt_id=document.jugendamt_id,
        title=title,
        kind=kind,
        visibility=visibility,
        sozialraum=sozialraum,
    )
    if (
        kind != DocumentKind.KONZEPTION
        and document.versions.filter(resolved_on__isnull=False).exists()
    ):
        raise ValidationError(
            _("Eine Konzeption mit beschlossenen Versionen bleibt eine Konzeption.")
        )
    old = document_snapshot(document)
    document.title, document.kind, document.date = title, kind, date
    document.visibility, document.sozialraum = visibility, sozialraum
    new = document_snapshot(document)
    if new == old:
        return document
    document.save(update_fields=["title", "kind", "date", "visibility", "sozialraum"])
    audit_events.record(
        actor=acting_user,
        action="document.update",
        obj=document,
        jugendamt_id=document.jugendamt_id,
        old=old,
        new=new,
    )
    return document


@transaction.atomic
def document_version_add(
    *,
    document: Document,
    uploaded,
    note: str = "",
    resolved_on: datetime.date | None = None,
    acting_user: User,
) -> DocumentVersion:
    """Upload a new version; it becomes the current one. ``resolved_on`` (the committee's
    resolution) only for a Konzeption."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not document_policy.user_can(acting_user, "manage", document):
        raise PermissionDenied
    if resolved_on is not None and document.kind != DocumentKind.KONZEPTION:
        raise ValidationError(_("Ein Beschlussdatum gibt es nur für die Konzeption."))
    content, extension, content_type, name = _stored_file(uploaded)
    data = content.read()
    content.seek(0)
    last = document.versions.order_by("-number").values_list("number", flat=True).first()
    version = DocumentVersion(
        document=document,
        number=(last or 0) + 1,
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        note=(note or "").strip(),
        resolved_on=resolved_on,
        uploaded_by=acting_user,
    )
    version.file.save(f"upload.{extension}", content, save=False)
    version.save()
    document.current_version = version
    document.save(update_fields=["current_version"])
    audit_events.record(
        actor=acting_user,
        action="document_version.add",
        obj=version,
        jugendamt_id=document.jugendamt_id,
        new={
            "document_id": document.pk,
            "number": version.number,
            "name": name,
            "content_type": content_type,
            "size": version.size,
            "sha256": version.sha256,
            "resolved_on": _iso(resolved_on),
            "note": version.note,
        },
    )
    return version


# --- children's perspective -----------------------------------------------------------


def picture_snapshot(picture: ChildPicture) -> dict:
    labels = dict(Theme.choices)
    return {
        "kita_id": picture.kita_id,
        "kita": picture.kita.name,
        "kind": picture.kind,
        "themes": [[code, str(labels.get(code, code))] for code in picture.themes],
        "made_on": _iso(picture.made_on),
        "has_image": bool(picture.image),
    }


def _clean_themes(themes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(themes or ()))
    unknown = [t for t in chosen if t not in Theme.values]
    if unknown:
        raise ValidationError(_("Unbekanntes Thema: %(theme)s") % {"theme": ", ".join(unknown)})
    return [t for t in Theme.values if t in chosen]  # the list's order


@transaction.atomic
def child_picture_add(
    *,
    kita: Kita,
    kind: str,
    place: str,
    motif: str,
    themes: Iterable[str],
    made_on: datetime.date,
    uploaded=None,
    acting_user: User,
) -> ChildPicture:
    """A Kita leader sends in a child's picture (image required) or a walk note (image
    optional). The image is re-encoded without metadata before it is stored."""
    if not child_picture_policy.user_can(acting_user, "upload", kita):
        raise PermissionDenied
    if kind not in PictureKind.values:
        raise ValidationError(_("Unbekannte Art."))
    place, motif = (place or "").strip(), (motif or "").strip()
    if not place:
        raise ValidationError(_("Bitte den Ort angeben."))
    if not motif:
        raise ValidationError(_("Bitte das Motiv beschreiben."))
    if kind == PictureKind.PICTURE and uploaded is None:
        raise ValidationError(_("Für ein Kinderbild bitte die Bilddatei wählen."))
    clean = images.clean_image(uploaded) if uploaded is not None else None
    picture = ChildPicture(
        kita=kita,
        sozialraum_id=kita.sozialraum_id,
        kind=kind,
        place=place[:200],
        motif=motif,
        themes=_clean_themes(themes),
        made_on=made_on,
        uploaded_by=acting_user,
    )
    if clean is not None:
        picture.content_type = clean.content_type
        picture.size = len(clean.content)
        picture.width, picture.height = clean.width, clean.height
        picture.image.save(f"bild.{clean.extension}", ContentFile(clean.content), save=False)
    picture.save()
    audit_events.record(
        actor=acting_user,
        action="child_picture.add",
        obj=picture,
        jugendamt_id=kita.sozialraum.jugendamt_id,
        new=picture_snapshot(picture),
    )
    return picture


def _remove_file_on_commit(field_file) -> None:
    name, storage = field_file.name, field_file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def child_picture_delete(*, picture: ChildPicture, acting_user: User) -> None:
    """Delete the picture or note; its file is removed once the deletion is committed."""
    picture = ChildPicture.objects.select_related("kita", "sozialraum").get(pk=picture.pk)
    if not child_picture_policy.user_can(acting_user, "delete", picture):
        raise PermissionDenied
    old = picture_snapshot(picture)
    jugendamt_id = picture.sozialraum.jugendamt_id
    audit_events.record(
        actor=acting_user,
        action="child_picture.delete",
        obj=picture,
        jugendamt_id=jugendamt_id,
        old=old,
    )
    _remove_file_on_commit(picture.image)
    picture.delete()
