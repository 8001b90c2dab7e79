"""The telegram's routing: DTG and precedence, FM/TO/INFO segments, and the classification banner."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Final

from .addressees import split_addressees
from .model import Precedence
from .text import at_line_starts, search_line_start

PRECEDENCE: Final = {"R": "ROUTINE", "P": "PRIORITY", "O": "IMMEDIATE", "Z": "FLASH"}
MONTHS: Final = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
DTG_RE: Final = re.compile(
    r"(?:\b([ROPZ])\s{1,3}(?:([ROPZ])\s{1,3})?)?\b(\d{6})\s?Z\s{1,3}((?i:" + "|".join(MONTHS) + r"))\s{1,3}(\d{4}|\d{2})\b"
)
# DTG_RE without its precedence letters ("R ", "O P "), which take at most DTG_LEAD characters before the stamp
DTG_STAMP_RE: Final = re.compile(r"\b(\d{6})\s?Z\s{1,3}((?i:" + "|".join(MONTHS) + r"))\s{1,3}(\d{4}|\d{2})\b")
DTG_LEAD: Final = 8
# The relay garbles spaced banners: a letter doubled or lost ("SS E C R E T", "CSE C R E T", "E C R E T",
# "O N F I D E N T I A L"); a stray leading letter and a missing first letter are both accepted.
CLASS_WORD: Final = (
    r"(?:T\s?O\s?P\s{1,3}S\s?E\s?C\s?R\s?E\s?T|[CSU]?(?:S\s?)?E\s?C\s?R\s?E\s?T"
    r"|[CSU]?(?:C\s?)?O\s?N\s?F\s?I\s?D\s?E\s?N\s?T\s?I\s?A\s?L|U\s?N\s?C\s?L\s?A\s?S(?:\s?S\s?I\s?F\s?I\s?E\s?D)?)"
)
BANNER_RE: Final = re.compile(
    r"(?<![A-Za-z])(?P<cls>" + CLASS_WORD + r")(?:\s?//\s?[A-Z]{2,10})?[ \t]{1,12}"
    r"(?:SECTION[ \t]{1,4}(?:\d{1,3}[ \t]{1,4})?OF[ \t]{1,4}(?:\d{1,3}[ \t]{1,12})?)?"
    r"(?P<station>(?!SECTION\b)[A-Z]{2,}(?:[ \t][A-Z]{2,}){0,3})[ \t]{1,12}(?P<num>\d{1,8})\b",
    re.I,
)
# The same pattern without re.I, run over an upper-cased ASCII copy: case folding at every position made the
# banner search one of the slowest steps; for ASCII text both find the same spans. CLASS_WORD is spelt out by
# first letter, in the order the engine tries it (each branch as CLASS_WORD would go on at that letter), and
# the look-behind follows that letter: a pattern opening with a look-behind or an optional letter is tried at
# every position, one opening with a letter only where that letter stands.
_SECRET, _CONF = r"E\s?C\s?R\s?E\s?T", r"O\s?N\s?F\s?I\s?D\s?E\s?N\s?T\s?I\s?A\s?L"


def _first(letter: str) -> str:
    return f"{letter}(?<![A-Za-z]{letter})"


CLASS_WORD_BY_LETTER: Final = (
    rf"(?:{_first('T')}\s?O\s?P\s{{1,3}}S\s?{_SECRET}"
    rf"|{_first('C')}(?:(?:S\s?)?{_SECRET}|(?:C\s?)?{_CONF}|\s?{_CONF})"
    rf"|{_first('S')}(?:(?:S\s?)?{_SECRET}|\s?{_SECRET}|(?:C\s?)?{_CONF})"
    rf"|{_first('U')}(?:(?:S\s?)?{_SECRET}|(?:C\s?)?{_CONF}|\s?N\s?C\s?L\s?A\s?S(?:\s?S\s?I\s?F\s?I\s?E\s?D)?)"
    rf"|{_first('E')}\s?C\s?R\s?E\s?T|{_first('O')}\s?N\s?F\s?I\s?D\s?E\s?N\s?T\s?I\s?A\s?L)"
)
BANNER_UPPER_RE: Final = re.compile(
    r"(?P<cls>" + CLASS_WORD_BY_LETTER + r")" + BANNER_RE.pattern[BANNER_RE.pattern.index(r"(?:\s?//") :]
)
GARBLE_RE: Final = re.compile(r"\bPAGE \d{2} +[A-Z]{2,}(?: [A-Z]{2,}){0,2} +\d{1,8} +\d{6}Z\b")
# "DE RUEHRL #0180/01 0431709": the relay's transmission line names the sending station's routing indicator, the
# last four digits of the serial and the Julian day and time it went out
TRANSMISSION_RE: Final = re.compile(r"(?m)^DE\s+(R[A-Z]{3,6})\s+#(\d{1,5})(?:/\d{1,2})?\s+(\d{3})(\d{4})\b")
ZNY_RE: Final = re.compile(r"(?m)^ZN[YR]\s+([SCUT])\1{4}\b")
FM_LINE_RE: Final = re.compile(r"(?m)^[ \t]*FM[ \t]")
FM_RE: Final = re.compile(r"\bFM\s")
TO_RE: Final = re.compile(r"\bTO\s")
HEADER_KEY_RE: Final = re.compile(r"(?im)^\s*(?:E\.?\s?O\.?\s+1\d{4}|TAGS?\b|SUBJECT\b|SUBJ\b|REFS?\b|CLASSIFIED BY\b)")
HEADER_KEY_NL_RE: Final = at_line_starts(HEADER_KEY_RE)


@dataclass
class Routing:
    dtg: str | None = None
    year: int | None = None
    when: str | None = None  # ISO date-time from the DTG
    precedence: Precedence | None = None
    sender: str | None = None
    to: str | None = None
    info: str | None = None
    banner_class: str | None = None
    station: str | None = None
    number: int | None = None
    banner_end: int | None = None  # character offset just after the banner
    garbled: bool = False
    transmission: re.Match[str] | None = None  # "DE RUEHRL #0180/01 0431709"

    @cached_property
    def sender_name(self) -> str | None:
        """The first addressee of the FM segment, split once for the stages that need it."""
        names = split_addressees(self.sender)
        return names[0] if names else None


def parse_routing(header: str) -> Routing:
    """Read DTG, FM, TO, INFO and the banner from the text that precedes paragraph 1."""
    routing = Routing()
    dtg = _find_dtg(header)
    cursor = 0
    if "DE R" in header[:6000]:
        routing.transmission = TRANSMISSION_RE.search(header, 0, dtg.start() if dtg else 6000)
    if dtg:
        _read_dtg(dtg, routing)
        cursor = dtg.end()
    banner = _find_banner(header, cursor)
    if banner:
        _read_banner(banner, routing)
    elif "ZN" in header[:3000]:  # no banner: the relay's "ZNY SSSSS ZZH" line still tells the classification
        zny = ZNY_RE.search(header, 0, 3000)
        routing.banner_class = {"S": "SECRET", "C": "CONFIDENTIAL", "U": "UNCLASSIFIED", "T": "TOP SECRET"}.get(
            zny.group(1) if zny else ""
        )
    end = _segment_end(header, cursor)
    end = min(end, banner.start()) if banner else end
    if dtg and end > cursor:
        _read_segments(header[cursor:end], routing)
    return routing


def _find_dtg(header: str) -> re.Match[str] | None:
    """DTG_RE.search(header). Its optional precedence letters open the pattern, so the engine tries it at every
    position; the time stamp alone opens with a digit, which it skips ahead to. A match starts at most
    DTG_LEAD characters before its time stamp, so searching from there finds the same leftmost match."""
    stamp = DTG_STAMP_RE.search(header)
    return DTG_RE.search(header, max(0, stamp.start() - DTG_LEAD)) if stamp else None


def _read_dtg(match: re.Match[str], routing: Routing) -> None:
    first, second, stamp, month, year = match.groups()
    month = month.upper()  # "291359Z Nov 00" in partial extracts
    yy = year[-2:]
    routing.dtg = f"{stamp}Z {month} {yy}"
    routing.year = full_year(int(yy))
    day, hour, minute = int(stamp[:2]), stamp[2:4], stamp[4:6]
    if 1 <= day <= 31 and int(hour) < 24 and int(minute) < 60:
        routing.when = f"{routing.year:04d}-{MONTHS.index(month) + 1:02d}-{day:02d}T{hour}:{minute}"
    if first:
        routing.precedence = Precedence(PRECEDENCE[first], PRECEDENCE[second] if second else None)


def _find_banner(header: str, cursor: int) -> re.Match[str] | None:
    """The first banner; its groups may come back upper-cased, which is how they are used."""
    ascii_text = header.isascii()  # re.I also folds 'ı', 'ſ' and the Kelvin sign, which upper() maps elsewhere
    pattern, text = (BANNER_UPPER_RE, header.upper()) if ascii_text else (BANNER_RE, header)
    for match in pattern.finditer(text, cursor):
        station = match.group("station").upper()
        if station not in {"SECTION", "OF", "PAGE"} and station.strip("X "):  # "XXXXXXXXXXXX 000004": redacted
            return match
    return None


def _read_banner(match: re.Match[str], routing: Routing) -> None:
    word = "".join(match.group("cls").split()).upper()  # split() drops what \s matches, without a regex
    routing.banner_class = (
        "TOP SECRET" if word.startswith("TOP") else "SECRET" if "CRET" in word
        else "CONFIDENTIAL" if "FIDENT" in word else "UNCLASSIFIED"
    )
    station = "".join(match.group("station").split()).upper()
    routing.station = "STATE" if station == "SECSTATE" else station
    routing.number = int(match.group("num"))
    routing.banner_end = match.end()


def _segment_end(header: str, cursor: int) -> int:
    key = search_line_start(HEADER_KEY_RE, HEADER_KEY_NL_RE, header, cursor)
    fm = FM_LINE_RE.search(header, cursor, cursor + 5000)  # blank lines may stand between the DTG and FM
    blank = header.find("\n\n", fm.start() if fm else cursor)
    ends = [pos for pos in (key.start() if key else -1, blank) if pos != -1]
    return min(ends) if ends else len(header)


def _read_segments(text: str, routing: Routing) -> None:
    if "PAGE " in text and GARBLE_RE.search(text):
        routing.garbled = True
        text = GARBLE_RE.sub("\n", text)
    fm = FM_RE.search(text)
    if not fm:
        return
    to = TO_RE.search(text[fm.end() :])
    to_at = fm.end() + to.start() if to else len(text)
    routing.sender = text[fm.end() : to_at].strip() or None
    if not to:
        return
    rest = text[to_at + 3 :]
    info = _info_at(rest)
    routing.to = (rest[: info[0]] if info else rest).strip() or None
    if info:
        routing.info = rest[info[1] :].strip() or None


def _info_at(rest: str) -> tuple[int, int] | None:
    """The span of INFO_RE.search(rest), tried only where 'INFO' occurs (the pattern opens with a branch, which
    the engine tries at every position)."""
    at = rest.find("INFO")
    while at != -1:
        if (at == 0 or rest[at - 1].isspace()) and rest[at + 4 : at + 5].isspace():
            return max(at - 1, 0), at + 5
        at = rest.find("INFO", at + 1)
    return None


def full_year(yy: int) -> int:
    """A two-digit year: the 1900s when the 2000s year would lie ahead of today ('72 is 1972, '09 is 2009)."""
    return 2000 + yy if 2000 + yy <= _this_year() else 1900 + yy


_YEAR = [0, 0.0]  # the year, and until when (time.time()) it is known to hold: date.today() costs a system call


def _this_year() -> int:
    now = time.time()
    if now >= _YEAR[1]:
        _YEAR[0] = date.today().year
        _YEAR[1] = now + 60.0  # looked up again each minute, so a long-running process sees the new year
    return int(_YEAR[0])


def reference_id(routing: Routing) -> str | None:
    if routing.station and routing.number and routing.year:
        return f"{routing.year % 100:02d}{routing.station}{routing.number}"
    return None
