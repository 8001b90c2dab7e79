"""Where numbered paragraphs start: tell a paragraph number from a wrapped number or a list item, and note
splices, restarts and jumps in the numbering."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .text import is_separator, marking_of, split_marking

if TYPE_CHECKING:
    from .body import Body

PARA_RE: Final = re.compile(r"^\s{0,8}(\d{1,3})\s?\.(?!\d)\s*(.*)$")
# "(C) 1. The Embassy obtained ...": the marking printed before the number
MARK_FIRST_RE: Final = re.compile(r"^\s{0,8}(\([A-Za-z/ ,]{1,20}\))\s?(\d{1,3})\s?\.(?!\d)\s*(.*)$")
# Words that take a number: a line ending in one continues on the next ('see paragraph' / '6.')
WRAPPED_BEFORE_RE: Final = re.compile(
    r"(?i)(?:\bparas?\.?|\bparagraphs?|\band|&|,|\bthrough|\bto|\btier|\bno\.|\bunscr|\bsection|\bjune|\bjuly|"
    r"\bjanuary|\bfebruary|\bmarch|\bapril|\bmay|\baugust|\bseptember|\boctober|\bnovember|\bdecember)$"
)
ASCII_DIGITS: Final = frozenset("0123456789")
# WRAPPED_BEFORE_RE's words, in every form it accepts; '&' and ',' need no word boundary
NUMBER_WORDS: Final = (
    "para", "paras", "para.", "paras.", "paragraph", "paragraphs", "and", "through", "to", "tier", "no.", "unscr",
    "section", "june", "july", "january", "february", "march", "april", "may", "august", "september", "october",
    "november", "december",
)  # fmt: skip


@dataclass
class Start:
    line: int
    number: int
    rest: str = ""  # the line after its paragraph number, kept so it need not be matched again


def find_starts(lines: list[str], start: int, body: Body) -> list[Start]:
    """Where the numbered paragraphs of lines[start:] open."""
    starts: list[Start] = []
    previous = 0
    splice: tuple[int, int, list[tuple[int, int]]] | None = None
    last = start - 1
    candidates = _candidates(lines, start)
    for index in candidates:
        number, rest = _numbered(lines[index])
        if number is None:
            continue
        has_mark = _has_marking(rest, lines[index + 1] if index + 1 < len(lines) else "")
        if (not has_mark and _wrapped_number(lines, index)) or not _accept(number, previous, has_mark, bool(starts)):
            if not _opens_after_gap(lines, index, number, previous, rest, has_mark, bool(starts)):
                continue
        # only a number going back needs the lines above it looked at (is it pasted-in text after a bare rule?)
        ruled = bool(starts) and number <= previous and not splice and _bare_rule(_recent(lines, index, last))
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
        starts.append(Start(index, number, rest))
        if not splice:
            previous = number
        last = index
    if splice:
        body.splices.append(splice)
    return starts


def _candidates(lines: list[str], start: int) -> list[int]:
    """Indexes of the lines opening with a digit after at most eight blanks, or with a marking's parenthesis
    ('(C) 1. ...'): one test of each line's first character, which rules most lines out."""
    found: list[int] = []
    for index in range(start, len(lines)):
        line = lines[index]
        first = line[:1]
        if first in ASCII_DIGITS:
            found.append(index)
        elif first == "(":
            if ") " in line[:24]:
                found.append(index)
        elif first == " " or first == "\t":
            rest = line.lstrip(" \t")
            if rest[:1].isdecimal() and len(line) - len(rest) <= 8:  # isdecimal: what the pattern's \d took
                found.append(index)
        elif first > "\x7f" and first.isdecimal():
            found.append(index)
    return found


def _numbered(line: str) -> tuple[int | None, str]:
    """The paragraph number a line opens with and the rest of the line ('(C) 1. X' gives 1, '(C) X')."""
    if len(line) >= 20000:
        return None, ""
    match = PARA_RE.match(line)
    if match:
        return int(match.group(1)), match.group(2)
    match = MARK_FIRST_RE.match(line) if line.lstrip()[:1] == "(" else None
    if match and split_marking(match.group(1))[0] is not None:
        return int(match.group(2)), f"{match.group(1)} {match.group(3)}"
    return None, ""


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
    # only underlined: a short title line that is no sentence ("DCM: Google a Private Company")
    underlined = len(recent) >= 2 and len(recent[-2].strip()) <= 100 and not recent[-2].rstrip().endswith((".", ","))
    return not (framed or underlined)


def ends_with_number_word(tail: str) -> bool:
    """WRAPPED_BEFORE_RE.search(tail) is not None, by endswith on a lower-cased ASCII copy: the case-blind
    pattern tried at every position of the tail cost more than the rest of the paragraph-start test."""
    if not tail.isascii():
        return WRAPPED_BEFORE_RE.search(tail) is not None
    # '$' matches at the end and before one final newline
    return _ends_with_word(tail) or (tail.endswith("\n") and _ends_with_word(tail[:-1]))


def _ends_with_word(tail: str) -> bool:
    if tail.endswith(("&", ",")):
        return True
    lower = tail.lower()
    for word in NUMBER_WORDS:
        if lower.endswith(word):
            at = len(lower) - len(word)
            if at == 0 or not (lower[at - 1].isalnum() or lower[at - 1] == "_"):  # the pattern's \b
                return True
    return False


def _previous_line(lines: list[str], index: int) -> str:
    at = index - 1
    while at >= 0 and not lines[at].strip():
        at -= 1
    return lines[at].rstrip() if at >= 0 else ""


def _wrapped_number(lines: list[str], index: int) -> bool:
    """'please see paragraph' + '6. ---- BACKGROUND ----': the number ends the previous line's sentence."""
    before = _previous_line(lines, index)
    return bool(before) and ends_with_number_word(before[-30:])


def _opens_after_gap(
    lines: list[str], index: int, number: int, previous: int, rest: str, marked: bool, started: bool
) -> bool:
    """A paragraph after a gap in the numbering (the missing one glued into the previous paragraph, or lost,
    or the first ones redacted): it stands after a blank line or a rule, the previous text ends a sentence,
    and it opens with a capital or a marking; unmarked, the gap is at most two numbers."""
    if not started and not marked:
        return False
    if number < previous + 2 or (not marked and number > previous + 3) or index == 0 or number > 99:
        return False
    if lines[index - 1].strip() and not is_separator(lines[index - 1]):
        return False
    if not started:
        return True  # the first paragraphs were redacted ('XXXXXXXXXXXX'): any heading may stand before
    if _wrapped_number(lines, index) or not rest[:1].isupper() and rest[:1] != "(":
        return False
    before = _previous_line(lines, index)
    return before.endswith((".", '"', ")", ":", "\u201d")) or is_separator(before)


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
    if "(" not in rest:
        return False  # a marking opens with its parenthesis, on this line
    return marking_of(f"{rest} {next_line}" if ")" not in rest else rest) is not None
