"""What the parse says about the 37 real State Department cables of tests/data/state/ (copied from
../shared/cables/state): is each a tasking, of what kind, who is tasked, what is handed over, the deadline."""

from pathlib import Path

import pytest

from cables.parser import parse

STATE = Path(__file__).resolve().parent.parent / "data" / "state"

# cable: (action paragraph, kind, tasked posts (None: every action post), hand-over texts (paragraph, kind),
# report_by, report within N days) -- or None when the cable asks nothing of its addressees
REQUESTS = {
    "01STATE176819": (1, "demarche", None, [], None, None),
    "07STATE18578": (2, "demarche", None, [], "2007-02-20", None),
    "08STATE1265": (3, "demarche", None, [(5, "non-paper")], None, None),
    "08STATE135048": (4, "demarche", None, [(6, "non-paper")], None, None),
    "08STATE18255": (2, "demarche", None, [], None, None),
    "08STATE22315": (2, "report", None, [], None, 30),
    "08STATE23763": (6, "demarche", None, [(7, "non-paper")], None, None),
    "08STATE3800": (1, "instruction", None, [], None, None),  # USUN is authorized to vote in favor
    "08STATE43817": (3, "guidance", None, [], None, None),  # background to answer inquiries with
    "08STATE58722": (2, "report", None, [], None, 45),
    "08STATE68489": (2, "report", None, [], None, 30),
    "08STATE83144": (4, "demarche", None, [(5, "non-paper")], None, 7),
    "08STATE93558": (1, "demarche", None, [(6, "non-paper")], "2008-09-15", None),
    "08STATE98975": (3, "demarche", None, [(4, "non-paper")], None, 7),
    "09STATE116029": (1, "demarche", None, [], None, None),
    "09STATE118094": (2, "demarche", None, [], "2009-11-20", None),
    "09STATE123431": (3, "demarche", None, [(4, "non-paper")], None, None),
    "09STATE16716": (2, "demarche", None, [(4, "note")], None, None),
    "09STATE17176": (3, "demarche", None, [], None, None),  # "Mission is requested to inform Allies"
    "09STATE18867": (6, "demarche", ["london", "tel-aviv", "new-delhi"], [(8, "non-paper")], None, None),
    "09STATE2552": (3, "demarche", None, [(5, "non-paper")], None, 10),
    "09STATE29290": (2, "demarche", None, [(3, "note")], None, None),
    "09STATE3943": (3, "demarche", None, [(5, "non-paper")], None, 5),
    "09STATE50240": (1, "demarche", None, [(2, "text")], None, None),
    "09STATE52348": (3, "demarche", None, [(6, "non-paper")], None, 7),
    "09STATE57530": (2, "report", None, [], None, 45),
    "09STATE60599": (5, "demarche", None, [(8, "text"), (9, "non-paper")], None, None),
    "09STATE60608": (5, "demarche", None, [(8, "text"), (9, "non-paper")], None, None),
    "09STATE67207": (3, "demarche", None, [], "2009-07-13", None),
    "09STATE85122": (10, "demarche", None, [], None, None),
    "09STATE86640": (1, "demarche", None, [], None, None),
    "09STATE86845": (2, "report", None, [], None, 45),
    "09STATE99488": (3, "report", None, [], None, 60),
    "10STATE1168": (2, "demarche", None, [(3, "note")], None, None),
    "10STATE1515": (2, "report", None, [], None, 45),
    "10STATE16220": (6, "demarche", None, [(7, "non-paper")], None, 7),
    "10STATE369": (2, "report", None, [], None, 30),
}
# cable: talking-point sections as (paragraph, post code or None for every post, conditional, background)
SECTIONS = {
    "01STATE176819": [(3, None, False, False)] + [
        (4, code, False, False)
        for code in ("ashgabat", "beijing", "dushanbe", "islamabad", "moscow", "new-delhi", "paris", "tashkent", "tokyo")
    ],
    "07STATE18578": [(4, None, False, False)],  # "Posts may draw from the following background information"
    "08STATE1265": [(4, None, False, False)] + [
        (4, code, False, False)
        for code in ("berlin", "canberra", "london", "ottawa", "paris", "rome", "seoul", "tel-aviv", "tokyo")
    ] + [(6, None, True, False)],  # "IF RAISED" TALKING POINTS
    "08STATE135048": [(6, "new-delhi", False, False)],
    "08STATE18255": [(3, "seoul", False, False)],
    "08STATE3800": [(2, "usun-new-york", False, False)],
    "09STATE116029": [(4, "tirana", False, False)],
    "09STATE118094": [(5, "brasilia", False, False)],
    "09STATE52348": [(4, None, False, True), (5, None, False, True),  # (S//NF), cited "for information purposes"
                     (6, "berlin", False, False), (6, "london", False, False), (6, "valletta", False, False)],
    "09STATE60608": [(9, "reykjavik", False, False)],
    "09STATE67207": [(5, None, False, False)] + [
        (n, code, False, False)
        for n, code in enumerate(
            ("canberra", "vienna", "nicosia", "paris", "berlin", "tokyo", "the-hague", "oslo", "seoul", "stockholm"), 6
        )
    ],
    "09STATE85122": [(10, None, False, False), (10, None, True, False)],  # "If asked/As needed:"
    "09STATE86640": [(2, "tripoli", False, False)],
    "09STATE99488": [(4, "bogota", False, True)],  # "The following points are provided for guidance"
}  # fmt: skip


def load(name: str):
    return parse((STATE / f"{name}.txt").read_text(encoding="utf-8"), filename=f"{name}.txt")


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_it_reads_each_state_cable_as_the_desk_officer_would(name):
    cable = load(name)
    expected = REQUESTS[name]
    request = cable.action_request
    if expected is None:
        assert request is None
        return
    paragraph, kind, posts, papers, report_by, within = expected
    assert (request.paragraph, request.kind) == (paragraph, kind)
    assert (None if request.posts is None else [code for _, code in request.posts]) == posts
    handed = [(n.paragraph, n.kind) for n in cable.non_papers if n.paragraph in request.non_paper_paragraphs]
    assert handed == papers
    assert request.report_by == report_by
    assert (request.deadline.within_days if request.deadline else None) == within
    assert not request.department_action and "no_action_request" not in [a.kind for a in cable.anomalies]


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_it_gives_each_post_its_sections(name):
    got = sorted({(t.paragraph, t.code, t.conditional, t.background) for t in load(name).talking_points},
                 key=lambda s: (s[0] or 0, s[1] or "", s[2], s[3]))  # fmt: skip
    assert got == SECTIONS[name]
