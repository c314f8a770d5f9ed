#!/usr/bin/env python3
"""Rebuild themes/default/data/world-110m.json, the country shapes of the map, from Natural Earth.

    .venv/bin/python scripts/build-world-asset.py                 # fetches world-atlas with `npm pack`
    .venv/bin/python scripts/build-world-asset.py world-atlas-2.0.2.tgz   # or a tarball / unpacked folder

Source: the npm package world-atlas 2.0.2 (ISC licence, Mike Bostock), whose countries-110m.json is
Natural Earth's 1:110m Admin 0 countries (version 4.1.0, public domain) as TopoJSON. The script checks the
file's SHA-256, so the same input always gives the same bytes out.

What it does, in order:
1. decodes the TopoJSON arcs (delta-encoded, quantized integers) into longitude/latitude;
2. projects them with Equal Earth (generator.map_geometry.project, the projection the site uses for its markers)
   into map units, the whole world 1000 units wide;
3. simplifies each *arc* (Douglas-Peucker, tolerance TOLERANCE units), so that neighbours still share
   exactly the same border; cuts the rings that cross 180° (Russia, Fiji) in two and closes Antarctica
   along the South Pole line; then rounds to whole units;
4. assembles every country's rings, matches the ISO 3166-1 numeric id to the alpha-2 code of the content
   (pycountry; the three shapes without an id, N. Cyprus, Somaliland and Kosovo, keep an empty code);
5. writes one country a line, sorted by code, each ring as [x0, y0, dx1, dy1, ...].

Needs npm only when no tarball is given. Run it from anywhere; it writes into the repository it sits in.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pycountry

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.map_geometry import WIDTH, project

PACKAGE = "world-atlas@2.0.2"
SOURCE_SHA256 = "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8"  # package/countries-110m.json
TOLERANCE = 0.6  # map units (the world is 1000 wide): about 0.1 mm on an A4 print
OUT = REPO / "themes" / "default" / "data"
ATTRIBUTION = "Made with Natural Earth (public domain), 1:110m countries v4.1.0, via world-atlas 2.0.2 (ISC)."


def fetch(workdir: Path, given: str | None) -> Path:
    """The unpacked package folder: from the given tarball or folder, else from `npm pack`."""
    if given and Path(given).is_dir():
        return Path(given)
    if given:
        tarball = Path(given)
    else:
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("npm not found: install Node.js, or pass a world-atlas-2.0.2.tgz you downloaded")
        subprocess.run(
            [npm, "pack", PACKAGE, "--pack-destination", str(workdir), "--silent"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarball = next(workdir.glob("world-atlas-*.tgz"))
    with tarfile.open(tarball) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later: no links, devices or paths outside
            archive.extractall(workdir, filter="data")
        else:
            archive.extractall(
                workdir,
                members=[
                    m
                    for m in archive.getmembers()
                    if m.isfile() and m.name.startswith("package/") and ".." not in m.name
                ],
            )
    return workdir / "package"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs: each point after the first is a delta of quantized integers; then the transform."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous (179, -179 -> 179, 181), so a line crossing the antimeridian stays short."""
    out: list[tuple[float, float]] = []
    for lon, lat in points:
        if out:
            while lon - out[-1][0] > 180:
                lon -= 360
            while lon - out[-1][0] < -180:
                lon += 360
        out.append((lon, lat))
    return out


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[int]:
    """Douglas-Peucker: the indices of the points to keep; the first and last always stay (arcs meet there)."""
    if len(points) < 3:
        return list(range(len(points)))
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        dx, dy = x1 - x0, y1 - y0
        length = (dx * dx + dy * dy) ** 0.5
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                d = ((px - x0) ** 2 + (py - y0) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + x1 * y0 - y1 * x0) / length
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [i for i, k in enumerate(keep) if k]


def cut_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Rings that cross 180° (Russia's Chukotka, Fiji) become one ring each side; a ring around a pole
    (Antarctica) is closed along the pole line instead of straight across the map."""
    if all(abs(a[0] - b[0]) <= 180 for a, b in zip(ring, ring[1:] + ring[:1])):
        return [ring]
    flat = unwrap(ring + ring[:1])
    if abs(flat[-1][0] - flat[0][0]) > 180:  # winds once around the pole
        pole = -90.0 if sum(lat for _, lat in ring) < 0 else 90.0
        for i, (a, b) in enumerate(zip(ring, ring[1:] + ring[:1])):
            if abs(a[0] - b[0]) > 180:
                return [ring[: i + 1] + [(a[0], pole), (b[0], pole)] + ring[i + 1 :]]
    flat = flat[:-1]
    edge = 180.0 if max(lon for lon, _ in flat) > 180 else -180.0
    side = 1 if edge > 0 else -1
    inside = _clip(flat, lambda lon: side * (edge - lon), edge)  # the part on the map as it is
    outside = _clip(flat, lambda lon: side * (lon - edge), edge)  # the part beyond, moved to the other edge
    return [inside, [(lon - side * 360, lat) for lon, lat in outside]]


def _clip(ring, keep, edge: float) -> list[tuple[float, float]]:
    """Sutherland-Hodgman against the meridian ``edge``; ``keep(lon) >= 0`` on the side to keep."""
    out = []
    for a, b in zip(ring, ring[1:] + ring[:1]):
        ka, kb = keep(a[0]), keep(b[0])
        if ka >= 0:
            out.append(a)
        if (ka >= 0) != (kb >= 0):
            t = (edge - a[0]) / (b[0] - a[0])
            out.append((edge, a[1] + t * (b[1] - a[1])))
    return out


def ring_from(arc_ids: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A ring from arc indices; ~i (negative) means arc i reversed. Shared end points appear once."""
    ring: list[tuple[int, int]] = []
    for i in arc_ids:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points[1:] if ring else points)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    cleaned = [p for k, p in enumerate(ring) if k == 0 or p != ring[k - 1]]
    return cleaned


def area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def encode(ring: list[tuple[int, int]]) -> list[int]:
    flat, (px, py) = [], (0, 0)
    for x, y in ring:
        flat += [x - px, y - py]
        px, py = x, y
    return flat


def code_of(geometry: dict) -> str:
    numeric = geometry.get("id")
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return country.alpha_2 if country else ""


def build(package: Path) -> dict:
    source = package / "countries-110m.json"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        sys.exit(f"{source}: SHA-256 {digest} is not the pinned {SOURCE_SHA256}; update the pin only on purpose")
    topology = json.loads(source.read_text(encoding="utf-8"))
    exact = decode_arcs(topology)
    simple = []
    for arc in exact:  # simplified where it is drawn: in map units, across the antimeridian unbroken
        kept = simplify([project(lat, lon) for lon, lat in unwrap(arc)], TOLERANCE)
        simple.append([arc[i] for i in kept])

    def rings_of(polygons, arcs) -> list[list[tuple[int, int]]]:
        rings = []
        for polygon in polygons:
            for ids in polygon:
                for part in cut_antimeridian(ring_from(ids, arcs)):
                    points = [(round(x), round(y)) for x, y in (project(lat, lon) for lon, lat in part)]
                    points = [p for k, p in enumerate(points) if k == 0 or p != points[k - 1]]
                    while len(points) > 1 and points[-1] == points[0]:
                        points.pop()
                    rings.append(points)
        return rings

    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [r for r in rings_of(polygons, simple) if len(r) >= 3 and area(r) != 0]
        if not rings:  # too small to survive simplification: keep its largest ring unsimplified
            rings = [max(rings_of(polygons, exact), key=lambda r: (abs(area(r)), len(r)))]
        countries.append(
            {"code": code_of(geometry), "name": geometry["properties"]["name"], "rings": [encode(r) for r in rings]}
        )
    countries.sort(key=lambda c: (c["code"] == "", c["code"], c["name"]))
    return {
        "attribution": ATTRIBUTION,
        "source": f"npm {PACKAGE} countries-110m.json (sha256 {SOURCE_SHA256})",
        "projection": "Equal Earth (Šavrič, Patterson & Jenny 2018), map units, y downwards",
        "width": WIDTH,
        "tolerance": TOLERANCE,
        "countries": countries,
    }


def write(asset: dict, license_text: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    head = {k: v for k, v in asset.items() if k != "countries"}
    lines = [json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in asset["countries"]]
    text = json.dumps(head, ensure_ascii=False, indent=0, sort_keys=True)[:-2]  # drop the closing "\n}"
    text += ',\n"countries":[\n' + ",\n".join(lines) + "\n]}\n"
    json.loads(text)  # well-formed
    target = OUT / "world-110m.json"
    target.write_text(text, encoding="utf-8")
    (OUT / "LICENSE-world-atlas.txt").write_text(license_text, encoding="utf-8")
    return target


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="world-atlas-") as tmp:
        package = fetch(Path(tmp), argv[1] if len(argv) > 1 else None)
        asset = build(package)
        target = write(asset, (package / "LICENSE").read_text(encoding="utf-8"))
    size = target.stat().st_size
    shown = target.relative_to(REPO) if target.is_relative_to(REPO) else target
    print(f"wrote {shown}: {len(asset['countries'])} countries, {size / 1000:.1f} kB")


if __name__ == "__main__":
    main(sys.argv)
