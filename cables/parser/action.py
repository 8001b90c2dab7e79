"""The action request: which paragraph, what posts must do, what it points to, and who is excepted."""

from __future__ import annotations

import re
from typing import Callable

from .addressees import lookup_post
from .model import ActionException, ActionRequest, Addressee, Paragraph
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
PREAMBLE_HEADLINE_RE = re.compile(r"(?im)^[\s-]*(?:summary\s+and\s+)?action\s+requests?(?:\s+and\s+\w+)?[\s:-]*$")
HEADLINE_RE = re.compile(r"(?i)^(?:urgent\s+)?(?:summary\s+and\s+)?action\s+requests?\b")
NON_PAPER_REF_RE = re.compile(r"(?i)\bnon-?\s?papers?\b[^.]{0,80}?\bpara(?:graph)?s?\.?\s*" + RANGE)
POINTS_REF_RE = re.compile(r"(?i)\bpoints\b(?!\s+of\s+contact)[^.]{0,80}?\bpara(?:graph)?s?\.?\s*" + RANGE)
AS_PAPER_RE = re.compile(r"(?i)\b(?:as|in\s+the\s+form\s+of)\s+a\s+non-?\s?paper\b")
EXCEPT_RE = re.compile(r"(?i)\b(?:except(?:\s+for)?|other\s+than|with\s+the\s+exception\s+of|excluding)\s+")
EXCEPT_STOP_RE = re.compile(r"(?i)[);:]|\.\s|\s(?:are|is|should|who|will|which|may|must|to)\s")
EXCEPT_PREFIX_RE = re.compile(r"(?i)^(?:the\s+)?(?:embass(?:y|ies)|consulates?(?:\s+general)?|congen|missions?|posts?)(?:\s+in)?\s+")
ACTOR = (
    r"(?:(?i:posts?|embass(?:y|ies)|missions?|consulates?|congen|addressees|you|ambassadors?|charg\S*|officers?)"
    r"(?:\s+[A-Z][A-Za-z'.-]+){0,3}|UNVIE|USNATO|USEU|USUN|USOSCE|AIT|Washington)"
)
# What posts are asked to do. Each form is found by its key word with str.find, then checked backwards with a
# short anchored pattern: one case-blind regular expression over long sentences was the slowest step of a parse.
PASSIVE_VERBS = ("requested", "asked", "instructed", "directed", "encouraged", "authorized")
PASSIVE_BEFORE_RE = re.compile(r"\b(?:also\s+)?(?:are|is)\s+(?:also\s+)?(?:hereby\s+)?$")
REQUESTS_BEFORE_RE = re.compile(r"\b(?:we|department|the\s+department|washington)\s+$")
SHOULD_BEFORE_RE = re.compile(r"\b" + ACTOR + r"\s+(?:(?i:also)\s+)?$")
AFTER_TO_RE = re.compile(r"\s+to\s+")
AFTER_REQUESTS_RE = re.compile(r"s?\s+(?:that\s+)?")
AFTER_SHOULD_RE = re.compile(r"\s+(?:also\s+)?")
REQUEST_WORDS = ("request", "asked", "instructed", "directed", "encouraged", "authorized", "should", "please")
LEADING_REQUEST_RE = re.compile(r"(?i)^(?:action\s+request:\s*)?requests?\s+(?:that\s+)?(.+)")
SUBJECT_POST_RE = re.compile(
    r"^(?:(?:the\s+)?(?:Embassy|Consulate|ConGen|Consulate General|Mission|AIT|USUN|USNATO|USEU|UNVIE)\s+)"
    r"([A-Z][A-Za-z'.-]{0,30}(?:\s[A-Z][A-Za-z'.-]{0,30}){0,3}?),?\s(?:also\s)?(?:is|are|should|may)\b"
)
# "Embassies in Paris, London, and Doha pursue ..." -> "pursue ..."; "action addressees clarify ..." -> "clarify ..."
ACTOR_LEAD_RE = re.compile(
    r"^(?i:(?:each|all|the)\s+)?(?i:action\s+)?(?i:addressees?(?:\s+posts)?|posts?|missions?|embass(?:y|ies)|"
    r"consulates?)(?:\s+in)?(?:(?:,\s*|\s+)(?:and\s+)?[A-Z][A-Za-z'.-]+){0,12}\s+(?:to\s+)?(?=[a-z])"
)
CONTINUES_RE = re.compile(
    r"^(?:the\s+)?(?:posts?|embass(?:y|ies)|missions?)(?:\s+[A-Z][A-Za-z'.-]+){0,2}\s+(?:is|are|should|may)\s+also\b",
    re.IGNORECASE,
)
FOR_BULLET_RE = re.compile(r"^[-*]{1,2}\s*\((?i:for)\s+([^()]{2,80})\)\s*(.+)$")
INSTRUCTION_LEAD_RE = re.compile(
    r"(?i)^(?:please\s+|(?:the\s+)?(?:posts?|embass(?:y|ies)|missions?|you)\s+(?:may|should|are|is|will|can)\s+"
    r"(?:also\s+)?(?:(?:requested|asked|instructed|encouraged)\s+to\s+)?)"
)

Warn = Callable[[str, "int | None", str], None]


def find_action_request(
    paragraphs: list[Paragraph], preamble: str, addressees: list[Addressee] | None = None, warn: Warn | None = None
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
        request.non_paper_paragraphs += _numbers(NON_PAPER_REF_RE, paragraph.text) + _left_as_paper(paragraph.text)
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
    return _scope(paragraphs, target, [by_number[n] for n in _pointer(paragraphs, preamble) if n in by_number])


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
        match = POINTER_RE.search(head) if _mentions(head, "ction", "CTION") else None
        if match:
            return number_range(match.group(1), match.group(2))
    return []


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
    return any(_what(sentence) for sentence in sentences(text)[:8])


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
        instruction = _instruction(text[label[1] :])
        for name, code, _ in posts:
            _add_post_exception(request, name, code, excluded=False, instruction=instruction)
        return
    lines = text.split("\n")
    prose = "\n".join(line for line in lines if not FOR_BULLET_RE.match(line))
    _read_requests(prose, request)
    for line in lines:
        bullet = FOR_BULLET_RE.match(line) if "(" in line[:6] else None
        for name, code, _ in named_posts(bullet.group(1), addressees) if bullet else []:
            _add_post_exception(request, name, code, excluded=False, instruction=_lower_first(_first(bullet.group(2))))


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
        instead = subject is not None and post is not None and re.search(r"(?i)\binstead\b", sentence)
        if instead or (subject and _exception_for(request, subject.group(1), post)):
            what = re.sub(r"(?i)^instead\s+", "", what)
            _add_exception(request, subject.group(1), excluded=bool(instead), instruction=what)
        elif what not in request.requests:
            request.requests.append(what)


def _what(sentence: str) -> str | None:
    lower = sentence.lower()
    if not any(word in lower for word in REQUEST_WORDS):
        return None
    found = _request_clause(sentence, lower)
    if found is None:
        match = LEADING_REQUEST_RE.match(sentence)
        found = match.group(1) if match else None
    if not found:
        return None
    what = found.split("\n", 1)[0]
    what = re.split(r"\s--\s?|:\s*--", what, maxsplit=1)[0]  # keep the lead-in, not the bullet list
    what = ACTOR_LEAD_RE.sub("", what.strip(), count=1)
    return what.strip().rstrip(".;:").strip() or None


def _request_clause(sentence: str, lower: str) -> str | None:
    """The clause after the leftmost 'is requested to' / 'we request that' / 'Posts should' / 'please'."""
    best: tuple[int, int, str] | None = None  # (start, form, clause)

    def consider(start: int, form: int, clause: str) -> None:
        nonlocal best
        if clause and (best is None or (start, form) < best[:2]):
            best = (start, form, clause)

    for verb in PASSIVE_VERBS:
        at = lower.find(verb)
        while at != -1 and (best is None or at < best[0] + 60):
            after = AFTER_TO_RE.match(lower, at + len(verb))
            before = PASSIVE_BEFORE_RE.search(lower, max(0, at - 40), at) if after else None
            if before and _word_end(lower, at + len(verb)):
                consider(before.start(), 1, sentence[after.end() :])
                break
            at = lower.find(verb, at + 1)
    for at in _finds(lower, "request"):
        before = REQUESTS_BEFORE_RE.search(lower, max(0, at - 30), at)
        after = AFTER_REQUESTS_RE.match(lower, at + 7)
        if before and after and after.end() > at + 7:
            consider(before.start(), 2, sentence[after.end() :])
            break
    for at in _finds(lower, "should"):
        before = SHOULD_BEFORE_RE.search(sentence, max(0, at - 120), at)
        after = AFTER_SHOULD_RE.match(lower, at + 6)
        if before and after and after.end() > at + 6:
            consider(before.start(), 3, sentence[after.end() :])
            break
    for at in _finds(lower, "please"):
        if (at == 0 or not lower[at - 1].isalnum()) and lower[at + 6 : at + 7].isspace():
            consider(at, 4, sentence[at + 6 :].lstrip())
            break
    return best[2] if best else None


def _finds(lower: str, word: str):
    """Offsets where a whole word starts (not 'requested' for 'request' is handled by the caller)."""
    at = lower.find(word)
    while at != -1:
        if at == 0 or not lower[at - 1].isalnum():
            yield at
        at = lower.find(word, at + 1)


def _word_end(lower: str, at: int) -> bool:
    return at >= len(lower) or not lower[at].isalnum()


def _instruction(body: str) -> str | None:
    """What a post-labelled paragraph asks: its first request, else its first sentence."""
    for sentence in sentences(body[:5000])[:6]:
        what = _what(sentence)
        if what:
            return what
    return _lower_first(_first(body))


def _first(text: str) -> str | None:
    parts = sentences(text[:5000])
    if not parts:
        return None
    first = INSTRUCTION_LEAD_RE.sub("", parts[0].strip(), count=1)
    return first.strip().rstrip(".;:").strip() or None


def _lower_first(text: str | None) -> str | None:
    if not text or len(text) < 2 or not text[1].islower():
        return text
    return text[0].lower() + text[1:]


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
    return any(e.code == code if code else (e.post or "").lower() == name.strip().lower() for e in request.exceptions)


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
