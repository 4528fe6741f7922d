"""The retention rule of the children's perspective (docs/datenschutz.md, issue 17).

Five years after it was sent in, a child's picture or walk note is deleted with its file:
enough for two evaluation cycles (T0–T2) and the next update of the Konzeption.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from knowledge.models import ChildPicture

PICTURE_YEARS = 5


def pictures_due(now):
    cutoff = now - timedelta(days=365 * PICTURE_YEARS + PICTURE_YEARS // 4)
    return ChildPicture.objects.filter(uploaded_at__lt=cutoff)


def delete_expired_pictures(*, now, dry_run: bool) -> int:
    """Delete pictures and walk notes sent in more than five years ago (and their files)."""
    due = pictures_due(now)
    if dry_run:
        return due.count()
    count = 0
    for picture in due.only("pk", "image"):
        name, storage = picture.image.name, picture.image.storage
        picture.delete()
        if name:
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        count += 1
    return count
