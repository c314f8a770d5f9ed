"""The frame of map units and the geometry in it — pure, no I/O.

The whole Equal Earth outline is ``WIDTH`` units wide, x grows eastwards from the antimeridian and y grows
southwards from the North Pole, as in SVG. Here: the projection into that frame, compact SVG path data and
numbers, and the boxes a map is framed by and its rings are clipped to. The country shapes and the maps drawn
from them are geo.py's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

__all__ = [
    "HEIGHT",
    "WIDTH",
    "Box",
    "bounding_box",
    "boxes_intersect",
    "clip_ring",
    "equal_earth",
    "frame_box",
    "outline_path",
    "path_data",
    "project",
    "ring_area",
    "svg_number",
    "svg_view_box",
]

# Šavrič, Patterson & Jenny (2018), "The Equal Earth map projection", IJGIS 33(3).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth on the unit sphere: degrees in, (x eastwards, y northwards) out, as PROJ's ``+proj=eqearth +R=1``."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


X_MAX = equal_earth(180, 0)[0]  # 2.70663...
Y_MAX = equal_earth(0, 90)[1]  # 1.31736...
WIDTH = 1000
SCALE = WIDTH / (2 * X_MAX)
HEIGHT = round(2 * Y_MAX * SCALE, 1)  # 486.7


def project(lat: float, lon: float) -> tuple[float, float]:
    """A position (latitude, longitude in degrees, as in content) in map units, y downwards."""
    x, y = equal_earth(lon, lat)
    return (x + X_MAX) * SCALE, (Y_MAX - y) * SCALE


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in map units


def svg_number(value: float) -> str:
    """Shortest form of a number rounded to one decimal: 12, -3.5, 0.2."""
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _join(numbers: Iterable[str]) -> str:
    """SVG number list with separators only where needed: ``3-2 4 5``."""
    parts: list[str] = []
    for n in numbers:
        parts.append(n if (not parts or n.startswith("-")) else " " + n)
    return "".join(parts)


def path_data(rings: Iterable[Sequence[tuple[float, float]]]) -> str:
    """Closed rings as compact SVG path data with relative commands: ``M10 20l3-2 4 5zm30 1l...z``."""
    parts: list[str] = []
    start: tuple[float, float] | None = None
    for ring in rings:
        if len(ring) < 3:
            continue
        x0, y0 = ring[0]
        move = (
            "M" + _join([svg_number(x0), svg_number(y0)])
            if start is None
            else "m" + _join([svg_number(x0 - start[0]), svg_number(y0 - start[1])])
        )
        steps, (px, py) = [], ring[0]
        for x, y in ring[1:]:
            if (x, y) != (px, py):
                steps += [svg_number(x - px), svg_number(y - py)]
                px, py = x, y
        parts.append(move + "l" + _join(steps) + "z")
        start = (x0, y0)
    return "".join(parts)


def outline_path(steps: int = 36) -> str:
    """The edge of the Equal Earth world (the sphere): the ±180° meridians, in map units."""
    east = [project(90 - 180 * i / steps, 180) for i in range(steps + 1)]
    west = [project(-90 + 180 * i / steps, -180) for i in range(steps + 1)]
    points = [(round(x, 1), round(y, 1)) for x, y in east + west]
    return path_data([points])


def ring_area(ring: Sequence[tuple[float, float]]) -> float:
    points = list(ring)
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1])) / 2


def bounding_box(points: Iterable[tuple[float, float]]) -> Box:
    xs, ys = [], []
    for x, y in points:
        xs.append(x)
        ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys))


def boxes_intersect(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def svg_view_box(box: Box) -> str:
    x0, y0, x1, y1 = box
    return " ".join(svg_number(v) for v in (x0, y0, x1 - x0, y1 - y0))


def clip_ring(ring: Sequence[tuple[float, float]], box: Box) -> list[tuple[float, float]]:
    """Sutherland-Hodgman against a rectangle; new corners rounded to a tenth, like every drawn number."""
    points: list[tuple[float, float]] = list(ring)
    for axis, limit, side in ((0, box[0], 1), (0, box[2], -1), (1, box[1], 1), (1, box[3], -1)):
        if not points:
            break
        out = []
        for a, b in zip(points, points[1:] + points[:1]):
            a_in, b_in = side * (a[axis] - limit) >= 0, side * (b[axis] - limit) >= 0
            if a_in:
                out.append(a)
            if a_in != b_in:
                t = (limit - a[axis]) / (b[axis] - a[axis])
                other = 1 - axis
                cut = [0.0, 0.0]
                cut[axis] = limit
                cut[other] = round(a[other] + t * (b[other] - a[other]), 1)
                out.append((round(cut[0], 1), round(cut[1], 1)))
        points = out
    return points


def frame_box(box: Box, size: tuple[float, float]) -> Box:
    """Grow ``box`` by a margin to at least ``size`` and to its aspect ratio, kept inside the world if it fits."""
    width, height = size
    x0, y0, x1, y1 = box
    w = max(x1 - x0, 1) * 1.3
    h = max(y1 - y0, 1) * 1.3
    scale = max(w / width, h / height, 1.0)
    w, h = width * scale, height * scale
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left = min(max(cx - w / 2, 0), max(WIDTH - w, 0)) if w <= WIDTH else cx - w / 2
    top = min(max(cy - h / 2, 0), max(HEIGHT - h, 0)) if h <= HEIGHT else cy - h / 2
    left, top = round(left, 1), round(top, 1)
    return (left, top, round(left + w, 1), round(top + h, 1))
