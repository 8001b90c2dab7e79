"""The bounds of every value a user can send, checked here so that forms, the API, the admin and the
commands refuse the same things with the same words.

Why bounds at all: one embassy user with a 9999-12-31 delivery date or a 5 MiB answer made every
page that shows it slow or broken for everyone. A real answer fits in a few pages; a real
deadline lies within two years.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

# Characters. A long real report-back answer is a few thousand characters.
MAX_TEXT = 20_000
# A demarche's instructions come from the cable's action request, which may run longer than an answer.
MAX_INSTRUCTIONS = 100_000
MAX_LINE = 255
TEXT_LIMITS = {
    "response_text": MAX_TEXT,
    "body": MAX_TEXT,  # a thread message
    "instruction": MAX_TEXT,
    "instructions": MAX_INSTRUCTIONS,
    "subject": 2_000,
    "reason": 2_000,
    "status_reason": 2_000,
    "note": 2_000,
    "acknowledged_note": 2_000,
    "needs_attention": MAX_LINE,
    "requested_level": MAX_LINE,
    "reply_reference_id": 40,
}
MAX_OFFICIALS = 50
# Corrections of one thread message: each keeps the earlier text, which its page shows. Without a bound,
# five minutes of edits at the text limit grew one thread page past 20 MB.
MAX_CORRECTIONS = 5
OFFICIAL_FIELD = 200
MAX_TALKING_POINTS = 200
# Due dates: no later than two years from today, a sane horizon for a tasking.
HORIZON = timedelta(days=2 * 365)
# The earliest due date when the cable's own date is unknown.
EARLIEST = date(2000, 1, 1)
# Longest list a form, the API or a bulk action may name (posts, task ids).
MAX_LIST = 500


def check_texts(**values) -> None:
    """Refuse text values over their limit; say which, how long, and the limit."""
    errors = {}
    for name, value in values.items():
        limit = TEXT_LIMITS.get(name, MAX_TEXT)
        if isinstance(value, str) and len(value) > limit:
            errors[name] = f"At most {limit:,} characters; this is {len(value):,}."
    if errors:
        raise ValidationError(errors)


def check_officials(officials) -> None:
    """Refuse a list of officials that no meeting has: too many, or names too long."""
    if officials is None:
        return
    if len(officials) > MAX_OFFICIALS:
        raise ValidationError({"officials": f"At most {MAX_OFFICIALS} officials; this is {len(officials)}."})
    for official in officials:
        for key, value in official.items():
            if len(str(value or "")) > OFFICIAL_FIELD:
                raise ValidationError(
                    {"officials": f"An official's {key} may be at most {OFFICIAL_FIELD} characters."}
                )


def check_list(name: str, values, limit: int = MAX_LIST) -> None:
    if values is not None and len(values) > limit:
        raise ValidationError({name: f"At most {limit} at a time; this is {len(values)}."})


def _fmt(day: date) -> str:
    return f"{day.day} {day:%b} {day.year}"


def cable_date(cable) -> date | None:
    sent = getattr(cable, "sent_at", None)
    return sent.date() if isinstance(sent, datetime) else None


def due_window(cable, *, today: date | None = None) -> tuple[date, date]:
    """Return the first and last due dates a demarche of this cable may have."""
    today = today or timezone.localdate()
    return cable_date(cable) or EARLIEST, today + HORIZON


def check_due(cable, *, today: date | None = None, **days) -> None:
    """Refuse due dates before the cable was sent or more than two years ahead."""
    first, last = due_window(cable, today=today)
    errors = {}
    for name, day in days.items():
        if day is None:
            continue
        if day < first:
            errors[name] = f"{_fmt(day)} is before the cable's date ({_fmt(first)})."
        elif day > last:
            errors[name] = f"{_fmt(day)} is more than two years ahead; give a date by {_fmt(last)}."
    if errors:
        raise ValidationError(errors)


def post_today(post) -> date:
    """Today in the post's own time zone: a delivery in Canberra may be dated tomorrow in Washington."""
    try:
        zone = ZoneInfo(post.timezone or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


def delivery_window(task) -> tuple[date, date]:
    """Return the first and last dates a task's delivery may carry: from the issue to today, at the post."""
    demarche, today = task.demarche, post_today(task.post)
    if demarche.issued_at:
        try:
            zone = ZoneInfo(task.post.timezone or "UTC")
        except (ValueError, KeyError):
            zone = ZoneInfo("UTC")
        first = demarche.issued_at.astimezone(zone).date()
    else:
        first = cable_date(demarche.cable) or EARLIEST
    return min(first, today), today


def check_delivered_on(task, day: date | None, *, field: str = "delivered_on") -> None:
    """Refuse a delivery dated before the demarche was issued or after today at the post."""
    if day is None:
        return
    first, last = delivery_window(task)
    if day < first:
        raise ValidationError({field: f"{_fmt(day)} is before the demarche was issued ({_fmt(first)})."})
    if day > last:
        raise ValidationError({field: f"{_fmt(day)} is after today at {task.post.name} ({_fmt(last)})."})
