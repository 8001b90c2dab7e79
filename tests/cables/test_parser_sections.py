"""Talking points by post, with their markings: per-post sections in their many shapes, headed sections that
keep their own marking and use, NOFORN background, and general points that apply beside a post's own."""

from pathlib import Path

from cables.parser import parse

DATA = Path(__file__).resolve().parent.parent / "data"
HEAD = (
    "R 161859Z MAR 09\nFM SECSTATE WASHDC\nTO AMEMBASSY PARIS\nAMEMBASSY LONDON\nAMEMBASSY ABU DHABI\n"
    "C O N F I D E N T I A L STATE 004690\n\nE.O. 12958: DECL: 01/31/2019\nTAGS: PREL\nSUBJECT: IRAN\n\n"
    "1. (C) ACTION REQUEST: Posts should deliver the points below to host governments.\n\n"
)


def sections(body: str) -> list[tuple]:
    cable = parse(HEAD + body)
    return [(t.paragraph, t.code, t.marking, t.conditional, t.background, [p.text for p in t.points])
            for t in cable.talking_points]  # fmt: skip


def test_each_post_label_opens_a_section_and_no_label_leaks_into_the_one_before():
    got = sections(
        "2. (C) Talking points:\n-- General point one.\n-- General point two.\nFOR PARIS:\n-- Point for France.\n"
        "Talking points for Embassy London:\n-- Point for Britain.\nPost-specific points for Abu Dhabi:\n"
        "-- Point for the UAE.\n"
    )
    assert [(n, code, points) for n, code, *_, points in got] == [
        (2, None, ["General point one.", "General point two."]),
        (2, "paris", ["Point for France."]),
        (2, "london", ["Point for Britain."]),
        (2, "abu-dhabi", ["Point for the UAE."]),
    ]


def test_headed_sections_keep_their_own_marking_and_use():
    got = sections(
        "2. (S/REL NATO) Talking points:\n-- We support the Alliance.\nCONTINGENCY POINTS (S/REL NATO, UK):\n"
        "-- If the plan leaks, we will say so.\nPRESS GUIDANCE\n-- We do not comment on diplomatic exchanges.\n"
        "BACKGROUND (NOT FOR DELIVERY)\n-- The French are divided.\n"
    )
    assert [(marking, conditional, background) for _, _, marking, conditional, background, _ in got] == [
        ("S/REL NATO", False, False),
        ("S/REL NATO, UK", True, False),
        ("S/REL NATO", True, False),
        ("S/REL NATO", False, True),
    ]


def test_a_noforn_section_is_background_and_never_releasable():
    cable = parse(HEAD + "2. (S//NF) Talking points:\n-- Our source says the minister will resign.\n")
    [section] = cable.talking_points
    assert section.background and section.releasable_to == [] and section.marking == "S//NF"


def test_general_points_and_country_points_both_stand_in_the_parse():
    cable = parse((DATA / "09STATE131801.txt").read_text(encoding="utf-8"))
    general = [t for t in cable.talking_points if t.code is None]
    assert [t.paragraph for t in general] == [5, 6]  # "all posts ... the general talking points in paras 5-6"
    assert {t.code for t in cable.talking_points if t.code and not t.background} == {
        "riyadh", "kuwait", "abu-dhabi", "islamabad"}
    assert cable.action_request.talking_point_paragraphs == [5, 6, 8, 10, 12, 13]  # "(3) UAE ) para 12"


def test_a_list_mapping_posts_to_paragraphs_gives_each_unlabelled_paragraph_its_post():
    cable = parse(
        HEAD.replace("Posts should deliver the points below to host governments.",
                     "Posts should deliver the country points in the following paras: (1) France ) para 2, "
                     "(2) UAE ) para 3.")
        + "2. (C) Points:\n-- The first point.\n-- The second point.\n\n3. (C) Points:\n-- A point for the UAE.\n"
    )  # fmt: skip
    assert [(t.paragraph, t.code) for t in cable.talking_points] == [(2, "paris"), (3, "abu-dhabi")]
