"""Small text helpers shared by the parser modules: markings, separators, list markers, sentences."""

from __future__ import annotations

import re
from typing import Final

from .addressees import lookup_country

MARK_WORDS: Final = frozenset(
    "U C S TS SBU NF FOUO SECRET CONFIDENTIAL UNCLASSIFIED UNCLAS SENSITIVE TOP REL NOFORN".split()
)
SEPARATOR_RE: Final = re.compile(r"^[\s\-/=*_~+.]{3,}$")
FRAMED_HEADING_RE: Final = re.compile(r"^\s*[-/=*_]{4,}\s*(?P<title>[^-/=*_].{0,120}?)\s*[-/=*_]{4,}\s*$")
LIST_MARKER_RE: Final = re.compile(r"^(?:--|-\s|\*\s|o\s|\u2022|[A-Z]\.\s|\(?[a-zA-Z0-9]{1,3}\)\s|\d{1,2}\)\s|[a-z]\.\s)")
ITEM_FIRST: Final = frozenset("-*(o\u2022")
USE_HEADING_START_RE: Final = re.compile(
    r"(?:CONTINGENCY|PRESS GUIDANCE|PRESS POINTS|BACKGROUND|IF ASKED|IF RAISED|IF PRESSED|Q ?(?:&|AND) ?A\b|"
    r"(?:Contingency|Background|If asked|If raised|If pressed)\b)"
)
SIPDIS_RE: Final = re.compile(r"\b(?:SIPDIS|Sipdis|sipdis)\b")  # case-sensitive alternatives scan much faster
WORD_NUMBERS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
# sentences() splits text whose blanks are single spaces, so '\s+' is one ' '; opening on that literal space
# lets the engine skip ahead to candidates instead of trying the look-behind at every character.
SENTENCE_END_RE: Final = re.compile(r" (?<=[.!?] )(?=[A-Z(\"])")
FIRST_WORD_RE: Final = re.compile(r"[^/ ,\t\n]*")  # a marking's first word: up to '/', ' ', ',', tab or newline
REL_RE: Final = re.compile(r"\bREL(?:EASABLE)?\b(?:\s+TO\b)?\s*(.*)$")
LEADING_AND_RE: Final = re.compile(r"^AND\s+")
ABBREVIATION_RE: Final = re.compile(r"(?:\b[A-Z]\.|\b(?:Para|para|No|Mr|Ms|Mrs|Dr|St|U\.S|a\.i|i\.e|e\.g|Amb|Gen|Jr))\.?$")


def is_separator(line: str) -> bool:
    stripped = line.strip()
    if not stripped or stripped[0] not in "-/=*_~+." or stripped[-1] not in "-/=*_~+.":
        return False  # a rule is rule characters (and blanks) from end to end: '-- The points' is none
    if len(stripped) < 3 or not SEPARATOR_RE.match(stripped):
        return False
    return sum(stripped.count(c) for c in "-/=*_~") >= 3  # six C counts, not a loop over every character


def framed_heading(line: str) -> str | None:
    first = line[:1]
    if first and first not in "-/=*_" and not first.isspace():  # most lines open with a letter: no regex
        return None
    stripped = line.strip()  # the pattern needs a rule character first and last (blanks aside)
    if not stripped or stripped[0] not in "-/=*_" or stripped[-1] not in "-/=*_":
        return None
    match = FRAMED_HEADING_RE.match(line)
    return match["title"].strip() if match else None


def split_marking(text: str) -> tuple[str | None, str]:
    """Split a leading portion marking such as '(C/RELEASABLE UAE)' off a paragraph's text."""
    close, marking = _leading_marking(text)
    if marking is None:
        return None, text
    rest = text[close + 1 :].lstrip()
    if rest[:1] == ":":
        rest = rest[1:].lstrip()
    return marking, rest


def marking_of(text: str) -> str | None:
    """split_marking(text)[0], without copying the rest of a long paragraph."""
    return _leading_marking(text)[1]


_MARKINGS: dict[str, str | None] = {}  # what is inside the parentheses -> the marking, or None when it is none
_NO_MARKING = (-1, None)


def _leading_marking(text: str) -> tuple[int, str | None]:
    """(offset of the closing parenthesis, the marking upper-cased) of a leading '(...)' marking, else (-1, None).
    The few labels ('C', 'SBU', 'S/NF', 'C/REL UAE') recur in every paragraph: they are read once and kept."""
    at = 0
    if text[:1] != "(":
        size = len(text)
        while at < size and text[at] in " \t\n\r":  # no lstrip(): it would copy a long paragraph
            at += 1
        if at >= size or text[at] != "(":
            return _NO_MARKING
    close = text.find(")", at + 1, at + 400)
    if close == -1:
        return _NO_MARKING
    inside = text[at + 1 : close]
    try:
        marking = _MARKINGS[inside]
    except KeyError:
        label = " ".join(inside.split())
        marking = label.upper().rstrip(":") if is_marking(label) else None
        if len(_MARKINGS) < 20000:  # bounded: odd parentheses of a long run of cables must not grow it forever
            _MARKINGS[inside] = marking
    return (close, marking) if marking is not None else _NO_MARKING


def is_marking(label: str) -> bool:
    if not label or len(label) > 300:
        return False
    return FIRST_WORD_RE.match(label).group().upper() in MARK_WORDS  # type: ignore[union-attr]  # one C call, not a find per stop


def releasable_to(marking: str | None) -> list[str]:
    """Countries a marking releases to: 'C/RELEASABLE UAE' -> ['UAE']; 'S//REL TO A, B AND C' -> [...]."""
    if not marking:
        return []
    match = REL_RE.search(" ".join(marking.upper().split()))
    if not match:
        return []
    names: list[str] = []
    for part in match.group(1).rstrip(".) ").split(","):
        part = LEADING_AND_RE.sub("", part.strip(" ."))
        if " AND " in part and lookup_country(part) is None:  # "A AND B", but "TRINIDAD AND TOBAGO"
            names += [p.strip(" .") for p in part.split(" AND ")]
        elif part:
            names.append(part)
    return [n for n in names if n]


def find_marker(pattern: re.Pattern[str], text: str, word: str, any_case: bool = True) -> re.Match[str] | None:
    """Search for a marker pattern only where its key word occurs; far faster than a case-blind scan.

    With any_case=False the pattern itself only accepts 'BEGIN', 'Begin' or 'begin', so three str.find scans
    replace upper-casing the whole text."""
    if not any_case:
        best: re.Match[str] | None = None
        for form in (word, word.capitalize(), word.lower()):
            at = text.find(form)
            while at != -1 and (best is None or at < best.start()):
                match = pattern.match(text, at)
                if match:
                    best = match
                    break
                at = text.find(form, at + 1)
        return best
    upper = text.upper()
    if len(upper) != len(text):  # 'ß' -> 'SS' would shift every offset
        return pattern.search(text)
    at = upper.find(word)
    while at != -1:
        match = pattern.match(text, at)
        if match:
            return match
        at = upper.find(word, at + 1)
    return None


def at_line_starts(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """For a '(?im)^...' pattern, the same pattern opening with a literal newline instead of '^' (and no re.M):
    the engine skips to each newline, where it tried '^' at every position. For search_line_start."""
    assert pattern.pattern.startswith("(?im)^")
    return re.compile("(?i)\n" + pattern.pattern[len("(?im)^") :])


def search_line_start(
    pattern: re.Pattern[str], newline: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
) -> re.Match[str] | None:
    """pattern.search(text, pos, endpos) for a '(?im)^...' pattern, newline being at_line_starts(pattern): a
    match can open at pos (when a line starts there) or just after a newline, in text order."""
    endpos = len(text) if endpos is None else max(0, min(endpos, len(text)))  # as re clamps them
    pos = max(0, min(pos, endpos))
    if pos == 0 or text[pos - 1] == "\n":
        match = pattern.match(text, pos, endpos)
        if match:
            return match
    found = newline.search(text, pos, endpos)
    return pattern.match(text, found.start() + 1, endpos) if found else None


def clean_line(line: str) -> str:
    return " ".join(line.split())


def join_lines(lines: list[str], wrapped: bool, plain: bool = False) -> str:
    """Rejoin a block of lines: hard-wrapped text becomes one line per logical item. plain=True says the
    lines hold no tab and no no-break space (the caller tested its whole text once)."""
    out: list[str] = []  # each kept line preceded by its joint: "\n" opens an item, " " continues one
    blank = True
    for raw in lines:
        # Collapsing blanks costs a split and a join; most lines only need their ends trimmed.
        if plain:
            line = " ".join(raw.split()) if "  " in raw else raw.strip()
        else:
            line = " ".join(raw.split()) if "  " in raw or "\t" in raw or "\xa0" in raw else raw.strip()
        if not line or (line[0] in "-/=*_~+." and is_separator(line)):
            blank = True
            continue
        if wrapped and not blank:
            # most lines are plain prose: the first characters rule out an item before any call
            first = line[0]
            maybe = first in ITEM_FIRST or line[1:2] in ".)" or ")" in line[2:4] or line[-1] == ":" or first in "CPBIQ"
            out.append("\n" if maybe and _starts_item(line, out[-1]) else " ")
        else:
            out.append("\n")
        out.append(line)
        blank = False
    return "".join(out[1:])  # one join keeps long paragraphs linear


def _starts_item(line: str, previous: str = "") -> bool:
    # Cheap first-character test before the regular expression: most lines are plain prose.
    if line[0] not in "-*(o\u2022" and line[1:2] not in ".)" and ")" not in line[2:4]:
        # a heading line of its own after a finished sentence: "CONTINGENCY POINTS (S/REL NATO):", "FOR PARIS:"
        if not previous.endswith((".", ":", "!", "?", ")", '"')):
            return False
        return (line[-1] == ":" and line.count(" ") < 9) or (len(line) < 60 and USE_HEADING_START_RE.match(line) is not None)
    return bool(LIST_MARKER_RE.match(line))


def sentences(text: str) -> list[str]:
    """Split prose into sentences without breaking 'U.S.', 'Para. 13' or initials."""
    parts: list[str] = []
    for piece in SENTENCE_END_RE.split(" ".join(text.split())):
        if parts and _abbreviated(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts


def _abbreviated(piece: str) -> bool:
    """Whether a piece ends in an abbreviation ('U.S.', 'Para.', 'Mr.'), not a sentence; cheap test first."""
    last = piece[-8:].rsplit(" ", 1)[-1]
    if len(last) > 5 and last.count(".") < 2:
        return False
    # A match is at most five characters and ends the piece: search only the tail (\b still sees before pos).
    return bool(ABBREVIATION_RE.search(piece, max(0, len(piece) - 8)))


def number_word(token: str) -> int | None:
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    return WORD_NUMBERS.get(token)


def number_range(first: str, last: str | None) -> list[int]:
    start = number_word(first)
    if start is None:
        return []
    end = number_word(last) if last else None
    if end is None or end < start or end - start > 200:
        return [start]
    return list(range(start, end + 1))
