"""The action request: which paragraph, what posts must do, what it points to, and who is excepted."""

from __future__ import annotations

import re
from typing import Callable

from .addressees import lookup_post
from .model import ActionException, ActionRequest, Addressee, Paragraph
from .requests import clause_of, first_sentence, instruction, lower_first
from .talking import named_posts, post_label
from .text import number_range, sentences

NUM = r"(\d{1,3}|[a-z]{3,9})"
RANGE = NUM + r"(?:\s*(?:-|\u2013|through|to|and)\s*" + NUM + r")?"
# "This is an action request. Please see paragraph 2", "action request for all posts, see end of para 2",
# "the action request is in para 13"; not "action request to Embassy Paris. Please deliver the points in para 4".
POINTER_RE = re.compile(
    r"(?is)\baction\s+request\b(?:.{0,90}?\b(?:see|refer\s+to)|\s+(?:is\s+)?(?:contained\s+|found\s+)?(?:in|at))"
    r"\s+(?:end\s+of\s+)?para(?:graph)?s?\.?\s*" + RANGE
)
PARA_NUMBER_RE = re.compile(r"(?i)\bpara(?:graph)?s?\.?\s*" + RANGE)
PREAMBLE_HEADLINE_RE = re.compile(
    r"(?im)^[\s-]*(?:summary\s+and\s+)?action\s+requests?(?:\s+and\s+\w+)?[\s:-]*$"
)
HEADLINE_RE = re.compile(r"(?i)^(?:urgent\s+)?(?:summary\s+and\s+)?action\s+requests?\b")
NON_PAPER_REF_RE = re.compile(r"(?i)\bnon-?\s?papers?\b[^.]{0,80}?\bpara(?:graph)?s?\.?\s*" + RANGE)
POINTS_REF_RE = re.compile(r"(?i)\bpoints\b(?!\s+of\s+contact)[^.]{0,80}?\bpara(?:graph)?s?\.?\s*" + RANGE)
AS_PAPER_RE = re.compile(r"(?i)\b(?:as|in\s+the\s+form\s+of)\s+a\s+non-?\s?paper\b")
EXCEPT_RE = re.compile(r"(?i)\b(?:except(?:\s+for)?|other\s+than|with\s+the\s+exception\s+of|excluding)\s+")
EXCEPT_STOP_RE = re.compile(r"(?i)[);:]|\.\s|\s(?:are|is|should|who|will|which|may|must|to)\s")
EXCEPT_PREFIX_RE = re.compile(
    r"(?i)^(?:the\s+)?(?:embass(?:y|ies)|consulates?(?:\s+general)?|congen|missions?|posts?)(?:\s+in)?\s+"
)
SUBJECT_POST_RE = re.compile(
    r"^(?:(?:the\s+)?(?:Embassy|Consulate|ConGen|Consulate General|Mission|AIT|USUN|USNATO|USEU|UNVIE)\s+)"
    r"([A-Z][A-Za-z'.-]{0,30}(?:\s[A-Z][A-Za-z'.-]{0,30}){0,3}?),?\s(?:also\s)?(?:is|are|should|may)\b"
)
CONTINUES_RE = re.compile(
    r"^(?:the\s+)?(?:posts?|embass(?:y|ies)|missions?)(?:\s+[A-Z][A-Za-z'.-]+){0,2}\s+(?:is|are|should|may)\s+also\b",
    re.IGNORECASE,
)
FOR_BULLET_RE = re.compile(r"^[-*]{1,2}\s*\((?i:for)\s+([^()]{2,80})\)\s*(.+)$")
Warn = Callable[[str, "int | None", str], None]


def find_action_request(
    paragraphs: list[Paragraph],
    preamble: str,
    addressees: list[Addressee] | None = None,
    warn: Warn | None = None,
) -> ActionRequest | None:
    """Locate the action paragraph through an explicit pointer, a headline, or an 'ACTION REQUEST:' label."""
    addressees = addressees or []
    pointed = _pointer(paragraphs, preamble)
    by_number = {p.number: p for p in paragraphs}
    target = next((by_number[n] for n in pointed if n in by_number), None)
    headline = next((p for p in paragraphs if _is_headline(p)), None)
    if target is not None and headline is not None and headline is not target and not _is_request(target):
        if warn:
            warn(
                "announced_paragraph_mismatch",
                target.number,
                f"the action request is announced in paragraph {target.number} but stands in paragraph "
                f"{headline.number}",
            )
        pointed = [headline.number] + [n for n in pointed if n != target.number]
        target = headline
    target = target or headline
    target = target or next((p for p in paragraphs if _labelled(p.text)), None)
    if target is None and paragraphs and PREAMBLE_HEADLINE_RE.search(preamble[-400:]):
        target = paragraphs[0]
    if target is None:
        return None
    scope = _scope(paragraphs, target, [by_number[n] for n in pointed if n in by_number])
    request = ActionRequest(target.number, target.text)
    for paragraph in scope:
        request.non_paper_paragraphs += _numbers(NON_PAPER_REF_RE, paragraph.text) + _left_as_paper(
            paragraph.text
        )
        request.talking_point_paragraphs += _numbers(POINTS_REF_RE, paragraph.text)
        _read_paragraph(paragraph.text, request, addressees)
    request.non_paper_paragraphs = sorted(set(request.non_paper_paragraphs))
    request.talking_point_paragraphs = sorted(set(request.talking_point_paragraphs))
    return request


def scope_of(paragraphs: list[Paragraph], request: ActionRequest, preamble: str) -> list[Paragraph]:
    """The paragraphs the request spans (for deadline and level look-ups)."""
    by_number = {p.number: p for p in paragraphs}
    target = by_number.get(request.paragraph)
    if target is None:
        return []
    return _scope(
        paragraphs, target, [by_number[n] for n in _pointer(paragraphs, preamble) if n in by_number]
    )


def _scope(paragraphs: list[Paragraph], target: Paragraph, pointed: list[Paragraph]) -> list[Paragraph]:
    scope = list(pointed) if target in pointed else [target]
    index = paragraphs.index(target)
    for later in paragraphs[index + 1 : index + 4]:  # "Post is also requested to ..." continues the request
        if not CONTINUES_RE.match(later.text[:200]):
            break
        if later not in scope:
            scope.append(later)
    return scope


def _pointer(paragraphs: list[Paragraph], preamble: str) -> list[int]:
    for text in [preamble, *(p.text for p in paragraphs[:6])]:
        head = text[:3000]
        match = _find_pointer(head) if _mentions(head, "ction", "CTION") else None
        if match:
            return number_range(match.group(1), match.group(2))
    return []


def _find_pointer(head: str) -> re.Match[str] | None:
    """POINTER_RE.search(head), tried only where 'action' occurs: a case-blind search tries every position."""
    if not head.isascii():  # re.I folds a few non-ASCII letters ('ı') that lower() leaves alone
        return POINTER_RE.search(head)
    lower = head.lower()
    at = lower.find("action")
    while at != -1:
        match = POINTER_RE.match(head, at)  # \b still sees the character before `at`
        if match:
            return match
        at = lower.find("action", at + 1)
    return None


def _mentions(text: str, *forms: str) -> bool:
    """Cheap case-blind presence test for a word stem, without upper-casing the whole text."""
    return any(form in text for form in forms)


def _labelled(text: str) -> bool:
    """'ACTION REQUEST:' anywhere in the text, in any case."""
    return _mentions(text, "equest:", "EQUEST:") and "ACTION REQUEST:" in text.upper()


def _is_headline(paragraph: Paragraph) -> bool:
    heading = (paragraph.heading or "").upper()
    return bool(HEADLINE_RE.match(paragraph.text)) or "ACTION REQUEST" in heading


def _is_request(paragraph: Paragraph) -> bool:
    """Whether a paragraph asks posts to do something (a pointer to a BEGIN block or background is wrong)."""
    text = paragraph.text[:3000]
    if re.match(r"(?i)^\W{0,3}begin\b", text) or HEADLINE_RE.match(text):
        return bool(HEADLINE_RE.match(text))
    return any(clause_of(sentence) for sentence in sentences(text)[:8])


def _numbers(pattern: re.Pattern[str], text: str) -> list[int]:
    """Every paragraph number cited after the phrase, to the end of its sentence ('paras 5-6 ... para 8')."""
    found: list[int] = []
    if not _mentions(text, "ara", "ARA") or not _mentions(text, "aper", "APER", "oints", "OINTS"):
        return found
    for match in pattern.finditer(text[:20000]):
        found += number_range(match.group(1), match.group(2))
        tail = text[match.end() : match.end() + 300].split(". ", 1)[0]
        for more in PARA_NUMBER_RE.finditer(tail):
            found += number_range(more.group(1), more.group(2))
    return found


def _left_as_paper(text: str) -> list[int]:
    """'deliver the talking points in paragraph 4 ... as a non-paper': those points are the non-paper too."""
    found: list[int] = []
    if ("aper" not in text and "APER" not in text) or not AS_PAPER_RE.search(text[:20000]):
        return found
    for sentence in sentences(text[:20000]):
        if AS_PAPER_RE.search(sentence) and not re.search(r"(?i)\bnot\b", sentence):
            found += _numbers(POINTS_REF_RE, sentence)
    return found


def _read_paragraph(text: str, request: ActionRequest, addressees: list[Addressee]) -> None:
    """A paragraph labelled for some posts ('ACTION REQUEST FOR UNVIE:', 'For Embassy Kyiv, please ...') gives
    them special instructions; any other paragraph gives requests for all posts."""
    label = post_label(text)
    posts = named_posts(label[0], addressees) if label else []
    if posts:
        what = instruction(text[label[1] :])
        for name, code, _ in posts:
            _add_post_exception(request, name, code, excluded=False, instruction=what)
        return
    lines = text.split("\n")
    prose = "\n".join(line for line in lines if not FOR_BULLET_RE.match(line))
    _read_requests(prose, request)
    for line in lines:
        bullet = FOR_BULLET_RE.match(line) if "(" in line[:6] else None
        for name, code, _ in named_posts(bullet.group(1), addressees) if bullet else []:
            _add_post_exception(
                request, name, code, excluded=False, instruction=lower_first(first_sentence(bullet.group(2)))
            )


def _read_requests(text: str, request: ActionRequest) -> None:
    for sentence in sentences(text[:20000]):
        excluded = _excepted(sentence)
        for name in excluded:
            _add_exception(request, name, excluded=True, instruction=None)
        what = clause_of(sentence)
        if not what:
            continue
        subject = SUBJECT_POST_RE.match(sentence)
        post = lookup_post(subject.group(1)) if subject else None
        instead = subject is not None and post is not None and re.search(r"(?i)\binstead\b", sentence)
        if instead or (subject and _exception_for(request, subject.group(1), post)):
            what = re.sub(r"(?i)^instead\s+", "", what)
            _add_exception(request, subject.group(1), excluded=bool(instead), instruction=what)
        elif what not in request.requests:
            request.requests.append(what)


def _excepted(sentence: str) -> list[str]:
    names: list[str] = []
    lower = sentence.lower()
    if "xcept" not in lower and "other than" not in lower and "exclud" not in lower:
        return names
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
    return any(
        e.code == code if code else (e.post or "").lower() == name.strip().lower() for e in request.exceptions
    )


def _add_exception(request: ActionRequest, name: str, *, excluded: bool, instruction: str | None) -> None:
    post = lookup_post(name)
    label = post.name if post is not None else " ".join(name.split())
    _add_post_exception(request, label, post.code if post is not None else None, excluded, instruction)


def _add_post_exception(
    request: ActionRequest, label: str, code: str | None, excluded: bool, instruction: str | None
) -> None:
    for existing in request.exceptions:
        if (code and existing.code == code) or existing.post == label:
            existing.instruction = existing.instruction or instruction
            existing.excluded = existing.excluded or excluded
            return
    request.exceptions.append(ActionException(label, code, excluded, instruction))


def special_instructions(request: ActionRequest, action_addressees: list[Addressee]) -> None:
    """Drop 'exceptions' that name the only action addressee: they are plain requests, not exceptions."""
    posts = {a.code for a in action_addressees if a.code}
    collectives = any(a.kind == "collective" for a in action_addressees)
    if len(posts) <= 1 and not collectives:
        for item in [e for e in request.exceptions if not e.excluded]:
            request.exceptions.remove(item)
            if item.instruction and item.instruction not in request.requests:
                request.requests.append(item.instruction)
