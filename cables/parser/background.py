"""NOFORN paragraphs that frame the talking points: background for the post's own use, never handed over.

A request often surrounds its points with material the post may not share: '(S//NF) Our arms interdiction
efforts are focused on ...' just before the points, '(U) Saudi Arabia background' over '(S/NF)' lines beside
each country's points, or 'Please use the summary of those meetings in paragraphs 4 and 5 for information
purposes'. Such a paragraph is background when it is NOFORN (its own marking, or that of all its marked lines)
and the request cites it, or it stands between the request and the last points or text to hand over, or it is
headed as background after the request. A NOFORN summary before the request is the cable's, not the post's.
"""

from __future__ import annotations

import re
from typing import Final

from .intent import REPLY_LABEL_RE
from .model import ActionRequest, Addressee, Paragraph, Point, TalkingPoints
from .points import own_marking, split_points
from .posts import named_posts
from .requests import clause_of
from .text import number_range, sentences, split_marking

NOFORN_RE: Final = re.compile(r"\b(?:NOFORN|NF)\b")
CITED_RE: Final = re.compile(
    r"(?i)\bpara(?:graph)?s?\.?\s*(\d{1,3})(?:\s*(?:-|\u2013|through|to|and)\s*(\d{1,3}))?"
)
# "Saudi Arabia background", "Background for Embassy Kuwait:", "Country background (not for delivery)"
TITLE_RE: Final = re.compile(r"(?i)^(?P<before>[^\n]{0,60}?)\bbackground\b(?P<after>[^\n]{0,60})$")
NOT_A_PLACE_RE: Final = re.compile(r"(?i)\b(?:country|general|additional|further|the|for|on|material|information|"
                            r"only|not|delivery|(?:embass(?:y|ies)|posts?|missions?))\b|[():]")


def noforn_sections(
    paragraphs: list[Paragraph],
    addressees: list[Addressee],
    request: ActionRequest | None,
    sections: list[TalkingPoints],
    blocks: list[tuple[int | None, tuple]],
) -> list[TalkingPoints]:
    """Background sections for the NOFORN paragraphs that go with the request's points (see the module).
    blocks: (paragraph, spans) of the BEGIN blocks, texts to hand over or points."""
    if request is None or request.paragraph is None or request.department_action:
        return []
    skip = {s.paragraph for s in sections} | {n for _, spans in blocks for n in spans} | {request.paragraph}
    last = max([s.paragraph for s in sections if s.paragraph and not s.background] + [p for p, _ in blocks if p],
               default=0)
    cited = _cited(request.text)
    found: list[TalkingPoints] = []
    for paragraph in paragraphs:
        number = paragraph.number
        if number is None or number in skip or (number < request.paragraph and number not in cited):
            continue
        title, body = _title(paragraph.text)
        marking = own_marking(paragraph.marking, body)
        if not marking or NOFORN_RE.search(marking.replace("/", " ")) is None:
            continue
        if not (number in cited or number < last or title is not None) or _instructs(body):
            continue
        place = _place(title) if title else ""
        targets = named_posts(place, addressees) if place else []
        points = split_points(body) or [Point(" ".join(body.split()))]
        # a section for each post it names, else one for every post
        pairs: list[tuple[str | None, str | None]] = [(target[0], target[1]) for target in targets] or [(None, None)]
        for name, code in pairs:
            section = TalkingPoints(number, name, code, None, [], points)
            section.marking, section.heading, section.background = marking, title, True
            found.append(section)
    return found


def _instructs(text: str) -> bool:
    """Whether a paragraph opens by telling the post what to do ('Please begin all responses with SHIELD ...'):
    an instruction, marked NOFORN or not, is not background."""
    first = sentences(text[:1500])[:1]
    return bool(first) and (REPLY_LABEL_RE.search(first[0]) is not None or bool(clause_of(first[0])))


def _cited(text: str) -> set[int]:
    """Paragraph numbers the request names ('paragraphs 4 and 5', 'paras 5-6')."""
    found: set[int] = set()
    if "ara" not in text:
        return found
    for match in CITED_RE.finditer(text[:20000]):
        found.update(number_range(match.group(1), match.group(2)))
    return found


def _title(text: str) -> tuple[str | None, str]:
    """('Saudi Arabia background', the rest) for a paragraph opening with a background title line, or with a
    title run into its first marked line ('London background (S//NF) The UK ...')."""
    first, newline, rest = text.partition("\n")
    at = first.find(" (", 0, 122)
    if at != -1 and split_marking(first[at:])[0] is not None:
        first, rest = first[:at], first[at:] + newline + rest
    elif not newline:
        return None, text
    line = first.strip(" :-")
    return (line, rest) if len(line) <= 120 and TITLE_RE.match(line) else (None, text)


def _place(title: str) -> str:
    """'Saudi Arabia' from 'Saudi Arabia background'; '' when the title names no place."""
    match = TITLE_RE.match(title)
    return " ".join(NOT_A_PLACE_RE.sub(" ", f"{match.group('before')} {match.group('after')}").split()) if match else ""
