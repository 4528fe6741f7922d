"""Pages of the document box (/dokumente/) and the children's perspective
(/dokumente/kinderperspektive/), issue 17.

Views stay thin: objects come through the policy's ``instances_for`` (404 for "not yours"
as for "no such"), the form validates, one service writes, its German refusal is shown as
a message. Files are served only here, after the policy: PDFs as downloads, images (which
were re-encoded on upload) inline so the pages can show them, never sniffed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from knowledge import charts, selectors
from knowledge.forms import DocumentCreateForm, DocumentFieldsForm, PictureForm, VersionForm
from knowledge.models import Document, DocumentKind, DocumentVersion, Theme, Visibility
from knowledge.permissions import child_picture_policy, document_policy, shows_kita
from knowledge.services import (
    PDF_TYPE,
    child_picture_add,
    child_picture_delete,
    document_create,
    document_update,
    document_version_add,
)
from sozialraeume.models import Jugendamt, Kita, Sozialraum
from srb_project import policy
from srb_project.spreadsheet import safe_filename
from srb_project.uploads import attachment_response


def _refusal(request, exc) -> None:
    for msg in getattr(exc, "messages", [str(exc)]):
        messages.error(request, msg)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _sozialraeume(user):
    return Sozialraum.objects.filter(policy.jugendamt_scope(user)).order_by("position", "name")


def _file_response(field_file, *, name: str, content_type: str):
    """A PDF as a download; an image (re-encoded by us) inline, sandboxed, never sniffed."""
    if content_type == PDF_TYPE:
        return attachment_response(field_file, name)
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=False,
        filename=safe_filename(name or "bild"),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- documents ------------------------------------------------------------------------


@login_required
def document_list(request):
    """The documents the user may open; staff also see the visibility and may upload."""
    user = request.user
    kind = request.GET.get("art") or ""
    if kind not in DocumentKind.values:
        kind = ""
    context = {
        "documents": selectors.visible_documents(user, kind=kind or None),
        "kinds": DocumentKind.choices,
        "kind": kind,
        "may_manage": document_policy.user_can(user, "manage"),
    }
    return render(request, "knowledge/document_list.html", context)


@login_required
def document_create_view(request):
    user = request.user
    if not document_policy.user_can(user, "manage") or user.jugendamt_id is None:
        raise PermissionDenied
    form = DocumentCreateForm(
        request.POST or None, request.FILES or None, sozialraeume=_sozialraeume(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = document_create(
                jugendamt=user.jugendamt,
                title=data["title"],
                kind=data["kind"],
                date=data["date"],
                visibility=data["visibility"],
                sozialraum=data["sozialraum"],
                uploaded=data["file"],
                note=data["note"],
                resolved_on=data["resolved_on"],
                acting_user=user,
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Das Dokument ist gespeichert."))
            return redirect("knowledge:document_detail", pk=document.pk)
    return render(request, "knowledge/document_form.html", {"form": form})


@login_required
def document_detail(request, pk):
    user = request.user
    document = get_object_or_404(document_policy.instances_for(user, "view"), pk=pk)
    may_manage = document_policy.user_can(user, "manage", document)
    context = {
        "document": document,
        "versions": document.versions.select_related("uploaded_by").order_by("-number"),
        "may_manage": may_manage,
        "is_konzeption": document.kind == DocumentKind.KONZEPTION,
        "is_public": document.visibility == Visibility.PUBLIC,
        "edit_form": DocumentFieldsForm(
            sozialraeume=_sozialraeume(user),
            initial={
                "title": document.title,
                "kind": document.kind,
                "date": document.date,
                "sozialraum": document.sozialraum_id,
                "visibility": document.visibility,
            },
        )
        if may_manage
        else None,
        "version_form": VersionForm() if may_manage else None,
    }
    return render(request, "knowledge/document_detail.html", context)


@login_required
@require_POST
def document_edit(request, pk):
    user = request.user
    document = get_object_or_404(document_policy.instances_for(user, "manage"), pk=pk)
    form = DocumentFieldsForm(request.POST, sozialraeume=_sozialraeume(user))
    if form.is_valid():
        try:
            document_update(document=document, acting_user=user, **form.cleaned_data)
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Das Dokument ist geändert."))
    else:
        _form_errors(request, form)
    return redirect("knowledge:document_detail", pk=document.pk)


@login_required
@require_POST
def version_add(request, pk):
    user = request.user
    document = get_object_or_404(document_policy.instances_for(user, "manage"), pk=pk)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = document_version_add(
                document=document,
                uploaded=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                resolved_on=form.cleaned_data["resolved_on"],
                acting_user=user,
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(
                request, _("Version %(number)s ist hochgeladen.") % {"number": version.number}
            )
    else:
        _form_errors(request, form)
    return redirect("knowledge:document_detail", pk=document.pk)


@login_required
def version_download(request, pk):
    documents = document_policy.instances_for(request.user, "view")
    version = get_object_or_404(
        DocumentVersion.objects.filter(document__in=documents).select_related("document"), pk=pk
    )
    return _file_response(
        version.file, name=version.original_name, content_type=version.content_type
    )


def public_download(request, slug, doc_id):
    """No login: a public document's current version, only while the Jugendamt's public
    page is switched on (otherwise 404, as for a document that does not exist)."""
    jugendamt = get_object_or_404(Jugendamt, slug=slug, public_page_enabled=True)
    document = get_object_or_404(
        Document.objects.select_related("current_version"),
        pk=doc_id,
        jugendamt=jugendamt,
        visibility=Visibility.PUBLIC,
    )
    version = document.current_version
    if version is None:
        raise Http404
    return _file_response(
        version.file, name=version.original_name, content_type=version.content_type
    )


# --- children's perspective -----------------------------------------------------------


@login_required
def picture_list(request):
    user = request.user
    if not child_picture_policy.user_can(user, "view"):
        raise PermissionDenied
    theme = request.GET.get("thema") or ""
    if theme not in Theme.values:
        theme = ""
    pictures = selectors.visible_pictures(user)
    rows = selectors.theme_counts(pictures)
    totals = selectors.theme_totals(rows)
    shown = [p for p in pictures if theme in p.themes] if theme else pictures
    items = [
        {
            "picture": p,
            "kita": p.kita.name if shows_kita(user, p) else "",
            "may_delete": child_picture_policy.user_can(user, "delete", p),
        }
        for p in shown
    ]
    chart = charts.theme_bars(
        totals,
        title=_("Themen der Kinderperspektive"),
        description=_("Anzahl der Bilder und Notizen je Thema; die Tabelle nennt die Zahlen."),
        chart_id="theme-chart",
    )
    context = {
        "items": items,
        "rows": rows,
        "theme_labels": [label for _code, label in Theme.choices],
        "themes": Theme.choices,
        "theme": theme,
        "chart": chart,
        "has_any": bool(pictures),
        "may_upload": child_picture_policy.user_can(user, "upload"),
    }
    return render(request, "knowledge/picture_list.html", context)


@login_required
def picture_create(request):
    user = request.user
    if not child_picture_policy.user_can(user, "upload"):
        raise PermissionDenied
    kitas = Kita.objects.filter(pk__in=policy.led_kita_ids(user)).order_by("name")
    form = PictureForm(request.POST or None, request.FILES or None, kitas=kitas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            child_picture_add(
                kita=data["kita"],
                kind=data["kind"],
                place=data["place"],
                motif=data["motif"],
                themes=data["themes"],
                made_on=data["made_on"],
                uploaded=data["image"],
                acting_user=user,
            )
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(request, _("Danke! Der Beitrag ist gespeichert."))
            return redirect("knowledge:picture_list")
    return render(request, "knowledge/picture_form.html", {"form": form})


@login_required
def picture_image(request, pk):
    picture = get_object_or_404(child_picture_policy.instances_for(request.user, "view"), pk=pk)
    if not picture.image:
        raise Http404
    return _file_response(
        picture.image,
        name=f"kinderperspektive-{picture.pk}.{picture.image.name.rsplit('.', 1)[-1]}",
        content_type=picture.content_type,
    )


@login_required
@require_POST
def picture_delete(request, pk):
    picture = get_object_or_404(child_picture_policy.instances_for(request.user, "delete"), pk=pk)
    child_picture_delete(picture=picture, acting_user=request.user)
    messages.success(request, _("Der Beitrag ist gelöscht."))
    return redirect("knowledge:picture_list")
