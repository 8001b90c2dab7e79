"""The demarche lifecycle: create, edit, issue, amend, close; its reminder policy."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.roles import require_desk_officer
from cables.models import Cable, Post

from ..models import Demarche, DemarchePost, PostTask
from . import bounds
from .drafting import cable_report_date, expand_collectives, tasked_posts
from .errors import ConflictError, TransitionError
from .generation import TaskPlan, plan_tasks
from .history import apply_changes, record_event
from .notify import due_change_notes, inbox_url, notify_posts, tasking_text
from .replies import match_replies

log = logging.getLogger(__name__)
Kind = PostTask.Kind
Status = PostTask.Status
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
    bounds.check_due(cable, deliver_by=deliver_by, report_by=report_by)
    default_deliver, default_report = default_dates()
    source = ""
    if report_by is None and deliver_by is None:
        report_by, source = cable_report_date(parsed, timezone.localdate())
        if report_by:
            # The cable's date wins; delivery cannot come after the report on it.
            deliver_by = min(default_deliver, report_by)
    deliver_by = deliver_by or default_deliver
    report_by = report_by or (deliver_by + report_offset() if deliver_by != default_deliver else default_report)
    bounds.check_due(cable, report_by=report_by)
    _check_order(deliver_by, report_by)
    collectives = expand_collectives(parsed)
    try:
        with transaction.atomic():
            demarche = Demarche.objects.create(
                cable=cable, reference_id=cable.reference_id, subject=parsed.get("subject") or cable.subject,
                instructions=(parsed.get("action_request") or {}).get("text") or "",
                owner=by, deliver_by=deliver_by, report_by=report_by, report_by_source=source[:300],
                collectives=collectives,
            )
            posts = tasked_posts(cable, collectives)
            create_tasks(demarche, plan_tasks(parsed, posts), posts)
            record_event(demarche, "created", by=by, note=f"{len(posts)} action posts")
    except IntegrityError:
        # Another request created it a moment ago.
        return Demarche.objects.get(reference_id=cable.reference_id)
    for citing in Cable.objects.current().filter(cited__reference_id=cable.reference_id).distinct():
        match_replies(citing)
    return demarche


def create_tasks(demarche: Demarche, plans: list[TaskPlan], posts: list[Post],
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
            sections=plan.sections, text=plan.text, text_kind=plan.text_kind, marking=plan.marking,
            requested_level=plan.requested_level,
            needs_attention=plan.needs_attention,
            due=demarche.report_by if plan.kind == Kind.REPORT_BACK else demarche.deliver_by,
            # A post added to an issued demarche: its tasks carry the demarche's issue date (dashboards).
            issued_on=timezone.localdate(demarche.issued_at) if demarche.issued_at else None,
        )
        for plan in plans
    ], ignore_conflicts=True)


def _check_order(deliver_by: date, report_by: date) -> None:
    if report_by < deliver_by:
        raise ValidationError({"report_by": "The report-back date cannot be before the delivery date."})


def locked_demarche(demarche: Demarche, version: int | None) -> Demarche:
    current = Demarche.objects.select_for_update().get(pk=demarche.pk)
    if version is not None and current.version != version:
        raise ConflictError(current)
    return current


def ensure_editable(demarche: Demarche) -> None:
    if demarche.state == Demarche.State.CLOSED:
        raise TransitionError("This demarche is closed and read-only.")


@transaction.atomic
def update_demarche(demarche: Demarche, *, by, version: int | None = None, **values) -> Demarche:
    """Change a draft or issued demarche's subject, instructions or due dates; moved dates carry their tasks."""
    require_desk_officer(by)
    current = locked_demarche(demarche, version)
    ensure_editable(current)
    allowed = {"subject", "instructions", "deliver_by", "report_by"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"Cannot update {', '.join(sorted(unknown))}")
    bounds.check_texts(**{k: v for k, v in values.items() if k in ("subject", "instructions")})
    bounds.check_due(current.cable, **{k: v for k, v in values.items() if k in ("deliver_by", "report_by")})
    if values.get("deliver_by") and values.get("report_by"):
        _check_order(values["deliver_by"], values["report_by"])
    old_deliver, old_report = current.deliver_by, current.report_by
    changes = apply_changes(current, values)
    if not changes:
        return current
    if current.report_by != old_report:
        current.report_by_source = ""  # a person set it: it no longer comes from the cable
    current.version += 1
    current.save()
    moved = _shift_dues(current, old_deliver, current.deliver_by, report=False, by=by)
    moved += _shift_dues(current, old_report, current.report_by, report=True, by=by)
    action = "amended" if current.state == Demarche.State.ISSUED else "updated"
    record_event(current, action, by=by, changes=changes)
    notify_posts(current, due_change_notes(current, moved), by=by)
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
        record_event(demarche, "due_changed", by=by, task=task, changes={"due": [old.isoformat(), new.isoformat()]})
        moved.append((task, old, new))
    return moved


@transaction.atomic
def set_reminder_policy(demarche: Demarche, *, by, version: int | None = None, **values) -> Demarche:
    """Override a demarche's reminder policy; None puts a setting back to the default from settings."""
    require_desk_officer(by)
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"Cannot set {', '.join(sorted(unknown))}")
    current = locked_demarche(demarche, version)
    ensure_editable(current)
    for name, value in values.items():
        if value is not None and value < 0:
            raise ValidationError(f"{name} cannot be negative.")
    changes = apply_changes(current, values)
    if not changes:
        return current
    current.version += 1
    current.save()
    record_event(current, "reminder_policy", by=by, changes=changes)
    return current


@transaction.atomic
def issue_demarche(demarche: Demarche, *, by) -> Demarche:
    """Issue a draft demarche to its posts. Safe to call twice."""
    require_desk_officer(by)
    if Demarche.objects.get(pk=demarche.pk).needs_post_confirmation:
        raise ValidationError("Confirm the post list first: this demarche tasks the member posts of a collective.")
    updated = Demarche.objects.filter(pk=demarche.pk, state=Demarche.State.DRAFT).update(
        state=Demarche.State.ISSUED, issued_at=timezone.now(), issued_by=by, version=F("version") + 1
    )
    demarche.refresh_from_db()
    if updated:
        record_event(demarche, "issued", by=by, changes={"state": ["draft", "issued"]})
        demarche.tasks.update(issued_on=timezone.localdate(demarche.issued_at))  # dashboards read it, no join
        dposts = demarche.posts.filter(removed=False).select_related("post")
        notify_posts(demarche, {d.post_id: (tasking_text(demarche, d.post, "new tasking"), inbox_url())
                                 for d in dposts}, by=by)
    return demarche


@transaction.atomic
def confirm_posts(demarche: Demarche, *, by) -> Demarche:
    """Record that a desk officer checked the post list a collective expanded to. Safe to call twice."""
    require_desk_officer(by)
    updated = Demarche.objects.filter(pk=demarche.pk, posts_confirmed_at__isnull=True).update(
        posts_confirmed_at=timezone.now(), posts_confirmed_by=by, version=F("version") + 1
    )
    demarche.refresh_from_db()
    if updated:
        count = demarche.posts.filter(removed=False).count()
        record_event(demarche, "posts_confirmed", by=by, note=f"{count} posts")
    return demarche


@transaction.atomic
def close_demarche(demarche: Demarche, *, by) -> Demarche:
    """Close a demarche: its open tasks are cancelled and it becomes read-only. Safe to call twice."""
    require_desk_officer(by)
    current = locked_demarche(demarche, None)
    if current.state != Demarche.State.CLOSED:
        old = current.state
        current.state, current.closed_at, current.closed_by = Demarche.State.CLOSED, timezone.now(), by
        current.version += 1
        current.save()
        # Cancelled, not left open: no longer counted as open or overdue, and no reminder goes out.
        for task in current.tasks.filter(status=PostTask.Status.OPEN):
            task.status, task.version = PostTask.Status.CANCELLED, task.version + 1
            task.save(update_fields=["status", "version", "updated_at"])
            record_event(current, "task_cancelled", by=by, task=task, changes={"status": ["open", "cancelled"]},
                         note="demarche closed")
        record_event(current, "closed", by=by, changes={"state": [old, "closed"]})
    return current


@transaction.atomic
def reopen_demarche(demarche: Demarche, *, by) -> Demarche:
    """Reopen a closed demarche as it was (issued, or draft): the tasks closing cancelled are open again."""
    require_desk_officer(by)
    current = locked_demarche(demarche, None)
    if current.state == Demarche.State.CLOSED:
        state = Demarche.State.ISSUED if current.issued_at else Demarche.State.DRAFT
        current.state, current.closed_at, current.closed_by = state, None, None
        current.version += 1
        current.save()
        # A removed post's tasks stay cancelled: bringing the post back is its own, separate step.
        cancelled = current.tasks.filter(status=PostTask.Status.CANCELLED, demarche_post__removed=False)
        for task in cancelled:
            task.status, task.version = PostTask.Status.OPEN, task.version + 1
            task.save(update_fields=["status", "version", "updated_at"])
            record_event(current, "task_restored", by=by, task=task, changes={"status": ["cancelled", "open"]},
                         note="demarche reopened")
        record_event(current, "reopened", by=by, changes={"state": ["closed", state]})
    return current
