"""Allocation models: budget years, shares, plans, lines, comments and reallocations."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from srb_project.models import decided_at_field, decided_by_field, decision_reason_field
from srb_project.numbers import cost_of_fte, german

# --- budget years and step 1 -----------------------------------------------------------


def default_fte_costs():
    """Annual personnel cost of one full-time position per strand (euros, employer gross)."""
    return {"FS1": "70000.00", "FS2": "70000.00", "FS3": "65000.00", "FS4": "60000.00"}


class BudgetYear(models.Model):
    """The state's allocation (Zuweisung des Landes) for one year and where its shares come from."""

    jugendamt = models.ForeignKey(
        "sozialraeume.Jugendamt",
        on_delete=models.PROTECT,
        related_name="budget_years",
        verbose_name=_("Jugendamt"),
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    label = models.CharField(
        _("Bezeichnung"), max_length=100, blank=True, help_text=_("z. B. „2. Halbjahr 2021“")
    )
    state_budget = models.DecimalField(_("Landeszuweisung (€)"), max_digits=12, decimal_places=2)
    own_figure = models.BooleanField(
        _("Betrag laut Bescheid"),
        default=False,
        help_text=_("Sonst: Vorjahr × 1,025, auf ganze Euro gerundet."),
    )
    round = models.ForeignKey(
        "surveys.SurveyRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_years",
        verbose_name=_("Erhebungsrunde der Anteile"),
    )
    fte_costs = models.JSONField(
        _("Jahreskosten je Vollzeitstelle und Förderstrang (€)"), default=default_fte_costs
    )
    fte_step = models.DecimalField(
        _("Rundungsschritt Stellenanteil"), max_digits=4, decimal_places=2, default=Decimal("0.05")
    )
    # Issue 18: the phased transition (``allocation.transition``). None: off, the state
    # amounts are the shares; else a Sozialraum's amount changes by at most this percent
    # of its previous year's amount, and ``SozialraumShare.target_amount`` keeps the share.
    transition_cap = models.DecimalField(
        _("Übergangsregel: höchste Änderung je Jahr (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leer: keine Übergangsregel."),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Haushaltsjahr")
        verbose_name_plural = _("Haushaltsjahre")
        ordering = ["jugendamt", "year"]
        constraints = [
            models.UniqueConstraint(fields=["jugendamt", "year"], name="budgetyear_unique_year")
        ]

    def __str__(self):
        return self.label or str(self.year)

    def fte_cost(self, strand: str) -> Decimal:
        """The annual cost of one full position (1,00 VZÄ) in ``strand``: a line's cost is
        its FTE times this rate (``AllocationLine.derived_cost``)."""
        costs = {**default_fte_costs(), **(self.fte_costs or {})}
        return Decimal(str(costs[strand])).quantize(Decimal("0.01"))

    def fte_cost_rates(self) -> dict[str, Decimal]:
        """Every strand's rate, in the strands' order (for the planning pages)."""
        return {strand: self.fte_cost(strand) for strand in default_fte_costs()}


class SozialraumShare(models.Model):
    """Step 1 result: a Sozialraum's percent and state amount in a budget year (snapshot)."""

    budget_year = models.ForeignKey(
        BudgetYear, on_delete=models.PROTECT, related_name="shares", verbose_name=_("Haushaltsjahr")
    )
    sozialraum = models.ForeignKey(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        related_name="budget_shares",
        verbose_name=_("Sozialraum"),
    )
    gesamt = models.FloatField(_("Gesamtindex"), null=True, blank=True)
    percent = models.DecimalField(_("Anteil (%)"), max_digits=5, decimal_places=2)
    state_amount = models.DecimalField(_("Landesanteil (€)"), max_digits=12, decimal_places=2)
    # Issue 18: the amount of the share itself (step 1 without the transition rule).
    # With the rule on, ``state_amount`` is the transitional amount that everything
    # else (plans, execution, proof of use) uses; None on rows stored before.
    target_amount = models.DecimalField(
        _("Zielbetrag (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    index_run = models.ForeignKey(
        "indices.IndexRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Indexberechnung"),
    )

    class Meta:
        verbose_name = _("Sozialraumanteil")
        verbose_name_plural = _("Sozialraumanteile")
        ordering = ["budget_year", "sozialraum__position", "sozialraum__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget_year", "sozialraum"], name="share_unique_sozialraum"
            )
        ]

    def __str__(self):
        return f"{self.sozialraum} {self.budget_year}: {german(self.percent)}\u00a0%"

    @property
    def target(self) -> Decimal:
        """The share's own amount (the transition's target; the state amount without it)."""
        return self.target_amount if self.target_amount is not None else self.state_amount


# --- step 2: plans and lines -----------------------------------------------------------


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    CONSULTATION = "consultation", _("In Abstimmung")
    PROPOSAL = "proposal", _("Beschlussvorlage")
    APPROVED = "approved", _("Beschlossen")


EDITABLE_STATES = (PlanState.DRAFT, PlanState.CONSULTATION)


def _may_edit(plan, user) -> bool:
    """Who may take the editors' workflow steps: the plan rule's "edit"."""
    from allocation.permissions import plan_policy  # cycle: allocation.permissions imports models

    return plan_policy.user_can(user, "edit", plan)


def _may_approve(plan, user) -> bool:
    """Who may decide: the plan rule's "approve" (the Jugendamt-Leitung)."""
    from allocation.permissions import plan_policy  # cycle: allocation.permissions imports models

    return plan_policy.user_can(user, "approve", plan)


def _consultation_time_over(plan) -> bool:
    """The Träger had the Jugendamt's minimum consultation time (or the Leitung shortened it)."""
    from allocation.selectors import consultation_earliest_submit  # cycle: selectors import models

    earliest = consultation_earliest_submit(plan)
    return earliest is None or timezone.localdate() >= earliest


class AllocationPlan(models.Model):
    """Per Sozialraum and budget year: which Kita gets which personnel in which strand.

    The state changes only through the transitions below, which only the services call
    (``allocation.services.workflow``, the proposal in ``plans``; with the audit event).
    """

    budget_year = models.ForeignKey(
        BudgetYear, on_delete=models.PROTECT, related_name="plans", verbose_name=_("Haushaltsjahr")
    )
    sozialraum = models.ForeignKey(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        related_name="allocation_plans",
        verbose_name=_("Sozialraum"),
    )
    state = FSMField(_("Status"), default=PlanState.DRAFT, choices=PlanState.choices, max_length=20)
    proposed_at = models.DateTimeField(_("Vorschlag erstellt am"), null=True, blank=True)
    approved_at = models.DateTimeField(_("beschlossen am"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beschlossen von"),
    )
    review_due = models.DateField(_("Überprüfung fällig am"), null=True, blank=True)
    # Four eyes (issue 12): who laid the plan before the Leitung, how long the Träger had
    # to comment, and a decision that was taken back.
    submitted_at = models.DateTimeField(
        _("zur Beschlussvorlage vorgelegt am"), null=True, blank=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vorgelegt von"),
    )
    consultation_started_at = models.DateTimeField(
        _("Abstimmung begonnen am"), null=True, blank=True
    )
    consultation_shortened_at = models.DateTimeField(
        _("Abstimmung verkürzt am"), null=True, blank=True
    )
    consultation_shortened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Abstimmung verkürzt von"),
    )
    consultation_shortened_reason = models.TextField(
        _("Begründung der Verkürzung (intern)"), blank=True
    )
    consultation_shortened_public_reason = models.TextField(
        _("Begründung der Verkürzung (für den Ausschuss)"), blank=True
    )
    revoked_approval_at = models.DateTimeField(
        _("zurückgenommener Beschluss vom"), null=True, blank=True
    )
    approval_revoked_at = models.DateTimeField(
        _("Beschluss zurückgenommen am"), null=True, blank=True
    )
    approval_revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Beschluss zurückgenommen von"),
    )
    approval_revoked_reason = models.TextField(_("Begründung der Rücknahme"), blank=True)
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zuletzt bearbeitet von"),
    )
    version = models.PositiveIntegerField(_("Version"), default=1)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Verteilungsplan")
        verbose_name_plural = _("Verteilungspläne")
        ordering = ["budget_year", "sozialraum__position", "sozialraum__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget_year", "sozialraum"], name="plan_unique_sozialraum_year"
            )
        ]

    def __str__(self):
        return f"{self.sozialraum} {self.budget_year}"

    @property
    def jugendamt_id(self):
        return self.sozialraum.jugendamt_id

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    @property
    def is_approved(self):
        return self.state == PlanState.APPROVED

    @property
    def shows_revoked_approval(self):
        """A decision was taken back and the plan has not been decided again since."""
        return bool(self.approval_revoked_at) and not self.is_approved

    @property
    def comments_open(self):
        """Träger comment while the plan is in consultation (the Jugendamt at any time)."""
        return self.state == PlanState.CONSULTATION

    # The workflow: every step in one place. ``permission`` asks the plan policy, so
    # ``get_available_user_state_transitions(user)`` is what the user may do now; ``custom``
    # holds the label and colour of the step's button on the plan page.
    @transition(field=state, source=PlanState.DRAFT, target=PlanState.DRAFT, permission=_may_edit)
    def propose(self):
        """Vorschlag nach Regel: only in Entwurf; the state stays."""

    @transition(
        field=state,
        source=PlanState.DRAFT,
        target=PlanState.CONSULTATION,
        permission=_may_edit,
        custom={"label": _("In Abstimmung geben"), "button": "btn-primary"},
    )
    def start_consultation(self):
        """Träger of the Sozialraum's Kitas can read and comment."""

    @transition(
        field=state,
        source=PlanState.CONSULTATION,
        target=PlanState.PROPOSAL,
        permission=_may_edit,
        conditions=[_consultation_time_over],
        custom={"label": _("Als Beschlussvorlage vorlegen"), "button": "btn-primary"},
    )
    def submit(self):
        """Beschlussvorlage: lines are frozen for the decision (not before the minimum
        consultation time is over)."""

    @transition(
        field=state,
        source=PlanState.PROPOSAL,
        target=PlanState.APPROVED,
        permission=_may_approve,
        custom={"label": _("Beschließen"), "button": "btn-success"},
    )
    def approve(self):
        """Decided by the Jugendamt-Leitung (four eyes, within budget: checked by the service)."""

    # Two sources, two rules: what is not yet decided goes back by its editors; a decision
    # is undone only by the Jugendamt-Leitung (four eyes: whoever prepared it cannot).
    @transition(
        field=state,
        source=PlanState.APPROVED,
        target=PlanState.DRAFT,
        permission=_may_approve,
        custom={
            "label": _("Beschluss zurücknehmen (zurück in den Entwurf)"),
            "button": "btn-outline-danger",
        },
    )
    @transition(
        field=state,
        source=[PlanState.CONSULTATION, PlanState.PROPOSAL],
        target=PlanState.DRAFT,
        permission=_may_edit,
        custom={
            "label": _("Überarbeitung (zurück in den Entwurf)"),
            "button": "btn-outline-danger",
        },
    )
    def rework(self):
        """Überarbeitung: back to Entwurf, with a reason."""


class Strand(models.TextChoices):
    FS1 = "FS1", _("FS1 Individuelle Kita-Sozialarbeit")
    FS2 = "FS2", _("FS2 Kommunikations- und Nachbarschaftszentrum")
    FS3 = "FS3", _("FS3 Interkulturelle Fachkraft")
    FS4 = "FS4", _("FS4 Betriebserlaubnisrelevantes Zusatzpersonal")


class AllocationLine(models.Model):
    """Kita · strand · FTE · annual personnel cost · state part (60 %) · justification."""

    plan = models.ForeignKey(
        AllocationPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("Plan")
    )
    kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        related_name="allocation_lines",
        verbose_name=_("Kita"),
    )
    strand = models.CharField(_("Förderstrang"), max_length=3, choices=Strand.choices)
    fte = models.DecimalField(_("Stellenanteil (VZÄ)"), max_digits=5, decimal_places=2)
    annual_cost = models.DecimalField(
        _("Personalkosten pro Jahr (€)"), max_digits=12, decimal_places=2
    )
    state_part = models.DecimalField(_("Landesanteil (€)"), max_digits=12, decimal_places=2)
    # The cost follows the FTE (FTE × the year's rate of the strand) unless staff set it
    # by hand with a reason, e.g. a known salary above the flat rate.
    cost_override = models.BooleanField(
        _("Personalkosten abweichend festgelegt"),
        default=False,
        help_text=_("Sonst: Stellenanteil × Kostensatz je Vollzeitstelle des Förderstrangs."),
    )
    cost_override_reason = models.TextField(_("Grund der abweichenden Personalkosten"), blank=True)
    justification = models.TextField(_("Begründung"), blank=True)
    qualification = models.CharField(_("Qualifikation"), max_length=200, blank=True)
    central_location = models.BooleanField(
        _("zentrale Lage bestätigt"), default=False, help_text=_("nur FS2")
    )
    cross_provider = models.BooleanField(
        _("trägerübergreifende Angebote zugesagt"), default=False, help_text=_("nur FS2")
    )
    from_proposal = models.BooleanField(_("aus dem Vorschlag"), default=False)
    # Issue 15: an FS2 line belongs to the Sozialraum's centre, an FS4 line to the accepted
    # request it grants; an FS3 exception (FM index only above the lower norm bound) counts
    # as eligible only once a second person (Leitung) accepted its justification.
    centre = models.ForeignKey(
        "foerderung.Centre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("Kommunikations- und Nachbarschaftszentrum"),
    )
    fs4_request = models.ForeignKey(
        "foerderung.Fs4Request",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("FS4-Antrag"),
    )
    exception_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Ausnahme anerkannt von"),
    )
    exception_accepted_at = models.DateTimeField(_("Ausnahme anerkannt am"), null=True, blank=True)
    version = models.PositiveIntegerField(_("Version"), default=1)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geändert von"),
    )

    class Meta:
        verbose_name = _("Verteilungszeile")
        verbose_name_plural = _("Verteilungszeilen")
        ordering = ["plan", "kita__name", "strand", "pk"]

    def __str__(self):
        return f"{self.kita} · {self.strand} · {german(self.fte)} VZÄ"

    @property
    def municipal_part(self):
        return self.annual_cost - self.state_part

    @property
    def short_label(self) -> str:
        """ "Kita X, FS1": how a comment names the line it refers to."""
        return f"{self.kita.name}, {self.strand}"

    @property
    def fte_rate(self) -> Decimal:
        """The annual cost of a full position in the line's strand and budget year."""
        return self.plan.budget_year.fte_cost(self.strand)

    @property
    def derived_cost(self) -> Decimal:
        """FTE × rate, rounded half up to the cent: the cost unless overridden."""
        return cost_of_fte(self.fte, self.fte_rate)

    def snapshot(self) -> dict:
        """The line's values as the audit trail keeps them."""
        return {
            "plan_id": self.plan_id,
            "kita_id": self.kita_id,
            "kita": self.kita.name,
            "strand": self.strand,
            "fte": str(self.fte),
            "annual_cost": str(self.annual_cost),
            "state_part": str(self.state_part),
            "justification": self.justification,
            "qualification": self.qualification,
            "central_location": self.central_location,
            "cross_provider": self.cross_provider,
            "cost_override": self.cost_override,
            "cost_override_reason": self.cost_override_reason,
        }


class PlanComment(models.Model):
    plan = models.ForeignKey(
        AllocationPlan, on_delete=models.CASCADE, related_name="comments", verbose_name=_("Plan")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verfasst von"),
    )
    # A Träger's comment may be about one line of the plan (one of their own Kitas';
    # checked by ``plan_comment_add``); none: about the plan as a whole.
    line = models.ForeignKey(
        AllocationLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("zu Zeile"),
    )
    # Issue 15: the Jugendamt's answer to a comment is a comment of its own that refers to
    # it (shown under it); answers are not answered again.
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("Antwort auf"),
    )
    text = models.TextField(_("Kommentar"))
    created_at = models.DateTimeField(_("verfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["plan", "created_at", "pk"]

    def __str__(self):
        return f"{self.author} · {self.created_at:%d.%m.%Y %H:%M}"


class ReallocationState(models.TextChoices):
    PROPOSED = "proposed", _("vorgeschlagen")
    APPROVED = "approved", _("genehmigt")
    REJECTED = "rejected", _("abgelehnt")


class Reallocation(models.Model):
    """Unspent state funds moved from one Sozialraum to (a Kita in) another; totals stay equal."""

    budget_year = models.ForeignKey(
        BudgetYear,
        on_delete=models.PROTECT,
        related_name="reallocations",
        verbose_name=_("Haushaltsjahr"),
    )
    from_sozialraum = models.ForeignKey(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        related_name="reallocations_out",
        verbose_name=_("von Sozialraum"),
    )
    to_sozialraum = models.ForeignKey(
        "sozialraeume.Sozialraum",
        on_delete=models.PROTECT,
        related_name="reallocations_in",
        verbose_name=_("an Sozialraum"),
    )
    to_kita = models.ForeignKey(
        "sozialraeume.Kita",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reallocations_in",
        verbose_name=_("für Kita"),
    )
    amount = models.DecimalField(_("Landesmittel (€)"), max_digits=12, decimal_places=2)
    # Issue 16: money that is only not yet planned, or money that the year's positions
    # really did not spend (vacancies, lower actual costs).
    source = models.CharField(
        _("Herkunft der Mittel"),
        max_length=10,
        choices=[
            ("planned", _("nicht verplant")),
            ("actual", _("tatsächlich nicht verausgabt")),
        ],
        default="planned",
    )
    reason = models.TextField(_("Begründung"))
    public_reason = models.TextField(
        _("Begründung für den Ausschuss"),
        blank=True,
        help_text=_("Wird im Bericht an den Jugendhilfeausschuss veröffentlicht; ohne Kita-Namen."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("erfasst von"),
    )
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)
    # Four eyes: a proposal moves money only once a second person (Jugendamt-Leitung,
    # not the proposer) approved it. Only the services change these fields.
    state = models.CharField(
        _("Status"),
        max_length=10,
        choices=ReallocationState.choices,
        default=ReallocationState.PROPOSED,
    )
    decided_by = decided_by_field()
    decided_at = decided_at_field()
    decision_reason = decision_reason_field()
    version = models.PositiveIntegerField(_("Version"), default=1)

    class Meta:
        verbose_name = _("Umverteilung")
        verbose_name_plural = _("Umverteilungen")
        ordering = ["budget_year", "created_at", "pk"]

    def __str__(self):
        return f"{self.from_sozialraum} → {self.to_sozialraum}: {german(self.amount)}\u00a0€"

    @property
    def jugendamt_id(self):
        return self.budget_year.jugendamt_id

    @property
    def is_open(self):
        return self.state == ReallocationState.PROPOSED
