"""The network analysis of a round from F4 and F5 (issue 17). PURE: no Django (import-linter).

Concept paper, chapter 2.2: how strongly each Kita works with which offers and partners.
The questionnaire asks per network partner type of the round (F4, the partner list kept by
the Jugendamt) how often the Kita works with it, and how satisfied the Kita is with the
network as a whole (F5, 1 sehr unzufrieden .. 4 sehr zufrieden).

Inputs (``KitaAnswers``, one per Kita with a submitted questionnaire in the round):
``kita_id``, ``sozialraum_id``, ``frequencies`` (partner key -> F4 level code) and
``satisfaction`` (F5, 1..4 or None); and the round's partner list ``[(key, label), ...]``.
Levels of partners that are not on the round's list are ignored. A partner the Kita left
empty is *unanswered*: it is no edge and does not count in the Kita's or the partner's
"answered" figures.

Frequency weights (F4's ordinal scale nie · selten · regelmäßig · eng, read as equally
spaced steps; "nie" is the scale's zero, i.e. no collaboration):

    nie = 0, selten = 1, regelmäßig = 2, eng = 3        (``WEIGHTS``, unit: steps)

The graph of a group of Kitas (a Sozialraum, or the whole round) is bipartite
(``networkx.Graph``): one node per answering Kita (``("kita", id)``) and one per partner
type of the round (``("partner", key)``); an edge Kita–partner with ``weight`` w(k, p) for
every answer with w >= 1 ("nie" and unanswered give no edge).

Per partner type p (K = the group's answering Kitas):
    kitas(p)          = |{k in K : w(k, p) >= 1}|              (Kitas that work with it)
    answered(p)       = |{k in K : k answered p}|
    mean_frequency(p) = sum of w(k, p) over the Kitas that answered p / answered(p)
                        (0..3, "nie" counts 0; None when nobody answered p)
    reached(p)        = kitas(p) >= 1

Per Kita k (P = the round's partner types):
    partners(k)   = |{p in P : w(k, p) >= 1}|                  (its degree in the graph)
    answered(k)   = |{p in P : k answered p}|
    share_nie(k)  = |{p : k answered p with "nie"}| / answered(k)  (0..1; None if none answered)
    strength(k)   = sum over p of w(k, p)                       (weighted degree)

Per group (Sozialraum):
    kita_count         = |K|
    edges              = number of edges of the graph
    density            = edges / (|K| · |P|)   (0..1; None when |K| or |P| is 0; the
                         bipartite density, ``networkx.bipartite.density``)
    mean_partners      = mean of partners(k) over K            (None when K is empty)
    mean_satisfaction  = mean of F5 over the Kitas that answered F5 (1..4; None if none)
    unreached          = the partner types p with kitas(p) = 0, in the list's order

Change since the previous round (``compare``), for every measure m above that both rounds
have: delta(m) = m(this round) - m(previous round); None when either value is None or the
previous round does not have the Sozialraum, the partner type (matched by key) or the Kita
(matched by id). Partner types are compared by key, so a type that is new in this round has
no change; ``newly_unreached`` / ``newly_reached`` list the types that are unreached now and
were reached then, and the other way round (types on both lists only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

# F4's levels as weights (see the module docstring).
WEIGHTS: dict[str, int] = {"nie": 0, "selten": 1, "regelmaessig": 2, "eng": 3}
MAX_WEIGHT = max(WEIGHTS.values())
NIE = "nie"


@dataclass(frozen=True)
class KitaAnswers:
    """One Kita's F4 and F5 in a round."""

    kita_id: int
    sozialraum_id: int
    frequencies: Mapping[str, str] = field(default_factory=dict)  # partner key -> level code
    satisfaction: int | None = None  # F5, 1..4


@dataclass(frozen=True)
class PartnerMeasures:
    key: str
    label: str
    kitas: int  # Kitas that work with it (weight >= 1)
    answered: int  # Kitas that answered it (any level)
    mean_frequency: float | None  # 0..3 over the Kitas that answered it

    @property
    def reached(self) -> bool:
        return self.kitas > 0


@dataclass(frozen=True)
class KitaMeasures:
    kita_id: int
    sozialraum_id: int
    partners: int  # partner types with weight >= 1
    answered: int  # partner types answered
    nie: int  # partner types answered with "nie"
    share_nie: float | None  # nie / answered, 0..1
    strength: int  # sum of the weights
    satisfaction: int | None
    weights: tuple[int | None, ...] = ()  # per partner type in the list's order; None: unanswered


@dataclass(frozen=True)
class GroupNetwork:
    """The network of a group of Kitas: a Sozialraum (``sozialraum_id``) or several (None)."""

    sozialraum_id: int | None
    partner_types: int  # |P|
    kita_count: int  # |K|
    edges: int
    density: float | None
    mean_partners: float | None
    mean_satisfaction: float | None
    partners: tuple[PartnerMeasures, ...]
    kitas: tuple[KitaMeasures, ...]
    unreached: tuple[str, ...]  # partner keys, in the list's order
    graph: nx.Graph = field(compare=False, repr=False)

    def partner(self, key: str) -> PartnerMeasures | None:
        return next((p for p in self.partners if p.key == key), None)

    def kita(self, kita_id: int) -> KitaMeasures | None:
        return next((k for k in self.kitas if k.kita_id == kita_id), None)


@dataclass(frozen=True)
class RoundNetwork:
    partners: tuple[tuple[str, str], ...]
    sozialraeume: dict[int, GroupNetwork]  # only Sozialräume with at least one answer
    total: GroupNetwork  # all answering Kitas of the round


@dataclass(frozen=True)
class Change:
    now: float | None
    before: float | None

    @property
    def delta(self) -> float | None:
        if self.now is None or self.before is None:
            return None
        return self.now - self.before


@dataclass(frozen=True)
class GroupChange:
    kita_count: Change
    edges: Change
    density: Change
    mean_partners: Change
    mean_satisfaction: Change
    partners: dict[str, dict[str, Change]]  # key -> {"kitas": .., "mean_frequency": ..}
    kitas: dict[int, dict[str, Change]]  # kita id -> {"partners": .., "share_nie": ..}
    newly_unreached: tuple[str, ...]
    newly_reached: tuple[str, ...]


def weight(level: str | None) -> int | None:
    """The weight of an F4 level code; None for unanswered or unknown codes."""
    if level is None:
        return None
    return WEIGHTS.get(level)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def kita_node(kita_id: int) -> tuple[str, int]:
    return ("kita", kita_id)


def partner_node(key: str) -> tuple[str, str]:
    return ("partner", key)


def analyse_group(
    answers: Iterable[KitaAnswers],
    partners: Sequence[Sequence[str]],
    *,
    sozialraum_id: int | None = None,
) -> GroupNetwork:
    """The graph and the measures of one group of Kitas (formulas: module docstring)."""
    partner_list = [(str(p[0]), str(p[1])) for p in partners]
    keys = [key for key, _label in partner_list]
    rows = sorted(answers, key=lambda a: a.kita_id)

    graph = nx.Graph()
    graph.add_nodes_from((kita_node(a.kita_id) for a in rows), bipartite=0)
    graph.add_nodes_from((partner_node(k) for k in keys), bipartite=1)

    per_partner: dict[str, list[int]] = {key: [] for key in keys}  # answered weights
    kita_rows = []
    for a in rows:
        answered = nie = strength = linked = 0
        weights = tuple(weight(a.frequencies.get(key)) for key in keys)
        for key, w in zip(keys, weights, strict=True):
            if w is None:
                continue
            answered += 1
            per_partner[key].append(w)
            strength += w
            if w == 0:
                nie += 1
            else:
                linked += 1
                graph.add_edge(kita_node(a.kita_id), partner_node(key), weight=w)
        kita_rows.append(
            KitaMeasures(
                kita_id=a.kita_id,
                sozialraum_id=a.sozialraum_id,
                partners=linked,
                answered=answered,
                nie=nie,
                share_nie=nie / answered if answered else None,
                strength=strength,
                satisfaction=a.satisfaction,
                weights=weights,
            )
        )

    partner_rows = tuple(
        PartnerMeasures(
            key=key,
            label=label,
            kitas=sum(1 for w in per_partner[key] if w >= 1),
            answered=len(per_partner[key]),
            mean_frequency=_mean(per_partner[key]),
        )
        for key, label in partner_list
    )
    kita_nodes = [kita_node(a.kita_id) for a in rows]
    density = nx.bipartite.density(graph, kita_nodes) if rows and keys else None
    satisfaction = [a.satisfaction for a in rows if a.satisfaction is not None]
    return GroupNetwork(
        sozialraum_id=sozialraum_id,
        partner_types=len(keys),
        kita_count=len(rows),
        edges=graph.number_of_edges(),
        density=density,
        mean_partners=_mean([k.partners for k in kita_rows]),
        mean_satisfaction=_mean(satisfaction),
        partners=partner_rows,
        kitas=tuple(kita_rows),
        unreached=tuple(p.key for p in partner_rows if not p.reached),
        graph=graph,
    )


def analyse_round(
    answers: Iterable[KitaAnswers], partners: Sequence[Sequence[str]]
) -> RoundNetwork:
    """Per Sozialraum (those with at least one answering Kita) and for the whole round."""
    rows = list(answers)
    by_sozialraum: dict[int, list[KitaAnswers]] = {}
    for a in rows:
        by_sozialraum.setdefault(a.sozialraum_id, []).append(a)
    return RoundNetwork(
        partners=tuple((str(p[0]), str(p[1])) for p in partners),
        sozialraeume={
            sid: analyse_group(group, partners, sozialraum_id=sid)
            for sid, group in sorted(by_sozialraum.items())
        },
        total=analyse_group(rows, partners),
    )


def compare(current: GroupNetwork, previous: GroupNetwork | None) -> GroupChange:
    """The change of every measure since the previous round (formulas: module docstring)."""

    def change(now, attr):
        return Change(now, getattr(previous, attr) if previous is not None else None)

    partners = {}
    for p in current.partners:
        before = previous.partner(p.key) if previous is not None else None
        partners[p.key] = {
            "kitas": Change(p.kitas, before.kitas if before else None),
            "mean_frequency": Change(p.mean_frequency, before.mean_frequency if before else None),
        }
    kitas = {}
    for k in current.kitas:
        before = previous.kita(k.kita_id) if previous is not None else None
        kitas[k.kita_id] = {
            "partners": Change(k.partners, before.partners if before else None),
            "share_nie": Change(k.share_nie, before.share_nie if before else None),
        }
    if previous is None:
        newly_unreached: tuple[str, ...] = ()
        newly_reached: tuple[str, ...] = ()
    else:
        both = [p.key for p in current.partners if previous.partner(p.key) is not None]
        was = set(previous.unreached)
        now = set(current.unreached)
        newly_unreached = tuple(k for k in both if k in now and k not in was)
        newly_reached = tuple(k for k in both if k in was and k not in now)
    return GroupChange(
        kita_count=change(current.kita_count, "kita_count"),
        edges=change(current.edges, "edges"),
        density=change(current.density, "density"),
        mean_partners=change(current.mean_partners, "mean_partners"),
        mean_satisfaction=change(current.mean_satisfaction, "mean_satisfaction"),
        partners=partners,
        kitas=kitas,
        newly_unreached=newly_unreached,
        newly_reached=newly_reached,
    )
