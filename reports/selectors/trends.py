"""Trends: each Sozialraum's indices and share per survey round."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from indices.models import IndexRun, SozialraumIndex
from reports.selectors.common import INDEX_FIELDS
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
    per_round: list[
        dict
    ]  # per TrendRound: {"AB":..,"SL":..,"FM":..,"IN":..,"GESAMT":..,"percent":..}


def trends(*, jugendamt_id) -> tuple[list[TrendRound], list[TrendRow]]:
    """Each Sozialraum's indices and share per survey round (rounds with a finished run),
    oldest round first. Four queries whatever the number of rounds and Kitas."""
    runs = (
        IndexRun.objects.filter(round__jugendamt_id=jugendamt_id, status=IndexRun.Status.FINISHED)
        .select_related("round")
        .order_by("round__stichtag", "round_id", "-started_at", "-pk")
    )
    chosen: dict[int, object] = {}
    for run in runs:  # newest finished run per round = the round's current run
        chosen.setdefault(run.round_id, run)
    rounds = [
        TrendRound(run.round_id, run.round.code, run.round.stichtag, run.pk)
        for run in chosen.values()
    ]
    values = {
        (v.run_id, v.sozialraum_id): v
        for v in SozialraumIndex.objects.filter(run_id__in=[r.run_id for r in rounds])
    }
    rows = []
    for sr in Sozialraum.objects.filter(jugendamt_id=jugendamt_id).order_by("position", "name"):
        per_round = []
        for r in rounds:
            v = values.get((r.run_id, sr.pk))
            entry = {c: (getattr(v, INDEX_FIELDS[c]) if v else None) for c in INDEX_FIELDS}
            entry["percent"] = v.percent if v else None
            per_round.append(entry)
        rows.append(TrendRow(sr.name, per_round))
    return rounds, rows
