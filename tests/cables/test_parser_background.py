"""NOFORN paragraphs around the points are background for the post, and a section's marking is that of its
points when its paragraph's marking belongs to a heading only."""

from pathlib import Path

from cables.parser import parse

DATA = Path(__file__).resolve().parent.parent / "data"
HEAD = (
    "R 161859Z MAR 09\nFM SECSTATE WASHDC\nTO AMEMBASSY PARIS\nAMEMBASSY LONDON\n"
    "S E C R E T STATE 004690\n\nE.O. 12958: DECL: 01/31/2019\nTAGS: PREL\nSUBJECT: IRAN\n\n"
)


def _parse(name: str):
    return parse((DATA / name).read_text(encoding="utf-8"), filename=Path(name).name)


def _sections(cable) -> list[tuple]:
    return [(t.paragraph, t.code, t.marking, t.background, t.releasable_to) for t in cable.talking_points]


def test_a_noforn_paragraph_between_the_request_and_the_points_is_background_a_noforn_summary_before_is_not():
    cable = _parse("09STATE72112.txt")
    assert _sections(cable) == [(8, "sanaa", "S//NF", True, []), (9, "sanaa", "S/REL ROYG", False, ["ROYG"])]
    assert cable.paragraph(4).marking == "S//NF"  # before the request: the cable's own background
    assert cable.action_request.talking_point_paragraphs == [9]


def test_noforn_paragraphs_the_request_cites_for_information_are_background():
    cable = _parse("state/09STATE52348.txt")
    background = [(t.paragraph, t.marking) for t in cable.talking_points if t.background]
    assert background == [(4, "S//NF"), (5, "S//NF")]
    assert all(t.releasable_to == [] for t in cable.talking_points if t.background)


def test_country_background_goes_to_its_post_and_country_points_keep_their_own_marking():
    cable = _parse("09STATE131801.txt")
    got = {(t.paragraph, t.code, t.marking, t.background) for t in cable.talking_points if t.paragraph >= 7}
    assert got == {
        (7, "riyadh", "S/NF", True), (8, "riyadh", "S/REL USA, SAU", False),
        (9, "kuwait", "S/NF", True), (10, "kuwait", "S/REL USA, KWT", False),  # its S//REL lines are the same
        (11, "abu-dhabi", "S/NF", True), (12, "abu-dhabi", "S/REL USA, ARE", False),
        (13, "islamabad", "S/NF", True), (14, "islamabad", "S/REL USA, PAK", False),
        (15, "doha", "S//NF", True),  # Qatar background: Doha is no action post, so nobody is given it
    }  # fmt: skip
    # para 3 announces para 13 as Pakistan's points; it is Pakistan's background: still a numbering slip
    assert [a.paragraph for a in cable.anomalies if a.kind == "announced_paragraph_mismatch"] == [13]


def test_a_noforn_reply_instruction_is_no_background():
    cable = _parse("state/08STATE135048.txt")
    assert cable.paragraph(5).text.startswith("Please begin all responses with SHIELD")
    assert [t.paragraph for t in cable.talking_points if t.background] == []


def test_the_rules_on_a_small_cable():
    cable = parse(
        HEAD + "1. (S//NF) Summary: the regime is divided.\n\n"
        "2. (C) ACTION REQUEST: Posts should deliver the points in para 4 and may draw on para 5.\n\n"
        "3. (S//NF) We know the minister opposes the plan.\n\n"
        "4. (U) Talking points\n-- (C/REL FRANCE, UK) We urge you to support the plan.\n"
        "-- (S//REL FRANCE, UK) We can share more.\n\n"
        "5. (U) London background\n(S//NF) The UK has doubts.\n\n"
        "6. (S//NF) Not for the posts: a later paragraph that no one cites.\n"
    )
    assert _sections(cable) == [
        (3, None, "S//NF", True, []),  # between the request and the points
        (4, None, "S//REL FRANCE, UK", False, ["FRANCE", "UK"]),  # the highest of its points' markings
        (5, "london", "S//NF", True, []),  # cited and headed for London
    ]
