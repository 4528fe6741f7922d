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
from allocation import transition
from allocation.models import AllocationPlan, BudgetYear, SozialraumShare
from allocation.permissions import budget_year_policy
from allocation.services import lines as line_services
from allocation.services.common import Number, eur_text, fte_step_value, money
from allocation.services.plans import plan_create
from audit import events as audit_events
from sozialraeume.models import Sozialraum, User
from srb_project.numbers import localized
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


def _previous_amounts(by: BudgetYear) -> dict[str, Decimal]:
    """The previous budget year's state amount per Sozialraum name (its transitional
    amount where the rule was on; before reallocations): the transition's bounds."""
    return {
        s.sozialraum.name: s.state_amount
        for s in SozialraumShare.objects.filter(
            budget_year__jugendamt_id=by.jugendamt_id, budget_year__year=by.year - 1
        ).select_related("sozialraum")
    }


def _year_amounts(
    by: BudgetYear, points: dict
) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Decimal], bool]:
    """Percent, target and state amount per Sozialraum name, and whether the transition
    rule made them (issue 18). Without the rule the state amount is the target, the share
    of the allocation as in step 1 (``distribution.sozialraum_amounts``); with it the
    transitional amount of ``transition.phased_amounts`` against the previous year."""
    percents = d.sozialraum_percents(points)
    targets = d.sozialraum_amounts(points, by.state_budget)
    if by.transition_cap is None:
        return percents, targets, targets, False
    result = transition.phased_amounts(
        targets=targets,
        previous=_previous_amounts(by),
        budget=by.state_budget,
        cap_percent=by.transition_cap,
    )
    return percents, targets, result.amounts, True


def _transition_note(by: BudgetYear) -> str:
    return _("Übergangsregel: höchstens %(cap)s %% Änderung gegenüber dem Vorjahr.") % {
        "cap": localized(by.transition_cap)
    }


def _share_entry(percent, state_amount, target_amount, phased: bool) -> dict:
    entry = {"percent": str(percent), "state_amount": str(state_amount)}
    if phased:
        entry["target_amount"] = str(target_amount)
    return entry


def _shares_recompute(by: BudgetYear, *, acting_user: User, reason: str) -> None:
    """Apportion the stored shares again (a new allocation or a new transition rule).

    The shares keep each Sozialraum's Gesamtindex (``SozialraumShare.gesamt``), so the
    amount goes over the same values by the one largest-remainder rule
    (``distribution.sozialraum_amounts``), and through the transition rule when it is on:
    the Sozialraum amounts add up to the allocation to the cent in the same transaction.
    Shares stored without a Gesamtindex (none written by ``budget_year_apply_shares``)
    count with their stored percent. An approved plan above its new amount stays
    approved; the budget page warns about it (``selectors.BudgetOverview.
    plans_over_new_amount``)."""
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
    percents, targets, amounts, phased = _year_amounts(by, points)
    old = {}
    new = {}
    for s in shares:
        name = s.sozialraum.name
        old[name] = _share_entry(s.percent, s.state_amount, s.target, phased)
        s.percent, s.state_amount = percents[name], amounts[name]
        s.target_amount = targets[name]
        new[name] = _share_entry(s.percent, s.state_amount, s.target_amount, phased)
    SozialraumShare.objects.bulk_update(shares, ["percent", "state_amount", "target_amount"])
    audit_events.record(
        actor=acting_user,
        action="budget_year.shares_phased" if phased else "budget_year.shares",
        obj=by,
        jugendamt_id=by.jugendamt_id,
        old=old,
        new=new,
        reason=f"{reason} {_transition_note(by)}" if phased else reason,
    )


def _shares_reapportion(by: BudgetYear, *, old_budget: str, acting_user: User) -> None:
    """A changed state allocation is apportioned again over the stored shares at once
    (``_shares_recompute``). Called inside ``budget_year_save``."""
    _shares_recompute(
        by,
        acting_user=acting_user,
        reason=_(
            "Landeszuweisung geändert (%(old)s € → %(new)s €): Anteile auf den neuen Betrag "
            "verteilt."
        )
        % {"old": eur_text(Decimal(old_budget)), "new": eur_text(by.state_budget)},
    )


@transaction.atomic
def budget_year_transition_set(
    *,
    budget_year: BudgetYear,
    cap_percent: Number | None,
    acting_user: User,
    reason: str = "",
) -> BudgetYear:
    """Switch the phased transition of a budget year on (``cap_percent``: at most this
    percent change of a Sozialraum's state amount against the previous year), change it,
    or switch it off (None). Shares already applied are apportioned again at once, so
    plans, execution and proof of use read the new amounts; audited as
    ``budget_year.transition_set`` (and the shares' event)."""
    by = BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
    if not budget_year_policy.user_can(acting_user, "manage", by):
        raise PermissionDenied
    cap = None
    if cap_percent is not None:
        cap = Decimal(str(cap_percent))
        if not cap.is_finite() or cap != cap.quantize(d.CENT) or not 0 < cap <= 100:
            raise ValidationError(
                _(
                    "Die höchste Änderung je Jahr muss über 0 und höchstens 100 %% liegen, "
                    "mit höchstens zwei Nachkommastellen (z. B. 10 oder 7,5)."
                )
                % {}
            )
    if by.transition_cap == cap:
        return by
    old = {"transition_cap": str(by.transition_cap) if by.transition_cap is not None else None}
    by.transition_cap = cap
    by.save(update_fields=["transition_cap"])
    audit_events.record(
        actor=acting_user,
        action="budget_year.transition_set",
        obj=by,
        jugendamt_id=by.jugendamt_id,
        old=old,
        new={"transition_cap": str(cap) if cap is not None else None},
        reason=reason,
    )
    _shares_recompute(
        by,
        acting_user=acting_user,
        reason=reason
        or (
            _("Übergangsregel geändert: Anteile neu berechnet.")
            if cap is not None
            else _("Übergangsregel ausgeschaltet: Anteile neu berechnet.")
        ),
    )
    budget_year.transition_cap = by.transition_cap
    return by


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
    # Issue 18: with the transition rule on, the state amount is the transitional one.
    percents, targets, amounts, phased = _year_amounts(budget_year, points)
    old = {
        s.sozialraum.name: _share_entry(s.percent, s.state_amount, s.target, phased)
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
                "target_amount": targets[sr.name],
                "index_run": ctx.run,
            },
        )
        shares.append(share)
    new = {
        name: _share_entry(percents[name], amounts[name], targets[name], phased) for name in points
    }
    for name, info in carried.items():
        new[name]["carried_forward"] = info
    if old != new:
        reason = reason or _("Anteile aus %(run)s") % {"run": ctx.run}
        audit_events.record(
            actor=acting_user,
            action="budget_year.shares_phased" if phased else "budget_year.shares",
            obj=budget_year,
            jugendamt_id=budget_year.jugendamt_id,
            old=old or None,
            new=new,
            reason=f"{reason} {_transition_note(budget_year)}" if phased else reason,
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
