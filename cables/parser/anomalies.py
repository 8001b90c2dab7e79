"""Structured warnings that need the whole parse: splices, truncation, missing and uncovered paragraphs."""

from __future__ import annotations

from .body import Body, ends_cleanly
from .model import Cable

POST_KINDS = frozenset({"embassy", "consulate", "mission", "ait", "office"})


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
    sections = {t.paragraph for t in cable.talking_points} | {n.paragraph for n in cable.non_papers}
    unannounced = [t for t in cable.talking_points if t.paragraph not in request.talking_point_paragraphs]
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
    sections = [t for t in cable.talking_points if t.post]
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
