"""BEGIN ... END blocks: non-papers, texts to deliver, and shared talking points."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .model import NonPaper, Paragraph
from .text import find_marker, is_marking, releasable_to

KINDS: Final = (
    r"(?:TEXT|NON-?\s?PAPERS?|NONPAPERS?|TALKING\s+POINTS|POINTS|LETTERS?|(?:DIPLOMATIC\s+)?NOTE\s+TEXT|MEDIA\s+NOTE|"
    r"PRESS\s+(?:GUIDANCE|STATEMENT|RELEASE))"
)
ADJECTIVE: Final = r"(?:(?:releasable|unclassified|suggested|proposed|draft|demarche|oral|additional)\s+)?"
BEGIN_RE: Final = re.compile(
    r"\[?\b(?:BEGIN|Begin|begin)\s+(?P<title>(?i:(?:[A-Za-z\"'/-]{2,30}\s+){0,3}?" + ADJECTIVE + KINDS + r")\b[^\n\]:]{0,400}?)\s*"
    r"(?::|\]|\.|\n|$)"
)
# not "END POINTS FOR MALTA ONLY", which closes a post's part inside the text
END_RE: Final = re.compile(
    r"\[?\b(?:END|End|end)\s+(?i:(?:OF\s+)?(?:[A-Za-z\"'/-]{2,30}\s+){0,3}?" + ADJECTIVE + KINDS
    + r")\b(?!\s+FOR\s+[A-Z])[^\n]{0,120}"
)
# "Share the following S/REL FRANCE, BRITAIN, QATAR text verbatim:" -- an unbracketed marking before BEGIN
# with its classification when one is printed before REL ("S/REL", "SECRET//REL")
LOOSE_REL_RE: Final = re.compile(
    r"(?P<level>\b(?:TS|S|C|U|SBU|SECRET|CONFIDENTIAL|UNCLASSIFIED)\s?//?\s?)?"
    r"\bREL(?:EASABLE)?(?:\s+TO)?\s+([A-Z][A-Z.'-]*(?:(?:,\s*|\s+)[A-Z][A-Z.'-]*){0,30})"
)
# "BEGIN NON-PAPER S//REL CHINA:": the marking printed after the title, not part of it
TITLE_MARK_RE: Final = re.compile(r"\s+\(?((?:TS|S|C|U|SBU|SECRET|CONFIDENTIAL|UNCLASSIFIED)\s?//?\s?[A-Z][A-Z ,./-]{0,200}?)\)?\s*$")
# A heading that opens a text to hand over: "BEGIN NONPAPER", "NONPAPER FOR BULGARIA, ...", "TALKING POINTS/NON-PAPER"
HEADING_BEGIN_RE: Final = re.compile(r"(?i)^(?:begin\s+)?(?P<title>(?:talking\s+points\s*/\s*)?non-?\s?paper\b.*)$")
POST_ONLY_RE: Final = re.compile(r"(?s)\bPOINTS? FOR [A-Z][A-Za-z ,.'&/()-]{1,400}?:.{0,20000}?\bEND POINTS? FOR [A-Z][A-Z ]{1,60}?ONLY\b\.?")
POINTS_WORD_RE: Final = re.compile(r"\bPOINTS\b")
MAX_SPAN: Final = 40  # paragraphs a block may run across before its END is considered lost


# Precompiled: re's module functions look each pattern up in a cache on every call.
TRAILING_MARK_RE: Final = re.compile(r"\(([^()]{1,300})\)\s*\(?\s*$")
BLANK_RUN_RE: Final = re.compile(r"[ \t]{2,}")


@dataclass
class Block:
    paragraph: int | None
    title: str
    text: str
    releasable_to: list[str]
    heading: str = ""
    spans: tuple = ()  # numbers of the paragraphs the block runs over
    marking: str | None = None  # the block's own marking, else the one before BEGIN, else the paragraph's

    @property
    def kind(self) -> str:
        """letter, note, press, points, non-paper or text, from the title and the heading."""
        words = f"{self.title} {self.heading}".upper()
        for kind, needles in (("letter", ("LETTER",)), ("note", ("NOTE TEXT", "DIPLOMATIC NOTE", "DRAFT NOTE")),
                              ("press", ("PRESS", "MEDIA NOTE")), ("non-paper", ("PAPER",)), ("points", ("POINTS",))):
            if any(needle in words for needle in needles):
                return kind
        return "text"

    @property
    def is_non_paper(self) -> bool:
        title = self.title.upper()
        return "PAPER" in title or "PAPER" in self.heading.upper() or not POINTS_WORD_RE.search(title)

    @property
    def is_points(self) -> bool:
        return bool(POINTS_WORD_RE.search(self.title.upper()))


def find_blocks(paragraphs: list[Paragraph]) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        text = paragraph.text
        # 'BEGIN', 'Begin' and 'begin' all hold 'EGIN' or 'egin': two scans rule most paragraphs out
        begin = find_marker(BEGIN_RE, text[:50000], "BEGIN", any_case=False) if "egin" in text or "EGIN" in text else None
        headed = HEADING_BEGIN_RE.match(paragraph.heading) if not begin and paragraph.heading else None
        if begin:
            title, start, end = begin.group("title"), begin.start(), begin.end()
        elif headed:  # "---- BEGIN NONPAPER ----" printed as the paragraph's heading
            title, start, end = headed.group("title"), 0, 0
        else:
            index += 1
            continue
        text, last = _collect(paragraphs, index, end)
        block = _block(paragraph, " ".join(title.split()), text)
        block.heading = paragraph.heading or ""
        block.spans = tuple(p.number for p in paragraphs[index : max(last, index) + 1])
        before = _marking_before(paragraph.text[:start])
        block.releasable_to = block.releasable_to or releasable_to(before) or releasable_to(paragraph.marking)
        block.marking = block.marking or before or paragraph.marking
        blocks.append(block)
        index = max(last, index) + 1
    return blocks


def _collect(paragraphs: list[Paragraph], index: int, offset: int) -> tuple[str, int]:
    """Text from the BEGIN marker to the matching END, possibly several paragraphs later."""
    first = paragraphs[index].text[offset:]
    end = find_marker(END_RE, first, "END", any_case=False)
    if end:
        return first[: end.start()], index
    parts = [first]
    for later in range(index + 1, min(len(paragraphs), index + MAX_SPAN)):
        text = paragraphs[later].text
        if find_marker(BEGIN_RE, text[:50000], "BEGIN", any_case=False):
            break
        end = find_marker(END_RE, text, "END", any_case=False)
        if end:
            parts.append(text[: end.start()])
            return "\n".join(parts), later
        parts.append(text)
    return first, index


def _block(paragraph: Paragraph, title: str, text: str) -> Block:
    text = text.strip().lstrip(")] ").rstrip("([ ").strip()  # "(Begin releasable text.) ... (End ...)"
    marking = None
    if text.startswith("("):
        close = text.find(")", 1, 2000)
        label = " ".join(text[1:close].split()) if close != -1 else ""
        if close != -1 and (is_marking(label) or "RELEASABLE" in label.upper()):
            marking, text = label, text[close + 1 :].strip()
    tail = TITLE_MARK_RE.search(title) if marking is None and "/" in title else None
    if tail and is_marking(tail.group(1)):
        marking, title = tail.group(1), title[: tail.start()]
    rel = releasable_to(marking) if marking else []
    return Block(paragraph.number, title, text, rel, marking=" ".join(marking.split()).upper() if marking else None)


def _marking_before(text: str) -> str | None:
    """'(S/REL to RUSSIA) Begin Talking Points': the marking printed just before the BEGIN line."""
    match = TRAILING_MARK_RE.search(text[-400:])
    if match and is_marking(" ".join(match.group(1).split())):
        return " ".join(match.group(1).split()).upper()
    loose = LOOSE_REL_RE.search(text[-300:]) if "REL" in text[-300:] else None
    if loose is None:
        return None
    return "".join((loose.group("level") or "").split()) + "REL " + loose.group(2)


def non_papers(blocks: list[Block]) -> list[NonPaper]:
    return [
        NonPaper(b.paragraph, b.releasable_to, _shared_text(b.text), b.title, b.kind, b.marking)
        for b in blocks
        if b.is_non_paper
    ]


def _shared_text(text: str) -> str:
    """The text every post hands over: 'POINT FOR UK ONLY: ... END POINT FOR UK ONLY' parts are left out (they
    are those posts' talking points)."""
    if "END POINT" not in text:
        return text
    return BLANK_RUN_RE.sub(" ", POST_ONLY_RE.sub(" ", text)).strip()
