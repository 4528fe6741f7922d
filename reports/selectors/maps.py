"""The maps of issue 18: the shares, the Gesamtindex class and the FTE of decided plans per
Sozialraum as SVG choropleths (``sozialraeume.mapping``), each with a table as its text
alternative.

The committee's maps come from the committee report's own rows (``committee_maps``: the
same figures, the small-cell rule already applied, approved plans only) and never carry a
Kita point; the staff page adds the Kita locations (``kita_points``). Without boundaries
there is nothing to draw: both return no maps, the staff page says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from indices.display import class_label
from sozialraeume import mapping
from sozialraeume.models import KitaLocation, SozialraumBoundary
from srb_project.numbers import localized

# The Gesamtindex class against the norm range, lightest to darkest (higher: more need).
CLASS_STYLE = {"unterhalb": 0, "innerhalb": 2, "oberhalb": 4}


@dataclass
class MapTableRow:
    name: str
    value: str
    klass: str  # the legend text of its class


@dataclass
class MapFigure:
    key: str  # "shares", "class", "fte"
    title: str
    table_caption: str
    description: str
    value_heading: str
    svg: SafeString
    rows: list[MapTableRow] = field(default_factory=list)


def boundaries_for(jugendamt_id: int) -> dict[int, dict]:
    """Sozialraum id -> GeoJSON geometry of the Jugendamt's boundaries (one query)."""
    return dict(
        SozialraumBoundary.objects.filter(sozialraum__jugendamt_id=jugendamt_id).values_list(
            "sozialraum_id", "geojson"
        )
    )


def kita_points(jugendamt_id: int) -> list[mapping.MapPoint]:
    """The located active Kitas of the Jugendamt (staff only; one query)."""
    return [
        mapping.MapPoint(lon=float(lon), lat=float(lat), label=name)
        for name, lat, lon in KitaLocation.objects.filter(
            kita__sozialraum__jugendamt_id=jugendamt_id, kita__active=True
        )
        .order_by("kita__name")
        .values_list("kita__name", "latitude", "longitude")
    ]


def _interval_legend(intervals, unit: str, places: int) -> list[str]:
    texts = []
    for i, (low, high) in enumerate(intervals):
        low_text = localized(Decimal(str(round(low, places))), places)
        high_text = localized(Decimal(str(round(high, places))), places)
        if len(intervals) == 1:
            texts.append(f"{low_text}{unit}")
        elif i == len(intervals) - 1:
            texts.append(_("%(low)s bis %(high)s") % {"low": low_text, "high": high_text} + unit)
        else:
            texts.append(
                _("%(low)s bis unter %(high)s") % {"low": low_text, "high": high_text} + unit
            )
    return texts


def _numeric_map(
    *,
    key,
    subject,
    description,
    value_heading,
    rows,
    values,
    texts,
    none_text,
    unit,
    places,
    boundaries,
    chart_prefix,
    points,
    point_legend,
) -> MapFigure:
    classes, intervals = mapping.equal_interval_classes(
        [float(v) if v is not None else None for v in values]
    )
    legend_texts = _interval_legend(intervals, unit, places)
    legend = [mapping.LegendEntry(i, t) for i, t in enumerate(legend_texts)]
    if any(c is None for c in classes):
        legend.append(mapping.LegendEntry(None, none_text))
    return _figure(
        key=key,
        subject=subject,
        description=description,
        value_heading=value_heading,
        rows=rows,
        classes=classes,
        class_texts=[none_text if c is None else legend_texts[c] for c in classes],
        texts=texts,
        legend=legend,
        boundaries=boundaries,
        chart_prefix=chart_prefix,
        points=points,
        point_legend=point_legend,
    )


def _figure(
    *,
    key,
    subject,
    description,
    value_heading,
    rows,
    classes,
    class_texts,
    texts,
    legend,
    boundaries,
    chart_prefix,
    points,
    point_legend,
) -> MapFigure:
    areas = [
        mapping.Area(
            key=f"sr-{row.sozialraum_id}",
            label=row.name,
            geometry=boundaries[row.sozialraum_id],
            klass=klass,
            value_text=text,
        )
        for row, klass, text in zip(rows, classes, texts, strict=True)
        if row.sozialraum_id in boundaries
    ]
    title = _("Karte: %(subject)s") % {"subject": subject}
    svg = mapping.choropleth_svg(
        areas=areas,
        legend=legend,
        title=title,
        description=description,
        chart_id=f"{chart_prefix}-{key}",
        points=points,
        point_legend=point_legend,
    )
    return MapFigure(
        key=key,
        title=title,
        table_caption=_("Tabelle zur Karte: %(subject)s") % {"subject": subject},
        description=description,
        value_heading=value_heading,
        svg=mark_safe(svg),  # noqa: S308 - built and escaped by sozialraeume.mapping
        rows=[
            MapTableRow(name=row.name, value=text, klass=klass_text)
            for row, text, klass_text in zip(rows, texts, class_texts, strict=True)
        ],
    )


def map_figures(
    rows, indices: dict, boundaries: dict[int, dict], *, chart_prefix: str, points=()
) -> list[MapFigure]:
    """The three maps from report rows (``CommitteeRow``: ``sozialraum_id``, ``name``,
    ``percent``, ``merged``, ``decided``, ``planned.fte``) and the run's Sozialraum indices
    (id -> ``SozialraumIndex``). ``points``: Kita locations (staff pages only)."""
    if not boundaries or not any(r.sozialraum_id in boundaries for r in rows):
        return []
    point_legend = _("Kita-Standort") if points else ""
    common = {
        "rows": rows,
        "boundaries": boundaries,
        "chart_prefix": chart_prefix,
        "points": points,
        "point_legend": point_legend,
    }
    with_points = (
        " " + _("Die Punkte zeigen die Standorte der Kitas (nur für das Jugendamt).")
        if points
        else ""
    )
    percents = [r.percent for r in rows]
    shares = _numeric_map(
        key="shares",
        subject=_("Anteil am Sozialraumbudget je Sozialraum"),
        description=_(
            "Karte der Sozialräume, eingefärbt nach ihrem Anteil am Budget in fünf Stufen "
            "gleicher Breite (hell: kleiner Anteil, dunkel: großer Anteil; jede Stufe mit "
            "eigenem Muster). Die Werte stehen in der Tabelle daneben."
        )
        + with_points,
        value_heading=_("Anteil"),
        values=percents,
        texts=[f"{localized(p, 2)}\u00a0%" if p is not None else "–" for p in percents],
        none_text=_("kein Anteil"),
        unit="\u00a0%",
        places=2,
        **common,
    )

    klasses, class_texts, texts = [], [], []
    for row in rows:
        index = indices.get(row.sozialraum_id)
        word = None if row.merged or index is None else (index.classes or {}).get("GESAMT")
        if row.merged:
            text = _("zusammengefasst (weniger als 3 Kitas)")
        elif word:
            text = class_label(word)
        else:
            text = _("kein Ergebnis")
        klasses.append(CLASS_STYLE.get(word) if word else None)
        texts.append(text)
        class_texts.append(text)
    legend = [
        mapping.LegendEntry(
            CLASS_STYLE[w], _("%(word)s des Normbereichs") % {"word": class_label(w)}
        )
        for w in ("unterhalb", "innerhalb", "oberhalb")
    ]
    if any(k is None for k in klasses):
        legend.append(
            mapping.LegendEntry(None, _("kein Wert (zusammengefasst oder ohne Ergebnis)"))
        )
    gesamt_class = _figure(
        key="class",
        subject=_("Klasse des Gesamtindex je Sozialraum"),
        description=_(
            "Karte der Sozialräume nach der Klasse ihres Gesamtindex: unterhalb, innerhalb "
            "oder oberhalb des Normbereichs (hell bis dunkel, jede Klasse mit eigenem "
            "Muster). Sozialräume mit weniger als drei Kitas sind nicht eingeordnet."
        )
        + with_points,
        value_heading=_("Klasse des Gesamtindex"),
        classes=klasses,
        class_texts=class_texts,
        texts=texts,
        legend=legend,
        **common,
    )

    ftes = [r.planned.fte if r.decided else None for r in rows]
    fte = _numeric_map(
        key="fte",
        subject=_("Stellen (VZÄ) beschlossener Pläne je Sozialraum"),
        description=_(
            "Karte der Sozialräume nach den Stellenanteilen (VZÄ) ihres beschlossenen "
            "Verteilungsplans in fünf Stufen gleicher Breite; ohne beschlossenen Plan weiß "
            "mit gestricheltem Rand."
        )
        + with_points,
        value_heading=_("VZÄ"),
        values=ftes,
        texts=[
            f"{localized(v, 2)}\u00a0{_('VZÄ')}" if v is not None else _("nicht beschlossen")
            for v in ftes
        ],
        none_text=_("nicht beschlossen"),
        unit="\u00a0" + _("VZÄ"),
        places=2,
        **common,
    )
    return [shares, gesamt_class, fte]


def committee_maps(jugendamt_id: int, rows, indices: dict) -> list[MapFigure]:
    """The committee report's maps: Sozialraum level, no Kita point (one query)."""
    return map_figures(rows, indices, boundaries_for(jugendamt_id), chart_prefix="committee-map")
