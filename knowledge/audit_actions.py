"""The audit vocabulary of the document box and the children's perspective (issue 17).

Registered on import (``KnowledgeConfig.ready``). The motif description and the place of a
child's picture are not written to the trail: the trail is kept ten years, the picture five
(docs/datenschutz.md), and it must not outlive its rule there.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.events import Field as F
from audit.events import Kind as K
from audit.events import register
from knowledge.models import DocumentKind, PictureKind, Visibility

_DOCUMENT = (
    F("title", _("Titel")),
    F("kind", _("Art"), K.STATE, tuple(DocumentKind.choices)),
    F("date", _("Datum"), K.DATE),
    F("visibility", _("Sichtbarkeit"), K.STATE, tuple(Visibility.choices)),
    F("sozialraum_id", _("Sozialraum"), K.REF),
    F("sozialraum", _("Sozialraum")),
)
DOCUMENT_CREATE = register("document.create", _("Dokument angelegt"), _DOCUMENT)
DOCUMENT_UPDATE = register("document.update", _("Dokument geändert"), _DOCUMENT)
DOCUMENT_VERSION_ADD = register(
    "document_version.add",
    _("Neue Version eines Dokuments hochgeladen"),
    (
        F("document_id", _("Dokument"), K.REF),
        F("number", _("Version"), K.NUMBER),
        F("name", _("Dateiname")),
        F("content_type", _("Dateityp")),
        F("size", _("Größe (Bytes)"), K.NUMBER),
        F("sha256", _("Prüfsumme (SHA-256)")),
        F("resolved_on", _("beschlossen am"), K.DATE),
        F("note", _("Vermerk")),
    ),
)
_PICTURE = (
    F("kita_id", _("Kita"), K.REF),
    F("kita", _("Kita")),
    F("kind", _("Art"), K.STATE, tuple(PictureKind.choices)),
    F("themes", _("Themen"), K.LIST),
    F("made_on", _("Datum"), K.DATE),
    F("has_image", _("mit Bild"), K.BOOL),
)
CHILD_PICTURE_ADD = register("child_picture.add", _("Kinderperspektive eingereicht"), _PICTURE)
CHILD_PICTURE_DELETE = register("child_picture.delete", _("Kinderperspektive gelöscht"), _PICTURE)
