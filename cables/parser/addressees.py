"""Split FM/TO/INFO segments into addressees and resolve them against the reference data of posts."""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any, Final

from .model import Addressee


def _reference_data(name: str) -> Any:
    """A module of the posts reference data, or None: the data is optional so the parser still runs stand-alone.
    Imported by name, not statically, so the mypyc build (native.py) compiles the parser alone."""
    try:
        return importlib.import_module(f"cables.{name}")
    except Exception:  # noqa: BLE001 - any failure to load the data must not break parsing
        return None


_postdata = _reference_data("postdata")
_collectivedata = _reference_data("collectivedata")

# Words that open a new addressee; the one-line archive header runs them all together.
STARTERS: Final = frozenset(
    "AMEMBASSY AMCONSUL AMCONGEN AIT USMISSION USEU USNATO USINT USLO USOFFICE SECSTATE SECDEF CDR CIA DIA NSC "
    "JOINT DEPT TREASURY HQ COMDT CNO DIRNSA WHITE FBI HOMELAND CJCS USDAO DOE DOD NATIONAL ALL AMEMB USUN "
    "USDOC DHS NRC EPA USCINCPAC USCENTCOM USEUCOM USAFRICOM USPACOM USSOCOM CSAF SECNAV CMC DTRA DEA DOJ".split()
)
OTHER_STARTERS: Final = frozenset(
    "SECDEF CDR CIA DIA NSC JOINT DEPT TREASURY HQ COMDT CNO DIRNSA WHITE FBI HOMELAND CJCS USDAO DOE DOD "
    "NATIONAL USDOC DHS NRC EPA USCINCPAC USCENTCOM USEUCOM USAFRICOM USPACOM USSOCOM CSAF SECNAV CMC DTRA "
    "DEA DOJ DEPARTMENT OSD NCTC DNI JCS ONI USAID NGA NSA DOI USDA DISA MDA CIFA USIA FAA TSA USCG NASA "
    "MILLENNIUM PEACE ODC TLO JAC JICCENT EUCOM SOUTHCOM NORTHCOM USSOUTHCOM USNORTHCOM NSACSS CHUSMTM JUSMAG "
    "USMILGP MILGP USNMR SHAPE USDELMC NATO FRC DAO WHITEHOUSE SECARMY SECAF USAF USN USMC DIRJIATF USTR".split()
)
# Military commands and agency offices are spelt as a prefix glued to the command: CDRUSAREUR, COMUSKOREA,
# CJTF-HOA, USCINCSO, DIRJIATF, HQS USNORTHCOM.
OTHER_PREFIX_RE: Final = re.compile(
    r"^(?:CDR|COM[A-Z]|CJTF|USCINC|CINC|HQS?\b|DIR[A-Z]|USDEL|USMILREP|DTRA|CH[A-Z]*USM|USF[JK]\b|CCGD|ODR|NAV[A-Z]"
    r"|USCENT|MNF|MNC|PANCANAL|USNIC)"
)
# Where a command sits: a base ("INCIRLIK AB", "RAF MOLESWORTH", "CAMP LEMONIER", "FT GEORGE G MEADE") or a unit
# designator ("39ABG", "425ABS") or a Washington agency.
OTHER_PLACE_RE: Final = re.compile(r"\b(?:WASH(?:INGTON|DC)|AFB|AB|RAF|CAMP|FT|NAS|BASE)\b|\bDC$|\b\d{1,4}[A-Z]{2,6}\b")
# Military addresses end with a US state or a two/three-letter country code: "... MIAMI FL", "... VAIHINGEN GE".
LOCATION_ENDS: Final = frozenset(
    "WASHINGTON WASHDC DC FL GE MD VA HI NY NC SC GA TX CA CO OK KS AZ WA NJ OH NE IL AL BE UK TU IT SA DJ NO "
    "KOR JA SP GR PO BA KU QA AE IZ SR PK".split()
)
NOISE: Final = frozenset("IMMEDIATE PRIORITY ROUTINE FLASH NIACT PIORITY PRIORTY IMMEDAITE BT SUSTEL".split())
# A month abbreviation inside a name is archive debris between two addressees ("AMEMBASSY LA PAZ JAN QUITO")
MONTH_WORDS: Final = frozenset("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())
NOISE_RE: Final = re.compile(r"^(?:\d{1,5}(?:-\d{1,5})?|/{1,2})$")
NOISE_FIRST: Final = frozenset("0123456789/")
ROUTING_INDICATOR_RE: Final = re.compile(r"(?:(?<=\s)|^)[A-Z]{2,8}/(?=[A-Z0-9])")
BARE_INDICATOR_RE: Final = re.compile(r"^R[A-Z]{3,7}$")
# Lines that end the addressee block: a body date line, a handling note, the classification line, a header key
STOP_LINE_RE: Final = re.compile(
    r"(?i)^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,|note\s*[-:]|(?:top\s+)?secret\b|confidential\b|"
    r"unclas(?:sified)?\b|(?:[A-Z]{1,2} ){3,}[A-Z]|sipdis\b|sensitive\b|noforn\b|e\.?\s?o\.?\s+1\d{4}|tags?\b|subj)"
)
# Transmission lines of the relay mixed into a repeated header: VZCZC..., "DE RUEHC #1234", "ZNY CCCCC ZZH",
# "OO RUEHWEB", "R 041429Z JUN 09"
TRANSMISSION_RE: Final = re.compile(r"^\s*(?:VZCZC|ZN[YR]\b|DE\s+[A-Z]{4,}|[ROPZ]{1,2}\s+(?:R[A-Z]{3,}|\d{6}Z)|XMT\b)")
KIND_BY_PREFIX: Final = {
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
        found = _read_line(line)
        if found is None:
            break
        names.extend(found)
    return names


@lru_cache(maxsize=8192)
def _read_line(line: str) -> tuple[str, ...] | None:
    """One line's addressees, or None for a line that ends the block. Cached: a distribution line ('AMEMBASSY
    PARIS PRIORITY') recurs in cable after cable."""
    if STOP_LINE_RE.match(line):
        return None
    if TRANSMISSION_RE.match(line):
        return ()  # also "XMT AMCONSUL X": X is exempted from the distribution, not an addressee
    return _split_line(line)


def _split_line(line: str) -> tuple[str, ...]:
    line = line.replace("//", " ")
    if "/" in line:  # the indicator needs a slash; most lines have none and skip the scan
        line = ROUTING_INDICATOR_RE.sub("", line)
    # NOISE_RE only matches tokens opening with a digit or a slash: test that before calling it
    tokens = [t for t in line.split() if t.upper() not in NOISE and not (t[0] in NOISE_FIRST and NOISE_RE.match(t))]
    groups: list[list[str]] = []
    for token in tokens:
        upper = token.upper()
        if upper in MONTH_WORDS and groups and len(groups[-1]) > 1:
            groups.append([])  # "AMEMBASSY LA PAZ JAN QUITO": the month separates two addressees
            continue
        starts_new = upper in STARTERS and not (groups and groups[-1] and _continues(groups[-1], token))
        if starts_new or not groups or (groups[-1] and groups[-1][-1].upper() == "COLLECTIVE"):
            groups.append([token])
        else:
            groups[-1].append(token)
    names: list[str] = []
    for group in groups:
        if group:
            names.extend(_split_collective(group))
    return tuple(names)


def _continues(group: list[str], token: str) -> bool:
    # "USMISSION USUN NEW YORK", "CDR USCENTCOM MACDILL AFB FL", "TREASURY DEPT WASHINGTON DC": one addressee
    # each, although the second word also opens addressees of its own.
    head, word = group[0].upper(), token.upper()
    if (head == "USMISSION" and len(group) == 1) or group[-1].upper() in {"OF", "THE", "AND"}:
        return True  # "DEPARTMENT OF TREASURY", "THE WHITE HOUSE"
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
    if _collectivedata is not None and _collectivedata.is_collective_name(name):
        info = _collectivedata.resolve_collective(name)
        return Addressee(name, name, None, None, "collective", info.key if info else None)
    post = _lookup(name)
    if post is not None:
        return Addressee(name, post.name, post.code, post.country or None, post.kind)
    if is_other(upper):
        return Addressee(name, name, None, None, "other")
    return Addressee(name, None, None, None, "unknown")


def is_other(upper: str) -> bool:
    """A military command, an agency or a bare routing indicator: addressed, but no diplomatic post."""
    words = upper.replace("/", " ").split()
    if not words:
        return False
    first = words[0].strip("-")
    if first in {"USMISSION", "US"} and len(words) > 1:
        first = words[1]  # "USMISSION USTR GENEVA"
    if first in OTHER_STARTERS or OTHER_PREFIX_RE.match(first) or BARE_INDICATOR_RE.match(upper):
        return True
    if "/" in upper and BARE_INDICATOR_RE.match(upper.split("/", 1)[0]):
        return True  # "RHMFISS/39ABG INCIRLIK AB TU": a routing indicator the post look-up could not use
    return len(words) > 1 and (words[-1] in LOCATION_ENDS or OTHER_PLACE_RE.search(upper) is not None)


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
def _lookup_country(name: str, codes: bool = False):
    try:
        return _postdata.resolve_releasability(name, codes)
    except Exception:  # noqa: BLE001
        return None


def lookup_rel(name: str):  # -> PostInfo | None
    """Resolve a name read from a REL marking: lookup_country, and two-letter codes ('GM', 'IS': FIPS first)."""
    if _postdata is None or not name or len(name) > 80:
        return None
    return _lookup_country(" ".join(name.split()), True)


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
