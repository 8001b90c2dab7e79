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
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from cables.models import Post

from ..models import Demarche, DigestLog, Notification, PostTask, ReminderLog
from .delivery import deliver_digest, deliver_reminder, task_url
from .policy import Calendar, DueReminder, Policy, describe, reminders_due
from .recipients import Directory

log = logging.getLogger(__name__)

Kind = ReminderLog.Kind
# Reminders to the post count against the cap; escalations go to headquarters and do not.
NAG_KINDS = (Kind.BEFORE, Kind.DUE, Kind.OVERDUE)
DIGEST = "digest"
# A claimed row older than this whose message never ran is queued again (the message was lost).
REQUEUE_CLAIMED_AFTER = timedelta(minutes=2)
# A worker that died mid-send leaves "sending"; after this lease the row is tried again.
SENDING_LEASE = timedelta(minutes=15)
FAILED_RETRY_AFTER = timedelta(minutes=30)


# --- The sweep -------------------------------------------------------------------------------------


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
class _Row:
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
class _Wanted:
    row: _Row
    due: DueReminder
    user_ids: list[int]
    via_digest: bool


def sweep(*, now: datetime, dry_run: bool = False, inline: bool = False, chunk_size: int | None = None) -> SweepResult:
    """Claim and send every reminder due at `now`; with dry_run, only count them. Safe to run twice at once.

    inline sends in this process (the management command); otherwise each message is a Celery task.
    """
    result = SweepResult(dry_run=dry_run)
    chunk_size = chunk_size or settings.REMINDER_SWEEP_CHUNK
    directory = Directory()
    if not dry_run:
        result.requeued = requeue_stalled(inline=inline)
    calendars: dict[int, Calendar] = {}
    policies: dict[int, Policy] = {}
    digest_wanted: set[int] = set()
    batch: list[_Row] = []
    for values in candidate_tasks(now=now).iterator(chunk_size=chunk_size):
        batch.append(_Row(*values))
        if len(batch) >= chunk_size:
            _sweep_chunk(batch, now=now, dry_run=dry_run, inline=inline, directory=directory,
                         calendars=calendars, policies=policies, result=result, digest_wanted=digest_wanted)
            batch = []
    if batch:
        _sweep_chunk(batch, now=now, dry_run=dry_run, inline=inline, directory=directory,
                     calendars=calendars, policies=policies, result=result, digest_wanted=digest_wanted)
    _sweep_digests(now=now, dry_run=dry_run, inline=inline, directory=directory, calendars=calendars,
                   result=result, digest_wanted=digest_wanted)
    log.info("Reminder sweep at %s: %s", now.isoformat(), result)
    return result


def _sweep_chunk(batch, *, now, dry_run, inline, directory, calendars, policies, result, digest_wanted) -> None:
    ids = [r.id for r in batch]
    nags = dict(
        ReminderLog.objects.filter(task_id__in=ids, kind__in=NAG_KINDS)
        .order_by().values("task_id").annotate(n=Count("id")).values_list("task_id", "n")
    )
    directory.load_staff({r.post_id for r in batch})
    wanted: list[_Wanted] = []
    for row in batch:
        calendar = calendars.get(row.post_id)
        if calendar is None:
            calendar = calendars[row.post_id] = Calendar.for_post(
                timezone_name=row.post_tz, weekend=row.post_weekend
            )
        policy = policies.get(row.demarche_id)
        if policy is None:
            policy = policies[row.demarche_id] = Policy.from_overrides(
                remind_days_before=row.remind_days_before, overdue_every_days=row.overdue_every_days,
                escalate_after_days=row.escalate_after_days, max_reminders=row.max_reminders,
            )
        for due in reminders_due(due=row.due, now=now, calendar=calendar, policy=policy, nags_sent=nags.get(row.id, 0)):
            via_digest = due.kind != Kind.ESCALATION and row.post_id in directory.digest_posts
            wanted.append(_Wanted(row, due, directory.recipients(row, due.kind), via_digest))
    if not wanted:
        return
    if dry_run:
        existing = set(
            ReminderLog.objects.filter(task_id__in=ids).values_list("task_id", "kind", "window_key")
        )
        for w in wanted:
            if (w.row.id, w.due.kind, w.due.window) not in existing:
                result.counts[w.due.kind] += 1
                if w.via_digest:
                    digest_wanted.add(w.row.post_id)
        return
    directory.load_emails({u for w in wanted for u in w.user_ids})
    with transaction.atomic():
        claimed = _claim(wanted, directory=directory)
        _notify(claimed, now=now, directory=directory, calendars=calendars)
    to_send = []
    for log_id, w in claimed:
        result.counts[w.due.kind] += 1
        if w.via_digest:
            digest_wanted.add(w.row.post_id)
        else:
            to_send.append(log_id)
    _dispatch(to_send, deliver=deliver_reminder, task_name="send_reminder", inline=inline)


def _claim(wanted: list[_Wanted], *, directory: Directory) -> list[tuple[int, _Wanted]]:
    """Insert the wanted rows; return only those this call inserted (the others were claimed before)."""
    stamp = timezone.now()
    by_key = {(w.row.id, w.due.kind, w.due.window): w for w in wanted}
    rows = []
    for (task_id, kind, window), w in by_key.items():
        addresses = directory.addresses(w.user_ids)
        status = ReminderLog.Status.CLAIMED if addresses or w.via_digest else ReminderLog.Status.NO_RECIPIENT
        rows.append((task_id, kind, window, addresses, status, 0, "", w.via_digest, stamp, stamp))
    returned = _insert_returning(
        ReminderLog._meta.db_table,
        ["task_id", "kind", "window_key", "recipient", "status", "attempts", "error", "via_digest",
         "claimed_at", "updated_at"],
        rows,
        conflict=["task_id", "kind", "window_key"],
        returning=["id", "task_id", "kind", "window_key"],
    )
    return [(log_id, by_key[(task_id, kind, window)]) for log_id, task_id, kind, window in returned]


def _insert_returning(table: str, columns: list[str], rows: list[tuple], *, conflict: list[str],
                      returning: list[str]) -> list[tuple]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING, in statements small enough for any backend."""
    qn = connection.ops.quote_name
    out = []
    per_statement = max(1, 900 // len(columns))  # SQLite's old limit of 999 parameters
    for start in range(0, len(rows), per_statement):
        part = rows[start:start + per_statement]
        placeholders = ", ".join("(" + ", ".join(["%s"] * len(columns)) + ")" for _ in part)
        sql = (
            f"INSERT INTO {qn(table)} ({', '.join(map(qn, columns))}) VALUES {placeholders} "
            f"ON CONFLICT ({', '.join(map(qn, conflict))}) DO NOTHING RETURNING {', '.join(map(qn, returning))}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [v for row in part for v in row])
            out.extend(cursor.fetchall())
    return out


def _notify(claimed, *, now, directory: Directory, calendars) -> None:
    notes = []
    for _log_id, w in claimed:
        today = calendars[w.row.post_id].local(now).date()
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
    from ..broker import enqueue

    task = getattr(tasks, task_name)
    for pk in ids:
        transaction.on_commit(lambda pk=pk: enqueue(task, pk))


def requeue_stalled(*, inline: bool) -> int:
    """Queue again what was claimed but never sent: a lost message, a dead worker, an old failure."""
    now = timezone.now()
    max_attempts = settings.REMINDER_SEND_MAX_RETRIES + 1
    # A worker died between "sending" and "sent": try again after the lease.
    ReminderLog.objects.filter(status=ReminderLog.Status.SENDING, updated_at__lt=now - SENDING_LEASE).update(
        status=ReminderLog.Status.FAILED, error="worker stopped while sending", updated_at=now
    )
    DigestLog.objects.filter(status=DigestLog.Status.SENDING, updated_at__lt=now - SENDING_LEASE).update(
        status=DigestLog.Status.FAILED, error="worker stopped while sending", updated_at=now
    )
    stalled = Q(status="claimed", updated_at__lt=now - REQUEUE_CLAIMED_AFTER) | Q(
        status="failed", updated_at__lt=now - FAILED_RETRY_AFTER, attempts__lt=max_attempts
    )
    reminder_ids = list(
        ReminderLog.objects.filter(stalled, via_digest=False).order_by().values_list("id", flat=True)
    )
    digest_ids = list(DigestLog.objects.filter(stalled).order_by().values_list("id", flat=True))
    _dispatch(reminder_ids, deliver=deliver_reminder, task_name="send_reminder", inline=inline)
    _dispatch(digest_ids, deliver=deliver_digest, task_name="send_digest", inline=inline)
    return len(reminder_ids) + len(digest_ids)


def _sweep_digests(*, now, dry_run, inline, directory: Directory, calendars, result, digest_wanted) -> None:
    """Claim today's digest for each digest post with reminders waiting; later ones wait for tomorrow's."""
    if not directory.digest_posts:
        return
    waiting = set(
        ReminderLog.objects.filter(via_digest=True, digest__isnull=True, status=ReminderLog.Status.CLAIMED)
        .values_list("task__post_id", flat=True).distinct()
    ) & directory.digest_posts
    post_ids = waiting | digest_wanted if dry_run else waiting
    for post in Post.objects.filter(id__in=post_ids).only("id", "timezone", "weekend"):
        calendar = calendars.get(post.id) or Calendar.for_post(timezone_name=post.timezone, weekend=post.weekend)
        if not calendar.is_working_time(now):
            continue
        local_date = calendar.local(now).date()
        if dry_run:
            if not DigestLog.objects.filter(post=post, local_date=local_date).exists():
                result.counts[DIGEST] += 1
            continue
        directory.load_staff([post.id])
        directory.load_emails(directory.staff_of[post.id])
        addresses = directory.addresses(directory.staff_of[post.id])
        stamp = timezone.now()
        status = DigestLog.Status.CLAIMED if addresses else DigestLog.Status.NO_RECIPIENT
        with transaction.atomic():
            returned = _insert_returning(
                DigestLog._meta.db_table,
                ["post_id", "local_date", "recipient", "status", "attempts", "error", "claimed_at", "updated_at"],
                [(post.id, local_date, addresses, status, 0, "", stamp, stamp)],
                conflict=["post_id", "local_date"],
                returning=["id"],
            )
            if not returned:
                continue
            digest_id = returned[0][0]
            ReminderLog.objects.filter(
                task__post_id=post.id, via_digest=True, digest__isnull=True, status=ReminderLog.Status.CLAIMED
            ).update(digest_id=digest_id, recipient=addresses, updated_at=stamp)
        result.counts[DIGEST] += 1
        if addresses:
            _dispatch([digest_id], deliver=deliver_digest, task_name="send_digest", inline=inline)
        else:
            ReminderLog.objects.filter(digest_id=digest_id).update(status=ReminderLog.Status.NO_RECIPIENT)
