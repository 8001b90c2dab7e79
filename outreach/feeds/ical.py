"""Deadlines as iCalendar (RFC 5545) text: escaping, line folding, all-day events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

PRODID = "-//Outreach tracker//Demarche deadlines//EN"


# ---------------------------------------------------------------- the iCalendar text


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with one space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(dt_timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _day(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"  # strftime pads years below 1000 unevenly


def calendar_text(name: str, events: list[dict], *, now: datetime) -> str:
    """Return a VCALENDAR of all-day events: {uid, day, summary, description, url}."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for event in events:
        day: date = event["day"]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event['uid']}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART;VALUE=DATE:{_day(day)}",
            # The day after 9999-12-31 does not exist: that one day ends by a duration (RFC 5545 3.6.1).
            f"DTEND;VALUE=DATE:{_day(day + timedelta(days=1))}" if day < date.max else "DURATION:P1D",
            f"SUMMARY:{escape_text(event['summary'])}",
            f"DESCRIPTION:{escape_text(event.get('description', ''))}",
            *([f"URL:{event['url']}"] if event.get("url") else []),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
