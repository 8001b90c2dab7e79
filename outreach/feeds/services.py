"""Calendar feeds: revocable secret links to a post's or a desk officer's deadlines."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import can_read_all, is_desk_officer, is_manager
from cables.models import Post

from ..models import CalendarFeed, Demarche, PostTask


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_posts(user):
    """The posts whose deadlines the user may subscribe to."""
    posts = Post.objects.visible_to(user)
    # Readers of every post choose among the active ones; staff keep their own even when inactive.
    return posts.filter(active=True) if can_read_all(user) else posts


def can_make_feeds(user) -> bool:
    """Managers are read-only: they make no links (a manager who is also a desk officer does)."""
    return not (is_manager(user) and not is_desk_officer(user))


@transaction.atomic
def create_feed(*, user, kind: str, post: Post | None = None) -> tuple[CalendarFeed, str]:
    """Make a secret feed link; return the feed and its token (shown once, stored only as a hash)."""
    if not can_make_feeds(user):
        raise PermissionDenied("Managers have read-only access.")
    if kind == CalendarFeed.Kind.OFFICER:
        if not is_desk_officer(user):
            raise PermissionDenied("Only desk officers own demarches.")
        post = None
    elif kind == CalendarFeed.Kind.POST:
        if post is None or not feed_posts(user).filter(pk=post.pk).exists():
            raise PermissionDenied("You cannot subscribe to this post's deadlines.")
    else:
        raise ValidationError("Choose which deadlines the link is for: your demarches or a post's.")
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, kind=kind, post=post, token_hash=_hash(token))
    return feed, token


def revoke_feed(feed: CalendarFeed, *, by) -> CalendarFeed:
    """Revoke a feed link for good. Safe to call twice."""
    if feed.user_id != by.pk:
        raise PermissionDenied("Only the person who made a link can revoke it.")
    CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    feed.refresh_from_db()
    return feed


def feed_for_token(token: str) -> CalendarFeed | None:
    """Return the live feed of a token, or None when it is unknown, revoked or its user is inactive."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "post")
        .filter(token_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed


def feed_events(feed: CalendarFeed, *, base_url: str) -> tuple[str, list[dict]]:
    """Return the feed's calendar name and its events, scoped to what the feed's user may see now."""
    user = feed.user
    if feed.kind == CalendarFeed.Kind.OFFICER:
        demarches = (
            Demarche.objects.filter(owner=user, state=Demarche.State.ISSUED)
            if is_desk_officer(user)
            else Demarche.objects.none()
        ).only("reference_id", "subject", "deliver_by", "report_by")
        events = []
        for d in demarches.order_by("deliver_by", "pk"):
            url = base_url + reverse("outreach:dash_demarche", args=[d.reference_id])
            events.append(
                {
                    "uid": f"demarche-{d.pk}-deliver@outreach-tracker",
                    "day": d.deliver_by,
                    "url": url,
                    "summary": f"Deliver by: {d.reference_id}",
                    "description": d.subject,
                }
            )
            events.append(
                {
                    "uid": f"demarche-{d.pk}-report@outreach-tracker",
                    "day": d.report_by,
                    "url": url,
                    "summary": f"Report by: {d.reference_id}",
                    "description": d.subject,
                }
            )
        return f"Demarches of {user.get_full_name() or user.username}", events
    tasks = (
        PostTask.objects.visible_to(user)
        .active()
        .open()
        .filter(post=feed.post, demarche_post__removed=False)
        .select_related("demarche")
        .only("kind", "audience", "due", "instruction", "demarche__reference_id", "demarche__subject")
        .order_by("due", "pk")
    )
    events = [
        {
            "uid": f"task-{t.pk}@outreach-tracker",
            "day": t.due,
            "summary": f"{t.get_kind_display()}{f' ({t.audience})' if t.audience else ''}: {t.demarche.reference_id}",
            "description": "\n".join(filter(None, [t.demarche.subject, t.instruction])),
            "url": base_url + t.get_absolute_url(),
        }
        for t in tasks
    ]
    return f"{feed.post.name}: demarche deadlines", events
