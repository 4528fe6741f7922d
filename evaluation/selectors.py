"""Reads of the evaluation survey: progress per wave, results per wave and block, the
comparison T0 → T1 → T2 and the committee's summary (issue 17).

The small-cell rule: a wave's results show only from ``MIN_ANSWERS`` (5) answer sheets,
and an item's figures only from 5 answers to it; below, the pages say "noch zu wenige
Antworten (n < 5)". Means are Decimals rounded half up to two places; the comparison
takes the difference of the rounded means, so it matches what the page shows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from evaluation import charts
from evaluation.models import (
    CHOICE_KINDS,
    LIKERT_KINDS,
    MEAN_KINDS,
    Answer,
    EvaluationInstrument,
    Invitation,
    Item,
    ItemKind,
    RespondentType,
    Submission,
    Wave,
    WaveState,
)
from srb_project.numbers import localized

MIN_ANSWERS = 5
TWO = Decimal("0.01")


def mean_of(values) -> Decimal | None:
    values = [Decimal(v) for v in values]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(TWO, rounding=ROUND_HALF_UP)


def direction(change: Decimal | None) -> str:
    if change is None:
        return ""
    return "↑" if change > 0 else "↓" if change < 0 else "="


# --- progress ----------------------------------------------------------------------


@dataclass
class Progress:
    invited: int
    answered: int
    submissions: int

    @property
    def percent(self) -> Decimal | None:
        if not self.invited:
            return None
        return (Decimal(self.answered) * 100 / self.invited).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def progress_by_wave(waves) -> dict[int, Progress]:
    """Invited / answered (from the invitations) and answer sheets per wave, 2 queries."""
    ids = [w.pk for w in waves]
    counts = {
        row["wave_id"]: row
        for row in Invitation.objects.filter(wave_id__in=ids)
        .values("wave_id")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    }
    sheets = dict(
        Submission.objects.filter(wave_id__in=ids)
        .values("wave_id")
        .annotate(n=Count("pk"))
        .values_list("wave_id", "n")
    )
    return {
        i: Progress(
            invited=counts.get(i, {}).get("invited", 0),
            answered=counts.get(i, {}).get("answered", 0),
            submissions=sheets.get(i, 0),
        )
        for i in ids
    }


# --- results of one wave ---------------------------------------------------------------


@dataclass
class OptionRow:
    label: str
    count: int
    percent: Decimal


@dataclass
class ItemResult:
    item: Item
    n: int
    shown: bool  # n >= MIN_ANSWERS (and the wave is shown)
    mean: Decimal | None = None
    options: list[OptionRow] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    chart: str = ""

    @property
    def mean_text(self) -> str:
        return localized(self.mean, 2) if self.mean is not None else "–"


@dataclass
class BlockResult:
    code: str
    title: str
    items: list[ItemResult]


@dataclass
class WaveResults:
    wave: Wave
    submissions: int
    shown: bool
    blocks: list[BlockResult]
    min_answers: int = MIN_ANSWERS


def _values_by_item(wave_ids) -> dict[tuple[int, int], list[Answer]]:
    rows = defaultdict(list)
    answers = Answer.objects.filter(submission__wave_id__in=wave_ids).values_list(
        "submission__wave_id", "item_id", "number", "choices", "text"
    )
    for wave_id, item_id, number, chosen, text in answers:
        rows[(wave_id, item_id)].append((number, chosen, text))
    return rows


def _item_result(item: Item, values: list, *, wave_shown: bool, with_texts: bool) -> ItemResult:
    n = len(values)
    shown = wave_shown and n >= MIN_ANSWERS
    result = ItemResult(item=item, n=n, shown=shown)
    if item.kind == ItemKind.TEXT:
        # free texts: the wave's rule only (the staff read them; never the committee)
        result.shown = wave_shown and n > 0
        if with_texts and wave_shown:
            result.texts = [text for _n, _c, text in values if text]
        return result
    if not shown:
        return result
    if item.kind in MEAN_KINDS:
        result.mean = mean_of(number for number, _c, _t in values if number is not None)
    if item.kind in LIKERT_KINDS or item.kind in CHOICE_KINDS:
        labels = item.scale
        counts = [0] * len(labels)
        for number, chosen, _t in values:
            if item.kind in LIKERT_KINDS:
                counts[int(number) - 1] += 1
            else:
                for index in chosen or []:
                    if 0 <= index < len(counts):
                        counts[index] += 1
        for i, label in enumerate(labels):
            prefix = f"{i + 1} " if item.kind in LIKERT_KINDS else ""
            result.options.append(
                OptionRow(
                    label=f"{prefix}{label}",
                    count=counts[i],
                    percent=(Decimal(counts[i]) * 100 / n).quantize(
                        Decimal("0.1"), rounding=ROUND_HALF_UP
                    ),
                )
            )
        result.chart = charts.distribution_chart(
            chart_id=f"chart-item-{item.pk}",
            title=f"{item.code}: {item.text}",
            desc=_("Verteilung der Antworten (n = %(n)s)") % {"n": n},
            labels=[o.label for o in result.options],
            shares=[o.count / n for o in result.options],
            value_texts=[f"{o.count} ({localized(o.percent, 1)}\u00a0%)" for o in result.options],
        )
    return result


def wave_results(wave: Wave, *, with_texts: bool) -> WaveResults:
    """Per block and item: n, distribution, mean (Likert, number), chart; free texts only
    with ``with_texts`` (staff). Everything hidden below 5 answer sheets."""
    submissions = Submission.objects.filter(wave=wave).count()
    shown = submissions >= MIN_ANSWERS
    values = _values_by_item([wave.pk]) if shown else {}
    items = Item.objects.filter(block__instrument_id=wave.instrument_id).select_related("block")
    blocks: dict[int, BlockResult] = {}
    for item in items:
        block = blocks.setdefault(
            item.block_id, BlockResult(code=item.block.code, title=item.block.title, items=[])
        )
        block.items.append(
            _item_result(
                item, values.get((wave.pk, item.pk), []), wave_shown=shown, with_texts=with_texts
            )
        )
    return WaveResults(
        wave=wave, submissions=submissions, shown=shown, blocks=list(blocks.values())
    )


# --- comparison T0 -> T1 -> T2 ---------------------------------------------------------


@dataclass
class Change:
    from_code: str
    to_code: str
    delta: Decimal
    arrow: str

    @property
    def text(self) -> str:
        sign = "+" if self.delta > 0 else ""
        return f"{sign}{localized(self.delta, 2)}"


@dataclass
class ComparisonRow:
    item: Item
    means: list[Decimal | None]  # one per wave, in wave order
    changes: list[Change | None]  # between consecutive waves (None: a side is missing)


@dataclass
class Comparison:
    waves: list[Wave]
    submissions: list[int]
    rows: list[ComparisonRow]
    min_answers: int = MIN_ANSWERS


def comparison(instrument: EvaluationInstrument) -> Comparison:
    """Per item with a mean: the mean of each wave that is shown (≥ 5 sheets and ≥ 5
    answers) and the change between consecutive waves with its direction (↑ ↓ =)."""
    waves = list(instrument.waves.order_by("code"))
    sheets = dict(
        Submission.objects.filter(wave__in=waves)
        .values("wave_id")
        .annotate(n=Count("pk"))
        .values_list("wave_id", "n")
    )
    shown_ids = [w.pk for w in waves if sheets.get(w.pk, 0) >= MIN_ANSWERS]
    values = _values_by_item(shown_ids)
    rows = []
    items = Item.objects.filter(block__instrument=instrument, kind__in=MEAN_KINDS)
    for item in items.select_related("block"):
        means = []
        for wave in waves:
            numbers = [v[0] for v in values.get((wave.pk, item.pk), []) if v[0] is not None]
            means.append(mean_of(numbers) if len(numbers) >= MIN_ANSWERS else None)
        changes = []
        for i in range(1, len(waves)):
            a, b = means[i - 1], means[i]
            if a is None or b is None:
                changes.append(None)
            else:
                changes.append(Change(waves[i - 1].code, waves[i].code, b - a, direction(b - a)))
        rows.append(ComparisonRow(item=item, means=means, changes=changes))
    return Comparison(waves=waves, submissions=[sheets.get(w.pk, 0) for w in waves], rows=rows)


# --- the committee -------------------------------------------------------------------


@dataclass
class CommitteeBlock:
    title: str
    scale: str  # "1–4" or "1–5"
    means: list[Decimal | None]  # one per wave of the instrument's summary

    @property
    def mean_texts(self) -> list[str]:
        return [localized(m, 2) if m is not None else "" for m in self.means]


@dataclass
class CommitteeInstrument:
    title: str
    respondents: str
    wave_codes: list[str]
    blocks: list[CommitteeBlock]


def committee_summary(jugendamt_id: int) -> list[CommitteeInstrument]:
    """Per instrument with closed waves: the block means of its Likert items per closed
    wave (one row per block and scale), only where at least 5 answer sheets of the wave
    answered the block (else None: "n < 5"). No free text, no single answer, one query."""
    rows = (
        Answer.objects.filter(
            submission__wave__instrument__jugendamt_id=jugendamt_id,
            submission__wave__state=WaveState.CLOSED,
            item__kind__in=LIKERT_KINDS,
        )
        .values(
            "submission__wave__instrument_id",
            "submission__wave__instrument__title",
            "submission__wave__instrument__version",
            "submission__wave__instrument__respondent_type",
            "submission__wave__code",
            "item__block__position",
            "item__block__title",
            "item__kind",
        )
        .annotate(mean=Avg("number"), n=Count("submission", distinct=True))
        .order_by(
            "submission__wave__instrument__title",
            "submission__wave__instrument__version",
            "submission__wave__code",
            "item__block__position",
        )
    )
    by_instrument: dict[int, dict] = {}
    labels = dict(RespondentType.choices)
    for row in rows:
        entry = by_instrument.setdefault(
            row["submission__wave__instrument_id"],
            {
                "title": _("%(title)s (Version %(version)s)")
                % {
                    "title": row["submission__wave__instrument__title"],
                    "version": row["submission__wave__instrument__version"],
                },
                "respondents": str(
                    labels.get(row["submission__wave__instrument__respondent_type"], "")
                ),
                "waves": [],
                "blocks": {},
            },
        )
        code = row["submission__wave__code"]
        if code not in entry["waves"]:
            entry["waves"].append(code)
        scale = "1–4" if row["item__kind"] == ItemKind.LIKERT4 else "1–5"
        key = (row["item__block__position"], row["item__block__title"], scale)
        mean = None
        if row["n"] >= MIN_ANSWERS and row["mean"] is not None:
            mean = Decimal(str(row["mean"])).quantize(TWO, rounding=ROUND_HALF_UP)
        entry["blocks"].setdefault(key, {})[code] = mean
    result = []
    for entry in by_instrument.values():
        waves = sorted(entry["waves"])
        blocks = [
            CommitteeBlock(title=title, scale=scale, means=[cells.get(c) for c in waves])
            for (_pos, title, scale), cells in sorted(entry["blocks"].items())
        ]
        result.append(
            CommitteeInstrument(
                title=entry["title"],
                respondents=entry["respondents"],
                wave_codes=waves,
                blocks=blocks,
            )
        )
    return result
