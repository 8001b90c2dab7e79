"""A demarche's posts: add and remove them, their acknowledgement, and bulk actions over several."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.roles import require_desk_officer
from cables.models import Post, works_at

from ..models import Demarche, DemarchePost, PostTask
from . import bounds
from .demarches import create_tasks, ensure_editable, locked_demarche
from .errors import TransitionError
from .generation import plan_tasks
from .history import record_event
from .notify import due_change_notes, inbox_url, notify_posts, tasking_text

Kind = PostTask.Kind
Status = PostTask.Status


@transaction.atomic
def add_post(demarche: Demarche, post: Post, *, by) -> DemarchePost:
    """Add an action post (or bring back a removed one) with the tasks the cable gives it."""
    require_desk_officer(by)
    current = locked_demarche(demarche, None)
    ensure_editable(current)
    dpost = DemarchePost.objects.filter(demarche=current, post=post).first()
    if dpost and not dpost.removed:
        return dpost
    issued = current.state == Demarche.State.ISSUED
    restored = dpost is not None
    if dpost:  # brought back: reopen what removing it cancelled
        dpost.removed = False
        dpost.save(update_fields=["removed"])
        for task in dpost.tasks.filter(status=Status.CANCELLED):
            task.status, task.version = Status.OPEN, task.version + 1
            task.save(update_fields=["status", "version", "updated_at"])
            record_event(current, "task_restored", by=by, task=task, changes={"status": ["cancelled", "open"]})
    else:
        create_tasks(current, plan_tasks(current.cable.parsed or {}, [post], by_hand=True), [post], added_after_issue=issued)
        dpost = DemarchePost.objects.get(demarche=current, post=post)
    record_event(current, "post_restored" if restored else "post_added", by=by,
                 changes={"posts": [None, post.name]}, note="added after issue" if issued and not restored else "")
    why = "post restored to this demarche" if restored else "post added to this demarche"
    notify_posts(current, {post.pk: (tasking_text(current, post, why), inbox_url())}, by=by)
    return dpost


@transaction.atomic
def remove_post(demarche_post: DemarchePost, *, by, reason: str = "") -> DemarchePost:
    """Take a post off a demarche: flag it removed and cancel its open tasks (nothing is deleted)."""
    require_desk_officer(by)
    bounds.check_texts(reason=reason)
    current = locked_demarche(demarche_post.demarche, None)
    ensure_editable(current)
    dpost = DemarchePost.objects.select_for_update().get(pk=demarche_post.pk)
    if dpost.removed:
        return dpost
    dpost.removed = True
    dpost.save(update_fields=["removed"])
    for task in dpost.tasks.filter(status=Status.OPEN):
        task.status, task.version = Status.CANCELLED, task.version + 1
        task.save(update_fields=["status", "version", "updated_at"])
        record_event(current, "task_cancelled", by=by, task=task, changes={"status": ["open", "cancelled"]}, note=reason)
    record_event(current, "post_removed", by=by, changes={"posts": [dpost.post.name, None]}, note=reason)
    return dpost


@transaction.atomic
def acknowledge(demarche_post: DemarchePost, *, by, note: str = "") -> bool:
    """Record that a post received its tasking; desk officers may do it on the post's behalf with a reason.
    True when this call recorded it, False when it already was."""
    bounds.check_texts(note=note)
    # The demarche's row first, as a task's write takes it before acknowledging with the step it records:
    # locked the other way round, an acknowledgement and a step recorded at once waited on each other.
    demarche = Demarche.objects.select_for_update().get(pk=demarche_post.demarche_id)
    dpost = DemarchePost.objects.select_for_update().select_related("post").get(pk=demarche_post.pk)
    on_behalf = not works_at(by, dpost.post_id)
    if on_behalf:
        require_desk_officer(by)
        if not note.strip():
            raise ValidationError("Give a reason when acknowledging on a post's behalf.")
    if demarche.state != Demarche.State.ISSUED:
        raise TransitionError("Only an issued demarche can be acknowledged.")
    return record_receipt(demarche, dpost.pk, dpost.post, by=by, note=note.strip())


def record_receipt(demarche: Demarche, demarche_post_id: int, post, *, by, note: str) -> bool:
    """The one write of an acknowledgement, with its history event, once: a conditional update, so of two steps
    recorded at once only one acknowledges. The callers have checked who may."""
    taken = DemarchePost.objects.filter(pk=demarche_post_id, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=by, acknowledged_note=note)
    if taken:
        record_event(demarche, "acknowledged", by=by, changes={"acknowledged": [None, post.name]}, note=note)
    return bool(taken)


def _dposts(demarche: Demarche, post_ids) -> list[DemarchePost]:
    return list(demarche.posts.filter(post_id__in=post_ids, removed=False).select_related("post"))


@transaction.atomic
def bulk_extend(demarche: Demarche, *, post_ids, by, deliver_by: date | None = None,
                report_by: date | None = None) -> int:
    """Move the open tasks of several posts to new due dates; return how many tasks moved."""
    require_desk_officer(by)
    bounds.check_list("posts", post_ids)
    current = locked_demarche(demarche, None)
    ensure_editable(current)
    bounds.check_due(current.cable, deliver_by=deliver_by, report_by=report_by)
    posts = [d.post for d in _dposts(current, post_ids)]
    moved = []
    tasks = current.tasks.filter(post__in=posts, status=Status.OPEN).select_related("post")
    for task in tasks.select_for_update(of=("self",)):
        new = report_by if task.kind == Kind.REPORT_BACK else deliver_by
        if new and new != task.due:
            old, task.due, task.version = task.due, new, task.version + 1
            task.save(update_fields=["due", "version", "updated_at"])
            record_event(current, "due_changed", by=by, task=task, changes={"due": [old.isoformat(), new.isoformat()]},
                   note="bulk extension")
            moved.append((task, old, new))
    notify_posts(current, due_change_notes(current, moved), by=by)
    return len(moved)


@transaction.atomic
def bulk_reassign(demarche: Demarche, *, post_ids, officer, by) -> int:
    """Assign a named officer at several posts; return how many posts changed."""
    require_desk_officer(by)
    bounds.check_list("posts", post_ids)
    current = locked_demarche(demarche, None)
    ensure_editable(current)
    changed = 0
    for dpost in _dposts(current, post_ids):
        staff = Post.objects.filter(pk=dpost.post_id).staff_users()
        if officer is not None and not staff.filter(pk=officer.pk).exists():
            raise ValidationError(f"{officer} does not work for {dpost.post}.")
        if dpost.assigned_officer_id != getattr(officer, "pk", None):
            old = str(dpost.assigned_officer or "") or None
            dpost.assigned_officer = officer
            dpost.save(update_fields=["assigned_officer"])
            dpost.tasks.filter(status=Status.OPEN).update(assigned_to=officer, version=F("version") + 1)
            record_event(current, "reassigned", by=by,
                   changes={"assigned_officer": [old, str(officer) if officer else None]}, note=dpost.post.name)
            changed += 1
    return changed


def bulk_acknowledge(demarche: Demarche, *, post_ids, by, reason: str) -> int:
    """Acknowledge on behalf of several posts, with a reason; return how many were new."""
    require_desk_officer(by)
    bounds.check_list("posts", post_ids)
    bounds.check_texts(reason=reason)
    fresh = [dpost for dpost in _dposts(demarche, post_ids) if not dpost.acknowledged_at]
    return sum(acknowledge(dpost, by=by, note=reason) for dpost in fresh)
