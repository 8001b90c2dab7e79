"""Reference data of posts (cables/postdata.py): pure Python, no database."""

from __future__ import annotations

import csv
import dataclasses
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

import pytest

from cables import postdata
from cables.postdata import PostInfo, all_posts, get, resolve_addressee, resolve_releasability

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "cables" / "data"
REGIONS = {"AF", "EAP", "EUR", "NEA", "SCA", "WHA", "IO"}
KINDS = {"embassy", "consulate", "mission", "ait", "office", "department"}


def _route_rows() -> list[tuple[str, str]]:
    with (DATA / "route2name.csv").open(newline="", encoding="utf-8") as fh:
        return [(ind, name) for ind, name in csv.reader(fh)]


# --- the data ----------------------------------------------------------------------------------------------


def test_about_all_posts_are_there():
    posts = all_posts()
    assert 260 <= len(posts) <= 300
    assert all(isinstance(p, PostInfo) for p in posts)
    assert sum(p.kind == "embassy" for p in posts) >= 160
    assert all_posts() is posts  # loaded once


def test_codes_are_unique_slugs_and_get_finds_them():
    codes = [p.code for p in all_posts()]
    assert len(codes) == len(set(codes))
    for p in all_posts():
        assert p.code == p.code.lower() and " " not in p.code and p.code
        assert get(p.code) is p
    assert get("no-such-post") is None


def test_every_post_has_valid_fields():
    for p in all_posts():
        assert p.kind in KINDS, p
        assert p.name and p.city, p
        zoneinfo.ZoneInfo(p.timezone)  # raises for an unknown zone
        if p.kind == "department":
            assert p.region == ""
        else:
            assert p.region in REGIONS, p
        assert p.weekend and all(1 <= d <= 7 for d in p.weekend) and list(p.weekend) == sorted(set(p.weekend)), p
        assert p.country_code == "" or (len(p.country_code) == 2 and p.country_code.isupper()), p
        assert p.routing_names, p
        assert all(i.isalnum() and i.isupper() for i in p.routing_indicators), p


def test_post_info_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get("abu-dhabi").name = "x"


def test_routing_names_and_releasability_names_are_not_shared():
    seen: dict[str, str] = {}
    rel: dict[str, str] = {}
    for p in all_posts():
        for name in p.routing_names:
            assert name not in seen, (name, seen.get(name), p.code)
            seen[name] = p.code
        for name in p.releasability_names:
            assert name not in rel, (name, rel.get(name), p.code)
            rel[name] = p.code


def test_contract_examples():
    ad = get("abu-dhabi")
    assert (ad.name, ad.kind, ad.city, ad.country, ad.country_code, ad.region, ad.timezone) == (
        "Abu Dhabi", "embassy", "Abu Dhabi", "United Arab Emirates", "AE", "NEA", "Asia/Dubai",
    )
    assert ad.routing_names[0] == "AMEMBASSY ABU DHABI" and "RUEHAD" in ad.routing_indicators
    assert {"UAE", "UNITED ARAB EMIRATES"} <= set(ad.releasability_names)
    hk = get("hong-kong")
    assert (hk.name, hk.kind, hk.country, hk.country_code, hk.region, hk.timezone) == (
        "Hong Kong", "consulate", "Hong Kong", "HK", "EAP", "Asia/Hong_Kong",
    )
    ait = get("ait-taipei")
    assert (ait.name, ait.kind, ait.country, ait.country_code, ait.timezone) == (
        "AIT Taipei", "ait", "Taiwan", "TW", "Asia/Taipei",
    )
    assert get("useu-brussels").name == "USEU Brussels" and get("useu-brussels").region == "EUR"
    assert get("usnato").region == "EUR" and get("usosce-vienna").region == "EUR"
    assert get("usun-new-york").region == "IO" and get("unvie-vienna").region == "IO"
    dept = get("secstate")
    assert (dept.name, dept.kind, dept.region, dept.timezone) == (
        "Department of State", "department", "", "America/New_York",
    )


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("ottawa", "WHA"), ("canberra", "EAP"), ("beijing", "EAP"), ("moscow", "EUR"), ("ankara", "EUR"),
        ("tbilisi", "EUR"), ("tel-aviv", "NEA"), ("cairo", "NEA"), ("tripoli", "NEA"), ("rabat", "NEA"),
        ("new-delhi", "SCA"), ("astana", "SCA"), ("kabul", "SCA"), ("nairobi", "AF"), ("khartoum", "AF"),
        ("usmission-geneva", "IO"), ("usun-rome", "IO"), ("usicao-montreal", "IO"), ("usau-addis-ababa", "AF"),
        ("usoas-washington", "WHA"), ("usasean-jakarta", "EAP"), ("pristina", "EUR"), ("usint-havana", "WHA"),
    ],
)
def test_regions(code, region):
    assert get(code).region == region


@pytest.mark.parametrize(
    ("code", "tz"),
    [
        ("astana", "Asia/Almaty"), ("hong-kong", "Asia/Hong_Kong"), ("ait-taipei", "Asia/Taipei"),
        ("vladivostok", "Asia/Vladivostok"), ("yekaterinburg", "Asia/Yekaterinburg"), ("recife", "America/Recife"),
        ("perth", "Australia/Perth"), ("vancouver", "America/Vancouver"), ("tijuana", "America/Tijuana"),
        ("ponta-delgada", "Atlantic/Azores"), ("kyiv", "Europe/Kyiv"), ("rangoon", "Asia/Yangon"),
    ],
)
def test_timezones(code, tz):
    assert get(code).timezone == tz


@pytest.mark.parametrize(
    ("code", "weekend"),
    [
        ("riyadh", (5, 6)), ("jeddah", (5, 6)), ("kuwait", (5, 6)), ("doha", (5, 6)), ("manama", (5, 6)),
        ("muscat", (5, 6)), ("cairo", (5, 6)), ("amman", (5, 6)), ("baghdad", (5, 6)), ("tel-aviv", (5, 6)),
        ("dhaka", (5, 6)), ("tripoli", (5, 6)), ("algiers", (5, 6)), ("khartoum", (5, 6)), ("sanaa", (5, 6)),
        ("abu-dhabi", (6, 7)), ("dubai", (6, 7)), ("bandar-seri-begawan", (5, 7)), ("beirut", (6, 7)),
        ("rabat", (6, 7)), ("islamabad", (6, 7)), ("kuala-lumpur", (6, 7)), ("london", (6, 7)),
    ],
)
def test_weekends(code, weekend):
    assert get(code).weekend == weekend


# --- addressees --------------------------------------------------------------------------------------------


def test_every_embassy_and_consulate_of_the_routing_table_resolves():
    rows = [(ind, name) for ind, name in _route_rows() if name.split()[0] in ("AMEMBASSY", "AMCONSUL")]
    assert len(rows) == 246
    for ind, name in rows:
        post = resolve_addressee(name)
        assert post is not None, name
        assert post.kind in ("embassy", "consulate"), (name, post)
        assert ind in post.routing_indicators, (ind, name, post.code)
        assert resolve_addressee(f"{ind}/{name} PRIORITY 0000") is post
        assert resolve_addressee(name.lower()) is post


# Seed cable 09STATE4690: FM SECSTATE WASHDC, the whole TO list, and the host each post is expected to have.
SEED_TO = [
    ("AMEMBASSY ABU DHABI", "abu-dhabi", "United Arab Emirates", "NEA"),
    ("AMEMBASSY AMMAN", "amman", "Jordan", "NEA"),
    ("AMEMBASSY ASTANA", "astana", "Kazakhstan", "SCA"),
    ("AMEMBASSY BANGKOK", "bangkok", "Thailand", "EAP"),
    ("AMEMBASSY BEIJING", "beijing", "China", "EAP"),
    ("AMEMBASSY BRATISLAVA", "bratislava", "Slovakia", "EUR"),
    ("AMEMBASSY BUCHAREST", "bucharest", "Romania", "EUR"),
    ("AMEMBASSY BUDAPEST", "budapest", "Hungary", "EUR"),
    ("AMEMBASSY CAIRO", "cairo", "Egypt", "NEA"),
    ("AMEMBASSY CANBERRA", "canberra", "Australia", "EAP"),
    ("AMEMBASSY ISLAMABAD", "islamabad", "Pakistan", "SCA"),
    ("AMEMBASSY KUALA LUMPUR", "kuala-lumpur", "Malaysia", "EAP"),
    ("AMEMBASSY KUWAIT", "kuwait", "Kuwait", "NEA"),
    ("AMEMBASSY LJUBLJANA", "ljubljana", "Slovenia", "EUR"),
    ("AMEMBASSY MANAMA", "manama", "Bahrain", "NEA"),
    ("AMEMBASSY NEW DELHI", "new-delhi", "India", "SCA"),
    ("AMEMBASSY NICOSIA", "nicosia", "Cyprus", "EUR"),
    ("AMEMBASSY PANAMA", "panama-city", "Panama", "WHA"),
    ("AMEMBASSY RIGA", "riga", "Latvia", "EUR"),
    ("AMEMBASSY RIYADH", "riyadh", "Saudi Arabia", "NEA"),
    ("AMEMBASSY SANTIAGO", "santiago", "Chile", "WHA"),
    ("AMEMBASSY SINGAPORE", "singapore", "Singapore", "EAP"),
    ("AMEMBASSY TALLINN", "tallinn", "Estonia", "EUR"),
    ("AMEMBASSY TEL AVIV", "tel-aviv", "Israel", "NEA"),
    ("AMEMBASSY VALLETTA", "valletta", "Malta", "EUR"),
    ("AMEMBASSY VILNIUS", "vilnius", "Lithuania", "EUR"),
    ("AMEMBASSY ZAGREB", "zagreb", "Croatia", "EUR"),
    ("AMCONSUL HONG KONG", "hong-kong", "Hong Kong", "EAP"),
    ("AIT TAIPEI 0000", "ait-taipei", "Taiwan", "EAP"),
    ("AMEMBASSY TRIPOLI", "tripoli", "Libya", "NEA"),
]


@pytest.mark.parametrize(("raw", "code", "country", "region"), SEED_TO)
def test_seed_cable_addressees(raw, code, country, region):
    post = resolve_addressee(raw)
    assert post is not None and post.code == code
    assert (post.country, post.region) == (country, region)


def test_seed_to_list_is_the_one_in_the_cable():
    header = (ROOT / "tests" / "data" / "09STATE4690.txt").read_text(encoding="utf-8").split("\n")[1]
    to_list = header.split(" TO ", 1)[1].split(" INFO ", 1)[0]
    for raw, *_ in SEED_TO:
        assert raw in to_list
    assert resolve_addressee("SECSTATE WASHDC").code == "secstate"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("RUEHAD/AMEMBASSY ABU DHABI PRIORITY 0000", "abu-dhabi"),
        ("RUEHAD/AMEMBASSY ABU DHABI IMMEDIATE 0422", "abu-dhabi"),
        ("TO RUEHAD/AMEMBASSY ABU DHABI IMMEDIATE 0000", "abu-dhabi"),
        ("INFO RUEHBJ/AMEMBASSY BEIJING PRIORITY 2434", "beijing"),
        ("ZEN/AMEMBASSY BELMOPAN NIACT IMMEDIATE 2276-2279", "belmopan"),
        ("RUEHKV/AMEMBASSY KYIV NIACT IMMEDIATE 7881-7884", "kyiv"),
        ("AMEMBASSY NEW DELHI PIORITY", "new-delhi"),
        ("AMEMBASSY ABU DHABI", "abu-dhabi"),
        ("amembassy abu dhabi", "abu-dhabi"),
        ("  AMEMBASSY   ABU  DHABI  FLASH ", "abu-dhabi"),
        ("AMEMBASSY KUWAIT ROUTINE", "kuwait"),
        ("AMCONSUL HONG KONG", "hong-kong"),
        ("AMCONSUL ISTANBUL PRIORITY 012", "istanbul"),
        ("AIT TAIPEI", "ait-taipei"),
        ("USMISSION USUN NEW YORK", "usun-new-york"),
        ("RUCNDT/USMISSION USUN NEW YORK PRIORITY 0142", "usun-new-york"),
        ("USMISSION GENEVA", "usmission-geneva"),
        ("RUEHGV/USMISSION GENEVA PRIORITY 2758", "usmission-geneva"),
        ("USMISSION UNVIE VIENNA", "unvie-vienna"),
        ("RUEHUNV/USMISSION UNVIE VIENNA IMMEDIATE 0000", "unvie-vienna"),
        ("USEU BRUSSELS", "useu-brussels"),
        ("RUEHBS/USEU BRUSSELS IMMEDIATE", "useu-brussels"),
        ("USNATO", "usnato"),
        ("USMISSION USNATO IMMEDIATE", "usnato"),
        ("USMISSION USOSCE", "usosce-vienna"),
        ("SECSTATE WASHDC", "secstate"),
        ("RUEHC/SECSTATE WASHDC IMMEDIATE 4460", "secstate"),
        ("AMEMBASSY KABUL", "kabul"),
        ("RUEHBUL/AMEMBASSY KABUL 0000", "kabul"),
        ("RUEHUB/USINT HAVANA IMMEDIATE 0000", "usint-havana"),
        ("AMEMBASSY MEXICO", "mexico-city"),
        ("RUEHBRC/AMEMBASSY BRASILIA PRIORITY 0133", "brasilia"),
        ("AMCONSUL JERUSALEM", "jerusalem"),
        ("AMEMBASSY KIEV", "kyiv"),
        # prose forms
        ("Embassy Abu Dhabi", "abu-dhabi"),
        ("ConGen Hong Kong", "hong-kong"),
        ("AIT Taipei", "ait-taipei"),
        ("Abu Dhabi", "abu-dhabi"),
        ("Kuala Lumpur", "kuala-lumpur"),
        ("Hong Kong", "hong-kong"),
        ("Hong Kong (for Macau SAR Authorities)", "hong-kong"),
        ("AIT Taipei (for Taiwan Authorities)", "ait-taipei"),
        ("Embassy Canberra", "canberra"),
        ("U.S. Embassy Kuwait", "kuwait"),
        ("Mission UAE", "abu-dhabi"),
        ("Mission Geneva", "usmission-geneva"),
        ("Embassy Belize", "belmopan"),
        ("Consulate General Jeddah", "jeddah"),
        ("US Mission to NATO", "usnato"),
        ("the Department", "secstate"),
        ("Embassy Bogotá", "bogota"),
        ("Port-au-Prince", "port-au-prince"),
        ("N'Djamena", "ndjamena"),
        ("St. Petersburg", "st-petersburg"),
        # unknown name, known routing indicator
        ("RUEHAD/AMEMBASY ABU DAHBI PRIORITY 0000", "abu-dhabi"),
    ],
)
def test_resolve_addressee(raw, code):
    post = resolve_addressee(raw)
    assert post is not None, raw
    assert post.code == code


@pytest.mark.parametrize(
    "raw",
    [
        "", "   ", "SECDEF WASHDC", "SECDEF WASHDC PRIORITY", "RUEKJCS/SECDEF WASHINGTON DC",
        "JOINT STAFF WASHINGTON DC", "RHMFISS/JOINT STAFF WASHINGTON DC IMMEDIATE", "CIA WASHINGTON DC",
        "RUEAIIA/CIA WASHINGTON DC// PRIORITY", "NSC WASHDC PRIORITY", "DEPT OF TREASURY WASHDC PRIORITY",
        "CDR USCENTCOM MACDILL AFB FL PRIORITY", "ALL DIPLOMATIC AND CONSULAR POSTS COLLECTIVE IMMEDIATE",
        "INFO MISSILE TECHNOLOGY CONTROL REGIME COLLECTIVE", "RUEHZM/GULF COOPERATION COUNCIL COLLECTIVE PRIORITY",
        "IRAN COLLECTIVE", "USDEL FEST ONE", "SECSTATE SERVICE DESK WASHINGTON DC", "Macau", "Comment",
        "Summary", "AMEMBASSY TRIPOLI INFO MISSILE TECHNOLOGY CONTROL REGIME", "RUEHXX/NOWHERE PRIORITY",
        "AMEMBASSY ATLANTIS",
    ],
)
def test_non_posts_resolve_to_none(raw):
    assert resolve_addressee(raw) is None


def test_resolution_is_fast():
    raw = [f"RUEHAD/AMEMBASSY ABU DHABI PRIORITY {n:04d}" for n in range(5000)]
    raw += [f"SECDEF WASHINGTON DC PRIORITY {n:04d}" for n in range(5000)]
    uncached = resolve_addressee.__wrapped__
    start = time.perf_counter()
    for r in raw:
        uncached(r)
    assert time.perf_counter() - start < 2.0  # about 10 µs each; generous bound for slow machines


# --- releasability -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("UAE", "abu-dhabi"), ("UNITED ARAB EMIRATES", "abu-dhabi"), ("United Arab Emirates", "abu-dhabi"),
        ("MACAU", "hong-kong"), ("HONG KONG", "hong-kong"), ("TAIWAN", "ait-taipei"),
        ("SLOVAK REPUBLIC", "bratislava"), ("SLOVAKIA", "bratislava"), ("SAU", "riyadh"),
        ("SAUDI ARABIA", "riyadh"), ("LIBYA", "tripoli"), ("Ukraine", "kyiv"), ("CHINA", "beijing"),
        ("KAZAKHSTAN", "astana"), ("PAKISTAN", "islamabad"), ("RUSSIA", "moscow"), ("UK", "london"),
        ("BURMA", "rangoon"), ("KOSOVO", "pristina"), ("NATO", "usnato"), ("REL TO UAE", "abu-dhabi"),
        ("Côte d'Ivoire", "abidjan"),
    ],
)
def test_resolve_releasability(name, code):
    post = resolve_releasability(name)
    assert post is not None, name
    assert post.code == code


def test_seed_releasability_list_resolves():
    names = (
        "BAHRAIN, BELARUS, CHILE, CHINA, CROATIA, CYPRUS, EGYPT, ESTONIA, HONG KONG, INDIA, ISRAEL, JORDAN, "
        "KAZAKHSTAN, KUWAIT, LATVIA, LIBYA, LITHUANIA, MACAU, MALAYSIA, MALTA, PAKISTAN, ROMANIA, SAUDI ARABIA, "
        "SINGAPORE, SLOVAK REPUBLIC, SLOVENIA, TAIWAN, THAILAND, UAE"
    ).split(", ")
    for name in names:
        post = resolve_releasability(name)
        assert post is not None, name
        assert post.kind in ("embassy", "ait") or post.code == "hong-kong", (name, post.code)
    assert resolve_releasability("ALL MTCR PARTNER COUNTRIES") is None
    assert resolve_releasability("") is None


def test_only_the_representing_post_carries_releasability_names():
    allowed = {"hong-kong", "jerusalem", "juba", "hamilton", "curacao", "usint-havana", "usnato", "useu-brussels"}
    for p in all_posts():
        if p.releasability_names and p.kind not in ("embassy",):
            assert p.code in allowed or p.code == "ait-taipei", p.code
    assert get("dubai").releasability_names == ()
    assert get("ait-kaohsiung").releasability_names == ()
    assert get("jeddah").releasability_names == ()


# --- packaging ---------------------------------------------------------------------------------------------


def test_module_is_pure_python():
    source = Path(postdata.__file__).read_text(encoding="utf-8")
    assert "django" not in source.lower()
    code = "import sys, cables.postdata as p; p.all_posts(); assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_data_readme_keeps_the_licence_notice():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "BSD licence, copyright Lars Heuer" in readme
    assert len(_route_rows()) == 1656
