"""How a cable says it is an action request: a declaration ('This is an action request. Please see para 3'),
a heading or label ('SUMMARY AND ACTION REQUEST', 'ACTION REQUEST:'), the subject line; and how it says it
is not one ('No action is required')."""

from __future__ import annotations

import re
from typing import Final

from .model import Paragraph
from .text import number_range

NUM: Final = r"(\d{1,3}|[a-z]{3,9})"
# "This is an action request", "This is an action cable/message", "This cable contains an action request",
# "This is a request for immediate action", "action request for all posts"
DECLARATION_RE: Final = re.compile(
    r"(?i)\b(?:this\s+(?:is\s+(?:an?\s+)?|cable\s+(?:is\s+an?\s+|contains\s+(?:an?\s+)?))"
    r"(?:(?:urgent|immediate|demarche)\s+)?(?:action|demarche)\s+(?:request|cable|message|telegram|instruction)s?"
    r"|this\s+is\s+a\s+request\s+for\s+(?:immediate\s+)?action)\b"
)
# The numbers a pointer gives: "see para 10", "see paragraphs 2-4", "SEE PARAGRAPHS 2, 5, & 6", "paras 5
# through 7 and 10", "see end of para 2", "see paragraph four for action request"
POINTED_RE: Final = re.compile(
    r"(?i)\b(?:see|refer\s+to|in|at)\s+(?:the\s+)?(?:end\s+of\s+)?para(?:graph)?s?\.?\s*"
    r"(" + NUM + r"(?:\s*(?:-|\u2013|through|to|and|&|,|,\s*and)\s*" + NUM + r"){0,8})"
)
# "the action request is in para 13", "action request in para 12"
REQUEST_IN_RE: Final = re.compile(
    r"(?i)\baction\s+request\b(?:\s+(?:is\s+)?(?:contained\s+|found\s+)?(?:in|at))\s+para(?:graph)?s?\.?\s*"
    r"(" + NUM + r"(?:\s*(?:-|\u2013|through|to|and|&|,)\s*" + NUM + r"){0,8})"
)
LIST_SPLIT_RE: Final = re.compile(r"(?i)\s*(?:,\s*and|,|&|\band\b)\s*")
RANGE_RE: Final = re.compile(r"(?i)^" + NUM + r"\s*(?:-|\u2013|through|to)\s*" + NUM + r"$")
# Headings and labels that open the request: "ACTION REQUEST", "DEMARCHE REQUEST", "ACTION REQUESTED",
# "COMMENT AND ACTION REQUEST", "SUMMARY AND ACTION REQUEST", "OBJECTIVES/ACTION REQUEST", "ACTION:"
HEADLINE_RE: Final = re.compile(
    r"(?i)^(?:urgent\s+)?(?:(?:summary|comment|objectives?|background)\s*(?:and|/|&)\s*)?"
    r"(?:(?:action|demarche)\s+request(?:s|ed)?|request\s+for\s+action|action\s*:|action\s+(?=[A-Z][a-z]+:))\b"
)
HEADING_WORDS_RE: Final = re.compile(r"(?i)\b(?:action|demarche)\s+request(?:s|ed)?\b|\baction\s+requested\b|^action$")
SUBJECT_RE: Final = re.compile(
    r"(?i)\b(?:action|demarche)\s+request(?:ed)?\b|\bRFG\b|\brequest\s+for\s+(?:guidance|instructions|action)\b"
)
# A Department cable titled "DEMARCHE ..." is one to make; a post's "PRC DEMARCHE ON ..." reports one received
DEMARCHE_SUBJECT_RE: Final = re.compile(r"(?i)^(?:\([A-Z/ ]{1,12}\)\s*)?demarche\b(?!\s+(?:delivered|response))")
# "No action is required", "take no action", "posts need not respond", "no response is necessary",
# "for information only"; not "no action is required by info addressees"
NEGATION_RE: Final = re.compile(
    r"(?i)\b(?:no\s+(?:further\s+)?(?:action|response|reply)\s+(?:is\s+)?(?:required|requested|needed|necessary)"
    r"|(?:take|requires?)\s+no\s+(?:further\s+)?action|need\s+not\s+(?:respond|reply|report|take\s+(?:any\s+)?action)"
    r"|(?:is|are)\s+not\s+(?:an?\s+)?action\s+(?:request|cable)|for\s+information\s+(?:purposes\s+)?only)\b"
    r"(?!\s+(?:by|for|from)\s+info)"
)
# NEGATION_RE for lower-cased ASCII text, each word's \b after its first letter so the engine skips ahead to
# candidate letters; tried as a yes/no test only, so the regrouped branches find a match exactly when it does.
NEGATION_LOWER_RE: Final = re.compile(
    r"(?:n(?<!\w.)o\s+(?:further\s+)?(?:action|response|reply)\s+(?:is\s+)?(?:required|requested|needed|necessary)"
    r"|t(?<!\w.)ake\s+no\s+(?:further\s+)?action|r(?<!\w.)equires?\s+no\s+(?:further\s+)?action"
    r"|n(?<!\w.)eed\s+not\s+(?:respond|reply|report|take\s+(?:any\s+)?action)"
    r"|i(?<!\w.)s\s+not\s+(?:an?\s+)?action\s+(?:request|cable)|a(?<!\w.)re\s+not\s+(?:an?\s+)?action\s+(?:request|cable)"
    r"|f(?<!\w.)or\s+information\s+(?:purposes\s+)?only)\b"
    r"(?!\s+(?:by|for|from)\s+info)"
)
PREAMBLE_HEADLINE_RE: Final = re.compile(r"(?im)^[\s-]*(?:summary\s+and\s+)?action\s+requests?(?:\s+and\s+\w+)?[\s:-]*$")


def pointed_numbers(text: str) -> list[int]:
    """The paragraph numbers a pointer names, in order, ranges expanded."""
    match = POINTED_RE.search(text[:600]) or REQUEST_IN_RE.search(text[:600])
    if match is None:
        return []
    numbers: list[int] = []
    for part in LIST_SPLIT_RE.split(match.group(1).strip()):
        ranged = RANGE_RE.match(part.strip())
        found = number_range(ranged.group(1), ranged.group(2)) if ranged else number_range(part, None)
        numbers += [n for n in found if n not in numbers]
    return numbers


def declaration(paragraphs: list[Paragraph], preamble: str) -> tuple[int | None, list[int], str] | None:
    """(paragraph holding the declaration or None for the preamble, pointed numbers, the declaring sentence)."""
    for number, text in [(None, preamble[-3000:]), *((p.number, p.text) for p in paragraphs[:6])]:
        head = text[:3000]
        if "ction" not in head and "CTION" not in head and "emarche" not in head and "EMARCHE" not in head:
            continue
        match = _declared_in(head)
        if match is None:
            continue
        sentence = head[match.start() : match.start() + 400]
        return number, pointed_numbers(sentence), sentence.split(". ")[0]
    return None


def _declared_in(head: str) -> re.Match[str] | None:
    """DECLARATION_RE or REQUEST_IN_RE, tried only where "this" or "action" occurs: a case-blind search
    tries every position."""
    lower = head.lower()
    if len(lower) != len(head):
        return DECLARATION_RE.search(head) or REQUEST_IN_RE.search(head)
    ascii_text = head.isascii()
    for needle, pattern in (("this", DECLARATION_RE), ("action", REQUEST_IN_RE)):
        at = lower.find(needle)
        while at != -1:
            if needle != "this" or not ascii_text or _may_declare(lower, at):
                match = pattern.match(head, at)
                if match:
                    return match
            at = lower.find(needle, at + 1)
    return None


def _may_declare(lower: str, at: int) -> bool:
    """Whether DECLARATION_RE can match at the 'this' at `at`: it needs blanks, then 'is' or 'cable' (ASCII
    text, lower-cased); most 'this' in prose ('this week', 'this,') are ruled out without the pattern."""
    window = lower[at + 4 : at + 44]
    if not window[:1].isspace():
        return False
    rest = window.lstrip()
    return not rest or rest.startswith(("is", "cable"))


def is_headline(paragraph: Paragraph) -> bool:
    """A paragraph that opens with, or stands under, an action-request heading."""
    heading = paragraph.heading or ""
    if heading and _may_name_request(heading) and HEADING_WORDS_RE.search(heading):
        return True
    opening = paragraph.text[:80]
    return _may_name_request(opening) and HEADLINE_RE.match(opening) is not None


def _may_name_request(text: str) -> bool:
    """Whether HEADLINE_RE or HEADING_WORDS_RE can match: each needs 'action' or 'request'. Tested on ASCII text
    only, where lower() and the patterns' case-blindness agree; most paragraphs need no pattern at all."""
    if not text.isascii():
        return True
    lower = text.lower()
    return "action" in lower or "request" in lower


def labelled(text: str) -> bool:
    """'ACTION REQUEST:' anywhere in the text, in any case."""
    return ":" in text and ("equest:" in text or "EQUEST:" in text) and "ACTION REQUEST:" in text.upper()


def subject_declares(subject: str | None, from_department: bool = True) -> bool:
    if not subject:
        return False
    return SUBJECT_RE.search(subject) is not None or (from_department and DEMARCHE_SUBJECT_RE.match(subject) is not None)


def negated(paragraphs: list[Paragraph], preamble: str) -> bool:
    """Whether the cable says it asks nothing of its addressees."""
    if "no " not in preamble.lower() and not any("o" in p.text for p in paragraphs[:1]):
        return False
    texts = [preamble[-2000:], *(p.text[:3000] for p in paragraphs[:4]), *(p.text[:3000] for p in paragraphs[-2:])]
    return any(says_no_action(text) for text in texts)


def says_no_action(text: str) -> bool:
    """NEGATION_RE.search(text) is not None; on ASCII text through a lower-cased copy and NEGATION_LOWER_RE."""
    if not text.isascii():
        return NEGATION_RE.search(text) is not None
    return NEGATION_LOWER_RE.search(text.lower()) is not None
