"""Archive debris around the telegram: database dumps (TSV rows, ' \\' line ends, leaked id blocks) and the
labelled record of the April 2011 pages (`id:`, `date:` ... `header:`, `----- header ends -----`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .formats import Source

REFID_RE: Final = re.compile(r"^\d{2}[A-Z][A-Z-]{1,30}\d{1,7}$")
DB_DATE_RE: Final = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?|\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2})\s*$")
# The database id leaks as '<<240168>>' or as a bare number line followed by the row's date
DB_ID_RE: Final = re.compile(r"^\s*(?:<<\d{1,9}>>|\d{4,9})\s*$")
# the date line of a leaked database row; the leading literal newline lets the engine skip ahead
DB_BLOCK_HINT_RE: Final = re.compile(r"\n\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
HEADER_ENDS_RE: Final = re.compile(r"(?m)^-{5,}\s*header ends\s*-{5,}\s*$")
RECORD_LABEL_RE: Final = re.compile(r"^(id|date|refid|origin|classification|destination|header):[ \t]*(.*)$")
RECORD_KEYS: Final = {"id": "cablegate_id", "date": "date", "refid": "refid", "origin": "origin",
               "classification": "classification", "destination": "references"}  # fmt: skip


def unpack_record(text: str, source: Source) -> bool:
    """Keep the labelled record of a 2011 page (the excerpt above it is page furniture); True when found."""
    end = HEADER_ENDS_RE.search(text)
    if end is None:
        return False
    start = text.rfind("\nid:", 0, end.start())
    if start == -1 and not text.startswith("id:"):
        return False
    lines = text[start + 1 : end.start()].split("\n")
    header: list[str] = []
    in_header = False
    for line in lines:
        label = None if in_header else RECORD_LABEL_RE.match(line)
        if label is None:
            if in_header:
                header.append(line)
            continue
        key, value = label.groups()
        if key == "header":
            in_header = True
            if value.strip():
                header.append(value)
        elif value.strip():
            source.meta[RECORD_KEYS[key]] = value.strip()
    body = text[end.end() :]
    cut = body.find("=====CABLE ENDS====")  # the page's own end marker, glued to the next page's text
    if cut != -1:
        body = body[: body.rfind("\n", 0, cut) + 1]
    source.text = "\n".join(header) + "\n" + body
    return True


def unpack_dump(text: str, source: Source) -> None:
    """Undo database debris: ' \\' line ends, tab-separated rows, a leaked id block; no-op on clean text."""
    backslashes, tabs = "\\" in text, "\t" in text
    # a one-character find rules out '<<' at memchr speed; a two-character scan is several times slower
    block = ("<" in text and "<<" in text) or DB_BLOCK_HINT_RE.search(text, 0, 30000) is not None
    if not (backslashes or tabs or block):
        return
    lines = text.split("\n")
    if backslashes and _mostly_backslash_ended(lines):
        # Same as re.sub(r"\s*\\$", ""): str.rstrip() strips exactly the characters \s matches, and a regex
        # tried at every position of every line was the slowest step of unpacking a dump.
        lines = [line[:-1].rstrip() if line.endswith("\\") else line for line in lines]
    if tabs:
        lines = _unpack_tsv_rows(lines, source) or lines
    if block and not source.meta:
        lines = _unpack_db_block(lines, source) or lines
    source.text = "\n".join(lines)


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


def _db_id_line(lines: list[str], index: int) -> bool:
    line = lines[index]
    if len(line) > 24 or line.lstrip()[:1] not in "<0123456789" or not DB_ID_RE.match(line):
        return False
    return "<<" in line or (index + 1 < len(lines) and DB_DATE_RE.match(lines[index + 1]) is not None)


def _unpack_db_block(lines: list[str], source: Source) -> list[str] | None:
    """Lift a leaked '<<id>>' database block (id, date, refid, origin, class, refs) out of the text."""
    at = next((i for i, line in enumerate(lines[:400]) if _db_id_line(lines, i)), None)
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


# A third layout keeps the database row as upper-case labels inside the header ("ID: 248711", "ORIGIN:
# 10BERLIN180", "SOURCE: Embassy Berlin", "MISC: <references>"); redacted values are XXXXXXXXXXXX.
LABEL_BLOCK_RE: Final = re.compile(r"(?m)^ID: \d{1,9}[ \t]*\n(?:(?:ORIGIN|DATE|SOURCE|CLASSIFICATION|MISC|DESTINATION):.*\n?){1,6}")
LABEL_KEYS: Final = {"ID": "cablegate_id", "ORIGIN": "refid", "DATE": "date", "SOURCE": "origin",
              "CLASSIFICATION": "classification", "MISC": "references"}  # fmt: skip


def unpack_labels(source: Source) -> None:
    """Lift an upper-case labelled database row out of the header text."""
    match = LABEL_BLOCK_RE.search(source.text, 0, 30000)
    if match is None:
        return
    for line in match.group(0).split("\n"):
        key, _, value = line.partition(":")
        value = value.strip()
        if key in LABEL_KEYS and value and "XXXX" not in value and key != "DESTINATION":
            source.meta.setdefault(LABEL_KEYS[key], value)
    rest = source.text[match.end() :]
    while rest.startswith("XXXXXXXXXXXX"):  # the redacted destination runs on over a line
        rest = rest.split("\n", 1)[1] if "\n" in rest else ""
    source.text = source.text[: match.start()] + rest
