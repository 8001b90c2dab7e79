"""The demarche lifecycle: create, edit, issue, amend, close, and bulk actions over posts."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cables.models import Cable, Post

from ..models import Demarche, DemarchePost, Notification, PostTask
from .common import ConflictError, Kind, Status, TransitionError, _apply, _ensure_desk_officer, _event
from .generation import TaskPlan, action_posts, plan_tasks
from .replies import match_replies

log = logging.getLogger(__name__)
POLICY_FIELDS = ("remind_days_before", "overdue_every_days", "escalate_after_days", "max_reminders")


def default_dates(today: date | None = None) -> tuple[date, date]:
    """Return the default (deliver_by, report_by) counted from today."""
    today = today or timezone.localdate()
    return (today + timedelta(days=settings.DEMARCHE_DELIVER_WITHIN_DAYS),
            today + timedelta(days=settings.DEMARCHE_REPORT_WITHIN_DAYS))


def report_offset() -> timedelta:
    return timedelta(days=settings.DEMARCHE_REPORT_WITHIN_DAYS - settings.DEMARCHE_DELIVER_WITHIN_DAYS)


def create_demarche(cable: Cable, *, by, deliver_by: date | None = None,
                    report_by: date | None = None) -> Demarche:
    """Create the draft demarche of an action-request cable with its tasks. Safe to call twice."""
    existing = Demarche.objects.filter(reference_id=cable.reference_id).first()
    if existing:
        return existing
    parsed = cable.parsed or {}
    if not parsed.get("action_request"):
        raise ValidationError(f"{cable.reference_id} is not an action request.")
    default_deliver, default_report = default_dates()
    deliver_by = deliver_by or default_deliver
    report_by = report_by or (deliver_by + report_offset() if deliver_by != default_deliver else default_report)
    try:
        with transaction.atomic():
            demarche = Demarche.objects.create(
                cable=cable, reference_id=cable.reference_id, subject=parsed.get("subject") or cable.subject,
                instructions=(parsed.get("action_request") or {}).get("text") or "",
                owner=by, deliver_by=deliver_by, report_by=report_by,
            )
            posts = action_posts(cable)
            _create_tasks(demarche, plan_tasks(parsed, posts), posts)
            _event(demarche, "created", by=by, note=f"{len(posts)} action posts")
    except IntegrityError:
        # Another request created it a moment ago.
        return Demarche.objects.get(reference_id=cable.reference_id)
    for citing in Cable.objects.current().filter(cited__reference_id=cable.reference_id).distinct():
        match_replies(citing)
    return demarche


def _create_tasks(demarche: Demarche, plans: list[TaskPlan], posts: list[Post],
                  *, added_after_issue: bool = False) -> None:
    # Two queries whatever the number of posts; posts already on the demarche are kept as they are.
    DemarchePost.objects.bulk_create(
        [DemarchePost(demarche=demarche, post=post, added_after_issue=added_after_issue) for post in posts],
        ignore_conflicts=True,
    )
    dposts = {d.post_id: d for d in DemarchePost.objects.filter(demarche=demarche, post__in=posts)}
    # Position keeps the cable's order within a post's audience (deliver, special, points, report) and
    # is deterministic, so planning the same cable again hits the unique constraint instead of duplicating.
    positions: dict[tuple, int] = {}
    for plan in plans:
        key = (plan.post.pk, plan.audience)
        plan.position = positions[key] = positions.get(key, -1) + 1
    PostTask.objects.bulk_create([
        PostTask(
            demarche=demarche, demarche_post=dposts[plan.post.pk], post=plan.post, audience=plan.audience,
            kind=plan.kind, position=plan.position, instruction=plan.instruction, talking_points=plan.talking_points,
            tp_paragraph=plan.tp_paragraph, releasable_to=plan.releasable_to,
            requested_level=plan.requested_level,
            needs_attention=plan.needs_attention,
            due=demarche.report_by if plan.kind == Kind.REPORT_BACK else demarche.deliver_by,
            # A post added to an issued demarche: its tasks carry the demarche's issue date (dashboards).
            issued_on=timezone.localdate(demarche.issued_at) if demarche.issued_at else None,
        )
        for plan in plans
    ], ignore_conflicts=True)


def _locked_demarche(demarche: Demarche, version: int | None) -> Demarche:
    current = Demarche.objects.select_for_update().get(pk=demarche.pk)
    if version is not None and current.version != version:
        raise ConflictError(current)
    return current





def _ensure_editable(demarche: Demarche) -> None:
    if demarche.state == Demarche.State.CLOSED:
        raise TransitionError("This demarche is closed and read-only.")


@transaction.atomic
def update_demarche(demarche: Demarche, *, by, version: int | None = None, **values) -> Demarche:
    """Change a draft or issued demarche's subject, instructions or due dates; moved dates carry their tasks."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche, version)
    _ensure_editable(current)
    allowed = {"subject", "instructions", "deliver_by", "report_by"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"Cannot update {', '.join(sorted(unknown))}")
    old_deliver, old_report = current.deliver_by, current.report_by
    changes = _apply(current, values)
    if not changes:
        return current
    current.version += 1
    current.save()
    moved = _shift_dues(current, old_deliver, current.deliver_by, report=False, by=by)
    moved += _shift_dues(current, old_report, current.report_by, report=True, by=by)
    action = "amended" if current.state == Demarche.State.ISSUED else "updated"
    _event(current, action, by=by, changes=changes)
    _notify_posts(current, _due_change_notes(current, moved), by=by)
    return current


def _shift_dues(demarche: Demarche, old: date, new: date, *, report: bool, by,
                posts=None) -> list[tuple[PostTask, date, date]]:
    """Move open tasks that still had the old date (individually edited dates stay); return what moved."""
    if old == new:
        return []
    tasks = demarche.tasks.filter(status=Status.OPEN, due=old).select_related("post")
    tasks = tasks.filter(kind=Kind.REPORT_BACK) if report else tasks.exclude(kind=Kind.REPORT_BACK)
    if posts is not None:
        tasks = tasks.filter(post__in=posts)
    moved = []
    for task in tasks:
        task.due = new
        task.version += 1
        task.save(update_fields=["due", "version", "updated_at"])
        _event(demarche, "due_changed", by=by, task=task, changes={"due": [old.isoformat(), new.isoformat()]})
        moved.append((task, old, new))
    return moved


@transaction.atomic
def set_reminder_policy(demarche: Demarche, *, by, version: int | None = None, **values) -> Demarche:
    """Override a demarche's reminder policy; None puts a setting back to the default from settings."""
    _ensure_desk_officer(by)
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"Cannot set {', '.join(sorted(unknown))}")
    current = _locked_demarche(demarche, version)
    _ensure_editable(current)
    for name, value in values.items():
        if value is not None and value < 0:
            raise ValidationError(f"{name} cannot be negative.")
    changes = _apply(current, values)
    if not changes:
        return current
    current.version += 1
    current.save()
    _event(current, "reminder_policy", by=by, changes=changes)
    return current


# --- Telling the posts: in-app notifications, written after commit -----------------------------------


def _inbox_url() -> str:
    return reverse("outreach:inbox")


def _notify_posts(demarche: Demarche, notes: dict[int, tuple[str, str]], *, by) -> None:
    """Tell the staff of each post {post_id: (text, url)} once the transaction commits; only for issued demarches."""
    if demarche.state != Demarche.State.ISSUED or not notes:
        return
    actor_id = getattr(by, "pk", None)
    # robust: a failure to notify is logged, never raised into the request that made the change.
    transaction.on_commit(lambda: _write_notifications(notes, skip_user_id=actor_id), robust=True)


def _write_notifications(notes: dict[int, tuple[str, str]], *, skip_user_id: int | None) -> int:
    try:
        staff = (Post.staff.through.objects.filter(post_id__in=notes, user__is_active=True)
                 .exclude(user_id=skip_user_id).values_list("post_id", "user_id"))
        created = Notification.objects.bulk_create([
            Notification(user_id=user_id, text=notes[post_id][0][:300], url=notes[post_id][1])
            for post_id, user_id in staff
        ])
        return len(created)
    except Exception:
        log.exception("Could not notify posts %s", sorted(notes))
        return 0


def _tasking_text(demarche: Demarche, post: Post, lead: str) -> str:
    return (f"{demarche.reference_id}: {lead} for {post.name}. Deliver by {demarche.deliver_by:%d %b %Y}, "
            f"report back by {demarche.report_by:%d %b %Y}. {demarche.subject}")


def _due_change_notes(demarche: Demarche, moved) -> dict[int, tuple[str, str]]:
    """One note per post whose tasks moved: which due dates changed, old and new."""
    by_post: dict[int, list] = {}
    for task, old, new in moved:
        by_post.setdefault(task.post_id, []).append((task, old, new))
    notes = {}
    for post_id, items in by_post.items():
        changes = sorted({f"{task.get_kind_display().lower()} due {new:%d %b %Y} (was {old:%d %b %Y})"
                          for task, old, new in items})
        url = items[0][0].get_absolute_url() if len(items) == 1 else _inbox_url()
        notes[post_id] = (f"{demarche.reference_id}: due dates changed for {items[0][0].post.name}: "
                          f"{'; '.join(changes)}", url)
    return notes


@transaction.atomic
def issue_demarche(demarche: Demarche, *, by) -> Demarche:
    """Issue a draft demarche to its posts. Safe to call twice."""
    _ensure_desk_officer(by)
    updated = Demarche.objects.filter(pk=demarche.pk, state=Demarche.State.DRAFT).update(
        state=Demarche.State.ISSUED, issued_at=timezone.now(), issued_by=by, version=F("version") + 1
    )
    demarche.refresh_from_db()
    if updated:
        _event(demarche, "issued", by=by, changes={"state": ["draft", "issued"]})
        demarche.tasks.update(issued_on=timezone.localdate(demarche.issued_at))  # dashboards read it, no join
        dposts = demarche.posts.filter(removed=False).select_related("post")
        _notify_posts(demarche, {d.post_id: (_tasking_text(demarche, d.post, "new tasking"), _inbox_url())
                                 for d in dposts}, by=by)
    return demarche


@transaction.atomic
def close_demarche(demarche: Demarche, *, by) -> Demarche:
    """Close a demarche; afterwards it is read-only. Safe to call twice."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche, None)
    if current.state != Demarche.State.CLOSED:
        old = current.state
        current.state, current.closed_at, current.closed_by = Demarche.State.CLOSED, timezone.now(), by
        current.version += 1
        current.save()
        _event(current, "closed", by=by, changes={"state": [old, "closed"]})
    return current


@transaction.atomic
def add_post(demarche: Demarche, post: Post, *, by) -> DemarchePost:
    """Add an action post (or bring back a removed one) with the tasks the cable gives it."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche, None)
    _ensure_editable(current)
    dpost = DemarchePost.objects.filter(demarche=current, post=post).first()
    if dpost and not dpost.removed:
        return dpost
    issued = current.state == Demarche.State.ISSUED
    if dpost:  # brought back: reopen what removing it cancelled
        dpost.removed = False
        dpost.save(update_fields=["removed"])
        for task in dpost.tasks.filter(status=Status.CANCELLED):
            task.status, task.version = Status.OPEN, task.version + 1
            task.save(update_fields=["status", "version", "updated_at"])
            _event(current, "task_restored", by=by, task=task, changes={"status": ["cancelled", "open"]})
    else:
        _create_tasks(current, plan_tasks(current.cable.parsed or {}, [post]), [post], added_after_issue=issued)
        dpost = DemarchePost.objects.get(demarche=current, post=post)
    _event(current, "post_added", by=by, changes={"posts": [None, post.name]},
           note="added after issue" if issued else "")
    _notify_posts(current, {post.pk: (_tasking_text(current, post, "post added to this demarche"), _inbox_url())},
                  by=by)
    return dpost


@transaction.atomic
def remove_post(demarche_post: DemarchePost, *, by, reason: str = "") -> DemarchePost:
    """Take a post off a demarche: flag it removed and cancel its open tasks (nothing is deleted)."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche_post.demarche, None)
    _ensure_editable(current)
    dpost = DemarchePost.objects.select_for_update().get(pk=demarche_post.pk)
    if dpost.removed:
        return dpost
    dpost.removed = True
    dpost.save(update_fields=["removed"])
    for task in dpost.tasks.filter(status=Status.OPEN):
        task.status, task.version = Status.CANCELLED, task.version + 1
        task.save(update_fields=["status", "version", "updated_at"])
        _event(current, "task_cancelled", by=by, task=task, changes={"status": ["open", "cancelled"]}, note=reason)
    _event(current, "post_removed", by=by, changes={"posts": [dpost.post.name, None]}, note=reason)
    return dpost


@transaction.atomic
def acknowledge(demarche_post: DemarchePost, *, by, note: str = "") -> DemarchePost:
    """Record that a post received its tasking; desk officers may do it on the post's behalf with a reason."""
    dpost = DemarchePost.objects.select_for_update().select_related("demarche", "post").get(pk=demarche_post.pk)
    on_behalf = not dpost.post.staff.filter(pk=by.pk).exists()
    if on_behalf:
        _ensure_desk_officer(by)
        if not note.strip():
            raise ValidationError("Give a reason when acknowledging on a post's behalf.")
    if dpost.demarche.state != Demarche.State.ISSUED:
        raise TransitionError("Only an issued demarche can be acknowledged.")
    if dpost.acknowledged_at:
        return dpost
    dpost.acknowledged_at, dpost.acknowledged_by, dpost.acknowledged_note = timezone.now(), by, note.strip()
    dpost.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_note"])
    _event(dpost.demarche, "acknowledged", by=by, changes={"acknowledged": [None, dpost.post.name]},
           note=note.strip())
    return dpost


def _dposts(demarche: Demarche, post_ids) -> list[DemarchePost]:
    return list(demarche.posts.filter(post_id__in=post_ids, removed=False).select_related("post"))


@transaction.atomic
def bulk_extend(demarche: Demarche, *, post_ids, by, deliver_by: date | None = None,
                report_by: date | None = None) -> int:
    """Move the open tasks of several posts to new due dates; return how many tasks moved."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche, None)
    _ensure_editable(current)
    posts = [d.post for d in _dposts(current, post_ids)]
    moved = []
    tasks = current.tasks.filter(post__in=posts, status=Status.OPEN).select_related("post")
    for task in tasks.select_for_update(of=("self",)):
        new = report_by if task.kind == Kind.REPORT_BACK else deliver_by
        if new and new != task.due:
            old, task.due, task.version = task.due, new, task.version + 1
            task.save(update_fields=["due", "version", "updated_at"])
            _event(current, "due_changed", by=by, task=task, changes={"due": [old.isoformat(), new.isoformat()]},
                   note="bulk extension")
            moved.append((task, old, new))
    _notify_posts(current, _due_change_notes(current, moved), by=by)
    return len(moved)


@transaction.atomic
def bulk_reassign(demarche: Demarche, *, post_ids, officer, by) -> int:
    """Assign a named officer at several posts; return how many posts changed."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche, None)
    _ensure_editable(current)
    changed = 0
    for dpost in _dposts(current, post_ids):
        if officer is not None and not dpost.post.staff.filter(pk=officer.pk).exists():
            raise ValidationError(f"{officer} does not work for {dpost.post}.")
        if dpost.assigned_officer_id != getattr(officer, "pk", None):
            old = str(dpost.assigned_officer or "") or None
            dpost.assigned_officer = officer
            dpost.save(update_fields=["assigned_officer"])
            dpost.tasks.filter(status=Status.OPEN).update(assigned_to=officer, version=F("version") + 1)
            _event(current, "reassigned", by=by,
                   changes={"assigned_officer": [old, str(officer) if officer else None]}, note=dpost.post.name)
            changed += 1
    return changed


def bulk_acknowledge(demarche: Demarche, *, post_ids, by, reason: str) -> int:
    """Acknowledge on behalf of several posts, with a reason; return how many were new."""
    _ensure_desk_officer(by)
    count = 0
    for dpost in _dposts(demarche, post_ids):
        if not dpost.acknowledged_at:
            acknowledge(dpost, by=by, note=reason)
            count += 1
    return count
