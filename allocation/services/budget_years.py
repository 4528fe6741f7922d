"""Writes on budget years: the state's allocation, step 1 (Sozialraum shares), the plans.

Every service is keyword-only, asks the budget-year policy, runs in one transaction
and writes its audit event in it.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from allocation import distribution as d
from allocation import eligibility as elig
from allocation.models import AllocationPlan, BudgetYear, SozialraumShare
from allocation.permissions import budget_year_policy
from allocation.services import lines as line_services
from allocation.services.common import Number, eur_text, fte_step_value, money
from allocation.services.plans import plan_create
from audit import events as audit_events
from sozialraeume.models import Sozialraum, User
from surveys.models import SurveyRound


def _budget_snapshot(by: BudgetYear) -> dict:
    return {
        "year": by.year,
        "label": by.label,
        "state_budget": str(by.state_budget),
        "own_figure": by.own_figure,
        "round": str(by.round) if by.round_id else None,
        "fte_costs": by.fte_costs,
        "fte_step": str(by.fte_step),
    }


@transaction.atomic
def budget_year_save(
    *,
    jugendamt_id: int,
    year: int,
    acting_user: User,
    state_budget: Number | None = None,
    label: str | None = None,
    round: SurveyRound | None = None,
    fte_costs: dict[str, Number] | None = None,
    fte_step: Number | None = None,
    reason: str = "",
) -> BudgetYear:
    """Create or change a budget year (the state's allocation and where its shares come from).

    Without ``state_budget`` the default rule applies: previous year's allocation × 1,025,
    rounded half up to whole euros. A changed allocation of a year whose shares are applied
    is apportioned over them again in the same transaction (``_shares_reapportion``), so
    the Sozialraum amounts always add up to the allocation.
    """
    if not budget_year_policy.user_can(acting_user, "manage", jugendamt_id):
        raise PermissionDenied
    if round is not None and round.jugendamt_id != jugendamt_id:
        raise ValidationError(_("Die Erhebungsrunde gehört zu einem anderen Jugendamt."))
    if not isinstance(year, int) or not 1900 <= year <= 2999:
        raise ValidationError(_("Das Haushaltsjahr „%(year)s“ ist ungültig.") % {"year": year})
    if fte_step is not None:
        fte_step = fte_step_value(fte_step)
    by = BudgetYear.objects.select_for_update().filter(jugendamt_id=jugendamt_id, year=year).first()
    old = _budget_snapshot(by) if by else None
    if by is None:
        by = BudgetYear(jugendamt_id=jugendamt_id, year=year)
    if state_budget is None:
        previous = BudgetYear.objects.filter(jugendamt_id=jugendamt_id, year=year - 1).first()
        if previous is None:
            if by.pk is None:
                raise ValidationError(
                    _("Für %(year)s ist kein Betrag angegeben und es gibt kein Vorjahr.")
                    % {"year": year}
                )
        else:
            by.state_budget = d.default_budget(previous.state_budget).quantize(d.CENT)
            by.own_figure = False
    else:
        by.state_budget = money(state_budget, _("Die Landeszuweisung"))
        by.own_figure = True
    if label is not None:
        by.label = label
    if round is not None:
        by.round = round
    rates_before = by.fte_cost_rates() if by.pk else None
    if fte_costs is not None:
        by.fte_costs = {k: str(money(v, k)) for k, v in fte_costs.items()}
    if fte_step is not None:
        by.fte_step = fte_step
    by.save()
    audit_events.record(
        actor=acting_user,
        action="budget_year.update" if old else "budget_year.create",
        obj=by,
        jugendamt_id=jugendamt_id,
        old=old,
        new=_budget_snapshot(by),
        reason=reason,
    )
    if old and old["state_budget"] != str(by.state_budget):
        _shares_reapportion(by, old_budget=old["state_budget"], acting_user=acting_user)
    if rates_before is not None and rates_before != by.fte_cost_rates():
        # The cost of a line follows its FTE: editable plans follow the new rates.
        line_services.lines_reprice(budget_year=by, acting_user=acting_user)
    return by


def _shares_reapportion(by: BudgetYear, *, old_budget: str, acting_user: User) -> None:
    """A changed state allocation is apportioned again over the stored shares at once.

    The shares keep each Sozialraum's Gesamtindex (``SozialraumShare.gesamt``), so the new
    amount goes over the same values by the one largest-remainder rule
    (``distribution.sozialraum_amounts``): the Sozialraum amounts add up to the new
    allocation to the cent in the same transaction. Shares stored without a Gesamtindex
    (none written by ``budget_year_apply_shares``) count with their stored percent. An
    approved plan above its new amount stays approved; the budget page warns about it
    (``selectors.BudgetOverview.plans_over_new_amount``). Called inside ``budget_year_save``.
    """
    shares = list(
        SozialraumShare.objects.select_for_update()
        .filter(budget_year=by)
        .select_related("sozialraum")
        .order_by("sozialraum__position", "sozialraum__name")
    )
    if not shares:
        return  # step 1 not taken yet: nothing to re-apportion
    if all(s.gesamt is not None for s in shares):
        points = {s.sozialraum.name: s.gesamt for s in shares}
    else:
        points = {s.sozialraum.name: s.percent for s in shares}
    percents = d.sozialraum_percents(points)
    amounts = d.sozialraum_amounts(points, by.state_budget)
    old = {}
    new = {}
    for s in shares:
        name = s.sozialraum.name
        old[name] = {"percent": str(s.percent), "state_amount": str(s.state_amount)}
        s.percent, s.state_amount = percents[name], amounts[name]
        new[name] = {"percent": str(s.percent), "state_amount": str(s.state_amount)}
    SozialraumShare.objects.bulk_update(shares, ["percent", "state_amount"])
    audit_events.record(
        actor=acting_user,
        action="budget_year.shares",
        obj=by,
        jugendamt_id=by.jugendamt_id,
        old=old,
        new=new,
        reason=_(
            "Landeszuweisung geändert (%(old)s € → %(new)s €): Anteile auf den neuen Betrag "
            "verteilt."
        )
        % {"old": eur_text(Decimal(old_budget)), "new": eur_text(by.state_budget)},
    )


@transaction.atomic
def budget_year_apply_shares(
    *,
    budget_year: BudgetYear,
    acting_user: User,
    reason: str = "",
    carry_forward: bool = False,
) -> list[SozialraumShare]:
    """Step 1: the Sozialraum shares and state amounts from the round's published index run.

    Refuses while the budget year's round is not closed (its result is provisional).

    Refuses with an error naming the Sozialräume without a Gesamtindex (section 4),
    unless ``carry_forward`` is given: then such a Sozialraum keeps the Gesamtindex
    of its latest earlier share from another round, and the audit event says so.
    """
    if not budget_year_policy.user_can(acting_user, "manage", budget_year):
        raise PermissionDenied
    survey_round = budget_year.round
    if survey_round is not None and survey_round.state != SurveyRound.State.GESCHLOSSEN:
        # Shares come from a published result only: an open round's is provisional.
        raise ValidationError(
            _(
                "Die Anteile können nicht aus %(round)s übernommen werden: Die Runde ist "
                "noch nicht geschlossen, ihr Ergebnis ist vorläufig und nicht veröffentlicht. "
                "Schließen Sie die Runde oder wählen Sie für das Haushaltsjahr eine "
                "geschlossene Erhebungsrunde."
            )
            % {"round": survey_round}
        )
    ctx = elig.index_context(budget_year)
    if ctx.run is None:
        raise ValidationError(
            _("Für die Erhebungsrunde des Haushaltsjahres gibt es keine fertige Indexberechnung.")
        )
    values = {sv.sozialraum_id: sv.gesamt for sv in ctx.run.sozialraum_values.all()}
    sozialraeume = list(
        Sozialraum.objects.filter(jugendamt_id=budget_year.jugendamt_id).order_by(
            "position", "name"
        )
    )
    carried = {}
    if carry_forward:
        for sr in sozialraeume:
            if values.get(sr.pk) is not None:
                continue
            earlier = (
                SozialraumShare.objects.filter(sozialraum=sr, gesamt__isnull=False)
                .exclude(budget_year__round_id=budget_year.round_id)
                .order_by("-budget_year__year")
                .first()
            )
            if earlier is not None:
                values[sr.pk] = earlier.gesamt
                carried[sr.name] = {"gesamt": earlier.gesamt, "from": str(earlier.budget_year)}
    missing = [sr.name for sr in sozialraeume if values.get(sr.pk) is None]
    if missing:
        raise ValidationError(
            _("Ohne Gesamtindex kann nicht verteilt werden: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    points = {sr.name: values[sr.pk] for sr in sozialraeume}
    percents = d.sozialraum_percents(points)
    amounts = d.sozialraum_amounts(points, budget_year.state_budget)
    old = {
        s.sozialraum.name: {"percent": str(s.percent), "state_amount": str(s.state_amount)}
        for s in budget_year.shares.select_related("sozialraum")
    }
    shares = []
    for sr in sozialraeume:
        share, _created = SozialraumShare.objects.update_or_create(
            budget_year=budget_year,
            sozialraum=sr,
            defaults={
                "gesamt": values[sr.pk],
                "percent": percents[sr.name],
                "state_amount": amounts[sr.name],
                "index_run": ctx.run,
            },
        )
        shares.append(share)
    new = {
        name: {"percent": str(percents[name]), "state_amount": str(amounts[name])}
        for name in points
    }
    for name, info in carried.items():
        new[name]["carried_forward"] = info
    if old != new:
        audit_events.record(
            actor=acting_user,
            action="budget_year.shares",
            obj=budget_year,
            jugendamt_id=budget_year.jugendamt_id,
            old=old or None,
            new=new,
            reason=reason or _("Anteile aus %(run)s") % {"run": ctx.run},
        )
    return shares


@transaction.atomic
def budget_year_create_plans(*, budget_year: BudgetYear, acting_user: User) -> list[AllocationPlan]:
    """One plan per Sozialraum of the year's Jugendamt; existing plans are kept as they are."""
    if not budget_year_policy.user_can(acting_user, "manage", budget_year):
        raise PermissionDenied
    return [
        plan_create(budget_year=budget_year, sozialraum=sr, acting_user=acting_user)
        for sr in Sozialraum.objects.filter(jugendamt_id=budget_year.jugendamt_id).order_by(
            "position", "name"
        )
    ]


def budget_year_delete_blockers(budget_year: BudgetYear) -> list[str]:
    """What keeps a budget year from being deleted, in German (empty: nothing)."""
    blockers = []
    shares = budget_year.shares.count()
    if shares:
        blockers.append(
            ngettext("%(n)s Anteil eines Sozialraums", "%(n)s Anteile der Sozialräume", shares)
            % {"n": shares}
        )
    plans = budget_year.plans.count()
    if plans:
        blockers.append(
            ngettext("%(n)s Verteilungsplan", "%(n)s Verteilungspläne", plans) % {"n": plans}
        )
    reallocations = budget_year.reallocations.count()
    if reallocations:
        blockers.append(
            ngettext("%(n)s Umverteilung", "%(n)s Umverteilungen", reallocations)
            % {"n": reallocations}
        )
    return blockers


def budget_year_undeletable_message(budget_year: BudgetYear) -> str:
    """Why ``budget_year`` cannot be deleted, in German ("" if it can)."""
    blockers = budget_year_delete_blockers(budget_year)
    if not blockers:
        return ""
    return _(
        "Das Haushaltsjahr %(year)s kann nicht gelöscht werden: Es hat %(what)s. Ein "
        "Haushaltsjahr mit Anteilen, Plänen oder Umverteilungen bleibt als Grundlage der "
        "Verteilung und als Nachweis erhalten."
    ) % {"year": budget_year, "what": ", ".join(blockers)}


@transaction.atomic
def budget_year_delete(*, budget_year: BudgetYear, acting_user: User) -> None:
    """Delete a budget year that nothing rests on yet (no shares, plans or reallocations),
    audited with its last values; any other is refused with a ValidationError and stays."""
    by = BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
    if not budget_year_policy.user_can(acting_user, "manage", by):
        raise PermissionDenied
    message = budget_year_undeletable_message(by)
    if message:
        raise ValidationError(message)
    audit_events.record(
        actor=acting_user,
        action="budget_year.delete",
        obj=by,
        jugendamt_id=by.jugendamt_id,
        old=_budget_snapshot(by),
    )
    by.delete()
