"""Sozialraum-Teams and what they do after the decision (issue 15; concept 3.4 and 4).

A team per Sozialraum (Kita leaders, Träger, the Jugendamt's contact person, later
others, also people without an account) meets about six times a year; Kita leaders are
released for the meetings (hours from the attendance) and, after the Jugendamt agreed
beforehand, for special tasks (``ReleaseRequest``). With the team the Jugendamt reviews the
distribution within the Sozialraum at least every 2,5 years (``Review``).

The app sits above ``allocation`` (a review that adjusts opens a revision of the plan)
and below ``reports`` (the committee report counts meetings and reviews).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from srb_project.models import decided_at_field, decided_by_field, decision_reason_field


class Team(models.Model):
    sozialraum = models.OneToOneField(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        related_name="team",
        verbose_name=_("Sozialraum"),
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Ansprechperson des Jugendamts"),
    )
    founded_on = models.DateField(_("gegründet am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Sozialraum-Team")
        verbose_name_plural = _("Sozialraum-Teams")
        ordering = ["sozialraum__position", "sozialraum__name"]

    def __str__(self):
        return str(_("Sozialraum-Team %(name)s") % {"name": self.sozialraum.name})

    @property
    def jugendamt_id(self):
        return self.sozialraum.jugendamt_id


class MemberKind(models.TextChoices):
    KITA = "kita", _("Kita-Leitung")
    TRAEGER = "traeger", _("Träger-Vertretung")
    JUGENDAMT = "jugendamt", _("Jugendamt")
    SOCIAL_WORK = "sozialarbeit", _("Kita-Sozialarbeit")
    PARENTS = "eltern", _("Eltern")
    NEIGHBOURHOOD = "quartier", _("Quartiersmanagement")
    INSTITUTION = "einrichtung", _("soziale Einrichtung / Verein")
    OTHER = "sonstige", _("sonstige")


class TeamMember(models.Model):
    """A member: a user of the product, or an external person without an account (only
    name, organisation, function and e-mail; deleted by the retention rules after leaving)."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("Team")
    )
    kind = models.CharField(_("Funktion im Team"), max_length=20, choices=MemberKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_memberships",
        verbose_name=_("Konto"),
    )
    # Whom a member speaks for: a Kita leader's Kita (their release hours count for it), a
    # Träger representative's Träger.
    kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_members",
        verbose_name=_("Kita"),
    )
    traeger = models.ForeignKey(
        "sozialraeume.Traeger",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_members",
        verbose_name=_("Träger"),
    )
    name = models.CharField(_("Name"), max_length=200, blank=True)
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    function = models.CharField(_("Funktion"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    joined_on = models.DateField(_("dabei seit"))
    left_on = models.DateField(_("ausgeschieden am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Team-Mitglied")
        verbose_name_plural = _("Team-Mitglieder")
        ordering = ["team", "left_on", "kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="team_member_user_or_name",
            ),
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(user__isnull=False, left_on__isnull=True),
                name="team_member_once_active",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.display_name
        return self.name

    @property
    def contact_email(self) -> str:
        return self.user.email if self.user_id else self.email

    @property
    def jugendamt_id(self):
        return self.team.jugendamt_id


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("geplant")
    HELD = "held", _("stattgefunden")
    CANCELLED = "cancelled", _("abgesagt")


class Meeting(models.Model):
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("Team")
    )
    title = models.CharField(_("Titel"), max_length=200)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    location = models.CharField(_("Ort"), max_length=300, blank=True)
    agenda = models.TextField(_("Tagesordnung"), blank=True)
    state = models.CharField(
        _("Status"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    # iCalendar: a stable UID per meeting; SEQUENCE grows with each update or cancellation.
    uid = models.CharField(_("Kalender-UID"), max_length=100, unique=True)
    sequence = models.PositiveIntegerField(_("Kalender-Version"), default=0)
    invited_at = models.DateTimeField(_("eingeladen am"), null=True, blank=True)
    minute_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Protokoll führt"),
    )
    minutes = models.TextField(_("Protokoll"), blank=True)
    decisions = models.TextField(_("Beschlüsse"), blank=True)
    minutes_written_at = models.DateTimeField(_("Protokoll geschrieben am"), null=True, blank=True)
    minutes_written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Protokoll geschrieben von"),
    )
    version = models.PositiveIntegerField(_("Version"), default=1)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Team-Sitzung")
        verbose_name_plural = _("Team-Sitzungen")
        ordering = ["team", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%d.%m.%Y})"

    @property
    def jugendamt_id(self):
        return self.team.jugendamt_id


class MinutesCorrection(models.Model):
    """Minutes once written change only with a visible note; the old text is kept."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("Sitzung")
    )
    note = models.TextField(_("Korrekturvermerk"))
    previous_minutes = models.TextField(_("Protokoll vorher"), blank=True)
    previous_decisions = models.TextField(_("Beschlüsse vorher"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("korrigiert von"),
    )
    created_at = models.DateTimeField(_("korrigiert am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Protokollkorrektur")
        verbose_name_plural = _("Protokollkorrekturen")
        ordering = ["meeting", "created_at", "pk"]

    def __str__(self):
        return f"{self.meeting} · {self.created_at:%d.%m.%Y %H:%M}" if self.created_at else ""


class Attendance(models.Model):
    """Who attended; ``hours`` are a Kita leader's release time for the meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("Sitzung")
    )
    member = models.ForeignKey(
        TeamMember, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("Mitglied")
    )
    present = models.BooleanField(_("anwesend"), default=True)
    hours = models.DecimalField(
        _("Freistellung (Stunden)"), max_digits=5, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        ordering = ["meeting", "member"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="attendance_hours_nonneg"),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.member}"


class MeetingTask(models.Model):
    """A task the minutes record: what, who, until when, done."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("Sitzung")
    )
    text = models.TextField(_("Aufgabe"))
    owner = models.ForeignKey(
        TeamMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("zuständig"),
    )
    due_on = models.DateField(_("fällig am"), null=True, blank=True)
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Aufgabe")
        verbose_name_plural = _("Aufgaben")
        ordering = ["meeting", "due_on", "pk"]

    def __str__(self):
        return self.text[:80]


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="documents", verbose_name=_("Sitzung")
    )
    file = models.FileField(_("Datei"), upload_to="teams/meetings/%Y/")
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
        verbose_name = _("Sitzungsunterlage")
        verbose_name_plural = _("Sitzungsunterlagen")
        ordering = ["meeting", "uploaded_at", "pk"]

    def __str__(self):
        return self.name


class ReleaseState(models.TextChoices):
    REQUESTED = "requested", _("beantragt")
    APPROVED = "approved", _("genehmigt")
    DECLINED = "declined", _("abgelehnt")


class ReleaseRequest(models.Model):
    """A Kita leader's release for a special task, agreed with the Jugendamt beforehand."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="release_requests", verbose_name=_("Team")
    )
    kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        related_name="release_requests",
        verbose_name=_("Kita"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beantragt von"),
    )
    task = models.TextField(_("Aufgabe"))
    hours = models.DecimalField(_("Stunden"), max_digits=6, decimal_places=2)
    period_start = models.DateField(_("von"))
    period_end = models.DateField(_("bis"))
    state = models.CharField(
        _("Status"), max_length=10, choices=ReleaseState.choices, default=ReleaseState.REQUESTED
    )
    decided_by = decided_by_field()
    decided_at = decided_at_field()
    decision_reason = decision_reason_field()
    created_at = models.DateTimeField(_("beantragt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Freistellung für eine Sonderaufgabe")
        verbose_name_plural = _("Freistellungen für Sonderaufgaben")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="release_period_ordered",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="release_hours_positive"),
        ]

    def __str__(self):
        return f"{self.kita} · {self.period_start:%d.%m.%Y}"

    @property
    def jugendamt_id(self):
        return self.team.jugendamt_id


class ReviewTrigger(models.TextChoices):
    DUE = "due", _("fällig (30 Monate nach dem Beschluss)")
    DEMAND = "demand", _("auf Anlass")


class ReviewState(models.TextChoices):
    OPEN = "open", _("offen")
    HELD = "held", _("mit dem Team beraten")
    DECIDED = "decided", _("entschieden")


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", _("Verteilung bleibt")
    ADJUST = "adjust", _("Verteilung wird angepasst")


class Review(models.Model):
    """The review of the distribution within a Sozialraum with its team (concept 4:
    at least every 2,5 years and on demand)."""

    sozialraum = models.ForeignKey(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("Sozialraum"),
    )
    trigger = models.CharField(_("Anlass"), max_length=10, choices=ReviewTrigger.choices)
    reason = models.TextField(_("Anlass (Begründung)"), blank=True)
    due_on = models.DateField(_("fällig am"))
    plan = models.ForeignKey(
        "allocation.AllocationPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("überprüfter Plan"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("Team-Sitzung"),
    )
    state = models.CharField(
        _("Status"), max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN
    )
    findings = models.TextField(_("Ergebnisse"), blank=True)
    recommendation = models.TextField(_("Empfehlung des Teams"), blank=True)
    outcome = models.CharField(
        _("Entscheidung"), max_length=10, choices=ReviewOutcome.choices, blank=True
    )
    outcome_reason = decision_reason_field()
    decided_by = decided_by_field()
    decided_at = decided_at_field()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eröffnet von"),
    )
    created_at = models.DateTimeField(_("eröffnet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Überprüfung der Verteilung")
        verbose_name_plural = _("Überprüfungen der Verteilung")
        ordering = ["sozialraum__position", "sozialraum__name", "-due_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sozialraum"],
                condition=~Q(state="decided"),
                name="review_one_open_per_sozialraum",
            )
        ]

    def __str__(self):
        return str(
            _("Überprüfung %(sozialraum)s, fällig %(due)s")
            % {"sozialraum": self.sozialraum.name, "due": self.due_on.strftime("%d.%m.%Y")}
        )

    @property
    def jugendamt_id(self):
        return self.sozialraum.jugendamt_id
