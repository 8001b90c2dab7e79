"""The parser's fast paths give exactly what the slower code they replace gave.

Each speed-up that swaps a pattern for string tests (or reorders a pattern so the engine can skip ahead) keeps
the original next to it; these tests compare the two on seeded random strings built from the characters and
words that matter, including the case-folding and Unicode corners (non-ASCII digits, 'ſ', the Kelvin sign).
"""

import random
import re

import pytest

from cables.parser import header, numbering, pointers, references, routing, sections
from cables.parser.text import marking_of, search_line_start, split_marking

N = 10_000  # strings per property: a few seconds in all


def strings(alphabet, longest, seed):
    rng = random.Random(seed)
    for _ in range(N):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))


BANNER_WORDS = [
    "S", "E", "C", "R", "T", "O", "N", "F", "I", "D", "A", "L", "U", "P", " ", "  ", "\t", "\n", "X", "1", "0",
    "/", "//", "SECTION", "OF", "STATE", "SECRET", "CONFIDENTIAL", "UNCLAS", "UNCLASSIFIED", "TOP", "12",
    "004690", "Q", "a", "S E C R E T", "C O N F I D E N T I A L",
]  # fmt: skip


def test_banner_by_first_letter_finds_what_the_upper_case_pattern_found():
    plain = re.compile(routing.BANNER_RE.pattern)  # the pattern the reordered one replaced, without re.I
    for text in strings(BANNER_WORDS, 25, 1):
        for start in (0, 3):
            old = [(m.span(), m.groupdict()) for m in plain.finditer(text, start)]
            new = [(m.span(), m.groupdict()) for m in routing.BANNER_UPPER_RE.finditer(text, start)]
            assert new == old, text


def test_dtg_found_from_its_stamp_is_the_leftmost_dtg():
    words = ["R ", "O ", "P ", "Z ", "R  ", "161859Z", "161859 Z", " JAN ", " Jan ", "09", "2009", " ", "X", "1"]
    for text in strings(words, 10, 2):
        old, new = routing.DTG_RE.search(text), routing._find_dtg(text)
        assert (old and (old.span(), old.groups())) == (new and (new.span(), new.groups())), text


def test_info_segment_found_by_find_is_the_patterns_span():
    pattern = re.compile(r"(?:^|\s)INFO\s")
    for text in strings(["INFO", " ", "\n", "\t", "X", "INFORM", "AMEMBASSY", "\u2003"], 8, 3):
        old = pattern.search(text)
        assert (old.span() if old else None) == routing._info_at(text), repr(text)


def test_paragraph_start_candidates_are_the_lines_the_pattern_found():
    pattern = re.compile(r"\n(?:[ \t]{0,8}\d|\()")

    def old(lines):
        text = "\n" + "\n".join(lines)
        found, index, done = [], -1, 0
        for match in pattern.finditer(text):
            index += text.count("\n", done, match.start() + 1)
            done = match.start() + 1
            if lines[index][:1] != "(" or ") " in lines[index][:24]:
                found.append(index)
        return found

    rng = random.Random(4)
    alphabet = [" ", "\t", "1", "(", "C", ") ", "x", "\u0663", "\u00b2", "  ", "\u00a0", "\u2003"]
    for _ in range(N):
        lines = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(rng.randint(1, 6))]
        assert numbering._candidates(lines, 0) == old(lines), lines


def test_number_word_test_agrees_with_the_pattern():
    words = [
        "para", "s", ".", "graph", "and", "&", ",", "through", "to", "tier", "no", "unscr", "section", "june",
        "May", "PARA", "x", " ", "_", "1", "\n", "DECEMBER", "Ap", "ril", "é", "band", "\u017f",
    ]  # fmt: skip
    for text in strings(words, 8, 5):
        text = text[-30:]
        assert numbering.ends_with_number_word(text) == (numbering.WRAPPED_BEFORE_RE.search(text) is not None), text


def test_tag_token_test_agrees_with_the_pattern():
    for token in strings(list("AZaz09-_.( ") + ["É", "\n", "ı", "\u212a"], 14, 6):
        assert header._is_tag_token(token) == bool(header.TAG_TOKEN_RE.fullmatch(token)), repr(token)


@pytest.mark.parametrize(
    ("pattern", "finder", "words"),
    [
        (header.SUBJECT_RE, lambda text: header._at_line_of(header.SUBJECT_RE, text, "subj"),
         ["SUBJECT", "Subj", "subj", ":", " ", "\t", "\n", "X", "ECT", "SUBJSUBJ"]),
        (header.CLASSIFIED_RE, lambda text: header._at_word(header.CLASSIFIED_RE, text, "classified"),
         ["Classified", "CLASSIFIED", "classified", " ", "\n", "By", "BY", ":", "X", "de"]),
        (header.TAGS_RE, header._tags_at, ["TAGS", "Tags", "TAG", "tag", " ", "\n", ":", "X", "\t", "STAGS"]),
    ],
)
def test_header_look_ups_by_word_find_the_patterns_match(pattern, finder, words):
    for text in strings(words, 10, 7):
        old, new = pattern.search(text), finder(text)
        assert (old and old.span()) == (new and new.span()), repr(text)


def test_summary_end_found_back_from_summary_is_the_first_valid_one():
    def old(text):
        lower = text.lower()
        at = lower.find("end")
        while at != -1:
            match = header.SUMMARY_END_RE.match(text, at)
            if match and (at == 0 or not text[at - 1].isalnum()):
                return match
            at = lower.find("end", at + 1)
        return None

    for text in strings(["END", "end", "End", " ", "\n", "OF", "of", "SUMMARY", "summary", "WEEK", "x", "_"], 9, 8):
        old_match, new_match = old(text), header._summary_end(text)
        assert (old_match and old_match.span()) == (new_match and new_match.span()), repr(text)


def test_marking_read_once_per_label_is_the_marking_split_off():
    words = ["(", ")", "C", "S", "U", "SBU", "/", "NF", "REL", " ", "\n", ":", "x", "text", "(C)", "(S/NF) "]
    for text in strings(words, 8, 9):
        marking, _ = split_marking(text)
        assert marking_of(text) == marking, repr(text)


@pytest.mark.parametrize(
    ("pattern", "newline"),
    [
        (routing.HEADER_KEY_RE, routing.HEADER_KEY_NL_RE),
        (references.REF_START_RE, references.REF_START_NL_RE),
        (header.SUMMARY_START_RE, header.SUMMARY_START_NL_RE),
    ],
)
def test_line_start_search_finds_the_patterns_match(pattern, newline):
    words = [
        "\n", " ", "\t", "REF", "REFS", "REFTEL", "Ref", "TAGS", "SUBJECT", "E.O. 12958", "X", ":", ".", " A:",
        "SUMMARY", "Summary", "1.", "(C)", "-", "BEGIN ", "’",
    ]  # fmt: skip
    for text in strings(words, 10, 10):
        for start, end in ((0, None), (1, None), (4, None), (0, 9), (2, 30)):
            old = pattern.search(text, start) if end is None else pattern.search(text, start, end)
            new = search_line_start(pattern, newline, text, start, end)
            assert (old and old.span()) == (new and new.span()), (repr(text), start, end)


def test_use_words_test_agrees_with_the_case_blind_pattern():
    words = [
        "contingency", "Contingency", "DEFENSIVE", "reactive", "if", "If", " ", "\n", "asked", "RAISED", "press",
        "guidance", "points", "media", "note", "q", "Q", "&", "and", "a", "questions", "answers", "as", "needed",
        "x", "_", "1", "non", "BACKGROUND", "Background", "\u017f",
    ]  # fmt: skip
    for text in strings(words, 8, 11):
        old = sections.CONDITIONAL_RE.search(text) is not None or "ACKGROUND" in text.upper()
        assert sections._has_use_words(text) == old, repr(text)


def test_no_action_test_agrees_with_the_case_blind_pattern():
    words = [
        "no", "No", "NO", " ", "\n", "further", "action", "ACTION", "response", "reply", "is", "are", "required",
        "requested", "needed", "necessary", "take", "requires", "need", "not", "respond", "report", "any", "an",
        "request", "cable", "for", "information", "purposes", "only", "by", "from", "info", "x", "_", "1", "\u212a",
    ]  # fmt: skip
    for text in strings(words, 9, 12):
        assert pointers.says_no_action(text) == (pointers.NEGATION_RE.search(text) is not None), repr(text)


def test_declaration_look_up_skips_only_what_the_pattern_would_not_match():
    def old(head):
        lower = head.lower()
        if len(lower) != len(head):
            return pointers.DECLARATION_RE.search(head) or pointers.REQUEST_IN_RE.search(head)
        for needle, pattern in (("this", pointers.DECLARATION_RE), ("action", pointers.REQUEST_IN_RE)):
            at = lower.find(needle)
            while at != -1:
                match = pattern.match(head, at)
                if match:
                    return match
                at = lower.find(needle, at + 1)
        return None

    words = [
        "this", "This", "THIS", " ", "  ", "\n", "is", "IS", "an", "a", "action", "ACTION", "request", "cable",
        "contains", "message", "demarche", "urgent", "for", "x", ",", "in", "para", "3", "is a request", "é",
        " " * 45,
    ]  # fmt: skip
    for text in strings(words, 10, 13):
        old_match, new_match = old(text), pointers._declared_in(text)
        assert (old_match and old_match.span()) == (new_match and new_match.span()), repr(text)
