"""BEGIN ... END blocks: non-papers, texts to deliver, and shared talking points."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import NonPaper, Paragraph
from .text import find_marker, is_marking, releasable_to

KINDS = r"(?:TEXT|NON-?\s?PAPERS?|NONPAPERS?|TALKING\s+POINTS|POINTS)"
ADJECTIVE = r"(?:(?:releasable|unclassified|suggested|proposed|draft|demarche|oral|additional)\s+)?"
BEGIN_RE = re.compile(
    r"\[?\b(?:BEGIN|Begin|begin)\s+(?P<title>(?i:" + ADJECTIVE + KINDS + r")\b[^\n\]:]{0,400}?)\s*"
    r"(?::|\]|\.|\n|$)"
)
END_RE = re.compile(r"\[?\b(?:END|End|end)\s+(?i:(?:OF\s+)?" + ADJECTIVE + KINDS + r")\b[^\n]{0,120}")
# "Share the following S/REL FRANCE, BRITAIN, QATAR text verbatim:" -- an unbracketed marking before BEGIN
LOOSE_REL_RE = re.compile(r"\bREL(?:EASABLE)?(?:\s+TO)?\s+([A-Z][A-Z.'-]*(?:(?:,\s*|\s+)[A-Z][A-Z.'-]*){0,30})")
POINTS_WORD_RE = re.compile(r"\bPOINTS\b")
MAX_SPAN = 40  # paragraphs a block may run across before its END is considered lost


@dataclass
class Block:
    paragraph: int | None
    title: str
    text: str
    releasable_to: list[str]
    heading: str = ""
    spans: tuple = ()  # numbers of the paragraphs the block runs over

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
        begin = find_marker(BEGIN_RE, paragraph.text[:50000], "BEGIN", any_case=False)
        if not begin:
            index += 1
            continue
        text, last = _collect(paragraphs, index, begin.end())
        block = _block(paragraph, " ".join(begin.group("title").split()), text)
        block.heading = paragraph.heading or ""
        block.spans = tuple(p.number for p in paragraphs[index : max(last, index) + 1])
        block.releasable_to = (
            block.releasable_to or _marking_before(paragraph.text[: begin.start()]) or releasable_to(paragraph.marking)
        )
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
    rel = releasable_to(marking) if marking else []
    return Block(paragraph.number, title, text, rel)


def _marking_before(text: str) -> list[str]:
    """'(S/REL to RUSSIA) Begin Talking Points': the marking printed just before the BEGIN line."""
    match = re.search(r"\(([^()]{1,300})\)\s*\(?\s*$", text[-400:])
    if match and is_marking(" ".join(match.group(1).split())):
        return releasable_to(match.group(1))
    loose = LOOSE_REL_RE.search(text[-300:]) if "REL" in text[-300:] else None
    return releasable_to("REL " + loose.group(1)) if loose else []


def non_papers(blocks: list[Block]) -> list[NonPaper]:
    return [NonPaper(b.paragraph, b.releasable_to, b.text, b.title) for b in blocks if b.is_non_paper]
