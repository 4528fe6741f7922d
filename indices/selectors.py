"""Read side of the index results: current runs, tables for the pages, explanations.

Every page reads a constant number of queries whatever the number of Kitas: the
tables come from one query each (``select_related``), the per-row figures
(eligibility, euros) are computed in Python from values already loaded. How the
numbers are written is ``indices.display``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indices import charts, compute, display
from indices import eligibility as rules
from indices.display import (
    CATEGORY_LABELS,
    CATEGORY_ORDER,
    INDEX_ORDER,
    Cell,
    NumberFormat,
    eligibility_text,
)
from indices.models import (
    FIELD_BY_CATEGORY,
    IndexRun,
    KitaIndex,
    RecomputeRequest,
    SozialraumIndex,
    stale_after,
)
from surveys.instrument import ITEMS_BY_CODE, QUESTION_TEXTS, VARIABLES
from surveys.models import Response, SurveyRound

# --- runs ------------------------------------------------------------------------


def _finished(qs: QuerySet[IndexRun]) -> QuerySet[IndexRun]:
    return qs.filter(status=IndexRun.Status.FINISHED).order_by("-started_at", "-pk")


def current_run(*, round_id: int) -> IndexRun | None:
    """The round's newest finished run (newest input snapshot), or None."""
    return _finished(IndexRun.objects.filter(round_id=round_id)).first()


def latest_finished_run(*, jugendamt_id: int) -> IndexRun | None:
    """The current run of the Jugendamt's newest round (by Stichtag) that has one.

    Open rounds included: never show this as "the" result; pages and services read
    ``published_run`` (an open round's result is provisional, for staff only).
    """
    return (
        IndexRun.objects.filter(round__jugendamt_id=jugendamt_id, status=IndexRun.Status.FINISHED)
        .select_related("round")
        .order_by("-round__stichtag", "-round_id", "-started_at", "-pk")
        .first()
    )


# --- the published result ---------------------------------------------------------
# One published result per Jugendamt: the newest finished run of its most recent
# CLOSED round (by Stichtag) that has one. Closing a round publishes its result once
# its run has finished; until then, and while a round is open, the previous result
# stays published. An open round's runs are provisional: only Jugendamt staff see
# them, on the evaluation pages, marked "vorläufig — nicht veröffentlicht".
# ``indices.services.result_publish`` records each publication in the audit trail.


def _closed_runs(qs: QuerySet[IndexRun]) -> QuerySet[IndexRun]:
    """Finished runs of closed rounds that have a result: at least one Sozialraum with a
    Gesamtindex (a round closed with no or too few answers publishes nothing)."""
    has_result = Exists(SozialraumIndex.objects.filter(run_id=OuterRef("pk"), gesamt__isnull=False))
    return _finished(qs.filter(has_result, round__state=SurveyRound.State.GESCHLOSSEN))


def published_run(*, jugendamt_id: int) -> IndexRun | None:
    """The Jugendamt's published result (see above), or None before any round closed.

    What Kita leaders, Träger, the committee, the start pages and the default view of
    the evaluation show; a submission in an open round never changes it.
    """
    return (
        _closed_runs(IndexRun.objects.filter(round__jugendamt_id=jugendamt_id))
        .select_related("round")
        .order_by("-round__stichtag", "-round_id", "-started_at", "-pk")
        .first()
    )


def round_published_run(*, round_id: int) -> IndexRun | None:
    """The result of one round once it is published: its current run (with a result) if
    the round is closed, else None (step 1 and eligibility of a budget year read it)."""
    return _closed_runs(IndexRun.objects.filter(round_id=round_id)).select_related("round").first()


def provisional_run(*, round_id: int) -> IndexRun | None:
    """The current run of a round that is not closed yet: a provisional result, for
    Jugendamt staff only. None for a closed round (its result is published)."""
    return (
        _finished(IndexRun.objects.filter(round_id=round_id))
        .exclude(round__state=SurveyRound.State.GESCHLOSSEN)
        .first()
    )


def closed_round_runs(*, jugendamt_id: int) -> list[IndexRun]:
    """The current run of every closed round of the Jugendamt, oldest Stichtag first:
    the published results over time (for trends; never an open round's)."""
    chosen: dict[int, IndexRun] = {}
    for run in (
        _closed_runs(IndexRun.objects.filter(round__jugendamt_id=jugendamt_id))
        .select_related("round")
        .order_by("round__stichtag", "round_id", "-started_at", "-pk")
    ):
        chosen.setdefault(run.round_id, run)
    return list(chosen.values())


PUBLISHED = "published"  # the Jugendamt's published result
EARLIER = "earlier"  # the result of an older closed round (published before)
PROVISIONAL = "provisional"  # an open (or prepared) round: vorläufig, nicht veröffentlicht
NO_RESULT = "no_result"  # a closed round newer than the published one, without a result


def result_kind(*, run: IndexRun, published: IndexRun | None) -> str:
    """How the evaluation pages label a run (no query: the rounds are loaded)."""
    if published is not None and run.pk == published.pk:
        return PUBLISHED
    if run.round.state != SurveyRound.State.GESCHLOSSEN:
        return PROVISIONAL
    if published is not None and (run.round.stichtag, run.round_id) < (
        published.round.stichtag,
        published.round_id,
    ):
        return EARLIER
    return NO_RESULT


def latest_run(*, round_id: int) -> IndexRun | None:
    """The round's newest run in any state (for the progress display)."""
    return IndexRun.objects.filter(round_id=round_id).order_by("-started_at", "-pk").first()


def run_status(*, round_id: int) -> dict:
    """What the page shows about the computation of a round (also the JSON endpoint).

    ``state`` is one of ``none``, ``queued`` (a recomputation is requested and no
    run has started since), ``running``, ``stale`` (running far too long: the
    worker was stopped), ``finished``, ``failed``.
    """
    latest = latest_run(round_id=round_id)
    current = (
        latest
        if latest is not None and latest.status == IndexRun.Status.FINISHED
        else current_run(round_id=round_id)
    )
    request = RecomputeRequest.objects.filter(round_id=round_id).first()
    state = latest.display_status if latest else "none"
    waiting = request is not None and (latest is None or latest.started_at < request.requested_at)
    if waiting and state != "running":
        state = "queued"
    labels = {
        "none": _("Noch keine Berechnung."),
        "queued": _("Neuberechnung angefordert, wartet auf den Hintergrunddienst."),
        "running": _("Berechnung läuft …"),
        "stale": _("Berechnung abgebrochen (Hintergrunddienst beendet)."),
        "finished": _("Berechnung abgeschlossen."),
        "failed": _("Berechnung fehlgeschlagen."),
    }
    return {
        "state": state,
        "label": labels[state],
        "run_id": latest.pk if latest else None,
        "started_at": _iso(latest.started_at) if latest else None,
        "finished_at": _iso(latest.finished_at) if latest else None,
        "error": latest.error if latest and latest.status == IndexRun.Status.FAILED else "",
        "requested_at": _iso(request.requested_at) if request else None,
        "started_label": _label(latest.started_at) if latest else "",
        "finished_label": _label(latest.finished_at) if latest else "",
        "current_run_id": current.pk if current else None,
        "current_finished_at": _iso(current.finished_at) if current else None,
        "active": state in ("queued", "running"),
    }


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def _label(value) -> str:
    return date_format(timezone.localtime(value), "d.m.Y H:i") if value else ""


def fresh_running_run(*, round_id: int) -> IndexRun | None:
    """A run of the round that is running and not yet stale (blocks a second manual start)."""
    return (
        IndexRun.objects.filter(
            round_id=round_id,
            status=IndexRun.Status.RUNNING,
            started_at__gt=timezone.now() - stale_after(),
        )
        .order_by("-started_at")
        .first()
    )


def rounds_for_jugendamt(*, jugendamt_id: int) -> QuerySet[SurveyRound]:
    """The Jugendamt's survey rounds, newest Stichtag first."""
    return SurveyRound.objects.filter(jugendamt_id=jugendamt_id).order_by("-stichtag", "-pk")


# --- tables ----------------------------------------------------------------------


@dataclass
class SozialraumRow:
    """One row of the Sozialraum table: its indices, share and euros, and their cells."""

    name: str
    sozialraum_id: int
    values: dict  # category -> float | None
    classes: dict
    percent: Decimal | None
    amount: Decimal | None  # euros, two places
    kita_count: int
    # as the page shows them (see ``_display``)
    cells: list[Cell] = field(default_factory=list)  # AB, SL, FM, IN
    gesamt: Cell | None = None
    class_css: str = ""
    class_text: str = "–"
    percent_cell: Cell | None = None
    amount_cell: Cell | None = None

    def _display(self, fmt: NumberFormat) -> SozialraumRow:
        """Format every number once (instead of template filters per cell)."""
        self.cells = [display.cell(fmt, self.values.get(c)) for c in CATEGORY_ORDER]
        self.gesamt = display.cell(fmt, self.values.get("GESAMT"))
        self.class_css = display.class_css(self.classes, "GESAMT")
        klass = self.classes.get("GESAMT")
        self.class_text = display.class_label(klass) if klass else "–"
        self.percent_cell = Cell(
            value="" if self.percent is None else str(self.percent),
            text="–" if self.percent is None else f"{fmt(self.percent)} %",
        )
        self.amount_cell = Cell(
            value="" if self.amount is None else str(self.amount),
            text="–" if self.amount is None else f"{fmt(self.amount, grouping=True)} €",
        )
        return self


def sozialraum_rows(*, run: IndexRun, budget_cents: int | None) -> list[SozialraumRow]:
    """The Sozialraum table of a run with the euro amounts for ``budget_cents``.

    Amounts are apportioned from the exact shares G(s) / ΣG by the largest-remainder
    method (methodology.md section 6), so they add up to the budget to the cent.
    """
    values = list(
        run.sozialraum_values.select_related("sozialraum").order_by(
            "sozialraum__position", "sozialraum__name"
        )
    )
    amounts: dict[int, Decimal] = {}
    with_index = [v for v in values if v.gesamt is not None]
    if budget_cents is not None and with_index:
        cents = compute.largest_remainder(
            [v.gesamt for v in with_index],
            int(budget_cents),
            [v.sozialraum.name for v in with_index],
        )
        amounts = {
            v.sozialraum_id: (Decimal(int(c)) / 100).quantize(Decimal("0.01"))
            for v, c in zip(with_index, cents, strict=True)
        }
    fmt = NumberFormat()
    return [
        SozialraumRow(
            name=v.sozialraum.name,
            sozialraum_id=v.sozialraum_id,
            values={c: v.index(c) for c in INDEX_ORDER},
            classes=v.classes or {},
            percent=v.percent,
            amount=amounts.get(v.sozialraum_id),
            kita_count=v.kita_count,
        )._display(fmt)
        for v in values
    ]


# Sort keys the Kita table accepts (?sort=gesamt, ?sort=-gesamt).
KITA_SORT_FIELDS = {
    "kita": "kita__name",
    "sozialraum": "kita__sozialraum__name",
    "ab": "ab",
    "sl": "sl",
    "fm": "fm",
    "in": "infra",
    "gesamt": "gesamt",
}


def kita_values(*, run: IndexRun, sort: str = "") -> QuerySet[KitaIndex]:
    """The Kita rows of a run, one query, sorted by a key of ``KITA_SORT_FIELDS``."""
    key = sort.lstrip("-")
    field_name = KITA_SORT_FIELDS.get(key, "kita__name")
    descending = sort.startswith("-") and key in KITA_SORT_FIELDS
    expr = F(field_name).desc(nulls_last=True) if descending else F(field_name).asc(nulls_last=True)
    return (
        run.kita_values.select_related("kita", "kita__sozialraum")
        .defer("variables", "points")
        .order_by(expr, "kita__name", "pk")
    )


@dataclass
class KitaEligibility:
    """FS1 and FS3 eligibility of one Kita as the tables show it (methodology.md section 8)."""

    fs1: str  # "ja" | "nein" | "unbekannt"
    fs3: str  # "ja" | "begruendung" | "nein" | "unbekannt"


def _norm(norms: dict, level: str, category: str) -> dict | None:
    entry = ((norms or {}).get(level) or {}).get(category)
    if not entry or entry.get("lower") is None or entry.get("mean") is None:
        return None
    return entry


_LABELS = {
    rules.ELIGIBLE: "ja",
    rules.WITH_JUSTIFICATION: "begruendung",
    rules.NOT_ELIGIBLE: "nein",
    rules.UNKNOWN: "unbekannt",
}


def eligibility(*, gesamt: float | None, fm: float | None, norms: dict) -> KitaEligibility:
    """FS1 and FS3 of one Kita by the rules of ``indices.eligibility``.

    FS1 needs the Kita Gesamtindex >= the lower norm bound; FS3 an FM index above the
    mean, or above the lower bound with a written justification ("begruendung"). Without
    a norm range or without the Kita's value the answer is "unbekannt".
    """
    g_norm = _norm(norms, "kita", "GESAMT") or {}
    fm_norm = _norm(norms, "kita", "FM") or {}
    fs1 = rules.fs1_eligibility(gesamt, g_norm.get("lower"))
    fs3 = rules.fs3_eligibility(fm, fm_norm.get("mean"), fm_norm.get("lower"))
    return KitaEligibility(fs1=_LABELS[fs1.status], fs3=_LABELS[fs3.status])


def _kita_detail_path():
    """kita_id -> the path of the Kita detail page: ``reverse`` once, not per row."""
    sample = reverse("indices:kita_detail", args=[987654321])
    head, marker, tail = sample.partition("987654321")
    if not marker or "987654321" in tail:
        return lambda kita_id: reverse("indices:kita_detail", args=[kita_id])
    return lambda kita_id: f"{head}{int(kita_id)}{tail}"


def annotate_eligibility(*, rows: list[KitaIndex], norms: dict) -> list[KitaIndex]:
    """Attach eligibility and the formatted cells to each KitaIndex of a page (no queries).

    Per row: ``.eligibility``, and what the Kita table shows: ``.cells`` (AB, SL, FM, IN;
    ``css`` the class, ``title`` its name), ``.gesamt_cell``, ``.class_text``,
    ``.fs1_text``, ``.fs3_text`` and ``.detail_path`` (the Kita's detail page).
    """
    texts = {key: eligibility_text(key) for key in ("ja", "nein", "begruendung", "unbekannt")}
    fmt = NumberFormat()
    detail_path = _kita_detail_path()
    for row in rows:
        row.detail_path = detail_path(row.kita_id)
        row.eligibility = eligibility(gesamt=row.gesamt, fm=row.fm, norms=norms)
        classes = row.classes or {}
        row.cells = [
            display.cell(
                fmt,
                row.index(c),
                display.class_css(classes, c),
                display.class_label(classes.get(c)),
            )
            for c in CATEGORY_ORDER
        ]
        row.gesamt_cell = display.cell(fmt, row.gesamt, display.class_css(classes, "GESAMT"))
        row.class_text = display.class_label(classes["GESAMT"]) if classes.get("GESAMT") else "–"
        row.fs1_text = texts.get(row.eligibility.fs1) or eligibility_text(row.eligibility.fs1)
        row.fs3_text = texts.get(row.eligibility.fs3) or eligibility_text(row.eligibility.fs3)
    return rows


# --- one Kita --------------------------------------------------------------------


def kita_value(*, run: IndexRun, kita_id: int) -> KitaIndex | None:
    """The run's values of one Kita, or None."""
    return run.kita_values.filter(kita_id=kita_id).first()


def kita_answers(*, run: IndexRun, kita_id: int) -> tuple[dict, bool]:
    """The Kita's answers now on file in the run's round, and whether they changed since."""
    response = (
        Response.objects.filter(round_id=run.round_id, kita_id=kita_id)
        .values("answers", "updated_at")
        .first()
    )
    answers = (response or {}).get("answers") or {}
    return answers, response is not None and response["updated_at"] > run.started_at


def city_comparison(*, run: IndexRun, value: KitaIndex) -> list[dict]:
    """The Kita's five indices and classes next to the city mean and norm range."""
    rows = []
    for category in INDEX_ORDER:
        norm = ((run.norms or {}).get("kita") or {}).get(category) or {}
        rows.append(
            {
                "category": category,
                "label": CATEGORY_LABELS[category],
                "value": value.index(category),
                "class": (value.classes or {}).get(category),
                "class_label": display.class_label((value.classes or {}).get(category)),
                "mean": norm.get("mean"),
                "lower": norm.get("lower"),
                "upper": norm.get("upper"),
            }
        )
    return rows


_KIND_TEXT = {
    "share": gettext_lazy("Anteil in Prozent: 100 · {a} / {b}"),
    "mean": gettext_lazy("Mittelwert der beantworteten Angaben {items}"),
    "value": gettext_lazy("Wert der Angabe {items}"),
    "reverse": gettext_lazy("umgepolt: 5 − {items}"),
    "reverse_mean": gettext_lazy("umgepolt: 5 − Mittelwert der beantworteten Angaben {items}"),
}


def _num(value):
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def kita_explanation(*, run: IndexRun, value: KitaIndex, answers: dict | None) -> list[dict]:
    """Every number of one Kita, from the raw answer to the category index.

    Per category: its variables, each with the items it is derived from (code,
    question, the answer now on file), the derivation, the variable's value in the
    run, the min and max over all Kitas of the run, and the standard point
    SP = 100 · (x − min) / (max − min); then the category index as the mean of
    the available standard points.
    """
    answers = answers or {}
    variables = value.variables or {}
    points = value.points or {}
    minmax = run.minmax or {}
    sections = []
    for category in CATEGORY_ORDER:
        entries = []
        for var, (cat, kind, inputs) in VARIABLES.items():
            if cat != category:
                continue
            items = [
                {
                    "code": code,
                    "label": ITEMS_BY_CODE[code].label,
                    "text": question_text(code),  # in full: AB4, FM4, FM5 differ at the end
                    "answer": _num(answers.get(code)),
                }
                for code in inputs
            ]
            bounds = minmax.get(var)
            entries.append(
                {
                    "code": var,
                    "derivation": _KIND_TEXT[kind].format(
                        a=inputs[0], b=inputs[-1], items=", ".join(inputs)
                    ),
                    "items": items,
                    "value": _num(variables.get(var)),
                    "min": _num(bounds[0]) if bounds else None,
                    "max": _num(bounds[1]) if bounds else None,
                    "excluded": bounds is None,
                    "point": _num(points.get(var)),
                }
            )
        used = [e["point"] for e in entries if e["point"] is not None]
        sections.append(
            {
                "category": category,
                "label": CATEGORY_LABELS[category],
                "variables": entries,
                "points_used": used,
                "index": value.index(category),
                "class": (value.classes or {}).get(category),
                "class_label": display.class_label((value.classes or {}).get(category)),
            }
        )
    return sections


# --- the Kita's own results page (Kita leaders, Träger) ---------------------------------
# Plain German for people who are not statisticians: per index one picture of where the
# Kita stands among all Kitas of the city (``indices.charts``), one sentence derived from
# the stored class and the values, what follows for FS1/FS3, and the questions behind each
# variable. Only ever the published run (the views pass ``published_run``).

# Fewer Kitas with a value than this: no distribution, no mean, no band and no comparison
# sentence (with two Kitas the mean and one's own value give away the other's value).
MIN_KITAS_FOR_DISTRIBUTION = 3

# "Ihre Kita liegt <where> über dem Durchschnitt der Stadt."
_WHERE = {
    "AB": gettext_lazy("beim allgemeinen Bedarf"),
    "SL": gettext_lazy("bei der sozialen Lage"),
    "FM": gettext_lazy("bei Flucht und Migration"),
    "IN": gettext_lazy("bei Infrastruktur und Netzwerken"),
    "GESAMT": gettext_lazy("beim Gesamtindex"),
}


def index_distribution(*, run: IndexRun) -> dict[str, list[float]]:
    """Every Kita's value of each index in the run, sorted (one query, values only: no
    Kita, no id, so nothing about who is who can leave this function)."""
    fields = [FIELD_BY_CATEGORY[c] for c in INDEX_ORDER]
    columns: dict[str, list[float]] = {c: [] for c in INDEX_ORDER}
    for row in run.kita_values.values_list(*fields):
        for category, number in zip(INDEX_ORDER, row, strict=True):
            if number is not None and not math.isnan(number):
                columns[category].append(float(number))
    return {c: sorted(v) for c, v in columns.items()}


def open_round_running(*, jugendamt_id: int) -> bool:
    """A survey of the Jugendamt is open now (its figures are not published yet)."""
    return SurveyRound.objects.filter(
        jugendamt_id=jugendamt_id, state=SurveyRound.State.OFFEN
    ).exists()


def _exact(number) -> Fraction:
    """A float as the value it was stored as (its shortest repr), for exact comparisons."""
    return Fraction(Decimal(repr(float(number))))


def _others(values: list[float], own: float | None) -> list[float]:
    """The distribution without (one instance of) the own Kita's value."""
    others = list(values)
    if own is not None and own in others:
        others.remove(own)
    return others


def _position_sentence(category: str, klass, value, norm: dict, fmt: NumberFormat) -> str:
    """One plain sentence (two clauses) about where the Kita stands for one index."""
    where = _WHERE[category]
    label = CATEGORY_LABELS[category]
    if value is None:
        return _(
            "Für %(index)s hat Ihre Kita in dieser Erhebung keinen Wert: Im Fragebogen fehlen "
            "dafür Angaben."
        ) % {"index": label}
    numbers = {
        "where": where,
        "value": fmt(value),
        "mean": fmt(norm.get("mean")),
        "lower": fmt(norm.get("lower")),
        "upper": fmt(norm.get("upper")),
    }
    if klass == compute.ABOVE:
        return (
            _(
                "Ihre Kita liegt %(where)s über dem Durchschnitt der Stadt. Ihr Wert "
                "(%(value)s) liegt sogar über dem üblichen Bereich (%(lower)s bis %(upper)s): "
                "Der Bedarf ist hier höher als bei den meisten Kitas."
            )
            % numbers
        )
    if klass == compute.BELOW:
        return (
            _(
                "Ihre Kita liegt %(where)s unter dem Durchschnitt der Stadt. Ihr Wert "
                "(%(value)s) liegt sogar unter dem üblichen Bereich (%(lower)s bis %(upper)s): "
                "Der Bedarf ist hier geringer als bei den meisten Kitas."
            )
            % numbers
        )
    if klass == compute.INSIDE:
        mean = norm.get("mean")
        if mean is not None and _exact(value) > _exact(mean):
            detail = _(
                "Ihr Wert (%(value)s) liegt etwas über dem Durchschnitt (%(mean)s), aber im "
                "üblichen Bereich (%(lower)s bis %(upper)s) wie bei den meisten Kitas."
            )
        elif mean is not None and _exact(value) < _exact(mean):
            detail = _(
                "Ihr Wert (%(value)s) liegt etwas unter dem Durchschnitt (%(mean)s), aber im "
                "üblichen Bereich (%(lower)s bis %(upper)s) wie bei den meisten Kitas."
            )
        else:
            detail = _(
                "Ihr Wert (%(value)s) entspricht dem Durchschnitt der Stadt; der übliche "
                "Bereich reicht von %(lower)s bis %(upper)s."
            )
        return (_("Ihre Kita liegt %(where)s im üblichen Bereich der Stadt.") + " " + detail) % (
            numbers
        )
    return (
        _(
            "Ihr Wert %(where)s ist %(value)s. Einen Vergleich mit der Stadt gibt es für diese "
            "Erhebung nicht."
        )
        % numbers
    )


@dataclass
class IndexResult:
    """One index on the Kita's own results page."""

    category: str
    label: str
    value: float | None
    value_text: str
    klass: str | None
    sentence: str
    chart: str  # SVG markup (built from numbers and translated texts only)
    compared: bool  # the city comparison is shown (enough Kitas)
    count: int  # Kitas of the city with a value
    per_dot: int = 1  # Kitas one dot stands for (more than one in a crowded chart)
    mean_text: str = ""
    range_text: str = ""
    variables: list[dict] = field(default_factory=list)


def _chart_texts(label: str, own_text: str, norm: dict | None, count: int, per_dot: int, fmt):
    if norm is None:
        desc = _(
            "Skala von 0 (geringster Bedarf in der Stadt) bis 100 (höchster Bedarf). "
            "Die Raute zeigt Ihre Kita bei %(value)s. Andere Kitas werden nicht gezeigt, "
            "weil weniger als drei Kitas einen Wert haben."
        ) % {"value": own_text}
    else:
        desc = _(
            "Skala von 0 (geringster Bedarf in der Stadt) bis 100 (höchster Bedarf). "
            "Die Raute zeigt Ihre Kita bei %(value)s. Jeder Kreis ist eine andere Kita der "
            "Stadt, ohne Namen; %(count)s Kitas haben einen Wert. Hellblau hinterlegt ist der "
            "übliche Bereich von %(lower)s bis %(upper)s, die gestrichelte Linie ist der "
            "Durchschnitt %(mean)s."
        ) % {
            "value": own_text,
            "count": count,
            "lower": fmt(norm.get("lower")),
            "upper": fmt(norm.get("upper")),
            "mean": fmt(norm.get("mean")),
        }
        if per_dot > 1:
            desc += " " + _("Ein Kreis steht für bis zu %(n)s Kitas.") % {"n": per_dot}
    return charts.StripTexts(
        title=_("%(index)s: Ihre Kita im Vergleich mit allen Kitas der Stadt") % {"index": label},
        desc=desc,
        own_label=_("Ihre Kita: %(value)s") % {"value": own_text} if own_text else "",
        mean_label=(_("Durchschnitt: %(mean)s") % {"mean": fmt(norm.get("mean"))}) if norm else "",
        low_label=_("geringer Bedarf"),
        high_label=_("hoher Bedarf"),
    )


_PLAIN_KIND = {
    "share": gettext_lazy("Anteil in Prozent: Antwort auf %(a)s geteilt durch Antwort auf %(b)s."),
    "mean": gettext_lazy("Durchschnitt Ihrer Antworten auf %(items)s (Skala 1 bis 4)."),
    "value": gettext_lazy("Ihre Antwort auf %(items)s."),
    "reverse": gettext_lazy(
        "Ihre Antwort auf %(items)s, umgedreht (5 minus Antwort): je schlechter die Lage, "
        "desto höher der Wert."
    ),
    "reverse_mean": gettext_lazy(
        "Durchschnitt Ihrer Antworten auf %(items)s, umgedreht (5 minus Durchschnitt): je "
        "schlechter die Lage, desto höher der Wert."
    ),
}


def question_text(code: str) -> str:
    """The full text of a questionnaire item: for a sub-item (B3a) the question's lead-in
    with the sub-item ("Wie stark nehmen Sie … wahr? – Armut / Einkommensarmut")."""
    item = ITEMS_BY_CODE[code]
    lead = QUESTION_TEXTS.get(item.question) if item.question != item.code else None
    return f"{lead} – {item.label}" if lead else item.label


def _plain_variables(category: str, value: KitaIndex, run: IndexRun, fmt) -> list[dict]:
    """The variables of one category with their full questions and the Kita's points."""
    entries = []
    for var, (cat, kind, inputs) in VARIABLES.items():
        if cat != category:
            continue
        point = _num((value.points or {}).get(var))
        entries.append(
            {
                "code": var,
                "how": _PLAIN_KIND[kind]
                % {"a": inputs[0], "b": inputs[-1], "items": ", ".join(inputs)},
                "items": [{"code": code, "text": question_text(code)} for code in inputs],
                "value_text": fmt(_num((value.variables or {}).get(var))) or "–",
                "point_text": fmt(point) if point is not None else "",
                "excluded": (run.minmax or {}).get(var) is None,
            }
        )
    return entries


def kita_results(*, run: IndexRun, value: KitaIndex) -> list[IndexResult]:
    """The five indices of one Kita for its own results page, Gesamtindex first.

    Per index: the Kita's value and class, the sentence, the dot chart among all Kitas of
    the run (anonymous; none below ``MIN_KITAS_FOR_DISTRIBUTION``) and the variables.
    One query for the distribution.
    """
    fmt = NumberFormat()
    distribution = index_distribution(run=run)
    results = []
    for category in ["GESAMT", *CATEGORY_ORDER]:
        own = value.index(category)
        own = None if own is None or math.isnan(own) else float(own)
        values = distribution[category]
        compared = len(values) >= MIN_KITAS_FOR_DISTRIBUTION
        norm = _norm(run.norms, "kita", category) if compared else None
        if norm is not None and norm.get("upper") is None:
            norm = None
        klass = (value.classes or {}).get(category) if compared else None
        others = _others(values, own) if compared else []
        own_text = fmt(own)
        _dots, per_dot = charts.dot_layout(others, own=own)
        texts = _chart_texts(CATEGORY_LABELS[category], own_text, norm, len(values), per_dot, fmt)
        chart = charts.strip_chart(
            chart_id=f"strip-{category.lower()}",
            texts=texts,
            others=others,
            own=own,
            mean=norm.get("mean") if norm else None,
            lower=norm.get("lower") if norm else None,
            upper=norm.get("upper") if norm else None,
        )
        if compared and norm is not None:
            sentence = _position_sentence(category, klass, own, norm, fmt)
        elif own is None:
            sentence = _position_sentence(category, None, None, {}, fmt)
        else:
            sentence = _(
                "Ihr Wert %(where)s ist %(value)s. Weil in dieser Erhebung weniger als drei "
                "Kitas einen Wert haben, zeigen wir keinen Vergleich mit der Stadt: Er ließe "
                "Rückschlüsse auf einzelne Kitas zu."
            ) % {"where": _WHERE[category], "value": own_text}
        results.append(
            IndexResult(
                category=category,
                label=CATEGORY_LABELS[category],
                value=own,
                value_text=own_text or "–",
                klass=klass,
                sentence=sentence,
                chart=chart,
                compared=compared and norm is not None,
                count=len(values),
                per_dot=per_dot,
                mean_text=fmt(norm.get("mean")) if norm else "",
                range_text=(
                    _("%(lower)s bis %(upper)s")
                    % {"lower": fmt(norm.get("lower")), "upper": fmt(norm.get("upper"))}
                )
                if norm
                else "",
                variables=_plain_variables(category, value, run, fmt)
                if category != "GESAMT"
                else [],
            )
        )
    return results


def kita_consequences(*, value: KitaIndex, norms: dict, compared: bool) -> list[dict]:
    """What follows from the values for the own Kita: FS1 and FS3 in words.

    The same rules as the allocation (``indices.eligibility``); ``compared`` False (too
    few Kitas for a comparison) leaves the city's numbers out of the sentences.
    """
    fmt = NumberFormat()
    g_norm = _norm(norms, "kita", "GESAMT") or {}
    fm_norm = _norm(norms, "kita", "FM") or {}
    fs1 = rules.fs1_eligibility(value.gesamt, g_norm.get("lower"))
    fs3 = rules.fs3_eligibility(value.fm, fm_norm.get("mean"), fm_norm.get("lower"))
    p = {
        "gesamt": fmt(value.gesamt),
        "g_lower": fmt(g_norm.get("lower")),
        "fm": fmt(value.fm),
        "fm_mean": fmt(fm_norm.get("mean")),
        "fm_lower": fmt(fm_norm.get("lower")),
    }
    unknown = {
        "no_index": _(
            "Das lässt sich nicht sagen: Ihrer Kita fehlt in dieser Erhebung der nötige Wert "
            "(Angaben im Fragebogen fehlen)."
        ),
        "no_norms": _(
            "Das lässt sich nicht sagen: Für diese Erhebung gibt es keinen üblichen Bereich "
            "der Stadt."
        ),
    }
    if fs1.status == rules.ELIGIBLE:
        fs1_text = (
            _(
                "Ja. Ihr Gesamtindex (%(gesamt)s) liegt nicht unter der unteren Grenze des "
                "üblichen Bereichs (%(g_lower)s)."
            )
            if compared
            else _("Ja. Ihr Gesamtindex reicht dafür aus.")
        )
    elif fs1.status == rules.NOT_ELIGIBLE:
        fs1_text = (
            _(
                "Nein. Ihr Gesamtindex (%(gesamt)s) liegt unter der unteren Grenze des "
                "üblichen Bereichs (%(g_lower)s)."
            )
            if compared
            else _("Nein. Ihr Gesamtindex reicht dafür nicht aus.")
        )
    else:
        fs1_text = unknown[fs1.code]
    if fs3.status == rules.ELIGIBLE:
        fs3_text = (
            _(
                "Ja. Ihr Wert bei Flucht und Migration (%(fm)s) liegt über dem Durchschnitt "
                "der Stadt (%(fm_mean)s)."
            )
            if compared
            else _("Ja. Ihr Wert bei Flucht und Migration reicht dafür aus.")
        )
    elif fs3.status == rules.WITH_JUSTIFICATION:
        fs3_text = (
            _(
                "Nur mit einer schriftlichen Begründung. Ihr Wert bei Flucht und Migration "
                "(%(fm)s) liegt nicht über dem Durchschnitt der Stadt (%(fm_mean)s), aber über "
                "der unteren Grenze des üblichen Bereichs (%(fm_lower)s)."
            )
            if compared
            else _("Nur mit einer schriftlichen Begründung.")
        )
    elif fs3.status == rules.NOT_ELIGIBLE:
        fs3_text = (
            _(
                "Nein. Ihr Wert bei Flucht und Migration (%(fm)s) liegt nicht über der unteren "
                "Grenze des üblichen Bereichs (%(fm_lower)s)."
            )
            if compared
            else _("Nein. Ihr Wert bei Flucht und Migration reicht dafür nicht aus.")
        )
    else:
        fs3_text = unknown[fs3.code]
    return [
        {
            "strand": "FS1",
            "question": _(
                "Kann Ihre Kita Stellen für Kita-Sozialarbeit erhalten (Förderstrang 1)?"
            ),
            "status": _LABELS[fs1.status],
            "answer": fs1_text % p,
        },
        {
            "strand": "FS3",
            "question": _(
                "Kann Ihre Kita Stellen für interkulturelle Fachkräfte erhalten (Förderstrang 3)?"
            ),
            "status": _LABELS[fs3.status],
            "answer": fs3_text % p,
        },
    ]


def own_kita_summaries(*, kitas: list) -> list[dict]:
    """Per Kita of the list page: its published Gesamtindex and class (one query per
    Jugendamt the Kitas belong to; usually one)."""
    fmt = NumberFormat()
    by_jugendamt: dict[int, list] = {}
    for kita in kitas:
        by_jugendamt.setdefault(kita.sozialraum.jugendamt_id, []).append(kita)
    values: dict[int, KitaIndex] = {}
    runs: dict[int, IndexRun | None] = {}
    for jugendamt_id, group in by_jugendamt.items():
        run = published_run(jugendamt_id=jugendamt_id)
        runs[jugendamt_id] = run
        if run is not None:
            for row in run.kita_values.filter(kita__in=group).defer("variables", "points"):
                values[row.kita_id] = row
    rows = []
    for kita in kitas:
        row = values.get(kita.pk)
        rows.append(
            {
                "kita": kita,
                "run": runs.get(kita.sozialraum.jugendamt_id),
                "gesamt_text": fmt(row.gesamt) if row is not None else "",
                # the class compares with the city: not below the small-cell limit
                "klass": (row.classes or {}).get("GESAMT")
                if row is not None
                and runs[kita.sozialraum.jugendamt_id].kita_count >= MIN_KITAS_FOR_DISTRIBUTION
                else None,
            }
        )
    return rows
