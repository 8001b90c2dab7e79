"""What the parse says about every State Department cable of the curated set (tests/data, from ../shared/cables):
is it a tasking, of what kind, who is tasked, what is handed over, which posts get which points, the deadline."""

from pathlib import Path

import pytest

from cables.parser import parse

DATA = Path(__file__).resolve().parent.parent / "data"

# cable: (action paragraph, kind, tasked posts (None: every action post), hand-over texts (paragraph, kind),
# report_by, report within N days) -- or None when the cable asks nothing of its addressees
REQUESTS = {
    "07STATE152317": (1, "demarche", None, [(8, "non-paper"), (9, "non-paper")], "2007-11-08", None),
    "08STATE103511": (4, "demarche", None, [], "2008-09-29", None),  # one paragraph per post, every post named
    "08STATE128877": (4, "demarche", None, [(5, "non-paper")], None, 7),
    "08STATE134777": (2, "demarche", None, [], "2009-01-05", None),
    "08STATE79112": (2, "demarche", None, [(8, "non-paper")], "2008-07-24", None),
    "08STATE90980": (2, "demarche", None, [], None, None),  # "strongly rebut them with host country officials"
    "09STATE119085": None,  # walk-in guidance: "retain this telegram in the RSO's files"
    "09STATE11937": None,  # a record of the Secretary's meeting
    "09STATE120288": (3, "demarche", None, [], "2009-11-25", None),
    "09STATE122950": (3, "demarche", None, [(4, "non-paper")], None, None),
    "09STATE131801": (3, "demarche", None, [], "2010-01-19", None),
    "09STATE14070": (8, "demarche", ["moscow"], [], None, None),  # "Embassy Moscow, please see paragraph 8"
    "09STATE15113": (13, "report", None, [], "2009-03-20", None),  # REQUEST FOR INFORMATION
    "09STATE16285": (6, "demarche", None, [], None, None),
    "09STATE28302": (3, "demarche", None, [(5, "non-paper")], None, None),
    "09STATE4690": (2, "demarche", None, [(3, "non-paper")], None, None),
    "09STATE68250": (3, "demarche", None, [(4, "non-paper")], None, None),
    "09STATE72112": (6, "demarche", None, [], None, None),
    "09STATE96222": (3, "demarche", None, [(4, "non-paper")], None, 7),
    "09STATE96550": (3, "demarche", None, [(4, "non-paper")], None, None),
    "10STATE10900": (4, "demarche", None, [(5, "non-paper")], None, None),
    "10STATE15856": (7, "demarche", None, [(8, "non-paper")], None, None),
    "10STATE16932": (3, "demarche", None, [(4, "non-paper")], None, None),
    "10STATE17894": (4, "demarche", None, [(4, "text")], "2010-03-03", None),  # "(Begin releasable text.)"
    "10STATE284": (5, "demarche", None, [], "2010-01-08", None),
    "10STATE4108": (1, "demarche", None, [], "2010-01-17", None),
    "10STATE9124": (2, "demarche", None, [], "2010-02-03", None),
}
# cable: talking-point sections as (paragraph, post code or None for every tasked post, conditional, background)
SECTIONS = {
    "07STATE152317": [(8, "beijing", False, False), (9, "beijing", False, False)],
    "08STATE103511": [
        (4, "kyiv", False, False), (5, "moscow", False, False), (5, "riga", False, False),
        (6, "belmopan", False, False), (7, "nairobi", False, False),
    ],
    "08STATE79112": [(8, code, False, False) for code in (  # para 7 shares the bullets out between the posts
        "ashgabat", "astana", "beijing", "bishkek", "dushanbe", "kabul", "tashkent")],
    "09STATE120288": [(11, None, False, False)],
    "09STATE122950": [(4, "berlin", False, False)],
    "09STATE131801": [
        (5, None, False, False), (6, None, False, False), (7, "riyadh", False, True), (8, "riyadh", False, False),
        (9, "kuwait", False, True), (10, "kuwait", False, False), (11, "abu-dhabi", False, True),
        (12, "abu-dhabi", False, False), (13, "islamabad", False, True), (14, "islamabad", False, False),
        (15, "doha", False, True),  # "(U) <Country> background" over (S/NF) lines: that post's background
    ],
    "09STATE14070": [(8, "moscow", False, False)],
    "09STATE28302": [(5, "ankara", False, False)],
    "09STATE72112": [(8, "sanaa", False, True), (9, "sanaa", False, False)],  # para 8 (S//NF) frames the points
    "10STATE4108": [(6, None, False, False)],
}  # fmt: skip


def load(name: str):
    return parse((DATA / f"{name}.txt").read_text(encoding="utf-8"), filename=f"{name}.txt")


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_it_reads_each_curated_state_cable_as_the_desk_officer_would(name):
    cable = load(name)
    expected = REQUESTS[name]
    request = cable.action_request
    if expected is None:
        assert request is None
        return
    paragraph, kind, posts, papers, report_by, within = expected
    assert (request.paragraph, request.kind, request.department_action) == (paragraph, kind, False)
    assert (None if request.posts is None else [code for _, code in request.posts]) == posts
    assert [(n.paragraph, n.kind) for n in cable.non_papers if n.paragraph in request.non_paper_paragraphs] == papers
    assert request.report_by == report_by
    assert (request.deadline.within_days if request.deadline else None) == within


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_it_gives_each_post_its_sections(name):
    got = sorted({(t.paragraph, t.code, t.conditional, t.background) for t in load(name).talking_points},
                 key=lambda s: (s[0] or 0, s[1] or "", s[2], s[3]))  # fmt: skip
    assert got == SECTIONS[name]


def test_the_eu_only_point_goes_to_the_eu_members_useu_and_tokyo():
    cable = load("10STATE9124")  # "FOR EU MEMBER STATES, USEU, AND TOKYO ONLY: -- ..."
    only = {t.code for t in cable.talking_points if t.paragraph == 11 and t.code}
    assert {"useu-brussels", "tokyo", "paris", "berlin", "valletta"} <= only and len(only) == 29
    assert "kuwait" not in only and "moscow" not in only
    [general] = [t for t in cable.talking_points if t.code is None]
    assert len(general.points) == 41


def test_replies_are_no_action_requests():
    for name in ("07BERN881", "09BAKU179", "09DOHA214", "09NAIROBI2497", "09STOCKHOLM194", "10KUWAIT45", "10KUWAIT88"):
        assert load(name).action_request is None, name
