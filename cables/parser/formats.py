"""Detect the four input formats and reduce each to plain telegram text plus archive metadata.

(a) cablegate_line: the one-line archive header ("187700 1/16/2009 18:59 09STATE4690 ... R 161859Z JAN 09 FM ...")
(b) csv: one row of the cablegate cables.csv (id, date, refid, origin, classification, references, header, content)
(c) cablegate_page: the text of a cablegate web page (may carry database-dump debris: TSV rows, " \\" line ends,
    "<<id>>" blocks, a second cable spliced in)
(d) telegram: plain telegram text with none of the above
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field

from .model import CableParseError

REFID_RE = re.compile(r"^\d{2}[A-Z][A-Z-]{1,30}\d{1,7}$")
META_CLASS_RE = re.compile(
    r"\b(TOP SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED)(//(?:FOR OFFICIAL USE ONLY|[A-Z]{2,12}))?(?=\s|$)"
)
LINE_HEADER_RE = re.compile(
    r"^(?P<id>\d{1,8}) (?P<date>\d{1,2}/\d{1,2}/\d{4}) (?P<time>\d{1,2}:\d{2}) (?P<refid>\d{2}[A-Z][A-Z-]{1,30}\d{1,7}) (?P<rest>.*)$"
)
REFS_TOKEN_RE = re.compile(r"^[0-9A-Z]{3,40}(?:\|[0-9A-Z]{3,40}){0,60}$")
DB_DATE_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?|\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2})\s*$")
HTML_RE = re.compile(r"<\s*(?:!doctype|html|head|body|div|p|table|script|span|a\s)[^>]{0,200}>", re.I)
TAG_RE = re.compile(r"<[^<>]{0,500}>")
CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
DB_ID_RE = re.compile(r"^\s*<<\d{1,9}>>\s*$")


@dataclass
class Source:
    format: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    spliced_refid: str | None = None  # a second cable found appended and cut off
    notes: list[tuple[str, str]] = field(default_factory=list)  # (anomaly kind, detail)


def decode_bytes(data: bytes) -> str:
    """Decode cable bytes: UTF-8 first, then cp1252, then latin-1 (which never fails)."""
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
    if not text.strip():
        raise CableParseError("not a cable: the input is empty")
    _refuse_binary(text)
    anchored = "\u00b6" in text
    text = text.replace("\u00b6", "")  # WikiLeaks' paragraph-anchor text, never telegram text
    if HTML_RE.search(text[:5000]):
        text = _strip_html(text)
    return _from_csv(text) or _from_line_header(text) or _from_page(text, anchored)


def _refuse_binary(text: str) -> None:
    # Counted on UTF-8 bytes: bytes.translate runs at C speed where a regex over wide strings does not.
    sample = text[:20000].encode("utf-8", "surrogatepass")
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if b"\x00" in sample or controls > max(8, len(sample) // 100):
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
    head = text.lstrip()[:40]
    if not re.match(r'^"?\d{1,8}"?,"', head):
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
    lines = text.split("\n", 6)
    for index, line in enumerate(lines[:5]):
        match = LINE_HEADER_RE.match(line.strip()[:20000])
        if match:
            meta, telegram = _split_line_header(match)
            rest = lines[index + 1 :]
            return Source("cablegate_line", "\n".join([telegram, *rest]), meta)
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
    if REFS_TOKEN_RE.match(token) and not re.match(r"^[ROPZ]$", token):
        meta["references"] = token
        rest = after
    return meta, rest


def _from_page(text: str, anchored: bool) -> Source:
    source = Source("cablegate_page", text)
    if "\\" in text or "\t" in text or "<<" in text:
        _unpack_dump(text, source)
    if "\t" in source.text:
        source.text = source.text.replace("\t", " ")
    if not (anchored or source.meta or source.spliced_refid or _looks_like_page(text)):
        source.format = "telegram"
    return source


def _unpack_dump(text: str, source: Source) -> None:
    lines = text.split("\n")
    if _mostly_backslash_ended(lines):
        # Same as re.sub(r"\s*\\$", ""): str.rstrip() strips exactly the characters \s matches, and a regex
        # tried at every position of every line was the slowest step of unpacking a dump.
        lines = [line[:-1].rstrip() if line.endswith("\\") else line for line in lines]
    if "\t" in text:
        lines = _unpack_tsv_rows(lines, source) or lines
    if "<<" in text and not source.meta:
        lines = _unpack_db_block(lines, source) or lines
    source.text = "\n".join(lines)


def _looks_like_page(text: str) -> bool:
    # Page text keeps WikiLeaks' anchors and the relay's transmission lines; a typed telegram has neither.
    head = text[:3000]
    return bool(re.search(r"(?m)^(VZCZC|ZNY |ZNR |DE RUE)", head))


def _mostly_backslash_ended(lines: list[str]) -> bool:
    if not any(line.endswith("\\") for line in lines[:50]):
        return False
    ended = sum(1 for line in lines if line.endswith("\\"))
    return ended >= 5 and ended * 3 >= len(lines)


def _unpack_tsv_rows(lines: list[str], source: Source) -> list[str] | None:
    """Turn tab-separated database rows back into text; cut off any second cable."""
    if not any("\t" in line for line in lines):
        return None
    rows = [i for i, line in enumerate(lines) if line.count("\t") >= 4]
    if not rows:
        return None
    first_fields = lines[rows[0]].split("\t")
    refid_at = next((i for i, f in enumerate(first_fields) if REFID_RE.match(f.strip())), None)
    if refid_at is None:
        return None
    _store_row_meta(first_fields, refid_at, source)
    body = ["\n".join(first_fields[refid_at + 4 :])]
    for index in range(rows[0] + 1, len(lines)):
        line = lines[index]
        other = _row_refid(line)
        if other and other != source.meta.get("refid"):
            source.spliced_refid = other
            break
        body.append(line.replace("\t", "\n"))
    if rows[0] > 0 and not any(line.startswith("FM ") for line in body[:400]):
        body = lines[: rows[0]] + body
    return "\n".join(body).split("\n")


def _row_refid(line: str) -> str | None:
    if line.count("\t") < 4:
        return None
    return next((f.strip() for f in line.split("\t") if REFID_RE.match(f.strip())), None)


def _store_row_meta(fields: list[str], refid_at: int, source: Source) -> None:
    source.meta["refid"] = fields[refid_at].strip()
    if refid_at >= 1 and DB_DATE_RE.match(fields[refid_at - 1]):
        source.meta["date"] = fields[refid_at - 1].strip()
    if refid_at >= 2 and fields[refid_at - 2].strip().isdigit():
        source.meta["cablegate_id"] = fields[refid_at - 2].strip()
    tail = [f.strip() for f in fields[refid_at + 1 : refid_at + 4]] + ["", "", ""]
    source.meta["origin"], source.meta["classification"], source.meta["references"] = tail[:3]


def _unpack_db_block(lines: list[str], source: Source) -> list[str] | None:
    """Lift a leaked '<<id>>' database block (id, date, refid, origin, class, refs) out of the text."""
    at = next((i for i, line in enumerate(lines[:400]) if "<<" in line and DB_ID_RE.match(line)), None)
    if at is None:
        return None
    source.meta["cablegate_id"] = lines[at].strip().strip("<>")
    cursor = at + 1
    for key, pattern in (
        ("date", DB_DATE_RE),
        ("refid", re.compile(r"^\s*\d{2}[A-Z][A-Z-]{1,30}\d{1,7}\s*$")),
        ("origin", re.compile(r"^\s*[A-Za-z][A-Za-z .,'-]{1,60}\s*$")),
        ("classification", re.compile(r"^\s*[A-Z][A-Z/ ]{4,60}\s*$")),
        ("references", re.compile(r"^\s*[0-9A-Z|]{0,2000}\s*$")),
    ):
        if cursor < len(lines) and pattern.match(lines[cursor]):
            source.meta[key] = lines[cursor].strip()
            cursor += 1
    rest = lines[cursor:]
    if any(line.startswith("FM ") for line in rest[:200]):
        return rest
    return lines[:at] + rest
