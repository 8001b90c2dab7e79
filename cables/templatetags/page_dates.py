"""The one way pages write dates: "7 Dec 2026" and "7 Dec 2026 14:05", never wrapping mid-date.

Exports keep ISO 8601; a machine-readable copy belongs in a <time datetime="..."> attribute, not here.
"""

from datetime import date, datetime

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

register = template.Library()

PAGE_DATE = "j M Y"
PAGE_MOMENT = "j M Y H:i"


def _written(value, fmt: str) -> str:
    if isinstance(value, datetime):
        value = localtime(value)
    return format_html('<span class="nowrap">{}</span>', date_format(value, fmt))


@register.filter
def day(value):
    """A date, a datetime's local date, or an ISO day (the parser's); empty for no value so `|default` applies."""
    if isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value  # not a day: shown as the cable wrote it
    return _written(value, PAGE_DATE) if value else ""


@register.filter
def moment(value):
    """A datetime in local time to the minute; empty for no value."""
    return _written(value, PAGE_MOMENT) if value else ""
