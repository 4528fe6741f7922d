"""Read side of the network analysis: ORM -> plain records -> ``network.analysis``.

Which answers count: the submitted questionnaires of the round (drafts never; as the index
computation reads them, ``surveys.selectors.answers_frame``), each Kita in its current
Sozialraum. The previous round is the latest *closed* round of the same Jugendamt with an
earlier Stichtag (a result that counted).

What the committee gets (``committee=True``): no Kita name is loaded and no Kita-level
figure leaves this module; the small-cell rule of the committee report
(``reports.selectors.common.SMALL_CELL_MIN_KITAS``): a Sozialraum with fewer than three
answering Kitas shows no figures of its own; such Sozialräume are pooled into one group
that is shown only when it reaches three Kitas itself. A change is shown only when both
rounds reach the threshold.

A constant number of queries whatever the number of Kitas: the Sozialräume, the active
Kitas per Sozialraum (one grouped count), the previous round, and one query for each
round's answers (F4 and F5 are extracted from the JSON by the database).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import networkx as nx
from django.db.models import Count
from django.db.models.fields.json import KeyTransform

from network import analysis
from sozialraeume.models import Kita, Sozialraum
from surveys.models import Response, SurveyRound

SMALL_CELL_MIN_KITAS = 3  # the committee report's rule (reports sits above this app)


def round_records(
    *, round_id: int, with_names: bool = False
) -> tuple[list[analysis.KitaAnswers], dict[int, str]]:
    """The round's submitted F4/F5 answers as plain records (ONE query), and with
    ``with_names`` the Kita names by id (else an empty dict: nothing is loaded)."""
    fields = ["kita_id", "kita__sozialraum_id", "f4", "f5"]
    if with_names:
        fields.append("kita__name")
    rows = (
        Response.objects.filter(round_id=round_id, status=Response.Status.SUBMITTED)
        .annotate(f4=KeyTransform("F4", "answers"), f5=KeyTransform("F5", "answers"))
        .order_by("kita_id")
        .values(*fields)
    )
    records = []
    names = {}
    for row in rows:
        f4 = row["f4"] if isinstance(row["f4"], dict) else {}
        f5 = row["f5"]
        records.append(
            analysis.KitaAnswers(
                kita_id=row["kita_id"],
                sozialraum_id=row["kita__sozialraum_id"],
                frequencies={str(k): str(v) for k, v in f4.items()},
                satisfaction=int(f5) if isinstance(f5, (int, float)) else None,
            )
        )
        if with_names:
            names[row["kita_id"]] = row["kita__name"]
    return records, names


def previous_round(survey_round: SurveyRound) -> SurveyRound | None:
    """The latest closed round of the same Jugendamt before this one (by Stichtag)."""
    return (
        SurveyRound.objects.filter(
            jugendamt_id=survey_round.jugendamt_id,
            state=SurveyRound.State.GESCHLOSSEN,
            stichtag__lt=survey_round.stichtag,
        )
        .exclude(pk=survey_round.pk)
        .order_by("-stichtag", "-pk")
        .first()
    )


@dataclass
class SozialraumNetwork:
    sozialraum: Sozialraum
    active_kitas: int
    network: analysis.GroupNetwork | None  # None: no answer, or hidden (small cell)
    change: analysis.GroupChange | None  # None: no previous round (or hidden)
    answering: int  # Kitas with a submitted questionnaire
    merged: bool = False  # small-cell rule (committee only)


@dataclass
class RoundView:
    survey_round: SurveyRound
    previous: SurveyRound | None
    partners: tuple[tuple[str, str], ...]
    committee: bool
    rows: list[SozialraumNetwork]
    total: analysis.GroupNetwork | None = None  # staff only
    total_change: analysis.GroupChange | None = None
    pooled: analysis.GroupNetwork | None = None  # committee: merged Sozialräume together
    pooled_change: analysis.GroupChange | None = None
    merged_names: list[str] = field(default_factory=list)
    kita_names: dict[int, str] = field(default_factory=dict)  # staff only
    small_cell_min: int = SMALL_CELL_MIN_KITAS

    @property
    def partner_labels(self) -> dict[str, str]:
        return dict(self.partners)

    def row(self, sozialraum_id: int) -> SozialraumNetwork | None:
        return next((r for r in self.rows if r.sozialraum.pk == sozialraum_id), None)


def _shown(group: analysis.GroupNetwork | None, committee: bool) -> bool:
    if group is None:
        return False
    return not committee or group.kita_count >= SMALL_CELL_MIN_KITAS


def _aggregate(group, committee: bool):
    """For the committee: the group without its Kita-level rows (and graph), the change
    without its per-Kita entries."""
    if not committee or group is None:
        return group
    if isinstance(group, analysis.GroupChange):
        return replace(group, kitas={})
    return replace(group, kitas=(), graph=nx.Graph())


def round_view(*, survey_round: SurveyRound, committee: bool) -> RoundView:
    """The round's network per Sozialraum of its Jugendamt, with the change since the
    previous round; for the committee on Sozialraum level only (see the module)."""
    records, names = round_records(round_id=survey_round.pk, with_names=not committee)
    partners = survey_round.partner_list
    current = analysis.analyse_round(records, partners)

    previous = previous_round(survey_round)
    before = None
    previous_records: list[analysis.KitaAnswers] = []
    if previous is not None:
        previous_records, _names = round_records(round_id=previous.pk)
        before = analysis.analyse_round(previous_records, previous.partner_list)

    sozialraeume = list(
        Sozialraum.objects.filter(jugendamt_id=survey_round.jugendamt_id).order_by(
            "position", "name"
        )
    )
    active = dict(
        Kita.objects.filter(sozialraum__jugendamt_id=survey_round.jugendamt_id, active=True)
        .values_list("sozialraum_id")
        .annotate(n=Count("pk"))
        .values_list("sozialraum_id", "n")
    )
    rows = []
    merged_ids = []
    for sr in sozialraeume:
        group = current.sozialraeume.get(sr.pk)
        answering = group.kita_count if group else 0
        merged = committee and 0 < answering < SMALL_CELL_MIN_KITAS
        if merged:
            merged_ids.append(sr.pk)
        shown = _shown(group, committee)
        previous_group = before.sozialraeume.get(sr.pk) if before else None
        change = None
        if shown and before is not None:
            if _shown(previous_group, committee):
                change = analysis.compare(group, previous_group)
            elif not committee:
                change = analysis.compare(group, None)
        rows.append(
            SozialraumNetwork(
                sozialraum=sr,
                active_kitas=active.get(sr.pk, 0),
                network=_aggregate(group, committee) if shown else None,
                change=_aggregate(change, committee),
                answering=answering,
                merged=merged,
            )
        )
    view = RoundView(
        survey_round=survey_round,
        previous=previous,
        partners=current.partners,
        committee=committee,
        rows=rows,
        kita_names=names,
    )
    if committee:
        view.merged_names = [r.sozialraum.name for r in rows if r.merged]
        if merged_ids:
            pooled = analysis.analyse_group(
                [a for a in records if a.sozialraum_id in merged_ids], partners
            )
            if _shown(pooled, committee):
                view.pooled = _aggregate(pooled, committee)
                if before is not None:
                    pooled_before = analysis.analyse_group(
                        [a for a in previous_records if a.sozialraum_id in merged_ids],
                        previous.partner_list,
                    )
                    if _shown(pooled_before, committee):
                        view.pooled_change = _aggregate(
                            analysis.compare(pooled, pooled_before), committee
                        )
    else:
        view.total = current.total
        view.total_change = analysis.compare(current.total, before.total) if before else None
    return view
