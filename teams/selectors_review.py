"""Read side of release time and reviews (issue 15): the review schedule per Sozialraum,
the yearly release summary per Kita and Träger.

Each function runs a constant number of queries whatever the number of Kitas or
Sozialräume: sums in the database, the rest in Python from rows already loaded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from allocation.models import AllocationPlan, PlanState
from allocation.selectors import review_due_for
from sozialraeume.models import Sozialraum
from teams.models import Attendance, MemberKind, ReleaseRequest, ReleaseState, Review, ReviewState
from teams.permissions_review import summary_kitas

ZERO = Decimal("0.00")


# --- the review schedule ----------------------------------------------------------------


@dataclass
class ReviewRow:
    """One Sozialraum: its approved plan, its open review, its last decided review and the
    date the next review is due (None: no approved plan and no review decided yet)."""

    sozialraum: Sozialraum
    plan: AllocationPlan | None  # the newest approved plan
    open_review: Review | None
    last_review: Review | None  # the newest decided one
    next_due: datetime.date | None
    today: datetime.date

    @property
    def due(self) -> bool:
        """Due now: an open review whose date has come, or a due date reached without an
        open review."""
        if self.open_review is not None:
            return self.open_review.due_on <= self.today
        return self.next_due is not None and self.next_due <= self.today

    @property
    def overdue(self) -> bool:
        if self.open_review is not None:
            return self.open_review.due_on < self.today
        return self.next_due is not None and self.next_due < self.today

    @property
    def due_on(self) -> datetime.date | None:
        return self.open_review.due_on if self.open_review is not None else self.next_due


def next_due_date(plan: AllocationPlan | None, last_review: Review | None) -> datetime.date | None:
    """30 months after the later of the plan's approval (its ``review_due``) and the last
    decided review: a review that keeps the distribution moves the date on."""
    candidates = []
    if plan is not None and plan.review_due is not None:
        candidates.append(plan.review_due)
    if last_review is not None and last_review.decided_at is not None:
        candidates.append(review_due_for(timezone.localdate(last_review.decided_at)))
    return max(candidates) if candidates else None


def review_schedule(
    *, jugendamt_id: int, today: datetime.date | None = None, sozialraeume=None
) -> list[ReviewRow]:
    """Per Sozialraum of the Jugendamt (three queries; two with ``sozialraeume`` given)."""
    today = today or timezone.localdate()
    if sozialraeume is None:
        sozialraeume = list(
            Sozialraum.objects.filter(jugendamt_id=jugendamt_id).order_by("position", "name")
        )
    plans: dict[int, AllocationPlan] = {}
    for plan in AllocationPlan.objects.filter(
        sozialraum__jugendamt_id=jugendamt_id, state=PlanState.APPROVED
    ).order_by("budget_year__year", "pk"):
        plans[plan.sozialraum_id] = plan  # the newest budget year wins
    open_reviews: dict[int, Review] = {}
    last_reviews: dict[int, Review] = {}
    for review in Review.objects.filter(sozialraum__jugendamt_id=jugendamt_id).order_by(
        "decided_at", "pk"
    ):
        if review.state == ReviewState.DECIDED:
            last_reviews[review.sozialraum_id] = review
        else:
            open_reviews[review.sozialraum_id] = review
    rows = []
    for sr in sozialraeume:
        plan = plans.get(sr.pk)
        last = last_reviews.get(sr.pk)
        rows.append(
            ReviewRow(
                sozialraum=sr,
                plan=plan,
                open_review=open_reviews.get(sr.pk),
                last_review=last,
                next_due=next_due_date(plan, last),
                today=today,
            )
        )
    return rows


def reviews_due(*, jugendamt_id: int, today: datetime.date | None = None) -> list[ReviewRow]:
    """The Sozialräume whose review is due or overdue (open or not yet opened)."""
    return [r for r in review_schedule(jugendamt_id=jugendamt_id, today=today) if r.due]


# --- the yearly release summary ---------------------------------------------------------


@dataclass
class KitaHours:
    kita: object
    meeting_hours: Decimal = ZERO
    task_hours: Decimal = ZERO
    meetings: int = 0  # meetings attended with release hours

    @property
    def total(self) -> Decimal:
        return self.meeting_hours + self.task_hours


@dataclass
class TraegerHours:
    traeger: object
    kitas: list[KitaHours] = field(default_factory=list)

    @property
    def meeting_hours(self) -> Decimal:
        return sum((k.meeting_hours for k in self.kitas), ZERO)

    @property
    def task_hours(self) -> Decimal:
        return sum((k.task_hours for k in self.kitas), ZERO)

    @property
    def total(self) -> Decimal:
        return self.meeting_hours + self.task_hours


@dataclass
class ReleaseSummary:
    year: int
    traeger: list[TraegerHours]
    years: list[int]  # the years with any release hours the user may see (for the selector)

    @property
    def kitas(self) -> list[KitaHours]:
        return [k for t in self.traeger for k in t.kitas]

    @property
    def meeting_hours(self) -> Decimal:
        return sum((t.meeting_hours for t in self.traeger), ZERO)

    @property
    def task_hours(self) -> Decimal:
        return sum((t.task_hours for t in self.traeger), ZERO)

    @property
    def total(self) -> Decimal:
        return self.meeting_hours + self.task_hours


def release_summary(user, *, year: int) -> ReleaseSummary:
    """Hours in team meetings (the attendance of the Kita's leaders, by the meeting's year)
    and hours of approved special tasks (by the first day of their period) per Kita the
    user may see, grouped by Träger. Kitas without hours that year are left out. Five
    queries (Kitas, meeting hours, task hours, the years of both)."""
    kitas = {k.pk: k for k in summary_kitas(user)}
    meeting_hours = {
        r["member__kita_id"]: r
        for r in Attendance.objects.filter(
            member__kita_id__in=kitas,
            member__kind=MemberKind.KITA,
            present=True,
            hours__gt=0,
            meeting__starts_at__year=year,
        )
        .values("member__kita_id")
        .annotate(hours=Sum("hours"), n=Count("meeting", distinct=True))
    }
    task_hours = {
        r["kita_id"]: r["hours"]
        for r in ReleaseRequest.objects.filter(
            kita_id__in=kitas, state=ReleaseState.APPROVED, period_start__year=year
        )
        .values("kita_id")
        .annotate(hours=Sum("hours"))
    }
    years = set(
        ReleaseRequest.objects.filter(kita_id__in=kitas, state=ReleaseState.APPROVED)
        .annotate(y=ExtractYear("period_start"))
        .values_list("y", flat=True)
    ) | set(
        Attendance.objects.filter(member__kita_id__in=kitas, hours__gt=0)
        .annotate(y=ExtractYear("meeting__starts_at"))
        .values_list("y", flat=True)
    )
    years.add(year)
    by_traeger: dict[int, TraegerHours] = {}
    for kita_id in sorted(
        set(meeting_hours) | set(task_hours), key=lambda k: (kitas[k].traeger.name, kitas[k].name)
    ):
        kita = kitas[kita_id]
        m = meeting_hours.get(kita_id)
        entry = KitaHours(
            kita=kita,
            meeting_hours=m["hours"] if m else ZERO,
            meetings=m["n"] if m else 0,
            task_hours=task_hours.get(kita_id) or ZERO,
        )
        by_traeger.setdefault(kita.traeger_id, TraegerHours(traeger=kita.traeger)).kitas.append(
            entry
        )
    return ReleaseSummary(
        year=year, traeger=list(by_traeger.values()), years=sorted(years, reverse=True)
    )
