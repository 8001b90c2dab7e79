"""Who a request is for: every action post, or only the posts a sentence or a label names ('USUN should ...',
'Embassy Tirana is requested to ...', 'FOR MALTA ONLY: ...', 'ACTION Bogota: ... END ACTION')."""

from __future__ import annotations

import re
from typing import Final

from .model import Addressee
from .posts import Post, action_posts, named_posts

# Inline labels naming posts: "FOR MALTA ONLY:", "For Canberra, London, and Tokyo:", "POINT FOR UK ONLY:",
# "FOR EMBASSY NEW DELHI:", "(For Turkey)" bullets are read elsewhere
FOR_LABEL_RE: Final = re.compile(
    r"(?:(?<=^)|(?<=[\s.;:)\]-]))(?:(?i:(?:(?:post|country)-specific\s+|additional\s+|suggested\s+)?(?:talking\s+)?"
    r"points?\s+for)|(?:(?:ACTION REQUEST|SPECIAL REQUEST|ACTION|NOTE|OBJECTIVES?)\s+)?(?:FOR|For))"
    r"\s+(?P<names>[A-Z][A-Za-z.'&/,()\- ]{1,400}?)(?:\s+(?:ONLY|only))?\s*:(?=\s|$)"
)
# "ACTION Bogota:", "BOGOTA ACTION Brasilia:"
ACTION_LABEL_RE: Final = re.compile(r"(?:(?<=^)|(?<=[\s.]))(?:[A-Z]{3,} )?ACTION (?P<names>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2}):")
# "END ACTION", "END ACTION BRASILIA.", "END POINT FOR UK ONLY", "END POINTS FOR MALTA ONLY"
END_LABEL_RE: Final = re.compile(r"\bEND (?:ACTION|POINTS?)(?: FOR [A-Z][A-Z ]{1,40}?(?: ONLY)?| [A-Z]{3,}(?: [A-Z]{3,})?)?\b\.?")
# The actor before a request: "Embassy Tirana", "posts in London and Tel Aviv", "USUN", "Embassies Moscow and Riga"
ACTOR_RE: Final = re.compile(
    r"\b(?:(?:the\s+)?(?:US\s+)?(?:Embass(?:y|ies)|EMBASS(?:Y|IES)|Consulates?(?:\s+General)?|CONSULATES?|ConGen|"
    r"Missions?|MISSIONS?|[Pp]osts?\s+in|POSTS?\s+IN)\s+(?P<names>[A-Z][A-Za-z'.-]+(?:(?:,\s*|\s+)(?:and\s+|AND\s+)?"
    r"[A-Z][A-Za-z'.-]+){0,12})|(?P<mission>USUN|USNATO|USEU|UNVIE|USOSCE|AIT\s+Taipei|USINT\s+Havana))"
)
LABEL_TAIL_RE: Final = re.compile(r"(?:\s+(?:ONLY|only))?\s*(?:\((?:REFS?|REFTELS?|SEE)\b[^()]{0,40}\))?\s*$")
THESE_RE: Final = re.compile(r"(?i)\b(?:these|those|the\s+same|both)\s+(?:posts|embassies|missions)\b")


# Precompiled: re's module functions look each pattern up in a cache on every call.
ALL_POSTS_RE: Final = re.compile(r"(?i)^all(?:\s+(?:posts|addressees|embassies))?$")


def segments(text: str, addressees: list[Addressee]) -> list[tuple[list[Post] | None, str, bool]]:
    """Split a text at inline post labels: (posts the part is for, None for all posts; the text; whether the
    label calls the part points, 'POINT FOR UK ONLY:')."""
    marks: list[tuple[int, int, list[Post] | None, bool]] = []
    # every label ends in ':' (a one-character find); the label pattern is tried at every position of the text
    if ":" in text and ("FOR" in text or "For" in text or " for " in text):
        for match in FOR_LABEL_RE.finditer(text[:50000]):
            posts = _label_posts(match.group("names"), addressees)
            if posts is not None:
                lead = match.group(0)[: match.start("names") - match.start()].upper()
                marks.append((match.start(), match.end(), posts, "POINT" in lead))
    if ":" in text and "ACTION " in text:
        for match in ACTION_LABEL_RE.finditer(text[:50000]):
            posts = named_posts(match.group("names"), addressees)
            if posts:
                marks.append((match.start(), match.end(), posts, False))
    if not marks:
        return [(None, text, False)]
    if "END " in text:
        marks += [(m.start(), m.end(), None, False) for m in END_LABEL_RE.finditer(text[:50000])]
    marks.sort(key=lambda mark: mark[0])
    parts: list[tuple[list[Post] | None, str, bool]] = []
    done, current, points = 0, None, False
    for start, end, posts, is_points in marks:
        if start < done:
            continue
        if text[done:start].strip():
            parts.append((current, text[done:start], points))
        done, current, points = end, posts, is_points
    if text[done:].strip():
        parts.append((current, text[done:], points))
    return parts


def _label_posts(names: str, addressees: list[Addressee]) -> list[Post] | None:
    """The posts a label names; [] for 'FOR ALL' / 'FOR ALL POSTS' (everyone); None when it names no post."""
    names = LABEL_TAIL_RE.sub("", names).strip()
    if ALL_POSTS_RE.match(names):
        return []
    if len(names) > 600 or not names or names.split()[0].lower() in {"example", "instance", "information", "reference", "use"}:
        return None
    posts = named_posts(names, addressees, group=True)
    return posts or None


def addressed(prefix: str, addressees: list[Addressee], last: list[Post]) -> list[Post]:
    """The posts a sentence's actor names ('Department requests that Embassy Tirana'); [] for posts in general."""
    if "ese" in prefix or "ose" in prefix or "same" in prefix or "oth" in prefix:
        if THESE_RE.search(prefix):
            return list(last)
    found: list[Post] = []
    for match in ACTOR_RE.finditer(prefix[-300:]):
        names = match.group("names") or match.group("mission")
        for post in named_posts(names, addressees):
            if post not in found:
                found.append(post)
    return found


def only_some(posts: list[Post], addressees: list[Addressee]) -> bool:
    """Whether the named posts are a strict part of the posts the cable tasks (not every one of them)."""
    everyone = {post[1] for post in action_posts(addressees)}
    named = {post[1] for post in posts}
    return bool(named) and not (everyone and everyone <= named)
