"""The REF block: cited cables normalised to archive ids ('08 STATE 129729' -> '08STATE129729')."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from .addressees import _postdata, lookup_post
from .text import at_line_starts, search_line_start

REF_START_RE: Final = re.compile(r"(?im)^[ \t]*(?:REFS?|REFTELS?)\b(?:[ \t]+[A-Z](?=:))?[ \t]*[:.]?")
REF_START_NL_RE: Final = at_line_starts(REF_START_RE)
# "... AS UK PRIMEREF: A. LONDON 1939": the relay glued the REF line to the end of the subject
GLUED_REF_RE: Final = re.compile(r"(?m)(?:(?<=[A-Z)'])|(?<=[A-Z)'] ))REFS?:[ \t]")
REF_STOP_RE: Final = re.compile(r"(?i)\bclassified\s+by\b|\bE\.?\s?O\.?\s+1\d{4}|\bTAGS?:|\bSUBJECT:")
# Lettered items, also in lower case in case-mangled cables ("a. 05 state 1234 ... r. 07 berlin 567")
LETTER_RE: Final = re.compile(r"(?:(?<=[\s,;:])|^)(?:\(([A-Za-z])\)|([A-Za-z])[.)](?!\w)|REF ([A-Z]):)")
MONTHS: Final = (
    "JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|JAN|FEB|MAR|APR|JUN|JUL|AUG|"
    "SEPT|SEP|OCT|NOV|DEC"
)
CABLE_RE: Final = re.compile(
    r"(?:(?<![\w/.])(?P<y1>\d{4}|\d{2})\s+)?(?P<station>[A-Z]{2,}(?:\s[A-Z]{2,}){0,3})(?:\s+|(?<=[A-Z]{5}))"
    r"(?P<num>\d{1,6})(?!\d)(?![/.:-]\d)(?:\s*\((?P<y2>\d{2})\))?"
    r"(?:\s+(?:\d{1,2}\s+)?(?:" + MONTHS + r")\.?\s+(?:\d{1,2},?\s+)?(?P<y3>(?:19|20)\d{2})\b)?"
)
NOT_STATIONS: Final = frozenset(MONTHS.split("|")) | frozenset(
    "FAM FAH UNSCR UNSC USC CFR EMAIL MAIL TELCON MEMCON DOC NO NOS PARA PARAS PARAGRAPH SECTION RES "
    "RESOLUTION PL EO HSPD NSPD UN PAGE OF TO AND THE FROM SEE IN ON ALSO PREVIOUS REFTEL REFTELS REF REFS "
    "NOTAL PASS PLEASE DATED ZULU ON AT BY FOR ITEM ANNEX ARTICLE CHAPTER LAW ACT DECL IIR TD POC DIPNOTE NOTE "
    "CASE LICENSE NUMBER FAX PHONE ROOM HR SEC STAT DTG".split()
)
MISSIONS: Final = frozenset("USNATO USEUBRUSSELS USUNNEWYORK UNVIEVIENNA USOSCE GENEVA USUNROME WHITEHOUSE RPODUBAI".split())
MAX_BLOCK: Final = 3000
ARCHIVE_ID_RE: Final = re.compile(r"\d{2}([A-Z][A-Z-]{1,30}?)(\d{1,7})")
MAX_STATE_SERIAL, MAX_POST_SERIAL = 400_000, 30_000


# Precompiled: re's module functions look each pattern up in a cache on every call.
REF_WORD_RE: Final = re.compile(r"(?i)(?:REFS?|REFTELS?)\b")
REF_LETTER_COLON_RE: Final = re.compile(r"^ [A-Z]:")
SEMICOLON_RE: Final = re.compile(r"[;]")


@dataclass
class Refs:
    references: list[str] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)


def parse_refs(head: str, year: int | None, own: tuple[str, int] | None = None, day: int | None = None) -> Refs:
    """Find the REF block in the header text and normalise every cable it cites.

    `year` is the citing cable's year, `own` its (station, serial) and `day` its day of the year, for the
    rollover rule (see `_rolled_over`)."""
    refs = Refs()
    block = ref_block(head)
    if block:
        for letter, item in _items(block):
            _read_item(letter, item, year, refs, own, day)
    return refs


def ref_block(head: str) -> str | None:
    start = search_line_start(REF_START_RE, REF_START_NL_RE, head)
    if not start and "REF" in head:
        start = GLUED_REF_RE.search(head)
    if not start:
        return None
    lines = head[start.start() : start.start() + MAX_BLOCK].split("\n")
    kept = [lines[0]]
    for index, line in enumerate(lines[1:], 1):
        stripped = line.strip()
        if not stripped:
            following = next((s.strip() for s in lines[index + 1 : index + 4] if s.strip()), "")
            if not LETTER_RE.match(following):
                break
            continue
        if REF_STOP_RE.match(stripped):
            break
        kept.append(stripped)
    text = " ".join(" ".join(kept).split())
    letter_at = REF_WORD_RE.match(text)
    text = text[letter_at.end() :] if letter_at else text
    if REF_LETTER_COLON_RE.match(text):  # "REF A: STATE 120288"
        text = f"{text[1]}. {text[3:]}"
    stop = REF_STOP_RE.search(text)
    return text[: stop.start()].strip(" :.") if stop else text.strip(" :.")


def _items(block: str) -> list[tuple[str | None, str]]:
    marks = list(LETTER_RE.finditer(block))
    if not marks:
        return [(None, part) for part in SEMICOLON_RE.split(block)]
    items: list[tuple[str | None, str]] = []
    if block[: marks[0].start()].strip():
        items.append((None, block[: marks[0].start()]))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(block)
        letter = next(g for g in mark.groups() if g)
        items.append((letter, block[mark.end() : end]))
    return _merge_doubled(items)


def _merge_doubled(items: list[tuple[str | None, str]]) -> list[tuple[str | None, str]]:
    # "A. (A) STATE 112368": the letter written twice leaves an empty item in front.
    merged: list[tuple[str | None, str]] = []
    for letter, text in items:
        if merged and merged[-1][0] == letter and not merged[-1][1].strip(" ,;"):
            merged[-1] = (letter, text)
        else:
            merged.append((letter, text))
    return merged


def _read_item(
    letter: str | None, item: str, year: int | None, refs: Refs, own: tuple[str, int] | None, day: int | None
) -> None:
    letter = letter.upper() if letter else None
    found = [ref for ref in (_cable_id(m, year, own, day) for m in CABLE_RE.finditer(item.upper())) if ref]
    for ref in found:
        if ref not in refs.references:
            refs.references.append(ref)
    if found and letter and letter not in refs.letters:
        refs.letters[letter] = found[0]
    text = " ".join(item.split()).strip(" ,;.")
    if not found and text:
        refs.other.append(f"{letter}. {text}" if letter else text)


# Most cables a station can have sent by a given day of the year: (per day, head start). The Department sent up
# to about 180,000 a year, the busiest embassies about 11,000; the margins are wide so only impossible numbers
# roll over.
STATE_PACE: Final = (1000, 5000)
POST_PACE: Final = (30, 150)


def _cable_id(
    match: re.Match[str], year: int | None, own: tuple[str, int] | None, day: int | None
) -> str | None:
    station = _station(match["station"].split())
    if not station:
        return None
    given = match["y1"] or match["y2"] or match["y3"]
    number = int(match["num"])
    if not given and year and _rolled_over(station, number, own, day):
        year -= 1
    yy = given[-2:] if given else (f"{year % 100:02d}" if year else None)
    if yy is None:
        return None
    return f"{yy}{station}{number}"


def _rolled_over(station: str, number: int, own: tuple[str, int] | None, day: int | None) -> bool:
    """Whether a cited serial without a year is last year's: stations number their cables from 1 each year, so
    a serial higher than the citing cable's own (same station), or higher than the cited station could have
    reached by the citing day (STATE_PACE, POST_PACE), was sent the year before."""
    if own and own[0] == station:
        return number > own[1]
    if day is None:
        return False
    per_day, head_start = STATE_PACE if station == "STATE" else POST_PACE
    return number > per_day * day + head_start


def _station(words: list[str]) -> str | None:
    while words:
        joined = "".join(words)
        if joined in {"STATE", "SECSTATE"}:
            return "STATE"
        if words[0] not in NOT_STATIONS and words[-1] not in NOT_STATIONS and _known(words):
            return joined
        words = words[1:]
    return None


def _known(words: list[str]) -> bool:
    joined = "".join(words)
    if len(words) == 1 or joined in MISSIONS or _postdata is None:
        return len(joined) >= 3
    return lookup_post(" ".join(words)) is not None


def merge_archive_refs(refs: Refs, archive: str | None) -> None:
    """Add the archive's own '|'-joined reference list (line and CSV formats). An archive id naming a cable
    already read with another year is the archive's own slip over the rollover, and is left out."""
    read = {ref[2:] for ref in refs.references}
    for ref in (archive or "").split("|"):
        ref = ref.strip()
        match = ARCHIVE_ID_RE.fullmatch(ref)
        if match is None or ref in refs.references or ref[2:] in read:
            continue
        if int(match[2]) > (MAX_STATE_SERIAL if match[1] == "STATE" else MAX_POST_SERIAL):
            continue  # the archive also took postcodes and case numbers for cables ("09MEXICO52140")
        refs.references.append(ref)
