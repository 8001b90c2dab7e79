"""Read what a sentence asks posts to do: 'Posts are requested to X', 'we request that Embassy Y X', 'Please X'."""

from __future__ import annotations

import re
from typing import Final

from .text import sentences

ACTOR: Final = (
    r"(?:(?i:posts?|embass(?:y|ies)|missions?|consulates?|congen|addressees|you|ambassadors?|charg\S*|officers?)"
    r"(?:\s+[A-Z][A-Za-z'.-]+){0,3}|UNVIE|USNATO|USEU|USUN|USOSCE|AIT|Washington)"
)
# What posts are asked to do. Each form is found by its key word with str.find, then checked backwards with a
# short anchored pattern: one case-blind regular expression over long sentences was the slowest step of a parse.
PASSIVE_VERBS: Final = ("requested", "asked", "instructed", "directed", "encouraged", "authorized")
PASSIVE_BEFORE_RE: Final = re.compile(r"\b(?:also\s+)?(?:are|is)\s+(?:also\s+)?(?:hereby\s+)?$")
REQUESTS_BEFORE_RE: Final = re.compile(r"\b(?:we|department|the\s+department|washington)\s+$")
SHOULD_BEFORE_RE: Final = re.compile(r"\b" + ACTOR + r"\s+(?:(?i:also)\s+)?$")
AFTER_TO_RE: Final = re.compile(r"\s+to\s+")
AFTER_REQUESTS_RE: Final = re.compile(r"s?\s+(?:that\s+)?")
AFTER_SHOULD_RE: Final = re.compile(r"\s+(?:also\s+)?")
REQUEST_WORDS: Final = ("request", "asked", "instruct", "directed", "encouraged", "authorized", "should", "please", "asks")
# "Washington instructs Posts to deliver ...", "Department asks Embassy X to ...": the active voice
ACTIVE_RE: Final = re.compile(
    r"(?i)\b(?:we|department|the\s+department|washington)\s+(?:hereby\s+|also\s+)?(?:instructs|asks|directs|requests|"
    r"authori[sz]es|encourages)\s+(?:all\s+|that\s+)?(?:action\s+)?(?:addressees?|posts?|embass(?:y|ies)|missions?|you|"
    r"post'?s?)(?:\s+[A-Z][A-Za-z'.-]+){0,3}\s+to\s+"
)
# A request that is no request: "Please note that ...", "Please see paragraph 4", "please slug replies ..."
NOT_ASKING_RE: Final = re.compile(r"(?i)^(?:note\s+(?:that|the)\b|see\s+(?:para|paragraph|ref|below|above)|slug\b|begin\s+all\b)")
LEADING_REQUEST_RE: Final = re.compile(r"(?i)^(?:action\s+request:\s*)?requests?\s+(?:that\s+)?(.+)")
# "Embassies in Paris, London, and Doha pursue ..." -> "pursue ..."; "action addressees clarify ..." -> "clarify ..."
ACTOR_LEAD_RE: Final = re.compile(
    r"^(?i:(?:each|all|the|these|those)\s+)?(?i:action\s+)?(?i:addressees?(?:\s+(?:posts|embassies|missions))?|posts?|missions?|embass(?:y|ies)|"
    r"consulates?)(?:\s+in)?(?:(?:,\s*|\s+)(?:and\s+)?[A-Z][A-Za-z'.-]+){0,12}\s+(?:to\s+)?(?=[a-z])"
)
INSTRUCTION_LEAD_RE: Final = re.compile(
    r"(?i)^(?:please\s+|(?:the\s+)?(?:posts?|embass(?:y|ies)|missions?|you)\s+(?:may|should|are|is|will|can)\s+"
    r"(?:also\s+)?(?:(?:requested|asked|instructed|encouraged)\s+to\s+)?)"
)


# Precompiled: re's module functions look each pattern up in a cache on every call.
LEAD_IN_END_RE: Final = re.compile(r"\s--\s?|:\s*--|:\s+(?=[A-Z][A-Z.,&' ]{8})")


def clause_of(sentence: str) -> str | None:
    """What a sentence asks posts to do ('approach ...'), or None when it asks nothing."""
    lower = sentence.lower()
    if not any(word in lower for word in REQUEST_WORDS):
        return None
    found = _request_clause(sentence, lower)
    if found is not None and NOT_ASKING_RE.match(found):
        later = _request_clause(found, found.lower())  # "Please note that ..., posts should draw ..."
        found = later if later is not None and not NOT_ASKING_RE.match(later) else None
        if found is None:
            return None
    if found is None:
        match = LEADING_REQUEST_RE.match(sentence)
        found = match.group(1) if match else None
    if not found:
        return None
    what = found.split("\n", 1)[0]
    what = LEAD_IN_END_RE.split(what, maxsplit=1)[0]  # the lead-in, not a list
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
                consider(before.start(), 1, sentence[after.end() :])  # type: ignore[union-attr]
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
    if "instructs" in lower or "asks" in lower or "directs" in lower or "requests" in lower or "encourages" in lower:
        active = ACTIVE_RE.search(sentence)
        if active:
            consider(active.start(), 2, sentence[active.end() :])
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


def instruction(body: str) -> str | None:
    """What a post-labelled paragraph asks: its first request, else its first sentence."""
    for sentence in sentences(body[:5000])[:6]:
        what = clause_of(sentence)
        if what:
            return what
    return lower_first(first_sentence(body))


def first_sentence(text: str) -> str | None:
    parts = sentences(text[:5000])
    if not parts:
        return None
    first = INSTRUCTION_LEAD_RE.sub("", parts[0].strip(), count=1)
    return first.strip().rstrip(".;:").strip() or None


def lower_first(text: str | None) -> str | None:
    if not text or len(text) < 2 or not text[1].islower():
        return text
    return text[0].lower() + text[1:]
