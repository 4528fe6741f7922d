"""Read side of the quality pages (issue 18): the comparison of a round with its previous
round (plausibility) and of the official indicators with the round's indices."""

from __future__ import annotations

from dataclasses import dataclass, field

from indices import compute
from indices.display import CATEGORY_LABELS, INDEX_ORDER
from indices.models import FIELD_BY_CATEGORY, SozialraumIndex
from indices.selectors import current_run
from quality import checks
from quality.models import OfficialIndicator, OfficialValue, PlausibilityFinding
from surveys.models import SurveyRound
from surveys.selectors import answers_frame

# --- plausibility ------------------------------------------------------------------------


def previous_round(survey_round: SurveyRound) -> SurveyRound | None:
    """The Jugendamt's closed round with the latest Stichtag before this round's."""
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


@dataclass(frozen=True)
class KitaJump:
    kita_id: int
    kita: str
    sozialraum: str
    variable: str
    previous: float
    current: float
    z: float


@dataclass
class Comparison:
    previous_round: SurveyRound | None
    k: float
    compared: int = 0  # Kitas submitted in both rounds
    jumps: list[KitaJump] = field(default_factory=list)


def round_comparison(*, survey_round: SurveyRound, k: float) -> Comparison:
    """Each Kita's 18 variables (``indices.compute.derive_variables``) against its own in
    the previous round, submitted questionnaires only (two queries)."""
    before = previous_round(survey_round)
    comparison = Comparison(previous_round=before, k=k)
    if before is None:
        return comparison
    now = answers_frame(round_id=survey_round.pk, submitted_only=True)
    then = answers_frame(round_id=before.pk, submitted_only=True)
    common = sorted(set(now["kita_id"]) & set(then["kita_id"]))
    comparison.compared = len(common)
    if len(common) < checks.MIN_PAIRS:
        return comparison
    now = now.set_index("kita_id").loc[common].reset_index()
    then = then.set_index("kita_id").loc[common].reset_index()
    found = checks.jumps(compute.derive_variables(then), compute.derive_variables(now), k)
    codes = compute.VARIABLE_CODES
    comparison.jumps = [
        KitaJump(
            kita_id=int(now["kita_id"].iat[j.row]),
            kita=str(now["kita"].iat[j.row]),
            sozialraum=str(now["sozialraum"].iat[j.row] or ""),
            variable=codes[j.column],
            previous=j.previous,
            current=j.current,
            z=j.z,
        )
        for j in found
    ]
    return comparison


def findings_of_round(survey_round: SurveyRound):
    return (
        PlausibilityFinding.objects.filter(round=survey_round)
        .select_related("kita", "kita__sozialraum", "decided_by")
        .order_by("state", "kita__sozialraum__name", "kita__name", "variable")
    )


# --- official data beside the indices ----------------------------------------------------


@dataclass(frozen=True)
class Correlation:
    index: str
    label: str
    r: float | None
    n: int


@dataclass
class IndicatorComparison:
    indicator: OfficialIndicator
    correlations: list[Correlation]
    # (Sozialraum name, official value, Gesamtindex or None), by Sozialraum name
    points: list[tuple[str, float, float | None]]


def indicators_for_jugendamt(jugendamt_id: int):
    return OfficialIndicator.objects.filter(jugendamt_id=jugendamt_id).order_by("name", "-year")


def official_comparison(*, survey_round: SurveyRound) -> tuple[object, list[IndicatorComparison]]:
    """(run, rows): per official indicator of the Jugendamt its Sozialraum values next to
    the round's Sozialraum indices (its current run) with Pearson's r and n per index.
    Catchment values (per Kita) are not part of the Sozialraum comparison."""
    run = current_run(round_id=survey_round.pk)
    indices: dict[int, SozialraumIndex] = {}
    if run is not None:
        indices = {
            row.sozialraum_id: row
            for row in SozialraumIndex.objects.filter(run=run).select_related("sozialraum")
        }
    values: dict[int, list[OfficialValue]] = {}
    for value in OfficialValue.objects.filter(
        indicator__jugendamt_id=survey_round.jugendamt_id, kita__isnull=True
    ).select_related("sozialraum"):
        values.setdefault(value.indicator_id, []).append(value)
    rows = []
    for indicator in indicators_for_jugendamt(survey_round.jugendamt_id):
        own = sorted(values.get(indicator.pk, []), key=lambda v: v.sozialraum.name)
        official = [float(v.value) for v in own]
        correlations = []
        for code in INDEX_ORDER:
            field_name = FIELD_BY_CATEGORY[code]
            index_values = [
                getattr(indices[v.sozialraum_id], field_name)
                if v.sozialraum_id in indices
                else None
                for v in own
            ]
            r, n = checks.pearson(official, index_values)
            correlations.append(Correlation(code, str(CATEGORY_LABELS[code]), r, n))
        points = [
            (
                v.sozialraum.name,
                float(v.value),
                indices[v.sozialraum_id].gesamt if v.sozialraum_id in indices else None,
            )
            for v in own
        ]
        rows.append(IndicatorComparison(indicator, correlations, points))
    return run, rows
