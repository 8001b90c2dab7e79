"""Every real cable in tests/data parses; the oddities SOURCES.md names are handled."""

import json
from pathlib import Path

import pytest

from cables.parser import parse

DATA = Path(__file__).resolve().parent.parent / "data"
CABLES = sorted(p.name for p in DATA.glob("*.txt"))
SOURCES = [
    [cell.strip() for cell in line.split("|")[1:-1]]
    for line in (DATA / "SOURCES.md").read_text(encoding="utf-8").splitlines()
    if line.startswith("| ") and ".txt" in line
]


def load(name: str):
    return parse((DATA / name).read_text(encoding="utf-8"), filename=name)


def kinds(cable) -> list[str]:
    return [a.kind for a in cable.anomalies]


@pytest.mark.parametrize("name", CABLES)
def test_it_parses_every_cable(name):
    cable = load(name)
    data = cable.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert cable.reference_id
    assert cable.dtg and cable.date and cable.classification and cable.origin
    assert cable.paragraphs
    assert "\u00b6" not in json.dumps(data, ensure_ascii=False)
    assert "SIPDIS" not in json.dumps(data["paragraphs"]).upper()


@pytest.mark.parametrize("row", SOURCES, ids=[row[0] for row in SOURCES])
def test_it_matches_the_archive_metadata(row):
    name, _, _, classification, origin, _ = row
    cable = load(name)
    assert cable.reference_id == name.removesuffix(".txt")
    assert cable.classification == classification
    assert cable.origin == origin
    assert "reference_id_from_filename" not in kinds(cable)


def test_it_reads_the_synthetic_csv_row():
    cable = parse((DATA / "synthetic_cables.csv").read_text(encoding="utf-8"))
    assert cable.format == "csv"
    assert (cable.reference_id, cable.cablegate_id, cable.date) == ("09STATE4690", 187700, "2009-01-16T18:59")
    assert cable.references == ["08STATE129729", "08STATE129731"]
    assert len(cable.action_addressees) == 30 and cable.action_addressees[-1].post == "Tripoli"
    assert cable.action_request.paragraph == 2
    assert [t.post for t in cable.talking_points][:2] == ["Abu Dhabi", "AIT Taipei"]
    assert "spliced" in kinds(cable)


def test_it_reads_the_synthetic_plain_telegram():
    cable = parse((DATA / "synthetic_telegram.txt").read_text(encoding="utf-8"))
    assert cable.format == "telegram"
    assert (cable.reference_id, cable.dtg, cable.cablegate_id) == ("09STATE4690", "161859Z JAN 09", None)
    assert cable.classification == "CONFIDENTIAL" and cable.origin == "Secretary of State"
    assert [a.post for a in cable.info_addressees] == ["MISSILE TECHNOLOGY CONTROL REGIME COLLECTIVE"]
    assert cable.subject.startswith("MISSILE TECHNOLOGY CONTROL REGIME (MTCR): INFORMING NON- MEMBERS")
    [section] = cable.talking_points
    assert (section.paragraph, section.post, section.releasable_to) == (4, "Abu Dhabi", ["UAE"])
    assert [p.conditional for p in section.points] == [False, True]
    assert section.points[1].text == "We strongly encourage you to adhere to the MTCR Guidelines."
    assert cable.paragraphs[-1].text == "Minimize considered. CLINTON"  # BT / NNNN trailer dropped


def test_it_detects_page_formats():
    assert load("07STATE152317.txt").format == "cablegate_page"
    assert load("08TRIPOLI220.txt").format == "cablegate_page"
    assert load("09STATE4690.txt").format == "cablegate_line"


def test_it_normalises_doha_references():
    cable = load("09DOHA214.txt")
    assert cable.references == ["09STATE15113", "08DOHA152", "08DOHA75", "07DOHA311"]
    assert cable.ref_letters == {"A": "09STATE15113", "B": "08DOHA152", "C": "08DOHA75", "D": "07DOHA311"}
    assert cable.tags[0] == "PTER" and cable.tags[-1] == "QA"  # "TAG:" spelt without the S


def test_it_normalises_uncited_years_and_wrapped_numbers():
    cable = load("07STATE152317.txt")
    assert cable.references == ["07STATE71143", "07STATE73601", "07STATE72896", "07BEIJING5361", "07STATE148514"]
    assert cable.ref_letters["D"] == "07BEIJING5361"  # "(D)BEIJING" and "5361" on the next line


def test_it_reads_kuwait_references_behind_anchors():
    cable = load("10KUWAIT45.txt")
    assert cable.ref_letters["F"] == "09STATE131801"
    assert cable.ref_letters["B"] == "09KUWAIT921"
    assert cable.ref_letters["E"] == "10KUWAIT15"
    assert cable.reasons == ["1.4(b)", "1.4(d)", "1.4(e)"]


def test_it_takes_last_years_cable_when_the_number_is_ahead_of_the_citing_one():
    assert load("10STATE9124.txt").ref_letters == {"A": "09STATE120288"}


def test_it_keeps_non_cable_references_apart():
    walk_ins = load("09STATE119085.txt")
    assert walk_ins.ref_letters == {
        "A": "08STATE61194", "C": "09STATE30541", "D": "04STATE61816", "F": "08STATE110175", "G": "09STATE110904"
    }  # fmt: skip
    assert "B. 7 FAM 180" in walk_ins.other_references
    bern = load("07BERN881.txt")
    assert bern.references == ["07STATE124823", "07BERN860", "07STATE123352"]
    assert bern.other_references == ["B. GUHA-CARTER E-MAIL (07SEP07)"]


def test_it_reads_tags_continuing_on_a_second_line():
    cable = load("09STATE11937.txt")
    assert cable.tags == ["OVIP", "CLINTON, HILLARY", "PREL", "KPAL", "FR", "IR", "RS", "NATO", "UK", "CN"]


def test_it_splits_tags_run_into_the_banner():
    cable = load("10STATE284.txt")
    assert cable.reference_id == "10STATE284"
    assert cable.tags == ["MASS", "MARR", "MCAP", "MOPS", "PARM", "PGOV"]
    assert (cable.eo, cable.declassify_on) == ("12958", "2020-01-04")
    assert cable.subject is None
    assert cable.precedence.action == "PRIORITY" and cable.precedence.info == "ROUTINE"
    assert cable.action_request.paragraph == 5
    assert cable.paragraph(5).marking == "C/REL LIBYA"
    assert "STATE 00000284 002 OF 002" not in cable.paragraph(5).text


def test_it_cuts_the_tsv_dump_and_the_spliced_tbilisi_cable():
    cable = load("07BERN881.txt")
    text = json.dumps(cable.to_dict())
    assert "\\\\" not in text and "\\t" not in text
    assert "TBILISI" not in json.dumps(cable.to_dict()["paragraphs"]) and "Siradze" not in text
    assert cable.date == "2007-09-11T09:44"
    assert [p.number for p in cable.paragraphs] == [1, 2, 3, 4]
    assert ("spliced", 4) in [(a.kind, a.paragraph) for a in cable.anomalies]
    assert "07TBILISI2290" in next(a.detail for a in cable.anomalies if a.kind == "spliced")
    assert len(cable.info_addressees) == 37  # the repeated header block is read once
    assert "unknown_addressee" not in kinds(cable)


def test_it_lifts_the_leaked_database_block():
    cable = load("09NAIROBI2497.txt")
    assert cable.cablegate_id == 240168
    assert "<<" not in json.dumps(cable.to_dict())
    assert cable.paragraphs[0].text.startswith("On December 15, Ambassador Ranneberger")
    assert cable.subject == "Kenya responds to Sudan tank demarche"
    assert cable.references == ["09STATE122115", "09NAIROBI2487"]
    assert cable.declassify_on == "2019-12-16"
    assert "unknown_addressee" not in kinds(cable)


def test_it_drops_the_page_garble_from_the_addressees():
    cable = load("09STATE15113.txt")
    assert [a.raw for a in cable.action_addressees] == ["ALL DIPLOMATIC POSTS COLLECTIVE", "AMEMBASSY TRIPOLI"]
    assert "garbled_header" in kinds(cable)
    assert cable.tags == ["PTER", "PGOV", "ASEC", "EFIN", "ENRG", "KCIP"]
    assert cable.action_request.paragraph == 13
    assert cable.paragraph(13).marking == "U//FOUO"
    assert cable.reasons == ["1.4(b)", "1.4(d)", "1.4(e)", "1.4(g)"]


def test_it_reads_the_summary_between_its_markers():
    cable = load("09STATE119085.txt")
    assert cable.summary.startswith("This telegram replaces Ref A as the Department's comprehensive guidance")
    assert "END SUMMARY" not in cable.summary.upper()
    tripoli = load("08TRIPOLI220.txt")
    assert tripoli.summary.startswith("Reports by the Qadhafi Development Foundation")
    assert tripoli.summary.endswith("his status and medical condition.")
    assert tripoli.subject is None
    assert "trailing_metadata" in kinds(tripoli)


@pytest.mark.parametrize(
    "name, paragraph",
    [
        ("08STATE79112.txt", 2), ("08STATE103511.txt", 4), ("08STATE128877.txt", 4), ("08STATE134777.txt", 2),
        ("09STATE15113.txt", 13), ("09STATE16285.txt", 6), ("09STATE96550.txt", 3), ("09STATE122950.txt", 3),
        ("10STATE284.txt", 5), ("10STATE10900.txt", 4), ("10STATE16932.txt", 3), ("10STATE17894.txt", 4),
        ("09STATE131801.txt", 3), ("07STATE152317.txt", 1), ("10STATE4108.txt", 1),
    ],
)  # fmt: skip
def test_it_finds_the_action_request(name, paragraph):
    cable = load(name)
    assert cable.action_request is not None
    assert cable.action_request.paragraph == paragraph
    assert "no_action_request" not in kinds(cable)


@pytest.mark.parametrize("name", ["09BAKU179.txt", "09STOCKHOLM194.txt", "10KUWAIT88.txt", "08TRIPOLI220.txt"])
def test_it_finds_no_action_request_in_replies_and_raises_no_anomaly_for_it(name):
    cable = load(name)
    assert cable.action_request is None and "no_action_request" not in kinds(cable)


def test_it_reads_exceptions_and_pointed_paragraphs():
    missile_defense = load("09STATE96550.txt").action_request
    assert [(e.post, e.excluded) for e in missile_defense.exceptions] == [("Warsaw", True), ("Prague", True)]
    finance = load("09STATE131801.txt").action_request
    assert finance.talking_point_paragraphs == [5, 6, 8, 10, 12, 13]


def test_it_attributes_shared_points_to_the_single_action_post():
    assert [(t.paragraph, t.post) for t in load("10STATE10900.txt").talking_points] == [(5, "Beijing")]
    manpads = load("09STATE14070.txt").talking_points  # two action posts; points released to Russia only
    assert [(t.paragraph, t.post, t.releasable_to) for t in manpads] == [(8, "Moscow", ["RUSSIA"])]
    assert [n.paragraph for n in load("08STATE128877.txt").non_papers] == [5]


def test_it_reads_the_release_markings_of_a_multi_country_paragraph():
    cable = load("08STATE79112.txt")
    assert cable.paragraph(2).marking == "S//REL AFGHANISTAN, KYRGYZSTAN, TAJIKISTAN, TURKMENISTAN, UZBEKISTAN"
    assert ("numbering_restart", 6) in [(a.kind, a.paragraph) for a in cable.anomalies]
    assert "spliced" not in kinds(cable)  # a renumbered tail under its own heading is no splice


def test_it_resolves_other_agencies_without_warning():
    cable = load("09BAKU179.txt")
    other = [a.raw for a in cable.info_addressees if a.kind == "other"]
    assert "SECDEF WASHDC" in other and "CIA WASHINGTON DC" in other
    assert [a.post for a in cable.info_addressees if a.kind == "collective"] == ["IRAN COLLECTIVE"]
    assert "AMEMBASSY NEW DELHI" in [a.raw for a in cable.info_addressees]  # "PIORITY" typo dropped
    assert "unknown_addressee" not in kinds(cable)


def sections(cable) -> list[tuple]:
    return [(t.paragraph, t.post, t.releasable_to, len(t.points)) for t in cable.talking_points]


def test_it_finds_country_sections_by_their_heading():
    cable = load("09STATE131801.txt")
    request = cable.action_request
    assert request.talking_point_paragraphs == [5, 6, 8, 10, 12, 13]  # as announced, 13 included
    assert (request.report_by, request.level) == ("2010-01-19", "Ambassadors/Charge D\u2019Affaires")
    points = [t for t in cable.talking_points if not t.background]  # 7, 9, 11, 13, 15: (S/NF) background
    assert [(t.paragraph, t.post, t.releasable_to, len(t.points)) for t in points] == [
        (5, None, [], 3), (6, None, [], 3), (8, "Riyadh", ["USA", "SAU"], 7), (10, "Kuwait", ["USA", "KWT"], 9),
        (12, "Abu Dhabi", ["USA", "ARE"], 6), (14, "Islamabad", ["USA", "PAK"], 9),
    ]  # fmt: skip
    saudi = points[2].points
    assert saudi[0].text.startswith("We recognize your government\u2019s efforts to disrupt al-Qa\u2019ida networks")
    assert not any(p.text.startswith("(") for p in saudi)  # the portion markings are removed
    kuwait = points[3].points
    assert kuwait[7].conditional and kuwait[7].text.startswith("Kuwait RIHS: We have shared our concerns")
    general = cable.talking_points[0].points
    assert general[2].text.endswith("including vigorous enforcement.")  # the (1)-(5) list stays in its point
    [mismatch] = [a for a in cable.anomalies if a.kind == "announced_paragraph_mismatch"]
    assert mismatch.paragraph == 13 and "Pakistan background" in mismatch.detail and "14" in mismatch.detail
    assert "no_talking_points" not in kinds(cable)


def test_it_reads_tailored_blocks_bullets_and_group_titles():
    cable = load("09STATE96550.txt")
    assert cable.action_request.non_paper_paragraphs == [4]  # "deliver the talking points ... as a non-paper"
    got = sections(cable)
    nato_posts = [post for paragraph, post, _, _ in got if paragraph == 5]
    # "FOR USNATO AND EMBASSIES IN NATO CAPITALS (... FOR ALL NATO CAPITALS EXCEPT FOR POLAND AND THE CZECH
    # REPUBLIC ...)": USNATO and each NATO capital of the ALL NATO POST COLLECTIVE but Warsaw and Prague
    assert nato_posts[0] == "USNATO" and len(nato_posts) == 26
    assert {"Ottawa", "Tirana", "Zagreb", "London"} <= set(nato_posts) and not {"Warsaw", "Prague"} & set(nato_posts)
    assert all(entry[2:] == (["NATO"], 19) for entry in got if entry[0] == 5)
    assert [entry for entry in got if entry[0] in (4, 6, 7)] == [
        (4, None, [], 16), (6, "Moscow", ["RUSSIA"], 11), (7, "Tokyo", ["JAPAN"], 14), (7, "Tokyo", ["JAPAN"], 1),
    ]  # fmt: skip
    if_asked = [t for t in cable.talking_points if t.paragraph == 7][1]  # "IF ASKED ABOUT BURDEN SHARING AT NATO"
    assert (if_asked.heading, if_asked.conditional) == ("IF ASKED ABOUT BURDEN SHARING AT NATO", True)
    assert sorted(post for paragraph, post, _, _ in got if paragraph == 8) == [
        "Abu Dhabi", "Doha", "Kuwait", "Manama", "Muscat", "Riyadh"
    ]  # fmt: skip
    nato = cable.talking_points[1].points
    assert [p.conditional for p in nato].count(True) == 3  # "FINANCING (if raised)", "If pressed:", "If needed:"
    assert nato[11].text.startswith("We will work closely with Allies") and nato[11].conditional
    assert cable.talking_points[0].points[0].text.startswith("The White House announced")  # "- " bullets
    assert "no_talking_points" not in kinds(cable)  # paragraph 4 is for every post


def test_it_redirects_a_pointer_to_the_wrong_paragraph():
    sanaa = load("09STATE72112.txt")
    assert sanaa.action_request.paragraph == 6 and sanaa.action_request.level == "highest appropriate level"
    assert ("announced_paragraph_mismatch", 5) in [(a.kind, a.paragraph) for a in sanaa.anomalies]
    assert sanaa.action_request.non_paper_paragraphs == []  # "may not/not provide these points ... as a non-paper"
    [background, points] = sanaa.talking_points
    assert (background.paragraph, background.marking, background.background) == (8, "S//NF", True)
    assert (points.paragraph, points.post, points.releasable_to, len(points.points)) == (9, "Sanaa", ["ROYG"], 12)
    assert points.points[2].text.startswith("We have specific information that a weapons smuggling network")
    berlin = load("09STATE122950.txt")
    assert berlin.action_request.paragraph == 3
    assert berlin.action_request.requests == [
        "approach appropriate host government officials to deliver talking points/non-paper in paragraph 4 below "
        "and report response"
    ]


def test_it_reads_post_labelled_paragraphs_as_special_instructions():
    cable = load("09STATE16285.txt")
    by_post = {e.post: e for e in cable.action_request.exceptions}
    assert list(by_post) == ["UNVIE Vienna", "London", "Paris", "Moscow", "Berlin", "Beijing"]
    assert not any(e.excluded for e in by_post.values())
    assert by_post["UNVIE Vienna"].instruction.startswith("continue working to promote support within the IAEA")
    assert by_post["Berlin"].instruction.startswith("stress that the United States believes that the Iran report")
    assert cable.action_request.requests[0] == "convey U.S. views regarding the IAEA reports to appropriate host governments"
    iaea = load("10STATE9124.txt").action_request
    assert [(e.post, e.excluded) for e in iaea.exceptions] == [
        ("Moscow", True), ("Paris", True), ("Beijing", True), ("London", True), ("Berlin", True)
    ]  # fmt: skip
    assert iaea.exceptions[0].instruction == (
        "share the general tenor of our message but do not need to deploy the points themselves with host governments"
    )
    assert (iaea.report_by, iaea.level, iaea.talking_point_paragraphs) == ("2010-02-03", "Ambassadors", [11])
    november = load("09STATE120288.txt").action_request
    assert november.exceptions[4].instruction.startswith("inform host government that we are delivering this message")
    assert (november.report_by, november.talking_point_paragraphs) == ("2009-11-25", [11])


def test_it_gives_per_post_objectives_to_each_named_post():
    cable = load("08STATE103511.txt")
    assert sections(cable) == [
        (4, "Kyiv", ["UKRAINE"], 8), (5, "Moscow", ["RUSSIA", "LATVIA"], 8), (5, "Riga", ["RUSSIA", "LATVIA"], 8),
        (6, "Belmopan", ["BELIZE"], 8), (7, "Nairobi", ["KENYA"], 7),
    ]  # fmt: skip  ("For Embassy Belize" is Belmopan)
    assert [e.post for e in cable.action_request.exceptions] == ["Kyiv", "Moscow", "Riga", "Belmopan", "Nairobi"]
    assert cable.action_request.requests == []
    assert cable.action_request.report_by == "2008-09-29"


def test_it_reads_a_releasable_text_and_a_bullet_for_one_country():
    cable = load("10STATE17894.txt")
    request = cable.action_request
    assert (request.paragraph, request.report_by, request.level) == (4, "2010-03-03", "highest appropriate level")
    [ankara] = request.exceptions
    assert (ankara.post, ankara.excluded) == ("Ankara", False)
    assert ankara.instruction.startswith("express that we greatly appreciate Turkey")
    assert request.requests == [
        "pursue the following objectives with senior French, British, Turkish, Saudi, Jordanian, and Qatari officials "
        "at the highest appropriate levels"
    ]
    [paper] = cable.non_papers
    assert paper.paragraph == 4 and paper.title == "releasable text"
    assert paper.releasable_to == ["FRANCE", "BRITAIN", "TURKEY", "SAUDI ARABIA", "JORDAN", "QATAR"]
    assert paper.text.startswith("We would like to convey to you") and paper.text.endswith("Hizballah personnel.")


@pytest.mark.parametrize(
    "name, report_by, level",
    [
        ("07STATE152317.txt", "2007-11-08", "most effective level possible"),
        ("08STATE79112.txt", "2008-07-24", None),
        ("08STATE134777.txt", "2009-01-05", None),  # "before January 5, 2009"
        ("09STATE15113.txt", "2009-03-20", None),
        ("09STATE28302.txt", None, "appropriate level"),  # "appropriate-level Turkish officials"
        ("10STATE284.txt", "2010-01-08", None),  # "Request feedback by January 8."
        ("10STATE4108.txt", "2010-01-17", "highest possible level"),
        ("08STATE128877.txt", None, None),  # "within seven business days": no date
        ("09STATE96222.txt", None, None),
    ],
)  # fmt: skip
def test_it_reads_the_deadline_and_level(name, report_by, level):
    request = load(name).action_request
    assert (request.report_by, request.level) == (report_by, level)


def test_it_reads_points_sections_introduced_by_a_lead_in():
    nato = load("10STATE4108.txt")
    assert nato.action_request.talking_point_paragraphs == [6]
    assert sections(nato) == [(6, None, [], 11)]  # "Action addressees should draw on the following points:"
    assert nato.action_request.requests[0].startswith("clarify for host governments at the highest possible level")
    iaea = load("09STATE120288.txt")
    [key_messages] = iaea.talking_points
    assert key_messages.paragraph == 11 and key_messages.post is None
    texts = [p.text for p in key_messages.points]
    assert "Continues to enrich uranium despite UNSC requirements that it suspend such operations;" in texts  # "o "


def test_it_lists_announced_points_blocks_as_non_papers_too():
    for name, paragraph, country in [("10STATE15856.txt", 8, "TURKEY"), ("09STATE96222.txt", 4, "FRANCE")]:
        cable = load(name)
        assert cable.action_request.non_paper_paragraphs == [paragraph]
        assert [(n.paragraph, n.releasable_to) for n in cable.non_papers] == [(paragraph, [country])]
        assert [(t.paragraph, t.releasable_to) for t in cable.talking_points] == [(paragraph, [country])]
    assert load("09STATE15113.txt").action_request.non_paper_paragraphs == []  # a reference list, not to hand over
    assert load("08STATE90980.txt").action_request.non_paper_paragraphs == []  # documents to draw on


def test_it_strips_the_addressed_post_from_requests():
    assert load("08STATE128877.txt").action_request.requests[0].startswith("approach Prince Turki, or other")
    assert load("09STATE68250.txt").action_request.requests == [
        "approach appropriate German government officials to deliver talking points/non-paper in paragraph 4 below "
        "and report response"
    ]
    assert load("08STATE134777.txt").action_request.requests[0].startswith("approach appropriate interlocutors")
