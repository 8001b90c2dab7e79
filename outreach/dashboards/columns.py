"""Columns and cells of the dashboard tables: badges with a symbol and a word, percentages, dates, links."""

from datetime import date, datetime
from functools import lru_cache
from html import escape as _escape

import django_tables2 as tables
from django.urls import get_script_prefix, reverse
from django.utils.dateformat import format as _date_format
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import get_language

from cables.templatetags.page_dates import PAGE_DATE

from ..models import Demarche, PostTask

# Cells every table writes many times: built once. SafeString(...) is what mark_safe() makes of a str,
# without its lazy-argument check per call.
NO_VALUE = SafeString('<span class="muted">—</span>')
NO_SUCH_TASK = SafeString('<span class="muted" title="No such task for this post">n/a</span>')


def html_text(value) -> str:
    """Django's conditional_escape, as a plain str, without the lazy-argument check around escape().

    That check (keep_lazy) runs on every call: a 300-post matrix escapes ~5,000 values, and it was a third
    of the time its rows took. Lazy strings are still turned into text first, as conditional_escape does.
    """
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def date_format(value, fmt: str) -> str:
    if isinstance(value, datetime):
        value = localtime(value)
    if fmt == PAGE_DATE:
        return _day(value.date() if isinstance(value, datetime) else value, get_language())
    return _date_format(value, fmt)


@lru_cache(maxsize=4096)
def _day(value: date, language: str) -> str:
    """PAGE_DATE once per day and language: Django's DateFormat costs ~0.1 ms and the biggest matrix writes
    ~600 dates of a few dozen days."""
    return _date_format(value, PAGE_DATE)


# Pages write dates one way (cables/templatetags/page_dates.py); exports write ISO 8601 (CSV) or date cells (XLSX).


def page_date(value) -> str:
    """A date (or a datetime's local date) as pages write it, never wrapping mid-date."""
    if not value:
        return "—"
    return SafeString(f'<span class="nowrap">{html_text(date_format(value, PAGE_DATE))}</span>')


class DateCol(tables.Column):
    """A date (or the date of a datetime) as "7 Dec 2026"; the value itself in exports."""

    def __init__(self, *args, date_format: str = PAGE_DATE, **kwargs):
        self.date_format = date_format
        kwargs.setdefault("attrs", {"td": {"class": "nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return date_format(value, self.date_format)

    def value(self, value):
        return value or None


# state -> (badge class, word); the class adds a symbol, so colour is never the only signal.
STEP_BADGES = {
    "done": ("ok", "Done"),
    "overdue": ("bad", "Overdue"),
    "open": ("open", "Open"),
    "not_delivered": ("warn", "Not delivered"),
    "cancelled": ("open", "Cancelled"),
}
STATE_BADGES = {
    Demarche.State.DRAFT: ("open", "Draft"),
    Demarche.State.ISSUED: ("info", "Issued"),
    Demarche.State.CLOSED: ("ok", "Closed"),
}


@lru_cache(maxsize=2048)  # a 300-post matrix draws ~1,200 badges from a handful of (state, word) pairs
def badge(state: str, word: str | None = None):
    css, default = STEP_BADGES.get(state, ("open", state.replace("_", " ").capitalize()))
    return format_html('<span class="badge {}">{}</span>', css, word or default)


def url_for(name: str, arg: str) -> str:
    """reverse(name, args=[arg]), remembered: a table links every row, and reverse() costs ~0.1 ms."""
    return _reverse(get_script_prefix(), name, arg)


@lru_cache(maxsize=8192)
def _reverse(prefix: str, name: str, arg: str) -> str:  # the prefix is part of the key: reverse() uses it
    return reverse(name, args=[arg])


def task_state(task: PostTask, today: date) -> str:
    return "overdue" if task.is_overdue(today) else task.status


def pct_bar(value):
    """A percentage with a thin bar; the number is always printed. SVG attributes, not inline styles (CSP)."""
    if value is None:
        return NO_VALUE
    return format_html(
        '<span class="pct"><span class="pct-num">{}&nbsp;%</span>'
        '<svg class="pct-bar" width="72" height="6" aria-hidden="true" focusable="false">'
        '<rect width="72" height="6" class="pct-bg"/><rect width="{}" height="6" class="pct-fill"/></svg></span>',
        round(value),
        round(72 * max(0, min(100, value)) / 100, 1),
    )


def _round(value, digits=1):
    return None if value is None else round(value, digits)


class PctColumn(tables.Column):
    export_unit = "%"  # exports carry the unit in the header: "Delivered (%)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return pct_bar(value)

    def value(self, value):
        return _round(value)


class NumberColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return _round(value) if isinstance(value, float) else value

    def value(self, value):
        return _round(value) if isinstance(value, float) else value


class PostLinkColumn(tables.Column):
    """A post's name linking to its record; exports get the plain name."""

    def render(self, value, record):
        url = url_for("outreach:dash_post", record["post_code"])
        return SafeString(f'<a href="{html_text(url)}">{html_text(value)}</a>')

    def value(self, value):
        return value


class StepColumn(tables.Column):
    """One step of the matrix: a badge and the relevant date (done on, or due)."""

    def __init__(self, prefix: str, *args, **kwargs):
        self.prefix = prefix
        kwargs.setdefault("accessor", f"{prefix}_state")
        kwargs.setdefault("order_by", (f"{prefix}_state",))
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        if value == "none":
            return NO_SUCH_TASK
        when = record[f"{self.prefix}_on"] if value == "done" else record[f"{self.prefix}_due"]
        label = "on" if value == "done" else "due"
        # Nothing to escape: a badge, a fixed word and a date (format_html was a third of the matrix).
        day = date_format(when, PAGE_DATE) if when else "—"
        return SafeString(f'{badge(value)}<br><small class="nowrap">{label} {day}</small>')

    def value(self, value, record):
        if value == "none":
            return ""
        when = record[f"{self.prefix}_on"] if value == "done" else record[f"{self.prefix}_due"]
        word = STEP_BADGES.get(value, ("", value))[1]
        label = "on" if value == "done" else "due"
        return f"{word}, {label} {when.isoformat()}" if when else word


class QuestionColumn(tables.Column):
    """A post's question to the desk not yet answered (outreach/threads/): a badge linking to the thread."""

    def render(self, value, record):
        if not value:
            return NO_VALUE
        return format_html('<a href="{}">{}</a>', url_for("outreach:thread", str(record["thread_id"])),
                           badge("overdue", "Question pending"))

    def value(self, value):
        return "yes" if value else ""


class LastMessageColumn(tables.Column):
    """The last message of the post's thread with the desk: its start on pages, all of it in exports."""

    def render(self, value, record):
        if not value:
            return NO_VALUE
        side = "desk" if record.get("last_message_from_desk") else "post"
        return format_html('<a href="{}">{}</a><br><small>{}, {}</small>',
                           url_for("outreach:thread", str(record["thread_id"])), value[:120], side,
                           page_date(record.get("last_message_at")))

    def value(self, value, record):
        if not value:
            return ""
        side = "desk" if record.get("last_message_from_desk") else "post"
        at = record.get("last_message_at")
        return f"{localtime(at):%Y-%m-%d %H:%M} ({side}): {value}" if at else value
