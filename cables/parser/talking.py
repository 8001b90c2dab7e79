"""Talking points: per-post sections ('4. (C) Abu Dhabi: Embassy Abu Dhabi should make ...') and shared blocks."""

from __future__ import annotations

import re

from .addressees import lookup_country, lookup_post
from .blocks import Block
from .model import Addressee, Paragraph, Point, TalkingPoints
from .text import is_marking, releasable_to, split_marking

LABEL_RE = re.compile(
    r"^(?P<label>[A-Z][A-Za-z.'-]{0,30}(?: [A-Za-z.'-]{1,30}){0,4}?)"
    r"(?:\s{0,3}\((?:for\s+)?(?P<audience>[^()\n]{1,80})\))?\s{0,3}:\s"
)
POINT_START_RE = re.compile(r"(?m)(?:^[ \t]*|(?<=[.;:?!)\"'])[ \t]+)--(?!-)")
CONDITIONAL_RE = re.compile(r"(?i)^\(?\s*if\s+(?:asked|raised|pressed)\s*\)?\s*[:,-]?\s*")
AUDIENCE_NOISE_RE = re.compile(r"(?i)\b(?:SAR|authorities|authority|officials|government|interlocutors)\b")
FOR_WHOM_RE = re.compile(r"(?i)\bPOINTS\s+FOR\s+([A-Z][A-Za-z .'-]{1,60}?)\s*(?::|$|\band\b|,)")


def post_sections(paragraphs: list[Paragraph], addressees: list[Addressee]) -> list[TalkingPoints]:
    sections = []
    for paragraph in paragraphs:
        match = LABEL_RE.match(paragraph.text)
        if not match or "--" not in paragraph.text:
            continue
        post = _post(match.group("label"), addressees)
        if post is None:
            continue
        sections.append(_section(paragraph, post, match))
    return sections


def _post(label: str, addressees: list[Addressee]):  # -> (name, code, country) | None
    info = lookup_post(label)
    if info is not None:
        return info.name, info.code, info.country
    wanted = " ".join(label.upper().split())
    for addressee in addressees:
        city = addressee.raw.upper().split(" ", 1)[-1]
        if wanted in {city, addressee.raw.upper(), (addressee.post or "").upper()}:
            return addressee.post or label, addressee.code, addressee.country
    return None


def _section(paragraph: Paragraph, post, match: re.Match[str]) -> TalkingPoints:
    name, code, country = post
    body = paragraph.text[match.end() :]
    rel = releasable_to(paragraph.marking)
    first_line, _, rest = body.partition("\n")
    marking, remainder = split_marking(rest) if rest.lstrip().startswith("(") else (None, rest)
    if marking:
        rel, body = releasable_to(marking), f"{first_line}\n{remainder}"
    audience = _audience(match.group("audience"), name, country)
    return TalkingPoints(paragraph.number, name, code, audience, rel, split_points(body))


def _audience(raw: str | None, post: str, country: str | None) -> str | None:
    """'Macau SAR Authorities' -> 'Macau'; the post's own host ('Taiwan Authorities' for AIT Taipei) -> None."""
    if not raw:
        return None
    audience = " ".join(AUDIENCE_NOISE_RE.sub(" ", raw).split()).strip(" ,.")
    if not audience:
        return None
    own = {post.upper(), (country or "").upper(), post.upper().replace("AIT ", "")}
    if audience.upper() in own or (country and country.upper().startswith(audience.upper())):
        return None
    if post.upper().endswith(" " + audience.upper()):
        return None
    return audience


def split_points(text: str) -> list[Point]:
    """Split on '--' bullets (also inline '--a --b' runs); text before the first bullet is the lead-in."""
    starts = _point_starts(text)
    points: list[Point] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - 2 if index + 1 < len(starts) else len(text)
        point = _point(text[start:end])
        if point:
            points.append(point)
    return points


def _point_starts(text: str) -> list[int]:
    """Offsets just after each '--' that opens a point: at a line start, or after '.;:?!)' and a space."""
    starts: list[int] = []
    at = text.find("--")
    while at != -1:
        after = at + 2
        if text.startswith("-", after) or (at and text[at - 1] == "-"):
            while after < len(text) and text[after] == "-":
                after += 1  # a rule of dashes, not a bullet
            at = text.find("--", after)
            continue
        before = at - 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        if before < 0 or text[before] == "\n" or (before < at - 1 and text[before] in ".;:?!)\"'"):
            starts.append(after)
        at = text.find("--", after)
    return starts


def _point(raw: str) -> Point | None:
    text = " ".join(raw.split()).strip()
    if text.endswith("--"):
        text = text[:-2].rstrip()
    marking, rest = split_marking(text)
    text = rest if marking else text
    conditional = CONDITIONAL_RE.match(text)
    if conditional:
        text = text[conditional.end() :]
    return Point(text, bool(conditional)) if text.strip(" -") else None


def block_sections(blocks: list[Block], addressees: list[Addressee]) -> list[TalkingPoints]:
    """Shared 'BEGIN TALKING POINTS' blocks: for the post they name, or the single action post."""
    sections = []
    posts = [a for a in addressees if a.code and a.kind not in {"collective", "other", "unknown"}]
    for block in blocks:
        if not block.is_points:
            continue
        name, code = _named_post(block.title)
        if name is None and len(posts) == 1:
            name, code = posts[0].post, posts[0].code
        if name is None and len(block.releasable_to) == 1:
            name, code = _released_post(block.releasable_to[0], posts)
        points = split_points(block.text) or _line_points(block.text)
        sections.append(TalkingPoints(block.paragraph, name, code, None, block.releasable_to, points))
    return sections


def _named_post(title: str) -> tuple[str | None, str | None]:
    match = FOR_WHOM_RE.search(title)
    if not match:
        return None, None
    info = lookup_post(match.group(1)) or lookup_country(match.group(1))
    return (info.name, info.code) if info is not None else (None, None)


def _released_post(country: str, posts: list[Addressee]) -> tuple[str | None, str | None]:
    """Points releasable to one country only are for the action post in that country."""
    info = lookup_country(country)
    if info is not None and any(a.code == info.code for a in posts):
        return info.name, info.code
    return None, None


def _line_points(text: str) -> list[Point]:
    lines = [line for line in text.split("\n") if line.strip() and not is_marking(line.strip("() "))]
    return [p for p in (_point(line) for line in lines) if p]
