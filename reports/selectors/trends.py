"""Trends: each Sozialraum's indices and share per survey round.

The committee reads this page: the small-cell rule of the committee report holds per
round (a Sozialraum with fewer than three Kitas with a result in that round's run shows
no indices of its own there; its share is not per-Kita data and stays).

Status × change (issue 18, after Berlin's Monitoring Soziale Stadtentwicklung, which
crosses a status index with a dynamics index): per Sozialraum

- status: the class of its Gesamtindex in the latest round against that round's norm
  range of the Sozialräume (``indices.compute``: "oberhalb" = higher need than the
  range, "innerhalb", "unterhalb");
- change: its Gesamtindex in the latest round minus the previous round's,
  Δ = G(latest) − G(previous), in standard points:
  Δ ≥ +5 "worse" (higher need relative to the others), Δ ≤ −5 "better", else "same"
  (``CHANGE_THRESHOLD_POINTS``; 5 points are 5 % of the scale, below that a change is
  within what a few answers move).

Standard points are relative within a round (0 and 100 are that round's smallest and
largest Kita value), so "better" means better *compared with the other Sozialräume of
that round*, not necessarily less need than before; the page says so. A Sozialraum
merged by the small-cell rule in the latest round gets no status and no change, one
merged in the previous round no change (they would show values of single Kitas).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from indices.display import class_label
from indices.models import SozialraumIndex
from indices.selectors import closed_round_runs
from reports.selectors.common import INDEX_FIELDS, SMALL_CELL_MIN_KITAS, result_counts
from sozialraeume.models import Sozialraum


@dataclass
class TrendRound:
    round_id: int
    code: str
    stichtag: datetime.date
    run_id: int


# The change of the Gesamtindex between two rounds that counts as one (standard points).
CHANGE_THRESHOLD_POINTS = 5.0
BETTER = "better"
SAME = "same"
WORSE = "worse"
CHANGE_LABELS = {
    BETTER: _("verbessert"),
    SAME: _("gleich"),
    WORSE: _("verschlechtert"),
}


def classify_change(
    latest: float | None, previous: float | None, *, threshold: float = CHANGE_THRESHOLD_POINTS
) -> str | None:
    """ "better", "same" or "worse" for a Gesamtindex from ``previous`` to ``latest``
    (a higher index is a higher need); None without both values."""
    if latest is None or previous is None:
        return None
    delta = latest - previous
    # Rounded to the one decimal the pages show, so a shown "+5,0" is a change.
    delta = round(delta, 1)
    if delta >= threshold:
        return WORSE
    if delta <= -threshold:
        return BETTER
    return SAME


@dataclass
class TrendStatus:
    """One Sozialraum's status × change between the previous and the latest round."""

    status: str | None  # the latest round's Gesamtindex class (stored German word)
    change: str | None  # BETTER / SAME / WORSE; None without a comparable previous round
    latest: float | None
    previous: float | None
    merged: bool  # small-cell rule in one of the two rounds: nothing shown
    threshold: float = CHANGE_THRESHOLD_POINTS

    @property
    def delta(self) -> float | None:
        if self.latest is None or self.previous is None:
            return None
        return round(self.latest - self.previous, 1)

    @property
    def status_label(self) -> str:
        return class_label(self.status)

    @property
    def change_label(self) -> str:
        return str(CHANGE_LABELS[self.change]) if self.change else ""


@dataclass
class TrendRow:
    name: str
    # per TrendRound: {"AB":..,"SL":..,"FM":..,"IN":..,"GESAMT":..,"percent":..,"merged":..,
    # "class": the Gesamtindex class}
    per_round: list[dict]
    status: TrendStatus | None = None  # issue 18: None without any round


def trend_status(per_round: list[dict]) -> TrendStatus | None:
    """Status × change from a row's rounds (oldest first): the latest round against the
    one before it. None without a round."""
    if not per_round:
        return None
    latest = per_round[-1]
    before = per_round[-2] if len(per_round) > 1 else None
    merged = latest["merged"] or bool(before and before["merged"])
    if latest["merged"]:
        return TrendStatus(None, None, None, None, merged=True)
    previous = before["GESAMT"] if before and not before["merged"] else None
    return TrendStatus(
        status=latest.get("class"),
        change=classify_change(latest["GESAMT"], previous),
        latest=latest["GESAMT"],
        previous=previous,
        merged=merged,
    )


def trends(*, jugendamt_id) -> tuple[list[TrendRound], list[TrendRow]]:
    """Each Sozialraum's indices and share per closed survey round (its published result),
    oldest round first. Five queries whatever the number of rounds and Kitas."""
    # Published results only: the current run of every closed round, never an open one's.
    chosen = closed_round_runs(jugendamt_id=jugendamt_id)
    rounds = [
        TrendRound(run.round_id, run.round.code, run.round.stichtag, run.pk) for run in chosen
    ]
    values = {
        (v.run_id, v.sozialraum_id): v
        for v in SozialraumIndex.objects.filter(run_id__in=[r.run_id for r in rounds])
    }
    counts = result_counts(r.run_id for r in rounds)
    rows = []
    for sr in Sozialraum.objects.filter(jugendamt_id=jugendamt_id).order_by("position", "name"):
        per_round = []
        for r in rounds:
            v = values.get((r.run_id, sr.pk))
            merged = v is not None and counts.get((r.run_id, sr.pk), 0) < SMALL_CELL_MIN_KITAS
            entry = {
                c: (getattr(v, INDEX_FIELDS[c]) if v and not merged else None) for c in INDEX_FIELDS
            }
            entry["percent"] = v.percent if v else None
            entry["merged"] = merged
            entry["class"] = (v.classes or {}).get("GESAMT") if v and not merged else None
            per_round.append(entry)
        rows.append(TrendRow(sr.name, per_round, status=trend_status(per_round)))
    return rounds, rows
