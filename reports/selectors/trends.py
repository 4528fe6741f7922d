"""Trends: each Sozialraum's indices and share per survey round.

The committee reads this page: the small-cell rule of the committee report holds per
round (a Sozialraum with fewer than three Kitas with a result in that round's run shows
no indices of its own there; its share is not per-Kita data and stays)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

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


@dataclass
class TrendRow:
    name: str
    # per TrendRound: {"AB":..,"SL":..,"FM":..,"IN":..,"GESAMT":..,"percent":..,"merged":..}
    per_round: list[dict]


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
            per_round.append(entry)
        rows.append(TrendRow(sr.name, per_round))
    return rounds, rows
