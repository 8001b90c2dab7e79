"""What a post's page reads: its figure set and its tasks."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from cables.models import Post

from .expressions import OPEN, count_where, live_tasks
from .figures import figures

# A post's record covers the tasks due in the last 12 months (and later): its database time must not grow
# with the years of closed history behind it (docs/dashboards.md, "What each page reads").
RECORD_DAYS = 365


def record_since(today: date) -> date:
    return today - timedelta(days=RECORD_DAYS)


def post_summary(post: Post, user, *, today: date) -> dict:
    """The figure set over one post's tasks due since record_since(today); open and overdue over all of them."""
    tasks = live_tasks(user).filter(post=post)
    summary = tasks.filter(due__gte=record_since(today)).aggregate(**figures(today))
    # Open work is small whatever the history (task_inbox_idx): count all of it, not the window's.
    summary.update(
        tasks.filter(OPEN).aggregate(open=count_where(OPEN), overdue=count_where(OPEN & Q(due__lt=today)))
    )
    summary["since"] = record_since(today)
    return summary


def post_tasks(post: Post, user):
    """One post's tasks across demarches, for its table."""
    return (
        live_tasks(user)
        .filter(post=post)
        .select_related("demarche")
        .only(
            "kind",
            "audience",
            "status",
            "due",
            "delivered_on",
            "completed_at",
            "response",
            "demarche__reference_id",
            "demarche__subject",
            "demarche__state",
            "post_id",
        )
        # Soonest due first, as the API lists them; an unordered page (or export) came in whatever order
        # the plan gave (task_post_due_idx walks it in this order).
        .order_by("due", "demarche__reference_id", "audience", "position", "pk")
    )
