"""Reference data of US diplomatic posts (about 2009-2010), pure Python (stdlib only).

The data lives in ``cables/data/posts.csv`` (see ``cables/data/README.md``) and is loaded once, lazily.
Interface: see ``docs/contract.md`` section "cables/postdata.py".
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import relcodes

__all__ = [
    "PostInfo", "all_posts", "get", "get_by_indicator", "resolve_addressee", "resolve_releasability", "REGIONS", "KINDS"
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "posts.csv"

REGIONS = frozenset({"AF", "EAP", "EUR", "NEA", "SCA", "WHA", "IO"})
KINDS = ("embassy", "ait", "office", "consulate", "department", "mission")  # also the tie-break order


@dataclass(frozen=True)
class PostInfo:
    code: str  # stable unique slug: "abu-dhabi", "hong-kong", "ait-taipei", "usnato", "secstate"
    name: str  # display name: "Abu Dhabi", "AIT Taipei", "USEU Brussels", "Department of State"
    kind: str  # embassy | consulate | mission | ait | office | department
    city: str
    country: str  # host country or authority ("Hong Kong", "Taiwan", "NATO", "United Nations")
    country_code: str  # ISO 3166-1 alpha-2 ("" where none; "XK" for Kosovo)
    region: str  # State bureau: AF EAP EUR NEA SCA WHA IO ("" for the Department itself)
    timezone: str  # IANA zone
    weekend: tuple[int, ...]  # ISO weekday numbers (1=Monday ... 7=Sunday) of the host weekend
    routing_names: tuple[str, ...]  # cable addressee forms: ("AMEMBASSY ABU DHABI",)
    routing_indicators: tuple[str, ...]  # ("RUEHAD",)
    releasability_names: tuple[str, ...]  # how REL markings name the host: ("UNITED ARAB EMIRATES", "UAE", "ARE")


# --- normalisation ---------------------------------------------------------------------------------------

# Trailing words dropped from an addressee line (precedence, incl. misspellings seen in cables).
_PRECEDENCE = frozenset(
    {"FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE", "NIACT", "CRITIC", "OPERATIONAL",
     "PIORITY", "PRIORTY", "PRORITY", "PRIOIRTY", "IMMEDAITE", "IMMEDIATLY", "IMMEDITE"}
)
# Leading words dropped from an addressee line.
_LEAD_NOISE = frozenset({"TO", "INFO", "FM", "FROM", "CC", "XMT"})
# Prefixes naming the kind of post ("Embassy Abu Dhabi", "ConGen Hong Kong", "AMEMBASSY MEXICO").
_PREFIXES = frozenset(
    tuple(p.split())
    for p in (
        "AMEMBASSY", "AMEMB", "AMCONSUL", "AMCONGEN", "AMCON", "EMBASSY", "EMB", "CONSULATE", "CONSULATE GENERAL",
        "CONGEN", "CG", "CONSUL GENERAL", "POST", "MISSION", "USMISSION", "US MISSION", "US MISSION TO",
        "MISSION TO", "USMISSION TO", "US EMBASSY", "US EMBASSY IN", "EMBASSY IN", "AMERICAN EMBASSY",
        "US CONSULATE", "US CONSULATE GENERAL", "US CONSULATE IN", "CONSULATE IN", "CONSULATE GENERAL IN",
        "AMERICAN CONSULATE", "AMERICAN CONSULATE GENERAL", "USCONSUL", "USEMBASSY", "USCONGEN",
        "THE EMBASSY", "THE CONSULATE", "POSTS IN", "POST IN",
    )
)
_MAX_PREFIX = max(len(p) for p in _PREFIXES)

# Prose names of posts that cannot be derived from the CSV columns.
_EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "secstate": ("DEPARTMENT", "THE DEPARTMENT", "DEPT", "DEPT OF STATE", "STATE DEPARTMENT", "US DEPARTMENT OF STATE",
                 "SECRETARY OF STATE"),
    "usun-new-york": ("US MISSION TO THE UN", "US MISSION TO THE UNITED NATIONS", "US MISSION TO THE UN NEW YORK",
                      "USUN NY", "US MISSION NEW YORK"),
    "useu-brussels": ("US MISSION TO THE EU", "US MISSION TO THE EUROPEAN UNION", "MISSION TO THE EU"),
    "usnato": ("US MISSION TO NATO", "MISSION TO NATO", "US NATO"),
    "usosce-vienna": ("US MISSION TO THE OSCE", "MISSION TO THE OSCE"),
    "unvie-vienna": ("US MISSION TO THE UN VIENNA", "US MISSION TO INTERNATIONAL ORGANIZATIONS IN VIENNA",
                     "US MISSION UNVIE"),
    "usoecd-paris": ("US MISSION TO THE OECD",),
    "usunesco-paris": ("US MISSION TO UNESCO",),
    "usun-rome": ("US MISSION TO THE UN AGENCIES IN ROME", "US MISSION TO THE UN AGENCIES ROME"),
    "usicao-montreal": ("US MISSION TO ICAO",),
    "usoas-washington": ("US MISSION TO THE OAS",),
    "usau-addis-ababa": ("US MISSION TO THE AU", "US MISSION TO THE AFRICAN UNION"),
    "usasean-jakarta": ("US MISSION TO ASEAN",),
    "usmission-geneva": ("GENEVA", "US MISSION TO THE UN GENEVA", "US MISSION TO THE UN IN GENEVA"),
    "cd-geneva": ("US DELEGATION TO THE CONFERENCE ON DISARMAMENT",),
    "ait-taipei": ("AMERICAN INSTITUTE IN TAIWAN", "AIT"),
    "usint-havana": ("US INTERESTS SECTION HAVANA", "US INTERESTS SECTION", "USINT"),
}

_DROP = str.maketrans({".": None, "'": None, "\u2019": None, "`": None})
_SPACE = str.maketrans({c: " " for c in ",;:-_\t\r\n\"\u2013\u2014"})


def _fold(text: str) -> str:
    """Upper-case, strip accents and punctuation, collapse spaces: "Côte d'Ivoire" -> "COTE DIVOIRE"."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.translate(_DROP).translate(_SPACE).upper().split())


def _is_sequence(token: str) -> bool:
    # "0000", "4460", "7881-7884" (hyphens are already spaces, so plain digits remain)
    return token.isdigit()


# --- loading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Data:
    posts: tuple[PostInfo, ...]
    by_code: dict[str, PostInfo]
    by_name: dict[str, PostInfo]  # folded addressee forms, names, codes, cities
    by_country: dict[str, PostInfo]  # folded country names / REL names -> principal post
    by_indicator: dict[str, PostInfo]
    by_rel: dict[str, PostInfo]


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(";") if v.strip())


def _read(path: Path) -> tuple[PostInfo, ...]:
    with path.open(newline="", encoding="utf-8") as fh:
        return tuple(
            PostInfo(
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                city=row["city"],
                country=row["country"],
                country_code=row["country_code"],
                region=row["region"],
                timezone=row["timezone"],
                weekend=tuple(int(d) for d in row["weekend"].split()),
                routing_names=_split(row["routing_names"]),
                routing_indicators=_split(row["routing_indicators"]),
                releasability_names=_split(row["releasability_names"]),
            )
            for row in csv.DictReader(fh)
        )


@functools.cache
def _data() -> _Data:
    posts = _read(DATA_FILE)
    by_code = {p.code: p for p in posts}
    rank = {k: i for i, k in enumerate(KINDS)}
    ordered = sorted(posts, key=lambda p: rank.get(p.kind, len(KINDS)))  # stable: CSV order within a kind

    by_name: dict[str, PostInfo] = {}

    def add(mapping: dict[str, PostInfo], key: str, post: PostInfo) -> None:
        key = _fold(key)
        if key:
            mapping.setdefault(key, post)

    # Layers, most specific first; within a layer embassies win over consulates and missions.
    for p in ordered:  # 1. exact cable addressee forms
        for rn in p.routing_names:
            add(by_name, rn, p)
    for p in ordered:  # 2. display names, codes, prose aliases
        add(by_name, p.name, p)
        add(by_name, p.code, p)
        for alias in _EXTRA_ALIASES.get(p.code, ()):
            add(by_name, alias, p)
    for p in ordered:  # 3. bare place names: "ABU DHABI", "HONG KONG", "MEXICO" (from "AMEMBASSY MEXICO")
        add(by_name, p.city, p)
        for rn in p.routing_names:
            head, _, rest = rn.partition(" ")
            if head in ("AMEMBASSY", "AMCONSUL") and rest:
                add(by_name, rest, p)

    by_rel: dict[str, PostInfo] = {}
    for p in ordered:
        for rel in p.releasability_names:
            add(by_rel, rel, p)
    by_country: dict[str, PostInfo] = dict(by_rel)
    for p in ordered:
        if p.kind in ("embassy", "ait"):
            add(by_country, p.country, p)

    by_indicator: dict[str, PostInfo] = {}
    for p in ordered:
        for ind in p.routing_indicators:
            by_indicator.setdefault(ind.upper(), p)

    return _Data(posts, by_code, by_name, by_country, by_indicator, by_rel)


# --- public API --------------------------------------------------------------------------------------------


def all_posts() -> tuple[PostInfo, ...]:
    """Every post, in CSV order (the Department first, then by code)."""
    return _data().posts


def get(code: str) -> PostInfo | None:
    """The post with this code ("abu-dhabi"), or None."""
    return _data().by_code.get(code)


@functools.lru_cache(maxsize=16384)
def resolve_addressee(raw: str) -> PostInfo | None:
    """Map any addressee spelling to its post, or None (collectives, non-State addressees, unknowns).

    Accepts cable forms ("RUEHAD/AMEMBASSY ABU DHABI IMMEDIATE 0000", "AMCONSUL HONG KONG", "USEU BRUSSELS",
    "SECSTATE WASHDC") and prose forms ("Embassy Abu Dhabi", "ConGen Hong Kong", "AIT Taipei", "Abu Dhabi").
    """
    if not raw:
        return None
    text = raw
    cut = text.find("(")  # "Hong Kong (for Macau SAR Authorities)"
    if cut >= 0:
        text = text[:cut]
    cut = text.find("//")  # "CIA WASHINGTON DC// PRIORITY"
    if cut >= 0:
        text = text[:cut]
    first, space, after = text.strip().partition(" ")
    if space and first.upper() in _LEAD_NOISE:  # "INFO RUEHBJ/AMEMBASSY BEIJING"
        text = after
    indicator = ""
    head, sep, rest = text.partition("/")
    if sep:
        head = head.strip()
        if 2 <= len(head) <= 8 and head.isalnum():  # "RUEHAD/...", "ZEN/..."
            indicator = head.upper()
            text = rest
    tokens = _fold(text).split()
    while len(tokens) > 1 and tokens[0] in _LEAD_NOISE:
        del tokens[0]
    while tokens and (tokens[-1] in _PRECEDENCE or _is_sequence(tokens[-1])):
        tokens.pop()
    data = _data()
    if tokens:
        if tokens[-1] == "COLLECTIVE":
            return None
        post = data.by_name.get(" ".join(tokens))
        if post is not None:
            return post
        if tokens[0] == "THE" and len(tokens) > 1:
            post = data.by_name.get(" ".join(tokens[1:]))
            if post is not None:
                return post
        for n in range(min(_MAX_PREFIX, len(tokens) - 1), 0, -1):
            if tuple(tokens[:n]) in _PREFIXES:
                rest_tokens = tokens[n:]
                if rest_tokens[0] == "THE" and len(rest_tokens) > 1:
                    rest_tokens = rest_tokens[1:]
                key = " ".join(rest_tokens)
                post = data.by_name.get(key) or data.by_country.get(key)
                if post is not None:
                    return post
                break
    if indicator:
        return data.by_indicator.get(indicator)
    return None


def get_by_indicator(indicator: str) -> PostInfo | None:
    """The post a message routing indicator stands for ("RUEHAD" -> Abu Dhabi), or None."""
    return _data().by_indicator.get(indicator.upper())


@functools.cache
def _iso_countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 -> country, for the countries a post represents."""
    return {p.country_code.upper(): p.country for p in _data().posts if p.country_code and p.releasability_names}


_REL_PREFIXES = (("RELEASABLE", "TO"), ("REL", "TO"), ("RELEASABLE",), ("REL",), ("THE",))


@functools.lru_cache(maxsize=4096)
def resolve_releasability(name: str, codes: bool = False) -> PostInfo | None:
    """The post serving the host named in a REL marking: "UAE" -> Abu Dhabi, "MACAU" -> Hong Kong, "TAIWAN" -> AIT.
    codes=True (a name read from a REL marking, not prose): also two-letter country codes, FIPS 10-4 first ("GM"
    -> Berlin, "IS" -> Tel Aviv), else ISO ("JP" -> Tokyo); see cables/relcodes.py."""
    if not name:
        return None
    if codes and len(name.strip()) == 2:
        found = resolve_releasability(name)  # "UK", "EU": a REL name of its own
        country = None if found else relcodes.country_of_code(name, _iso_countries())
        return found or (_data().by_country.get(_fold(country)) if country else None)
    tokens = _fold(name).split()
    data = _data()
    post = data.by_rel.get(" ".join(tokens))
    if post is not None:
        return post
    for prefix in _REL_PREFIXES:
        n = len(prefix)
        if len(tokens) > n and tuple(tokens[:n]) == prefix:
            tokens = tokens[n:]
    key = " ".join(tokens)
    return data.by_rel.get(key) or data.by_country.get(key)
