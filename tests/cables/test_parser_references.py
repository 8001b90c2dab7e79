"""References link a reply to its instruction: their year, the rollover rule, and what is no reference."""

import pytest

from cables.parser import parse


def cable(refs: str, dtg: str = "041500Z JAN 10", station: str = "PARIS", serial: str = "000012", filename=None):
    head = f"R {dtg}\nFM AMEMBASSY {station}\nTO SECSTATE WASHDC\n" if dtg else ""
    text = (
        f"{head}C O N F I D E N T I A L {station} {serial}\n\nE.O. 12958: DECL: 01/04/2020\nTAGS: PREL\n"
        f"SUBJECT: X\n\nREF: {refs}\n\nClassified By: X. Reason: 1.4 (b).\n\n1. (C) Text.\n"
    )
    return parse(text, filename=filename)


@pytest.mark.parametrize(
    "dtg, refs, expected",
    [
        # early January: the Department cannot have sent cable 120288 yet, nor Paris its own 3456, nor Berlin 2000
        ("041500Z JAN 10", "A. STATE 120288 B. PARIS 3456 C. BERLIN 2000", ["09STATE120288", "09PARIS3456", "09BERLIN2000"]),
        # ... but a low number is this year's
        ("041500Z JAN 10", "A. STATE 1234 B. PARIS 5 C. BERLIN 40", ["10STATE1234", "10PARIS5", "10BERLIN40"]),
        # in October, STATE 150000 and BERLIN 2000 are this year's; PARIS above the citing cable's own 12 is not
        ("151500Z OCT 10", "A. STATE 150000 B. BERLIN 2000 C. PARIS 3456", ["10STATE150000", "10BERLIN2000", "09PARIS3456"]),
        # a year given wins, in any form
        ("041500Z JAN 10", "A. 08 STATE 120288 B. STATE 99488 24 SEP 2009 C. 2007 BERLIN 5 D. ROME 7 (06)",
         ["08STATE120288", "09STATE99488", "07BERLIN5", "06ROME7"]),
    ],
)  # fmt: skip
def test_it_reads_the_year_of_each_reference_with_the_rollover_rule(dtg, refs, expected):
    assert cable(refs, dtg).references == expected


def test_two_digit_years_ahead_of_today_are_the_1900s():
    old = cable("A. 72 STATE 1234", dtg="041500Z JAN 88", serial="000099")
    assert old.date.startswith("1988-") and old.reference_id == "88PARIS99"
    assert old.references == ["72STATE1234"]


def test_dates_and_document_numbers_are_no_references():
    refs = cable("A. STATE 1234 B. MEMCON OF APRIL 21 C. DIPNOTE 231/09 D. OSCE POC 123/2006 E. JANUARY 15, 2009")
    assert refs.references == ["10STATE1234"]
    assert [letter for letter in refs.ref_letters] == ["A"]


def test_lower_case_lettered_lists_fill_every_letter():
    refs = cable("a. 05 state 1234 b. 06 berlin 567 c. 07 london 89 r. 07 berlin 567")
    assert refs.ref_letters == {"A": "05STATE1234", "B": "06BERLIN567", "C": "07LONDON89", "R": "07BERLIN567"}


def test_multi_word_origins_and_refs_glued_to_the_subject():
    assert cable("A. WHITE HOUSE 853 B. TEL AVIV 1086 C. KUALA LUMPUR 3", dtg="151500Z OCT 10").references == [
        "10WHITEHOUSE853", "10TELAVIV1086", "10KUALALUMPUR3"
    ]  # fmt: skip
    glued = parse(
        "R 041500Z JAN 10\nFM AMEMBASSY LONDON\nTO SECSTATE WASHDC\nC O N F I D E N T I A L LONDON 000012\n"
        "TAGS: PREL\nSUBJECT: WHO WOULD REPLACE GORDON BROWN AS UK PRIMEREF: A. LONDON 9 B. LONDON 7\n\n1. (C) X.\n"
    )
    assert glued.references == ["10LONDON9", "10LONDON7"] and glued.subject.endswith("AS UK PRIME")


def test_a_partial_extract_keeps_its_references_with_the_file_names_year():
    extract = cable("A. ABU DHABI 409", dtg=None, station="ABU DHABI", serial="001725", filename="06ABUDHABI1725.txt")
    assert extract.reference_id == "06ABUDHABI1725" and extract.references == ["06ABUDHABI409"]
    assert "reference_id_from_filename" not in [a.kind for a in extract.anomalies]
    undated = cable("A. ABU DHABI 409", dtg=None, station="ABU DHABI", serial="001725")
    assert undated.references == ["10ABUDHABI409"]  # DECL 01/04/2020 less ten years
