"""What kind of action a request asks for: deliver something (a demarche), find out and report (an information
request), carry out another instruction, only use guidance when asked, or act in Washington."""

from __future__ import annotations

import re
from typing import Final

from .model import Paragraph
from .text import sentences

# Clauses asking posts to find out and report (checked first: "make inquiries" is no "make the points")
REPORT_LEAD_RE: Final = re.compile(
    r"(?i)^(?:(?:please|also|immediately|urgently)\s+)?(?:mak(?:e|ing)\s+(?:appropriate\s+)?inquir|conduct\s+(?:an?\s+)?(?:site\s+visit|"
    r"[a-z-]*\s*check|inquiry|review)|complete\s+th\w*\s+(?:[\w-]+\s+){0,4}(?:check|inquiry)|establish\s+the\s+bona\s+fides|"
    r"verify|confirm|assess|determine|ascertain|find\s+out|report\s+on|inquire|investigate|seek\s+(?:information|"
    r"clarification)|gather|collect|obtain\s+(?:information|details)|canvass|survey|provide\s+(?:the\s+following\s+|any\s+|all\s+"
    r"available\s+|all\s+)?(?:information|"
    r"an?\s+assessment|post'?s\s+assessment|comments|input|views|details|answers)|reassess|identify|contact\s+(?!.*\bofficials?\b)|"
    r"report\s+(?:by|no\s+later|nlt)\b)"
)
# Clauses asking posts to deliver or convey something to a host government
DELIVER_LEAD_RE: Final = re.compile(
    r"(?i)^(?:(?:please|also|immediately|urgently|again|jointly|strongly|firmly|promptly|proactively)\s+)?(?:deliver|convey|demarche|present|pass|share|raise|make\s+"
    r"(?:the|these|its|a|an|our)\b|draw\s+(?:up)?on|urge|approach|press|encourage|inform|notify|persuade|propose|express|"
    r"stress|emphasi[sz]e|reinforce|remind|advise|hand|leave|use\s+the|reiterate|engage|discuss|consult|seek\s+(?!information)|"
    r"request\s+(?:that\s+)?(?:the\s+)?(?:host|government|gov)|ask\s+(?:the\s+)?(?:host|government|gov|them|officials)|"
    r"provide\s+(?:the|this|these|appropriate|host|a\s+copy)|lobby|underscore|achieve|pursue|follow\s+up|brief|"
    r"coordinate|demarch|tell|thank|welcome|note\s+that|point\s+out|rebut|refute|counter|correct|vote|clarify|explain|"
    r"describe|highlight|underline|make\s+clear|outline|reaffirm|solicit|lay\s+the\s+groundwork|express)"
)
DELIVER_WORDS_RE: Final = re.compile(r"(?i)\b(?:talking\s+points|non-?\s?paper|demarche|deliver|letter|diplomatic\s+note)\b")
# Reactive use only: "to respond to host government inquiries", "if asked", "for press inquiries"
REACTIVE_RE: Final = re.compile(
    r"(?i)\b(?:if\s+(?:asked|raised|pressed|queried|needed)|(?:in\s+)?respon(?:d|se|ding)\s+to\s+(?:any\s+)?(?:\w+\s+){0,3}"
    r"(?:inquiries|queries|questions|counter-?arguments)|answer\s+(?:\w+\s+){0,2}(?:inquiries|queries|questions)|"
    r"(?:should|when)\s+(?:\w+\s+){0,3}(?:be\s+)?(?:asked|raised)|press\s+(?:inquiries|guidance)|background\s+only)\b"
)
INTERNAL_RE: Final = re.compile(
    r"(?i)^(?:please\s+)?(?:retain|file|keep|destroy|distribute|circulate|familiari[sz]e|review|update|maintain|"
    r"bring\s+.{0,80}\battention\s+of\s+(?:all\s+)?(?:post|embassy|mission|staff)|brief\s+(?:all\s+)?(?:post|embassy|"
    r"mission|staff)|ensure\s+that\s+(?:all\s+)?(?:post|embassy|mission|staff|employees|personnel|duty)|contact\s+(?:the\s+)?"
    r"(?:department|desk|office|[A-Z]{1,5}/)|inform\s+(?:the\s+)?department|send|forward|verify\s+that\s+(?:current|post))"
)
VOTE_RE: Final = re.compile(r"(?i)\b(?:authori[sz]ed|instructed|requested)\s+to\s+(?:vote|co-?sponsor|join\s+consensus|sign)\b")
# "we would appreciate any information post can provide on ...", "Department would welcome post's views on ..."
INFORMATION_RE: Final = re.compile(
    r"(?i)\b(?:we|department|washington|the\s+department)\s+would\s+(?:appreciate|welcome|be\s+grateful\s+for)\s+"
    r"((?:any\s+)?(?:information|insights?|views|assessment|comments|details|reporting)\b[^.?!]{0,240})"
)
# How the reply must be labelled: "Please slug reply for PM/DTCC ... include the words 'Blue Lantern' and the case
# number in the subject line", "Please begin all responses with SHIELD S04B-08 and slug for ISN"
REPLY_LABEL_RE: Final = re.compile(
    r"(?i)\b(?:slug\s+(?:all\s+)?(?:replies|reply|responses|reporting|cables?)?|begin\s+(?:all\s+)?(?:responses|replies)|"
    r"subject\s+line|caption|include\s+(?:usmission\s+\w+\s+\w+\s+)?as\s+an?\s+info\s+addressee|include\s+sipdis)"
)
BULLET_SPLIT_RE: Final = re.compile(r"(?:^|\s)--+\s*|\n")
# "(To the Government of Mexico)", "o ", "- " before a question
LEAD_NOISE_RE: Final = re.compile(r"^(?:\s*(?:\([^()]{1,80}\)|[-*o\u2022])\s*)+")


def is_outward(clause: str) -> bool:
    """A request to act towards the host or to find out, not an internal chore ('retain this telegram in the
    RSO's files', 'verify that current phone numbers are in the duty officer handbook')."""
    return INTERNAL_RE.match(clause) is None


def is_reactive(clause: str) -> bool:
    return REACTIVE_RE.search(clause) is not None


def kind_of(requests: list[str], instructions: list[str], scope: list[Paragraph], from_post: bool) -> str:
    """'department' (the action lies in Washington), 'demarche', 'report', 'instruction' or 'guidance'."""
    if from_post:
        return "department"
    asks = [r for r in [*requests, *instructions] if r]
    proactive = [r for r in asks if not is_reactive(r)]
    if any(VOTE_RE.search(p.text[:3000]) for p in scope) and not any(DELIVER_WORDS_RE.search(r) for r in proactive):
        return "instruction"
    if proactive and REPORT_LEAD_RE.match(proactive[0]):
        return "report"  # the first thing asked is to find out: a check or inquiry, whatever follows
    if any(DELIVER_LEAD_RE.match(r) and not REPORT_LEAD_RE.match(r) for r in proactive):
        return "demarche"
    if any(REPORT_LEAD_RE.match(r) for r in proactive):
        return "report"
    if proactive and any(DELIVER_WORDS_RE.search(p.text[:3000]) for p in scope):
        return "demarche"
    if asks and not proactive:
        return "guidance"
    return "instruction" if proactive else "guidance"


def information_requests(text: str) -> list[str]:
    """'provide any information on X' for each 'we would appreciate any information post can provide on X'."""
    if "ppreciat" not in text and "elcome" not in text and "rateful" not in text:
        return []
    return ["provide " + " ".join(m.group(1).split()).rstrip(" ,;:") for m in INFORMATION_RE.finditer(text[:20000])]


def questions(texts: list[str]) -> list[str]:
    """The questions a request asks posts to answer, in order, each once."""
    found: list[str] = []
    for text in texts:
        if "?" not in text:
            continue
        for part in BULLET_SPLIT_RE.split(text[:30000]):
            for sentence in sentences(part):
                question = LEAD_NOISE_RE.sub("", sentence).strip()
                if question.endswith("?") and len(question) > 8 and question not in found:
                    found.append(question)
    return found[:60]


def reporting_instructions(paragraphs: list[Paragraph]) -> str | None:
    """The sentences saying how replies must be labelled and routed, joined; None when there are none."""
    found: list[str] = []
    for paragraph in paragraphs:
        text = paragraph.text[:6000]
        lower = text.lower()
        if "slug" not in lower and "subject line" not in lower and "responses with" not in lower and "caption" not in lower:
            continue
        for sentence in sentences(text):
            if REPLY_LABEL_RE.search(sentence) and len(sentence) < 400:
                clean = " ".join(sentence.split())
                if clean not in found:
                    found.append(clean)
    return " ".join(found) or None
