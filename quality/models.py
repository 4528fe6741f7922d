"""Official statistics beside the self-reports, and the plausibility findings between rounds
(issue 18).

``OfficialIndicator`` is one indicator of one year (e.g. "SGB-II-Quote unter 7 Jahren",
2025) with its unit and source; ``OfficialValue`` its value per Sozialraum (``kita``
empty) or per Kita catchment (``kita`` set, a Kita of that Sozialraum). Values are
``Decimal`` as typed in the file (German decimals, up to four places).

``PlausibilityCheck`` records each comparison of a round with its previous one (the
threshold ``k`` in standard deviations, who ran it, how many findings); the latest check's
``k`` is the one the round's close uses. ``PlausibilityFinding`` is one Kita's variable
whose change since the previous round lies more than ``k`` SD from the mean change of all
Kitas, with the staff's decision.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_K = Decimal("2")


class OfficialIndicator(models.Model):
    jugendamt = models.ForeignKey(
        "sozialraeume.Jugendamt",
        on_delete=models.PROTECT,
        related_name="official_indicators",
        verbose_name=_("Jugendamt"),
    )
    code = models.SlugField(_("Kennung"), max_length=80)
    name = models.CharField(_("Indikator"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=50)
    source = models.CharField(_("Quelle"), max_length=300)
    year = models.PositiveSmallIntegerField(_("Jahr"))
    imported_at = models.DateTimeField(_("eingelesen am"), auto_now=True)

    class Meta:
        verbose_name = _("Amtlicher Indikator")
        verbose_name_plural = _("Amtliche Indikatoren")
        ordering = ["jugendamt", "name", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["jugendamt", "code", "year"], name="officialindicator_unique_code_year"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"


class OfficialValue(models.Model):
    indicator = models.ForeignKey(
        OfficialIndicator,
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("Indikator"),
    )
    sozialraum = models.ForeignKey(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Sozialraum"),
    )
    kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kita (Einzugsgebiet)"),
    )
    value = models.DecimalField(_("Wert"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("Amtlicher Wert")
        verbose_name_plural = _("Amtliche Werte")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "sozialraum"],
                condition=models.Q(kita__isnull=True),
                name="officialvalue_unique_sozialraum",
            ),
            models.UniqueConstraint(
                fields=["indicator", "kita"],
                condition=models.Q(kita__isnull=False),
                name="officialvalue_unique_kita",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} · {self.sozialraum_id}: {self.value}"


class PlausibilityCheck(models.Model):
    round = models.ForeignKey(
        "surveys.SurveyRound",
        on_delete=models.PROTECT,
        related_name="plausibility_checks",
        verbose_name=_("Runde"),
    )
    previous_round = models.ForeignKey(
        "surveys.SurveyRound",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("Vorrunde"),
    )
    k = models.DecimalField(_("Schwelle (Standardabweichungen)"), max_digits=4, decimal_places=2)
    findings = models.PositiveIntegerField(_("Auffälligkeiten"), default=0)
    run_at = models.DateTimeField(_("geprüft am"), auto_now_add=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("geprüft von"),
    )

    class Meta:
        verbose_name = _("Plausibilitätsprüfung")
        verbose_name_plural = _("Plausibilitätsprüfungen")
        ordering = ["round", "-run_at", "-pk"]

    def __str__(self):
        return f"{self.round} · k={self.k}"


class PlausibilityFinding(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("offen")
        CONFIRMED = "confirmed", _("bestätigt")
        CORRECTION_REQUESTED = "correction_requested", _("Korrektur erbeten")

    round = models.ForeignKey(
        "surveys.SurveyRound",
        on_delete=models.PROTECT,
        related_name="plausibility_findings",
        verbose_name=_("Runde"),
    )
    kita = models.ForeignKey(
        "sozialraeume.Kita", on_delete=models.PROTECT, related_name="+", verbose_name=_("Kita")
    )
    variable = models.CharField(_("Variable"), max_length=10)
    previous = models.FloatField(_("Vorrunde"))
    current = models.FloatField(_("aktuell"))
    z = models.FloatField(_("Abstand in Standardabweichungen"))
    k = models.DecimalField(_("Schwelle (Standardabweichungen)"), max_digits=4, decimal_places=2)
    state = models.CharField(_("Status"), max_length=25, choices=State.choices, default=State.OPEN)
    note = models.TextField(_("Vermerk"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entschieden von"),
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    found_at = models.DateTimeField(_("gefunden am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Plausibilitätsbefund")
        verbose_name_plural = _("Plausibilitätsbefunde")
        ordering = ["round", "kita__name", "variable"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kita", "variable"], name="plausibilityfinding_unique"
            )
        ]

    def __str__(self):
        return f"{self.round} · {self.kita} · {self.variable}"
