"""Telling the posts: in-app notifications to a post's staff, written once the change commits."""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse

from cables.models import Post

from ..models import Demarche, Notification

log = logging.getLogger(__name__)


def inbox_url() -> str:
    return reverse("outreach:inbox")


def notify_posts(demarche: Demarche, notes: dict[int, tuple[str, str]], *, by) -> None:
    """Tell the staff of each post {post_id: (text, url)} once the transaction commits; only for issued demarches."""
    if demarche.state != Demarche.State.ISSUED or not notes:
        return
    actor_id = getattr(by, "pk", None)
    # robust: a failure to notify is logged, never raised into the request that made the change.
    transaction.on_commit(lambda: _write_notifications(notes, skip_user_id=actor_id), robust=True)


def _write_notifications(notes: dict[int, tuple[str, str]], *, skip_user_id: int | None) -> int:
    try:
        staff = Post.objects.staff_pairs(notes, exclude_user_id=skip_user_id)
        created = Notification.objects.bulk_create([
            Notification(user_id=user_id, text=notes[post_id][0][:300], url=notes[post_id][1])
            for post_id, user_id in staff
        ])
        return len(created)
    except Exception:
        log.exception("Could not notify posts %s", sorted(notes))
        return 0


def tasking_text(demarche: Demarche, post: Post, lead: str) -> str:
    return (f"{demarche.reference_id}: {lead} for {post.name}. Deliver by {demarche.deliver_by:%d %b %Y}, "
            f"report back by {demarche.report_by:%d %b %Y}. {demarche.subject}")


def due_change_notes(demarche: Demarche, moved) -> dict[int, tuple[str, str]]:
    """One note per post whose tasks moved: which due dates changed, old and new."""
    by_post: dict[int, list] = {}
    for task, old, new in moved:
        by_post.setdefault(task.post_id, []).append((task, old, new))
    notes = {}
    for post_id, items in by_post.items():
        changes = sorted({f"{task.get_kind_display().lower()} due {new:%d %b %Y} (was {old:%d %b %Y})"
                          for task, old, new in items})
        url = items[0][0].get_absolute_url() if len(items) == 1 else inbox_url()
        notes[post_id] = (f"{demarche.reference_id}: due dates changed for {items[0][0].post.name}: "
                          f"{'; '.join(changes)}", url)
    return notes
