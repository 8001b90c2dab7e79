"""parse(): run the stages in order and assemble the Cable."""

from __future__ import annotations

import re
from typing import Final

from . import anomalies, header, identity
from .action import find_action_request
from .addressees import resolve, split_addressees
from .background import noforn_sections
from .blocks import Block, find_blocks, non_papers
from .body import PAGE_BREAK_RE, PAGE_LINE_RE, parse_body
from .complete import complete
from .distribution import share_out
from .formats import Source, decode_bytes, normalise
from .model import Cable, CableParseError, Paragraph, TalkingPoints
from .references import merge_archive_refs, parse_refs
from .routing import Routing, parse_routing
from .talking import attribute, block_sections, headed_sections, post_sections
from .text import SIPDIS_RE, join_lines, split_marking

MAX_HEADER: Final = 60000
PAGE_WORD_RE: Final = re.compile("PAGE ")
LETTER_START_RE: Final = re.compile(r"^\(?[A-Za-z][.)]\s")
KEYED_LINE_RE: Final = re.compile(r"(?im)^\s*(?:SUBJECT:|TAGS?:|E\.?\s?O\.?\s+1\d{4})")


# Precompiled: re's module functions look each pattern up in a cache on every call.
SIPDIS_NOFORN_LINE_RE: Final = re.compile(r"(?i)^\s*(?:SIPDIS|NOFORN)\b")
REF_LINE_RE: Final = re.compile(r"(?i)^\s*REF")
DIGIT_RE: Final = re.compile(r"\d")


def parse(text: str | bytes, filename: str | None = None) -> Cable:
    """Parse one cable in any supported format; raise CableParseError when the input is not a cable."""
    if isinstance(text, (bytes, bytearray)):
        text = decode_bytes(bytes(text))
    source = normalise(text)
    text = _scrub(source.text)
    lines = text.split("\n")
    body = parse_body(lines, 0, text)
    header_text = "\n".join(lines[: body.first_line] if body.first_line is not None else lines)[:MAX_HEADER]
    routing = parse_routing(header_text)
    _refuse_non_cable(source, routing, body, header_text)
    cable = Cable(format=source.format)
    head = header_text[routing.banner_end or 0 :]
    eo = header.EO_RE.search(head)  # once: the caveat, E.O. and declassification readers all need it
    eo_decl = header.eo_and_declassify(head, eo)
    identity.read(cable, source, routing, filename, eo_decl[1])
    _header_fields(cable, head, routing, source, filename, eo, eo_decl)
    _addressees(cable, routing)
    if anomalies.transmission(cable, routing.transmission, routing.station, routing.number):
        identity.prefer_filename(cable, filename, routing)
    _body(cable, body, lines, head, source)
    return cable


def _scrub(text: str) -> str:
    """Remove SIPDIS markers and page-break lines ('BERN 00000881 002 OF 002') once, for the whole text. Each
    step's own str.find is its test: an 'in' test first would scan the text twice where the marker occurs."""
    text = _drop_sipdis(text)
    text = _sub_lines(text, (" OF 0",), PAGE_BREAK_RE)
    if PAGE_WORD_RE.search(text):  # the engine finds 'PAGE ' about twice as fast as str.find here
        text = PAGE_LINE_RE.sub("", text)
    return text


def _drop_sipdis(text: str) -> str:
    """SIPDIS_RE.sub(" ", text), trying the pattern only where 'IPDIS'/'ipdis' occurs: a full scan, even line by
    line, tries every position of long one-line cables. Matches are six letters and never overlap."""
    starts: list[int] = []
    for needle in ("IPDIS", "ipdis"):
        at = text.find(needle)
        while at != -1:
            if at:
                starts.append(at - 1)
            at = text.find(needle, at + 5)
    if not starts:
        return text
    starts.sort()
    parts: list[str] = []
    done = 0
    for start in starts:
        if start >= done and SIPDIS_RE.match(text, start):  # \b still sees text[start - 1]
            parts += [text[done:start], " "]
            done = start + 6
    parts.append(text[done:])
    return "".join(parts)


def _sub_lines(text: str, needles: tuple[str, ...], pattern: re.Pattern[str]) -> str:
    """pattern.sub(" ", line) on each line holding a needle (a line left blank is dropped). str.find locates those
    lines; testing every line, or one regex pass over the whole text (the pattern has no literal prefix to skip ahead by), is slower."""
    spans: set[tuple[int, int]] = set()
    for needle in needles:
        at = text.find(needle)
        while at != -1:
            end = text.find("\n", at)
            end = len(text) if end == -1 else end
            spans.add((text.rfind("\n", 0, at) + 1, end))
            at = text.find(needle, end)
    if not spans:
        return text
    parts: list[str] = []
    done = 0
    for start, end in sorted(spans):
        line = pattern.sub(" ", text[start:end])
        if line.strip():
            parts += [text[done:start], line]
            done = end
        else:  # a line that was only the page break goes, newline and all: the text around it joins up again
            parts.append(text[done:start])
            done = min(end + 1, len(text))
    parts.append(text[done:])
    return "".join(parts)


def _refuse_non_cable(source: Source, routing: Routing, body, header_text: str) -> None:
    if routing.dtg or routing.station or source.meta.get("refid"):
        return
    if body.paragraphs and KEYED_LINE_RE.search(header_text):
        return
    raise CableParseError("not a cable: no telegram header, reference id or numbered paragraphs found")


def _header_fields(
    cable: Cable,
    head: str,
    routing: Routing,
    source: Source,
    filename: str | None,
    eo: re.Match[str] | None,
    eo_decl: tuple[str | None, str | None],
) -> None:
    cable.classification = cable.classification or header.caveat(head, routing.banner_class, eo)
    cable.eo, cable.declassify_on = eo_decl
    cable.tags = header.tags(head)
    cable.subject = header.subject(head)
    cable.classified_by, cable.reasons = header.classified_by(head)
    cable.also_for = header.also_for(head)
    year, day = identity.citing_year(cable, routing, filename)
    own = (routing.station, routing.number) if routing.station and routing.number else None
    refs = parse_refs(head, year, own, day)
    merge_archive_refs(refs, source.meta.get("references"))
    cable.references, cable.ref_letters, cable.other_references = refs.references, refs.letters, refs.other


def _addressees(cable: Cable, routing: Routing) -> None:
    sender = routing.sender_name
    cable.sender = resolve(sender) if sender else None
    cable.action_addressees = [resolve(name) for name in split_addressees(routing.to)]
    cable.info_addressees = [resolve(name) for name in split_addressees(routing.info)]
    for addressee in [cable.sender, *cable.action_addressees, *cable.info_addressees]:
        if addressee is not None and addressee.kind == "unknown":
            cable.warn("unknown_addressee", None, f"addressee not found in the post reference data: {addressee.raw}")
    for addressee in cable.action_addressees:
        if addressee.kind == "collective" and addressee.collective is None:
            cable.warn(
                "unknown_collective", None,
                f"action addressee {addressee.raw} is a collective not in the collectives table: its posts are unknown",
            )


def _body(cable: Cable, body, lines: list[str], head: str, source: Source) -> None:
    cable.paragraphs = body.paragraphs or _unnumbered(lines, head)
    if body.trailing_junk:
        cable.warn("trailing_metadata", cable.paragraphs[-1].number, "archive database fields after the signature were removed")
    ends = [i for i, p in enumerate(cable.paragraphs) if "ummary" in p.text or "UMMARY" in p.text]
    if ends or "ummary" in head or "UMMARY" in head:  # the text up to the last paragraph naming it is enough
        upto = cable.paragraphs[: (ends[-1] + 1) if ends else 0]
        cable.summary = header.summary(head + "\n" + "\n".join(f"{p.number}. {p.text}" for p in upto))
    anomalies.numbering(cable, body, lines)
    anomalies.truncation(cable, body, source.spliced_refid)
    anomalies.excerpt(cable, source.text[:20000], source.text)
    blocks = find_blocks(cable.paragraphs)
    cable.non_papers = non_papers(blocks)
    from_department = (cable.sender.kind == "department") if cable.sender else "STATE" in (cable.reference_id or "")
    cable.action_request = find_action_request(
        cable.paragraphs, head, cable.action_addressees, cable.warn, cable.subject, from_department
    )
    announced = cable.action_request.talking_point_paragraphs if cable.action_request else []
    cable.talking_points = _talking_points(cable, blocks, announced)
    if cable.action_request is not None:  # a reply or a report asks nothing: no anomaly, the null says it
        complete(cable, blocks, head, from_department)
        spans = [(b.paragraph, b.spans) for b in blocks]
        found = noforn_sections(cable.paragraphs, cable.action_addressees, cable.action_request, cable.talking_points, spans)
        if found:  # after complete(): background is neither announced points nor a post's section
            attribute(found, cable.action_addressees, cable.action_request.text)
            cable.talking_points = sorted(cable.talking_points + found, key=lambda s: s.paragraph or 0)
    anomalies.missing_paragraphs(cable)
    anomalies.announced_mismatch(cable)
    anomalies.uncovered_posts(cable)


def _talking_points(cable: Cable, blocks: list[Block], announced: list[int]) -> list[TalkingPoints]:
    """Per-post labels first, then BEGIN blocks, then headed, introduced or announced paragraphs."""
    addressees = cable.action_addressees
    sections = post_sections(cable.paragraphs, addressees)
    covered = {s.paragraph for s in sections}
    sections += [s for s in block_sections(blocks, addressees, announced) if s.paragraph not in covered]
    skip: set[int] = {n for n in covered if n is not None} | {n for b in blocks for n in b.spans if n is not None}
    sections += headed_sections(cable.paragraphs, addressees, announced, skip)
    attribute(sections, addressees, cable.action_request.text if cable.action_request else "")
    if cable.action_request is not None and any("ullet" in p.text for p in cable.paragraphs):
        texts = {p.number: p.text for p in cable.paragraphs if p.number is not None}
        texts.update({b.paragraph: b.text for b in blocks if b.paragraph is not None})
        sections = share_out(cable.paragraphs, sections, texts, addressees)
    return sorted(sections, key=lambda s: s.paragraph or 0)


def _unnumbered(lines: list[str], head: str) -> list[Paragraph]:
    """A cable without numbered paragraphs: everything after the header fields is one paragraph."""
    head_lines = head.split("\n")
    start = 0
    for index, line in enumerate(head_lines):
        if index >= start and (header.KEYWORD_LINE_RE.match(line) or SIPDIS_NOFORN_LINE_RE.match(line)):
            start = _field_end(head_lines, index)
    marking, text = split_marking(join_lines(head_lines[start:], wrapped=True).strip())
    return [Paragraph(None, marking, text.strip())] if text.strip() else []


def _field_end(lines: list[str], index: int) -> int:
    """The line after a header field's block. A REF block runs over reference-like lines only, and any block
    ends where a marked sentence ('(C) The UK will ...') opens the text, blank line or not."""
    is_ref = REF_LINE_RE.match(lines[index]) is not None
    end = index + 1
    while end < len(lines) and lines[end].strip():
        line = lines[end].strip()
        ref_like = bool(DIGIT_RE.search(line)) and len(line.split()) <= 10
        if (is_ref and not ref_like and not LETTER_START_RE.match(line)) or (
            split_marking(line)[0] is not None and not ref_like
        ):
            break
        end += 1
    return end


__all__ = ["parse", "decode_bytes", "CableParseError"]
