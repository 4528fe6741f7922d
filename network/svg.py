"""The network drawn as a server-rendered SVG (issue 17).

A bipartite drawing with a fixed layout (so the same data gives the same picture): the
left column holds the Kitas (for the committee: the Sozialraum as one node), the right
column the round's partner types in the order of the partner list; a line joins a Kita and
a partner type it works with, its width growing with the weight (``network.analysis``:
selten 1, regelmäßig 2, eng 3). A partner type nobody reaches is drawn as an open circle
and marked "nicht erreicht". The pages show the same figures in a table as the text
alternative.

Accessible and CSP-safe as ``reports.documents.charts``: ``role="img"`` with ``<title>``
and ``<desc>`` referenced by ``aria-labelledby``, presentation attributes only (no
``style``), black and white (widths, not colours, carry the weight). Every text from the
data is escaped with ``django.utils.html.escape``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
FONT_SIZE = 12
CHAR_WIDTH = 0.58 * FONT_SIZE
ROW = 26  # vertical distance of two nodes
TOP = 40  # room for the column headings
LABEL_CHARS = 34  # longer labels are shortened in the drawing (the table has them whole)
EDGE_GAP = 220  # horizontal distance of the two columns


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    hollow: bool = False  # drawn as an open circle (e.g. a partner nobody reaches)
    note: str = ""  # a short text after the label


@dataclass(frozen=True)
class Edge:
    left: str
    right: str
    weight: float  # 0 < weight <= max_weight
    label: str = ""  # shown as the line's tooltip (<title>)


def line_width(weight: float, max_weight: float = 3) -> float:
    """1.5 px for the weakest tie up to 7.5 px for ``max_weight``."""
    share = max(0.0, min(float(weight), max_weight)) / max_weight
    return round(1.5 + 6 * share, 2)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _column_y(count: int, rows: int) -> list[float]:
    """Centre a shorter column against the longer one."""
    offset = (rows - count) * ROW / 2
    return [TOP + offset + ROW * (i + 0.5) for i in range(count)]


def bipartite_svg(
    *,
    chart_id: str,
    title: str,
    desc: str,
    left_heading: str,
    right_heading: str,
    left: Sequence[Node],
    right: Sequence[Node],
    edges: Sequence[Edge],
    max_weight: float = 3,
) -> str:
    """The drawing as an SVG string (escaped; safe to inline)."""
    left_chars = max([len(_short(n.label)) for n in left] + [len(left_heading), 8])
    right_chars = max(
        [len(_short(n.label)) + (len(n.note) + 3 if n.note else 0) for n in right]
        + [len(right_heading), 8]
    )
    x_left = 16 + left_chars * CHAR_WIDTH + 12
    x_right = x_left + EDGE_GAP
    width = x_right + 12 + right_chars * CHAR_WIDTH + 16
    rows = max(len(left), len(right), 1)
    height = TOP + rows * ROW + 16
    ly = dict(zip((n.key for n in left), _column_y(len(left), rows), strict=True))
    ry = dict(zip((n.key for n in right), _column_y(len(right), rows), strict=True))

    cid = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" id="{cid}" '
        f'class="srb-chart srb-network" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        f'<text x="{x_left:.1f}" y="20" text-anchor="end" font-weight="bold">'
        f"{escape(left_heading)}</text>",
        f'<text x="{x_right:.1f}" y="20" font-weight="bold">{escape(right_heading)}</text>',
        '<g class="edges" stroke="#333333" stroke-linecap="round">',
    ]
    for edge in edges:
        if edge.left not in ly or edge.right not in ry or edge.weight <= 0:
            continue
        tooltip = f"<title>{escape(edge.label)}</title>" if edge.label else ""
        parts.append(
            f'<line x1="{x_left:.1f}" y1="{ly[edge.left]:.1f}" x2="{x_right:.1f}" '
            f'y2="{ry[edge.right]:.1f}" stroke-width="{line_width(edge.weight, max_weight)}">'
            f"{tooltip}</line>"
        )
    parts.append("</g>")
    for node in left:
        y = ly[node.key]
        parts.append(
            f'<circle cx="{x_left:.1f}" cy="{y:.1f}" r="5" fill="#000000"/>'
            f'<text x="{x_left - 10:.1f}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_short(node.label))}</text>"
        )
    for node in right:
        y = ry[node.key]
        fill = "#ffffff" if node.hollow else "#000000"
        note = f" ({escape(node.note)})" if node.note else ""
        parts.append(
            f'<circle cx="{x_right:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="#000000" '
            f'stroke-width="1.5"/><text x="{x_right + 10:.1f}" y="{y + 4:.1f}">'
            f"{escape(_short(node.label))}{note}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def kita_network_svg(*, chart_id: str, sozialraum_name: str, group, kita_names, partners) -> str:
    """Staff: the Kitas of a Sozialraum and the partner types (``group``: a
    ``network.analysis.GroupNetwork``; ``kita_names``: id -> name; ``partners``: the
    round's ``[(key, label)]``)."""
    labels = dict(partners)
    left = [Node(str(k.kita_id), kita_names.get(k.kita_id, str(k.kita_id))) for k in group.kitas]
    right = _partner_nodes(group, partners)
    edges = []
    for (_kind_a, a), (_kind_b, b), data in group.graph.edges(data=True):
        kita_id, key = (a, b) if _kind_a == "kita" else (b, a)
        edges.append(
            Edge(
                str(kita_id),
                str(key),
                data["weight"],
                f"{kita_names.get(kita_id, kita_id)} – {labels.get(key, key)}",
            )
        )
    edges.sort(key=lambda e: (e.left, e.right))
    return bipartite_svg(
        chart_id=chart_id,
        title=_("Netzwerk im Sozialraum %(name)s") % {"name": sozialraum_name},
        desc=_(
            "%(kitas)s Kitas (links) und %(partners)s Arten von Netzwerkpartnern (rechts); "
            "eine Linie verbindet eine Kita mit einem Partner, mit dem sie zusammenarbeitet, "
            "je breiter, desto häufiger (selten, regelmäßig, eng). %(edges)s Verbindungen. "
            "Die Tabelle darunter enthält dieselben Angaben."
        )
        % {"kitas": group.kita_count, "partners": group.partner_types, "edges": group.edges},
        left_heading=_("Kitas"),
        right_heading=_("Netzwerkpartner"),
        left=left,
        right=right,
        edges=edges,
    )


def aggregate_network_svg(*, chart_id: str, sozialraum_name: str, group, partners) -> str:
    """Committee: the Sozialraum as one node, a line to each partner type that Kitas
    work with, its width the mean frequency (no Kita appears)."""
    left = [Node("sr", sozialraum_name)]
    right = _partner_nodes(group, partners)
    edges = [
        Edge(
            "sr",
            p.key,
            p.mean_frequency or 0,
            _("%(label)s: %(kitas)s von %(total)s Kitas")
            % {"label": p.label, "kitas": p.kitas, "total": group.kita_count},
        )
        for p in group.partners
        if p.reached and p.mean_frequency
    ]
    return bipartite_svg(
        chart_id=chart_id,
        title=_("Netzwerk im Sozialraum %(name)s") % {"name": sozialraum_name},
        desc=_(
            "Der Sozialraum (links) und %(partners)s Arten von Netzwerkpartnern (rechts); "
            "je breiter die Linie, desto häufiger arbeiten die Kitas im Mittel mit dem "
            "Partner zusammen. Die Tabelle darunter enthält dieselben Angaben."
        )
        % {"partners": group.partner_types},
        left_heading=_("Sozialraum"),
        right_heading=_("Netzwerkpartner"),
        left=left,
        right=right,
        edges=edges,
    )


def _partner_nodes(group, partners) -> list[Node]:
    unreached = set(group.unreached)
    return [
        Node(str(key), str(label), hollow=key in unreached, note=_("nicht erreicht"))
        if key in unreached
        else Node(str(key), str(label))
        for key, label in partners
    ]
