"""Storing cables: ingest, revisions, re-parsing, and the posts reference data."""

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from django.db import IntegrityError, connection, transaction

from . import postdata
from .models import Cable, CableAddressee, CableReference, Post
from .parser import PARSER_VERSION, CableParseError, decode_bytes, parse

logger = logging.getLogger(__name__)
_REFERENCE_ID = re.compile(r"^\d{2}[A-Z]{2,20}\d{1,7}$")


@dataclass
class IngestResult:
    cable: Cable
    outcome: str  # created | unchanged | revised | failed
    error: str = ""

    def __str__(self) -> str:
        line = f"{self.cable.reference_id}: {self.outcome}"
        if self.cable.revision > 1 and self.outcome == "revised":
            line += f" (revision {self.cable.revision})"
        return f"{line}: {self.error}" if self.error else line


def _raw_forms(data: str | bytes) -> tuple[str, bytes | None]:
    """Return the text to store and, when the text alone cannot hold the input exactly, its bytes."""
    if isinstance(data, bytes):
        text = decode_bytes(data)
        try:
            lossless = data.decode("utf-8") == text
        except UnicodeDecodeError:
            lossless = False
        raw_bytes = None if lossless else data
    else:
        text, raw_bytes = data, None
    if "\x00" in text:  # PostgreSQL text cannot hold NUL; keep the exact bytes beside it.
        raw_bytes = raw_bytes or text.encode("utf-8", "surrogatepass")
        text = text.replace("\x00", "\ufffd")
    return text, raw_bytes


def _fallback_reference_id(filename: str | None, sha: str) -> str:
    stem = (filename or "").rsplit("/", 1)[-1].split(".", 1)[0].upper()
    return stem if _REFERENCE_ID.match(stem) else f"UNPARSED-{sha[:12]}"


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _fields_from_parse(data: dict) -> dict:
    return {
        "subject": data.get("subject") or "",
        "sent_at": _parse_time(data.get("date")),
        "origin": (data.get("origin") or "")[:120],
        "classification": (data.get("classification") or "")[:60],
        "tags_text": " ".join(data.get("tags") or [])[:500],
        "is_action_request": bool(data.get("action_request")),
        "anomaly_count": len(data.get("anomalies") or []),
    }


def _parse(text: str, filename: str | None) -> tuple[dict | None, str]:
    try:
        return parse(text, filename=filename).to_dict(), ""
    except CableParseError as exc:
        return None, str(exc)


def ingest_cable(data: str | bytes, *, filename: str | None = None, by=None) -> IngestResult:
    """Store a cable exactly as received. Safe to call twice with the same text.

    Only stores: outreach.services.receive_cable also attaches a reply to the demarche it answers.
    """
    text, raw_bytes = _raw_forms(data)
    sha = hashlib.sha256(raw_bytes if raw_bytes is not None else text.encode("utf-8", "surrogatepass")).hexdigest()
    existing = Cable.objects.filter(raw_sha256=sha).first()
    if existing:
        return IngestResult(existing, "unchanged", existing.parse_error)
    parsed, error = _parse(text, filename)
    reference_id = (parsed or {}).get("reference_id") or _fallback_reference_id(filename, sha)
    try:
        with transaction.atomic():
            # One writer per reference id at a time: two different texts arriving together both become
            # revisions, numbered in turn (before, both took revision 1 and one request failed).
            _lock_reference(reference_id)
            existing = Cable.objects.filter(raw_sha256=sha).first()
            if existing:  # the same text, stored by another request while this one waited
                return IngestResult(existing, "unchanged", existing.parse_error)
            cable, revised = _store(reference_id, text, raw_bytes, sha, filename, parsed, error, by)
    except IntegrityError:
        # The same text under another file name (so another fallback reference id), stored a moment ago.
        existing = Cable.objects.filter(raw_sha256=sha).first()
        if existing is None:
            raise
        return IngestResult(existing, "unchanged", existing.parse_error)
    outcome = "failed" if error else ("revised" if revised else "created")
    return IngestResult(cable, outcome, error)


def _lock_reference(reference_id: str) -> None:
    """Hold a transaction-scoped lock on one reference id (PostgreSQL; SQLite serialises writers itself)."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(reference_id.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _store(reference_id, text, raw_bytes, sha, filename, parsed, error, by) -> tuple[Cable, bool]:
    previous = (
        Cable.objects.select_for_update().filter(reference_id=reference_id, is_current=True).first()
    )
    if previous:
        Cable.objects.filter(pk=previous.pk).update(is_current=False)
    cable = Cable.objects.create(
        reference_id=reference_id,
        revision=previous.revision + 1 if previous else 1,
        raw_text=text,
        raw_bytes=raw_bytes,
        raw_sha256=sha,
        filename=(filename or "")[-255:],
        status=Cable.Status.FAILED if error else Cable.Status.PARSED,
        parse_error=error,
        parser_version=PARSER_VERSION,
        parsed=parsed,
        ingested_by=by,
        **_fields_from_parse(parsed or {}),
    )
    _store_links(cable, parsed or {})
    return cable, previous is not None


def _store_links(cable: Cable, data: dict) -> None:
    """Write addressee and reference rows in a fixed number of queries."""
    groups = [
        (CableAddressee.Role.FROM, [data["from"]] if data.get("from") else []),
        (CableAddressee.Role.ACTION, data.get("action_addressees") or []),
        (CableAddressee.Role.INFO, data.get("info_addressees") or []),
    ]
    codes = {a.get("code") for _, items in groups for a in items if a.get("code")}
    post_ids = dict(Post.objects.filter(code__in=codes).values_list("code", "id")) if codes else {}
    CableAddressee.objects.bulk_create(
        CableAddressee(
            cable=cable, role=role, position=i, raw=(a.get("raw") or "")[:255],
            kind=(a.get("kind") or "unknown")[:20], post_id=post_ids.get(a.get("code")),
        )
        for role, items in groups
        for i, a in enumerate(items)
    )
    letters = {ref: letter for letter, ref in (data.get("ref_letters") or {}).items()}
    CableReference.objects.bulk_create(
        CableReference(cable=cable, reference_id=ref[:40], letter=letters.get(ref, "")[:4])
        for ref in dict.fromkeys(data.get("references") or [])
    )


def reparse_cable(cable: Cable) -> bool:
    """Parse a stored cable again with the current parser; return whether anything changed."""
    parsed, error = _parse(cable.raw_text, cable.filename or None)
    if parsed == cable.parsed and error == cable.parse_error and cable.parser_version == PARSER_VERSION:
        return False
    with transaction.atomic():
        cable.parsed, cable.parse_error = parsed, error
        cable.status = Cable.Status.FAILED if error else Cable.Status.PARSED
        cable.parser_version = PARSER_VERSION
        for field, value in _fields_from_parse(parsed or {}).items():
            setattr(cable, field, value)
        cable.save()
        cable.addressees.all().delete()
        cable.cited.all().delete()
        _store_links(cable, parsed or {})
    return True


def sync_posts(post_model=Post) -> int:
    """Load the posts reference data into the database; existing rows are updated, none deleted."""
    count = 0
    for info in postdata.all_posts():
        post_model.objects.update_or_create(
            code=info.code,
            defaults={
                "name": info.name,
                "kind": info.kind,
                "city": info.city,
                "country": info.country,
                "country_code": info.country_code,
                "region": info.region,
                "timezone": info.timezone,
                "weekend": list(info.weekend),
                "routing_names": list(info.routing_names),
                "routing_indicators": list(info.routing_indicators),
                "releasability_names": list(info.releasability_names),
            },
        )
        count += 1
    return count
