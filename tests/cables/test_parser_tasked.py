"""Which action posts a request tasks, and with what: the pointer's addressee, exceptions limited to a paragraph."""

from pathlib import Path

from cables.parser import parse

DATA = Path(__file__).resolve().parent.parent / "data"
HEAD = (
    "R 161859Z MAR 09\nFM SECSTATE WASHDC\nTO AMEMBASSY MOSCOW\nAMEMBASSY CARACAS\nAMEMBASSY PARIS\n"
    "S E C R E T STATE 004690\n\nE.O. 12958: DECL: 01/31/2019\nTAGS: PREL\nSUBJECT: ARMS SALES\n\n"
)
REQUEST = "\n\n2. (S) Post is requested to approach host government officials to discuss the sale.\n"


def _load(name: str):
    return parse((DATA / name).read_text(encoding="utf-8"), filename=Path(name).name)


def test_the_pointer_s_addressee_is_the_only_post_tasked():
    cable = _load("09STATE14070.txt")  # "This is an action request. Embassy Moscow, please see paragraph 8."
    assert [a.code for a in cable.action_addressees] == ["moscow", "caracas"]
    assert cable.action_request.posts == [("Moscow", "moscow")]


def test_the_pointer_s_addressee_in_its_many_shapes():
    for pointer, posts in [
        ("1. (U) This is an action request. Embassy Moscow, please see paragraph 2.", [("Moscow", "moscow")]),
        ("1. (U) This is an action request for Embassies Moscow and Paris. See para 2.",
         [("Moscow", "moscow"), ("Paris", "paris")]),
        ("1. (U) This is an action request for posts in Caracas; please see para 2.", [("Caracas", "caracas")]),
        ("1. (U) This is an action request. For Embassy Paris: see para 2.", [("Paris", "paris")]),
        ("1. (U) This is an action request for all posts. Please see para 2.", None),
        ("1. (U) This is an action request for Embassies Moscow, Caracas and Paris. See para 2.", None),
        ("1. (U) This is an action request. Please see paragraph 2.", None),
    ]:  # fmt: skip
        assert parse(HEAD + pointer + REQUEST).action_request.posts == posts, pointer


def test_an_exception_in_an_additional_request_excludes_from_its_paragraphs_only():
    cable = _load("09STATE96550.txt")  # "(except for Embassies Warsaw and Prague) ... also ... paragraphs 5-8"
    assert [(e.code, e.excluded, e.paragraphs) for e in cable.action_request.exceptions] == [
        ("warsaw", True, [5, 6, 7, 8]), ("prague", True, [5, 6, 7, 8])]
    whole = _load("09STATE120288.txt")  # "FOR ALL POSTS (except Moscow, ...): Please draw on ... Posts should also"
    assert {(e.code, e.excluded, tuple(e.paragraphs)) for e in whole.action_request.exceptions} == {
        (code, True, ()) for code in ("moscow", "paris", "beijing", "london", "berlin")}
    small = parse(HEAD + "1. (U) ACTION REQUEST: Posts should deliver the points in para 2. Embassies (except "
                  "Caracas) are also requested to deliver the non-paper in para 3.\n\n2. (U) Points.\n")
    assert [(e.code, e.paragraphs) for e in small.action_request.exceptions] == [("caracas", [3])]


def test_bullets_shared_out_between_posts_give_each_post_its_own():
    cable = _load("08STATE79112.txt")  # "bullet #1 is for Beijing only, bullet #2 is for all recipients except
    got = {t.code: ([p.text[:20] for p in t.points], t.marking) for t in cable.talking_points}  # Beijing, ..."
    first, second, third = "We would like to rai", "In the spirit of our", "While our current in"
    assert got["beijing"][0][0] == first and second not in got["beijing"][0] and len(got["beijing"][0]) == 8
    assert got["beijing"][1] == "S//REL CHINA"  # its most restricted bullet
    assert got["astana"][0][:2] == [second, third] and len(got["astana"][0]) == 9
    assert got["astana"][1] == "S//REL AFGHANISTAN, KAZAKHSTAN, TAJIKISTAN"
    assert got["bishkek"][0][0] == second and third not in got["bishkek"][0] and len(got["bishkek"][0]) == 8
    assert set(got) == {"ashgabat", "astana", "beijing", "bishkek", "dushanbe", "kabul", "tashkent"}


def test_a_post_told_to_act_instead_is_excepted_from_the_common_request():
    cable = parse(HEAD + "1. (U) ACTION REQUEST: Posts should deliver the points in para 2 to the foreign ministry. "
                  "Embassy Paris should instead deliver them orally to the Elysee.\n\n2. (U) Points.\n")
    assert cable.action_request.requests == ["deliver the points in para 2 to the foreign ministry"]
    assert [(e.code, e.excluded, e.instruction) for e in cable.action_request.exceptions] == [
        ("paris", True, "deliver them orally to the Elysee")]
