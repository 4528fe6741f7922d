"""What some funding strands need before a line may be planned (issue 15, concept 3.4/4).

- FS2: the Sozialraum's Kommunikations- und Nachbarschaftszentrum (``Centre``), in separate
  premises or hosted by a Kita that is centrally located and commits to cross-provider
  offers; at most one active centre per Sozialraum. FS2 lines attach to it.
- FS4: a Kita's or its Träger's request for betriebserlaubnisrelevantes Zusatzpersonal
  (``Fs4Request``) with need, justification, FTE and period; the Jugendamt accepts or
  declines it with a reason. Only an accepted request allows an FS4 line, which links to it.

The app sits below ``allocation`` (whose lines refer to these rows) and above ``indices``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from srb_project.models import decided_at_field, decided_by_field, decision_reason_field


class Premises(models.TextChoices):
    SEPARATE = "separate", _("eigene Räume")
    KITA = "kita", _("in einer Kita")


class Centre(models.Model):
    """FS2: the Kommunikations- und Nachbarschaftszentrum of a Sozialraum."""

    sozialraum = models.ForeignKey(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        related_name="centres",
        verbose_name=_("Sozialraum"),
    )
    name = models.CharField(_("Name"), max_length=200)
    premises = models.CharField(
        _("Räume"), max_length=10, choices=Premises.choices, default=Premises.KITA
    )
    host_kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_centres",
        verbose_name=_("gastgebende Kita"),
    )
    address = models.CharField(_("Anschrift"), max_length=300, blank=True)
    opened_on = models.DateField(_("eröffnet am"), null=True, blank=True)
    # Only for a centre in a Kita (concept 4, FS2): confirmed by the Jugendamt.
    central_location = models.BooleanField(_("zentrale Lage bestätigt"), default=False)
    cross_provider = models.BooleanField(_("trägerübergreifende Angebote zugesagt"), default=False)
    offers = models.TextField(_("Angebote"), blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    closed_on = models.DateField(_("geschlossen am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )

    class Meta:
        verbose_name = _("Kommunikations- und Nachbarschaftszentrum")
        verbose_name_plural = _("Kommunikations- und Nachbarschaftszentren")
        ordering = ["sozialraum__position", "sozialraum__name", "-active", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["sozialraum"],
                condition=Q(active=True),
                name="centre_one_active_per_sozialraum",
            ),
            models.CheckConstraint(
                condition=~Q(premises="kita") | Q(host_kita__isnull=False),
                name="centre_in_kita_names_the_kita",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def jugendamt_id(self):
        return self.sozialraum.jugendamt_id


class Fs4RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("eingereicht")
    ACCEPTED = "accepted", _("angenommen")
    DECLINED = "declined", _("abgelehnt")


class RequesterKind(models.TextChoices):
    KITA = "kita", _("Kita-Leitung")
    TRAEGER = "traeger", _("Träger")


class Fs4Request(models.Model):
    """FS4: the need for additional staff relevant to the operating licence, as the Kita or
    its Träger shows and justifies it to the Jugendamt."""

    kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        related_name="fs4_requests",
        verbose_name=_("Kita"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beantragt von"),
    )
    requester_kind = models.CharField(
        _("beantragt als"), max_length=10, choices=RequesterKind.choices
    )
    need = models.TextField(_("Bedarf"))
    justification = models.TextField(_("Begründung"))
    fte = models.DecimalField(_("Stellenanteil (VZÄ)"), max_digits=5, decimal_places=2)
    period_start = models.DateField(_("von"))
    period_end = models.DateField(_("bis"))
    state = models.CharField(
        _("Status"),
        max_length=10,
        choices=Fs4RequestState.choices,
        default=Fs4RequestState.SUBMITTED,
    )
    decided_by = decided_by_field()
    decided_at = decided_at_field()
    decision_reason = decision_reason_field()
    created_at = models.DateTimeField(_("eingereicht am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Antrag auf Zusatzpersonal (FS4)")
        verbose_name_plural = _("Anträge auf Zusatzpersonal (FS4)")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="fs4_request_period_ordered",
            ),
            models.CheckConstraint(condition=Q(fte__gt=0), name="fs4_request_fte_positive"),
        ]

    def __str__(self):
        return f"{self.kita} · FS4 · {self.created_at:%d.%m.%Y}" if self.created_at else "FS4"

    @property
    def jugendamt_id(self):
        return self.kita.sozialraum.jugendamt_id

    @property
    def is_accepted(self):
        return self.state == Fs4RequestState.ACCEPTED


class Fs4Attachment(models.Model):
    """A PDF the requester attaches (checked by ``srb_project.uploads.check_pdf``)."""

    request = models.ForeignKey(
        Fs4Request, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("Antrag")
    )
    file = models.FileField(_("Datei"), upload_to="foerderung/fs4/%Y/")
    name = models.CharField(_("Dateiname"), max_length=255)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["request", "uploaded_at", "pk"]

    def __str__(self):
        return self.name
