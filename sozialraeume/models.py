"""Master data: Jugendamt, Träger, Sozialraum, Kita and who works for which of them.

Every record hangs off a ``Jugendamt`` (the youth-welfare authority of one district)
so that one installation can serve many districts without data crossing over.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The main goals of the concept paper (Konzeption 2021, chapter 3.2), the committee
# report's section "Ziele" until a Jugendamt writes its own. Stored content of the
# Jugendamt (edited on /berichte/ziele/), so a German default, not a translated string.
DEFAULT_GOALS_TEXT = (
    "1. Alle Kinder bis einschließlich sechs Jahren und deren Familien können in den "
    "jeweiligen Sozialräumen vom Sozialraumbudget profitieren.\n"
    "2. Wir fördern über das Sozialraumbudget sowohl die individuellen Bedarfe einzelner "
    "Kinder und Familien als auch die soziale Infrastruktur und gleichen sozialstrukturelle "
    "Benachteiligungen dadurch aus.\n"
    "3. Die einzelnen Sozialräume entwickeln sich zu kinder- und familienfreundlichen "
    "Quartieren, die ein gelingendes Aufwachsen der Kinder in unserer Stadt aktiv fördern.\n"
    "4. Die Angebote für Kinder und Familien – insbesondere die Angebote der "
    "Familienbildung – werden intensiv miteinander vernetzt, um den Aufbau von "
    "Präventionsketten zu unterstützen."
)
GOALS_TEXT_MAX_LENGTH = 4000


class Jugendamt(models.Model):
    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=50, unique=True)
    # Issue 17: the public results page /oeffentlich/<slug>/ (no login) exists only once the
    # Jugendamt switched it on; until then it and every public document are 404.
    public_page_enabled = models.BooleanField(
        _("öffentliche Ergebnisseite eingeschaltet"),
        default=False,
        help_text=_(
            "Zeigt ohne Anmeldung die veröffentlichten Anteile je Sozialraum, die beschlossenen "
            "Stellen, die Methode, die Ziele und die öffentlichen Dokumente – nie Kita-Namen."
        ),
    )
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
    goals_text = models.TextField(
        _("Ziele des Sozialraumbudgets"),
        max_length=GOALS_TEXT_MAX_LENGTH,
        blank=True,
        default=DEFAULT_GOALS_TEXT,
        help_text=_(
            "Erscheinen im Bericht für den Jugendhilfeausschuss; Zeilenumbrüche bleiben erhalten."
        ),
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

    # When the last invitation link was sent (None: never invited, e.g. made in the admin).
    # The link is a password-reset token, valid for settings.PASSWORD_RESET_TIMEOUT.
    invited_at = models.DateTimeField(_("zuletzt eingeladen am"), null=True, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("Benutzer*in")
        verbose_name_plural = _("Benutzer*innen")

    @property
    def display_name(self) -> str:
        """How the pages, the history and the mails name the person: the full name, the
        login only when no name is set (issue 14: "beschlossen von Jana Leitner")."""
        return self.get_full_name().strip() or self.get_username()

    class InvitationState(models.TextChoices):
        NONE = "none", _("keine Einladung")
        PENDING = "pending", _("eingeladen")
        EXPIRED = "expired", _("Einladung abgelaufen")
        ACCEPTED = "accepted", _("Einladung angenommen")

    @property
    def invitation_accepted(self) -> bool:
        """The person has set a password or signed in (the invitation has been used)."""
        return self.last_login is not None or self.has_usable_password()

    def invitation_expires_at(self):
        """When the last invitation link stops working (None: no open invitation)."""
        if self.invitation_accepted:
            return None
        sent = self.invited_at or self.date_joined
        return sent + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)

    @property
    def invitation_state(self) -> str:
        if self.invitation_accepted:
            return self.InvitationState.ACCEPTED if self.invited_at else self.InvitationState.NONE
        if timezone.now() >= self.invitation_expires_at():
            return self.InvitationState.EXPIRED
        return self.InvitationState.PENDING

    def get_invitation_state_display(self) -> str:
        return str(self.InvitationState(self.invitation_state).label)


class RoleGrantRequest(models.Model):
    """A request to give someone a role that only four eyes may give (Jugendamt-Leitung,
    Administration): asked by one person holding Administration, confirmed or rejected
    by a second one of the same Jugendamt (never the requester, never the grantee)."""

    class State(models.TextChoices):
        PENDING = "pending", _("beantragt")
        CONFIRMED = "confirmed", _("bestätigt")
        REJECTED = "rejected", _("abgelehnt")

    jugendamt = models.ForeignKey(
        Jugendamt,
        on_delete=models.PROTECT,
        related_name="role_grant_requests",
        verbose_name=_("Jugendamt"),
    )
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="role_grant_requests",
        verbose_name=_("Person"),
    )
    role = models.CharField(_("Rolle"), max_length=150)
    state = models.CharField(
        _("Status"), max_length=20, choices=State.choices, default=State.PENDING
    )
    reason = models.TextField(_("Begründung"), blank=True)
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("beantragt von")
    )
    requested_at = models.DateTimeField(_("beantragt am"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entschieden von"),
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    # Raised by every decision: a form from before a decision is refused as stale.
    version = models.PositiveIntegerField(_("Version"), default=1)

    class Meta:
        verbose_name = _("Anfrage zur Rollenvergabe")
        verbose_name_plural = _("Anfragen zur Rollenvergabe")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(state="pending"),
                name="rolegrantrequest_one_pending_per_role",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.role} ({self.get_state_display()})"


# --- issue 18: maps --------------------------------------------------------------------


class SozialraumBoundary(models.Model):
    """The area of a Sozialraum: a GeoJSON geometry (Polygon or MultiPolygon, WGS 84
    longitude/latitude). Uploaded for all Sozialräume of a Jugendamt at once and checked
    with shapely (``reports.geodata``); the maps draw nothing without boundaries."""

    sozialraum = models.OneToOneField(
        Sozialraum,
        on_delete=models.CASCADE,
        related_name="boundary",
        verbose_name=_("Sozialraum"),
    )
    geojson = models.JSONField(_("Grenze (GeoJSON-Geometrie)"))
    uploaded_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), default=timezone.now)

    class Meta:
        verbose_name = _("Sozialraum-Grenze")
        verbose_name_plural = _("Sozialraum-Grenzen")

    def __str__(self):
        return str(self.sozialraum)


class KitaLocation(models.Model):
    """Where a Kita is (WGS 84, degrees): only Jugendamt staff ever see Kita points."""

    kita = models.OneToOneField(
        Kita, on_delete=models.CASCADE, related_name="location", verbose_name=_("Kita")
    )
    latitude = models.DecimalField(_("Breite"), max_digits=8, decimal_places=6)
    longitude = models.DecimalField(_("Länge"), max_digits=9, decimal_places=6)
    updated_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geändert von"),
    )
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now)

    class Meta:
        verbose_name = _("Kita-Standort")
        verbose_name_plural = _("Kita-Standorte")

    def __str__(self):
        return str(self.kita)
