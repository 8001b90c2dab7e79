"""The many ways the Department asks (and says it does not ask), read from small cables in those words."""

import pytest

from cables.parser import parse

HEAD = (
    "R 161859Z MAR 09\nFM SECSTATE WASHDC\nTO AMEMBASSY PARIS\nAMEMBASSY LONDON\nUSMISSION USUN NEW YORK\n"
    "C O N F I D E N T I A L STATE 004690\n\nE.O. 12958: DECL: 01/31/2019\nTAGS: PREL\nSUBJECT: {subject}\n\n"
)


def cable(body: str, subject: str = "IRAN", head: str = HEAD):
    return parse(head.format(subject=subject) + body)


@pytest.mark.parametrize(
    "subject, body, paragraph",
    [
        ("DEMARCHE REQUEST: IRAN", "1. (C) Iran is enriching uranium.\n\n2. (C) We want to stop it.\n", 1),
        ("IRAN", "1. (U) This is an action request.\n\n2. (C) Iran is enriching uranium.\n", 1),
        ("IRAN", "1. (U) This is an action request for posts in Europe. Please see paragraphs 3-4.\n\n"
                 "2. (C) Background.\n\n3. (C) Posts should urge host governments to act.\n\n4. (C) Report by April 2.\n", 3),
        ("IRAN", "1. (C) Background.\n\n2. (C) COMMENT AND ACTION REQUEST: Posts should press hosts to act.\n", 2),
        ("IRAN", "1. (C) Background.\n\nSUMMARY AND ACTION REQUEST\n-----\n\n2. (C) Posts should press hosts to act.\n", 2),
        ("IRAN", "1. (C) ACTION REQUESTED: Posts should press hosts to act.\n", 1),
    ],
)  # fmt: skip
def test_it_finds_the_request_however_it_is_announced(subject, body, paragraph):
    request = cable(body, subject).action_request
    assert request is not None and request.paragraph == paragraph


def test_the_pointed_paragraphs_are_the_request():
    request = cable(
        "1. (U) This is an action request. See paragraphs 3-4.\n\n2. (C) Background.\n\n"
        "3. (C) Posts should urge host governments to act.\n\n4. (C) Posts are also requested to report by April 2.\n"
    ).action_request
    assert request.paragraph == 3 and request.requests == ["urge host governments to act", "report by April 2"]
    assert (request.report_by, request.deadline.paragraph) == ("2009-04-02", 4)


@pytest.mark.parametrize(
    "body",
    [
        "1. (U) This cable is for information only. Iran is enriching uranium.\n",
        "1. (C) Iran is enriching uranium. No action is required.\n",
        "1. (C) Iran is enriching uranium. Posts need not respond.\n",
        "1. (C) Iran is enriching uranium. Please take no action at this time.\n",
    ],
)
def test_negations_are_no_requests(body):
    assert cable(body).action_request is None


def test_a_letter_is_delivered_with_its_text_and_marking():
    parsed = cable(
        "1. (C) Please deliver the following letter from the Secretary to the Foreign Minister.\n\n"
        "2. (C) Begin Letter:\n(C/REL FRANCE) Dear Minister, we are grateful for your help.\nSincerely, Hillary.\n"
        "End text of letter.\n"
    )
    [letter] = parsed.non_papers
    assert (letter.paragraph, letter.kind, letter.releasable_to) == (2, "letter", ["FRANCE"])
    assert letter.text.startswith("Dear Minister") and "End text" not in letter.text
    assert parsed.action_request.non_paper_paragraphs == [2] and parsed.action_request.kind == "demarche"


def test_an_information_request_lists_its_questions_for_the_groups_named():
    request = cable(
        "1. (U) This is an action request.\n\n2. (C) FOR EUR POSTS: Please report on host government plans for "
        "the summit. Will the minister attend? Who will lead the delegation?\n\n"
        "3. (C) FOR ALL POSTS: We would appreciate any information post can provide on Iranian procurement.\n"
    ).action_request
    assert request.kind == "report"
    assert request.questions == ["Will the minister attend?", "Who will lead the delegation?"]
    assert request.requests == ["provide any information post can provide on Iranian procurement"]
    by_post = {e.code: e.instruction for e in request.exceptions}
    assert set(by_post) == {"paris", "london"}  # the EUR posts among the action addressees, not USUN
    assert by_post["paris"] == "report on host government plans for the summit"


def test_an_instruction_to_one_addressee_is_that_addressees_alone():
    request = cable(
        "1. (C) ACTION REQUEST: Posts should urge host governments to support the resolution. USUN should "
        "co-sponsor it. Embassy London is requested to report the views of the Foreign Office.\n\n"
        "2. (C) For Paris only: please raise the matter with the Elysee.\n"
    ).action_request
    assert request.requests == ["urge host governments to support the resolution"]
    by_post = {e.code: (e.excluded, e.instruction) for e in request.exceptions}
    assert by_post == {
        "usun-new-york": (False, "co-sponsor it"),
        "london": (False, "report the views of the Foreign Office"),
        "paris": (False, "raise the matter with the Elysee"),
    }
    assert request.posts is None  # every post is tasked with the general request


def test_an_embassy_asking_washington_to_act_is_the_departments_action():
    parsed = parse(
        "R 161859Z MAR 09\nFM AMEMBASSY PARIS\nTO SECSTATE WASHDC\nC O N F I D E N T I A L PARIS 000123\n\n"
        "TAGS: PREL\nSUBJECT: FRENCH REQUEST - ACTION REQUEST\n\n1. (C) Summary: the French want our help.\n\n"
        "2. (C) ACTION REQUEST: Embassy requests Department guidance on how to respond by March 20.\n"
    )
    request = parsed.action_request
    assert (request.paragraph, request.kind, request.department_action) == (2, "department", True)
    assert request.report_by == "2009-03-20"


@pytest.mark.parametrize(
    "words, date",
    [("report by January 19", "2010-01-19"), ("report NLT 15 March", "2009-03-15"), ("respond before 2/28/2009", "2009-02-28")],
)
def test_it_resolves_report_by_dates_against_the_cable_date(words, date):
    head = HEAD.replace("161859Z MAR 09", "161859Z DEC 09") if "January" in words else HEAD
    request = cable(f"1. (C) ACTION REQUEST: Posts should urge hosts to act and {words}.\n", head=head).action_request
    assert request.report_by == date and words.split()[-1] in request.deadline.text


@pytest.mark.parametrize(
    "words",
    [
        "Post is requested to provide the following information on the elections: -- Who will run?",
        "Please report on the host government's plans for the elections. Who will run?",
        "Embassies are requested to find out whether the minister will run, and report by April 2.",
    ],
)
def test_information_requests_are_report_requests(words):
    request = cable(f"1. (U) This is an action request.\n\n2. (C) {words}\n").action_request
    assert request.kind == "report" and request.paragraph == 2
