"""Numbered paragraphs: find them line by line, reject false starts, spot splices, jumps and truncation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import filterfalse, islice
from typing import Final

from .model import Paragraph
from .numbering import ends_with_number_word, find_starts
from .text import framed_heading, is_separator, join_lines, split_marking

# "BERN 00000881 002 OF 002", "ABU DHABI 00000874 001.2 OF 003" (the decimal is the section)
PAGE_BREAK_RE: Final = re.compile(r"\b[A-Z]{2,}(?: [A-Z]{2,}){0,2} +0{2,}\d{1,6} +\d{3}(?:\.\d{1,2})? +OF +\d{3}\b")
# Older telegrams head each page "PAGE 02 HARARE 06677 01 OF 03 291400Z" or "PAGE 02 RUEHFRA0170 S E C R E T",
# after a line holding only the classification; both go, the rest of the line stays (a subject's second line)
PAGE_LINE_RE: Final = re.compile(
    r"(?m)^(?:[ \t]*(?:UNCLAS(?:SIFIED)?|CONFIDENTIAL|(?:TOP )?SECRET|LIMITED OFFICIAL USE)[ \t]*\n)?[ \t]*PAGE \d{2}\b"
    r"(?:[^\n]{0,80}?\d{6}Z\b|[ \t]+R[A-Z]{3,}\d{0,6}[ \t]+(?:[A-Z] ?){5,}\b|[^\n]{0,80}$)[ \t]*"
)
NUMBER_HEADING_RE: Final = re.compile(r"^\s*(\d{1,3})\.\s*(-{3,}.*)$")
TRAILER_RE: Final = re.compile(r"(?i)^\s*(?:BT|NNNN|#\d{1,6}|End Cable Text)\s*$")  # transmission trailer lines
TRAILER_FIRST: Final = frozenset("BN#E")  # first letters of the trailer lines: most lines skip the regex
DB_TAIL_RE: Final = re.compile(r"\s\d \d{2}/\d{2}/\d{4} \d{1,7} [A-Z]{2,6}(?:,[A-Z]{2,6}){1,30} ")


# Precompiled: re's module functions look each pattern up in a cache on every call.
THREE_CAPITALS_RE: Final = re.compile(r"[A-Z]{3}")


@dataclass
class Body:
    paragraphs: list[Paragraph] = field(default_factory=list)
    first_line: int | None = None
    # (after para, at line, [(line, number) of each foreign paragraph])
    splices: list[tuple[int, int, list[tuple[int, int]]]] = field(default_factory=list)
    restarts: list[tuple[int, int]] = field(default_factory=list)  # (previous, restarted at)
    jumps: list[tuple[int, int]] = field(default_factory=list)  # (previous, next)
    trailing_junk: str | None = None


def parse_body(lines: list[str], start: int, text: str | None = None) -> Body:
    """Split lines[start:] into numbered paragraphs; text, when given, is "\\n".join(lines), already at hand."""
    body = Body()
    starts = find_starts(lines, start, body)
    if not starts:
        return body
    body.first_line = starts[0].line
    wrapped = _is_wrapped(lines[starts[0].line :])
    plain = text is not None and "\t" not in text and "\xa0" not in text  # two memchr scans spare two tests a line
    excluded = {n for _, _, numbers in body.splices for n in numbers}
    heading: str | None = None
    for index, item in enumerate(starts):
        end = starts[index + 1].line if index + 1 < len(starts) else len(lines)
        chunk, next_heading = _split_heading([item.rest, *lines[item.line + 1 : end]], index == len(starts) - 1)
        if (item.line, item.number) not in excluded:
            body.paragraphs.append(_paragraph(item.number, chunk, wrapped, heading, plain))
        heading = next_heading
    if body.paragraphs:
        _strip_db_tail(body)
    if body.jumps:
        _split_glued(body)
    return body


def _split_glued(body: Body) -> None:
    """'... license. 3. Reason for request: ...': the one number missing from a jump was glued mid-line into the
    paragraph before; split it out again."""
    for previous, number in list(body.jumps):
        if number != previous + 2:
            continue
        at = next((i for i, p in enumerate(body.paragraphs) if p.number == previous), None)
        if at is None:
            continue
        paragraph = body.paragraphs[at]
        glued = re.search(r"(?<=[.!?:\"-] )" + str(previous + 1) + r"\.\s?(?=[A-Z(])", paragraph.text)
        if glued is None:
            continue
        head, tail = paragraph.text[: glued.start()].rstrip(), paragraph.text[glued.end() :]
        marking, tail = split_marking(tail)
        body.paragraphs[at] = Paragraph(previous, paragraph.marking, head, paragraph.heading)
        body.paragraphs.insert(at + 1, Paragraph(previous + 1, marking, tail.strip()))
        body.jumps.remove((previous, number))


def _is_wrapped(lines: list[str]) -> bool:
    """Page text is hard-wrapped near 70 columns; the one-line archive format keeps whole paragraphs per line.
    The first 400 filled lines tell."""
    window = lines[:800]
    if max(map(len, window), default=0) <= 110:  # no long line at all (most page text): wrapped if any is filled
        return any(map(str.strip, window))
    # non-blank lines, filtered in C without the copies str.strip would make
    filled = list(islice(filterfalse(str.isspace, filter(None, window)), 400))
    if not filled:
        return False
    long_lines = sum(map((110).__lt__, map(len, filled)))
    return long_lines * 10 < len(filled)


def _split_heading(chunk: list[str], last: bool = False) -> tuple[list[str], str | None]:
    """Drop separator rules (and, after the last paragraph, the transmission trailer) and peel off a section
    heading that belongs to the next paragraph."""
    lines = chunk
    if last:
        lines = [line for line in chunk if len(line) > 20 or line.lstrip()[:1] not in TRAILER_FIRST or not TRAILER_RE.match(line)]
    _unwrap_number_heading(lines)
    heading: str | None = None
    while len(lines) > 1:
        tail = lines[-1]
        first = tail[:1]
        if first and first not in "-/=*_~+." and not first.isspace():
            break  # a line opening with a word is neither a rule nor a framed heading: no call needed
        if not first or tail.isspace():  # a blank line goes
            lines.pop()
            continue
        ruled, framed = is_separator(tail), framed_heading(tail)
        if tail.strip() and not ruled and not framed:
            break
        heading = framed or heading
        lines.pop()
        if ruled and heading is None:
            heading = _pop_ruled_heading(lines)
    if heading is None:
        heading = _pop_bare_heading(lines)
    return lines, heading  # rules left inside are dropped by join_lines


def _unwrap_number_heading(lines: list[str]) -> None:
    """'... provide the non-paper in para' / '6. ---------- OBJECTIVES ----------': the number ends the sentence
    above and the rest of the line is the next paragraph's heading."""
    at = len(lines) - 1
    while at >= 0 and not lines[at].strip():
        at -= 1
    if at < 1 or "--" not in lines[at]:
        return
    match = NUMBER_HEADING_RE.match(lines[at])
    before = at - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    if match and before >= 0 and ends_with_number_word(lines[before].rstrip()[-30:]):
        lines[before] = f"{lines[before].rstrip()} {match.group(1)}."
        lines[at] = match.group(2)


def _pop_ruled_heading(lines: list[str]) -> str | None:
    # A heading is framed by rules above and below ("-----\nOBJECTIVES\n-----"), or only underlined.
    block: list[str] = []
    while len(lines) > 1 and lines[-1].strip() and not is_separator(lines[-1]) and len(block) < 3:
        block.insert(0, lines.pop())
    if not block:
        return None
    if len(block) == 1 or (lines and is_separator(lines[-1])):
        while len(lines) > 1 and (is_separator(lines[-1]) or not lines[-1].strip()):
            lines.pop()
        return " ".join(" ".join(block).split())
    lines.extend(block)
    return None


def _pop_bare_heading(lines: list[str]) -> str | None:
    # An all-capitals line standing alone after a blank line ("FAMILY VISITS") heads the next paragraph.
    if len(lines) < 3 or lines[-2].strip():
        return None
    candidate = lines[-1].strip()
    if len(candidate) > 80 or candidate.upper() != candidate or candidate.endswith((".", ":")):
        return None
    if not THREE_CAPITALS_RE.search(candidate):
        return None
    lines.pop()
    return candidate


def _paragraph(number: int, chunk: list[str], wrapped: bool, heading: str | None, plain: bool = False) -> Paragraph:
    """chunk[0] is the first line without its paragraph number."""
    text = join_lines(chunk, wrapped, plain)
    marking, text = split_marking(text)
    return Paragraph(number, marking, text.strip(), heading)


def _strip_db_tail(body: Body) -> None:
    # 2011 pages append the database row (signature, 0, date, id, TAGS, subject, summary) to the text.
    last = body.paragraphs[-1]
    match = DB_TAIL_RE.search(last.text) if "/" in last.text else None  # the row's date has slashes
    if match:
        body.trailing_junk = last.text[match.start() :].strip()
        last.text = last.text[: match.start()].rstrip()


def ends_cleanly(text: str) -> bool:
    """False when a paragraph visibly stops mid-text: an empty '--' point, a dangling comma or hyphen."""
    text = text.rstrip()
    if text.endswith(("--", ",", "(", " -")):
        return text.lower().endswith(("regards,", "sincerely,", "yours,", "best,"))  # a letter's closing
    last = text.rsplit(None, 1)[-1].lower() if text else ""
    return last not in {"the", "a", "an", "of", "to", "and", "or", "in", "for", "with", "that", "by"}
