"""Reference data of collective addressees ("ALL NATO POST COLLECTIVE") and their member posts; stdlib only.

The data lives in ``cables/data/collectives.csv`` (see ``cables/data/README.md``). A member is a post code or a
selector expanded against ``cables/postdata``: ``embassy:FR`` (the post representing that country), ``country:DE``
(every post in it), ``consulates:MX``, ``region:WHA`` (the embassies of a bureau), ``all:embassies``,
``all:posts``; ``-code`` removes a post. The parser names the collective; the database copy (``cables.Collective``,
editable in the admin) is what demarches are expanded with.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from . import postdata

__all__ = ["CollectiveInfo", "all_collectives", "get", "resolve_collective", "is_collective_name", "expand"]

DATA_FILE = Path(__file__).resolve().parent / "data" / "collectives.csv"
# Words that make an addressee a collective even when it is not in the table.
_COLLECTIVE_ENDINGS = ("COLLECTIVE", "DIPL POSTS", "MEMBER STATES", "CANDIDATE STATES", "POSTS", "DEVELOPMENT COMMUNITY")
_NOISE = frozenset({"FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE", "NIACT", "INFO", "TO", "ALL"})


@dataclass(frozen=True)
class CollectiveInfo:
    key: str  # stable slug: "all-nato-posts", "eu-member-states"
    name: str  # display name: "All NATO Post Collective"
    aliases: tuple[str, ...]  # addressee and prose spellings: ("ALL NATO POST COLLECTIVE", "NATO CAPITALS")
    routing_indicators: tuple[str, ...]  # ("RUEHXP",)
    members: tuple[str, ...]  # post codes, selectors expanded
    as_of: str  # ISO date the membership holds for
    source: str  # what the membership is


def _key(text: str) -> str:
    """Fold a spelling for look-up: upper case, no punctuation, no routing noise, no trailing COLLECTIVE."""
    words = [w for w in postdata._fold(text).split() if w not in _NOISE and not w.isdigit()]
    if words and words[-1] == "COLLECTIVE":
        words.pop()
    return " ".join(words)


def expand(selectors: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Post codes of a member list: codes and selectors in order, duplicates and unknown countries dropped."""
    posts = postdata.all_posts()
    found: list[str] = []
    for item in selectors:
        item = item.strip()
        if item.startswith("-"):
            found = [code for code in found if code != item[1:]]
            continue
        kind, _, arg = item.partition(":")
        if not arg:
            picked = [item] if postdata.get(item) else []
        elif kind == "embassy":
            picked = _representing(arg.upper())
        elif kind == "country":
            picked = [p.code for p in posts if p.country_code == arg.upper()]
        elif kind == "consulates":
            picked = [p.code for p in posts if p.country_code == arg.upper() and p.kind == "consulate"]
        elif kind == "region":
            picked = [p.code for p in posts if p.region == arg.upper() and _represents(p)]
        elif item == "all:embassies":
            picked = [p.code for p in posts if _represents(p)]
        elif item == "all:posts":
            picked = [p.code for p in posts if p.kind != "department"]
        else:
            picked = []
        found += [code for code in picked if code not in found]
    return tuple(found)


def _represents(post: postdata.PostInfo) -> bool:
    """An embassy, or the AIT office or interests section that stands in for one (Taipei, Havana)."""
    return post.kind == "embassy" or (post.kind in ("ait", "office") and bool(post.releasability_names))


def _representing(country_code: str) -> list[str]:
    return [p.code for p in postdata.all_posts() if p.country_code == country_code and _represents(p)][:1]


@dataclass(frozen=True)
class _Data:
    collectives: tuple[CollectiveInfo, ...]
    by_key: dict[str, CollectiveInfo]
    by_name: dict[str, CollectiveInfo]
    by_indicator: dict[str, CollectiveInfo]


def _split(value: str, sep: str = ";") -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(sep) if v.strip())


@functools.cache
def _data() -> _Data:
    with DATA_FILE.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    collectives = tuple(
        CollectiveInfo(
            key=row["key"],
            name=row["name"],
            aliases=_split(row["aliases"]),
            routing_indicators=_split(row["routing_indicators"]),
            members=expand(row["members"].split()),
            as_of=row["as_of"],
            source=row["source"],
        )
        for row in rows
    )
    by_name: dict[str, CollectiveInfo] = {}
    by_indicator: dict[str, CollectiveInfo] = {}
    for info in collectives:
        for spelling in (info.name, info.key.replace("-", " "), *info.aliases):
            by_name.setdefault(_key(spelling), info)
        for indicator in info.routing_indicators:
            by_indicator.setdefault(indicator.upper(), info)
    return _Data(collectives, {c.key: c for c in collectives}, by_name, by_indicator)


def all_collectives() -> tuple[CollectiveInfo, ...]:
    """Every collective, in file order."""
    return _data().collectives


def get(key: str) -> CollectiveInfo | None:
    return _data().by_key.get(key)


@functools.lru_cache(maxsize=4096)
def resolve_collective(raw: str) -> CollectiveInfo | None:
    """The collective an addressee or a prose group names: 'RUCNMEM/EU MEMBER STATES COLLECTIVE PRIORITY',
    'EU MEMBER STATES', 'Gulf Cooperation Council states'; None when not in the table."""
    if not raw or len(raw) > 200:
        return None
    indicator, sep, rest = raw.partition("/")
    text = rest if sep and 2 <= len(indicator.strip()) <= 8 and indicator.strip().isalnum() else raw
    data = _data()
    found = data.by_name.get(_key(text))
    if found is None and sep and text is rest:
        found = data.by_indicator.get(indicator.strip().upper())
    return found


def is_collective_name(raw: str) -> bool:
    """Whether an addressee names a group of posts ('... COLLECTIVE', '... DIPL POSTS'), known or not."""
    words = postdata._fold(raw).split()
    while words and (words[-1] in _NOISE or words[-1].isdigit()):
        words.pop()
    text = " ".join(words)
    return text.endswith(_COLLECTIVE_ENDINGS) or resolve_collective(raw) is not None
