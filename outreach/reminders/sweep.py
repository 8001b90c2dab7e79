"""The sweep that claims reminders and hands them to delivery; the policy itself is in policy.py.

Exactly once: every reminder is a ReminderLog row unique per (task, kind, window). The sweep inserts
the rows it wants with ON CONFLICT DO NOTHING and sends only the rows that insert returned; the send
path then moves a row from claimed to sending with a conditional UPDATE, so a message delivered
twice sends once. The sweep keeps no state outside the database: after an outage the next sweep
claims what is due and re-queues what was claimed but never sent.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cables.models import Post

from ..models import DigestLog, MessageEmail, Notification, PostTask, ReminderLog, ReminderSweep
from . import claims
from .candidates import TaskRow, candidate_tasks
from .delivery import deliver_digest, deliver_email, deliver_message_email, task_url
from .ledger import DIGEST, EMAILED, NO_RECIPIENT, POST_DIGEST, SweepResult
from .policy import SKIP_CAP, Calendar, DueReminder, Policy, assess, describe
from .recipients import Directory

log = logging.getLogger(__name__)

Kind = ReminderLog.Kind
# Reminders to the post count against the cap; escalations go to headquarters and do not.
NAG_KINDS = (Kind.BEFORE, Kind.DUE, Kind.OVERDUE)
__all__ = ["DIGEST", "SweepResult", "candidate_tasks", "requeue_stalled", "sweep"]


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
    record: ReminderSweep | None = None  # the ledger row (none in a dry run)
    digests: dict[int, int] = field(default_factory=dict)  # user id -> their digest email of this sweep
    directory: Directory = field(default_factory=Directory)
    calendars: dict[int, Calendar] = field(default_factory=dict)  # by post
    policies: dict[int, Policy] = field(default_factory=dict)  # by demarche
    digest_wanted: set[int] = field(default_factory=set)  # posts a dry run would send a digest

    def calendar(self, post_id: int, timezone_name: str, weekend, country_code: str = "") -> Calendar:
        if post_id not in self.calendars:
            self.calendars[post_id] = Calendar.for_post(timezone_name=timezone_name, weekend=weekend,
                                                        country_code=country_code)
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

    Each person gets at most one email per sweep (a digest) unless they chose some kinds at once; one
    sweep runs at a time (a second one at once does nothing).
    inline sends in this process (the management command); otherwise each email is a Celery task.
    """
    if dry_run:
        return _sweep(now=now, dry_run=True, inline=inline, chunk_size=chunk_size)
    with claims.one_sweep_at_a_time() as free:
        if not free:
            log.info("Reminder sweep at %s: another sweep is running", now.isoformat())
            return SweepResult(busy=True)
        return _sweep(now=now, dry_run=False, inline=inline, chunk_size=chunk_size)


def _sweep(*, now: datetime, dry_run: bool, inline: bool, chunk_size: int | None) -> SweepResult:
    state = SweepState(now=now, dry_run=dry_run, inline=inline, result=SweepResult(dry_run=dry_run))
    chunk_size = chunk_size or settings.REMINDER_SWEEP_CHUNK
    if not dry_run:
        state.result.requeued = requeue_stalled(inline=inline)
        state.record = ReminderSweep.objects.create(now=now)
    batch: list[TaskRow] = []
    for values in candidate_tasks(now=now).iterator(chunk_size=chunk_size):
        batch.append(TaskRow(*values))
        if len(batch) >= chunk_size:
            _sweep_chunk(batch, state)
            batch = []
    if batch:
        _sweep_chunk(batch, state)
    if state.record:
        digest_ids = claims.release_digests(state.record.pk)
        state.result.emails["digest"] += len(digest_ids)
        _dispatch(digest_ids, deliver=deliver_email, task_name="send_reminder_email", state=state)
    elif state.digests:
        state.result.emails["digest"] += len(state.digests)
    _sweep_digests(state)
    if state.record:
        ReminderSweep.objects.filter(pk=state.record.pk).update(
            finished_at=timezone.now(), counts=state.result.as_json()
        )
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
    skipped: list[tuple[TaskRow, DueReminder, str]] = []
    for row in batch:
        calendar = state.calendar(row.post_id, row.post_tz, row.post_weekend, row.post_country)
        found = assess(due=row.due, now=state.now, calendar=calendar, policy=state.policy(row),
                       nags_sent=nags.get(row.id, 0))
        for due in found.due:
            via_digest = due.kind != Kind.ESCALATION and row.post_id in directory.digest_posts
            wanted.append(Wanted(row, due, directory.recipients(row, due.kind), via_digest))
        skipped.extend((row, due, reason) for due, reason in found.skipped)
    existing = set()
    if state.dry_run or any(reason != SKIP_CAP for *_, reason in skipped):
        existing = set(ReminderLog.objects.filter(task_id__in=ids).values_list("task_id", "kind", "window_key"))
    for row, due, reason in skipped:  # a window already claimed was not skipped: it went out earlier
        if (row.id, due.kind, due.window) not in existing:
            result.skipped[(reason, due.kind)] += 1
    if not wanted:
        return
    directory.load_emails({u for w in wanted for u in w.user_ids})
    if state.dry_run:
        for w in wanted:
            if (w.row.id, w.due.kind, w.due.window) not in existing:
                to = directory.addresses(w.user_ids)
                _tally(result, w, ReminderLog.Status.CLAIMED if to or w.via_digest else ReminderLog.Status.NO_RECIPIENT)
                if w.via_digest:
                    state.digest_wanted.add(w.row.post_id)
                elif to:
                    _count_dry_emails(w, state)
        return
    with transaction.atomic():
        claimed = claims.claim_reminders(wanted, addresses=directory.addresses, sweep_id=state.record.pk)
        _notify(claimed, state)
        singles = claims.collect_emails(claimed, sweep_id=state.record.pk, directory=directory,
                                        digests=state.digests)
    for _log_id, w, status in claimed:
        _tally(result, w, status)
        if w.via_digest:
            state.digest_wanted.add(w.row.post_id)
    result.emails["single"] += len(singles)
    _dispatch(singles, deliver=deliver_email, task_name="send_reminder_email", state=state)


def _tally(result: SweepResult, w: Wanted, status: str) -> None:
    result.counts[w.due.kind] += 1
    outcome = (POST_DIGEST if w.via_digest else NO_RECIPIENT if status == ReminderLog.Status.NO_RECIPIENT
               else EMAILED)
    result.outcomes[(outcome, w.due.kind)] += 1


def _count_dry_emails(w: Wanted, state: SweepState) -> None:
    """Count the emails a dry run would send: one per single reminder, one digest per person."""
    for user_id in w.user_ids:
        if not state.directory.emails.get(user_id):
            continue
        if w.due.kind in state.directory.immediate.get(user_id, ()):
            state.result.emails["single"] += 1
        else:
            state.digests.setdefault(user_id, 0)


# In-app notices: this many reminders of one kind for one demarche to one person in one sweep make one notice.
GROUP_FROM = 4
GROUP_WORDS = {
    ReminderLog.Kind.BEFORE: ("Reminder", "due soon"), ReminderLog.Kind.DUE: ("Reminder", "due today"),
    ReminderLog.Kind.OVERDUE: ("Reminder", "overdue"), ReminderLog.Kind.ESCALATION: ("Escalation", "overdue"),
}

def _notify(claimed: list[tuple[int, Wanted]], state: SweepState) -> None:
    """An in-app notification to each recipient of each reminder just claimed; a person with GROUP_FROM or
    more of one kind for one demarche in this sweep gets one notice for them all, as their email does."""
    groups: dict[tuple[int, str, str], list[tuple[Wanted, str]]] = {}
    for _log_id, w, _status in claimed:
        today = state.calendars[w.row.post_id].local(state.now).date()
        text = (f"{describe(w.due.kind, due=w.row.due, today=today)}: {w.row.reference_id}, "
                f"{w.row.post_name}, {PostTask.Kind(w.row.task_kind).label}")
        for user_id in w.user_ids:
            groups.setdefault((user_id, w.due.kind, w.row.reference_id), []).append((w, text))
    notes = []
    for (user_id, kind, reference_id), items in groups.items():
        if len(items) < GROUP_FROM:
            notes.extend(Notification(user_id=user_id, text=text[:300], url=task_url(w.row.id)) for w, text in items)
            continue
        posts = len({w.row.post_id for w, _ in items})
        # Escalations go to the desk, who read the demarche page; the other kinds to posts, who have an inbox.
        url = (reverse("outreach:demarche_detail", args=[reference_id]) if kind == ReminderLog.Kind.ESCALATION
               else reverse("outreach:inbox"))
        title, state_words = GROUP_WORDS[kind]
        notes.append(Notification(user_id=user_id, url=url, text=(
            f"{title}: {reference_id}, {len(items)} tasks {state_words} at {posts} post{'s' if posts != 1 else ''}")))
    Notification.objects.bulk_create(notes, batch_size=1000)


def _dispatch(ids: list[int], *, deliver, task_name: str, inline: bool | None = None,
              state: SweepState | None = None) -> None:
    """Send each message here (inline) or as its own Celery task; one failure never stops the rest."""
    if not ids:
        return
    if inline is None:
        inline = state.inline
    if inline:
        for pk in ids:
            try:
                deliver(pk)
            except Exception:
                if state:
                    state.result.emails["failed"] += 1
                log.warning("%s %s failed; a later sweep retries it", task_name, pk, exc_info=True)
        return
    from .. import tasks
    from ..broker import enqueue_on_commit

    task = getattr(tasks, task_name)
    for pk in ids:
        enqueue_on_commit(task, pk)


def requeue_stalled(*, inline: bool) -> int:
    """Queue again what was claimed but never sent: a lost message, a dead worker, an old failure."""
    email_ids, digest_ids = claims.stalled()
    message_ids = claims.stalled_messages()
    _dispatch(email_ids, deliver=deliver_email, task_name="send_reminder_email", inline=inline)
    _dispatch(digest_ids, deliver=deliver_digest, task_name="send_digest", inline=inline)
    _dispatch(message_ids, deliver=deliver_message_email, task_name="send_message_email", inline=inline)
    return len(email_ids) + len(digest_ids) + len(message_ids)


def _sweep_digests(state: SweepState) -> None:
    """Claim today's digest for each digest post with reminders waiting; later ones wait for tomorrow's."""
    directory = state.directory
    if not directory.digest_posts:
        return
    waiting = set(
        ReminderLog.objects.filter(via_digest=True, digest__isnull=True, status=ReminderLog.Status.CLAIMED)
        .values_list("task__post_id", flat=True).distinct()
    ) | set(  # the desk's thread messages waiting for the post's digest
        MessageEmail.objects.filter(via_digest=True, digest__isnull=True, status=MessageEmail.Status.CLAIMED)
        .values_list("message__demarche_post__post_id", flat=True).distinct()
    )
    waiting &= directory.digest_posts
    post_ids = waiting | state.digest_wanted if state.dry_run else waiting
    for post in Post.objects.filter(id__in=post_ids).only("id", "timezone", "weekend", "country_code"):
        calendar = state.calendars.get(post.id) or Calendar.for_post(
            timezone_name=post.timezone, weekend=post.weekend, country_code=post.country_code
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
            _dispatch([digest_id], deliver=deliver_digest, task_name="send_digest", state=state)
        else:
            ReminderLog.objects.filter(digest_id=digest_id).update(status=ReminderLog.Status.NO_RECIPIENT)
