"""When and at what level the action request must be carried out: `report_by` and `level`."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from .model import Deadline, Paragraph
from .text import number_word

MONTHS: Final = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH: Final = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
# "by January 19, 2010", "before January 5, 2009", "no later than 19 January", "NLT Jan 8", "by 1/19/2010"
DEADLINE_RE: Final = re.compile(
    r"(?i)(?:by|before|no\s+later\s+than|not\s+later\s+than|later\s+than|nlt)\s+(?:cob\s+|close\s+of\s+business\s+)?"
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"
    r"(?:" + MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?"
    r"|(\d{1,2})(?:st|nd|rd|th)?\s+" + MONTH + r"(?:,?\s+(\d{4}))?"
    r"|(\d{1,2})/(\d{1,2})/(\d{2,4}))\b"
)
DEADLINE_CUES: Final = ("by ", "before ", "later than ", "nlt ")
REPORT_WORDS: Final = (
    "report",
    "repl",
    "respon",
    "feedback",
    "results",
    "cable",
    "inform",
    "advise",
    "submit",
    "slug",
    "complete",
    "respond",
)
ASK_WORDS: Final = ("request", "should", "please", "asked", "instructed", "must", "need")
# "at the highest appropriate level", "at the most effective level possible", "at an appropriate level"
AT_LEVEL_RE: Final = re.compile(r"(?i)\bat\s+(?:the\s+|an?\s+)?((?:[a-z-]{2,20}\s+){0,3}levels?(?:\s+possible)?)\b")
# "approach appropriate-level host nation officials", "senior-level officials"
HYPHEN_LEVEL_RE: Final = re.compile(
    r"(?i)\b([a-z]{3,20})-level\s+(?:[a-z]{2,20}\s+){0,3}?(?:officials|interlocutors|counterparts|contacts|"
    r"authorities|representatives)\b"
)
# "should be delivered by Ambassadors/Charge D'Affaires", "Points should be deployed by Ambassadors to ..."
BY_WHOM_RE: Final = re.compile(
    r"(?i)\b(?:delivered|deployed|conveyed|made|raised|presented|carried\s+out)\s+by\s+(?:the\s+)?"
    r"((?:ambassadors?|chiefs?\s+of\s+mission|charg\S{0,2}s?(?:\s+d\S{0,2}affaires)?|dcms?|deputy\s+chiefs?\s+of\s+mission)"
    r"(?:\s*(?:/|or|and)\s*(?:the\s+)?(?:ambassadors?|chiefs?\s+of\s+mission|charg\S{0,2}s?(?:\s+d\S{0,2}affaires)?|"
    r"dcms?|deputy\s+chiefs?\s+of\s+mission)){0,2})"
)
BY_WHOM_CUES: Final = ("ed by ", "made by ", "out by ")
LEVEL_NOISE: Final = frozenset(
    {"this", "that", "these", "each", "every", "all", "same", "local", "provincial", "operational"}
)


# "within seven (7) business days", "within 45 days", "within five working days of receipt"
WITHIN_RE: Final = re.compile(
    r"(?i)\bwithin\s+(\d{1,3}|[a-z]{3,9})(?:\s*\(\d{1,3}\))?\s+(business\s+|working\s+|calendar\s+)?days?\b"
)


def deadline(
    scope: list[Paragraph], paragraphs: list[Paragraph], cable_date: str | None, texts: frozenset[int] | set[int] = frozenset()
) -> Deadline | None:
    """When posts must report: the first dated deadline of the action paragraphs, else of a later paragraph,
    else a relative one ('within seven business days'); with the paragraph and the words that set it. The
    paragraphs in `texts` (BEGIN ... END texts: a resolution's own dates) are not read."""
    start = paragraphs.index(scope[0]) if scope and scope[0] in paragraphs else 0
    ordered = [*scope, *(p for p in paragraphs[start:] if p not in scope and p.number not in texts)]
    for paragraph in ordered:
        found = _deadline(paragraph.text[:20000], cable_date)
        if found:
            return Deadline(found[0], None, False, paragraph.number, found[1])
    for paragraph in ordered:
        relative = _within(paragraph.text[:20000])
        if relative:
            return Deadline(None, relative[0], relative[1], paragraph.number, relative[2])
    return None


def report_by(scope: list[Paragraph], paragraphs: list[Paragraph], cable_date: str | None) -> str | None:
    """The ISO date by which posts must report, from the action paragraphs, else from a later paragraph."""
    found = deadline(scope, paragraphs, cable_date)
    return found.date if found else None


def _deadline(text: str, cable_date: str | None) -> tuple[str, str] | None:
    """(ISO date, the words) of the first date after 'by'/'before'/'no later than' in a sentence that asks posts
    to report."""
    lower = text.lower()
    for cue in DEADLINE_CUES:
        at = lower.find(cue)
        while at != -1:
            match = DEADLINE_RE.match(text, at) if at == 0 or not lower[at - 1].isalpha() else None
            if match and _asks_report(lower, match.start()):
                found = _iso(match, cable_date)
                if found:
                    return found, _words(text, match)
            at = lower.find(cue, at + len(cue))
    return None


def _within(text: str) -> tuple[int, bool, str] | None:
    if "ithin" not in text and "ITHIN" not in text:
        return None
    lower = text.lower()
    for match in WITHIN_RE.finditer(text):
        days = number_word(match.group(1))
        if days and 0 < days <= 366 and _asks_report(lower, match.start()):
            business = bool(match.group(2)) and not match.group(2).lower().startswith("calendar")
            return days, business, _words(text, match)
    return None


def _words(text: str, match: re.Match[str]) -> str:
    """The clause around a deadline, for the page that shows where the date came from."""
    period = text.rfind(". ", 0, match.start())
    begin = max(period + 2 if period != -1 else 0, text.rfind("\n", 0, match.start()) + 1, match.start() - 160)
    end = text.find(". ", match.end(), match.end() + 160)
    return " ".join(text[begin : end if end != -1 else match.end() + 60].split()).strip(" .")


def _asks_report(lower: str, at: int) -> bool:
    """Whether the sentence around offset `at` asks posts to report (not 'the IAEA reported by ...')."""
    floor = max(0, at - 600)  # bounded windows keep a text full of dates linear
    begin = max(lower.rfind(". ", floor, at), lower.rfind("\n", floor, at), floor)
    end = lower.find(". ", at, at + 600)
    sentence = lower[begin : end if end != -1 else at + 600]
    return any(w in sentence for w in REPORT_WORDS) and any(w in sentence for w in ASK_WORDS)


def _iso(match: re.Match[str], cable_date: str | None) -> str | None:
    g = match.groups()
    if g[0]:
        month, day, year = MONTHS[g[0].lower()[:3]], g[1], g[2]
    elif g[4]:
        month, day, year = MONTHS[g[4].lower()[:3]], g[3], g[5]
    else:
        month, day, year = int(g[6]), g[7], g[8]
        year = f"20{year}" if year and len(year) == 2 else year
    issued = _date(cable_date)
    try:
        if year:
            return date(int(year), int(month), int(day)).isoformat()
        if issued is None:
            return None
        guess = date(issued.year, int(month), int(day))
        if (issued - guess).days > 31:  # "by January 19" in a December cable is next year
            guess = date(issued.year + 1, int(month), int(day))
        return guess.isoformat()
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def level(scope: list[Paragraph]) -> str | None:
    """The level at which posts should act: 'highest appropriate level', 'Ambassadors/Charge d'Affaires'."""
    for paragraph in scope:
        text = paragraph.text[:20000]
        lower = text.lower()
        patterns = [AT_LEVEL_RE, HYPHEN_LEVEL_RE] if "level" in lower else []
        if any(cue in lower for cue in BY_WHOM_CUES):
            patterns.append(BY_WHOM_RE)
        found = []
        for pattern in patterns:
            for match in pattern.finditer(text):
                value = _clean_level(match, pattern is BY_WHOM_RE)
                if value:
                    found.append((match.start(), value))
                    break
        if found:
            return min(found)[1]
    return None


def _clean_level(match: re.Match[str], person: bool) -> str | None:
    value = " ".join(match.group(1).split())
    if person:
        return value.title() if value.isupper() else value
    words = value.lower().replace("-", " ").split()
    if words[0] in LEVEL_NOISE:
        return None
    if words and words[-1] == "levels":
        words[-1] = "level"
    if "level" not in words and match.re is HYPHEN_LEVEL_RE:
        words.append("level")
    if words[:1] == ["level"]:  # "at level 3"
        return None
    return " ".join(words)
