"""What embassy staff may read: their own posts' tasks and releasable talking points."""

from __future__ import annotations

import re

from cables.models import Post
from cables.parser.text import is_marking, releasable_to
from cables.postdata import resolve_releasability

from ..models import Demarche, DemarchePost, PostTask
from .generation import norm_name


def points_releasable(task: PostTask, post: Post | None = None) -> bool:
    """Tell whether a task's talking points are releasable to its post's host (or its other audience)."""
    return releasable_to_post(task.releasable_to, post or task.post, task.audience)


def releasable_to_post(releasable_to: list, post: Post, audience: str = "") -> bool:
    """Tell whether a text marked REL `releasable_to` (none: no REL marking) may go to the post's host."""
    if not releasable_to:
        return True
    names = {norm_name(n) for n in (post.releasability_names or [])} | {norm_name(post.country)}
    if audience:
        names.add(norm_name(audience))
    if any(norm_name(r) in names for r in releasable_to):
        return True
    # Two-letter codes ("REL AS, CA, GM, IS"): FIPS 10-4 first, then ISO (cables/relcodes.py). Only the post
    # that represents the host carries REL names, so a consulate's host is not resolved by code either.
    if not post.releasability_names:
        return False
    return any(_host(r) == post.country for r in releasable_to if len(r.strip()) == 2)


# An item of a handed-over text that carries its own marking: "-- (S//REL CHINA) We would like ...".
ITEM_MARKING_RE = re.compile(r"^\s*(?:--?|\*|o|[0-9a-z]{1,2}[.)])?\s*\(([^()\n]{1,300})\)")


def releasable_items(text: str, post: Post, audience: str = "") -> str:
    """Return the text without the items whose own REL marking does not name the post's host.

    A non-paper marked REL to seven hosts may hold a bullet for one of them only ("bullet #1 is for
    Beijing only"): each post hands over its own copy. An item runs from its marked line to the next
    item or blank line; unmarked items and lines stay."""
    kept, dropping = [], False
    for line in text.split("\n"):
        match = ITEM_MARKING_RE.match(line)
        if match and is_marking(match.group(1)):
            rel = releasable_to(match.group(1))
            dropping = bool(rel) and not releasable_to_post(rel, post, audience)
        elif not line.strip():
            dropping = False
        if not dropping:
            kept.append(line)
    return "\n".join(kept).strip()


def _host(code: str) -> str | None:
    info = resolve_releasability(code, codes=True)
    return info.country if info is not None else None


def redact_for(user, tasks):
    """Blank the talking points embassy staff may not hand over; desk officers and managers see all.

    Section by section: a section whose REL does not name the post's host is withheld. A background
    section (NOFORN, not for delivery) stays: the task is its own post's alone (PostTask.visible_to), and
    pages show it as background, never as points to make."""
    from accounts.roles import can_read_all

    if can_read_all(user):
        for task in tasks:
            task.points_withheld = False
        return tasks
    for task in tasks:
        if not task.sections:
            task.points_withheld = not points_releasable(task)
            if task.points_withheld:
                task.talking_points = []
            continue
        deliverable = [s for s in task.sections if not s.get("background")]
        for section in deliverable:
            section["withheld"] = not releasable_to_post(section.get("releasable_to"), task.post, task.audience)
            if section["withheld"]:
                section["points"] = []
        task.talking_points = [p for s in deliverable if not s["withheld"] for p in s.get("points") or []]
        task.points_withheld = bool(deliverable) and all(s["withheld"] for s in deliverable)
    return tasks


def tasks_for(user):
    """Return the tasks a user may see, most urgent first."""
    return PostTask.objects.visible_to(user).select_related("demarche", "post")


def inbox_tasks(user) -> list[PostTask]:
    """Return an embassy user's open tasks of issued demarches, soonest due first, points redacted."""
    tasks = tasks_for(user).active().open().filter(demarche_post__removed=False).order_by(
        "due", "demarche__reference_id", "post__name", "audience", "kind"
    )
    return redact_for(user, list(tasks))


def inbox_unacknowledged(user):
    """Return the issued demarches' taskings of the user's own posts that no one has acknowledged yet."""
    return DemarchePost.objects.filter(
        post__in=Post.objects.worked_by(user), removed=False, acknowledged_at__isnull=True,
        demarche__state=Demarche.State.ISSUED,
    ).select_related("demarche", "post")


def task_for(user, pk: int) -> PostTask:
    """Return one task the user may see, points redacted; any other id raises PostTask.DoesNotExist."""
    task = tasks_for(user).get(pk=pk)
    redact_for(user, [task])
    return task
