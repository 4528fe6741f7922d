"""Reads of the document box and the children's perspective (issue 17).

``public_documents`` is what the public results page (``reports``, E4) lists; it is empty
while the Jugendamt has not switched its public page on. ``konzeption_label`` is the
provider behind ``indices.konzeption.current_label``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from knowledge.models import (
    ChildPicture,
    Document,
    DocumentKind,
    DocumentVersion,
    Theme,
    Visibility,
)
from knowledge.permissions import child_picture_policy, document_policy
from sozialraeume.models import Jugendamt


def visible_documents(user, *, sozialraum_id: int | None = None, kind: str | None = None):
    """The documents ``user`` may open (with their current version), newest first."""
    qs = document_policy.instances_for(user, "view").filter(current_version__isnull=False)
    if sozialraum_id is not None:
        qs = qs.filter(sozialraum_id=sozialraum_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-date", "title", "pk")


@dataclass(frozen=True)
class PublicDocument:
    title: str
    kind_label: str
    date: object
    url: str
    content_type: str
    size: int


def public_documents(jugendamt: Jugendamt) -> list[PublicDocument]:
    """The Jugendamt's public documents for the public page; [] while it is switched off.

    Titles, kinds and dates only, and the public download link; no person, no Kita."""
    if not jugendamt.public_page_enabled:
        return []
    qs = (
        Document.objects.filter(
            jugendamt=jugendamt, visibility=Visibility.PUBLIC, current_version__isnull=False
        )
        .select_related("current_version")
        .order_by("-date", "title", "pk")
    )
    return [
        PublicDocument(
            title=d.title,
            kind_label=str(d.get_kind_display()),
            date=d.date,
            url=reverse(
                "knowledge:public_download", kwargs={"slug": jugendamt.slug, "doc_id": d.pk}
            ),
            content_type=d.current_version.content_type,
            size=d.current_version.size,
        )
        for d in qs
    ]


def konzeption_version_in_force(jugendamt_id: int) -> DocumentVersion | None:
    """The Konzeption version most recently resolved by the committee (up to today)."""
    return (
        DocumentVersion.objects.filter(
            document__jugendamt_id=jugendamt_id,
            document__kind=DocumentKind.KONZEPTION,
            resolved_on__isnull=False,
            resolved_on__lte=timezone.localdate(),
        )
        .select_related("document")
        .order_by("-resolved_on", "-number", "-pk")
        .first()
    )


def konzeption_label_of(version: DocumentVersion) -> str:
    """A stored label (German, like every stored value): title, version, resolution."""
    return (
        f"{version.document.title}, Version {version.number} "
        f"(beschlossen am {version.resolved_on:%d.%m.%Y})"
    )


def konzeption_label(jugendamt_id: int) -> str:
    version = konzeption_version_in_force(jugendamt_id)
    return konzeption_label_of(version) if version is not None else ""


# --- children's perspective -----------------------------------------------------------


def visible_pictures(user, *, sozialraum_id: int | None = None, theme: str | None = None):
    qs = child_picture_policy.instances_for(user, "view")
    if sozialraum_id is not None:
        qs = qs.filter(sozialraum_id=sozialraum_id)
    pictures = list(qs.order_by("sozialraum__position", "sozialraum__name", "-made_on", "-pk"))
    if theme:
        pictures = [p for p in pictures if theme in p.themes]
    return pictures


@dataclass
class ThemeRow:
    sozialraum: str
    counts: list[int]  # in the order of ``Theme``
    total: int  # pictures and notes (one may carry several themes)


def theme_counts(pictures: list[ChildPicture]) -> list[ThemeRow]:
    """Per Sozialraum: how many pictures and notes carry each theme."""
    by_sozialraum: dict[int, tuple[str, Counter, list]] = {}
    for picture in pictures:
        name, counter, items = by_sozialraum.setdefault(
            picture.sozialraum_id, (picture.sozialraum.name, Counter(), [])
        )
        counter.update(set(picture.themes))
        items.append(picture.pk)
    return [
        ThemeRow(
            sozialraum=name,
            counts=[counter.get(code, 0) for code in Theme.values],
            total=len(items),
        )
        for name, counter, items in by_sozialraum.values()
    ]


def theme_totals(rows: list[ThemeRow]) -> list[tuple[str, int]]:
    """(theme label, count over all rows) for the chart, in the order of ``Theme``."""
    return [
        (str(label), sum(row.counts[i] for row in rows))
        for i, (_code, label) in enumerate(Theme.choices)
    ]
