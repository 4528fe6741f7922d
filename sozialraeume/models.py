"""Master data: Jugendamt, Träger, Sozialraum, Kita and who works for which of them.

Every record hangs off a ``Jugendamt`` (the youth-welfare authority of one district)
so that one installation can serve many districts without data crossing over.
"""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Jugendamt(models.Model):
    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=50, unique=True)
    consultation_min_days = models.PositiveSmallIntegerField(
        _("Mindestdauer der Abstimmung mit den Trägern (Tage)"),
        default=14,
        help_text=_(
            "Frühestens so viele Tage nach Beginn der Abstimmung kann ein Plan als "
            "Beschlussvorlage vorgelegt werden; kürzer nur mit Begründung der Jugendamt-Leitung."
        ),
    )
    # Plausibility of a line's position share (VZÄ): typed FTE outside these bounds or off
    # the step is refused with a message (issue 12: "0,80" once became 80 VZÄ).
    fte_min = models.DecimalField(
        _("kleinster Stellenanteil je Zeile (VZÄ)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.05"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    fte_max = models.DecimalField(
        _("größter Stellenanteil je Zeile (VZÄ)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    fte_step = models.DecimalField(
        _("Schritt des Stellenanteils (VZÄ)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.05"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Stellenanteile werden in diesen Schritten eingegeben, z. B. 0,05."),
    )

    class Meta:
        verbose_name = _("Jugendamt")
        verbose_name_plural = _("Jugendämter")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.fte_min is not None and self.fte_max is not None and self.fte_min > self.fte_max:
            raise ValidationError(
                {
                    "fte_max": _(
                        "Der größte Stellenanteil muss mindestens so groß wie der kleinste sein."
                    )
                }
            )


class Traeger(models.Model):
    jugendamt = models.ForeignKey(
        Jugendamt, on_delete=models.PROTECT, related_name="traeger", verbose_name=_("Jugendamt")
    )
    name = models.CharField(_("Name"), max_length=200)

    class Meta:
        verbose_name = _("Träger")
        verbose_name_plural = _("Träger")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["jugendamt", "name"], name="traeger_unique_name")
        ]

    def __str__(self):
        return self.name


class Sozialraum(models.Model):
    jugendamt = models.ForeignKey(
        Jugendamt,
        on_delete=models.PROTECT,
        related_name="sozialraeume",
        verbose_name=_("Jugendamt"),
    )
    name = models.CharField(_("Name"), max_length=200)
    description = models.CharField(_("Beschreibung"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Sozialraum")
        verbose_name_plural = _("Sozialräume")
        ordering = ["jugendamt", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jugendamt", "name"], name="sozialraum_unique_name")
        ]

    def __str__(self):
        return self.name


class Kita(models.Model):
    sozialraum = models.ForeignKey(
        Sozialraum, on_delete=models.PROTECT, related_name="kitas", verbose_name=_("Sozialraum")
    )
    traeger = models.ForeignKey(
        Traeger, on_delete=models.PROTECT, related_name="kitas", verbose_name=_("Träger")
    )
    name = models.CharField(_("Name"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("PLZ"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    places = models.PositiveIntegerField(_("Plätze"), default=0)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Kita")
        verbose_name_plural = _("Kitas")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["sozialraum", "name"], name="kita_unique_name")
        ]

    def __str__(self):
        return self.name

    @property
    def jugendamt_id(self):
        return self.sozialraum.jugendamt_id


class User(AbstractUser):
    """A person using the platform, tied to one Jugendamt.

    Kita leaders are linked to the Kita(s) they lead, Träger representatives to
    their Träger; the role itself is a Django group (see ``roles.py``).
    """

    jugendamt = models.ForeignKey(
        Jugendamt,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("Jugendamt"),
    )
    kitas = models.ManyToManyField(
        Kita, blank=True, related_name="leitungen", verbose_name=_("geleitete Kitas")
    )
    traeger = models.ForeignKey(
        Traeger,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vertretungen",
        verbose_name=_("vertretener Träger"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("Benutzer*in")
        verbose_name_plural = _("Benutzer*innen")
