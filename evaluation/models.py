"""The evaluation survey (issue 17; concept chapter 4): instruments as versioned data for
the core team (Kernteam) and the funded staff, waves T0/T1/T2, personal invitations and
anonymous answers.

Anonymity is a property of the tables, not of the pages:

- ``Invitation`` knows WHO was asked and WHETHER they answered (``answered``), never what.
- ``Submission`` and ``Answer`` hold WHAT was answered. They have no foreign key, column
  or token that leads to an invitation; their keys are random UUIDs (so their order says
  nothing about the order of answering) and the only time is the day (``submitted_on``).
  The service that writes them records an audit event about the wave, not about the
  invitation, so the trail cannot join them either.

An instrument is edited until its first wave opens; then it is frozen (``frozen_at``) and
changes need a new version (a copy with ``version + 1``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RespondentType(models.TextChoices):
    CORE_TEAM = "core_team", _("Kernteam")
    FUNDED_STAFF = "funded_staff", _("geförderte Fachkräfte")


class ItemKind(models.TextChoices):
    LIKERT4 = "likert4", _("Zustimmung 1–4")
    LIKERT5 = "likert5", _("Zustimmung 1–5")
    SINGLE = "single", _("Einfachauswahl")
    MULTI = "multi", _("Mehrfachauswahl")
    NUMBER = "number", _("Zahl")
    TEXT = "text", _("Freitext")


LIKERT_KINDS = (ItemKind.LIKERT4, ItemKind.LIKERT5)
CHOICE_KINDS = (ItemKind.SINGLE, ItemKind.MULTI)
# Kinds with a mean (Likert points, numbers).
MEAN_KINDS = (ItemKind.LIKERT4, ItemKind.LIKERT5, ItemKind.NUMBER)

LIKERT_LABELS = {
    ItemKind.LIKERT4: (
        _("trifft nicht zu"),
        _("trifft eher nicht zu"),
        _("trifft eher zu"),
        _("trifft voll zu"),
    ),
    ItemKind.LIKERT5: (
        _("trifft nicht zu"),
        _("trifft eher nicht zu"),
        _("teils, teils"),
        _("trifft eher zu"),
        _("trifft voll zu"),
    ),
}


class EvaluationInstrument(models.Model):
    jugendamt = models.ForeignKey(
        "sozialraeume.Jugendamt",
        on_delete=models.PROTECT,
        related_name="evaluation_instruments",
        verbose_name=_("Jugendamt"),
    )
    code = models.CharField(_("Kürzel"), max_length=30)
    title = models.CharField(_("Titel"), max_length=200)
    version = models.PositiveIntegerField(_("Version"), default=1)
    respondent_type = models.CharField(_("Befragte"), max_length=20, choices=RespondentType.choices)
    frozen_at = models.DateTimeField(_("eingefroren am"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Vorversion"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Evaluationsinstrument")
        verbose_name_plural = _("Evaluationsinstrumente")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["jugendamt", "code", "version"], name="evaluation_instrument_version"
            )
        ]

    def __str__(self):
        return str(
            _("%(title)s (Version %(version)s)") % {"title": self.title, "version": self.version}
        )

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Block(models.Model):
    instrument = models.ForeignKey(
        EvaluationInstrument,
        on_delete=models.CASCADE,
        related_name="blocks",
        verbose_name=_("Instrument"),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    code = models.CharField(_("Kürzel"), max_length=10)
    title = models.CharField(_("Titel"), max_length=200)

    class Meta:
        verbose_name = _("Block")
        verbose_name_plural = _("Blöcke")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="evaluation_block_code")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def jugendamt_id(self):
        return self.instrument.jugendamt_id


class Item(models.Model):
    block = models.ForeignKey(
        Block, on_delete=models.CASCADE, related_name="items", verbose_name=_("Block")
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    code = models.CharField(_("Kürzel"), max_length=10)
    text = models.TextField(_("Frage"))
    kind = models.CharField(_("Art"), max_length=10, choices=ItemKind.choices)
    # single/multi: the answer options (German texts), in order; answers store indexes
    options = models.JSONField(_("Antwortmöglichkeiten"), default=list, blank=True)
    required = models.BooleanField(_("Pflichtfrage"), default=True)

    class Meta:
        verbose_name = _("Frage")
        verbose_name_plural = _("Fragen")
        ordering = ["block__position", "position", "pk"]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"

    @property
    def jugendamt_id(self):
        return self.block.instrument.jugendamt_id

    @property
    def scale(self) -> tuple:
        """The option labels of a Likert or choice item, in order (value = index + 1 for
        Likert points, index for choices)."""
        if self.kind in LIKERT_KINDS:
            return tuple(str(label) for label in LIKERT_LABELS[self.kind])
        return tuple(self.options or ())


class WaveCode(models.TextChoices):
    T0 = "T0", _("T0 (Ausgangslage)")
    T1 = "T1", _("T1")
    T2 = "T2", _("T2")


class WaveState(models.TextChoices):
    PLANNED = "planned", _("geplant")
    OPEN = "open", _("offen")
    CLOSED = "closed", _("geschlossen")


class Wave(models.Model):
    instrument = models.ForeignKey(
        EvaluationInstrument,
        on_delete=models.PROTECT,
        related_name="waves",
        verbose_name=_("Instrument"),
    )
    code = models.CharField(_("Welle"), max_length=2, choices=WaveCode.choices)
    label = models.CharField(_("Bezeichnung"), max_length=120, blank=True)
    opens_on = models.DateField(_("Beginn"))
    closes_on = models.DateField(_("Ende"))
    state = models.CharField(
        _("Status"), max_length=10, choices=WaveState.choices, default=WaveState.PLANNED
    )

    class Meta:
        verbose_name = _("Befragungswelle")
        verbose_name_plural = _("Befragungswellen")
        ordering = ["instrument", "code"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="evaluation_wave_code")
        ]

    def __str__(self):
        return f"{self.code} {self.label}".strip()

    @property
    def jugendamt_id(self):
        return self.instrument.jugendamt_id

    def accepts_answers(self, today=None) -> bool:
        """Open and not past its last day: the personal links work."""
        today = today or timezone.localdate()
        return self.state == WaveState.OPEN and today <= self.closes_on


class Invitation(models.Model):
    """WHO was asked and WHETHER they answered; never what (see the module's docstring)."""

    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("Welle")
    )
    email = models.EmailField(_("E-Mail"))
    name = models.CharField(_("Name"), max_length=200, blank=True)
    # SHA-256 (hex) of the personal link's token; the token itself is only in the mail
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("eingeladen am"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True)
    answered = models.BooleanField(_("hat geantwortet"), default=False)

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "email"], name="evaluation_invitation_once")
        ]

    def __str__(self):
        return self.email

    @property
    def jugendamt_id(self):
        return self.wave.instrument.jugendamt_id


class Submission(models.Model):
    """WHAT one respondent answered in a wave: no link to an invitation, a random key,
    the day only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("Welle")
    )
    submitted_on = models.DateField(_("eingegangen am"))

    class Meta:
        verbose_name = _("Antwortbogen")
        verbose_name_plural = _("Antwortbögen")
        ordering = ["id"]

    def __str__(self):
        return str(_("Antwortbogen"))


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="answers", verbose_name=_("Bogen")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="answers", verbose_name=_("Frage")
    )
    # Likert points and numbers (the mean is taken in the database)
    number = models.DecimalField(_("Wert"), max_digits=12, decimal_places=2, null=True, blank=True)
    # single/multi: indexes into the item's options
    choices = models.JSONField(_("Auswahl"), null=True, blank=True)
    text = models.TextField(_("Freitext"), blank=True)

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = _("Antworten")
        ordering = ["id"]

    def __str__(self):
        return str(_("Antwort"))
