"""The sweep that claims reminders and hands them to delivery; the policy itself is in policy.py.

Exactly once: every reminder is a ReminderLog row unique per (task, kind, window). The sweep inserts
the rows it wants with ON CONFLICT DO NOTHING and sends only the rows that insert returned; the send
path then moves a row from claimed to sending with a conditional UPDATE, so a message delivered
twice sends once. The sweep keeps no state outside the database: after an outage the next sweep
claims what is due and re-queues what was claimed but never sent.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from cables.models import Post

from ..models import Demarche, DigestLog, Notification, PostTask, ReminderLog
from . import claims
from .delivery import deliver_digest, deliver_reminder, task_url
from .policy import Calendar, DueReminder, Policy, describe, reminders_due
from .recipients import Directory

log = logging.getLogger(__name__)

Kind = ReminderLog.Kind
# Reminders to the post count against the cap; escalations go to headquarters and do not.
NAG_KINDS = (Kind.BEFORE, Kind.DUE, Kind.OVERDUE)
DIGEST = "digest"


@dataclass
class SweepResult:
    counts: Counter = field(default_factory=Counter)
    requeued: int = 0
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "would send" if self.dry_run else "sent"
        kinds = [*Kind.values, DIGEST]
        parts = ", ".join(f"{k}={self.counts.get(k, 0)}" for k in kinds)
        return f"{verb}: {parts}; total={sum(self.counts.values())}; requeued={self.requeued}"


def candidate_tasks(*, now: datetime):
    """Select the open tasks of issued demarches that can have a reminder: the one indexed query."""
    widest = Demarche.objects.filter(state=Demarche.State.ISSUED).aggregate(m=Max("remind_days_before"))["m"]
    days_before = max(widest or 0, settings.REMINDER_DAYS_BEFORE)
    # Local dates run up to a day ahead of UTC.
    horizon = now.astimezone(ZoneInfo("UTC")).date() + timedelta(days=1 + days_before)
    return (
        PostTask.objects.filter(
            status=PostTask.Status.OPEN, due__lte=horizon, demarche__state=Demarche.State.ISSUED
        )
        .order_by()
        .values_list(
            "id", "due", "kind", "post_id", "post__name", "post__timezone", "post__weekend",
            "assigned_to_id", "demarche_post__assigned_officer_id", "demarche_id", "demarche__reference_id",
            "demarche__owner_id", "demarche__remind_days_before", "demarche__overdue_every_days",
            "demarche__escalate_after_days", "demarche__max_reminders",
        )
    )


@dataclass(frozen=True)
class TaskRow:
    """One candidate task as the sweep reads it (candidate_tasks' columns, in order)."""

    id: int
    due: date
    task_kind: str
    post_id: int
    post_name: str
    post_tz: str
    post_weekend: list
    assigned_to_id: int | None
    officer_id: int | None
    demarche_id: int
    reference_id: str
    owner_id: int
    remind_days_before: int | None
    overdue_every_days: int | None
    escalate_after_days: int | None
    max_reminders: int | None


@dataclass
class Wanted:
    """A reminder a task calls for, with its recipients, before it is claimed."""

    row: TaskRow
    due: DueReminder
    user_ids: list[int]
    via_digest: bool


@dataclass
class SweepState:
    """What one sweep carries from chunk to chunk: its moment and mode, what it looked up, its tally."""

    now: datetime
    dry_run: bool
    inline: bool
    result: SweepResult
    directory: Directory = field(default_factory=Directory)
    calendars: dict[int, Calendar] = field(default_factory=dict)  # by post
    policies: dict[int, Policy] = field(default_factory=dict)  # by demarche
    digest_wanted: set[int] = field(default_factory=set)  # posts a dry run would send a digest

    def calendar(self, post_id: int, timezone_name: str, weekend) -> Calendar:
        if post_id not in self.calendars:
            self.calendars[post_id] = Calendar.for_post(timezone_name=timezone_name, weekend=weekend)
        return self.calendars[post_id]

    def policy(self, row: TaskRow) -> Policy:
        if row.demarche_id not in self.policies:
            self.policies[row.demarche_id] = Policy.from_overrides(
                remind_days_before=row.remind_days_before, overdue_every_days=row.overdue_every_days,
                escalate_after_days=row.escalate_after_days, max_reminders=row.max_reminders,
            )
        return self.policies[row.demarche_id]


def sweep(*, now: datetime, dry_run: bool = False, inline: bool = False, chunk_size: int | None = None) -> SweepResult:
    """Claim and send every reminder due at `now`; with dry_run, only count them. Safe to run twice at once.

    inline sends in this process (the management command); otherwise each message is a Celery task.
    """
    state = SweepState(now=now, dry_run=dry_run, inline=inline, result=SweepResult(dry_run=dry_run))
    chunk_size = chunk_size or settings.REMINDER_SWEEP_CHUNK
    if not dry_run:
        state.result.requeued = requeue_stalled(inline=inline)
    batch: list[TaskRow] = []
    for values in candidate_tasks(now=now).iterator(chunk_size=chunk_size):
        batch.append(TaskRow(*values))
        if len(batch) >= chunk_size:
            _sweep_chunk(batch, state)
            batch = []
    if batch:
        _sweep_chunk(batch, state)
    _sweep_digests(state)
    log.info("Reminder sweep at %s: %s", now.isoformat(), state.result)
    return state.result


def _sweep_chunk(batch: list[TaskRow], state: SweepState) -> None:
    ids = [r.id for r in batch]
    nags = dict(
        ReminderLog.objects.filter(task_id__in=ids, kind__in=NAG_KINDS)
        .order_by().values("task_id").annotate(n=Count("id")).values_list("task_id", "n")
    )
    directory, result = state.directory, state.result
    directory.load_staff({r.post_id for r in batch})
    wanted: list[Wanted] = []
    for row in batch:
        calendar = state.calendar(row.post_id, row.post_tz, row.post_weekend)
        for due in reminders_due(due=row.due, now=state.now, calendar=calendar, policy=state.policy(row),
                                 nags_sent=nags.get(row.id, 0)):
            via_digest = due.kind != Kind.ESCALATION and row.post_id in directory.digest_posts
            wanted.append(Wanted(row, due, directory.recipients(row, due.kind), via_digest))
    if not wanted:
        return
    if state.dry_run:
        existing = set(
            ReminderLog.objects.filter(task_id__in=ids).values_list("task_id", "kind", "window_key")
        )
        for w in wanted:
            if (w.row.id, w.due.kind, w.due.window) not in existing:
                result.counts[w.due.kind] += 1
                if w.via_digest:
                    state.digest_wanted.add(w.row.post_id)
        return
    directory.load_emails({u for w in wanted for u in w.user_ids})
    with transaction.atomic():
        claimed = claims.claim_reminders(wanted, addresses=directory.addresses)
        _notify(claimed, state)
    to_send = []
    for log_id, w in claimed:
        result.counts[w.due.kind] += 1
        if w.via_digest:
            state.digest_wanted.add(w.row.post_id)
        else:
            to_send.append(log_id)
    _dispatch(to_send, deliver=deliver_reminder, task_name="send_reminder", inline=state.inline)


def _notify(claimed: list[tuple[int, Wanted]], state: SweepState) -> None:
    """An in-app notification to each recipient of each reminder just claimed."""
    notes = []
    for _log_id, w in claimed:
        today = state.calendars[w.row.post_id].local(state.now).date()
        text = (f"{describe(w.due.kind, due=w.row.due, today=today)}: {w.row.reference_id}, "
                f"{w.row.post_name}, {PostTask.Kind(w.row.task_kind).label}")
        notes.extend(Notification(user_id=u, text=text[:300], url=task_url(w.row.id)) for u in w.user_ids)
    Notification.objects.bulk_create(notes, batch_size=1000)


def _dispatch(ids: list[int], *, deliver, task_name: str, inline: bool) -> None:
    """Send each message here (inline) or as its own Celery task; one failure never stops the rest."""
    if not ids:
        return
    if inline:
        for pk in ids:
            try:
                deliver(pk)
            except Exception:
                log.warning("%s %s failed; a later sweep retries it", task_name, pk, exc_info=True)
        return
    from .. import tasks
    from ..broker import enqueue_on_commit

    task = getattr(tasks, task_name)
    for pk in ids:
        enqueue_on_commit(task, pk)


def requeue_stalled(*, inline: bool) -> int:
    """Queue again what was claimed but never sent: a lost message, a dead worker, an old failure."""
    reminder_ids, digest_ids = claims.stalled()
    _dispatch(reminder_ids, deliver=deliver_reminder, task_name="send_reminder", inline=inline)
    _dispatch(digest_ids, deliver=deliver_digest, task_name="send_digest", inline=inline)
    return len(reminder_ids) + len(digest_ids)


def _sweep_digests(state: SweepState) -> None:
    """Claim today's digest for each digest post with reminders waiting; later ones wait for tomorrow's."""
    directory = state.directory
    if not directory.digest_posts:
        return
    waiting = set(
        ReminderLog.objects.filter(via_digest=True, digest__isnull=True, status=ReminderLog.Status.CLAIMED)
        .values_list("task__post_id", flat=True).distinct()
    ) & directory.digest_posts
    post_ids = waiting | state.digest_wanted if state.dry_run else waiting
    for post in Post.objects.filter(id__in=post_ids).only("id", "timezone", "weekend"):
        calendar = state.calendars.get(post.id) or Calendar.for_post(
            timezone_name=post.timezone, weekend=post.weekend
        )
        if not calendar.is_working_time(state.now):
            continue
        local_date = calendar.local(state.now).date()
        if state.dry_run:
            if not DigestLog.objects.filter(post=post, local_date=local_date).exists():
                state.result.counts[DIGEST] += 1
            continue
        directory.load_staff([post.id])
        directory.load_emails(directory.staff_of[post.id])
        addresses = directory.addresses(directory.staff_of[post.id])
        digest_id = claims.claim_digest(post.id, local_date, addresses)
        if digest_id is None:
            continue
        state.result.counts[DIGEST] += 1
        if addresses:
            _dispatch([digest_id], deliver=deliver_digest, task_name="send_digest", inline=state.inline)
        else:
            ReminderLog.objects.filter(digest_id=digest_id).update(status=ReminderLog.Status.NO_RECIPIENT)
