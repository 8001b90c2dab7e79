"""Cut a talking-point text into sections: one per post label inside it ('FOR EMBASSY TOKYO:', 'POINT FOR UK
ONLY:'), and one per heading that changes how the points may be used ('CONTINGENCY POINTS (S/REL NATO)', 'IF
ASKED', 'PRESS GUIDANCE', 'BACKGROUND (NOT FOR DELIVERY)'), each keeping its own marking and flags."""

from __future__ import annotations

import re
from typing import Final

from .instructions import segments
from .model import Addressee, Point, TalkingPoints
from .points import own_marking, split_points
from .posts import Post
from .text import is_marking, releasable_to, split_marking

# A heading line that opens a section of its own: how the points below may be used
USE_HEADING_RE: Final = re.compile(
    r"(?i)^(?:[a-z]\.\s*)?(?:\((?P<m1>[^()]{1,80})\)\s*)?(?P<title>(?:begin\s+)?(?:(?:contingency|defensive|reactive|"
    r"press\s+guidance|press\s+points|media\s+note|q\s*(?:&|and)\s*a|questions?\s+and\s+answers?|"
    r"\"?if\s+(?:asked|raised|pressed|queried)\"?|(?:only\s+)?if\s+(?:asked|raised|pressed))\b[^:\n]{0,80}?|"
    r"background(?:\s+(?:only|points|information))?(?:\s*\((?:not|for)\b[^()]{0,40}\))?))"
    r"\s*(?:\((?P<m2>[^()]{1,80})\))?\s*:?\s*$"
)
CONDITIONAL_RE: Final = re.compile(
    r"(?i)\b(?:contingency|defensive|reactive|if\s+(?:asked|raised|pressed|queried|needed)|press\s+guidance|"
    r"press\s+points|media\s+note|q\s*(?:&|and)\s*a|questions?\s+and\s+answers?|as\s+needed)\b"
)
# CONDITIONAL_RE for lower-cased ASCII text: no re.I, and each word's \b after its first letter, so the engine
# skips to the letters that open a word instead of trying the case-blind pattern at every position.
CONDITIONAL_LOWER_RE: Final = re.compile(
    r"(?:c(?<!\w.)ontingency|d(?<!\w.)efensive|r(?<!\w.)eactive|i(?<!\w.)f\s+(?:asked|raised|pressed|queried|needed)|"
    r"p(?<!\w.)ress\s+guidance|p(?<!\w.)ress\s+points|m(?<!\w.)edia\s+note|q(?<!\w.)\s*(?:&|and)\s*a|"
    r"q(?<!\w.)uestions?\s+and\s+answers?|a(?<!\w.)s\s+needed)\b"
)
NOT_FOR_DELIVERY_RE: Final = re.compile(r"(?i)\bnot\s+(?:for\s+(?:delivery|release|distribution)|to\s+be\s+(?:delivered|"
                                 r"left|handed))\b|\bfor\s+(?:post'?s?\s+)?(?:guidance|background|information)\s+only\b|"
                                 r"\b(?:provided|included)\s+for\s+guidance\b")
NOFORN_RE: Final = re.compile(r"(?i)\b(?:NOFORN|NF)\b")
# "b. (S//REL AS, CA, JP, ROK, and UK)" printed just before a label belongs to the labelled part
TRAILING_MARK_RE: Final = re.compile(r"(?:\b[a-z]\.\s*)?\(([^()]{1,200})\)\s*$")


# Precompiled: re's module functions look each pattern up in a cache on every call.
BACKGROUND_WORD_RE: Final = re.compile(r"(?i)\bbackground\b")


def build(
    number: int | None,
    targets: list[Post | None],
    audience: str | None,
    rel: list[str],
    body: str,
    addressees: list[Addressee],
    marking: str | None = None,
    heading: str | None = None,
) -> list[TalkingPoints]:
    """The sections of one talking-point text for each of the given posts (None: not yet attributed), each followed
    by the sections for the posts labels inside the text name. The text is read once however many posts share it
    (a block for all NATO posts)."""
    pieces = []
    parts = _carry_markings(segments(body, addressees) if _labelled(body) else [(None, body, False)])
    for part_posts, text, _ in parts:
        for sub_marking, sub_heading, sub_text in _by_heading(text):
            own = sub_marking or (_leading_marking(sub_text) if part_posts is not None else None)
            points = split_points(sub_text)
            if not points:
                continue
            sec_marking = own or own_marking(marking, sub_text)
            sec_heading = sub_heading or heading
            background = _background(sec_marking, sub_heading, heading, sub_text if not sub_heading else "")
            conditional = bool(sec_heading and CONDITIONAL_RE.search(sec_heading)) or all(p.conditional for p in points)
            if conditional:  # every point under an 'If asked' heading is used only if asked
                points = [Point(p.text, True) for p in points]
            sec_rel = [] if background and _noforn(sec_marking) else (releasable_to(own) if own else list(rel))
            pieces.append((part_posts, points, sec_marking, sec_heading, conditional, background, sec_rel))
    found: list[TalkingPoints] = []
    for post in targets:
        for part_posts, points, sec_marking, sec_heading, conditional, background, sec_rel in pieces:
            posts: list[Post | None] = [post] if part_posts is None else (list(part_posts) or [None])
            for target in posts:
                name, code = (target[0], target[1]) if target else (None, None)
                section = TalkingPoints(number, name, code, audience if target is post else None, list(sec_rel), list(points))
                section.marking, section.heading = sec_marking, sec_heading
                section.conditional, section.background = conditional, background
                found.append(section)
    return found


def _labelled(body: str) -> bool:
    return ("FOR " in body or "For " in body or "ACTION " in body or "oints for " in body) and ":" in body


def _carry_markings(parts: list[tuple]) -> list[tuple]:
    """Move a marking that ends one part ('... b. (S//REL AS, CA)') to the labelled part it heads."""
    result = [list(part) for part in parts]
    for index in range(len(result) - 1):
        tail = TRAILING_MARK_RE.search(result[index][1][-220:])
        if tail and is_marking(" ".join(tail.group(1).split())) and result[index + 1][0] is not None:
            cut = len(result[index][1]) - len(result[index][1][-220:]) + tail.start()
            result[index + 1][1] = f"({tail.group(1)}) {result[index + 1][1].lstrip()}"
            result[index][1] = result[index][1][:cut]
    return [tuple(part) for part in result if part[1].strip()]


def _leading_marking(text: str) -> str | None:
    return split_marking(text.lstrip())[0] if text.lstrip().startswith("(") else None


def _has_use_words(text: str) -> bool:
    """CONDITIONAL_RE.search(text) or 'ACKGROUND' in text.upper(); on ASCII text through one lower-cased copy."""
    if not text.isascii():
        return CONDITIONAL_RE.search(text) is not None or "ACKGROUND" in text.upper()
    lower = text.lower()
    return CONDITIONAL_LOWER_RE.search(lower) is not None or "ackground" in lower


def _by_heading(text: str) -> list[tuple[str | None, str | None, str]]:
    """(marking, heading, text) for the text before the first use heading and under each one."""
    if not _has_use_words(text):
        return [(None, None, text)]
    parts: list[tuple[str | None, str | None, list[str]]] = [(None, None, [])]
    for line in text.split("\n"):
        match = USE_HEADING_RE.match(line.strip()) if len(line) < 200 else None
        if match:
            mark = next((m for m in (match.group("m1"), match.group("m2")) if m and is_marking(m.strip())), None)
            title = " ".join(match.group("title").split()).strip('" ')
            parts.append((mark.strip().upper() if mark else None, title, []))
        else:
            parts[-1][2].append(line)
    return [(mark, title, "\n".join(lines)) for mark, title, lines in parts if "\n".join(lines).strip()]


def _noforn(marking: str | None) -> bool:
    return bool(marking) and NOFORN_RE.search(marking.replace("/", " ")) is not None  # type: ignore[union-attr]


def _background(marking: str | None, sub_heading: str | None, heading: str | None, lead: str) -> bool:
    """Points for the post's own use: NOFORN, 'BACKGROUND (NOT FOR DELIVERY)', 'provided for guidance'. A
    BACKGROUND heading inside the points sets them apart; the cable's own BACKGROUND section may hold points
    meant for the host ('Posts may draw from the following background information')."""
    if _noforn(marking):
        return True
    if sub_heading and BACKGROUND_WORD_RE.search(sub_heading):
        return True
    if any(h and NOT_FOR_DELIVERY_RE.search(h) for h in (sub_heading, heading)):
        return True
    return bool(lead) and NOT_FOR_DELIVERY_RE.search(lead[:400]) is not None
