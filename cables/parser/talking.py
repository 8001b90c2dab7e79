"""Talking-point sections: per-post labels, headed sections, shared BEGIN blocks, and announced paragraphs."""

from __future__ import annotations

import re
from typing import Final

from .addressees import lookup_rel
from .blocks import Block
from .instructions import segments
from .model import Addressee, Paragraph, TalkingPoints
from .points import BULLET_RE, point_markings
from .posts import POST_KINDS, Post, _action_post, _post, named_posts, post_label
from .sections import build
from .text import releasable_to, split_marking

LABEL_RE: Final = re.compile(
    r"^(?P<label>[A-Z][A-Za-z.'-]{0,30}(?: [A-Za-z.'-]{1,30}){0,4}?)"
    r"(?:\s{0,3}\((?:for\s+)?(?P<audience>[^()\n]{1,80})\))?\s{0,3}:\s"
)
# "Saudi Arabia talking points", "General talking points for all Embassies", "Points for Oral Presentation: ..."
HEADING_RE: Final = re.compile(
    r"(?i)^(?P<who>(?:[A-Za-z.'/&-]{1,30}\s){1,5})?(?:additional\s+|tailored\s+|suggested\s+|proposed\s+)?"
    r"(?:talking\s+points|points|key\s+messages)\b(?:\s+(?:for|to)\s+(?P<for>[^:\n]{1,120}?))?\s*(?::.{0,120})?$"
)
LEAD_IN_RE: Final = re.compile(
    r"(?i)\b(?:draw|drawing)\s+(?:up)?(?:on|from)\s+the\s+following\b|\bthe\s+following\s+(?:(?:additional|key|general|"
    r"talking|background)\s+){0,2}(?:talking\s+)?(?:points|messages)\b|\bmake\s+the\s+following\b"
)
FOR_WHOM_RE: Final = re.compile(r"(?i)\bPOINTS\s+(?:FOR|TO)\s+(?:USE\s+WITH\s+)?(.{2,400})")
AUDIENCE_NOISE_RE: Final = re.compile(r"(?i)\b(?:SAR|authorities|authority|officials|government|interlocutors)\b")
EXCEPT_IN_TITLE_RE: Final = re.compile(r"(?i)\bexcept(?:\s+for)?\s+([^;)]{2,120})")
# "(1) Saudi Arabia ) para 8", "(3) UAE) paragraph 12", "Kuwait - para 10"
PARA_MAP_RE: Final = re.compile(
    r"(?:\(\d{1,2}\)\s*|[,;:]\s+)([A-Z][A-Za-z.' -]{1,40}?)\s*(?:\)|-|:|\u2013)\s*para(?:graph)?s?\.?\s*(\d{1,3})\b"
)
POINT_LABEL_RE: Final = re.compile(r"\bPOINTS? FOR [A-Z][A-Za-z ,.'&/-]{1,400}?:")
NOT_POINTS_RE: Final = re.compile(r"(?i)\b(?:background|objectives?|reporting|deadline|contacts?|summary)\b")

# Precompiled: re's module functions look each pattern up in a cache on every call.
GENERIC_WHO_RE: Final = re.compile(r"(?i)^(?:general|common|core|key|main|suggested|the|draft)\b")
NOT_A_NAME_RE: Final = re.compile(r"(?i)^(?:all|use|delivery|posts?)\b")


def post_sections(paragraphs: list[Paragraph], addressees: list[Addressee]) -> list[TalkingPoints]:
    """'Abu Dhabi: Embassy Abu Dhabi should make ... --' and 'For Embassy Kyiv, please ... --' paragraphs."""
    sections = []
    for paragraph in paragraphs:
        text = paragraph.text  # a one-character find rules most paragraphs out faster than two-character scans
        if "-" not in text or ("--" not in text and "\n-" not in text):
            continue
        if "POINT" in paragraph.text and POINT_LABEL_RE.search(paragraph.text[:50000]):
            sections.extend(_point_labels(paragraph, addressees))
        match = LABEL_RE.match(paragraph.text) if ":" in text else None  # a label ends in ':'; the pattern backtracks
        post = _post(match.group("label"), addressees) if match else None
        if post is not None:
            sections.extend(_label_section(paragraph, post, match, addressees))  # type: ignore[arg-type]
            continue
        label = post_label(paragraph.text)
        posts = named_posts(label[0], addressees) if label else []
        if posts:
            body = paragraph.text[label[1] :]  # type: ignore[index]
            sections.extend(_make(paragraph, list(posts), None, releasable_to(paragraph.marking), body, addressees))
    return sections


def _point_labels(paragraph: Paragraph, addressees: list[Addressee]) -> list[TalkingPoints]:
    """'POINT FOR UK ONLY: -- ... END POINT FOR UK ONLY', 'POINT FOR EMBASSIES ABU DHABI, ... ONLY (REF B): --':
    points for the posts named, wherever they stand (a request paragraph, a non-paper)."""
    found: list[TalkingPoints] = []
    rel = releasable_to(paragraph.marking)
    for posts, text, points in segments(paragraph.text, addressees):
        if not (points and posts):
            continue
        found.extend(build(paragraph.number, list(posts), None, rel, text, addressees, paragraph.marking, "post-specific points"))
    return found


def headed_sections(
    paragraphs: list[Paragraph], addressees: list[Addressee], announced: list[int], skip: set[int]
) -> list[TalkingPoints]:
    """Paragraphs headed as talking points ('Saudi Arabia talking points'), introduced by a lead-in ('draw on
    the following points:') or announced by the action request; one section per post the heading names."""
    sections: list[TalkingPoints] = []
    under_points = False  # inside a block of paragraphs under a 'talking points' rule heading
    for paragraph in paragraphs:
        if paragraph.heading is not None:
            under_points = (
                bool(HEADING_RE.match(paragraph.heading)) or "TALKING POINTS" in paragraph.heading.upper()
            )
        if paragraph.number in skip or paragraph.number is None:
            continue
        text = paragraph.text
        cut = text.find("\n")
        first = text if cut == -1 else text[:cut]
        title = first if len(first) <= 140 and _may_head(first) and HEADING_RE.match(split_marking(first)[1]) else None
        if title and NOT_POINTS_RE.search(title) and "POINTS" not in title.upper():
            title = None
        lead_in = None  # bounded finds: no copy of the paragraph's opening
        if (text.find("ollowing", 0, 600) != -1 or text.find("OLLOWING", 0, 600) != -1) and (
            _has_bullets(text) or text.find(": --", 0, 3000) != -1
        ):
            lead_in = LEAD_IN_RE.search(text[:3000])
        announced_here = paragraph.number in announced and _looks_like_points(paragraph)
        heading_here = under_points and _looks_like_points(paragraph) and not NOT_POINTS_RE.match(first)
        if not (title or lead_in or announced_here or heading_here):
            continue
        body = (text[cut + 1 :] if cut != -1 else "") if title else text
        targets = _title_posts(split_marking(title)[1], addressees) if title else []
        rel = releasable_to(paragraph.marking) or _line_releasability(body)
        sections.extend(_make(paragraph, list(targets) or [None], None, rel, body, addressees, title))
    return sections


def _may_head(line: str) -> bool:
    """Whether HEADING_RE can match: it needs 'points' or 'messages'. Only for ASCII lines, where lower() and the
    pattern's case-blindness agree ('ſ', 'ı' and 'İ' match 's' and 'i' under re.I)."""
    if not line.isascii():
        return True
    lower = line.lower()
    return "points" in lower or "messages" in lower


def block_sections(
    blocks: list[Block], addressees: list[Addressee], announced: list[int] | tuple = ()
) -> list[TalkingPoints]:
    """Shared 'BEGIN TALKING POINTS' blocks, and other blocks the request names as its points ('drawing on the
    points in para 9', a non-paper): for the post(s) they name, else unattributed for now."""
    sections = []
    for block in blocks:
        if not block.is_points and not (block.paragraph in announced and _has_bullets("\n" + block.text)):
            continue
        match = FOR_WHOM_RE.search(block.title)
        targets = named_posts(match.group(1), addressees, group=True) if match else []
        excepted = EXCEPT_IN_TITLE_RE.search(block.title) if targets else None  # "... EXCEPT FOR POLAND AND ..."
        if excepted:
            left_out = {post[1] for post in named_posts(excepted.group(1), addressees)}
            targets = [post for post in targets if post[1] not in left_out]
        audience = None if targets or not match else _group_name(match.group(1))
        rel = block.releasable_to or _line_releasability(block.text)
        marking = block.marking or None
        sections.extend(build(block.paragraph, list(targets) or [None], audience, rel, block.text, addressees, marking, block.title))
    return sections


def attribute(sections: list[TalkingPoints], addressees: list[Addressee], request_text: str = "") -> None:
    """Give unattributed sections to the post the request maps their paragraph to ('(3) UAE ) para 12'), to the
    single action post, or to the one action post in the only country (besides the USA) they are releasable to."""
    posts = [a for a in addressees if a.kind in POST_KINDS and a.code]
    collectives = any(a.kind == "collective" for a in addressees)
    mapped = _paragraph_posts(request_text, addressees)
    for section in sections:
        if section.post is not None or section.audience is not None:
            continue
        if section.paragraph in mapped:
            section.post, section.code = mapped[section.paragraph][:2]
            continue
        if len(posts) == 1 and not collectives:
            section.post, section.code = posts[0].post, posts[0].code
            continue
        countries = [name for name in section.releasable_to if name not in {"USA", "US", "UNITED STATES"}]
        if len(countries) == 1:
            info = lookup_rel(countries[0])
            match = _action_post(info, posts) if info is not None else None
            if match is not None:
                section.post, section.code = match.post, match.code


def _paragraph_posts(text: str, addressees: list[Addressee]) -> dict[int, Post]:
    """'(1) Saudi Arabia ) para 8, (2) Kuwait ) para 10', 'Saudi Arabia - para 8': paragraphs the request gives
    to one post each."""
    found: dict[int, Post] = {}
    if "para" not in text.lower():
        return found
    for match in PARA_MAP_RE.finditer(text[:20000]):
        posts = named_posts(match.group(1), addressees)
        if len(posts) == 1:
            found.setdefault(int(match.group(2)), posts[0])
    return found


def _title_posts(title: str, addressees: list[Addressee]) -> list[Post]:
    match = HEADING_RE.match(title)
    if not match:
        return []
    who = (match.group("who") or "").strip()
    if who and not GENERIC_WHO_RE.match(who):
        return named_posts(who, addressees, group=True)
    if match.group("for"):
        return named_posts(match.group("for"), addressees, group=True)
    return []


def _label_section(
    paragraph: Paragraph, post: Post, match: re.Match[str], addressees: list[Addressee]
) -> list[TalkingPoints]:
    name, _, country = post
    body = paragraph.text[match.end() :]
    rel = releasable_to(paragraph.marking)
    first_line, _, rest = body.partition("\n")
    marking, remainder = split_marking(rest) if rest.lstrip().startswith("(") else (None, rest)
    if marking:
        rel, body = releasable_to(marking), f"{first_line}\n{remainder}"
    audience = _audience(match.group("audience"), name, country)
    return build(paragraph.number, [post], audience, rel, body, addressees, marking or paragraph.marking)


def _make(
    paragraph: Paragraph,
    posts: list[Post | None],
    audience: str | None,
    rel: list[str],
    body: str,
    addressees: list[Addressee],
    heading: str | None = None,
) -> list[TalkingPoints]:
    return build(paragraph.number, posts, audience, rel, body, addressees, paragraph.marking, heading or paragraph.heading)


def _audience(raw: str | None, post: str, country: str | None) -> str | None:
    """'Macau SAR Authorities' -> 'Macau'; the post's own host ('Taiwan Authorities' for AIT Taipei) -> None."""
    if not raw:
        return None
    audience = " ".join(AUDIENCE_NOISE_RE.sub(" ", raw).split()).strip(" ,.")
    if not audience:
        return None
    own = {post.upper(), (country or "").upper(), post.upper().replace("AIT ", "")}
    if audience.upper() in own or (country and country.upper().startswith(audience.upper())):
        return None
    if post.upper().endswith(" " + audience.upper()):
        return None
    return audience


def _group_name(text: str) -> str | None:
    """'GULF COOPERATION COUNCIL STATES (...)' -> 'Gulf Cooperation Council States', for unattributed blocks."""
    name = " ".join(text.split("(")[0].split()).strip(" .:;")
    if not name or len(name) > 80 or NOT_A_NAME_RE.match(name):
        return None
    return name.title() if name.isupper() else name


def _line_releasability(text: str) -> list[str]:
    """Countries released to by the markings that open the points ('(S/REL USA, SAU) We ...'), in order."""
    names: list[str] = []
    for marking in point_markings(text[:100000]):
        for name in releasable_to(marking):
            if name not in names:
                names.append(name)
    return names


def _has_bullets(text: str) -> bool:
    if "\n-" not in text and "\n*" not in text and "\no " not in text and "\n\u2022" not in text:
        return False
    return any(BULLET_RE.match(line) and line.strip("- ") for line in text.split("\n")[1:400])


def _looks_like_points(paragraph: Paragraph) -> bool:
    """Bullets or several lines (points one a line), not one block of prose or a background paragraph."""
    text = paragraph.text
    first = text[: text.find("\n")] if "\n" in text else text[:200]
    if NOT_POINTS_RE.search(first[:200]) and "POINTS" not in first.upper():
        return False
    return text.count("\n", 0, 5000) >= 2 or " --" in text[:5000] or _has_bullets(text)
