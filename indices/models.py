"""Stored index results: one immutable run per computation, with its values.

A recomputation never changes a run: it makes a new one. The current result of a
survey round is its newest *finished* run (by ``started_at``, i.e. the newest input
snapshot). A run is written in two steps by ``indices.services.index_run_compute``:
the row is committed in state ``running`` (so the page can show progress), then
its values and the switch to ``finished`` are committed in one transaction. A run
whose worker died stays ``running`` and is never current; see ``is_stale``.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indices.method import DEFAULT_METHOD, Method, default_parameters, from_parameters
from srb_project.numbers import german, localized

# A run still "running" after this many minutes is treated as abandoned (worker
# killed): it is shown as "abgebrochen" and the periodic task marks it failed.
# A full recomputation of 60.000 Kitas takes well under a minute, so 30 minutes
# leaves a wide margin. Override with the setting SRB_INDEX_RUN_STALE_MINUTES.
DEFAULT_STALE_MINUTES = 30


def stale_after() -> timedelta:
    return timedelta(
        minutes=float(getattr(settings, "SRB_INDEX_RUN_STALE_MINUTES", DEFAULT_STALE_MINUTES))
    )


class ImmutableRecordError(Exception):
    """Raised when code tries to change or delete a stored index result."""


class IndexRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("läuft")
        FINISHED = "finished", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    class Trigger(models.TextChoices):
        AUTOMATIC = "automatic", _("automatisch nach Änderung der Antworten")
        MANUAL = "manual", _("von Hand gestartet")
        PENDING = "pending", _("nachgeholt")
        DEMO = "demo", _("Demodaten")

    round = models.ForeignKey(
        "surveys.SurveyRound",
        on_delete=models.PROTECT,
        related_name="index_runs",
        verbose_name=_("Erhebungsrunde"),
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    trigger = models.CharField(
        _("Anlass"), max_length=10, choices=Trigger.choices, default=Trigger.AUTOMATIC
    )
    started_at = models.DateTimeField(_("begonnen"), default=timezone.now)
    finished_at = models.DateTimeField(_("beendet"), null=True, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    method_version = models.CharField(_("Methodenversion"), max_length=40)
    instrument_code = models.CharField(_("Instrument"), max_length=20)
    input_checksum = models.CharField(_("Prüfsumme der Eingaben"), max_length=64)
    kita_count = models.PositiveIntegerField(_("Kitas mit Antworten"), default=0)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gestartet von"),
    )
    norms = models.JSONField(_("Normbereiche"), default=dict, blank=True)
    warnings = models.JSONField(_("Hinweise"), default=list, blank=True)
    minmax = models.JSONField(_("Minimum und Maximum je Variable"), default=dict, blank=True)
    # Issue 17: the Konzeption version in force when the run was created
    # (``indices.konzeption.current_label``; "" for none or for runs before issue 17).
    konzeption_version = models.CharField(
        _("Konzeption (Version)"), max_length=200, blank=True, default=""
    )
    # Issue 18: the method (``indices.method.Method``) the run was computed with. Runs before
    # issue 18 all used the default, which is what the defaults give them. ``method_version``
    # above stays the engine's version (``compute.METHOD_VERSION``).
    method_name = models.CharField(_("Methode"), max_length=100, default=DEFAULT_METHOD.name)
    method_revision = models.PositiveIntegerField(
        _("Version der Methode"), default=DEFAULT_METHOD.version
    )
    method_parameters = models.JSONField(
        _("Parameter der Methode"), default=default_parameters, blank=True
    )

    class Meta:
        verbose_name = _("Indexberechnung")
        verbose_name_plural = _("Indexberechnungen")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(
                fields=["round", "status", "-started_at"], name="indexrun_round_status_idx"
            )
        ]

    def __str__(self):
        return f"{self.round} · {self.started_at:%d.%m.%Y %H:%M} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        # Status changes go through conditional UPDATEs in the service; a stored run
        # is never saved again.
        if self.pk is not None and not self._state.adding:
            raise ImmutableRecordError("Index runs are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("Index runs are immutable.")

    @property
    def is_stale(self) -> bool:
        """A run left in ``running`` by a killed worker: shown as aborted, never current."""
        return self.status == self.Status.RUNNING and (
            timezone.now() - self.started_at > stale_after()
        )

    @property
    def display_status(self) -> str:
        return "stale" if self.is_stale else self.status

    @property
    def method(self) -> Method:
        """The stored method as the engine takes it."""
        return from_parameters(
            self.method_parameters or {}, name=self.method_name, version=self.method_revision
        )

    @property
    def method_differences(self) -> list[str]:
        """What the run's method does differently from the default, in words (empty: none)."""
        method = self.method
        out = []
        if method.sd == "population":
            out.append(_("Standardabweichung der Grundgesamtheit (n statt n − 1)"))
        if method.weighting == "children":
            out.append(_("Sozialraumwerte nach Kinderzahl (A1) gewichtet"))
        if method.min_answered is not None:
            out.append(
                _("Kategorieindex erst ab %(share)s %% beantworteter Variablen")
                % {"share": localized(method.min_answered * 100, 0)}
            )
        if method.winsorize is not None:
            lo, hi = method.winsorize
            out.append(
                _("Werte auf das %(lo)s. bis %(hi)s. Perzentil begrenzt")
                % {
                    "lo": localized(lo, 0 if lo.is_integer() else 1),
                    "hi": localized(hi, 0 if hi.is_integer() else 1),
                }
            )
        return out


def _index_text(value) -> str:
    """An index value in a record's name: one decimal, German ("83,4"); "–" when missing."""
    return "–" if value is None else german(value, 1)


class _ImmutableValues(models.Model):
    """Per-run values: written once with bulk_create together with the run's finish."""

    ab = models.FloatField(_("AB"), null=True, blank=True)
    sl = models.FloatField(_("SL"), null=True, blank=True)
    fm = models.FloatField(_("FM"), null=True, blank=True)
    infra = models.FloatField(_("IN"), null=True, blank=True)
    gesamt = models.FloatField(_("Gesamtindex"), null=True, blank=True)
    classes = models.JSONField(_("Klassen"), default=dict, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableRecordError("Stored index values are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("Stored index values are immutable.")

    def index(self, category: str):
        """The value of ``"AB"``, ``"SL"``, ``"FM"``, ``"IN"`` or ``"GESAMT"``."""
        return getattr(self, FIELD_BY_CATEGORY[category])


FIELD_BY_CATEGORY = {"AB": "ab", "SL": "sl", "FM": "fm", "IN": "infra", "GESAMT": "gesamt"}


class KitaIndex(_ImmutableValues):
    run = models.ForeignKey(
        IndexRun, on_delete=models.CASCADE, related_name="kita_values", verbose_name=_("Lauf")
    )
    kita = models.ForeignKey(
        "sozialraeume.Kita", on_delete=models.PROTECT, related_name="+", verbose_name=_("Kita")
    )
    complete = models.BooleanField(_("vollständig"), default=False)
    variables = models.JSONField(_("Variablen"), default=dict, blank=True)
    points = models.JSONField(_("Standardpunkte"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Kita-Index")
        verbose_name_plural = _("Kita-Indizes")
        constraints = [
            models.UniqueConstraint(fields=["run", "kita"], name="kitaindex_unique_run_kita")
        ]

    def __str__(self):
        return f"{self.kita_id} · {_index_text(self.gesamt)}"


class SozialraumIndex(_ImmutableValues):
    run = models.ForeignKey(
        IndexRun,
        on_delete=models.CASCADE,
        related_name="sozialraum_values",
        verbose_name=_("Lauf"),
    )
    sozialraum = models.ForeignKey(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Sozialraum"),
    )
    percent = models.DecimalField(_("Anteil in %"), max_digits=5, decimal_places=2, null=True)
    kita_count = models.PositiveIntegerField(_("vollständige Kitas"), default=0)

    class Meta:
        verbose_name = _("Sozialraum-Index")
        verbose_name_plural = _("Sozialraum-Indizes")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "sozialraum"], name="sozialraumindex_unique_run_sozialraum"
            )
        ]

    def __str__(self):
        return f"{self.sozialraum_id} · {_index_text(self.gesamt)}"


class RecomputeRequest(models.Model):
    """A round whose answers changed and that still needs a recomputation.

    Written by the receiver before it publishes the task, removed by the task once
    a run that started after the request has finished (or was skipped because the
    input did not change). If the broker or the worker was down, or a worker was
    killed mid-run, the periodic task ``indices.tasks.recompute_pending`` finds
    the request and queues the round again: no change of answers is lost.
    """

    round = models.OneToOneField(
        "surveys.SurveyRound",
        on_delete=models.CASCADE,
        related_name="recompute_request",
        verbose_name=_("Erhebungsrunde"),
    )
    requested_at = models.DateTimeField(_("angefordert"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angefordert von"),
    )
    force = models.BooleanField(_("auch ohne geänderte Antworten"), default=False)
    last_error = models.TextField(_("letzter Fehler beim Einreihen"), blank=True)

    class Meta:
        verbose_name = _("ausstehende Neuberechnung")
        verbose_name_plural = _("ausstehende Neuberechnungen")

    def __str__(self):
        return f"{self.round_id} · {self.requested_at:%d.%m.%Y %H:%M}"
