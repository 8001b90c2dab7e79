"""Bullets shared out between posts: 'Embassies should note that bullet #1 is for Beijing only, bullet #2 is for
all recipients except Beijing, and bullet #3 is for Astana, Kabul, and Dushanbe only. The rest of the non-paper
is for all recipients.' The points for all posts that follow are cut into one section per post holding only its
bullets, marked with the most restricted marking among them (a set of portions is releasable only where each is).
"""

from __future__ import annotations

import re
from typing import Final

from .model import Addressee, Paragraph, TalkingPoints
from .points import point_markings
from .posts import action_posts, named_posts
from .text import releasable_to, sentences

# "bullet #1 is for Beijing only", "bullets 2 and 3 are for all recipients except Beijing"
SHARE_RE: Final = re.compile(
    r"(?i)\bbullets?\s*#?\s*(\d{1,2})(?:\s*(?:and|,|-|to)\s*#?\s*(\d{1,2}))?\s+(?:is|are)\s+(?:only\s+)?for\s+"
    r"(.{2,200}?)(?=,\s*(?:and\s+)?bullets?\b|;|\.\s|\.$|$)"
)
EXCEPT_RE: Final = re.compile(r"(?i)^(?:all\s+(?:recipients|posts|addressees|embassies)|everyone)\s+(?:except|but)\s+(.+)$")
ALL_RE: Final = re.compile(r"(?i)^(?:all\s+(?:recipients|posts|addressees|embassies)|everyone)\b")


def share_out(
    paragraphs: list[Paragraph], sections: list[TalkingPoints], texts: dict[int, str], addressees: list[Addressee]
) -> list[TalkingPoints]:
    """The sections with each general section after a bullet-sharing note cut per post (see the module).
    texts: the source text of each section's paragraph (its block's, else the paragraph's), for the markings."""
    note = next((p for p in paragraphs if "ullet" in p.text and SHARE_RE.search(p.text[:3000])), None)
    if note is None or note.number is None:
        return sections
    posts = action_posts(addressees)
    rules = _rules(note.text[:3000], posts, addressees)
    target = next((s for s in sections if s.code is None and s.audience is None and s.paragraph
                   and s.paragraph >= note.number and not s.background), None)
    if not rules or target is None or max(rules) > len(target.points):
        return sections
    markings = point_markings(texts.get(target.paragraph, ""))  # type: ignore[arg-type]
    if len(markings) != len(target.points):
        markings = [target.marking] * len(target.points)  # type: ignore[list-item]
    found: list[TalkingPoints] = []
    for name, code, _ in posts:
        mine = [i for i in range(len(target.points)) if code in rules.get(i + 1, {code})]
        if not mine:
            continue
        marking = min((markings[i] for i in mine), key=lambda m: len(releasable_to(m)) or 1000)
        section = TalkingPoints(target.paragraph, name, code, None, releasable_to(marking),
                                [target.points[i] for i in mine])
        section.marking, section.heading, section.conditional = marking, target.heading, target.conditional
        found.append(section)
    return [s for s in sections if s is not target] + found


def _rules(text: str, posts: list, addressees: list[Addressee]) -> dict[int, set[str]]:
    """Bullet number -> the codes of the posts it is for."""
    everyone = {post[1] for post in posts}
    rules: dict[int, set[str]] = {}
    for sentence in sentences(" ".join(text.split())):
        for match in SHARE_RE.finditer(sentence):
            who = re.sub(r"(?i)\s+only$", "", match.group(3).strip(" ,."))
            left_out = EXCEPT_RE.match(who)
            if left_out:
                codes = everyone - {post[1] for post in named_posts(left_out.group(1), addressees)}
            elif ALL_RE.match(who):
                codes = set(everyone)
            else:
                codes = {post[1] for post in named_posts(who, addressees)} & everyone
            if not codes:
                continue
            first = int(match.group(1))
            last = int(match.group(2) or first)
            for number in range(first, min(last, first + 20) + 1):
                rules[number] = codes
    return rules
