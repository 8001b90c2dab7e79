"""Read what the request's paragraphs ask: requests for every action post, special instructions for some, and
posts excepted ('Action addressees, except Canberra, are requested to ...')."""

from __future__ import annotations

import re
from typing import Final

from .addressees import lookup_post
from .instructions import addressed, only_some, segments
from .intent import REPLY_LABEL_RE, information_requests
from .model import ActionException, ActionRequest, Addressee
from .posts import Post, named_posts, post_label
from .requests import clause_of, first_sentence, instruction, lower_first
from .text import number_range, sentences

ALSO_RE: Final = re.compile(r"(?i)\b(?:(?:is|are|should)\s+(?:\w+\s+)?also|also\s+(?:to\s+)?(?:deliver|make|draw|use|present|provide)|in\s+addition)\b")
PARA_RE: Final = re.compile(r"(?i)\bpara(?:graph)?s?\.?\s*(\d{1,3})(?:\s*(?:-|\u2013|through|to|and)\s*(\d{1,3}))?")
EXCEPT_RE: Final = re.compile(r"(?i)\b(?:except(?:\s+for)?|other\s+than|with\s+the\s+exception\s+of|excluding)\s+")
EXCEPT_STOP_RE: Final = re.compile(r"(?i)[);:]|\.\s|\s(?:are|is|should|who|will|which|may|must|to)\s")
EXCEPT_PREFIX_RE: Final = re.compile(
    r"(?i)^(?:the\s+)?(?:embass(?:y|ies)|consulates?(?:\s+general)?|congen|missions?|posts?)(?:\s+in)?\s+"
)
FOR_BULLET_RE: Final = re.compile(r"^[-*]{1,2}\s*\((?i:for)\s+([^()]{2,80})\)\s*(.+)$")
# "Embassy Paris should instead ...": that post is given its own instruction instead of the common one
INSTEAD_WORD_RE: Final = re.compile(r"(?i)\binstead\b")
BULLET_LEAD_RE: Final = re.compile(r"^\s*(?:--|-|\*|o|\u2022)\s*")
BULLET_LINE_RE: Final = re.compile(r"^\s*(?:--|-\s|\*\s|o\s|\u2022|\(\s*to\s)", re.IGNORECASE)
BULLET_RUN_RE: Final = re.compile(r"\s--\s?[^\n]*")  # inline "-- point -- point" runs after a lead-in
CONDITION_RE: Final = re.compile(r"(?i)^(?:if|should|in\s+case|where|when)\b")


# Precompiled: re's module functions look each pattern up in a cache on every call.
INSTEAD_LEAD_RE: Final = re.compile(r"(?i)^instead\s+")
LINE_END_RE: Final = re.compile(r"\n|:|\s--")
COMMA_AND_OR_RE: Final = re.compile(r",|\band\b|\bor\b")


def read_paragraph(text: str, request: ActionRequest, addressees: list[Addressee]) -> None:
    """A paragraph labelled for some posts ('ACTION REQUEST FOR UNVIE:', 'For Embassy Kyiv, please ...') gives
    them special instructions, and so do inline labels ('FOR MALTA ONLY: -- Urge ...', 'ACTION Bogota: ...')
    and sentences naming their actor ('Embassy Canberra should ...'); the rest gives requests for all posts."""
    label = post_label(text)
    posts = named_posts(label[0], addressees) if label else []
    if posts:
        what = instruction(text[label[1] :])  # type: ignore[index]
        for name, code, _ in posts:
            _add_post_exception(request, name, code, excluded=False, instruction=what)
        return
    for part_posts, part, points in segments(text, addressees):
        if points:  # "POINT FOR UK ONLY: -- ...": talking points for those posts, read with the points
            continue
        if part_posts and only_some(part_posts, addressees):
            what = _part_instruction(part)
            for name, code, _ in part_posts:
                _add_post_exception(request, name, code, excluded=False, instruction=what)
            continue
        lines = part.split("\n")
        # bullets are the points or the questions to put to contacts, not requests to posts
        prose = "\n".join(line for line in lines if not FOR_BULLET_RE.match(line) and not BULLET_LINE_RE.match(line))
        _read_requests(BULLET_RUN_RE.sub(". ", prose), request, addressees)
        for line in lines:
            bullet = FOR_BULLET_RE.match(line) if "(" in line[:6] else None
            for name, code, _ in named_posts(bullet.group(1), addressees) if bullet else []:
                what = lower_first(first_sentence(bullet.group(2)))  # type: ignore[union-attr]
                _add_post_exception(request, name, code, excluded=False, instruction=what)


def _part_instruction(part: str) -> str | None:
    """What a labelled part asks: its first request, else its first point or sentence."""
    text = BULLET_LEAD_RE.sub("", part.strip(), count=1)
    return instruction(text)


def _read_requests(text: str, request: ActionRequest, addressees: list[Addressee]) -> None:
    last: list[Post] = []
    for sentence in sentences(text[:20000]):
        excepted = _excepted(sentence)
        only = _also_paragraphs(sentence) if excepted else []
        for name in excepted:
            _add_exception(request, name, excluded=True, instruction=None, paragraphs=only)
        what = clause_of(sentence)
        if what and (CONDITION_RE.match(sentence) or REPLY_LABEL_RE.search(what)):
            continue  # "If a site visit is not possible, please ...", "please slug replies for ISN"
        if not what:
            for asked in information_requests(sentence):
                if asked not in request.requests:
                    request.requests.append(asked)
            continue
        at = sentence.find(what[:40])
        named = addressed(sentence[: at if at > 0 else 0], addressees, last)
        instead = bool(named) and INSTEAD_WORD_RE.search(sentence) is not None
        if named:
            last = named
        if named and (instead or only_some(named, addressees) or _excepted_before(request, named)):
            what = INSTEAD_LEAD_RE.sub("", what)
            for name, code, _ in named:
                _add_post_exception(request, name, code, excluded=instead, instruction=what)
        elif what not in request.requests:
            request.requests.append(what)


def _excepted_before(request: ActionRequest, posts: list[Post]) -> bool:
    """A sentence about a post already excepted is its special instruction."""
    codes = {post[1] for post in posts}
    return any(e.code in codes for e in request.exceptions if e.code)


def _also_paragraphs(sentence: str) -> list[int]:
    """The paragraphs an additional request cites ('... (except for Embassies Warsaw and Prague) ... are
    instructed also to deliver the tailored talking points ... in paragraphs 5-8'): its exceptions are excluded
    from those only; [] when the sentence asks nothing extra or cites no paragraph. Only the clause the exception
    stands in counts: 'FOR ALL POSTS (except Moscow ...): Please draw on ... -- ... Posts should also ...' excepts
    from the whole request."""
    start = EXCEPT_RE.search(sentence)
    line = LINE_END_RE.split(sentence[start.start() :], maxsplit=1)[0] if start else ""
    if ALSO_RE.search(line) is None:
        return []
    found: list[int] = []
    for match in PARA_RE.finditer(line):
        found += [n for n in number_range(match.group(1), match.group(2)) if n not in found]
    return found


def _excepted(sentence: str) -> list[str]:
    names: list[str] = []
    lower = sentence.lower()
    if "xcept" not in lower and "other than" not in lower and "exclud" not in lower:
        return names
    for match in EXCEPT_RE.finditer(sentence):
        tail = sentence[match.end() : match.end() + 160]
        stop = EXCEPT_STOP_RE.search(tail)
        tail = EXCEPT_PREFIX_RE.sub("", tail[: stop.start()] if stop else tail)
        for name in COMMA_AND_OR_RE.split(tail):
            name = EXCEPT_PREFIX_RE.sub("", name.strip())
            if name and lookup_post(name) is not None:
                names.append(name)
    return names


def _add_exception(
    request: ActionRequest, name: str, *, excluded: bool, instruction: str | None, paragraphs: list[int] | None = None
) -> None:
    post = lookup_post(name)
    label = post.name if post is not None else " ".join(name.split())
    _add_post_exception(request, label, post.code if post is not None else None, excluded, instruction, paragraphs)


def _add_post_exception(
    request: ActionRequest, label: str, code: str | None, excluded: bool, instruction: str | None,
    paragraphs: list[int] | None = None,
) -> None:
    for existing in request.exceptions:
        if (code and existing.code == code) or existing.post == label:
            if instruction and existing.instruction and instruction not in existing.instruction:
                existing.instruction = f"{existing.instruction}; {instruction}"
            existing.instruction = existing.instruction or instruction
            if excluded:  # excluded from the whole request wins over from some paragraphs
                whole = (existing.excluded and not existing.paragraphs) or not paragraphs
                existing.paragraphs = [] if whole else sorted({*existing.paragraphs, *(paragraphs or [])})
            existing.excluded = existing.excluded or excluded
            return
    request.exceptions.append(ActionException(label, code, excluded, instruction, list(paragraphs or []) if excluded else []))


def special_instructions(request: ActionRequest, action_addressees: list[Addressee]) -> None:
    """Drop 'exceptions' that name the only action addressee: they are plain requests, not exceptions."""
    posts = {a.code for a in action_addressees if a.code}
    collectives = any(a.kind == "collective" for a in action_addressees)
    if len(posts) <= 1 and not collectives:
        for item in [e for e in request.exceptions if not e.excluded]:
            request.exceptions.remove(item)
            for part in (item.instruction or "").split("; "):
                if part and part not in request.requests:
                    request.requests.append(part)
