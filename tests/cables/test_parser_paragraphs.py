"""Paragraph shapes: numbers without a space, page-break lines, headings that are paragraphs of their own, and a
single unnumbered paragraph after the REF block."""

from cables.parser import parse

HEAD = (
    "R 161859Z MAR 09\nFM AMEMBASSY PARIS\nTO SECSTATE WASHDC\nC O N F I D E N T I A L SECTION 01 OF 02 PARIS 000123\n"
    "\nE.O. 12958: DECL: 01/31/2019\nTAGS: PREL\nSUBJECT: X\n\nREF: STATE 1234\n\n"
)


def test_a_number_glued_to_its_marking_opens_a_paragraph_and_page_breaks_go():
    cable = parse(
        HEAD + "1. (C) First.\n\n22.(SBU) Numbered twenty-two.\nPARIS 00000123 002.2 OF 002\nStill twenty-two.\n"
        "\n 23. (C) Last. JONES\n"
    )
    assert [(p.number, p.marking) for p in cable.paragraphs] == [(1, "C"), (22, "SBU"), (23, "C")]
    assert cable.paragraph(22).text == "Numbered twenty-two. Still twenty-two."
    assert ("numbering_jump", 22) in [(a.kind, a.paragraph) for a in cable.anomalies]


def test_a_heading_only_paragraph_stays_a_paragraph():
    cable = parse(HEAD + "1. (C) First.\n\n2. TALKING POINTS\n\n3. (C) -- The point. JONES\n")
    assert [(p.number, p.text) for p in cable.paragraphs] == [(1, "First."), (2, "TALKING POINTS"), (3, "-- The point. JONES")]


def test_a_single_unnumbered_paragraph_is_not_swallowed_by_the_ref_block():
    text = HEAD.replace("\n\nREF: STATE 1234\n\n", "\nREF: STATE 1234\n(C) The UK will try to persuade Iceland.\nJONES\n")
    cable = parse(text)
    assert cable.references == ["09STATE1234"]
    [paragraph] = cable.paragraphs
    assert (paragraph.number, paragraph.marking, paragraph.text) == (None, "C", "The UK will try to persuade Iceland. JONES")


def test_an_excerpt_of_a_sectioned_cable_is_truncated():
    cable = parse(HEAD + "1. (C) The minister said that the government would not")
    assert [a.kind for a in cable.anomalies] == ["truncated"]
    whole = parse(HEAD + "1. (C) The minister agreed. JONES\n")
    assert whole.anomalies == []
