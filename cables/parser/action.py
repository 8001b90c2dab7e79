"""The action request: which paragraph, what posts must do, what it points to, and who is excepted."""

from __future__ import annotations

import re

from .addressees import lookup_post
from .model import ActionException, ActionRequest, Addressee, Paragraph
from .text import number_range, sentences

NUM = r"(\d{1,3}|[a-z]{3,9})"
RANGE = NUM + r"(?:\s*(?:-|\u2013|through|to|and)\s*" + NUM + r")?"
POINTER_RE = re.compile(
    r"(?is)\baction\s+request\b.{0,90}?\b(?:see|in)\s+(?:end\s+of\s+)?para(?:graph)?s?\.?\s*" + RANGE
)
PARA_NUMBER_RE = re.compile(r"(?i)\bpara(?:graph)?s?\.?\s*" + RANGE)
PREAMBLE_HEADLINE_RE = re.compile(r"(?im)^[\s-]*(?:summary\s+and\s+)?action\s+requests?(?:\s+and\s+\w+)?[\s:-]*$")
HEADLINE_RE = re.compile(r"(?i)^(?:urgent\s+)?(?:summary\s+and\s+)?action\s+requests?\b")
NON_PAPER_REF_RE = re.compile(r"(?i)\bnon-?\s?papers?\b[^.]{0,80}?\bpara(?:graph)?s?\.?\s*" + RANGE)
POINTS_REF_RE = re.compile(r"(?i)\btalking\s+points\b[^.]{0,80}?\bpara(?:graph)?s?\.?\s*" + RANGE)
EXCEPT_RE = re.compile(r"(?i)\bexcept(?:\s+for)?\s+")
EXCEPT_STOP_RE = re.compile(r"(?i)[);:]|\.\s|\s(?:are|is|should|who|will|which|may|must|to)\s")
EXCEPT_PREFIX_RE = re.compile(r"(?i)^(?:the\s+)?(?:embass(?:y|ies)|consulates?(?:\s+general)?|congen|missions?|posts?)(?:\s+in)?\s+")
ACTOR = r"(?:(?i:posts?|embass(?:y|ies)|missions?|consulates?|congen|addressees|you|ambassadors?|charg\S*|officers?)|[A-Z][A-Za-z]+)"
REQUEST_RE = re.compile(
    r"\b(?i:also\s+)?(?i:are|is)\s+(?i:also\s+)?(?i:hereby\s+)?(?i:requested|asked|instructed|directed|"
    r"encouraged|authorized)\s+(?i:to)\s+(.+)|\b(?i:we|department|the\s+department)\s+(?i:requests?)\s+"
    r"(?i:that\s+)?(.+)|\b" + ACTOR + r"\s+(?:(?i:also)\s+)?(?i:should)\s+(?:(?i:also)\s+)?(.+)|\b(?i:please)\s+(.+)"
)
REQUEST_WORDS = ("request", "asked", "instructed", "directed", "encouraged", "authorized", "should", "please")
LEADING_REQUEST_RE = re.compile(r"(?i)^(?:action\s+request:\s*)?requests?\s+(?:that\s+)?(.+)")
SUBJECT_POST_RE = re.compile(
    r"^(?:(?:the\s+)?(?:Embassy|Consulate|ConGen|Consulate General|Mission|AIT|USUN|USNATO|USEU|UNVIE)\s+)"
    r"([A-Z][A-Za-z'.-]{0,30}(?:\s[A-Z][A-Za-z'.-]{0,30}){0,3}?),?\s(?:also\s)?(?:is|are|should|may)\b"
)


def find_action_request(paragraphs: list[Paragraph], preamble: str) -> ActionRequest | None:
    """Locate the action paragraph through an explicit pointer, a headline, or an 'ACTION REQUEST:' label."""
    pointed = _pointer(paragraphs, preamble)
    by_number = {p.number: p for p in paragraphs}
    target = next((by_number[n] for n in pointed if n in by_number), None)
    target = target or next((p for p in paragraphs if _is_headline(p)), None)
    target = target or next((p for p in paragraphs if "ACTION REQUEST:" in p.text.upper()), None)
    if target is None and paragraphs and PREAMBLE_HEADLINE_RE.search(preamble[-400:]):
        target = paragraphs[0]
    if target is None:
        return None
    scope = [by_number[n] for n in pointed if n in by_number] or [target]
    if target not in scope:
        scope.insert(0, target)
    request = ActionRequest(target.number, target.text)
    for paragraph in scope:
        request.non_paper_paragraphs += _numbers(NON_PAPER_REF_RE, paragraph.text)
        request.talking_point_paragraphs += _numbers(POINTS_REF_RE, paragraph.text)
        _read_requests(paragraph.text, request)
    request.non_paper_paragraphs = sorted(set(request.non_paper_paragraphs))
    request.talking_point_paragraphs = sorted(set(request.talking_point_paragraphs))
    return request


def _pointer(paragraphs: list[Paragraph], preamble: str) -> list[int]:
    for text in [preamble, *(p.text for p in paragraphs[:6])]:
        match = POINTER_RE.search(text[:3000]) if "ACTION" in text[:3000].upper() else None
        if match:
            return number_range(match.group(1), match.group(2))
    return []


def _is_headline(paragraph: Paragraph) -> bool:
    heading = (paragraph.heading or "").upper()
    return bool(HEADLINE_RE.match(paragraph.text)) or "ACTION REQUEST" in heading


def _numbers(pattern: re.Pattern[str], text: str) -> list[int]:
    """Every paragraph number cited after the phrase, to the end of its sentence ('paras 5-6 ... para 8')."""
    found: list[int] = []
    if "PARA" not in text.upper():
        return found
    for match in pattern.finditer(text[:20000]):
        found += number_range(match.group(1), match.group(2))
        tail = text[match.end() : match.end() + 300].split(". ", 1)[0]
        for more in PARA_NUMBER_RE.finditer(tail):
            found += number_range(more.group(1), more.group(2))
    return found


def _read_requests(text: str, request: ActionRequest) -> None:
    for sentence in sentences(text[:20000]):
        excluded = _excepted(sentence)
        for name in excluded:
            _add_exception(request, name, excluded=True, instruction=None)
        what = _what(sentence)
        if not what:
            continue
        subject = SUBJECT_POST_RE.match(sentence)
        post = lookup_post(subject.group(1)) if subject else None
        if subject and _exception_for(request, subject.group(1), post):
            _add_exception(request, subject.group(1), excluded=False, instruction=what)
        elif what not in request.requests:
            request.requests.append(what)


def _what(sentence: str) -> str | None:
    lower = sentence.lower()
    if not any(word in lower for word in REQUEST_WORDS):
        return None
    match = REQUEST_RE.search(sentence) or LEADING_REQUEST_RE.match(sentence)
    if not match:
        return None
    what = next(g for g in match.groups() if g)
    what = re.split(r"\s--\s?|:\s*--", what, maxsplit=1)[0]  # keep the lead-in, not the bullet list
    return what.strip().rstrip(".;:").strip() or None


def _excepted(sentence: str) -> list[str]:
    names: list[str] = []
    for match in EXCEPT_RE.finditer(sentence):
        tail = sentence[match.end() : match.end() + 160]
        stop = EXCEPT_STOP_RE.search(tail)
        tail = EXCEPT_PREFIX_RE.sub("", tail[: stop.start()] if stop else tail)
        for name in re.split(r",|\band\b|\bor\b", tail):
            name = EXCEPT_PREFIX_RE.sub("", name.strip())
            if name and lookup_post(name) is not None:
                names.append(name)
    return names


def _exception_for(request: ActionRequest, name: str, post) -> bool:
    """A sentence about one named post is a special instruction once any post has been excepted."""
    if not request.exceptions:
        return False
    code = post.code if post is not None else None
    return any(e.code == code if code else (e.post or "").lower() == name.strip().lower() for e in request.exceptions)


def _add_exception(request: ActionRequest, name: str, *, excluded: bool, instruction: str | None) -> None:
    post = lookup_post(name)
    label = post.name if post is not None else " ".join(name.split())
    code = post.code if post is not None else None
    for existing in request.exceptions:
        if (code and existing.code == code) or existing.post == label:
            existing.instruction = existing.instruction or instruction
            return
    request.exceptions.append(ActionException(label, code, excluded, instruction))


def special_instructions(request: ActionRequest, action_addressees: list[Addressee]) -> None:
    """Drop 'exceptions' that name every action addressee: they are plain requests, not exceptions."""
    posts = {a.code for a in action_addressees if a.code}
    if len(posts) <= 1:
        for item in [e for e in request.exceptions if not e.excluded]:
            request.exceptions.remove(item)
            if item.instruction and item.instruction not in request.requests:
                request.requests.append(item.instruction)
