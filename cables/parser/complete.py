"""Complete the action request with what the rest of the cable says: hand-over texts, tasked posts, kind of
action, deadline, level, questions and reply labels."""

from __future__ import annotations

import re
from typing import Final

from . import intent, tasking
from .action import asks, scope_of
from .blocks import Block
from .model import ActionRequest, Addressee, Cable, NonPaper, Paragraph
from .pointers import declaration
from .posts import action_posts, named_posts
from .reading import special_instructions
from .text import releasable_to

BEGIN_LINE_RE: Final = re.compile(r"^\s*\(?BEGIN\b[^:\n]{0,200}:\s*", re.IGNORECASE)
END_LINE_RE: Final = re.compile(r"\s*\(?\bEND\s+(?:OF\s+)?(?:U\.S\.\s+)?[A-Z][A-Z .'-]{0,80}\.?\)?\s*$")
HAND_OVER: Final = r"\b(?:non-?\s?paper|deliver|present|provide|share|leave|hand|pass|letter)"
HAND_OVER_RE: Final = re.compile("(?i)" + HAND_OVER)
HAND_OVER_LOWER_RE: Final = re.compile(HAND_OVER)  # for ASCII text already lower-cased
# Whom the pointer addresses: "This is an action request for Embassy Moscow", "... for posts in London and Paris"
POINTER_FOR_RE: Final = re.compile(
    r"(?i)\b(?:action|demarche)\s+(?:request|cable|message|telegram|instruction)s?\s+for\s+"
    r"([^.;:\n]{2,200}?)\s*(?:[.;:]|,?\s+(?:please|see)\b|$)"
)
# "Embassy Moscow, please see paragraph 8", "Embassies Paris and London: see para 4", "USUN, please see ..."
POINTER_TO_RE: Final = re.compile(
    r"(?:^|[.:;!]\s)\s*(?:[Ff]or\s+|FOR\s+)?((?:Embass(?:y|ies)|EMBASS(?:Y|IES)|Consulates?(?:\s+General)?|CONSULATES?|"
    r"Missions?|MISSIONS?|Posts?\s+in|POSTS?\s+IN|US[A-Z]{2,6}\b|UNVIE|AIT)\b[^.,:;\n]{0,160}?)\s*[,:]\s*"
    r"(?:please|PLEASE|see|SEE)\b"
)


def complete(cable: Cable, blocks: list[Block], head: str, from_department: bool) -> None:
    """Fill in what the rest of the cable tells about the request: its non-papers and talking points, who is
    tasked, the kind of action, the deadline and level, the questions and how to label the reply."""
    request = cable.action_request
    if request is None:
        return
    scope = scope_of(cable.paragraphs, request, head)
    if not request.non_paper_paragraphs:
        asks = " ".join(p.text[:5000] for p in scope)
        request.non_paper_paragraphs = _handed_over(cable.non_papers, asks)
    if not request.talking_point_paragraphs:
        request.talking_point_paragraphs = sorted({t.paragraph for t in cable.talking_points if t.paragraph})
    for block in blocks:  # "deliver the talking points/non-paper in para 8": the points are the non-paper too
        if block.is_points and block.paragraph in request.non_paper_paragraphs:
            if not any(n.paragraph == block.paragraph for n in cable.non_papers):
                cable.non_papers.append(NonPaper(block.paragraph, block.releasable_to, block.text, block.title))
    _announced_papers(cable, request)
    cable.non_papers.sort(key=lambda n: n.paragraph or 0)
    special_instructions(request, cable.action_addressees)
    texts = {n for block in blocks for n in block.spans if n is not None} - {p.number for p in scope}
    request.deadline = tasking.deadline(scope, cable.paragraphs, cable.date, texts)
    request.report_by = request.deadline.date if request.deadline else None
    request.level = tasking.level(scope)
    _tasked(request, cable.action_addressees)
    if request.posts is None:
        request.posts = _pointer_posts(cable.paragraphs, head, cable.action_addressees)
    instructions = [e.instruction for e in request.exceptions if e.instruction and not e.excluded]
    request.kind = intent.kind_of(request.requests, instructions, scope, not from_department)
    request.department_action = request.kind == "department"
    if request.kind in ("report", "instruction", "guidance"):
        request.questions = intent.questions([p.text for p in scope] + _guidance_points(cable, scope))
    request.reporting_instructions = intent.reporting_instructions(cable.paragraphs)


def _announced_papers(cable: Cable, request: ActionRequest) -> None:
    """A paragraph the request hands over as a non-paper without BEGIN/END markers ('The U.S. demarche to China in
    paragraph 5 should be left as a non-paper') is a non-paper too: its whole text."""
    held = {n.paragraph for n in cable.non_papers}
    for number in request.non_paper_paragraphs:
        paragraph = cable.paragraph(number)
        if paragraph is None or number in held or number == request.paragraph or asks(paragraph):
            continue  # a paragraph that asks posts to act is no text to hand over (a slip in the numbers)
        text = BEGIN_LINE_RE.sub("", paragraph.text, count=1)
        text = END_LINE_RE.sub("", text).strip()
        cable.non_papers.append(
            NonPaper(number, releasable_to(paragraph.marking), text, None, "non-paper", paragraph.marking)
        )


def _tasked(request: ActionRequest, addressees: list[Addressee]) -> None:
    """Only some action posts are tasked when every request names its posts ('Department requests that posts in
    London and Tel Aviv ...', 'Embassy New Delhi coordinate ...') and none is for all of them."""
    named = [e for e in request.exceptions if not e.excluded and e.instruction]
    if request.requests or not named:
        return
    everyone = {post[1] for post in action_posts(addressees)}
    if everyone and everyone <= {e.code for e in named}:
        return  # a paragraph for each post: all of them are tasked
    request.posts = [(e.post, e.code) for e in named]  # type: ignore[misc]


def _pointer_posts(paragraphs: list[Paragraph], head: str, addressees: list[Addressee]) -> list | None:
    """Only the action posts the pointer addresses are tasked ('This is an action request. Embassy Moscow, please
    see paragraph 8': Caracas, also an action addressee, is not asked): None when it names none or all of them."""
    declared = declaration(paragraphs, head)
    pointer = next((p for p in paragraphs if declared and p.number == declared[0] is not None), None)
    if pointer is None:
        return None
    text = " ".join(pointer.text[:800].split())
    match = POINTER_FOR_RE.search(text) or POINTER_TO_RE.search(text)
    if match is None:
        return None
    everyone = {post[1]: post for post in action_posts(addressees)}
    named = [everyone[post[1]] for post in named_posts(match.group(1), addressees) if post[1] in everyone]
    if not named or len({post[1] for post in named}) == len(everyone):
        return None
    return [(post[0], post[1]) for post in dict.fromkeys(named)]


def _guidance_points(cable: Cable, scope: list[Paragraph]) -> list[str]:
    """Points 'provided for guidance' in or right after the request: the questions to put to the contacts."""
    numbers = {p.number for p in scope if p.number is not None}
    near = numbers | {n + 1 for n in numbers}
    return ["\n".join(point.text for point in t.points) for t in cable.talking_points if t.paragraph in near]


def _handed_over(papers: list[NonPaper], asks: str) -> list[int]:
    """Paragraphs of BEGIN TEXT blocks that are the request's non-paper: titled one, or the request asks to hand
    it over. The request is searched once, and only when a title does not settle it."""
    asked: bool | None = None
    found: set[int] = set()
    for paper in papers:
        if not paper.paragraph:
            continue
        if "PAPER" not in (paper.title or "").upper():
            asked = _asks_hand_over(asks) if asked is None else asked
            if not asked:
                continue
        found.add(paper.paragraph)
    return sorted(found)


def _asks_hand_over(asks: str) -> bool:
    if asks.isascii():  # a case-sensitive scan of a lower-cased copy is much faster than re.I
        return HAND_OVER_LOWER_RE.search(asks.lower()) is not None
    return HAND_OVER_RE.search(asks) is not None
