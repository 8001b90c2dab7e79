"""The seed cable 09STATE4690 end to end: every field of the JSON contract, exactly."""

import json
from pathlib import Path

import pytest

from cables.parser import PARSER_VERSION, parse

DATA = Path(__file__).resolve().parent.parent / "data"
TO_POSTS = [
    ("ABU DHABI", "Abu Dhabi", "abu-dhabi"), ("AMMAN", "Amman", "amman"), ("ASTANA", "Astana", "astana"),
    ("BANGKOK", "Bangkok", "bangkok"), ("BEIJING", "Beijing", "beijing"), ("BRATISLAVA", "Bratislava", "bratislava"),
    ("BUCHAREST", "Bucharest", "bucharest"), ("BUDAPEST", "Budapest", "budapest"), ("CAIRO", "Cairo", "cairo"),
    ("CANBERRA", "Canberra", "canberra"), ("ISLAMABAD", "Islamabad", "islamabad"),
    ("KUALA LUMPUR", "Kuala Lumpur", "kuala-lumpur"), ("KUWAIT", "Kuwait", "kuwait"),
    ("LJUBLJANA", "Ljubljana", "ljubljana"), ("MANAMA", "Manama", "manama"), ("NEW DELHI", "New Delhi", "new-delhi"),
    ("NICOSIA", "Nicosia", "nicosia"), ("PANAMA", "Panama City", "panama-city"), ("RIGA", "Riga", "riga"),
    ("RIYADH", "Riyadh", "riyadh"), ("SANTIAGO", "Santiago", "santiago"), ("SINGAPORE", "Singapore", "singapore"),
    ("TALLINN", "Tallinn", "tallinn"), ("TEL AVIV", "Tel Aviv", "tel-aviv"), ("VALLETTA", "Valletta", "valletta"),
    ("VILNIUS", "Vilnius", "vilnius"), ("ZAGREB", "Zagreb", "zagreb"),
]  # fmt: skip
MISSING_SECTIONS = [
    "Budapest", "Kuwait", "Ljubljana", "Manama", "New Delhi", "Nicosia", "Panama City", "Riga", "Riyadh",
    "Santiago", "Singapore", "Tallinn", "Tel Aviv", "Valletta", "Vilnius", "Zagreb", "Tripoli",
]  # fmt: skip
ACTION_TEXT = (
    "ACTION REQUEST: In keeping with our efforts to provide key non-members with information about the Missile "
    "Technology Control Regime (MTCR) and its activities, we want to brief on the results of the November 2008 "
    "Canberra MTCR Plenary (reftels). Action addressees, except Canberra, are requested to provide appropriate host "
    "government officials with the non-paper in paragraph 3 that summarizes the results of the Canberra MTCR Plenary "
    "discussions. While the non-paper is unclassified, posts should ask host governments to treat it as a "
    "confidential document. Posts also are requested to make the post-specific talking points in paragraphs 4-31. "
    "Embassy Canberra is requested to share the non-paper in paragraph 3 with the Australian MTCR Chair to inform "
    "his outreach efforts and to let him know which governments the U.S. is approaching."
)
RELEASABLE = [
    "BAHRAIN", "BELARUS", "CHILE", "CHINA", "CROATIA", "CYPRUS", "EGYPT", "ESTONIA", "HONG KONG", "INDIA",
    "ISRAEL", "JORDAN", "KAZAKHSTAN", "KUWAIT", "LATVIA", "LIBYA", "LITHUANIA", "MACAU", "MALAYSIA", "MALTA",
    "PAKISTAN", "ROMANIA", "SAUDI ARABIA", "SINGAPORE", "SLOVAK REPUBLIC", "SLOVENIA", "TAIWAN", "THAILAND", "UAE",
    "ALL MTCR PARTNER COUNTRIES",
]  # fmt: skip
SECTIONS = [  # paragraph, post, code, audience, releasable_to, conditional flags of the points
    (4, "Abu Dhabi", "abu-dhabi", None, ["UAE"], [False, False]),
    (5, "AIT Taipei", "ait-taipei", None, ["TAIWAN"], [False, False]),
    (6, "Astana", "astana", None, ["KAZAKHSTAN"], [False] * 5),
    (7, "Amman", "amman", None, ["JORDAN"], [False, False]),
    (8, "Bangkok", "bangkok", None, ["THAILAND"], [False, False]),
    (9, "Beijing", "beijing", None, ["CHINA"], [False] * 5),
    (10, "Bratislava", "bratislava", None, ["SLOVAK REPUBLIC"], [False, False, False, True, False]),
    (11, "Bucharest", "bucharest", None, ["ROMANIA"], [False, False, False, True, False]),
    (12, "Cairo", "cairo", None, ["EGYPT"], [False, False]),
    (13, "Hong Kong", "hong-kong", None, ["HONG KONG"], [False, False]),
    (14, "Hong Kong", "hong-kong", "Macau", ["MACAU"], [False, False]),
    (15, "Islamabad", "islamabad", None, ["PAKISTAN"], [False] * 5),
    (16, "Kuala Lumpur", "kuala-lumpur", None, ["MALAYSIA"], [False, False]),
]


@pytest.fixture(scope="module")
def seed() -> dict:
    return parse((DATA / "09STATE4690.txt").read_text(encoding="utf-8"), filename="09STATE4690.txt").to_dict()


def addressee(raw, post, code, country, kind):
    return {"raw": raw, "post": post, "code": code, "country": country, "kind": kind}


def test_it_has_exactly_the_contract_keys(seed):
    assert set(seed) == {
        "parser_version", "format", "reference_id", "cablegate_id", "date", "dtg", "precedence", "classification",
        "origin", "references", "ref_letters", "from", "action_addressees", "info_addressees", "also_for", "tags",
        "subject", "eo", "declassify_on", "classified_by", "reasons", "summary", "paragraphs", "action_request",
        "non_papers", "talking_points", "anomalies",
    }  # fmt: skip
    assert json.loads(json.dumps(seed)) == seed


def test_it_reads_the_identity(seed):
    assert seed["parser_version"] == PARSER_VERSION
    assert seed["format"] == "cablegate_line"
    assert seed["reference_id"] == "09STATE4690"
    assert seed["cablegate_id"] == 187700
    assert seed["date"] == "2009-01-16T18:59"
    assert seed["dtg"] == "161859Z JAN 09"
    assert seed["precedence"] == {"action": "ROUTINE", "info": None}
    assert seed["classification"] == "CONFIDENTIAL"
    assert seed["origin"] == "Secretary of State"


def test_it_reads_the_header_fields(seed):
    assert seed["references"] == ["08STATE129729", "08STATE129731"]
    assert seed["ref_letters"] == {"A": "08STATE129729", "B": "08STATE129731"}
    assert seed["also_for"] == [{"post": "Hong Kong", "code": "hong-kong", "also_for": "Macau"}]
    assert seed["tags"] == ["MTCRE", "PARM", "PREL", "MNUC", "ETTC", "KSCA", "TSPA"]
    assert seed["subject"] == (
        "MISSILE TECHNOLOGY CONTROL REGIME (MTCR): INFORMING NON-MEMBERS OF THE RESULTS OF THE 2008 CANBERRA MTCR "
        "PLENARY (C)"
    )
    assert seed["eo"] == "12958"
    assert seed["declassify_on"] == "2034-01-31"
    assert seed["classified_by"] == "ISN/MTR Director Pam Durham"
    assert seed["reasons"] == ["1.4(b)", "1.4(d)"]
    assert seed["summary"] is None


def test_it_splits_the_one_line_addressees(seed):
    expected = [addressee(f"AMEMBASSY {raw}", post, code, None, "embassy") for raw, post, code in TO_POSTS]
    expected += [
        addressee("AMCONSUL HONG KONG", "Hong Kong", "hong-kong", None, "consulate"),
        addressee("AIT TAIPEI", "AIT Taipei", "ait-taipei", None, "ait"),
        addressee("AMEMBASSY TRIPOLI", "Tripoli", "tripoli", None, "embassy"),
    ]
    got = [{**a, "country": None} for a in seed["action_addressees"]]
    assert got == expected
    assert seed["action_addressees"][0]["country"] == "United Arab Emirates"
    assert seed["action_addressees"][28]["country"] == "Taiwan"
    assert seed["from"] == addressee("SECSTATE WASHDC", "Department of State", "secstate", "United States", "department")
    collective = "MISSILE TECHNOLOGY CONTROL REGIME COLLECTIVE"
    assert seed["info_addressees"] == [{**addressee(collective, collective, None, None, "collective"), "collective": "mtcr"}]


def test_it_reads_the_paragraphs_up_to_the_splice(seed):
    numbers = [(p["number"], p["marking"]) for p in seed["paragraphs"]]
    assert numbers == [(1, "U"), (2, "C"), (3, "U")] + [(n, "C") for n in range(4, 17)]
    assert seed["paragraphs"][0]["text"] == "This is an action request. Please see paragraph 2."
    assert seed["paragraphs"][1]["text"] == ACTION_TEXT
    assert seed["paragraphs"][2]["text"].startswith("BEGIN TEXT OF NON-PAPER:\n(SENSITIVE BUT UNCLASSIFIED/")
    assert seed["paragraphs"][2]["text"].endswith("term of office.\nEND TEXT OF NON-PAPER ON PLENARY DISCUSSIONS.")
    assert seed["paragraphs"][15]["text"].endswith("We strongly encourage you to do so. --")


def test_it_keeps_the_quetta_fragment_out(seed):
    everything = json.dumps([seed["paragraphs"], seed["talking_points"], seed["non_papers"]])
    for foreign in ("Quetta", "Taliban", "FAKAN", "Baloch", "-----"):
        assert foreign not in everything


def test_it_reads_the_action_request(seed):
    assert seed["action_request"] == {
        "paragraph": 2,
        "text": ACTION_TEXT,
        "non_paper_paragraphs": [3],
        "talking_point_paragraphs": list(range(4, 32)),
        "exceptions": [
            {
                "post": "Canberra",
                "code": "canberra",
                "excluded": True,
                "instruction": "share the non-paper in paragraph 3 with the Australian MTCR Chair to inform his "
                "outreach efforts and to let him know which governments the U.S. is approaching",
                "paragraphs": [],  # excluded from the whole request
            }
        ],
        "requests": [
            "provide appropriate host government officials with the non-paper in paragraph 3 that summarizes the "
            "results of the Canberra MTCR Plenary discussions",
            "ask host governments to treat it as a confidential document",
            "make the post-specific talking points in paragraphs 4-31",
        ],
        "report_by": None,
        "level": None,
        "kind": "demarche",
        "department_action": False,
        "posts": None,
        "questions": [],
        "reporting_instructions": None,
        "deadline": None,
    }


def test_it_reads_the_non_paper(seed):
    [paper] = seed["non_papers"]
    assert paper["paragraph"] == 3
    assert paper["title"] == "TEXT OF NON-PAPER"
    assert paper["releasable_to"] == RELEASABLE
    assert paper["text"].startswith("As part of our efforts to provide your government with information about")
    assert paper["text"].endswith("serve as Plenary Chair for the subsequent term of office.")
    assert "A. REGIONAL MISSILE PROLIFERATION\n" in paper["text"]
    assert "END TEXT" not in paper["text"] and "RELEASABLE" not in paper["text"]


def test_it_reads_each_posts_talking_points(seed):
    got = [
        (t["paragraph"], t["post"], t["code"], t["audience"], t["releasable_to"], [p["conditional"] for p in t["points"]])
        for t in seed["talking_points"]
    ]
    assert got == SECTIONS


def test_it_cleans_the_points(seed):
    by_paragraph = {t["paragraph"]: t["points"] for t in seed["talking_points"]}
    assert by_paragraph[4][0]["text"] == (
        "At the MTCR Plenary in Canberra, the Regime agreed that it is important to discuss MTCR and missile "
        "nonproliferation issues with non-members, particularly the Regime's activities and objectives and the "
        "importance of implementing effective missile export controls."
    )
    assert by_paragraph[10][3] == {
        "text": "The U.S. position has not changed: we support the Slovak Republic's membership in the MTCR.",
        "conditional": True,
    }
    assert by_paragraph[6][4]["text"].startswith("Australia, as the new MTCR Chair")
    assert by_paragraph[16][-1]["text"].endswith("We strongly encourage you to do so.")  # the empty '--' is no point


def test_it_reports_the_anomalies(seed):
    got = [(a["kind"], a["paragraph"]) for a in seed["anomalies"]]
    assert got == [("spliced", 16), ("truncated", 16), ("missing_paragraphs", 17)] + [
        ("no_talking_points", None)
    ] * len(MISSING_SECTIONS)
    details = [a["detail"] for a in seed["anomalies"]]
    assert "7-9" in details[0] and "FAKAN" in details[0]
    assert details[2] == "paragraphs 17-31 (talking points) announced in paragraph 2 but absent from the text"
    assert [d.split(" is an action addressee")[0] for d in details[3:]] == MISSING_SECTIONS
    assert not any("Canberra" in d for d in details)  # excepted from the talking points, not missing


def test_it_accepts_bytes_and_ignores_the_file_name_when_the_text_has_the_id():
    raw = (DATA / "09STATE4690.txt").read_bytes()
    assert parse(raw, filename="whatever.txt").reference_id == "09STATE4690"
