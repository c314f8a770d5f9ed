"""The learning network between cities, computed from the assembled site — pure, no I/O.

``learning_graph(site)`` is a networkx ``MultiDiGraph`` with one edge per reason two cities are connected:

* ``learned``: from the city of a case study to the city of each case study it ``learned_from``
  (Taiyuan -> Hangzhou), one edge per pair of practices;
* ``met``: from the host city of an event to each of its participating cities, one edge per event.

Nodes are keyed like the city taxonomy (``cn/hangzhou``) and carry ``name``, ``country``, ``url`` (their
city page) and ``practices`` (case studies and events of the city in the library). A participant that
matches no city of the library is a node too, keyed by its country and name (``mz/maputo``, ``-/ampasy``
without a country) and with no page (``url`` None). Every city of the library is a node, connected or not.

Every edge has a ``number``: the item that tells its story in the text of network/ (each ``learned`` edge
its own item, sorted by city and practice; each event one item for all its edges, by date). The drawing
shows the number on the edge, so the picture and the lists read together.

``drawing(graph)`` lays out the connected cities with a seeded spring layout (``nx.spring_layout``, nodes
inserted in sorted order, coordinates rounded), so the same content always gives the same picture, and
returns the geometry of the SVG as plain data: node circles, edge paths, arrowheads and number badges.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, Any, TypeAlias

import networkx as nx

from generator.model import Participant
from generator.site import City, Site
from generator.vocab import slugify

__all__ = [
    "LearningGraph",
    "LEARNED",
    "MET",
    "SEED",
    "WIDTH",
    "HEIGHT",
    "MAX_DRAWN",
    "city_key",
    "learning_graph",
    "activity",
    "connected",
    "drawing",
]

# Cities keyed like the city taxonomy (``cn/hangzhou``); edges keyed by number.
if TYPE_CHECKING:
    LearningGraph: TypeAlias = nx.MultiDiGraph[str]
else:  # networkx's classes take no type arguments at run time
    LearningGraph = nx.MultiDiGraph

LEARNED, MET = "learned", "met"
SEED = 2016  # the year of the Third UCLG Learning Forum; any fixed number keeps builds reproducible
WIDTH, HEIGHT = 1000, 640  # the drawing's frame, in SVG user units
MAX_DRAWN = 150  # the most active cities drawn; the lists on the page name every connection

_MARGIN_X, _MARGIN_TOP, _MARGIN_BOTTOM = 90, 40, 56  # room for the labels of the outermost cities
_SPREAD = 26  # distance between the middles of parallel edges
_ARROW_LENGTH, _ARROW_WIDTH = 11, 9
_GAP = 2  # between a circle and the end of an edge


def city_key(city: City) -> str:
    """A city of the library as a node: the key of its city page (``cn/hangzhou``)."""
    return f"{city.country.lower()}/{city.slug}"


def _outside_key(name: str, country: str | None) -> str:
    return f"{(country or '-').lower()}/{slugify(name) or name.casefold()}"


def learning_graph(site: Site) -> LearningGraph:
    """Cities linked by adapted practices and by the events they met at (see the module's docstring)."""
    nodes: dict[str, dict[str, Any]] = {}  # key -> name, country, url, practices
    for city in site.city_of.values():  # one entry per practice: count them
        node = nodes.setdefault(
            city_key(city), {"name": city.name, "country": city.country, "url": city.url, "practices": 0}
        )
        node["practices"] += 1

    # Participants outside the library: a name without a country joins the one node of that name that has one.
    outside: dict[str, dict[str, Any]] = {}
    for event in site.events.values():
        for participant, (_, matched) in zip(event.participants, site.participants[event.slug]):
            if matched is None and participant.country:
                outside.setdefault(
                    _outside_key(participant.name, participant.country),
                    {"name": participant.name, "country": participant.country},
                )
    by_name: dict[str, list[str]] = defaultdict(list)
    for key in sorted(outside):
        by_name[key.split("/", 1)[1]].append(key)

    def participant_key(participant: Participant, city: City | None) -> str:
        if city is not None:
            return city_key(city)
        if participant.country:
            return _outside_key(participant.name, participant.country)
        same = by_name.get(_outside_key(participant.name, None).split("/", 1)[1], [])
        if len(same) == 1:
            return same[0]
        key = _outside_key(participant.name, None)
        outside.setdefault(key, {"name": participant.name, "country": None})
        return key

    learned = []
    for study in site.case_studies.values():
        for source in study.learned_from:
            if source in site.case_studies:
                learned.append((city_key(site.city_of[study.slug]), city_key(site.city_of[source]), study, source))
    learned.sort(key=lambda e: (nodes[e[0]]["name"].casefold(), e[0], e[2].title.casefold(), e[2].slug, e[3]))
    edges = [
        (
            u,
            v,
            f"{LEARNED}/{study.slug}/{source}",
            {"kind": LEARNED, "practice": study.slug, "source": source, "number": n},
        )
        for n, (u, v, study, source) in enumerate(learned, start=1)
    ]

    number = len(edges)
    for event in sorted(site.events.values(), key=lambda e: (e.date, e.title.casefold(), e.slug)):
        host = city_key(site.city_of[event.slug])
        met = []
        for participant, (_, matched) in zip(event.participants, site.participants[event.slug]):
            key = participant_key(participant, matched)
            if key != host and key not in met:
                met.append(key)
        if met:
            number += 1
            edges += [
                (host, key, f"{MET}/{event.slug}", {"kind": MET, "event": event.slug, "number": number}) for key in met
            ]

    for key, data in outside.items():
        nodes.setdefault(key, {**data, "url": None, "practices": 0})
    graph: LearningGraph = nx.MultiDiGraph()
    graph.add_nodes_from(sorted(nodes.items()))
    for u, v, key, data in sorted(edges, key=lambda e: (e[3]["number"], e[0], e[1])):
        graph.add_edge(u, v, key, **data)
    return graph


def activity(graph: LearningGraph, key: str) -> int:
    """How active a city is in the network: its practices in the library plus its connections."""
    practices: int = graph.nodes[key]["practices"]
    return practices + graph.degree(key)


def connected(graph: LearningGraph) -> list[str]:
    """The cities with at least one connection, the most active first (at most MAX_DRAWN are drawn)."""
    keys = [key for key in graph if graph.degree(key)]
    return sorted(keys, key=lambda key: (-activity(graph, key), key))


# --- the drawing -----------------------------------------------------------------------------------------


def _num(value: float) -> str:
    """Shortest form of a number rounded to one decimal: 12, -3.5, 0.2."""
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _layout(graph: LearningGraph, keys: list[str]) -> dict[str, tuple[float, float]]:
    """Spring layout of the drawn cities, scaled into the frame and rounded to one decimal.

    Each connected group of cities is laid out on its own (a layout of the whole would push small groups
    to the edges); the groups are set side by side in rows, each in a square as large as the root of its
    number of cities, and the rows are stretched to fill the frame.
    """
    simple: nx.Graph[str] = nx.Graph()  # one edge per pair of cities, whatever the number of reasons
    simple.add_nodes_from(sorted(keys))
    simple.add_edges_from(sorted((u, v) for u, v in graph.edges() if u in simple and v in simple))
    groups = sorted((sorted(group) for group in nx.connected_components(simple)), key=lambda g: (-len(g), g[0]))
    sides = [math.sqrt(len(group)) for group in groups]
    width, height = WIDTH - 2 * _MARGIN_X, HEIGHT - _MARGIN_TOP - _MARGIN_BOTTOM
    # rows as wide as the frame's shape asks, but room beside the largest group for a smaller one
    row_width = max(1.4 * max(sides, default=1), math.sqrt(sum(s * s for s in sides) * width / height))
    boxes, x, y, row_height = [], 0.0, 0.0, 0.0
    for side in sides:  # shelf packing: left to right, a new row when the row is full
        if x and x + side > row_width + 1e-9:
            x, y, row_height = 0.0, y + row_height, 0.0
        boxes.append((x, y, side))
        x, row_height = x + side, max(row_height, side)
    total_x = max((bx + side for bx, _, side in boxes), default=1)
    total_y = max((by + side for _, by, side in boxes), default=1)

    positions: dict[str, tuple[float, float]] = {}
    for group, (bx, by, side) in zip(groups, boxes):
        sub: nx.Graph[str] = nx.Graph()
        sub.add_nodes_from(group)
        sub.add_edges_from(sorted(simple.edges(group)))
        unit = nx.spring_layout(sub, k=1.5 / math.sqrt(len(group)), iterations=300, seed=SEED)
        spans = [(min(float(p[i]) for p in unit.values()), max(float(p[i]) for p in unit.values())) for i in (0, 1)]
        for key in group:
            ux, uy = (_stretch(float(unit[key][i]), *spans[i]) for i in (0, 1))  # each axis to 0..1
            px = (bx + side * (0.08 + 0.84 * ux)) / total_x
            py = (by + side * (0.08 + 0.84 * uy)) / total_y
            positions[key] = (round(_MARGIN_X + px * width, 1), round(_MARGIN_TOP + py * height, 1))
    return positions


def _stretch(value: float, low: float, high: float) -> float:
    return 0.5 if high - low < 1e-9 else (value - low) / (high - low)


def _radius(value: int, most: int, count: int) -> float:
    """A circle's area grows with its city's activity, up to the most active city's, smaller when many are drawn."""
    largest = min(22.0, 150 / math.sqrt(count))
    return round(4 + (largest - 4) * math.sqrt(value / most), 1)


def _unit(dx: float, dy: float) -> tuple[float, float]:
    length = math.hypot(dx, dy) or 1.0
    return dx / length, dy / length


def _edge(
    p0: tuple[float, float],
    p2: tuple[float, float],
    r0: float,
    r2: float,
    offset: float,
    arrow_at_start: bool,
    at: float = 0.5,
) -> dict[str, Any]:
    """One edge from p0 to p2, bowed sideways by ``offset`` (a quadratic curve; straight when 0), ending at
    the circles' rims, with an arrowhead at p0 when asked and the point ``at`` (0 to 1) along it for its badge."""
    (x0, y0), (x2, y2) = p0, p2
    nx_, ny_ = _unit(-(y2 - y0), x2 - x0)
    mx, my = (x0 + x2) / 2, (y0 + y2) / 2
    cx, cy = mx + nx_ * 2 * offset, my + ny_ * 2 * offset
    u0 = _unit(cx - x0, cy - y0) if offset else _unit(x2 - x0, y2 - y0)
    u2 = _unit(cx - x2, cy - y2) if offset else _unit(x0 - x2, y0 - y2)
    start = (x0 + u0[0] * (r0 + _GAP), y0 + u0[1] * (r0 + _GAP))
    end = (x2 + u2[0] * (r2 + _GAP), y2 + u2[1] * (r2 + _GAP))
    arrow = None
    if arrow_at_start:
        tip = start
        base = (tip[0] + u0[0] * _ARROW_LENGTH, tip[1] + u0[1] * _ARROW_LENGTH)
        side = (-u0[1] * _ARROW_WIDTH / 2, u0[0] * _ARROW_WIDTH / 2)
        arrow = (
            f"M{_num(tip[0])} {_num(tip[1])}L{_num(base[0] + side[0])} {_num(base[1] + side[1])}"
            f"L{_num(base[0] - side[0])} {_num(base[1] - side[1])}z"
        )
        start = (tip[0] + u0[0] * (_ARROW_LENGTH - 1), tip[1] + u0[1] * (_ARROW_LENGTH - 1))
    if offset:
        d = f"M{_num(start[0])} {_num(start[1])}Q{_num(cx)} {_num(cy)} {_num(end[0])} {_num(end[1])}"
    else:
        d = f"M{_num(start[0])} {_num(start[1])}L{_num(end[0])} {_num(end[1])}"
    a, b, c = (1 - at) ** 2, 2 * (1 - at) * at, at**2
    return {"d": d, "arrow": arrow, "badge": (a * x0 + b * cx + c * x2, a * y0 + b * cy + c * y2)}


def drawing(graph: LearningGraph, limit: int = MAX_DRAWN) -> dict[str, Any]:
    """The SVG geometry of the network: the ``limit`` most active connected cities and the edges between them.

    Nodes (sorted by key) have ``key``, ``x``, ``y``, ``r`` and ``label_y``; edges (in the order of their
    numbers) have ``key``, ``source``, ``target``, ``kind``, ``number``, path ``d``, ``arrow`` (learned edges:
    a triangle at the city that learned, since the practice travelled towards it) and a ``badge`` for the number.
    """
    everyone = connected(graph)
    keys = everyone[:limit]
    drawn = set(keys)
    positions = _layout(graph, keys) if keys else {}
    most = max((activity(graph, key) for key in keys), default=1)
    radius = {key: _radius(activity(graph, key), most, len(keys)) for key in keys}

    pairs: dict[tuple[str, str], list[tuple[int, str, str, str, dict[str, Any]]]] = defaultdict(list)
    for u, v, key, data in graph.edges(keys=True, data=True):
        if u in drawn and v in drawn:
            pairs[(u, v) if u <= v else (v, u)].append((data["number"], u, v, key, data))
    edges = []
    for (a, _b), members in sorted(pairs.items()):
        members.sort(key=lambda m: (m[0], m[1], m[2], m[3]))
        step = min(_SPREAD, 4 * _SPREAD / len(members))
        for i, (number, u, v, key, data) in enumerate(members):
            offset = (i - (len(members) - 1) / 2) * step * (1 if u == a else -1)  # the same side whichever way it runs
            # a learned edge has its number in the middle; an event's, away from its host, where the spokes part
            at = 0.5 if data["kind"] == LEARNED else 0.6
            geometry = _edge(positions[u], positions[v], radius[u], radius[v], offset, data["kind"] == LEARNED, at)
            label = str(number)
            width = 8 + 7 * len(label)
            mx, my = geometry["badge"]
            edges.append(
                {
                    "key": key,
                    "source": u,
                    "target": v,
                    "kind": data["kind"],
                    "number": number,
                    "d": geometry["d"],
                    "arrow": geometry["arrow"],
                    "badge": {
                        "x": _num(mx - width / 2),
                        "y": _num(my - 8),
                        "width": _num(width),
                        "height": "16",
                        "text_x": _num(mx),
                        "text_y": _num(my + 4),
                        "label": label,
                    },
                }
            )
    edges.sort(key=lambda e: (e["number"], e["source"], e["target"]))
    nodes = [
        {
            "key": key,
            "x": _num(positions[key][0]),
            "y": _num(positions[key][1]),
            "r": _num(radius[key]),
            "label_y": _num(positions[key][1] + radius[key] + 14),
        }
        for key in sorted(keys)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "view_box": f"0 0 {WIDTH} {HEIGHT}",
        "nodes": nodes,
        "edges": edges,
        "omitted": len(everyone) - len(keys),
    }
