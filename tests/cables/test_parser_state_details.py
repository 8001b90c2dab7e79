"""The particular shapes of the real cables of tests/data/state/: per-post instructions and points, markings of
each section, information requests, deadlines with their source, replies' references, the 2011 page layout."""

from pathlib import Path

import pytest

from cables.parser import parse

STATE = Path(__file__).resolve().parent.parent / "data" / "state"


def load(name: str):
    return parse((STATE / f"{name}.txt").read_text(encoding="utf-8"), filename=f"{name}.txt")


def test_it_gives_each_post_its_inline_objectives_and_points_and_keeps_them_out_of_the_shared_non_paper():
    cable = load("09STATE52348")  # "FOR MALTA ONLY: -- ...", "POINT FOR UK ONLY: ... END POINT FOR UK ONLY"
    request = cable.action_request
    instructions = {e.code: e.instruction for e in request.exceptions}
    assert instructions["valletta"].startswith("urge Government of Malta to approach law firms")
    assert instructions["london"].startswith("recommend that all ships owned or operated by")
    assert instructions["berlin"].startswith("urge the German government to approach SMAG GmBH")
    assert request.requests[0].startswith("pass the attached nonpaper in paragraph 6")
    points = {t.code: [p.text for p in t.points] for t in cable.talking_points}
    assert points["london"][0].startswith("All ships owned or operated by")
    assert len(points["valletta"]) == 2 and "FOR UK ONLY" not in " ".join(points["valletta"])
    [paper] = cable.non_papers
    assert "ONLY" not in paper.text and paper.text.endswith("additional assistance as appropriate.")
    assert paper.releasable_to == ["MLT", "GBR", "GER"]


def test_it_tasks_only_the_posts_a_request_names():
    request = load("09STATE18867").action_request  # Damascus is an action addressee nobody asks anything of
    assert [code for _, code in request.posts] == ["london", "tel-aviv", "new-delhi"]
    by_post = {e.code: e.instruction for e in request.exceptions}
    assert by_post["london"].startswith("inform appropriate host government officials of U.S. plans to demarche")
    assert by_post["new-delhi"].startswith("coordinate at the highest available level")
    assert request.level == "highest available level"


def test_it_keeps_each_labelled_section_marking_and_the_if_raised_flag():
    cable = load("08STATE1265")  # "a. (S//REL AS, ...) FOR ALL:", "b. (S//REL AS, CA, JP, ROK, and UK) For ...:"
    sections = [(t.paragraph, t.code, t.marking) for t in cable.talking_points]
    assert (4, None, "S//REL AS, CA, FR, GM, IS, IT, JP, ROK, AND UK") in sections
    assert (4, "seoul", "S//REL AS, CA, JP, ROK, AND UK") in sections
    assert (4, "paris", "C//REL FR AND UK") in sections and (4, "seoul", "C//REL FR AND UK") not in sections
    [if_raised] = [t for t in cable.talking_points if t.paragraph == 6]
    assert if_raised.conditional and if_raised.post is None and "IF RAISED" in if_raised.heading
    paper = next(n for n in cable.non_papers if n.paragraph == 5)  # "should be left as a non-paper"
    assert paper.text.startswith("-- As Ambassador Randt explained") and paper.releasable_to[:2] == ["AS", "CA"]
    assert cable.action_request.requests[0] == "deliver Washington's request for assistance in demarching China"


def test_it_reads_an_information_request_with_its_questions_and_reply_label():
    request = load("08STATE22315").action_request
    assert request.kind == "report" and request.requests[0] == "complete this Blue Lantern check within 30 days"
    assert request.questions[0] == (
        "How long has your company been in the business of importing and selling defense articles in Costa Rica?"
    )
    assert request.questions[-1].startswith("Are you familiar with the regulations governing the import of U.S.-origin")
    assert request.reporting_instructions.startswith("Please slug reply for PM/DTCC - BLUE LANTERN COORDINATOR")
    assert (request.deadline.within_days, request.deadline.paragraph, request.report_by) == (30, 2, None)


def test_it_gives_an_inquiry_to_each_post_its_own_part():
    request = load("08STATE58722").action_request  # "ACTION Bogota: ... END ACTION", "ACTION Brasilia: ..."
    assert request.kind == "report" and request.posts is None
    by_post = {e.code: e.instruction for e in request.exceptions}
    assert by_post["bogota"].startswith("make inquiries with appropriate host government officials")
    assert by_post["brasilia"].startswith("conduct a site visit to Darrigo & Valente Transportes")
    assert request.requests == ["complete this Blue Lantern check within 45 days"]


def test_it_finds_the_real_request_when_the_pointer_names_background():
    cable = load("09STATE118094")  # "Please see paragraphs 5-6": background points and Q&A
    request = cable.action_request
    assert request.paragraph == 2 and request.requests[0].startswith("persuade Brazilian officials")
    assert ("announced_paragraph_mismatch", 5) in [(a.kind, a.paragraph) for a in cable.anomalies]
    assert (request.report_by, request.deadline.paragraph, request.deadline.text) == (
        "2009-11-20", 4, "Please report results by November 20"
    )


def test_it_gives_the_australia_group_members_their_country_points():
    cable = load("09STATE67207")  # to AUSTRALIA GROUP COLLECTIVE: "Begin talking points for Austria: ..."
    assert [a.collective for a in cable.action_addressees if a.kind == "collective"] == ["australia-group"]
    general = cable.talking_points[0]
    assert (general.paragraph, general.post, general.releasable_to) == (5, None, ["AUSTRALIA GROUP"])
    assert [(e.code, e.excluded) for e in cable.action_request.exceptions] == [("canberra", False)]
    assert cable.action_request.reporting_instructions == (
        "Please begin all responses with AUSTRALIA GROUP and slug for ISN."
    )


def test_it_keeps_noforn_background_out_of_the_points():
    cable = load("08STATE135048")  # paragraphs 2-3 are (S//NF) background
    assert [t.paragraph for t in cable.talking_points] == [6]
    assert cable.action_request.reporting_instructions == "Please begin all responses with SHIELD S04B-08 and slug for ISN."


def test_it_tells_guidance_and_an_instruction_from_a_demarche():
    syria = load("08STATE43817")  # "draw from the background ... to respond to host government inquiries"
    assert syria.action_request.kind == "guidance"
    vote = load("08STATE3800")  # "USUN is authorized to vote in favor of the resolution"
    assert vote.action_request.kind == "instruction" and vote.action_request.requests[0].startswith("vote in favor")


@pytest.mark.parametrize(
    "name, references",
    [
        ("09TRIPOLI683", ["09STATE86640"]),  # "... MEGRAHI'S RELEASE REF: STATE 86640" glued to the subject
        ("10BOGOTA93", ["10STATE369", "09BOGOTA3361"]),  # January: BOGOTA 3361 can only be last year's
        ("10BOGOTA235", ["09BOGOTA3011"]),  # the archive's "10BOGOTA3011" slip is left out
        ("01PARIS11204", ["01STATE176819"]),
        ("07LONDON640", ["07STATE18578"]),
        ("09STATE57530", ["08MEXICO3137"]),  # not the archive's postcode "09MEXICO52140"
    ],
)
def test_replies_cite_the_instruction_they_answer(name, references):
    assert load(name).references == references


@pytest.mark.parametrize("name", ["06BOGOTA8663", "06LIMA158", "08BOGOTA4036", "09ASUNCION338", "09QUITO100", "10BOGOTA235"])
def test_it_reads_the_labelled_record_of_the_2011_layout(name):
    cable = load(name)
    assert cable.reference_id == name and cable.cablegate_id and cable.date and cable.origin.startswith("Embassy")
    addressees = [a.raw for a in [cable.sender, *cable.action_addressees, *cable.info_addressees]]
    assert not any(raw.lower().startswith(("id:", "date:", "header", "vzczc")) for raw in addressees)
    assert "unknown_addressee" not in [a.kind for a in cable.anomalies]
    numbers = [p.number for p in cable.paragraphs]
    assert numbers == list(range(1, len(numbers) + 1))  # the excerpt above the record is not read twice
