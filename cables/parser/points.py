"""Split a talking-point text into points: bullets, lettered lists, or one point per (marked) line."""

from __future__ import annotations

import re
from typing import Final

from .model import Point
from .text import split_marking

BULLET_RE: Final = re.compile(r"^(?:--(?!-)|[-*o\u2022\u00b7](?=\s))\s*")
ENUM_RE: Final = re.compile(
    r"^(?:\(\s?(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})\s?\)|(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})\)|[A-Za-z]\.)\s+"
)
CONDITIONAL_RE: Final = re.compile(
    r"(?i)^[(\[]?\s*(?:only\s+)?if\s+(?:asked|raised|pressed|queried|necessary|needed)\b"
    r"(?:[^()\[\]:,.\n]{0,60}?(?:[)\]]\s*[:,.-]?|[:,]))?\s*"
)
CONDITIONAL_HEADING_RE: Final = re.compile(
    r"(?i)^[(\[]?\s*(?:(?:contingency|defensive|additional|reactive)\s+(?:talking\s+)?points\s*)?[(\[]?\s*"
    r"(?:only\s+)?if\s+(?:asked|raised|pressed|queried)\b(?:\s(?:about|on|by|for)\s[^.:()]{0,40})?"
    r"\s*[)\]]?\s*:?\s*$"
)
HEADING_IF_RE: Final = re.compile(r"(?i)^[^()]{0,60}[(\[]\s*if\s+(?:asked|raised|pressed|queried)\s*[)\]]\s*:?$")
WORD_RE: Final = re.compile(r"[^\W_]")
SENTENCE_END: Final = (".", "?", "!", ";", '"', "'", ")", "\u201d")
MAX_LINES: Final = 20000


# Precompiled: re's module functions look each pattern up in a cache on every call.
LEVEL_SPLIT_RE: Final = re.compile(r"[/ ,]")


def split_points(text: str) -> list[Point]:
    """Points of a talking-point text. Text before the first bullet is the lead-in, not a point.

    Bullets ('--', '-', '*', 'o') win; else a lettered or numbered list ('a)', 'A.', '(1)'); else every line is
    a point (sections whose points are lines each opening with a portion marking). Short heading lines are
    skipped; '(If asked)' / 'If raised,' opens a conditional point, and an 'If asked:' heading makes the points
    under it conditional.
    """
    lines = [line for line in _explode(text) if line.strip()][:MAX_LINES]
    kinds = [_kind(line) for line in lines]
    if "bullet" in kinds:
        return _collect(lines, kinds, "bullet")
    if kinds.count("enum") >= 2 and _enum_led(kinds):
        return _collect(lines, kinds, "enum")
    return _collect(lines, kinds, "line")


def _explode(text: str) -> list[str]:
    """Put inline '--' points ('... text. -- next point') on lines of their own; keep rules of dashes."""
    if "--" not in text:
        return text.split("\n")
    out: list[str] = []
    for line in text.split("\n"):
        starts = _inline_starts(line)
        if not starts:
            out.append(line)
            continue
        previous = 0
        for at in starts:
            out.append(line[previous:at])
            previous = at
        out.append(line[previous:])
    return out


def _inline_starts(line: str) -> list[int]:
    """Offsets of '--' that open a point in the middle of a line: after '.;:?!)' and a space."""
    starts: list[int] = []
    at = line.find("--", 1)
    while at != -1:
        after = at + 2
        if line.startswith("-", after) or line[at - 1] == "-":
            while after < len(line) and line[after] == "-":
                after += 1  # a rule of dashes, not a bullet
            at = line.find("--", after)
            continue
        before = at - 1
        while before >= 0 and line[before] in " \t":
            before -= 1
        if before >= 0 and before < at - 1 and line[before] in ".;:?!)\"'":
            starts.append(at)
        at = line.find("--", after)
    return starts


def _kind(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("-") or stripped[:2] in {"* ", "o ", "\u2022 ", "\u00b7 "}:
        if BULLET_RE.match(stripped) and stripped.strip("- "):
            return "bullet"
        if stripped.strip("- ") == "":
            return "rule"
    if stripped.startswith("(") and _marked(stripped):
        return "text"
    if ENUM_RE.match(stripped) and _enum_ok(stripped):
        return "enum"
    if CONDITIONAL_HEADING_RE.match(stripped) or (len(stripped) < 80 and HEADING_IF_RE.match(stripped)):
        return "if-heading"
    if _is_heading(stripped):
        return "heading"
    return "text"


def _marked(line: str) -> bool:
    """'(U) text', '(S//REL TO USA, YEM) text': a portion marking in capitals, not a list letter '(c)'."""
    close = line.find(")", 1, 300)
    label = line[1:close] if close != -1 else ""
    return bool(label) and label.upper() == label and split_marking(line)[0] is not None


def _enum_ok(line: str) -> bool:
    # 'A. REGIONAL MISSILE PROLIFERATION' is a heading, 'U.S. policy' no list item ('U.' then 'S.').
    return not line[1:3] == "S." and len(line) > 4


def _is_heading(line: str) -> bool:
    """A short title line ('Threat financing:', 'OTHER CONSULTATIONS'), not a sentence."""
    marking, rest = split_marking(line) if line.startswith("(") else (None, line)
    if marking or len(line) > 70 or not line:
        return False
    if line.endswith(":"):
        return len(line.split()) <= 8
    if line.endswith(SENTENCE_END):
        return False
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and (line.upper() == line or len(line.split()) <= 6)


def _enum_led(kinds: list[str]) -> bool:
    """A lettered list is the points when at most a lead-in line stands before it."""
    first = kinds.index("enum")
    return sum(1 for kind in kinds[:first] if kind == "text") <= 1


def _collect(lines: list[str], kinds: list[str], mode: str) -> list[Point]:
    raw: list[list] = []  # [text, conditional]
    conditional_block = False
    open_point = False  # whether a following continuation line belongs to the last point
    for line, kind in zip(lines, kinds):
        line = line.strip()  # paragraph text is already collapsed to single blanks
        if kind in {"heading", "rule"}:
            conditional_block = False if kind == "heading" else conditional_block
            open_point = False
            continue
        if kind == "if-heading":
            conditional_block, open_point = True, False
            continue
        if kind == mode or (mode == "line" and kind == "text"):
            body = BULLET_RE.sub("", line, count=1) if mode == "bullet" else line
            body = ENUM_RE.sub("", body, count=1) if mode == "enum" else body
            raw.append([body, conditional_block])
            open_point = True
        elif raw and open_point and (kind == "enum" or not raw[-1][0].rstrip().endswith(SENTENCE_END)):
            raw[-1][0] = f"{raw[-1][0]} {line}"  # a sub-item or a wrapped continuation of the last point
        elif mode == "line" and kind == "enum" and raw:
            raw[-1][0] = f"{raw[-1][0]} {line}"
        else:
            open_point = False
    return [p for p in (_point(text, conditional) for text, conditional in raw) if p]


def _point(raw: str, conditional: bool = False) -> Point | None:
    text = raw.strip()
    if text.endswith("--"):
        text = text[:-2].rstrip()
    marking, rest = split_marking(text)
    text = rest if marking else text
    match = CONDITIONAL_RE.match(text)
    if match and match.end() < len(text):
        text = text[match.end() :]
        conditional = True
    text = text.strip()
    if not text.strip(" -") or not WORD_RE.search(text):
        return None
    return Point(text, conditional)


def point_markings(text: str) -> list[str]:
    """The portion markings that open lines or bullets of a section, in order ('S/REL USA, SAU')."""
    found: list[str] = []
    for line in text.split("\n")[:MAX_LINES]:
        stripped = BULLET_RE.sub("", line.strip(), count=1)
        if stripped.startswith("("):
            marking, _ = split_marking(stripped)
            if marking:
                found.append(marking)
    return found


LEVELS: Final = {"U": 0, "UNCLAS": 0, "UNCLASSIFIED": 0, "SBU": 0, "FOUO": 0, "C": 1, "CONFIDENTIAL": 1,
          "S": 2, "SECRET": 2, "TS": 3, "TOP": 3}  # fmt: skip


def level(marking: str | None) -> int:
    """A marking's classification level: 0 unclassified (U, SBU), 1 C, 2 S, 3 TS; -1 for none."""
    if not marking:
        return -1
    return LEVELS.get(LEVEL_SPLIT_RE.split(marking.strip().upper(), maxsplit=1)[0], -1)


def own_marking(marking: str | None, text: str) -> str | None:
    """The section's marking: its paragraph's, unless the lines of the section carry higher ones ('(U) Saudi
    Arabia talking points' over '(S/REL USA, SAU) We ...' lines): then the first of the highest. A paragraph is
    marked at the level of its highest portion, so a lower paragraph marking belongs to the heading only."""
    if "(" not in text:
        return marking
    found = point_markings(text[:100000])
    top = max(found, key=level, default=None)  # max() keeps the first of equals
    return top if top is not None and level(top) > level(marking) else marking
