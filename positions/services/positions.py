"""Positions made from an approved plan's lines, the qualification catalogue, months filled
or vacant, shares per Kita and the check of the qualification's proof (issue 16, part P1).

Every write checks the position policy, runs in one transaction and records its audit
event there.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from allocation.models import AllocationLine, BudgetYear, PlanState
from audit import events as audit_events
from positions.models import Position, PositionMonth, PositionShare, Qualification
from positions.permissions import position_policy, qualification_policy
from sozialraeume.models import Jugendamt, Kita, Traeger, User
from srb_project.numbers import german

CENT = Decimal("0.01")
LEGAL_BASIS = "§ 3 Fachkräfteverordnung (KiTaG RLP)"

# The default catalogue of a Jugendamt that has none (code, name); stored values stay
# German (they are the Jugendamt's own entries, which it may change).
DEFAULT_QUALIFICATIONS = (
    ("ERZ", "staatlich anerkannte Erzieherin/Erzieher"),
    ("SOZPAED", "Sozialpädagogin/Sozialpädagoge (B.A.)"),
    ("SOZARB", "Sozialarbeiterin/Sozialarbeiter (B.A.)"),
    ("HEILPAED", "Heilpädagogin/Heilpädagoge"),
    ("KINDPAED", "Kindheitspädagogin/Kindheitspädagoge (B.A.)"),
    ("SONST", "sonstige Fachkraft nach Einzelfallprüfung"),
)


# --- the qualification catalogue -------------------------------------------------------


def _qualification_snapshot(q: Qualification) -> dict:
    return {"code": q.code, "name": q.name, "legal_basis": q.legal_basis, "active": q.active}


@transaction.atomic
def qualifications_ensure_defaults(
    jugendamt: Jugendamt, *, acting_user: User | None = None
) -> list[Qualification]:
    """The default catalogue for a Jugendamt that has no qualification yet (none otherwise:
    a Jugendamt that deactivated every entry keeps its choice)."""
    if Qualification.objects.filter(jugendamt=jugendamt).exists():
        return []
    created = []
    for position, (code, name) in enumerate(DEFAULT_QUALIFICATIONS, start=1):
        q = Qualification.objects.create(
            jugendamt=jugendamt, code=code, name=name, legal_basis=LEGAL_BASIS, position=position
        )
        audit_events.record(
            actor=acting_user,
            action="qualification.create",
            obj=q,
            jugendamt_id=jugendamt.pk,
            new=_qualification_snapshot(q),
            reason=_("Standardkatalog"),
        )
        created.append(q)
    return created


@transaction.atomic
def qualification_create(
    *, jugendamt: Jugendamt, code: str, name: str, legal_basis: str = "", acting_user: User
) -> Qualification:
    """Add an entry to the Jugendamt's catalogue (its code once per Jugendamt)."""
    if not qualification_policy.user_can(acting_user, "manage", jugendamt):
        raise PermissionDenied
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise ValidationError(_("Bitte geben Sie Kürzel und Bezeichnung an."))
    if Qualification.objects.filter(jugendamt=jugendamt, code__iexact=code).exists():
        raise ValidationError(
            _("Das Kürzel „%(code)s“ ist im Katalog schon vergeben.") % {"code": code}
        )
    last = Qualification.objects.filter(jugendamt=jugendamt).order_by("-position").first()
    q = Qualification.objects.create(
        jugendamt=jugendamt,
        code=code,
        name=name,
        legal_basis=(legal_basis or "").strip(),
        position=(last.position + 1) if last else 1,
    )
    audit_events.record(
        actor=acting_user,
        action="qualification.create",
        obj=q,
        jugendamt_id=jugendamt.pk,
        new=_qualification_snapshot(q),
    )
    return q


@transaction.atomic
def qualification_set_active(
    *, qualification: Qualification, active: bool, acting_user: User
) -> Qualification:
    """Deactivate an entry (positions keep it; new choices no longer offer it) or
    activate it again."""
    if not qualification_policy.user_can(acting_user, "manage", qualification):
        raise PermissionDenied
    q = Qualification.objects.select_for_update().get(pk=qualification.pk)
    if q.active == active:
        return q
    old = _qualification_snapshot(q)
    q.active = active
    q.save(update_fields=["active"])
    audit_events.record(
        actor=acting_user,
        action="qualification.change",
        obj=q,
        jugendamt_id=q.jugendamt_id,
        old=old,
        new=_qualification_snapshot(q),
    )
    return q


# --- positions -------------------------------------------------------------------------


def snapshot(position: Position) -> dict:
    """The position's values as the audit trail keeps them."""
    checked_by = position.qualification_checked_by
    return {
        "number": position.number,
        "budget_year": str(position.budget_year.year),
        "line_id": position.line_id,
        "continues_id": position.continues_id,
        "kita_id": position.kita_id,
        "kita": position.kita.name,
        "strand": position.strand,
        "fte": str(position.fte),
        "starts_on": position.starts_on.isoformat(),
        "ends_on": position.ends_on.isoformat() if position.ends_on else None,
        "employer_id": position.employer_id,
        "employer": position.employer.name,
        "qualification": position.qualification.name if position.qualification else "",
        "qualification_checked_on": (
            position.qualification_checked_on.isoformat()
            if position.qualification_checked_on
            else None
        ),
        "qualification_checked_by": checked_by.display_name if checked_by else "",
        "planned_cost": str(position.planned_cost),
    }


def year_bounds(budget_year: BudgetYear) -> tuple[datetime.date, datetime.date]:
    return datetime.date(budget_year.year, 1, 1), datetime.date(budget_year.year, 12, 31)


def months_of(
    budget_year: BudgetYear, starts_on: datetime.date, ends_on: datetime.date | None
) -> list[datetime.date]:
    """The first days of the budget year's months from the start's month to the end's
    month (December if the position runs on or ends after the year)."""
    first, last = year_bounds(budget_year)
    if starts_on > last or (ends_on and ends_on < first):
        return []
    start_month = starts_on.month if starts_on >= first else 1
    end_month = ends_on.month if ends_on and ends_on <= last else 12
    return [datetime.date(budget_year.year, m, 1) for m in range(start_month, end_month + 1)]


def _check_period(
    budget_year: BudgetYear, starts_on: datetime.date, ends_on: datetime.date | None
) -> None:
    first, last = year_bounds(budget_year)
    if not first <= starts_on <= last:
        raise ValidationError(
            _("Der Beginn muss im Haushaltsjahr %(year)s liegen.") % {"year": budget_year.year}
        )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(_("Das Ende darf nicht vor dem Beginn liegen."))


def split_fte(total: Decimal, count: int) -> list[Decimal]:
    """``count`` FTE parts of ``total`` to two places that add up exactly (the last takes
    what rounding left)."""
    if count < 1:
        raise ValidationError(_("Bitte mindestens eine Stelle anlegen."))
    part = (total / count).quantize(CENT, rounding=ROUND_HALF_UP)
    parts = [part] * (count - 1)
    parts.append(total - sum(parts, Decimal("0")))
    if any(p <= 0 for p in parts):
        raise ValidationError(
            _("%(fte)s VZÄ lassen sich nicht auf %(count)s Stellen aufteilen.")
            % {"fte": german(total), "count": count}
        )
    return parts


def split_cost(total: Decimal, total_fte: Decimal, ftes: list[Decimal]) -> list[Decimal]:
    """The line's annual cost pro rata of each position's FTE, half up to the cent; the
    last position takes the remainder so the parts add up to the line's cost exactly."""
    costs = [(total * fte / total_fte).quantize(CENT, rounding=ROUND_HALF_UP) for fte in ftes[:-1]]
    costs.append(total - sum(costs, Decimal("0")))
    return costs


def _next_number(budget_year: BudgetYear, kita: Kita) -> str:
    """ "<year>-<Sozialraum position>-<running number>", unique in the budget year."""
    prefix = f"{budget_year.year}-{kita.sozialraum.position}-"
    taken = set(
        Position.objects.filter(budget_year=budget_year, number__startswith=prefix).values_list(
            "number", flat=True
        )
    )
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def _predecessors(line: AllocationLine) -> list[Position]:
    """The previous year's positions this line continues: same Kita and strand, running
    past that year's end (no end, or an end after 31 December) and not continued yet.
    Positions with the same FTE come first (the next year's plan copies the FTE)."""
    budget_year = line.plan.budget_year
    candidates = Position.objects.filter(
        budget_year__jugendamt_id=budget_year.jugendamt_id,
        budget_year__year=budget_year.year - 1,
        kita_id=line.kita_id,
        strand=line.strand,
        continued_by__isnull=True,
    ).exclude(ends_on__lte=datetime.date(budget_year.year - 1, 12, 31))
    return sorted(candidates, key=lambda p: (p.fte != line.fte, p.number))


@transaction.atomic
def positions_create_from_line(
    *,
    line: AllocationLine,
    acting_user: User,
    count: int = 1,
    ftes: Iterable[Decimal | str] | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    employer: Traeger | None = None,
    qualification: Qualification | None = None,
) -> list[Position]:
    """One or more positions from a line of an approved plan.

    ``ftes`` splits the line's FTE as given (they must add up to it), else ``count`` equal
    parts (the last takes the rounding rest). The planned cost is the line's annual cost
    pro rata of FTE, to the cent, the last position taking the remainder. Start (default
    1 January) and months (one per month of the year from the start, filled) as
    ``make_position`` in the tests describes. A position continues the previous year's
    position of the same Kita and strand that ran on past that year (``_predecessors``).
    """
    line = AllocationLine.objects.select_related(
        "plan", "plan__budget_year", "plan__sozialraum", "kita", "kita__sozialraum"
    ).get(pk=line.pk)
    plan, budget_year = line.plan, line.plan.budget_year
    if not position_policy.user_can(acting_user, "manage", budget_year):
        raise PermissionDenied
    if plan.state != PlanState.APPROVED:
        raise ValidationError(
            _("Stellen entstehen nur aus einem beschlossenen Plan; dieser Plan ist „%(state)s“.")
            % {"state": plan.get_state_display()}
        )
    if Position.objects.filter(line=line).exists():
        raise ValidationError(
            _("Für die Zeile %(line)s sind schon Stellen angelegt.") % {"line": line.short_label}
        )
    if ftes is not None:
        parts = [Decimal(str(f)).quantize(CENT) for f in ftes]
        if not parts or any(p <= 0 for p in parts) or sum(parts, Decimal("0")) != line.fte:
            raise ValidationError(
                _("Die Stellenanteile müssen zusammen %(fte)s VZÄ ergeben.")
                % {"fte": german(line.fte)}
            )
    else:
        parts = split_fte(line.fte, count)
    starts_on = starts_on or year_bounds(budget_year)[0]
    _check_period(budget_year, starts_on, ends_on)
    if qualification is not None and qualification.jugendamt_id != budget_year.jugendamt_id:
        raise ValidationError(_("Die Qualifikation gehört zu einem anderen Jugendamt."))
    employer = employer or line.kita.traeger
    if employer.jugendamt_id != budget_year.jugendamt_id:
        raise ValidationError(_("Der Träger gehört zu einem anderen Jugendamt."))
    predecessors = _predecessors(line)
    created = []
    for fte, cost in zip(parts, split_cost(line.annual_cost, line.fte, parts), strict=True):
        position = Position.objects.create(
            budget_year=budget_year,
            line=line,
            continues=predecessors.pop(0) if predecessors else None,
            number=_next_number(budget_year, line.kita),
            kita=line.kita,
            strand=line.strand,
            fte=fte,
            starts_on=starts_on,
            ends_on=ends_on,
            employer=employer,
            qualification=qualification,
            planned_cost=cost,
            created_by=acting_user,
        )
        PositionMonth.objects.bulk_create(
            PositionMonth(position=position, month=m)
            for m in months_of(budget_year, starts_on, ends_on)
        )
        audit_events.record(
            actor=acting_user,
            action="position.create",
            obj=position,
            jugendamt_id=budget_year.jugendamt_id,
            new=snapshot(position),
        )
        created.append(position)
    return created


def _lock(position: Position) -> Position:
    return (
        Position.objects.select_for_update(of=("self",))
        .select_related("budget_year", "kita", "employer", "qualification")
        .get(pk=position.pk)
    )


def _require_manage(position: Position, acting_user: User) -> None:
    if not position_policy.user_can(acting_user, "manage", position):
        raise PermissionDenied


@transaction.atomic
def position_update(
    *,
    position: Position,
    acting_user: User,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    employer: Traeger,
    qualification: Qualification | None,
) -> Position:
    """Change the period, the employing Träger or the qualification. The months follow the
    period (months kept keep their filled/vacant mark, new ones are filled); a changed
    qualification needs its proof checked again."""
    _require_manage(position, acting_user)
    position = _lock(position)
    budget_year = position.budget_year
    _check_period(budget_year, starts_on, ends_on)
    if employer.jugendamt_id != budget_year.jugendamt_id:
        raise ValidationError(_("Der Träger gehört zu einem anderen Jugendamt."))
    if qualification is not None and qualification.jugendamt_id != budget_year.jugendamt_id:
        raise ValidationError(_("Die Qualifikation gehört zu einem anderen Jugendamt."))
    old = snapshot(position)
    if qualification != position.qualification:
        position.qualification_checked_on = None
        position.qualification_checked_by = None
    position.starts_on, position.ends_on = starts_on, ends_on
    position.employer, position.qualification = employer, qualification
    position.version = F("version") + 1
    position.save()
    position.refresh_from_db()
    wanted = months_of(budget_year, starts_on, ends_on)
    position.months.exclude(month__in=wanted).delete()
    have = set(position.months.values_list("month", flat=True))
    PositionMonth.objects.bulk_create(
        PositionMonth(position=position, month=m) for m in wanted if m not in have
    )
    new = snapshot(position)
    if new != old:
        audit_events.record(
            actor=acting_user,
            action="position.change",
            obj=position,
            jugendamt_id=budget_year.jugendamt_id,
            old={k: v for k, v in old.items() if new[k] != v},
            new={k: v for k, v in new.items() if old[k] != v},
        )
    return position


def _month_label(month: datetime.date) -> str:
    return f"{month:%m/%Y}"


@transaction.atomic
def position_months_set(
    *, position: Position, filled_months: Iterable[int], acting_user: User
) -> Position:
    """Mark the position's months filled (the month numbers in ``filled_months``) or vacant
    (every other month of its period)."""
    _require_manage(position, acting_user)
    position = _lock(position)
    filled = {int(m) for m in filled_months}
    months = list(position.months.all())
    valid = {m.month.month for m in months}
    outside = sorted(filled - valid)
    if outside:
        raise ValidationError(
            _("Die Stelle läuft in diesen Monaten nicht: %(months)s.")
            % {"months": ", ".join(str(m) for m in outside)}
        )
    changed = [m for m in months if m.filled != (m.month.month in filled)]
    if not changed:
        return position
    for m in changed:
        m.filled = not m.filled
    PositionMonth.objects.bulk_update(changed, ["filled"])
    Position.objects.filter(pk=position.pk).update(version=F("version") + 1)
    audit_events.record(
        actor=acting_user,
        action="position.months",
        obj=position,
        jugendamt_id=position.budget_year.jugendamt_id,
        new={
            "number": position.number,
            "vacant": [_month_label(m.month) for m in changed if not m.filled],
            "filled": [_month_label(m.month) for m in changed if m.filled],
        },
    )
    position.refresh_from_db()
    return position


def _shares_payload(position: Position) -> dict:
    return {
        "number": position.number,
        "shares": [
            {"kita_id": s.kita_id, "kita": s.kita.name, "percent": str(s.percent), "note": s.note}
            for s in position.shares.select_related("kita")
        ],
    }


@transaction.atomic
def position_shares_set(
    *,
    position: Position,
    shares: Iterable[tuple[Kita, Decimal | str, str]],
    acting_user: User,
) -> Position:
    """The documented shares of a cross-Kita position: (Kita, percent, what it does there),
    adding up to exactly 100 %. No shares: the position works 100 % in its home Kita."""
    _require_manage(position, acting_user)
    position = _lock(position)
    rows = [
        (kita, Decimal(str(percent)).quantize(CENT), (note or "").strip())
        for kita, percent, note in shares
    ]
    kita_ids = [kita.pk for kita, _p, _n in rows]
    if len(set(kita_ids)) != len(kita_ids):
        raise ValidationError(_("Jede Kita darf nur einmal vorkommen."))
    if any(
        kita.sozialraum.jugendamt_id != position.budget_year.jugendamt_id for kita, _p, _n in rows
    ):
        raise ValidationError(_("Die Kita gehört zu einem anderen Jugendamt."))
    if any(not Decimal("0") < p <= Decimal("100") for _k, p, _n in rows):
        raise ValidationError(_("Jeder Anteil muss größer als 0 und höchstens 100 Prozent sein."))
    total = sum((p for _k, p, _n in rows), Decimal("0"))
    if rows and total != Decimal("100"):
        raise ValidationError(
            _("Die Anteile müssen zusammen 100 %% ergeben, nicht %(total)s %%.")
            % {"total": german(total)}
        )
    old = _shares_payload(position)
    position.shares.all().delete()
    PositionShare.objects.bulk_create(
        PositionShare(position=position, kita=kita, percent=p, note=note) for kita, p, note in rows
    )
    new = _shares_payload(position)
    if new != old:
        Position.objects.filter(pk=position.pk).update(version=F("version") + 1)
        audit_events.record(
            actor=acting_user,
            action="position.shares",
            obj=position,
            jugendamt_id=position.budget_year.jugendamt_id,
            old=old,
            new=new,
        )
    position.refresh_from_db()
    return position


@transaction.atomic
def position_qualification_check(
    *, position: Position, checked_on: datetime.date, acting_user: User
) -> Position:
    """Record that the proof of the position's qualification was checked (on ``checked_on``,
    by the acting person)."""
    _require_manage(position, acting_user)
    position = _lock(position)
    if position.qualification_id is None:
        raise ValidationError(
            _("Bitte zuerst die Qualifikation der Stelle angeben, dann den Nachweis prüfen.")
        )
    position.qualification_checked_on = checked_on
    position.qualification_checked_by = acting_user
    position.version = F("version") + 1
    position.save(update_fields=["qualification_checked_on", "qualification_checked_by", "version"])
    position.refresh_from_db()
    audit_events.record(
        actor=acting_user,
        action="position.qualification_check",
        obj=position,
        jugendamt_id=position.budget_year.jugendamt_id,
        new={
            "number": position.number,
            "qualification": position.qualification.name,
            "qualification_checked_on": checked_on.isoformat(),
            "qualification_checked_by": acting_user.display_name,
        },
    )
    return position
