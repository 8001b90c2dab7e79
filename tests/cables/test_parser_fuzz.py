"""Property tests: any input gives a Cable or a CableParseError, never another exception."""

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cables.parser import CableParseError, ParseError, decode_bytes, parse

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = (DATA / "09STATE4690.txt").read_text(encoding="utf-8")
PAGE = (DATA / "07BERN881.txt").read_text(encoding="utf-8")
CABLE_WORDS = [
    "FM ", "TO ", "INFO ", "AMEMBASSY ", "COLLECTIVE", "REF: A. ", "08 STATE 129729", "(C)", "--", "(if asked)",
    "\n1. (U) ", "\n2. (C) ", "SUBJECT: ", "TAGS: ", "E.O. 12958: DECL: 01/31/2034", "BEGIN TEXT", "END TEXT",
    "S E C R E T STATE 000123", "R 161859Z JAN 09", "\u00b6", "\\\n", "\t", "<<123>>", "SUMMARY", "END SUMMARY",
    "ACTION REQUEST:", "except Canberra,", "paragraphs 4-31", "---------- ", "Classified By: X. Reason: 1.4 (B)",
    "Saudi Arabia talking points\n", "(S/REL USA, SAU) ", "For Embassies Moscow and Riga, please ", "\n- ", "\no ",
    "a) ", "If raised, ", "by January 19, 2010", "at the highest appropriate level", "(Begin releasable text.)",
    "ACTION REQUEST FOR UNVIE: ", "(For Turkey) ", "delivered by Ambassadors/Charge d'Affaires",
]  # fmt: skip
ACTION = (
    "R 161859Z JAN 09\nFM SECSTATE WASHDC\nTO AMEMBASSY ABU DHABI\nAMEMBASSY KUWAIT\n"
    "C O N F I D E N T I A L STATE 004690\nSUBJECT: X\n\n1. (U) This is an action request. Please see paragraph 2."
    "\n\n2. (C) ACTION REQUEST: "
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_refuse(text, filename=None):
    try:
        cable = parse(text, filename=filename)
    except CableParseError as error:
        message = str(error)
        assert message and "\n" not in message
        return None
    data = cable.to_dict()
    assert json.loads(json.dumps(data)) == data
    return cable


@FUZZ
@given(st.text(max_size=3000))
def test_it_survives_any_text(text):
    parse_or_refuse(text)


@FUZZ
@given(st.binary(max_size=3000))
def test_it_survives_any_bytes(data):
    assert isinstance(decode_bytes(data), str)
    parse_or_refuse(data)


@FUZZ
@given(st.lists(st.sampled_from(CABLE_WORDS) | st.text(max_size=20), max_size=60))
def test_it_survives_cable_shaped_noise(parts):
    parse_or_refuse("".join(parts))


@FUZZ
@given(st.data())
def test_it_survives_mutations_of_the_seed(data):
    text = SEED
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["cut", "insert", "delete", "swap", "truncate"]))
        if action == "cut":
            text = text[:at] + text[at + data.draw(st.integers(1, 400)) :]
        elif action == "insert":
            text = text[:at] + data.draw(st.sampled_from(CABLE_WORDS) | st.text(max_size=30)) + text[at:]
        elif action == "delete":
            text = text.replace(data.draw(st.sampled_from(CABLE_WORDS)), "", 1)
        elif action == "swap":
            lines = text.split("\n")
            random.Random(at).shuffle(lines)
            text = "\n".join(lines)
        else:
            text = text[:at]
    parse_or_refuse(text, filename=data.draw(st.sampled_from([None, "09STATE4690.txt", "x", ""])))


@FUZZ
@given(st.integers(0, len(PAGE)), st.integers(0, len(PAGE)))
def test_it_survives_slices_of_a_page(start, end):
    parse_or_refuse(PAGE[min(start, end) : max(start, end)])


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("   \n\t \n", "empty"),
        (b"\x00\x01\x02\xff" * 50, "binary"),
        ("<!DOCTYPE html><html><head><title>x</title></head><body><p>Hello</p></body></html>", "not a cable"),
        ("The quick brown fox jumps over the lazy dog. " * 40, "not a cable"),
        ("1. Buy milk.\n2. Walk the dog.\n3. Call mum.", "not a cable"),
    ],
)
def test_it_refuses_what_is_not_a_cable(text, reason):
    with pytest.raises(CableParseError) as error:
        parse(text)
    assert reason in str(error.value)
    assert ParseError is CableParseError


def test_it_raises_no_anomaly_for_a_cable_that_asks_nothing():
    cable = parse("R 010101Z JAN 09\nFM AMEMBASSY PARIS\nTO SECSTATE WASHDC\nC O N F I D E N T I A L PARIS 000001\n"
                  "SUBJECT: NOTHING TO DO\n\n1. (C) We met the minister. He said nothing.\n")  # fmt: skip
    assert cable.reference_id == "09PARIS1"
    assert cable.action_request is None
    assert cable.anomalies == []  # a report is not defective: action_request null says it


def test_it_takes_the_id_from_the_file_name_only_as_a_last_resort():
    cable = parse("SUBJECT: A FRAGMENT\nTAGS: PREL\n\n1. (C) Text without any header.\n", filename="/x/09STATE4690.txt")
    assert cable.reference_id == "09STATE4690"
    assert "reference_id_from_filename" in [a.kind for a in cable.anomalies]


def test_it_decodes_cp1252_and_latin1():
    assert decode_bytes("Charg\u00e9 \u2019".encode("cp1252")) == "Charg\u00e9 \u2019"
    assert decode_bytes(b"\x81\x8d\x8f") == "\x81\x8d\x8f"  # not cp1252 either: latin-1 never fails
    assert decode_bytes("\u00b6 1.".encode()) == "\u00b6 1."


@pytest.mark.parametrize(
    "text",
    [
        "-" * 1_000_000,
        "REF: A. " * 100_000,
        "x" * 5_000_000,
        "R 161859Z JAN 09 FM SECSTATE WASHDC TO " + "AMEMBASSY ABU DHABI " * 50_000,
        "1. (C) " + "--a " * 200_000,
        SEED.replace("\n", " ") * 30,
        "C O N F I D E N T I A L " * 50_000,
        "(" * 200_000 + "SECRET STATE 1",
        "\n".join(f"{n}. (U) x" for n in range(1, 20000)),
        ACTION + "Posts should report by January 1 " * 3000,
        ACTION + "Embassy Canberra Paris London should " * 3000,
        ACTION + "is asked asked requested " * 5000,
        ACTION + "x\n\n3. (U) Saudi Arabia talking points\n" + "(S/REL USA, SAU) We x.\n" * 20000,
        ACTION + "x\n\n3. (U) Talking points:\n" + "a) (1) (i) A. x\n" * 20000,
        ACTION + "at the " + "high " * 50000 + "level",
        ACTION + "x\n\n3. (U) Talking points:\n-- (if asked " + "x " * 50000 + ")\n",
        ACTION + "x Share the following S/REL " + "FRANCE, " * 30000 + "text:\n(Begin releasable text.)\nx",
        ACTION + "x\n\n3. (U) For " + "Paris, London and " * 5000 + ": do it\n-- a\n",
        ACTION + "x FOR PARIS: -- a " * 5000 + "END ACTION " * 5000,
        ACTION + "x\n" + "POINT FOR UK ONLY: -- a\n" * 5000,
        "This is an action request. " * 20000 + "\n1. (U) x",
        ACTION + "x\n" + "BEGIN " + "qualified " * 20000 + "TALKING POINTS:\n-- a\n",
        ACTION + "x\n" + "CONTINGENCY POINTS (S/REL NATO):\n-- a\n" * 5000,
        "R 161859Z JAN 09\nFM AMEMBASSY PARIS\nTO " + "RHMFISS/39ABG INCIRLIK AB TU\n" * 5000 + "C O N F PARIS 1\n",
        "PAGE 02 " * 50000 + "\n1. (U) x",
        ACTION + "Will it? " * 20000,
        ACTION + "within seven days " * 10000 + "report",
        "id: 1\ndate: 1/1/2009 10:00\nheader:\n" + "x\n" * 20000 + "----- header ends -----\n1. (U) x",
        "ID: 1\n" + "ORIGIN: X\n" * 20000,
        ACTION + "\n".join(f"{n}.\n---- HEADING ----" for n in range(2, 5000)),
    ],
    ids=[
        "dashes", "refs", "long-line", "addressees", "points", "seed-one-line", "banners", "parens", "paragraphs",
        "deadlines", "should", "requested", "marked-lines", "lettered", "level", "if-asked", "loose-rel", "for-posts",
        "inline-labels", "point-labels", "declarations", "begin-qualifiers", "use-headings", "military", "page-lines",
        "questions", "within", "record", "label-block", "number-headings",
    ],
)  # fmt: skip
def test_it_finishes_pathological_inputs(text):
    parse_or_refuse(text)
