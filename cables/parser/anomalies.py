"""Structured warnings that need the whole parse: splices, truncation, missing and uncovered paragraphs."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from .addressees import _postdata as postdata
from .background import NOFORN_RE
from .body import Body, ends_cleanly
from .model import Cable

POST_KINDS: Final = frozenset({"embassy", "consulate", "mission", "ait", "office"})


def numbering(cable: Cable, body: Body, lines: list[str]) -> None:
    for previous, numbers_at in _splices(body):
        numbers = [n for _, n in numbers_at]
        tail = _last_word(lines, numbers_at)
        span = f"{numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
        cable.warn(
            "spliced",
            previous,
            f"after paragraph {previous} the text continues with paragraphs numbered {span} of an unrelated "
            f"cable{tail}; they are left out of the paragraphs and talking points",
        )
        paragraph = cable.paragraph(previous)
        if paragraph and not ends_cleanly(paragraph.text):
            cable.warn("truncated", previous, f"paragraph {previous} is cut off mid-text where the foreign text begins")
    for previous, number in body.restarts:
        cable.warn("numbering_restart", number, f"paragraph numbering restarts at {number} after {previous}")
    for previous, number in body.jumps:
        gap = f"{previous + 1}" if number == previous + 2 else f"{previous + 1}-{number - 1}"
        cable.warn("numbering_jump", number, f"paragraph {number} follows {previous}; {gap} missing")


def _splices(body: Body) -> list[tuple[int, list[tuple[int, int]]]]:
    return [(previous, numbers) for previous, _, numbers in body.splices]


def _last_word(lines: list[str], numbers_at: list[tuple[int, int]]) -> str:
    last_line = numbers_at[-1][0]
    tail = " ".join(lines[last_line : last_line + 200]).split()
    return f" (ending '{tail[-1]}')" if tail else ""


def truncation(cable: Cable, body: Body, spliced_refid: str | None) -> None:
    if not cable.paragraphs or body.splices:
        return
    last = cable.paragraphs[-1]
    if spliced_refid:
        cable.warn(
            "spliced",
            last.number,
            f"another cable ({spliced_refid}) is appended after paragraph {last.number}; it was cut off",
        )
    elif not ends_cleanly(last.text):
        cable.warn("truncated", last.number, f"the text stops mid-paragraph in paragraph {last.number}")


def missing_paragraphs(cable: Cable) -> None:
    request = cable.action_request
    if request is None:
        return
    present = {p.number for p in cable.paragraphs}
    for label, numbers in (("talking points", request.talking_point_paragraphs), ("non-paper", request.non_paper_paragraphs)):
        missing = [n for n in numbers if n not in present]
        for first, last in _runs(missing):
            span = f"paragraphs {first}-{last}" if last != first else f"paragraph {first}"
            cable.warn(
                "missing_paragraphs",
                first,
                f"{span} ({label}) announced in paragraph {request.paragraph} but absent from the text",
            )


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def announced_mismatch(cable: Cable) -> None:
    """An announced talking-point paragraph that is present but holds no talking points (a numbering slip)."""
    request = cable.action_request
    if request is None:
        return
    # NOFORN background ('(U) Pakistan background' over '(S/NF)' lines) holds no points to make
    points = [t for t in cable.talking_points if not (t.background and NOFORN_RE.search(t.marking or ""))]
    sections = {t.paragraph for t in points} | {n.paragraph for n in cable.non_papers}
    unannounced = [t for t in points if t.paragraph not in request.talking_point_paragraphs]
    for number in request.talking_point_paragraphs:
        paragraph = cable.paragraph(number)
        if paragraph is None or number in sections:
            continue
        first = paragraph.text.split("\n", 1)[0][:60].strip()
        nearby = [t for t in unannounced if t.paragraph and abs(t.paragraph - number) <= 2]
        hint = ""
        if nearby:
            where = ", ".join(f"{t.post or 'all posts'} in paragraph {t.paragraph}" for t in nearby)
            hint = f"; talking points not announced stand nearby ({where})"
        cable.warn(
            "announced_paragraph_mismatch",
            number,
            f"paragraph {number} is announced as talking points in paragraph {request.paragraph} but is "
            f"'{first}'{hint}",
        )


def uncovered_posts(cable: Cable) -> None:
    """Name each action post that got no talking-point section although other posts did (and no section is
    meant for all posts)."""
    sections = [t for t in cable.talking_points if t.post and not (t.background and NOFORN_RE.search(t.marking or ""))]
    if not sections or len({t.code or t.post for t in sections}) < 2:
        return
    if any(t.post is None and t.audience is None for t in cable.talking_points):
        return
    covered = {t.code for t in sections if t.code} | {t.post for t in sections}
    excluded = {e.code or e.post for e in (cable.action_request.exceptions if cable.action_request else []) if e.excluded}
    missing = _missing_note(cable)
    for addressee in cable.action_addressees:
        if addressee.kind not in POST_KINDS or addressee.code in covered or addressee.post in covered:
            continue
        if (addressee.code or addressee.post) in excluded:
            continue
        cable.warn(
            "no_talking_points",
            None,
            f"{addressee.post or addressee.raw} is an action addressee without a talking-point section{missing}",
        )


def _missing_note(cable: Cable) -> str:
    spans = [a.detail.split(" (")[0] for a in cable.anomalies if a.kind == "missing_paragraphs"]
    return f" (it may be in the missing {', '.join(spans)})" if spans else ""


def transmission(cable: Cable, match: re.Match[str] | None, station: str | None, number: int | None) -> bool:
    """Flag a header spliced onto another cable's text: the transmission line ("DE RUEHMO #1108/01 1191330"), the
    sender (FM) and the banner or the DTG disagree. True when the banner is another cable's."""
    if not number or postdata is None:
        return False
    found: list[str] = []
    foreign = False
    sender = postdata.get(cable.sender.code) if cable.sender and cable.sender.code else None
    if sender is not None and sender.kind != "department":
        banner = postdata.resolve_addressee("STATE" if station == "STATE" else station or "")
        if (banner is not None and banner.city != sender.city) or (station == "STATE"):
            found.append(f"the banner says {station} {number} but the sender is {sender.name}")
            foreign = True
    if match is not None:
        indicator, serial, day = match.group(1), int(match.group(2)), int(match.group(3))
        if serial != number % 10 ** len(match.group(2)):
            found.append(f"the transmission line has serial #{match.group(2)}, the banner {station} {number}")
            foreign = True
        relay = postdata.get_by_indicator(indicator)
        if sender is not None and relay is not None and relay.city != sender.city:
            found.append(f"the transmission line's station {indicator} is {relay.name}, the sender {sender.name}")
        sent = _day_of_year(cable.date)
        if sent is not None and 1 <= day <= 366 and _month(day) != _month(sent) and abs(sent - day) > 7:
            found.append(f"the transmission line's Julian day {day:03d} is not the date {cable.date[:10]}")  # type: ignore[index]
    if found:
        cable.warn("header_mismatch", None, "; ".join(found) + ": the header and the text may come from two cables")
    return foreign


def _month(day_of_year: int) -> int:
    return date.fromordinal(date(2001, 1, 1).toordinal() + min(day_of_year, 365) - 1).month


def _day_of_year(value: str | None) -> int | None:
    try:
        return date.fromisoformat(value[:10]).timetuple().tm_yday if value else None
    except ValueError:
        return None


# "SECTION 01 OF 03" in the banner
SECTIONS_RE: Final = re.compile(r"SECTION\s+0?1\s+OF\s+0?(\d{1,2})\b")


def excerpt(cable: Cable, header: str, text: str) -> None:
    """Flag an excerpt: the banner announces several sections, the text stops short (one paragraph without a
    signature, or mid-sentence), and nothing of the second section is there."""
    if "SECTION" not in header or not cable.paragraphs or any(a.kind == "truncated" for a in cable.anomalies):
        return
    last = cable.paragraphs[-1]
    if not (cut_short(last.text) or (len(cable.paragraphs) == 1 and not _signed(last.text))):
        return  # the sections were joined without their page markers: the text runs to its end
    match = SECTIONS_RE.search(header, 0, 20000)
    if match is None or int(match.group(1)) < 2:
        return
    total = int(match.group(1))
    if re.search(r"\b00[2-9](?:\.\d)? +OF +0*%d\b|SECTION\s+0?[2-9]\s+OF" % total, text):
        return
    cable.warn(
        "truncated", last.number,
        f"the banner announces {total} sections but only the first is here, and it stops short (an excerpt)",
    )


def _signed(text: str) -> bool:
    """Whether a text ends as a whole cable does: closing punctuation, or a signature after the last sentence."""
    text = text.rstrip()
    if text.endswith((".", "?", "!", '"', ")", "'", "\u201d")):
        return True
    last_line = text.rsplit("\n", 1)[-1].split()
    if 0 < len(last_line) <= 3 and all(word[:1].isupper() for word in last_line):
        return True
    head, _, name = text.rpartition(" ")
    return name[:1].isupper() and head.rstrip().endswith((".", "?", "!", '"', ")"))


def cut_short(text: str) -> bool:
    """Whether a text stops mid-sentence: it ends with a dangling mark, or in lower-case words with no closing
    punctuation (a signature, "... protection. LeBaron", is a capitalized name)."""
    text = text.rstrip()
    if not text or not ends_cleanly(text):
        return bool(text)
    if text.endswith((".", "?", "!", '"', ")", "'", "\u201d", ":", ";")):
        return False
    words = text.rsplit(None, 2)[-2:]  # the last two words, without splitting the whole text
    if any("/" in word or "http" in word for word in words):
        return False  # "... Classified Web Site at http://www.state.sgov.gov/p/eur/ankara/"
    return all(word[:1].islower() for word in words)
