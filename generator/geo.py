"""The maps: the country asset (``Atlas``) and what a build draws from it, the world map and the locator maps.

The country asset (``themes/default/data/world-110m.json``, made by ``scripts/build-world-asset.py``) stores
its rings in the frame of map units (map_geometry.py) as whole units, so a map is a choice of ``viewBox`` plus
the paths that fall inside it. The functions return plain data (path strings, rounded numbers, sorted lists);
templates draw the SVG. Pure, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from generator.map_geometry import (
    HEIGHT,
    WIDTH,
    Box,
    bounding_box,
    boxes_intersect,
    clip_ring,
    frame_box,
    outline_path,
    path_data,
    project,
    ring_area,
    svg_number,
    svg_view_box,
)

__all__ = [
    "LEVELS",
    "MARKER_RADIUS",
    "Atlas",
    "Cartographer",
    "Marker",
    "Shape",
    "level",
    "locator_map",
    "parse_atlas",
    "world_map",
]

# Country shading: practices per country, in four steps (the legend shows all of them).
LEVELS: tuple[tuple[int, int | None], ...] = ((1, 1), (2, 4), (5, 9), (10, None))


def level(count: int) -> int:
    """The shading step of a count: 0 for none, then 1..len(LEVELS)."""
    for i, (low, high) in enumerate(LEVELS, start=1):
        if count >= low and (high is None or count <= high):
            return i
    return 0


# --- the asset ------------------------------------------------------------------------------------------

Ring = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Shape:
    """One country of the asset: its ISO 3166-1 alpha-2 code ('' where Natural Earth has none) and rings."""

    code: str
    name: str
    rings: tuple[Ring, ...]

    @cached_property
    def bbox(self) -> Box:
        return bounding_box(p for ring in self.rings for p in ring)

    @property
    def main_ring(self) -> Ring:
        """The largest ring: what a locator frames (France without French Guiana, the USA without Alaska)."""
        return max(self.rings, key=lambda r: (abs(ring_area(r)), r))


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
                "x": svg_number(x),
                "y": svg_number(y),
                "cx": svg_number(cx),
                "cy": svg_number(cy),
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
        self._outline = outline_path()  # the edge of the world: the same on every world map

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
        return {
            "view_box": svg_view_box((0, 0, WIDTH, HEIGHT)),
            "width": WIDTH,
            "height": svg_number(HEIGHT),
            "outline": self._outline,
            "land": land,
            "countries": countries,
            "markers": placed,
            "marker_radius": svg_number(MARKER_RADIUS),
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
            box = frame_box(
                bounding_box(dots + (list(shape.main_ring) if shape is not None and whole_country else [])), size
            )
        view_box, land, country = self._locator_layers(code, box)
        return {
            "view_box": view_box,
            "land": land,
            "country": country,
            "dots": [{"x": svg_number(x), "y": svg_number(y)} for x, y in sorted(set(dots))],
            "dot_radius": svg_number((box[2] - box[0]) / 60),
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
            found = self._frames[(code, size)] = frame_box(bounding_box(self._shape(code).main_ring), size)
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
        if boxes_intersect(other.bbox, clip):
            rings = [c for c in (clip_ring(r, clip) for r in other.rings) if len(c) >= 3]
            (highlight if shape is not None and other is shape else land).extend(rings)
    return svg_view_box(box), path_data(land), path_data(highlight)
