"""From plan to reality (issue 16; § 25 Abs. 5 KiTaG, concept 1.1.2): the positions an
approved plan's lines became, whether they were filled month by month, what they really
cost, and the Jugendamt-Leitung's sign-off of the proof of use for the Land.

People stay pseudonymous: a position has a number and a qualification, no name. A position
works in its home Kita; one that works across Kitas (e.g. an FS2 centre's staff) documents
its share per Kita (``PositionShare``, the shares add up to 100 %).

The app sits above ``allocation`` (positions come from approved lines; the next year's plan
is made from the positions that continue) and below ``teams`` and ``reports``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from allocation.models import Strand


class Qualification(models.Model):
    """A qualification of the Jugendamt's catalogue (Fachkräfteverordnung RLP)."""

    jugendamt = models.ForeignKey(
        "sozialraeume.Jugendamt",
        on_delete=models.PROTECT,
        related_name="qualifications",
        verbose_name=_("Jugendamt"),
    )
    code = models.CharField(_("Kürzel"), max_length=20)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    legal_basis = models.CharField(
        _("Grundlage (Fachkräfteverordnung)"), max_length=200, blank=True
    )
    active = models.BooleanField(_("aktiv"), default=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Qualifikation")
        verbose_name_plural = _("Qualifikationen")
        ordering = ["jugendamt", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jugendamt", "code"], name="qualification_unique_code")
        ]

    def __str__(self):
        return self.name


class Position(models.Model):
    """A position (Stelle) of a budget year: Kita where it works, strand, FTE, period,
    the employing Träger, the qualification and who checked its proof."""

    budget_year = models.ForeignKey(
        "allocation.BudgetYear",
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("Haushaltsjahr"),
    )
    line = models.ForeignKey(
        "allocation.AllocationLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("Verteilungszeile"),
    )
    continues = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("Fortsetzung der Stelle"),
    )
    number = models.CharField(_("Stellennummer"), max_length=30)
    kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("Kita (Einsatzort)"),
    )
    strand = models.CharField(_("Förderstrang"), max_length=3, choices=Strand.choices)
    fte = models.DecimalField(_("Stellenanteil (VZÄ)"), max_digits=5, decimal_places=2)
    starts_on = models.DateField(_("Beginn"))
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    employer = models.ForeignKey(
        "sozialraeume.Traeger",
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("Anstellungsträger"),
    )
    qualification = models.ForeignKey(
        Qualification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("Qualifikation"),
    )
    qualification_checked_on = models.DateField(_("Nachweis geprüft am"), null=True, blank=True)
    qualification_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Nachweis geprüft von"),
    )
    # The planned personnel cost of the position for the year (from its line, pro rata
    # of its FTE); actual costs are ``ActualCost`` rows.
    planned_cost = models.DecimalField(
        _("geplante Personalkosten (€)"), max_digits=12, decimal_places=2
    )
    version = models.PositiveIntegerField(_("Version"), default=1)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )

    class Meta:
        verbose_name = _("Stelle")
        verbose_name_plural = _("Stellen")
        ordering = ["budget_year", "kita__sozialraum__position", "kita__name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget_year", "number"], name="position_unique_number_per_year"
            ),
            models.CheckConstraint(condition=Q(fte__gt=0), name="position_fte_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="position_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.number} · {self.kita} · {self.strand}"

    @property
    def jugendamt_id(self):
        return self.budget_year.jugendamt_id


class PositionShare(models.Model):
    """The share of a cross-Kita position's work in one Kita (in percent)."""

    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="shares", verbose_name=_("Stelle")
    )
    kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        related_name="position_shares",
        verbose_name=_("Kita"),
    )
    percent = models.DecimalField(_("Anteil (%)"), max_digits=5, decimal_places=2)
    note = models.CharField(_("Tätigkeit dort"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Anteil je Kita")
        verbose_name_plural = _("Anteile je Kita")
        ordering = ["position", "-percent", "kita__name"]
        constraints = [
            models.UniqueConstraint(fields=["position", "kita"], name="position_share_once"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="position_share_range"
            ),
        ]

    def __str__(self):
        return f"{self.position} · {self.kita} · {self.percent} %"


class PositionMonth(models.Model):
    """Whether the position was filled in a month (``month`` = the month's first day)."""

    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="months", verbose_name=_("Stelle")
    )
    month = models.DateField(_("Monat"))
    filled = models.BooleanField(_("besetzt"), default=True)

    class Meta:
        verbose_name = _("Besetzung im Monat")
        verbose_name_plural = _("Besetzung je Monat")
        ordering = ["position", "month"]
        constraints = [
            models.UniqueConstraint(fields=["position", "month"], name="position_month_once")
        ]

    def __str__(self):
        return f"{self.position} · {self.month:%m/%Y}"


class CostState(models.TextChoices):
    REPORTED = "reported", _("gemeldet")
    CONFIRMED = "confirmed", _("bestätigt")
    SUPERSEDED = "superseded", _("ersetzt")


class ActualCost(models.Model):
    """Actual personnel cost of a position for a month or a quarter, reported by the Träger
    (or Jugendamt staff for it) and confirmed by the Jugendamt. A correction after the
    confirmation is a new row that ``supersedes`` the confirmed one and needs a second
    person's confirmation (four eyes); the old row stays as "ersetzt"."""

    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="costs", verbose_name=_("Stelle")
    )
    period_start = models.DateField(_("Zeitraum von"))
    period_end = models.DateField(_("Zeitraum bis"))
    amount = models.DecimalField(_("Ist-Personalkosten (€)"), max_digits=12, decimal_places=2)
    state = models.CharField(
        _("Status"), max_length=10, choices=CostState.choices, default=CostState.REPORTED
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gemeldet von"),
    )
    reported_at = models.DateTimeField(_("gemeldet am"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bestätigt von"),
    )
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("korrigiert"),
    )
    correction_reason = models.TextField(_("Grund der Korrektur"), blank=True)

    class Meta:
        verbose_name = _("Ist-Kosten")
        verbose_name_plural = _("Ist-Kosten")
        ordering = ["position", "period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="actual_cost_period_ordered",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="actual_cost_nonneg"),
            # one current row per position and period: confirmed, or reported and not a
            # correction (a correction waits beside the confirmed row it would replace;
            # issue 16 part P2, migration 0002_p2_cost_corrections)
            models.UniqueConstraint(
                fields=["position", "period_start"],
                condition=Q(state="confirmed") | Q(state="reported", supersedes__isnull=True),
                name="actual_cost_one_current_per_period",
            ),
            # a confirmed row has at most one correction
            models.UniqueConstraint(
                fields=["supersedes"],
                condition=Q(supersedes__isnull=False),
                name="actual_cost_one_correction",
            ),
        ]

    def __str__(self):
        return f"{self.position} · {self.period_start:%m/%Y}–{self.period_end:%m/%Y}"

    @property
    def jugendamt_id(self):
        return self.position.jugendamt_id


class ProofSignOff(models.Model):
    """The Jugendamt-Leitung's sign-off of a budget year's proof of use for the Land: the
    figures as signed (a snapshot) and their SHA-256, so a later change is visible."""

    budget_year = models.ForeignKey(
        "allocation.BudgetYear",
        on_delete=models.PROTECT,
        related_name="proof_signoffs",
        verbose_name=_("Haushaltsjahr"),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bestätigt von"),
    )
    signed_at = models.DateTimeField(_("bestätigt am"), auto_now_add=True)
    figures = models.JSONField(_("bestätigte Zahlen"))
    content_hash = models.CharField(_("Prüfsumme (SHA-256)"), max_length=64)

    class Meta:
        verbose_name = _("Bestätigung des Verwendungsnachweises")
        verbose_name_plural = _("Bestätigungen des Verwendungsnachweises")
        ordering = ["budget_year", "-signed_at", "-pk"]

    def __str__(self):
        return f"{self.budget_year} · {self.signed_at:%d.%m.%Y}" if self.signed_at else ""

    @property
    def jugendamt_id(self):
        return self.budget_year.jugendamt_id
