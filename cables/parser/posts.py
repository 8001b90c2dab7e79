"""Posts named in prose: 'Embassies Moscow and Riga', 'For Berlin, Canberra, and Tokyo', 'FOR MALTA ONLY', 'SIX
PLUS TWO MEMBERS'; resolved against the reference data and the cable's action addressees."""

from __future__ import annotations

import re
from typing import Final

from .addressees import _collectivedata, _postdata, lookup_country, lookup_post
from .model import Addressee

POST_KINDS: Final = frozenset({"embassy", "consulate", "mission", "ait", "office"})
NAME_PREFIX_RE: Final = re.compile(
    r"(?i)^(?:the\s+)?(?:us\s+|u\.s\.\s+)?(?:embass(?:y|ies)|consulates?(?:\s+general)?|congen|missions?|posts?)"
    r"(?:\s+in)?\s+"
)
# "For Embassy Kyiv, please ...", "For Embassies Moscow and Riga, please ...", "FOR MOSCOW, PARIS AND BERLIN: ..."
FOR_POSTS_RE: Final = re.compile(r"(?i)^(?:(?:action|special)\s+requests?\s+)?for\s+(?=[a-z])")
LOWER_AFTER_COMMA_RE: Final = re.compile(r",\s+(?=[a-z])")

# "EUR posts", "AF POSTS", "posts in Europe", "Western Hemisphere posts"
REGIONS: Final = {
    "AF": "AF", "AFRICA": "AF", "AFRICAN": "AF", "EAP": "EAP", "EAST ASIA": "EAP", "EAST ASIAN": "EAP", "EUR": "EUR",
    "EUROPE": "EUR", "EUROPEAN": "EUR", "NEA": "NEA", "NEAR EAST": "NEA", "MIDDLE EAST": "NEA", "SCA": "SCA",
    "SOUTH ASIA": "SCA", "SOUTH AND CENTRAL ASIA": "SCA", "WHA": "WHA", "WESTERN HEMISPHERE": "WHA",
}  # fmt: skip
REGION_RE: Final = re.compile(
    r"(?i)^(?:all\s+)?(" + "|".join(sorted(REGIONS, key=len, reverse=True)) + r")\s+(?:posts|embassies|missions|region)$"
)

Post = tuple  # (name, code, country)


# Precompiled: re's module functions look each pattern up in a cache on every call.
ALL_OTHER_RE: Final = re.compile(r"(?i)^(?:all|other|remaining)\b")
COMMA_AND_RE: Final = re.compile(r",|\band\b")
NAME_SPLIT_RE: Final = re.compile(r"(?i),|\band\b|\bor\b|/|&")


def action_posts(addressees: list[Addressee]) -> list[Post]:
    """The posts the action addressees task: the posts themselves and the members of known collectives."""
    found: list[Post] = []
    for addressee in addressees:
        if addressee.kind in POST_KINDS and addressee.code:
            post = (addressee.post, addressee.code, addressee.country)
            if post not in found:
                found.append(post)
        elif addressee.kind == "collective" and addressee.collective and _collectivedata is not None:
            for post in _members(addressee.collective):
                if post not in found:
                    found.append(post)
    return found


def _region(region: str) -> list[Post]:
    codes = _collectivedata.expand([f"region:{region}"])
    posts = [_postdata.get(code) for code in codes]
    return [(p.name, p.code, p.country) for p in posts if p is not None]


def _members(key: str) -> list[Post]:
    info = _collectivedata.get(key)
    posts = [_postdata.get(code) for code in (info.members if info else ())]
    return [(p.name, p.code, p.country) for p in posts if p is not None]


def group_posts(text: str, addressees: list[Addressee]) -> list[Post]:
    """The posts of a group named in prose ('SIX PLUS TWO MEMBERS', 'EU member states', 'EUR posts'), kept to the
    cable's action posts when any of them belong to it."""
    if _collectivedata is None or not text.strip() or len(text) > 80:
        return []
    region = REGION_RE.match(text.strip(" .:;"))
    if region:
        members = _region(REGIONS[region.group(1).upper()])
    else:
        info = _collectivedata.resolve_collective(text.strip(" .:;"))
        if info is None:
            return []
        members = _members(info.key)
    tasked = {post[1] for post in action_posts(addressees)}
    mine = [post for post in members if post[1] in tasked]
    return mine or members


def post_label(text: str) -> tuple[str, int] | None:
    """('Embassies Moscow and Riga', end) for a text opening 'For Embassies Moscow and Riga, please ...' or
    'ACTION REQUEST FOR UNVIE: ...'; the names still need resolving."""
    match = FOR_POSTS_RE.match(text)
    if not match:
        return None
    head = text[match.end() : match.end() + 200]
    period = head.find(". ")
    cuts = [(at, at + 1) for at in [head.find(":")] if at != -1]
    comma = LOWER_AFTER_COMMA_RE.search(head)  # 'For Embassy Kyiv, please ...'
    if comma:
        cuts.append((comma.start(), comma.end()))
    cuts = [cut for cut in cuts if period == -1 or cut[0] < period]
    if not cuts:
        return None
    start, end = min(cuts)
    return head[:start], match.end() + end


def named_posts(text: str, addressees: list[Addressee], group: bool = False) -> list[Post]:
    """Posts named in 'Embassies Moscow and Riga', 'USNATO AND EMBASSIES IN NATO CAPITALS (...)',
    'GULF COOPERATION COUNCIL STATES (BAHRAIN, KUWAIT, ...)'; [] when none or 'all posts'."""
    text = " ".join(text.split())
    if ALL_OTHER_RE.match(text):
        return []
    head, _, inside = text.partition("(")
    found = _names(head, addressees) or group_posts(head, addressees)
    if not found and group and inside:
        items = inside.split(")")[0]
        parts = [p for p in COMMA_AND_RE.split(items) if p.strip()]
        resolved = _names(items, addressees)
        found = resolved if len(resolved) == len(parts) else []
    return found


def _names(text: str, addressees: list[Addressee]) -> list[Post]:
    found: list[Post] = []
    for part in NAME_SPLIT_RE.split(text):
        part = NAME_PREFIX_RE.sub("", part.strip(" .:;")).strip()
        if not part or len(part) > 60:
            continue
        post = _post(part, addressees, country=True)
        for one in [post] if post is not None else group_posts(part, addressees):  # "EU MEMBER STATES, USEU"
            if one not in found:
                found.append(one)
    return found


def _post(label: str, addressees: list[Addressee], country: bool = False) -> Post | None:
    """Resolve a post name; with country=True also a host-country name, mapped to the action post there."""
    info = lookup_post(label)
    if info is not None:
        return info.name, info.code, info.country
    wanted = " ".join(label.upper().split())
    for addressee in addressees:
        city = addressee.raw.upper().split(" ", 1)[-1]
        if wanted in {city, addressee.raw.upper(), (addressee.post or "").upper()}:
            return addressee.post or label, addressee.code, addressee.country
    if not country:
        return None
    info = lookup_country(label)
    if info is None:
        return None
    match = _action_post(info, [a for a in addressees if a.kind in POST_KINDS])
    if match is not None:
        return match.post, match.code, match.country
    return info.name, info.code, info.country


def _action_post(info, posts: list[Addressee]) -> Addressee | None:
    """The action addressee that is this post, else the only one in the same country."""
    same = [a for a in posts if a.code == info.code]
    if same:
        return same[0]
    country = [a for a in posts if info.country and a.country == info.country]
    return country[0] if len(country) == 1 else None
