"""The cable's identity: reference id, date, classification and origin, with the archive's metadata."""

from __future__ import annotations

import os
import re
from datetime import date
from typing import Final

from .addressees import origin_from_sender
from .formats import Source
from .model import Cable
from .routing import Routing, full_year, reference_id

FILENAME_ID_RE: Final = re.compile(r"^(\d{2})([A-Z][A-Z-]{1,30})(\d{1,7})$")


# Precompiled: re's module functions look each pattern up in a cache on every call.
META_US_DATE_RE: Final = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})")
META_ISO_DATE_RE: Final = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})")


def read(cable: Cable, source: Source, routing: Routing, filename: str | None, declassify_on: str | None) -> None:
    """Reference id, archive id, date, DTG, precedence, classification and origin."""
    meta = source.meta
    if meta.get("cablegate_id", "").isdigit():
        cable.cablegate_id = int(meta["cablegate_id"])
    cable.dtg = routing.dtg
    cable.precedence = routing.precedence
    cable.date = _meta_date(meta.get("date")) or routing.when
    if routing.year is None and routing.station:
        routing.year = _year_without_dtg(cable, routing, filename, declassify_on)
    cable.reference_id = reference_id(routing) or _clean_refid(meta.get("refid"))
    if meta.get("refid") and cable.reference_id and cable.reference_id != _clean_refid(meta["refid"]):
        cable.warn("reference_id_mismatch", None, f"text says {cable.reference_id}, archive says {meta['refid']}")
    if cable.reference_id is None:
        cable.reference_id = _from_transmission(routing) or _from_filename(cable, filename)
    cable.classification = meta.get("classification") or None
    cable.origin = meta.get("origin") or origin_from_sender(routing.sender_name)
    if routing.garbled:
        cable.warn("garbled_header", None, "a page-break line ('PAGE 02 ...') is mixed into the addressees")


def _meta_date(value: str | None) -> str | None:
    if not value:
        return None
    match = META_US_DATE_RE.match(value)
    if match:
        month, day, year, hour, minute = (int(g) for g in match.groups())
        return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"
    match = META_ISO_DATE_RE.match(value)
    return f"{match[1]}-{match[2]}-{match[3]}T{match[4]}:{match[5]}" if match else None


def _clean_refid(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if FILENAME_ID_RE.match(value) else None


def _from_filename(cable: Cable, filename: str | None) -> str | None:
    stem = os.path.splitext(os.path.basename(filename or ""))[0].upper()
    if not FILENAME_ID_RE.match(stem):
        return None
    cable.warn("reference_id_from_filename", None, f"the text gives no reference id; taken from the file name {stem}")
    return stem


def _from_transmission(routing: Routing) -> str | None:
    """A post's cable without a banner: the transmission line holds its whole serial (the Department's serials
    are longer than the line's four digits)."""
    match, sender = routing.transmission, routing.sender_name
    if match is None or not sender or routing.year is None or sender.upper().startswith("SECSTATE"):
        return None
    station = "".join(sender.upper().split()[1:]) if " " in sender else ""
    return f"{routing.year % 100:02d}{station}{int(match.group(2))}" if station.isalpha() else None


def _year_without_dtg(cable: Cable, routing: Routing, filename: str | None, declassify_on: str | None) -> int | None:
    """The year of a cable whose banner gives station and serial but no DTG (partial extracts): the archive's
    date, else the file name when it names the same cable, else ten years before the declassification date."""
    if cable.date:
        return int(cable.date[:4])
    named = _filename_id(filename)
    if named and named.group(2) == routing.station and int(named.group(3)) == routing.number:
        return full_year(int(named.group(1)))
    return int(declassify_on[:4]) - 10 if declassify_on else None


def _filename_id(filename: str | None) -> re.Match[str] | None:
    return FILENAME_ID_RE.match(os.path.splitext(os.path.basename(filename or ""))[0].upper())


def citing_year(cable: Cable, routing: Routing, filename: str | None) -> tuple[int | None, int | None]:
    """The year references without one are read in, and the citing cable's day of the year (None when unknown):
    the cable's own year, else the file name's, else ten years before declassification."""
    if cable.date:
        try:
            sent = date.fromisoformat(cable.date[:10])
            return sent.year, sent.timetuple().tm_yday
        except ValueError:
            return int(cable.date[:4]), None
    if routing.year:
        return routing.year, None
    named = _filename_id(filename)
    if named:
        return full_year(int(named.group(1))), None
    if cable.declassify_on:
        return int(cable.declassify_on[:4]) - 10, None
    return None, None


def prefer_filename(cable: Cable, filename: str | None, routing: Routing) -> None:
    """The banner belongs to another cable (a spliced page): the file name names this one when its station is
    the sender's (and its serial the transmission line's, when there is one)."""
    named = _filename_id(filename)
    sender = routing.sender_name
    if named is None or not sender or named.group(0) == cable.reference_id:
        return
    station = "".join(sender.upper().split()[1:])
    serial = int(routing.transmission.group(2)) if routing.transmission else None
    if named.group(2) != station or (serial is not None and int(named.group(3)) % 10 ** len(str(serial)) != serial):
        return
    cable.warn("reference_id_mismatch", None, f"the banner says {cable.reference_id}; the header and the file name "
               f"say {named.group(0)}")
    cable.reference_id = named.group(0)
