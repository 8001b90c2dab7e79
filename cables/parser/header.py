"""Header fields after the banner: caveats, E.O./DECL, TAGS, SUBJECT, Classified By and reasons, ALSO FOR, SUMMARY."""

from __future__ import annotations

import re
from typing import Final

from .addressees import lookup_post
from .model import AlsoFor
from .text import SIPDIS_RE, at_line_starts, is_separator, search_line_start

KEYWORD_LINE_RE: Final = re.compile(
    r"(?i)^\s*(?:E\.?\s?O\.?\s+1\d{4}|TAGS?\b|SUBJ(?:ECT)?\b|REF(?:TEL)?S?\b|REF [A-Z]:|CLASSIFIED\s+BY\b|\d{1,3}\.(?!\d))"
)
EO_RE: Final = re.compile(r"(?i)\bE\.?\s?O\.?\s{0,3}(1\d{4})\b:?\s{0,5}(?:(?:DECL(?:ASSIFY)?\b:?\s{0,5}(\S{1,20}))|(N/A))?")
TAGS_RE: Final = re.compile(r"(?im)(?:^|\s)TAGS?\b:?[ \t]*")
SUBJECT_RE: Final = re.compile(r"(?im)^[ \t]*SUBJ(?:ECT)?\b[ \t]*:?[ \t]*")
CLASSIFIED_RE: Final = re.compile(r"(?i)\bclassified\s+by\b\s*:?\s*")
REASON_SPLIT_RE: Final = re.compile(r"(?i)[\s,.;:]*\b(?:for\s+)?reasons?\b\s*:?\s*|:\s*(?=1\s?[./]\s?\d)")
SECTION_RE: Final = re.compile(r"(?<!\d)(1)\s?[./,]\s?([4-8])(?!\d)")
ALSO_FOR_RE: Final = re.compile(r"(?im)^[ \t]*([A-Z][A-Z .'-]{1,40}?)[ \t]+ALSO[ \t]+FOR[ \t]+([A-Z][A-Z .,'-]{1,60}?)[ \t]*$")
SUMMARY_START_RE: Final = re.compile(
    r"(?im)^[ \t]*(?:\d{1,3}\.[ \t]*)?(?:\([A-Z/ ,]{1,40}\)[ \t]*)?(?:-+[ \t]*)?(?:BEGIN[ \t]+)?SUMMARY\b"
)
SUMMARY_START_NL_RE: Final = at_line_starts(SUMMARY_START_RE)
GLUED_FIELD_RE: Final = re.compile(r"(?:(?<=[A-Z)'])|(?<=[A-Z)'] ))(?:REFS?:|CLASSIFIED\s+BY\b)")
TAG_TOKEN_RE: Final = re.compile(r"[A-Z][A-Z0-9-]{0,11}")
SUMMARY_END_RE: Final = re.compile(r"(?i)\bEND\s+(?:OF\s+)?SUMMARY\b")
SUMMARY_LEAD_RE: Final = re.compile(r"^\s*(?:AND\s+[A-Za-z ]{1,40}?)?\s*[:.\-\n]", re.I)
SUMMARY_NUMBER_RE: Final = re.compile(r"(?m)^\s*\d{1,3}\.\s*(?:\([^()\n]{1,40}\))?\s*")


# Precompiled: re's module functions look each pattern up in a cache on every call.
NOFORN_LINE_RE: Final = re.compile(r"(?im)^\s*NOFORN\b")
SENSITIVE_LINE_RE: Final = re.compile(r"(?im)^\s*SENSITIVE\b")
US_DATE_RE: Final = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
ISO_DATE_RE: Final = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")
TAG_SPLIT_RE: Final = re.compile(r"[,;\s]+")
CLASSIFIED_AGAIN_RE: Final = re.compile(r"(?i)\s*(?:\(U\)\s*)?(?:classified\s+by\b\s*:?\s*)?")
REASON_LETTER_RE: Final = re.compile(r"(?<![A-Za-z])([a-hA-H])(?![A-Za-z])")


# Case-blind patterns tried at every position were much of the header's cost. On ASCII text, where lower() and
# re.IGNORECASE agree ('ſ', 'ı' and the Kelvin sign fold under re.I only), they are tried only where their key
# word occurs in a lower-cased copy, which is kept for the next look-up in the same header.
_lowered_last: tuple[str, str] = ("", "")  # the last text lowered and its copy, swapped whole (thread-safe)


def _lowered(text: str) -> str | None:
    global _lowered_last
    if not text.isascii():
        return None
    last = _lowered_last
    if last[0] is text:
        return last[1]
    lower = text.lower()
    _lowered_last = (text, lower)
    return lower


def _at_word(pattern: re.Pattern[str], text: str, word: str) -> re.Match[str] | None:
    """pattern.search(text) for a pattern whose every match opens with `word` (lower case), in any case."""
    lower = _lowered(text)
    if lower is None:
        return pattern.search(text)
    at = lower.find(word)
    while at != -1:
        match = pattern.match(text, at)
        if match:
            return match
        at = lower.find(word, at + 1)
    return None


def _at_line_of(pattern: re.Pattern[str], text: str, word: str) -> re.Match[str] | None:
    """pattern.search(text) for a '(?m)^[ \\t]*WORD...' pattern: tried at the start of each line holding `word`."""
    lower = _lowered(text)
    if lower is None:
        return pattern.search(text)
    tried = -1
    at = lower.find(word)
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        if start != tried:
            match = pattern.match(text, start)
            if match:
                return match
            tried = start
        at = lower.find(word, at + 1)
    return None


def _tags_at(head: str) -> re.Match[str] | None:
    """TAGS_RE.search(head): its match opens with the blank before 'TAGS' (or at the text's start)."""
    lower = _lowered(head)
    if lower is None:
        return TAGS_RE.search(head)
    at = lower.find("tag")
    while at != -1:
        start = at - 1 if at and head[at - 1].isspace() else at if at == 0 else -1
        match = TAGS_RE.match(head, start) if start != -1 else None
        if match:
            return match
        at = lower.find("tag", at + 1)
    return None


def block(text: str, start: int, limit: int = 600) -> str:
    """Text from start to the first blank line or the next header keyword line."""
    lines = text[start : start + limit].split("\n")
    kept = [lines[0]]
    for line in lines[1:]:
        if not line.strip() or KEYWORD_LINE_RE.match(line) or is_separator(line):
            break
        kept.append(line)
    return " ".join(" ".join(kept).split())


def caveat(head: str, banner_class: str | None, eo: re.Match[str] | None | bool = False) -> str | None:
    """The banner's class with its caveat; eo is EO_RE.search(head) when the caller has it (False: not yet)."""
    if not banner_class:
        return None
    upto = EO_RE.search(head) if eo is False else eo
    zone = head[: upto.start() if upto else 800]  # type: ignore[union-attr]
    upper = zone.upper()
    if "NOFORN" in upper and NOFORN_LINE_RE.search(zone):
        return f"{banner_class}//NOFORN"
    if banner_class == "UNCLASSIFIED" and "SENSITIVE" in upper and SENSITIVE_LINE_RE.search(zone):
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    return banner_class


def eo_and_declassify(head: str, eo: re.Match[str] | None | bool = False) -> tuple[str | None, str | None]:
    match = EO_RE.search(head) if eo is False else eo
    if not match:
        return None, None
    return match.group(1), iso_date(match.group(2)) if match.group(2) else None  # type: ignore[union-attr]


def iso_date(value: str) -> str | None:
    value = value.strip(" .,;")
    match = US_DATE_RE.fullmatch(value)
    if match:
        month, day, year = int(match[1]), int(match[2]), int(match[3])
    else:
        match = ISO_DATE_RE.fullmatch(value)
        if not match:
            return None
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    year = year + 2000 if year < 100 else year
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def tags(head: str) -> list[str]:
    match = _tags_at(head)
    if not match:
        return []
    tokens = [t for t in TAG_SPLIT_RE.split(block(head, match.end(), 400).upper()) if t]
    result: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].strip("().")
        following = tokens[index + 1].strip("().") if index + 1 < len(tokens) else ""
        if len(token) >= 6 and token.isalpha() and len(following) >= 3 and following.isalpha():
            result.append(f"{token}, {following}")  # person tags are written SURNAME, GIVEN NAME
            index += 2
            continue
        if _is_tag_token(token):
            result.append(token)
        index += 1
    return result


TAG_CHARACTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"


def _is_tag_token(token: str) -> bool:
    """TAG_TOKEN_RE.fullmatch(token), by C string tests: a capital, then up to eleven capitals, digits or '-'."""
    return 0 < len(token) <= 12 and token.isascii() and "A" <= token[0] <= "Z" and not token.strip(TAG_CHARACTERS)


def subject(head: str) -> str | None:
    match = _at_line_of(SUBJECT_RE, head, "subj")
    if not match:
        return None
    text = block(head, match.end(), 800)
    glued = GLUED_FIELD_RE.search(text) if "REF" in text or "CLASSIFIED" in text else None  # "... AS UK PRIMEREF: A. LONDON 1939", "... RELEASE REF: STATE 86640"
    return (text[: glued.start()].rstrip() if glued else text) or None


def classified_by(head: str) -> tuple[str | None, list[str]]:
    match = _at_word(CLASSIFIED_RE, head, "classified")
    if not match:
        return None, []
    text = _classified_block(head, match.end())
    while True:  # "Classified By: (U) CLASSIFIED BY ..." repeats itself
        again = CLASSIFIED_AGAIN_RE.match(text)
        if not again or not again.group(0):
            break
        text = text[again.end() :]
    split = REASON_SPLIT_RE.search(text)
    if split is None:
        section = SECTION_RE.search(text)
        who, why = (text[: section.start()], text[section.start() :]) if section else (text, "")
    else:
        who, why = text[: split.start()], text[split.end() :]
    who = who.strip(" ,;.:-")
    return who or None, reasons(why)


def _classified_block(head: str, start: int) -> str:
    lines = head[start : start + 500].split("\n")
    kept: list[str] = []
    for line in lines:
        if kept and (not line.strip() or KEYWORD_LINE_RE.match(line)):
            break
        kept.append(line.strip())
        if line.rstrip().endswith((".", ")")) and SECTION_RE.search(" ".join(kept)):
            break
    return " ".join(" ".join(kept).split())


def reasons(text: str) -> list[str]:
    """'1.4 (B), (D).' -> ['1.4(b)', '1.4(d)']; '1/4 (B)' is read as 1.4."""
    found: list[str] = []
    sections = list(SECTION_RE.finditer(text))
    for index, section in enumerate(sections):
        end = sections[index + 1].start() if index + 1 < len(sections) else min(len(text), section.end() + 80)
        label = f"{section[1]}.{section[2]}"
        letters = REASON_LETTER_RE.findall(text[section.end() : end])
        found.extend(f"{label}({letter.lower()})" for letter in letters) if letters else found.append(label)
    return list(dict.fromkeys(found))


def also_for(head: str) -> list[AlsoFor]:
    result: list[AlsoFor] = []
    if "ALSO" not in head[:3000].upper():  # the case-blind multi-line scan is costly and rarely finds anything
        return result
    for match in ALSO_FOR_RE.finditer(head[:3000]):
        post = lookup_post(match[1])
        name = post.name if post is not None else match[1].strip().title()
        result.append(AlsoFor(name, post.code if post is not None else None, match[2].strip().title()))
    return result


def _summary_end(text: str) -> re.Match[str] | None:
    """'END SUMMARY' in any case: one lower-cased copy, then str.find, instead of a case-blind scan."""
    lower = _lowered(text) or text.lower()  # kept for _summary_start
    if len(lower) != len(text) or "summary" not in lower:
        return SUMMARY_END_RE.search(text) if len(lower) != len(text) else None
    # Tried from each 'summary' back to the 'end' before it ('end' is a common syllable, 'summary' is not): only
    # blanks and 'of' may stand between them, so a match opens at that 'end' or nowhere, and in text order.
    found = lower.find("summary")
    while found != -1:
        at = lower.rfind("end", 0, found)
        if at != -1:
            match = SUMMARY_END_RE.match(text, at)
            if match and (at == 0 or not text[at - 1].isalnum()):
                return match
        found = lower.find("summary", found + 7)
    return None


def _summary_start(text: str, low: int, high: int) -> re.Match[str] | None:
    """The first SUMMARY heading between low and high: tried at the lines holding the word, not at every line."""
    lower = _lowered(text)  # the copy _summary_end made, for ASCII text
    if lower is None:
        return search_line_start(SUMMARY_START_RE, SUMMARY_START_NL_RE, text, low, high)
    at = lower.find("summary", low, high)
    while at != -1:
        line = text.rfind("\n", 0, at) + 1
        match = SUMMARY_START_RE.match(text, max(line, low), high)
        if match is not None:
            return match
        at = lower.find("summary", at + 7, high)
    return None


def summary(text: str) -> str | None:
    """Text between a SUMMARY heading and END SUMMARY, paragraph numbers and markings removed."""
    end = _summary_end(text)
    if not end:
        return None
    start = _summary_start(text, max(0, end.start() - 30000), end.start())
    if start is None:
        return None
    inner = text[start.end() : end.start()]
    inner = SUMMARY_LEAD_RE.sub("", inner, count=1)
    lines = [line for line in inner.split("\n") if not is_separator(line)]
    inner = SUMMARY_NUMBER_RE.sub("", "\n".join(lines))
    if "IPDIS" in inner or "ipdis" in inner:  # the pattern has no literal prefix: a scan tries every position
        inner = SIPDIS_RE.sub(" ", inner)
    inner = " ".join(inner.split()).strip(" .-:")
    return (inner + ".") if inner and inner[-1].isalnum() else (inner or None)
