"""What the Jugendamt knows about its Sozialräume besides the questionnaire (issue 17).

- The document box (concept: the "Prozessbox"): Sozialraum analyses, the discussion paper,
  which Kita belongs to which Sozialraum, graphics for the public, the Konzeption itself;
  each ``Document`` keeps every uploaded file as a ``DocumentVersion`` and says who may see
  it (``Visibility``, widening circles: staff < team < committee < public).
- The Konzeption is a document of kind ``konzeption``; its versions carry the committee's
  resolution date (``resolved_on``). Each index run stores the label of the version in
  force (``indices.konzeption``, filled by this app's provider).
- The children's perspective (concept 2.2): pictures children drew of places important to
  them and notes from walks through the Sozialraum (``ChildPicture``), sent in by the Kitas,
  never with children's names; images re-encoded without metadata (``knowledge.images``).

Files live below MEDIA_ROOT under ``knowledge/`` with random names and are served only by
the permission-checked views of this app.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _random_name(prefix: str, filename: str) -> str:
    """A stored name that says nothing about the content (no title, no Kita)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"knowledge/{prefix}/{timezone.now():%Y}/{uuid.uuid4().hex}.{ext}"


def document_upload_to(instance, filename: str) -> str:
    return _random_name("documents", filename)


def picture_upload_to(instance, filename: str) -> str:
    return _random_name("pictures", filename)


class DocumentKind(models.TextChoices):
    SOZIALRAUMANALYSE = "sozialraumanalyse", _("Sozialraumanalyse")
    DISKUSSIONSPAPIER = "diskussionspapier", _("Diskussionspapier")
    ZUORDNUNG = "zuordnung", _("Zuordnung Kita–Sozialraum")
    GRAFIK = "grafik", _("Grafik für die Öffentlichkeit")
    KONZEPTION = "konzeption", _("Konzeption")
    SONSTIGES = "sonstiges", _("Sonstiges")


class Visibility(models.TextChoices):
    """Widening circles: each includes the ones before it."""

    STAFF = "staff", _("nur Jugendamt")
    TEAM = "team", _("Jugendamt und Sozialraum-Team")
    COMMITTEE = "committee", _("zusätzlich Jugendhilfeausschuss")
    PUBLIC = "public", _("öffentlich")


class Document(models.Model):
    jugendamt = models.ForeignKey(
        "sozialraeume.Jugendamt",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("Jugendamt"),
    )
    sozialraum = models.ForeignKey(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("Sozialraum"),
        help_text=_("Leer: das Dokument betrifft den ganzen Jugendamtsbezirk."),
    )
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=DocumentKind.choices)
    date = models.DateField(_("Datum"))
    visibility = models.CharField(
        _("Sichtbarkeit"), max_length=10, choices=Visibility.choices, default=Visibility.STAFF
    )
    current_version = models.ForeignKey(
        "DocumentVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aktuelle Version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["-date", "title", "pk"]

    def __str__(self):
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("Dokument")
    )
    number = models.PositiveIntegerField(_("Version"))
    file = models.FileField(_("Datei"), upload_to=document_upload_to)
    original_name = models.CharField(_("Dateiname"), max_length=255)
    content_type = models.CharField(_("Dateityp"), max_length=40)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(_("Prüfsumme (SHA-256)"), max_length=64)
    note = models.TextField(_("Vermerk"), blank=True)
    # Only for the Konzeption: the day the Jugendhilfeausschuss resolved this version.
    resolved_on = models.DateField(_("beschlossen am"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Dokumentversion")
        verbose_name_plural = _("Dokumentversionen")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_once")
        ]

    def __str__(self):
        return f"{self.document.title} · {self.number}"

    @property
    def jugendamt_id(self):
        return self.document.jugendamt_id

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Theme(models.TextChoices):
    """The fixed list of themes a picture or walk note may carry."""

    BEWEGUNG = "bewegung", _("Bewegung")
    FAMILIE = "familie", _("Familie")
    NATUR = "natur", _("Natur")
    SPIELEN = "spielen", _("Spielen")
    TIERE = "tiere", _("Tiere")
    WASSER = "wasser", _("Wasser")
    VERKEHR = "verkehr", _("Verkehr")
    SONSTIGES = "sonstiges", _("Sonstiges")


class PictureKind(models.TextChoices):
    PICTURE = "bild", _("Kinderbild")
    WALK_NOTE = "spaziergang", _("Notiz vom Sozialraumspaziergang")


class ChildPicture(models.Model):
    """A picture a child drew of a place important to them, or a note from a walk
    through the Sozialraum (a walk note may be text only). Never a child's name."""

    kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        related_name="child_pictures",
        verbose_name=_("Kita"),
    )
    # The Kita's Sozialraum when it was sent in (the team of that Sozialraum sees it).
    sozialraum = models.ForeignKey(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        related_name="child_pictures",
        verbose_name=_("Sozialraum"),
    )
    kind = models.CharField(
        _("Art"), max_length=12, choices=PictureKind.choices, default=PictureKind.PICTURE
    )
    image = models.FileField(_("Bild"), upload_to=picture_upload_to, blank=True)
    content_type = models.CharField(_("Dateityp"), max_length=20, blank=True)
    size = models.PositiveIntegerField(_("Größe (Bytes)"), default=0)
    width = models.PositiveIntegerField(_("Breite (Pixel)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("Höhe (Pixel)"), null=True, blank=True)
    place = models.CharField(_("Ort"), max_length=200)
    motif = models.TextField(_("Motivbeschreibung"))
    themes = models.JSONField(_("Themen"), default=list, blank=True)
    made_on = models.DateField(_("Datum"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("eingereicht von"),
    )
    # A default, not auto_now_add: the retention rule counts from this moment.
    uploaded_at = models.DateTimeField(_("eingereicht am"), default=timezone.now)

    class Meta:
        verbose_name = _("Kinderperspektive")
        verbose_name_plural = _("Kinderperspektive")
        ordering = ["-made_on", "-pk"]
        indexes = [models.Index(fields=["uploaded_at"], name="childpicture_uploaded_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.place}"

    @property
    def jugendamt_id(self):
        return self.sozialraum.jugendamt_id

    @property
    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels[code]) for code in self.themes if code in labels]
