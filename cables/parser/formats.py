"""Detect the four input formats and reduce each to plain telegram text plus archive metadata.

(a) cablegate_line: the one-line archive header ("187700 1/16/2009 18:59 09STATE4690 ... R 161859Z JAN 09 FM ...")
(b) csv: one row of the cablegate cables.csv (id, date, refid, origin, classification, references, header, content)
(c) cablegate_page: the text of a cablegate web page (may carry database-dump debris: TSV rows, " \\" line ends,
    "<<id>>" blocks, a second cable spliced in)
(d) telegram: plain telegram text with none of the above
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
from dataclasses import dataclass, field
from typing import Final

from .dumps import unpack_dump, unpack_labels, unpack_record
from .model import CableParseError

REFID_RE: Final = re.compile(r"^\d{2}[A-Z][A-Z-]{1,30}\d{1,7}$")
META_CLASS_RE: Final = re.compile(
    r"\b(TOP SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED)(//(?:FOR OFFICIAL USE ONLY|[A-Z]{2,12}))?(?=\s|$)"
)
LINE_HEADER_RE: Final = re.compile(
    r"^(?P<id>\d{1,8}) (?P<date>\d{1,2}/\d{1,2}/\d{4}) (?P<time>\d{1,2}:\d{2}) (?P<refid>\d{2}[A-Z][A-Z-]{1,30}\d{1,7}) (?P<rest>.*)$"
)
REFS_TOKEN_RE: Final = re.compile(r"^[0-9A-Z]{3,40}(?:\|[0-9A-Z]{3,40}){0,60}$")
HTML_RE: Final = re.compile(r"<\s*(?:!doctype|html|head|body|div|p|table|script|span|a\s)[^>]{0,200}>", re.I)
TAG_RE: Final = re.compile(r"<[^<>]{0,500}>")
CSV_START_RE: Final = re.compile(r'"?\d{1,8}"?,"')
NON_SPACE_RE: Final = re.compile(r"\S")
CONTROL_BYTES: Final = bytes([*range(0, 9), *range(14, 32), 127])
BINARY_SAMPLE: Final = 8000  # as much as git reads to tell data from text


# Precompiled: re's module functions look each pattern up in a cache on every call.
PRECEDENCE_TOKEN_RE: Final = re.compile(r"^[ROPZ]$")
RELAY_LINE_RE: Final = re.compile(r"(?m)^(VZCZC|ZNY |ZNR |DE RUE)")


@dataclass
class Source:
    format: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    spliced_refid: str | None = None  # a second cable found appended and cut off
    notes: list[tuple[str, str]] = field(default_factory=list)  # (anomaly kind, detail)


# Byte-order marks, longest first: UTF-32's little-endian mark begins with UTF-16's.
BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes) -> str:
    """Decode cable bytes: as their byte-order mark says, else UTF-8, then cp1252, then latin-1 (which never fails)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break  # not text in that encoding after all: try the byte-wise ones
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def normalise(text: str) -> Source:
    """Return the telegram text of any supported input, or raise CableParseError."""
    if not isinstance(text, str):
        raise CableParseError("not a cable: expected text, got %s" % type(text).__name__)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.lstrip("\ufeff")
    if not text or text.isspace():  # not text.strip(): that copies the whole text
        raise CableParseError("not a cable: the input is empty")
    _refuse_binary(text)
    anchored = "\u00b6" in text
    if anchored:
        text = text.replace("\u00b6", "")  # WikiLeaks' paragraph-anchor text, never telegram text
    if text.find("<", 0, 5000) != -1 and HTML_RE.search(text[:5000]):  # one-character find first: the scan is case-blind
        text = _strip_html(text)
    return _from_csv(text) or _from_line_header(text) or _from_page(text, anchored)


def _refuse_binary(text: str) -> None:
    """Data, not text: a NUL or more than 1% control characters in the first BINARY_SAMPLE characters."""
    sample = text[:BINARY_SAMPLE]
    # Counted on bytes, where translate runs at C speed. Control characters are ASCII, so Latin-1 bytes count
    # them as well as UTF-8 does, and a text of Latin-1 letters (the pilcrow of an archive page) encodes as one
    # copy where UTF-8 walks every accented letter.
    try:
        data = sample.encode("latin-1")
    except UnicodeEncodeError:
        data = sample.encode("utf-8", "surrogatepass")
    controls = len(data) - len(data.translate(None, CONTROL_BYTES))
    if b"\x00" in data or controls > max(8, len(sample) // 100):
        raise CableParseError("not a cable: the input is binary data (NUL or control bytes)")


def _strip_html(text: str) -> str:
    # A saved cablegate page keeps the telegram inside <pre>; anything else is reduced to its text.
    lower = text.lower()
    start, end = lower.find("<pre"), lower.rfind("</pre>")
    if start != -1 and end > start:
        text = text[start:end]
    text = re.sub(r"(?i)<br\s*/?>", "\n", text)
    return html.unescape(TAG_RE.sub("", text)).replace("\u00b6", "")


def _from_csv(text: str) -> Source | None:
    first = NON_SPACE_RE.search(text)  # where text.lstrip() would start, without copying the whole text
    if first is None or not CSV_START_RE.match(text, first.start(), first.start() + 40):  # None: only blanks
        return None
    try:
        row = next(csv.reader(io.StringIO(text.lstrip())))
    except (csv.Error, StopIteration):
        return None
    if len(row) < 8 or not REFID_RE.match(row[2].strip()):
        return None
    meta = {
        "cablegate_id": row[0].strip(),
        "date": row[1].strip(),
        "refid": row[2].strip(),
        "origin": row[3].strip(),
        "classification": row[4].strip(),
        "references": row[5].strip(),
    }
    return Source("csv", row[6].replace("\r", "") + "\n" + "\n".join(row[7:]).replace("\r", ""), meta)


def _from_line_header(text: str) -> Source | None:
    start = 0
    for _ in range(5):  # the first five lines, found without splitting (and copying) the whole text
        end = text.find("\n", start)
        line = (text[start:] if end == -1 else text[start:end]).strip()
        match = LINE_HEADER_RE.match(line[:20000]) if line[:1].isdigit() else None
        if match:
            meta, telegram = _split_line_header(match)
            return Source("cablegate_line", telegram if end == -1 else f"{telegram}\n{text[end + 1 :]}", meta)
        if end == -1:
            return None
        start = end + 1
    return None


def _split_line_header(match: re.Match[str]) -> tuple[dict[str, str], str]:
    meta = {
        "cablegate_id": match["id"],
        "date": f"{match['date']} {match['time']}",
        "refid": match["refid"],
    }
    rest = match["rest"]
    cls = META_CLASS_RE.search(rest[:300])
    if not cls:
        return meta, rest
    meta["origin"] = rest[: cls.start()].strip()
    meta["classification"] = cls.group(0)
    rest = rest[cls.end() :].lstrip()
    token, _, after = rest.partition(" ")
    if REFS_TOKEN_RE.match(token) and not PRECEDENCE_TOKEN_RE.match(token):
        meta["references"] = token
        rest = after
    return meta, rest


def _from_page(text: str, anchored: bool) -> Source:
    source = Source("cablegate_page", text)
    if not ("header ends" in text and unpack_record(text, source)):
        unpack_dump(text, source)
    if "\nID:" in source.text and "\nID: " in source.text:  # the first ends in a rarer character: a faster scan
        unpack_labels(source)
    if "\t" in source.text:
        source.text = source.text.replace("\t", " ")
    if not (anchored or source.meta or source.spliced_refid or _looks_like_page(text)):
        source.format = "telegram"
    return source


def _looks_like_page(text: str) -> bool:
    # Page text keeps WikiLeaks' anchors and the relay's transmission lines; a typed telegram has neither.
    head = text[:3000]
    return bool(RELAY_LINE_RE.search(head))
