"""Numbered paragraphs: find them line by line, reject false starts, spot splices, jumps and truncation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Paragraph
from .text import framed_heading, is_separator, join_lines, split_marking

PARA_RE = re.compile(r"^\s{0,8}(\d{1,3})\s?\.(?!\d)\s*(.*)$")
# "BERN 00000881 002 OF 002", "ABU DHABI 00000874 001.2 OF 003" (the decimal is the section)
PAGE_BREAK_RE = re.compile(r"\b[A-Z]{2,}(?: [A-Z]{2,}){0,2} +0{2,}\d{1,6} +\d{3}(?:\.\d{1,2})? +OF +\d{3}\b")
# Older telegrams head each page "PAGE 02 HARARE 06677 01 OF 03 291400Z" or "PAGE 02 RUEHFRA0170 S E C R E T",
# after a line holding only the classification; both go, the rest of the line stays (a subject's second line)
PAGE_LINE_RE = re.compile(
    r"(?m)^(?:[ \t]*(?:UNCLAS(?:SIFIED)?|CONFIDENTIAL|(?:TOP )?SECRET|LIMITED OFFICIAL USE)[ \t]*\n)?[ \t]*PAGE \d{2}\b"
    r"(?:[^\n]{0,80}?\d{6}Z\b|[ \t]+R[A-Z]{3,}\d{0,6}[ \t]+(?:[A-Z] ?){5,}\b|[^\n]{0,80}$)[ \t]*"
)
TRAILER_RE = re.compile(r"(?i)^\s*(?:BT|NNNN|#\d{1,6}|End Cable Text)\s*$")  # transmission trailer lines
DIGIT_OR_BLANK = frozenset("0123456789 \t")
TRAILER_FIRST = frozenset("BN#E")  # first letters of the trailer lines: most lines skip the regex
DB_TAIL_RE = re.compile(r"\s\d \d{2}/\d{2}/\d{4} \d{1,7} [A-Z]{2,6}(?:,[A-Z]{2,6}){1,30} ")


@dataclass
class Start:
    line: int
    number: int
    after_separator: bool
    rest: str = ""  # the line after its paragraph number, kept so it need not be matched again


@dataclass
class Body:
    paragraphs: list[Paragraph] = field(default_factory=list)
    first_line: int | None = None
    splices: list[tuple[int, int, list[int]]] = field(default_factory=list)  # (after para, at line, numbers)
    restarts: list[tuple[int, int]] = field(default_factory=list)  # (previous, restarted at)
    jumps: list[tuple[int, int]] = field(default_factory=list)  # (previous, next)
    trailing_junk: str | None = None


def parse_body(lines: list[str], start: int) -> Body:
    """Split lines[start:] into numbered paragraphs."""
    body = Body()
    starts = _find_starts(lines, start, body)
    if not starts:
        return body
    body.first_line = starts[0].line
    wrapped = _is_wrapped(lines[starts[0].line :])
    excluded = {n for _, _, numbers in body.splices for n in numbers}
    heading: str | None = None
    for index, item in enumerate(starts):
        end = starts[index + 1].line if index + 1 < len(starts) else len(lines)
        rest, next_heading = _split_heading(lines[item.line + 1 : end])
        if (item.line, item.number) not in excluded:
            body.paragraphs.append(_paragraph(item.number, [item.rest, *rest], wrapped, heading))
        heading = next_heading
    if body.paragraphs:
        _strip_db_tail(body)
    return body


def _find_starts(lines: list[str], start: int, body: Body) -> list[Start]:
    starts: list[Start] = []
    previous = 0
    splice: tuple[int, int, list] | None = None
    last = start - 1
    # Only lines opening with a digit can start a paragraph; a comprehension finds them at C speed.
    candidates = [
        i
        for i, line in enumerate(lines[start:], start)
        if line[:1] in DIGIT_OR_BLANK and line[:9].lstrip()[:1].isdigit()
    ]
    for index in candidates:
        line = lines[index]
        match = PARA_RE.match(line) if len(line) < 20000 else None
        if not match:
            continue
        number = int(match.group(1))
        has_mark = _has_marking(match.group(2), lines[index + 1] if index + 1 < len(lines) else "")
        if not _accept(number, previous, has_mark, bool(starts)):
            continue
        ruled = _bare_rule(_recent(lines, index, last))
        if splice and number == splice[0] + 1:
            body.splices.append(splice)
            splice = None
        elif splice:
            splice[2].append((index, number))
        elif starts and number <= previous and ruled:
            splice = (previous, index, [(index, number)])
        elif starts and number <= previous:
            body.restarts.append((previous, number))
        elif starts and number > previous + 1:
            body.jumps.append((previous, number))
        starts.append(Start(index, number, ruled, match.group(2)))
        if not splice:
            previous = number
        last = index
    if splice:
        body.splices.append(splice)
    return starts


def _recent(lines: list[str], index: int, stop: int) -> list[str]:
    """Up to three non-blank lines before lines[index], not reaching back past the previous start."""
    found: list[str] = []
    at = index - 1
    while at > stop and len(found) < 3:
        if lines[at].strip():
            found.insert(0, lines[at])
        at -= 1
    return found


def _bare_rule(recent: list[str]) -> bool:
    """A rule line right before a paragraph with no heading framed above it marks pasted-in text."""
    if not recent or not is_separator(recent[-1]):
        return False
    framed = len(recent) == 3 and is_separator(recent[0]) and len(recent[1].strip()) <= 80
    return not framed


def _accept(number: int, previous: int, has_mark: bool, started: bool) -> bool:
    """Tell a paragraph start from a wrapped number ('¶1737.') or a list item inside a paragraph."""
    if not started:
        return number == 1 or (has_mark and number <= 9)
    if number == previous + 1:
        return True
    if not has_mark or number == 0:
        return False
    return number <= previous + 12 or number < previous


def _has_marking(rest: str, next_line: str) -> bool:
    marking, _ = split_marking(f"{rest} {next_line}" if "(" in rest and ")" not in rest else rest)
    return marking is not None


def _is_wrapped(lines: list[str]) -> bool:
    """Page text is hard-wrapped near 70 columns; the one-line archive format keeps whole paragraphs per line."""
    filled = [line for line in lines if line.strip()]
    if not filled:
        return False
    long_lines = sum(1 for line in filled if len(line) > 110)
    return long_lines * 10 < len(filled)


def _split_heading(chunk: list[str]) -> tuple[list[str], str | None]:
    """Drop separator rules and peel off a section heading that belongs to the next paragraph."""
    lines = [line for line in chunk if len(line) > 20 or line.lstrip()[:1] not in TRAILER_FIRST or not TRAILER_RE.match(line)]
    heading: str | None = None
    while lines and (not lines[-1].strip() or is_separator(lines[-1]) or framed_heading(lines[-1])):
        heading = framed_heading(lines[-1]) or heading
        ruled = is_separator(lines[-1])
        lines.pop()
        if ruled and heading is None:
            heading = _pop_ruled_heading(lines)
    if heading is None:
        heading = _pop_bare_heading(lines)
    return lines, heading  # rules left inside are dropped by join_lines


def _pop_ruled_heading(lines: list[str]) -> str | None:
    # A heading is framed by rules above and below ("-----\nOBJECTIVES\n-----"), or only underlined.
    block: list[str] = []
    while lines and lines[-1].strip() and not is_separator(lines[-1]) and len(block) < 3:
        block.insert(0, lines.pop())
    if not block:
        return None
    if len(block) == 1 or (lines and is_separator(lines[-1])):
        while lines and (is_separator(lines[-1]) or not lines[-1].strip()):
            lines.pop()
        return " ".join(" ".join(block).split())
    lines.extend(block)
    return None


def _pop_bare_heading(lines: list[str]) -> str | None:
    # An all-capitals line standing alone after a blank line ("FAMILY VISITS") heads the next paragraph.
    if len(lines) < 2 or lines[-2].strip():
        return None
    candidate = lines[-1].strip()
    if len(candidate) > 80 or candidate.upper() != candidate or candidate.endswith((".", ":")):
        return None
    if not re.search(r"[A-Z]{3}", candidate):
        return None
    lines.pop()
    return candidate


def _paragraph(number: int, chunk: list[str], wrapped: bool, heading: str | None) -> Paragraph:
    """chunk[0] is the first line without its paragraph number."""
    text = join_lines(chunk, wrapped)
    marking, text = split_marking(text)
    return Paragraph(number, marking, text.strip(), heading)


def _strip_db_tail(body: Body) -> None:
    # 2011 pages append the database row (signature, 0, date, id, TAGS, subject, summary) to the text.
    last = body.paragraphs[-1]
    match = DB_TAIL_RE.search(last.text)
    if match:
        body.trailing_junk = last.text[match.start() :].strip()
        last.text = last.text[: match.start()].rstrip()


def ends_cleanly(text: str) -> bool:
    """False when a paragraph visibly stops mid-text: an empty '--' point, a dangling comma or hyphen."""
    text = text.rstrip()
    if text.endswith(("--", ",", "(", " -")):
        return False
    last = text.rsplit(None, 1)[-1].lower() if text else ""
    return last not in {"the", "a", "an", "of", "to", "and", "or", "in", "for", "with", "that", "by"}
