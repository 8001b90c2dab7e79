"""Two-letter country codes in REL markings ("REL AS, CA, FR, GM, IS, IT, JP, ROK, and UK"), stdlib only.

Cables of the period mix FIPS 10-4 codes (the US Government's own: AS Australia, GM Germany, IS Israel, UK) with
ISO 3166-1 alpha-2 ones (JP Japan). The rule: a two-letter code in a REL marking is read as FIPS 10-4 first
(cables/data/fips_codes.csv: the FIPS codes of the posts' host countries), else as the ISO code of a post's
country (posts.csv `country_code`). Where the two standards give one code to different countries, FIPS wins,
since these are US cables: IS is Israel (not Iceland, FIPS IC), AS Australia (not American Samoa), AU Austria (not
Australia), CH China (not Switzerland, FIPS SZ), GM Germany (not the Gambia), GB Gabon (not the UK, FIPS UK).
Three-letter codes (ISO alpha-3: DEU, AUS) and names are posts.csv `releasability_names`.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

FIPS_FILE = Path(__file__).resolve().parent / "data" / "fips_codes.csv"


@functools.cache
def fips_countries() -> dict[str, str]:
    """FIPS 10-4 code -> the country's name as posts.csv spells it ("GM" -> "Germany")."""
    with FIPS_FILE.open(newline="", encoding="utf-8") as fh:
        return {row["code"].strip().upper(): row["country"].strip() for row in csv.DictReader(fh)}


def country_of_code(code: str, iso: dict[str, str]) -> str | None:
    """The country a two-letter REL code names: FIPS first, then the given ISO code -> country map."""
    code = code.strip().upper()
    if len(code) != 2 or not code.isalpha():
        return None
    return fips_countries().get(code) or iso.get(code)
