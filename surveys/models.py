"""Questionnaire data: the instrument version, survey rounds and one response per Kita.

Answers are stored per item code in one JSON document per response, so a whole
round (thousands of Kitas) loads with one query (see ``selectors.answers_frame``).
A response always names the instrument of its round, so old answers stay
readable in the version they were given in.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from surveys import instrument as instrument_module

# A round code is part of URLs, file names and sheet titles: letters, digits, "-" and "_",
# no white space, no CR/LF (issue 13). "runden" is the URL of the round list.
ROUND_CODE_MAX_LENGTH = 20
RESERVED_ROUND_CODES = frozenset({"runden"})
_round_code_chars = RegexValidator(
    regex=r"^[A-Za-z0-9_-]+\Z",
    message=_(
        "Die Kennung darf nur Buchstaben, Ziffern, - und _ enthalten "
        "(keine Leerzeichen, keine Zeilenumbrüche)."
    ),
    code="invalid_round_code",
)


def validate_round_code(value: str) -> None:
    """The rule for every round code, wherever a round is created (form, admin, service)."""
    _round_code_chars(value)
    if str(value).lower() in RESERVED_ROUND_CODES:
        raise ValidationError(_("Diese Kennung ist nicht erlaubt."), code="reserved_round_code")


def default_partners():
    return [list(p) for p in instrument_module.DEFAULT_PARTNERS]


class Instrument(models.Model):
    """One version of the questionnaire; its items live in a pure-data module."""

    code = models.CharField(_("Kennung"), max_length=30, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    definition = models.JSONField(
        _("Definition"), default=dict, help_text=_("Abschnitte und Items zum Nachlesen.")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Fragebogen-Version")
        verbose_name_plural = _("Fragebogen-Versionen")
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def items(self):
        """The item definitions (``surveys.instrument.Item``) of this version."""
        return instrument_module.items_for(self.code)


class SurveyRound(models.Model):
    """An Erhebungsrunde: vorbereitet → offen → geschlossen."""

    class State(models.TextChoices):
        VORBEREITET = "vorbereitet", _("vorbereitet")
        OFFEN = "offen", _("offen")
        GESCHLOSSEN = "geschlossen", _("geschlossen")

    jugendamt = models.ForeignKey(
        "sozialraeume.Jugendamt",
        on_delete=models.PROTECT,
        related_name="survey_rounds",
        verbose_name=_("Jugendamt"),
    )
    code = models.CharField(
        _("Kennung"),
        max_length=ROUND_CODE_MAX_LENGTH,
        validators=[validate_round_code],
        help_text=_("z. B. 2027 (Buchstaben, Ziffern, - und _)"),
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("Fragebogen")
    )
    stichtag = models.DateField(_("Stichtag"))
    opens_on = models.DateField(_("geöffnet ab"), null=True, blank=True)
    closes_on = models.DateField(_("Abgabe bis"), null=True, blank=True)
    state = FSMField(_("Status"), default=State.VORBEREITET, choices=State.choices, max_length=20)
    partners = models.JSONField(
        _("Netzwerkpartner (F4)"),
        default=default_partners,
        help_text=_("Liste von [Schlüssel, Bezeichnung]."),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Erhebungsrunde")
        verbose_name_plural = _("Erhebungsrunden")
        ordering = ["jugendamt", "-code"]
        constraints = [
            models.UniqueConstraint(fields=["jugendamt", "code"], name="surveyround_unique_code")
        ]

    def __str__(self):
        # Built at display from the code: "Erhebung 2020" / "Survey 2020".
        return _("Erhebung %(code)s") % {"code": self.code}

    # The round's workflow: the round page offers exactly the available transitions
    # (``custom``: the URL slug, the button label and its style).
    @transition(
        field=state,
        source=State.VORBEREITET,
        target=State.OFFEN,
        custom={"slug": "oeffnen", "label": _("Runde öffnen"), "css": "btn-primary"},
    )
    def open(self):
        """Kita leaders may fill in their questionnaires."""

    @transition(
        field=state,
        source=State.OFFEN,
        target=State.GESCHLOSSEN,
        custom={"slug": "schliessen", "label": _("Runde schließen"), "css": "btn-danger"},
    )
    def close(self):
        """No more changes by Kita leaders; indices are computed."""

    @property
    def is_open(self):
        return self.state == self.State.OFFEN

    @property
    def partner_list(self):
        return [tuple(p) for p in (self.partners or [])]


class Response(models.Model):
    """One Kita's questionnaire in one round; answers keyed by item code."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("eingereicht")

    class Review(models.TextChoices):
        NONE = "", _("—")
        IN_PRUEFUNG = "in_pruefung", _("in Prüfung")
        GEPRUEFT = "geprueft", _("geprüft")
        RUECKFRAGE = "rueckfrage", _("Rückfrage")

    round = models.ForeignKey(
        SurveyRound, on_delete=models.PROTECT, related_name="responses", verbose_name=_("Runde")
    )
    kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        related_name="survey_responses",
        verbose_name=_("Kita"),
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    answers = models.JSONField(_("Antworten"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eingereicht von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    version = models.PositiveIntegerField(_("Version"), default=1)
    review_state = models.CharField(
        _("Prüfstatus"), max_length=20, choices=Review.choices, default=Review.NONE, blank=True
    )
    review_comment = models.TextField(_("Prüfkommentar"), blank=True)

    class Meta:
        verbose_name = _("Fragebogen")
        verbose_name_plural = _("Fragebögen")
        ordering = ["round", "kita__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kita"], name="response_unique_round_kita")
        ]

    def __str__(self):
        return f"{self.round} – {self.kita}"

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED
