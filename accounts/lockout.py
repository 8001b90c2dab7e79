"""Login throttling's two human sides: the page a locked-out user sees, and the administrator's unlock."""

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.utils import reset
from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: a 429 page that says for how long, and whom to ask."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "lockout_contact": settings.LOCKOUT_CONTACT,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def unlock(usernames) -> int:
    """Forget the failed logins of these users, from every address; return how many records went."""
    return sum(reset(username=name) for name in usernames)
