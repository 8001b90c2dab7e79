"""Split FM/TO/INFO segments into addressees and resolve them against the reference data of posts."""

from __future__ import annotations

import re
from functools import lru_cache

from .model import Addressee

try:  # the reference data is optional so the parser still runs stand-alone
    from cables import postdata as _postdata
except Exception:  # noqa: BLE001 - any failure to load the data must not break parsing
    _postdata = None

# Words that open a new addressee; the one-line archive header runs them all together.
STARTERS = (
    "AMEMBASSY AMCONSUL AMCONGEN AIT USMISSION USEU USNATO USINT USLO USOFFICE SECSTATE SECDEF CDR CIA DIA NSC "
    "JOINT DEPT TREASURY HQ COMDT CNO DIRNSA WHITE FBI HOMELAND CJCS USDAO DOE DOD NATIONAL ALL AMEMB USUN "
    "USDOC DHS NRC EPA USCINCPAC USCENTCOM USEUCOM USAFRICOM USPACOM USSOCOM CSAF SECNAV CMC DTRA DEA DOJ"
).split()
OTHER_STARTERS = frozenset(
    "SECDEF CDR CIA DIA NSC JOINT DEPT TREASURY HQ COMDT CNO DIRNSA WHITE FBI HOMELAND CJCS USDAO DOE DOD "
    "NATIONAL USDOC DHS NRC EPA USCINCPAC USCENTCOM USEUCOM USAFRICOM USPACOM USSOCOM CSAF SECNAV CMC DTRA "
    "DEA DOJ".split()
)
LOCATION_ENDS = frozenset("WASHINGTON WASHDC DC FL GE MD VA HI NY".split())
NOISE = frozenset("IMMEDIATE PRIORITY ROUTINE FLASH NIACT PIORITY PRIORTY IMMEDAITE BT".split())
NOISE_RE = re.compile(r"^(?:\d{1,5}(?:-\d{1,5})?|/{1,2})$")
NOISE_FIRST = frozenset("0123456789/")
ROUTING_INDICATOR_RE = re.compile(r"(?:(?<=\s)|^)[A-Z]{2,8}/(?=[A-Z])")
KIND_BY_PREFIX = {
    "AMEMBASSY": "embassy",
    "AMEMB": "embassy",
    "AMCONSUL": "consulate",
    "AMCONGEN": "consulate",
    "AIT": "ait",
    "USMISSION": "mission",
    "USEU": "mission",
    "USNATO": "mission",
    "USUN": "mission",
    "USINT": "office",
    "USLO": "office",
    "USOFFICE": "office",
    "SECSTATE": "department",
}


def split_addressees(segment: str | None) -> list[str]:
    """Return each addressee's name, without routing indicators, precedence words and serial numbers."""
    if not segment:
        return []
    names: list[str] = []
    for line in segment.split("\n")[:2000]:
        names.extend(_split_line(line))
    return names


def _split_line(line: str) -> list[str]:
    line = line.replace("//", " ")
    if "/" in line:  # the indicator needs a slash; most lines have none and skip the scan
        line = ROUTING_INDICATOR_RE.sub("", line)
    # NOISE_RE only matches tokens opening with a digit or a slash: test that before calling it
    tokens = [t for t in line.split() if t.upper() not in NOISE and not (t[0] in NOISE_FIRST and NOISE_RE.match(t))]
    groups: list[list[str]] = []
    for token in tokens:
        starts_new = token.upper() in STARTERS and not (groups and _continues(groups[-1], token))
        if starts_new or not groups or groups[-1][-1].upper() == "COLLECTIVE":
            groups.append([token])
        else:
            groups[-1].append(token)
    names: list[str] = []
    for group in groups:
        names.extend(_split_collective(group))
    return names


def _continues(group: list[str], token: str) -> bool:
    # "USMISSION USUN NEW YORK", "CDR USCENTCOM MACDILL AFB FL", "TREASURY DEPT WASHINGTON DC": one addressee
    # each, although the second word also opens addressees of its own.
    head, word = group[0].upper(), token.upper()
    if head == "USMISSION" and len(group) == 1:
        return True
    if head in OTHER_STARTERS and word in OTHER_STARTERS | {"USNATO", "USUN", "USEU"}:
        return not any(t.upper() in LOCATION_ENDS for t in group)
    return False


def _split_collective(group: list[str]) -> list[str]:
    """'AMEMBASSY X IRAN COLLECTIVE' on one line is two addressees; keep the longest resolvable post."""
    if len(group) < 4 or group[-1].upper() != "COLLECTIVE" or group[0].upper() not in KIND_BY_PREFIX:
        return [" ".join(group)]
    for cut in range(len(group) - 2, 1, -1):
        if _lookup(" ".join(group[:cut])):
            return [" ".join(group[:cut]), " ".join(group[cut:])]
    return [" ".join(group)]


@lru_cache(maxsize=4096)
def _lookup(name: str):  # -> PostInfo | None
    if _postdata is None:
        return None
    try:
        return _postdata.resolve_addressee(name)
    except Exception:  # noqa: BLE001 - bad reference data must not crash a parse
        return None


@lru_cache(maxsize=4096)
def resolve(name: str) -> Addressee:
    """Map an addressee name to a post; collectives and other agencies keep their own name."""
    upper = name.upper()
    if upper.endswith("COLLECTIVE"):
        return Addressee(name, name, None, None, "collective")
    post = _lookup(name)
    if post is not None:
        return Addressee(name, post.name, post.code, post.country or None, post.kind)
    first = upper.split()[0] if upper.split() else ""
    if first in OTHER_STARTERS or re.search(r"\bWASH(?:INGTON|DC)\b|\bAFB\b|\bDC$", upper):
        return Addressee(name, name, None, None, "other")
    return Addressee(name, None, None, None, "unknown")


def lookup_post(name: str):  # -> PostInfo | None
    """Resolve a prose post name ('Embassy Abu Dhabi', 'ConGen Hong Kong', 'Abu Dhabi')."""
    name = " ".join(name.split())
    if not name or len(name) > 80:
        return None
    return _lookup(name)


def lookup_country(name: str):  # -> PostInfo | None
    """Resolve a releasability name ('UAE', 'RUSSIA') to the embassy in that country."""
    if _postdata is None or not name or len(name) > 80:
        return None
    return _lookup_country(" ".join(name.split()))


@lru_cache(maxsize=4096)
def _lookup_country(name: str):
    try:
        return _postdata.resolve_releasability(name)
    except Exception:  # noqa: BLE001
        return None


def origin_from_sender(name: str | None) -> str | None:
    """Spell the sender the way the archive does: 'Secretary of State', 'Embassy Bern', 'Consulate X'."""
    if not name:
        return None
    words = name.upper().split()
    if not words:
        return None
    if words[0] == "SECSTATE":
        return "Secretary of State"
    city = " ".join(words[1:]).title()
    label = {"AMEMBASSY": "Embassy", "AMEMB": "Embassy", "AMCONSUL": "Consulate", "AMCONGEN": "Consulate"}
    if words[0] in label:
        return f"{label[words[0]]} {city}".strip()
    if words[0] == "AIT":
        return "American Institute Taiwan, Taipei"
    if words[0] in {"USMISSION", "USEU", "USNATO", "USUN"}:
        rest = words[1:] if words[0] == "USMISSION" else words
        return "Mission " + (rest[0] if rest and rest[0].startswith("US") else " ".join(rest).title())
    return name.title()
