"""Writes of actual personnel costs (issue 16, part P2; § 25 Abs. 5 KiTaG).

The Träger reports what a position it employs really cost, per month or per quarter (or
the Jugendamt's staff report it for the Träger); the Jugendamt confirms. A reported row
may be changed until it is confirmed. After that a change is a correction: a new row
that ``supersedes`` the confirmed one, with a reason, which a second person of the
Jugendamt confirms (four eyes); then the old row is "ersetzt" and the new one counts.

Rules of a period (German messages, the same for the form and the import):

- it begins on the first day of a month and ends on the last day of that month or of the
  quarter's third month (a quarter begins in January, April, July or October);
- it lies in the budget year and within the position's start and end (by month);
- it overlaps no other current row of the position.

The amount is euros to the cent, not negative, and at most twice the position's planned
cost per month times the months (``hard_limit``); above 120 % of the plan the pages warn
(``plan_warning``) but accept it.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events as audit_events
from positions.models import ActualCost, CostState, Position
from positions.permissions_costs import actual_cost_policy
from positions.selectors_costs import current_costs, months_of
from sozialraeume.models import User
from srb_project.numbers import localized

CENT = Decimal("0.01")
HARD_FACTOR = Decimal("2")
WARN_FACTOR = Decimal("1.2")
QUARTER_STARTS = (1, 4, 7, 10)
MAX_REASON = 2000


@dataclass(frozen=True)
class CostRow:
    """One row to report (from the form or a file): position, period, amount."""

    position: Position
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal
    line: int | None = None  # the file's line, for messages


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_label(period_start: datetime.date, period_end: datetime.date) -> str:
    """ "03/2026" or "04/2026–06/2026"."""
    if (period_start.year, period_start.month) == (period_end.year, period_end.month):
        return f"{period_start:%m/%Y}"
    return f"{period_start:%m/%Y}–{period_end:%m/%Y}"


def position_months_in_year(position: Position) -> list[datetime.date]:
    """The months of the budget year in which the position exists."""
    year = position.budget_year.year
    first = max(position.starts_on, datetime.date(year, 1, 1))
    last = min(position.ends_on or datetime.date(year, 12, 31), datetime.date(year, 12, 31))
    if last < first:
        return []
    return months_of(first.replace(day=1), last)


def planned_for(position: Position, months: int) -> Decimal:
    """The position's planned cost for ``months`` months: the planned cost of the year
    spread evenly over the months it exists in that year, rounded half up to the cent."""
    existing = len(position_months_in_year(position)) or 12
    return (position.planned_cost * months / existing).quantize(CENT, rounding=ROUND_HALF_UP)


def hard_limit(position: Position, months: int) -> Decimal:
    return (planned_for(position, months) * HARD_FACTOR).quantize(CENT, rounding=ROUND_HALF_UP)


def plan_warning(position: Position, period_start, period_end, amount: Decimal) -> str:
    """A German warning when ``amount`` is more than 120 % of the plan for the period, or
    ""; the amount is accepted all the same (up to ``hard_limit``)."""
    planned = planned_for(position, len(months_of(period_start, period_end)))
    if planned and amount > planned * WARN_FACTOR:
        return _(
            "Stelle %(number)s, %(period)s: %(amount)s € liegen deutlich über den geplanten "
            "%(planned)s €. Bitte prüfen Sie den Betrag."
        ) % {
            "number": position.number,
            "period": period_label(period_start, period_end),
            "amount": localized(amount),
            "planned": localized(planned),
        }
    return ""


def period_problems(
    position: Position,
    period_start: datetime.date,
    period_end: datetime.date,
    *,
    ignore: tuple[int, ...] = (),
    overlap: bool = True,
) -> list[str]:
    """What is wrong with a period for ``position`` (German, without the row's place);
    ``overlap=False`` leaves out the check against the rows already stored."""
    problems = []
    if period_start.day != 1:
        problems.append(_("Ein Zeitraum beginnt am ersten Tag eines Monats."))
    if period_end < period_start:
        return [*problems, _("Das Ende des Zeitraums liegt vor seinem Beginn.")]
    months = months_of(period_start, period_end)
    if period_end != month_end(period_end):
        problems.append(_("Ein Zeitraum endet am letzten Tag eines Monats."))
    if len(months) == 3:
        if period_start.month not in QUARTER_STARTS:
            problems.append(
                _("Ein Quartal beginnt im Januar, April, Juli oder Oktober (hier: %(period)s).")
                % {"period": period_label(period_start, period_end)}
            )
    elif len(months) != 1:
        problems.append(
            _("Bitte einen Monat oder ein Quartal melden (hier: %(period)s).")
            % {"period": period_label(period_start, period_end)}
        )
    year = position.budget_year.year
    if period_start.year != year or period_end.year != year:
        problems.append(
            _("Der Zeitraum %(period)s liegt nicht im Haushaltsjahr %(year)s.")
            % {"period": period_label(period_start, period_end), "year": year}
        )
    elif period_start < position.starts_on.replace(day=1) or (
        position.ends_on and period_end > month_end(position.ends_on)
    ):
        problems.append(
            _("Die Stelle %(number)s besteht im Zeitraum %(period)s nicht (vom %(start)s%(end)s).")
            % {
                "number": position.number,
                "period": period_label(period_start, period_end),
                "start": f"{position.starts_on:%d.%m.%Y}",
                "end": (
                    " " + _("bis %(date)s") % {"date": f"{position.ends_on:%d.%m.%Y}"}
                    if position.ends_on
                    else ""
                ),
            }
        )
    if problems or not overlap:
        return problems
    overlapping = (
        ActualCost.objects.filter(
            current_costs(),
            position=position,
            period_start__lte=period_end,
            period_end__gte=period_start,
        )
        .exclude(pk__in=ignore)
        .order_by("period_start")
        .first()
    )
    if overlapping is not None:
        problems.append(
            _(
                "Für die Stelle %(number)s sind für %(period)s schon Ist-Kosten gemeldet "
                "(%(state)s)."
            )
            % {
                "number": position.number,
                "period": period_label(overlapping.period_start, overlapping.period_end),
                "state": overlapping.get_state_display(),
            }
        )
    return problems


def amount_problems(position: Position, period_start, period_end, amount: Decimal) -> list[str]:
    if amount < 0:
        return [_("Ist-Kosten können nicht negativ sein.")]
    if amount != amount.quantize(CENT):
        return [_("Bitte auf den Cent genau angeben.")]
    limit = hard_limit(position, len(months_of(period_start, period_end)))
    if amount > limit:
        return [
            _(
                "%(amount)s € sind mehr als das Doppelte der geplanten Kosten für %(period)s "
                "(höchstens %(limit)s €). Bitte prüfen Sie den Betrag."
            )
            % {
                "amount": localized(amount),
                "period": period_label(period_start, period_end),
                "limit": localized(limit),
            }
        ]
    return []


def _snapshot(cost: ActualCost) -> dict:
    return {
        "position_id": cost.position_id,
        "position": cost.position.number,
        "period_start": cost.period_start.isoformat(),
        "period_end": cost.period_end.isoformat(),
        "amount": str(cost.amount),
        "state": cost.state,
    }


def _record(action: str, cost: ActualCost, *, actor, old=None, new=None, reason=""):
    audit_events.record(
        actor=actor,
        action=action,
        obj=cost,
        jugendamt_id=cost.position.budget_year.jugendamt_id,
        old=old,
        new=new,
        reason=reason,
    )


def _locked_position(position_id: int) -> Position:
    return (
        Position.objects.select_for_update(of=("self",))
        .select_related("budget_year", "kita", "employer")
        .get(pk=position_id)
    )


def _check(problems: list[str]) -> None:
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def actual_cost_report(
    *,
    position_id: int,
    period_start: datetime.date,
    period_end: datetime.date,
    amount: Decimal,
    acting_user: User,
) -> ActualCost:
    """Report the actual cost of a position for a month or a quarter (state reported)."""
    position = _locked_position(position_id)
    if not actual_cost_policy.user_can(acting_user, "report", position):
        raise PermissionDenied(_("Sie dürfen für diese Stelle keine Ist-Kosten melden."))
    amount = Decimal(amount)
    _check(
        period_problems(position, period_start, period_end)
        or amount_problems(position, period_start, period_end, amount)
    )
    cost = ActualCost.objects.create(
        position=position,
        period_start=period_start,
        period_end=period_end,
        amount=amount,
        state=CostState.REPORTED,
        reported_by=acting_user,
    )
    _record("actual_cost.report", cost, actor=acting_user, new=_snapshot(cost))
    return cost


def _open_cost(cost_id: int) -> ActualCost:
    return (
        ActualCost.objects.select_for_update(of=("self",))
        .select_related("position", "position__budget_year")
        .get(pk=cost_id)
    )


@transaction.atomic
def actual_cost_change(
    *,
    cost_id: int,
    period_start: datetime.date,
    period_end: datetime.date,
    amount: Decimal,
    acting_user: User,
) -> ActualCost:
    """Change a row that is not confirmed yet (period and amount). A correction waiting
    for confirmation may be changed only by the person who proposed it."""
    cost = _open_cost(cost_id)
    if not actual_cost_policy.user_can(acting_user, "report", cost):
        raise PermissionDenied(_("Sie dürfen diese Ist-Kosten nicht ändern."))
    if cost.state != CostState.REPORTED:
        raise ValidationError(
            _(
                "Bestätigte Ist-Kosten werden nicht mehr geändert; bitte schlagen Sie eine "
                "Korrektur vor."
            )
        )
    if cost.supersedes_id:
        if cost.reported_by_id != acting_user.pk:
            raise PermissionDenied(_("Nur wer die Korrektur vorgeschlagen hat, darf sie ändern."))
        if (period_start, period_end) != (cost.period_start, cost.period_end):
            raise ValidationError(_("Eine Korrektur gilt für den Zeitraum der Meldung."))
    amount = Decimal(amount)
    problems = (
        []
        if cost.supersedes_id
        else period_problems(cost.position, period_start, period_end, ignore=(cost.pk,))
    )
    _check(problems or amount_problems(cost.position, period_start, period_end, amount))
    old = _snapshot(cost)
    cost.period_start, cost.period_end, cost.amount = period_start, period_end, amount
    cost.save(update_fields=["period_start", "period_end", "amount"])
    _record("actual_cost.change", cost, actor=acting_user, old=old, new=_snapshot(cost))
    return cost


@transaction.atomic
def actual_cost_correct(
    *, cost_id: int, amount: Decimal, reason: str, acting_user: User
) -> ActualCost:
    """Propose a correction of a confirmed row: a new reported row for the same period
    with the corrected amount and the reason; a second person confirms it."""
    cost = _open_cost(cost_id)
    if not actual_cost_policy.user_can(acting_user, "report", cost):
        raise PermissionDenied(_("Sie dürfen diese Ist-Kosten nicht korrigieren."))
    if cost.state != CostState.CONFIRMED:
        raise ValidationError(
            _("Nur bestätigte Ist-Kosten werden korrigiert; gemeldete können Sie ändern.")
        )
    if cost.corrections.exists():
        raise ValidationError(
            _("Für diese Ist-Kosten wartet schon eine Korrektur auf die Bestätigung.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Bitte geben Sie den Grund der Korrektur an."))
    if len(reason) > MAX_REASON:
        raise ValidationError(
            _("Der Grund ist zu lang (höchstens %(max)s Zeichen).") % {"max": MAX_REASON}
        )
    amount = Decimal(amount)
    if amount == cost.amount:
        raise ValidationError(_("Der korrigierte Betrag ist derselbe wie der bestätigte."))
    _check(amount_problems(cost.position, cost.period_start, cost.period_end, amount))
    correction = ActualCost.objects.create(
        position=cost.position,
        period_start=cost.period_start,
        period_end=cost.period_end,
        amount=amount,
        state=CostState.REPORTED,
        reported_by=acting_user,
        supersedes=cost,
        correction_reason=reason,
    )
    new = {**_snapshot(correction), "supersedes_id": cost.pk, "correction_reason": reason}
    _record(
        "actual_cost.correct",
        correction,
        actor=acting_user,
        old=_snapshot(cost),
        new=new,
        reason=reason,
    )
    return correction


@transaction.atomic
def actual_cost_confirm(*, cost_id: int, acting_user: User) -> ActualCost:
    """The Jugendamt confirms a reported row. A correction needs a second person: the
    one who proposed it cannot confirm it; confirmed, it replaces the old row."""
    cost = _open_cost(cost_id)
    if not actual_cost_policy.user_can(acting_user, "confirm", cost):
        reason = actual_cost_policy.reason_not(acting_user, "confirm", cost)
        raise PermissionDenied(reason or _("Sie dürfen Ist-Kosten nicht bestätigen."))
    now = timezone.now()
    old = None
    if cost.supersedes_id:
        replaced = _open_cost(cost.supersedes_id)
        old = _snapshot(replaced)
        replaced.state = CostState.SUPERSEDED
        replaced.save(update_fields=["state"])
    before = _snapshot(cost)
    cost.state = CostState.CONFIRMED
    cost.confirmed_by = acting_user
    cost.confirmed_at = now
    cost.save(update_fields=["state", "confirmed_by", "confirmed_at"])
    new = _snapshot(cost)
    if cost.supersedes_id:
        new.update(supersedes_id=cost.supersedes_id, correction_reason=cost.correction_reason)
    _record("actual_cost.confirm", cost, actor=acting_user, old=old or before, new=new)
    return cost


@transaction.atomic
def actual_cost_import(
    *, budget_year, rows: list[CostRow], acting_user: User, source: str = ""
) -> dict:
    """Write the rows of a checked file, all or nothing: a row for a period that is
    already reported (not confirmed) with exactly that period changes its amount, every
    other row is reported new. Any problem raises ValidationError (German, per file line)
    and nothing is written. Returns {"reported": n, "changed": n, "total": Decimal}."""
    problems: list[str] = []
    reported = changed = 0
    total = Decimal("0.00")
    for row in rows:
        where = _("Zeile %(line)s: ") % {"line": row.line} if row.line else ""
        if row.position.budget_year_id != budget_year.pk:
            problems.append(where + _("Die Stelle gehört nicht zu diesem Haushaltsjahr."))
            continue
        existing = ActualCost.objects.filter(
            current_costs(),
            position=row.position,
            period_start=row.period_start,
            period_end=row.period_end,
        ).first()
        try:
            if existing is not None and existing.state == CostState.CONFIRMED:
                if existing.amount != row.amount:
                    problems.append(
                        where
                        + _(
                            "Die Ist-Kosten der Stelle %(number)s für %(period)s sind schon "
                            "bestätigt; eine Änderung ist eine Korrektur (auf der Seite der "
                            "Ist-Kosten)."
                        )
                        % {
                            "number": row.position.number,
                            "period": period_label(row.period_start, row.period_end),
                        }
                    )
            elif existing is not None:
                if existing.amount != row.amount:
                    actual_cost_change(
                        cost_id=existing.pk,
                        period_start=row.period_start,
                        period_end=row.period_end,
                        amount=row.amount,
                        acting_user=acting_user,
                    )
                    changed += 1
            else:
                actual_cost_report(
                    position_id=row.position.pk,
                    period_start=row.period_start,
                    period_end=row.period_end,
                    amount=row.amount,
                    acting_user=acting_user,
                )
                reported += 1
        except ValidationError as exc:
            problems.extend(where + message for message in exc.messages)
        except PermissionDenied:
            problems.append(
                where
                + _("Stelle %(number)s ist unbekannt oder nicht Ihre.")
                % {"number": row.position.number}
            )
        total += row.amount
    if problems:
        raise ValidationError(problems)
    audit_events.record(
        actor=acting_user,
        action="actual_cost.import",
        obj=budget_year,
        jugendamt_id=budget_year.jugendamt_id,
        new={
            "source": source[:200],
            "rows": len(rows),
            "reported": reported,
            "changed": changed,
            "total": str(total),
        },
    )
    return {"reported": reported, "changed": changed, "total": total}
