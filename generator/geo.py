"""Map geometry: the Equal Earth projection and the layout of the world and locator maps — pure, no I/O.

Everything is in one frame of *map units*: the whole Equal Earth outline is ``WIDTH`` units wide, x grows
eastwards from the antimeridian and y grows southwards from the North Pole, as in SVG. The country asset
(``themes/default/data/world-110m.json``, made by ``scripts/build-world-asset.py``) stores its rings in this
frame as whole units, so a map is a choice of ``viewBox`` plus the paths that fall inside it.

The functions return plain data (path strings, rounded numbers, sorted lists); templates draw the SVG.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

__all__ = [
    "WIDTH",
    "HEIGHT",
    "LEVELS",
    "Atlas",
    "Cartographer",
    "Shape",
    "Marker",
    "equal_earth",
    "project",
    "parse_atlas",
    "path_data",
    "outline_path",
    "level",
    "world_map",
    "locator_map",
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

# Country shading: practices per country, in four steps (the legend shows all of them).
LEVELS: tuple[tuple[int, int | None], ...] = ((1, 1), (2, 4), (5, 9), (10, None))


def project(lat: float, lon: float) -> tuple[float, float]:
    """A position (latitude, longitude in degrees, as in content) in map units, y downwards."""
    x, y = equal_earth(lon, lat)
    return (x + X_MAX) * SCALE, (Y_MAX - y) * SCALE


def level(count: int) -> int:
    """The shading step of a count: 0 for none, then 1..len(LEVELS)."""
    for i, (low, high) in enumerate(LEVELS, start=1):
        if count >= low and (high is None or count <= high):
            return i
    return 0


# --- the asset ------------------------------------------------------------------------------------------

Ring = tuple[tuple[int, int], ...]
_Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in map units


@dataclass(frozen=True)
class Shape:
    """One country of the asset: its ISO 3166-1 alpha-2 code ('' where Natural Earth has none) and rings."""

    code: str
    name: str
    rings: tuple[Ring, ...]

    @cached_property
    def bbox(self) -> _Box:
        return _bbox(p for ring in self.rings for p in ring)

    @property
    def main_ring(self) -> Ring:
        """The largest ring: what a locator frames (France without French Guiana, the USA without Alaska)."""
        return max(self.rings, key=lambda r: (abs(_area(r)), r))


@dataclass(frozen=True, eq=False)  # compared by identity: comparing every ring would be costly
class Atlas:
    shapes: tuple[Shape, ...]
    attribution: str = ""

    def shape(self, code: str) -> Shape | None:
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, Shape]:
        found: dict[str, Shape] = {}
        for shape in self.shapes:
            found.setdefault(shape.code, shape)  # the first, as a scan would find
        return found


def parse_atlas(data: Mapping[str, Any]) -> Atlas:
    """The asset's JSON (already parsed): rings are flat lists ``[x0, y0, dx1, dy1, ...]`` of whole map units."""
    if data.get("width") != WIDTH:
        raise ValueError(f"the world asset is drawn {data.get('width')} units wide; this generator expects {WIDTH}")
    shapes = []
    for country in data["countries"]:
        rings = []
        for flat in country["rings"]:
            x, y, points = 0, 0, []
            for i in range(0, len(flat), 2):
                x, y = x + flat[i], y + flat[i + 1]
                points.append((x, y))
            rings.append(tuple(points))
        shapes.append(Shape(country.get("code") or "", country.get("name", ""), tuple(rings)))
    return Atlas(tuple(shapes), data.get("attribution", ""))


# --- paths ----------------------------------------------------------------------------------------------


def _num(value: float) -> str:
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
            "M" + _join([_num(x0), _num(y0)])
            if start is None
            else "m" + _join([_num(x0 - start[0]), _num(y0 - start[1])])
        )
        steps, (px, py) = [], ring[0]
        for x, y in ring[1:]:
            if (x, y) != (px, py):
                steps += [_num(x - px), _num(y - py)]
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


def _area(ring: Sequence[tuple[float, float]]) -> float:
    points = list(ring)
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1])) / 2


def _bbox(points: Iterable[tuple[float, float]]) -> _Box:
    xs, ys = [], []
    for x, y in points:
        xs.append(x)
        ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys))


def _intersects(a: _Box, b: _Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _view_box(box: _Box) -> str:
    x0, y0, x1, y1 = box
    return " ".join(_num(v) for v in (x0, y0, x1 - x0, y1 - y0))


# --- markers --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    """A practice to place: ``key`` is returned with its position (the caller's slug)."""

    key: str
    lat: float
    lon: float


def _place(markers: Sequence[Marker], radius: float) -> list[dict[str, object]]:
    """Markers in map units; practices at the same spot are set around it in a ring, so each stays clickable.

    Returns one dict per marker, in the given order: ``key``, ``x``, ``y`` and the spot they share, ``cx``, ``cy``.
    """
    spots: dict[tuple[float, float], list[int]] = {}
    projected = []
    for i, marker in enumerate(markers):
        x, y = project(marker.lat, marker.lon)
        spot = (round(x / radius), round(y / radius))  # markers nearer than about a radius share a spot
        spots.setdefault(spot, []).append(i)
        projected.append((x, y))
    placed: list[dict[str, object]] = [{} for _ in markers]
    for members in spots.values():
        cx = sum(projected[i][0] for i in members) / len(members)
        cy = sum(projected[i][1] for i in members) / len(members)
        n = len(members)
        spread = 0.0 if n == 1 else max(radius * 1.25, n * radius * 2.3 / (2 * math.pi))
        for k, i in enumerate(sorted(members, key=lambda i: markers[i].key)):
            angle = -math.pi / 2 + 2 * math.pi * k / n
            x, y = cx + spread * math.cos(angle), cy + spread * math.sin(angle)
            placed[i] = {
                "key": markers[i].key,
                "x": _num(x),
                "y": _num(y),
                "cx": _num(cx),
                "cy": _num(cy),
                "grouped": n > 1,
            }
    return placed


# --- maps -----------------------------------------------------------------------------------------------

MARKER_RADIUS = 4.5


class Cartographer:
    """Draws one build's maps from one atlas. It remembers the parts that pages share (a country's outline on
    every world map that shades it, a country's frame and the land cut to it on every locator of the country),
    and is made by the planner and dropped after the build: nothing is remembered by the process."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self._paths: dict[str, str] = {}
        self._frames: dict[tuple[str, tuple[float, float]], tuple[float, float, float, float]] = {}
        self._layers: dict[tuple[str, tuple[float, float, float, float]], tuple[str, str, str]] = {}
        # the plain land of a world map, by the countries it leaves out (those with practices): the map and
        # each of its filter pages draw it, mostly leaving out the same countries
        self._lands: dict[frozenset[str], str] = {}
        self._outline = ""

    def world_map(self, counts: Mapping[str, int], markers: Sequence[Marker]) -> dict[str, Any]:
        """The whole world: every country with practices as its own shape (with its count and shading step),
        the others merged into one path of plain land, and the markers. Sorted by code; no text in it."""
        atlas = self.atlas
        countries: list[dict[str, Any]] = []
        shaded = frozenset(shape.code for shape in atlas.shapes if shape.code and counts.get(shape.code, 0))
        for shape in atlas.shapes:
            count = counts.get(shape.code, 0) if shape.code else 0
            if count:
                countries.append(
                    {"code": shape.code, "count": count, "level": level(count), "d": self._country_path(shape.code)}
                )
        countries.sort(key=lambda c: c["code"])
        placed = _place(markers, MARKER_RADIUS)
        land = self._lands.get(shaded)
        if land is None:
            rings = [ring for shape in atlas.shapes if shape.code not in shaded for ring in shape.rings]
            land = self._lands[shaded] = path_data(rings)
        self._outline = self._outline or outline_path()
        return {
            "view_box": _view_box((0, 0, WIDTH, HEIGHT)),
            "width": WIDTH,
            "height": _num(HEIGHT),
            "outline": self._outline,
            "land": land,
            "countries": countries,
            "markers": placed,
            "marker_radius": _num(MARKER_RADIUS),
            "drawn": sorted(s.code for s in atlas.shapes if s.code),
        }

    def locator_map(
        self,
        code: str,
        points: Sequence[tuple[float, float]] = (),
        *,
        whole_country: bool = False,
        size: tuple[float, float] = (280, 175),
    ) -> dict[str, Any] | None:
        """A small regional map: the country ``code`` highlighted and a dot at each (lat, lon) point.

        Framed on the whole country when every point lies in that frame (the common case, and the cut
        shapes are then shared by every page of the country), else around the points; at least ``size``
        map units are shown. None when there is nothing to frame (a country the 1:110m atlas leaves
        out, and no points).
        """
        shape = self.atlas.shape(code)
        dots = [project(lat, lon) for lat, lon in points]
        box = self._country_frame(code, size) if shape is not None else None
        if box is None or not all(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in dots):
            if not dots:
                return None
            box = _frame(_bbox(dots + (list(shape.main_ring) if shape is not None and whole_country else [])), size)
        view_box, land, country = self._locator_layers(code, box)
        return {
            "view_box": view_box,
            "land": land,
            "country": country,
            "dots": [{"x": _num(x), "y": _num(y)} for x, y in sorted(set(dots))],
            "dot_radius": _num((box[2] - box[0]) / 60),
        }

    def _country_path(self, code: str) -> str:
        """A country's outline as path data: the same on every map page that shades it."""
        found = self._paths.get(code)
        if found is None:
            found = self._paths[code] = path_data(self._shape(code).rings)
        return found

    def _shape(self, code: str) -> Shape:
        """A country the atlas draws (callers ask only for those)."""
        shape = self.atlas.shape(code)
        if shape is None:
            raise KeyError(f"the atlas has no country {code!r}")
        return shape

    def _country_frame(self, code: str, size: tuple[float, float]) -> tuple[float, float, float, float]:
        found = self._frames.get((code, size))
        if found is None:
            found = self._frames[(code, size)] = _frame(_bbox(self._shape(code).main_ring), size)
        return found

    def _locator_layers(self, code: str, box: tuple[float, float, float, float]) -> tuple[str, str, str]:
        """The land and the highlighted country cut to a frame: the costly part, shared by pages with one frame."""
        found = self._layers.get((code, box))
        if found is None:
            found = self._layers[(code, box)] = _cut_layers(self.atlas, code, box)
        return found


def world_map(atlas: Atlas, counts: Mapping[str, int], markers: Sequence[Marker]) -> dict[str, Any]:
    """One world map (a build draws many with one `Cartographer`)."""
    return Cartographer(atlas).world_map(counts, markers)


def locator_map(
    atlas: Atlas,
    code: str,
    points: Sequence[tuple[float, float]] = (),
    *,
    whole_country: bool = False,
    size: tuple[float, float] = (280, 175),
) -> dict[str, Any] | None:
    """One locator map (a build draws many with one `Cartographer`)."""
    return Cartographer(atlas).locator_map(code, points, whole_country=whole_country, size=size)


def _cut_layers(atlas: Atlas, code: str, box: tuple[float, float, float, float]) -> tuple[str, str, str]:
    shape = atlas.shape(code)
    # shapes are cut a little outside the frame, so that the cut edges never show
    margin = (box[2] - box[0]) / 50
    clip = (round(box[0] - margin, 1), round(box[1] - margin, 1), round(box[2] + margin, 1), round(box[3] + margin, 1))
    land: list[list[tuple[float, float]]] = []
    highlight: list[list[tuple[float, float]]] = []
    for other in atlas.shapes:
        if _intersects(other.bbox, clip):
            rings = [c for c in (_clip_ring(r, clip) for r in other.rings) if len(c) >= 3]
            (highlight if shape is not None and other is shape else land).extend(rings)
    return _view_box(box), path_data(land), path_data(highlight)


def _clip_ring(ring: Ring, box: _Box) -> list[tuple[float, float]]:
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


def _frame(box: _Box, size: tuple[float, float]) -> _Box:
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
