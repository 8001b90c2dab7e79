"""The action request: which paragraph, what it points to, what posts must do, and who is excepted."""

from __future__ import annotations

import re
from typing import Callable, Final

from .intent import VOTE_RE, information_requests, is_outward, is_reactive
from .model import ActionRequest, Addressee, Paragraph
from .pointers import PREAMBLE_HEADLINE_RE, declaration, is_headline, labelled, negated, subject_declares
from .reading import read_paragraph
from .requests import clause_of
from .text import number_range, sentences

NUM: Final = r"(\d{1,3}|[a-z]{3,9})"
RANGE: Final = NUM + r"(?:\s*(?:-|\u2013|through|to|and)\s*" + NUM + r")?"
PARA_NUMBER_RE: Final = re.compile(r"(?i)\bpara(?:graph)?s?\.?\s*" + RANGE)
NON_PAPER_REF_RE: Final = re.compile(
    r"(?i)\b(?:non-?\s?papers?\b[^.]{0,80}?|letters?\b[^.]{0,80}?|(?:diplomatic|draft|the)\s+notes?\s+(?:in|at)\s+|"
    r"text\s+(?:in|at)\s+)\bpara(?:graph)?s?\.?\s*" + RANGE
)
POINTS_REF_RE: Final = re.compile(r"(?i)\bpoints\b(?!\s+of\s+contact)[^.]{0,80}?\bpara(?:graph)?s?\.?\s*" + RANGE)
OTHER_OBJECT_RE: Final = re.compile(r"(?i)\b(?:text|narrative|background|legal\s+paper|media\s+note|press\s+guidance)\b")
AS_PAPER_RE: Final = re.compile(r"(?i)\b(?:as|in\s+the\s+form\s+of)\s+a\s+non-?\s?paper\b")
# "Post is also requested ...", "Action Request continued: ..." continue the request in the next paragraph
CONTINUES_RE: Final = re.compile(
    r"^(?:(?:the\s+)?(?:posts?|embass(?:y|ies)|missions?)(?:\s+[A-Z][A-Za-z'.-]+){0,2}\s+(?:is|are|should|may)\s+also\b"
    r"|action\s+request\s+continued\b|in\s+addition,?\s+(?:posts?|embass(?:y|ies))\s+(?:is|are|should))",
    re.IGNORECASE,
)
# "are encouraged to report ... as information becomes available", "may wish to": standing guidance, no tasking
SOFT_RE: Final = re.compile(
    r"(?i)\b(?:encouraged|authori[sz]ed|welcome|free)\s+to\b|\bmay\s+wish\b|\bas\s+(?:information|opportunit\w+)\s+"
    r"(?:becomes?|arises?)\b|\bwhen\s+(?:they|posts?|you|it\s+is)\s+(?:have|learn|receive|available)\b"
)
Warn = Callable[[str, "int | None", str], None]


# Precompiled: re's module functions look each pattern up in a cache on every call.
BEGIN_LEAD_RE: Final = re.compile(r"(?i)^\W{0,3}begin\b")
CONTACT_RE: Final = re.compile(r"(?i)^(?:contact|direct|call)\b")
CONDITIONAL_START_RE: Final = re.compile(r"(?i)^(?:if|should)\b")
NOT_WORD_RE: Final = re.compile(r"(?i)\bnot\b")


def find_action_request(
    paragraphs: list[Paragraph],
    preamble: str,
    addressees: list[Addressee] | None = None,
    warn: Warn | None = None,
    subject: str | None = None,
    from_department: bool = True,
) -> ActionRequest | None:
    """Locate the action paragraph through a declaration and its pointer, a heading, an 'ACTION REQUEST:' label,
    the subject line, or (in a Department cable) the first paragraph asking posts to act."""
    addressees = addressees or []
    declared = declaration(paragraphs, preamble)
    by_number = {p.number: p for p in paragraphs}
    pointed = [by_number[n] for n in (declared[1] if declared else []) if n in by_number]
    headlines = [p for p in paragraphs if is_headline(p)]
    headline = next((p for p in headlines if asks(p)), None) or (headlines[0] if headlines else None)
    label = next((p for p in paragraphs if labelled(p.text)), None)
    says_so = (
        declared is not None or headline is not None or label is not None or subject_declares(subject, from_department)
    )
    if not says_so and (not from_department or negated(paragraphs, preamble)):
        return None
    pointed_asks = bool(pointed) and any(asks(p, reactive=True) for p in pointed)
    needs_asking = not (pointed or headline or label) or (pointed and not pointed_asks)
    asking = _first_asking(paragraphs, exclude=declared[0] if declared else None) if needs_asking else None
    if pointed and not pointed_asks:
        better = next((p for p in (headline, label, asking) if p is not None and p not in pointed), None)
        if better is not None:
            if warn:
                warn(
                    "announced_paragraph_mismatch",
                    pointed[0].number,
                    f"the action request is announced in paragraph {pointed[0].number} but stands in paragraph "
                    f"{better.number}",
                )
            pointed = [better]
    target = (pointed[0] if pointed else None) or headline or label or asking
    if target is None and declared is not None and declared[0] is not None:
        target = by_number.get(declared[0])
    if target is None and paragraphs and (says_so or PREAMBLE_HEADLINE_RE.search(preamble[-400:])):
        target = paragraphs[0]
    if target is None:
        return None
    scope = _scope(paragraphs, target, pointed)
    request = ActionRequest(target.number, target.text)
    for paragraph in scope:
        request.non_paper_paragraphs += _numbers(NON_PAPER_REF_RE, paragraph.text) + _left_as_paper(paragraph.text)
        request.talking_point_paragraphs += _numbers(POINTS_REF_RE, paragraph.text)
        read_paragraph(paragraph.text, request, addressees)
    request.non_paper_paragraphs = sorted(set(request.non_paper_paragraphs) - {target.number})
    request.talking_point_paragraphs = sorted(set(request.talking_point_paragraphs))
    return request


def asks(paragraph: Paragraph, reactive: bool = False) -> bool:
    """Whether a paragraph asks posts to do something (a pointer to a BEGIN block or background is wrong);
    with reactive=True, using material only when asked counts too."""
    text = paragraph.text[:3000]
    if BEGIN_LEAD_RE.match(text):
        return False
    return any(_asking(sentence, reactive) for sentence in sentences(text)[:10])


def _asking(sentence: str, reactive: bool = False) -> bool:
    """A request to act now, not only to use material when asked ('to respond to host government inquiries')."""
    what = clause_of(sentence)
    if not what and information_requests(sentence):
        return True  # "We would appreciate any information post can provide on ..."
    if not what or CONTACT_RE.match(what) or CONDITIONAL_START_RE.match(sentence):
        return False
    return reactive or not is_reactive(what)


def _first_asking(paragraphs: list[Paragraph], exclude: int | None) -> Paragraph | None:
    """The first paragraph asking posts to act towards their hosts or to find out (not an internal chore)."""
    for paragraph in paragraphs[:4]:  # a tasking that does not say it is one asks at once; guidance asks late
        if paragraph.number == exclude or not asks(paragraph):
            continue
        for sentence in sentences(paragraph.text[:3000])[:10]:
            soft = SOFT_RE.search(sentence) is not None and VOTE_RE.search(sentence) is None
            what = clause_of(sentence) if _asking(sentence) and not soft else None
            if what and is_outward(what):
                return paragraph
    return None


def scope_of(paragraphs: list[Paragraph], request: ActionRequest, preamble: str) -> list[Paragraph]:
    """The paragraphs the request spans (for deadline and level look-ups)."""
    by_number = {p.number: p for p in paragraphs}
    target = by_number.get(request.paragraph)
    if target is None:
        return []
    declared = declaration(paragraphs, preamble)
    pointed = [by_number[n] for n in (declared[1] if declared else []) if n in by_number]
    if pointed and target not in pointed:
        pointed = []
    return _scope(paragraphs, target, pointed)


def _scope(paragraphs: list[Paragraph], target: Paragraph, pointed: list[Paragraph]) -> list[Paragraph]:
    """The pointed paragraphs, else the target and the paragraphs right after it that go on asking ('Embassy
    Beijing is requested to: -- ...'); either way followed by 'Post is also requested ...' paragraphs."""
    scope = list(pointed) if target in pointed else [target]
    index = paragraphs.index(target)
    for later in paragraphs[index + 1 : index + 4]:
        if not (CONTINUES_RE.match(later.text[:200]) or (not pointed and _leads_with_ask(later))):
            break
        if later not in scope:
            scope.append(later)
    return scope


def _leads_with_ask(paragraph: Paragraph) -> bool:
    """A paragraph whose first sentence asks posts to act, not a text to deliver or background."""
    first = sentences(paragraph.text[:1500])[:1]
    return bool(first) and _asking(first[0]) and not BEGIN_LEAD_RE.match(paragraph.text)


def _numbers(pattern: re.Pattern[str], text: str) -> list[int]:
    """Every paragraph number cited after the phrase, to the end of its sentence ('paras 5-6 ... para 8')."""
    found: list[int] = []
    if "ara" not in text and "ARA" not in text:
        return found
    lower = text[:20000].lower()
    if not any(word in lower for word in ("paper", "points", "letter", "note", "text")):
        return found
    for match in pattern.finditer(text[:20000]):
        found += number_range(match.group(1), match.group(2))
        tail = text[match.end() : match.end() + 300].split(". ", 1)[0]
        other = OTHER_OBJECT_RE.search(tail)  # "... and the text of the country narrative in para 8": not points
        tail = tail[: other.start()] if other else tail
        for more in PARA_NUMBER_RE.finditer(tail):
            found += number_range(more.group(1), more.group(2))
    return found


def _left_as_paper(text: str) -> list[int]:
    """'deliver the talking points in paragraph 4 ... as a non-paper', 'The U.S. demarche to China in paragraph 5
    should be left as a non-paper': the paragraph cited last before 'as a non-paper' is a non-paper too."""
    found: list[int] = []
    if ("aper" not in text and "APER" not in text) or not AS_PAPER_RE.search(text[:20000]):
        return found
    for sentence in sentences(text[:20000]):
        paper = AS_PAPER_RE.search(sentence)
        if paper is None or NOT_WORD_RE.search(sentence):
            continue
        cited = list(PARA_NUMBER_RE.finditer(sentence, 0, paper.start()))
        if cited:
            found += number_range(cited[-1].group(1), cited[-1].group(2))
    return found
