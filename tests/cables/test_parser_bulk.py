"""Every cable of the bulk corpus (../shared/cables/bulk, 1,003 real cables) parses, and the oddities it holds
are read as they are. The corpus is not copied into the repository: it is read where CI and the machines keep
it, next to the checkout."""

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from cables.parser import CableParseError, parse

ROOT = Path(__file__).resolve().parents[2]
KNOWN_KINDS = {
    "numbering_jump", "numbering_restart", "truncated", "spliced", "missing_paragraphs", "no_talking_points",
    "unknown_addressee", "unknown_collective", "reference_id_from_filename", "reference_id_mismatch",
    "garbled_header", "trailing_metadata", "announced_paragraph_mismatch", "header_mismatch",
}  # fmt: skip


def _bulk_dir() -> Path | None:
    if os.environ.get("CABLES_BULK_DIR"):
        return Path(os.environ["CABLES_BULK_DIR"])
    for parent in (ROOT.parent, *ROOT.parents[1:3]):  # ../shared from the checkout, or from a worktree's parent
        if (parent / "shared" / "cables" / "bulk").is_dir():
            return parent / "shared" / "cables" / "bulk"
    return None


BULK = _bulk_dir()
pytestmark = pytest.mark.skipif(BULK is None, reason="the bulk corpus ../shared/cables/bulk is not on this machine")


def load(name: str):
    return parse((BULK / f"{name}.txt").read_text(encoding="utf-8"), filename=f"{name}.txt")


@pytest.fixture(scope="module")
def parsed() -> dict:
    results = {}
    for path in sorted(BULK.glob("*.txt")):
        try:
            results[path.stem] = parse(path.read_bytes(), filename=path.name)
        except CableParseError as error:  # a clear refusal is allowed; any other exception fails the test
            results[path.stem] = error
    return results


def test_every_bulk_file_is_a_cable_or_a_clear_refusal(parsed):
    assert len(parsed) >= 1000
    for name, result in parsed.items():
        if isinstance(result, CableParseError):
            assert str(result) and "\n" not in str(result), name
            continue
        data = result.to_dict()
        assert json.loads(json.dumps(data)) == data, name
        assert result.reference_id == name or "reference_id_mismatch" in [a.kind for a in result.anomalies], name
        assert {a.kind for a in result.anomalies} <= KNOWN_KINDS, name


def test_addressees_are_known_but_for_a_few_truly_unknown_ones(parsed):
    cables = [c for c in parsed.values() if not isinstance(c, CableParseError)]
    kinds = Counter(a.kind for c in cables for a in [c.sender, *c.action_addressees, *c.info_addressees] if a)
    assert kinds["unknown"] / sum(kinds.values()) < 0.002  # closed posts (Tehran, Bonn) and the like
    assert kinds["other"] > 2000 and kinds["collective"] > 600


@pytest.mark.parametrize(
    "name, references",
    [
        ("09BAGHDAD1104", "09WHITEHOUSE853"),  # "REF: A. WHITE HOUSE 853"
        ("08LONDON1991", "08LONDON1939"),  # "... AS UK PRIMEREF: A. LONDON 1939 B. LONDON 1704"
        ("07MOSCOW104", "06STATE203879"),  # January: STATE 203879 can only be last year's
        ("09SEOUL59", "08TOKYO3114"),  # January: Tokyo cannot have sent 3114 cables yet
        ("00HARARE6677", "00HARARE6584"),  # partial extract, "291359Z Nov 00", "PAGE 02" lines
    ],
)
def test_it_reads_the_references_of_real_cables(name, references):
    assert references in load(name).references


def test_it_reads_months_document_numbers_and_reports_as_no_cables():
    for name in ("09PARIS1039", "08NAIROBI2290", "09LONDON1082"):
        assert not any(r[2:].startswith(("JULY", "IIR", "JAN", "FEB")) for r in load(name).references)


def test_it_takes_a_bannerless_cables_id_and_class_from_the_relay_lines():
    cable = load("07LAPAZ3262")
    assert (cable.reference_id, cable.classification) == ("07LAPAZ3262", "SECRET")
    assert "reference_id_from_filename" not in [a.kind for a in cable.anomalies]


def test_it_flags_a_header_spliced_onto_another_cables_text():
    cable = load("09MOSCOW1108")  # Moscow's header, a Shenyang cable's banner and text
    assert cable.reference_id == "09MOSCOW1108"
    [mismatch] = [a for a in cable.anomalies if a.kind == "header_mismatch"]
    assert "SHENYANG" in mismatch.detail


def test_it_reads_paragraph_shapes_of_real_cables():
    assert [p.number for p in load("07BAGHDAD3504").paragraphs][:3] == [1, 2, 3]  # "(C) 1. The Embassy ..."
    assert [p.number for p in load("09TALLINN114").paragraphs] == [10]  # paragraphs 1-9 redacted
    beijing = load("06BEIJING23571")  # a repeated number under an underlined heading is no splice
    assert "spliced" not in [a.kind for a in beijing.anomalies]
    harare = load("00HARARE6677")
    assert harare.subject == "ASSISTANT SECRETARY MEETS WITH ZIMBABWE OPPOSITION LEADER"
    assert not any("PAGE 0" in p.text for p in harare.paragraphs)


def test_embassy_action_requests_ask_washington():
    request = load("10USNATO52").action_request  # "RFG: GERMAN DEMARCHE ON ..."
    assert request.department_action and request.kind == "department"
    assert load("09BEIJING3416").action_request is None  # "PRC DEMARCHE ON ..." reports one received
