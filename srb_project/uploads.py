"""Attachments people upload (issue 15): PDF only, size-limited, served only through views.

Bottom layer beside ``srb_project.numbers``: imports no app. Meeting documents (``teams``)
and the attachments of FS4 requests (``foerderung``) both go through ``check_pdf`` in their
forms and through ``attachment_response`` in their views, after the view has asked the
policy whether the user may see the object the file belongs to. Files are never reachable
by a public URL: no ``MEDIA_URL`` is routed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from srb_project.spreadsheet import safe_filename

PDF_MAGIC = b"%PDF-"


def max_bytes() -> int:
    return int(settings.SRB_ATTACHMENT_MAX_BYTES)


def check_pdf(uploaded) -> None:
    """Refuse anything but a PDF within the size limit, with a German message.

    Looks at the content (the file must begin with ``%PDF-``), not only at the name or the
    content type the browser claims."""
    if uploaded is None:
        return
    if uploaded.size > max_bytes():
        raise ValidationError(
            _("Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(max_bytes())},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    uploaded.seek(0)
    head = uploaded.read(len(PDF_MAGIC))
    uploaded.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("Bitte eine PDF-Datei hochladen (diese Datei ist kein PDF)."), code="not_pdf"
        )


def attachment_response(field_file, name: str) -> FileResponse:
    """The stored file as a download (never shown inline, never sniffed as HTML)."""
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=safe_filename(name or "dokument.pdf"),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
