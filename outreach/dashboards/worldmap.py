"""The world map of posts: their states in, an inline SVG (and what the page lists beside it) out.

Pure rendering: no queries (mapdata.py gathers the posts). No script and no style attribute, so the
Content Security Policy holds: colours and patterns are SVG presentation attributes. Every state has a
pattern as well as a colour, so the map reads in greyscale; each coloured country has a <title> (the
tooltip) naming its posts and their states, and links to the post that colours it. Screen readers get
the same data from the table in the template; the map is a labelled group of links (role="group": an
img may hold no links, axe-core's nested-interactive), kept out of the tab order for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import worldoutline
from .columns import html_text
from .mapdata import STATES, MapPost, rank

KIND_ORDER = {"embassy": 0, "ait": 1, "consulate": 2, "office": 3}
LAND, BORDER, EDGE = "#e4e4e4", "#ffffff", "#222222"
TILE = 14  # pattern size in outline units: ~5 px on a map 1,000 px wide
# state -> the pattern's content (TILE x TILE, userSpaceOnUse): background, then the marks.
PATTERNS = {
    "overdue": (
        '<rect width="14" height="14" fill="#b42318"/><rect width="4" height="14" fill="#ffffff"/>',
        -45,
    ),
    "not_delivered": (
        '<rect width="14" height="14" fill="#fbd3a8"/>'
        '<path d="M0 0L14 14M14 0L0 14" stroke="#8a3b00" stroke-width="2"/>',
        0,
    ),
    "not_acknowledged": (
        '<rect width="14" height="14" fill="#ffffff"/><path d="M0 7H14" stroke="#5c5c5c" stroke-width="2.5"/>',
        0,
    ),
    "acknowledged": (
        '<rect width="14" height="14" fill="#cfe2f7"/><circle cx="7" cy="7" r="3.2" fill="#1f5fa8"/>',
        0,
    ),
    "delivered": (
        '<rect width="14" height="14" fill="#a8dcb8"/><rect width="4" height="14" fill="#1e7a45"/>',
        45,
    ),
    "reported": ('<rect width="14" height="14" fill="#14532d"/>', 0),
}
# A state's swatch before a post in the list beside the map, as the legend (template) draws it; the state
# goes between the two.
SWATCH_OPEN = (
    '<svg class="wm-swatch" viewBox="0 0 42 28" width="27" height="18" aria-hidden="true" focusable="false">'
    '<rect width="42" height="28" fill="url(#wm-'
)
SWATCH_CLOSE = ')" stroke="#222222" stroke-width="1.5"/></svg>'
MARKER_RADIUS = 11  # outline units: a country too small to see gets a dot a few pixels wide


@dataclass
class CountryEntry:
    code: str
    name: str
    posts: list[MapPost]  # the post that colours the country first

    @property
    def lead(self) -> MapPost:
        return self.posts[0]

    @property
    def state(self) -> str:
        return self.lead.state


@dataclass
class WorldMap:
    svg: SafeString
    label: str
    countries: list[CountryEntry] = field(default_factory=list)
    elsewhere: list[MapPost] = field(default_factory=list)  # missions to organisations, places not drawn
    legend: list[tuple[str, str, int]] = field(default_factory=list)  # state, words, number of posts

    @cached_property  # the map's table asks once per row
    def has_notes(self) -> bool:
        return any(p.note for c in self.countries for p in c.posts) or any(p.note for p in self.elsewhere)

    @property
    def rows(self) -> list[tuple[str, MapPost]]:
        """(country, post) for every post: the table screen readers get."""
        rows = [(c.name, p) for c in self.countries for p in c.posts]
        return rows + [(p.country or "—", p) for p in self.elsewhere]

    @cached_property
    def table_body(self) -> SafeString:
        """The rows of that table as HTML: for 300 posts the template loop was a sixth of a demarche page."""
        notes = self.has_notes
        html = "".join(
            f"<tr><td>{html_text(country)}</td>"
            f'<td><a href="{html_text(p.url)}">{html_text(p.name)}</a></td>'
            f"<td>{html_text(p.state_label)}</td>"
            + (f"<td>{html_text(p.note)}</td>" if notes else "")
            + "</tr>"
            for country, p in self.rows
        )
        return mark_safe(html or '<tr><td colspan="3">No posts to show.</td></tr>')

    @cached_property
    def elsewhere_items(self) -> SafeString:
        """The list beside the map as HTML: for 300 posts off the map the template loop was a sixth of the page."""
        return mark_safe(
            "".join(
                f"<li>{SWATCH_OPEN}{html_text(p.state)}{SWATCH_CLOSE}"
                f'<a href="{html_text(p.url)}">{html_text(p.name)}</a>'
                + (f' <span class="muted">({html_text(p.country)})</span>' if p.country else "")
                + f": {html_text(p.state_label.lower())}"
                + (f' <span class="muted">· {html_text(p.note)}</span>' if p.note else "")
                + "</li>"
                for p in self.elsewhere
            )
        )


def render(posts: list[MapPost], *, subject: str = "") -> WorldMap:
    """Draw the posts' states on the world outline; `subject` ends the accessible name ("of 09STATE4690")."""
    outline = worldoutline.countries()
    by_country: dict[str, list[MapPost]] = {}
    elsewhere = []
    for post in posts:
        country = outline.get(post.country_code.lower())
        if country and (country.d or country.marker):
            by_country.setdefault(country.code, []).append(post)
        else:
            elsewhere.append(post)
    countries = sorted(
        (
            CountryEntry(code.upper(), group[0].country, sorted(group, key=_precedence))
            for code, group in by_country.items()
        ),
        key=lambda c: c.name,
    )
    counts = {state: 0 for state in STATES}
    for post in posts:
        counts[post.state] += 1
    legend = [(state, words, counts[state]) for state, words in STATES.items()]
    label = _label(subject, posts, countries, legend)
    svg = _svg(outline, countries, label)
    return WorldMap(svg, label, countries, sorted(elsewhere, key=lambda p: p.name), legend)


def _precedence(post: MapPost):
    """The least advanced post colours its country; among equals the embassy, then by name."""
    return rank(post.state), KIND_ORDER.get(post.kind, 9), post.name


def _label(subject: str, posts, countries, legend) -> str:
    head = f"Map of posts{' of ' + subject if subject else ''} by state"
    if not posts:
        return f"{head}: no posts to show"
    states = ", ".join(f"{n} {words.lower()}" for _, words, n in legend if n)
    return (
        f"{head}: {len(posts)} post{'s' if len(posts) != 1 else ''} in {len(countries)} countries; {states}"
    )


def _svg(outline, countries: list[CountryEntry], label: str) -> SafeString:
    x, y, width, height = worldoutline.VIEW_BOX
    coloured = {c.code.lower() for c in countries}
    land = "".join(country.d for code, country in outline.items() if code not in coloured)
    parts = [
        # A group, not an img: an img's content is presentational, and this one holds links (axe-core's
        # nested-interactive rule); each link is named by its <title>.
        f'<svg class="worldmap" viewBox="{x} {y} {width} {height}" width="100%" role="group" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        _defs(),
        f'<path class="wm-land" d="{land}" fill="{LAND}" stroke="{BORDER}" stroke-width="0.6" '
        'vector-effect="non-scaling-stroke"/>',
        f'<g class="wm-posts" stroke="{EDGE}" stroke-width="0.8" vector-effect="non-scaling-stroke">',
    ]
    for entry in countries:
        country = outline[entry.code.lower()]
        fill = f'fill="url(#wm-{entry.state})"'
        shapes = f'<path d="{country.d}" {fill}/>' if country.d else ""
        if country.marker:
            shapes += (
                f'<circle cx="{country.marker[0]}" cy="{country.marker[1]}" r="{MARKER_RADIUS}" {fill}/>'
            )
        parts.append(
            f'<a href="{escape(entry.lead.url)}" tabindex="-1" data-country="{entry.code}" '
            f'class="wm-{entry.state}"><title>{escape(tooltip(entry))}</title>{shapes}</a>'
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))


def tooltip(entry: CountryEntry) -> str:
    """'Saudi Arabia: Riyadh, overdue; Jeddah, reported' (the post that colours it first)."""
    posts = "; ".join(
        f"{p.name}, {p.state_label.lower()}{' (' + p.note + ')' if p.note else ''}" for p in entry.posts
    )
    return f"{entry.name}: {posts}"


def _defs() -> str:
    patterns = []
    for state, (marks, angle) in PATTERNS.items():
        turn = f' patternTransform="rotate({angle})"' if angle else ""
        patterns.append(
            f'<pattern id="wm-{state}" width="{TILE}" height="{TILE}" patternUnits="userSpaceOnUse"{turn}>'
            f"{marks}</pattern>"
        )
    return f"<defs>{''.join(patterns)}</defs>"
