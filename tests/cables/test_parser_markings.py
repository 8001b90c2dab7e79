"""A text to hand over keeps its whole marking, wherever the cable prints it: after the BEGIN title, or loose in
the sentence that introduces it."""

from pathlib import Path

from cables.parser import parse

DATA = Path(__file__).resolve().parent.parent / "data"
HEAD = (
    "R 161859Z MAR 09\nFM SECSTATE WASHDC\nTO AMEMBASSY PARIS\n"
    "S E C R E T STATE 004690\n\nE.O. 12958: DECL: 01/31/2019\nTAGS: PREL\nSUBJECT: IRAN\n\n"
    "1. (S) ACTION REQUEST: Post should deliver the non-paper in para 2 to the French government.\n\n"
)


def _paper(name: str):
    cable = parse((DATA / name).read_text(encoding="utf-8"), filename=Path(name).name)
    return [(n.paragraph, n.title, n.marking, n.releasable_to) for n in cable.non_papers]


def test_a_marking_after_the_begin_title_is_the_marking_not_the_title():
    assert _paper("state/08STATE83144.txt") == [(5, "NON-PAPER", "S//REL CHINA", ["CHINA"])]


def test_a_loose_marking_before_the_text_keeps_its_classification():
    assert _paper("10STATE17894.txt") == [
        (4, "releasable text", "S/REL FRANCE, BRITAIN, TURKEY, SAUDI ARABIA, JORDAN, QATAR",
         ["FRANCE", "BRITAIN", "TURKEY", "SAUDI ARABIA", "JORDAN", "QATAR"]),
    ]  # fmt: skip


def test_the_same_shapes_on_a_small_cable():
    title = parse(HEAD + "2. (S) BEGIN NON-PAPER (SECRET//REL FRANCE):\n-- We are concerned.\nEND NON-PAPER\n")
    assert [(n.title, n.marking, n.releasable_to) for n in title.non_papers] == [
        ("NON-PAPER", "SECRET//REL FRANCE", ["FRANCE"])
    ]
    loose = parse(HEAD + "2. (S) Share the following C//REL FRANCE text:\n(BEGIN TEXT)\nWe are concerned.\n(END TEXT)\n")
    assert [n.marking for n in loose.non_papers] == ["C//REL FRANCE"]
    plain = parse(HEAD + "2. (S/REL FRANCE) BEGIN NON-PAPER ON IRAN/SYRIA:\n-- We are concerned.\nEND NON-PAPER\n")
    assert [(n.title, n.marking) for n in plain.non_papers] == [("NON-PAPER ON IRAN/SYRIA", "S/REL FRANCE")]
