"""What a post's page reads: its figure set and its tasks."""

from __future__ import annotations

from datetime import date

from cables.models import Post

from .expressions import live_tasks
from .figures import figures


def post_summary(post: Post, user, *, today: date) -> dict:
    """The figure set over all of one post's tasks."""
    return live_tasks(user).filter(post=post).aggregate(**figures(today))


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
    )
