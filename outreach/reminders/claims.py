"""Claims: the rows that make each reminder and digest go out once, and the ones to try again.

A reminder is claimed by inserting its ReminderLog row (unique per task, kind and due window) with
ON CONFLICT DO NOTHING: only the rows that insert returned are sent, so two sweeps at once, or a
redelivered sweep, claim each reminder once. A digest is claimed the same way (unique per post and day).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import DigestLog, MessageEmail, ReminderEmail, ReminderLog

if TYPE_CHECKING:
    from .recipients import Directory
    from .sweep import Wanted

# A claimed row older than this whose message never ran is queued again (the message was lost).
REQUEUE_CLAIMED_AFTER = timedelta(minutes=2)
# A worker that died mid-send leaves "sending"; after this lease the row is tried again.
SENDING_LEASE = timedelta(minutes=15)
FAILED_RETRY_AFTER = timedelta(minutes=30)
# A digest still collecting this long after its sweep last added to it: the sweep died; send what it holds.
COLLECTING_LEASE = timedelta(minutes=30)


# Any fixed number: the key of the PostgreSQL advisory lock that one sweep at a time holds.
SWEEP_LOCK = 0x72656D31


@contextmanager
def one_sweep_at_a_time():
    """Yield whether this sweep may run: beat firing twice must not give a person two digests.

    The claims alone would still send each reminder once; the lock keeps a person's reminders in one
    sweep's email. It is held by the connection, so a dead worker's lock goes with it.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK])


def insert_returning(table: str, columns: list[str], rows: list[tuple], *, conflict: list[str],
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


def claim_reminders(wanted: list[Wanted], *, addresses, sweep_id: int) -> list[tuple[int, Wanted, str]]:
    """Insert the wanted rows; return (log id, wanted, status) of only those this call inserted."""
    stamp = timezone.now()
    by_key = {(w.row.id, w.due.kind, w.due.window): w for w in wanted}
    rows = []
    for (task_id, kind, window), w in by_key.items():
        to = addresses(w.user_ids)
        status = ReminderLog.Status.CLAIMED if to or w.via_digest else ReminderLog.Status.NO_RECIPIENT
        rows.append((task_id, kind, window, to, status, 0, "", w.via_digest, stamp, stamp, sweep_id, w.row.due))
    returned = insert_returning(
        ReminderLog._meta.db_table,
        ["task_id", "kind", "window_key", "recipient", "status", "attempts", "error", "via_digest",
         "claimed_at", "updated_at", "sweep_id", "due_on"],
        rows,
        conflict=["task_id", "kind", "window_key"],
        returning=["id", "task_id", "kind", "window_key", "status"],
    )
    return [(log_id, by_key[(task_id, kind, window)], status) for log_id, task_id, kind, window, status in returned]


def collect_emails(claimed: list[tuple[int, Wanted, str]], *, sweep_id: int, directory: Directory,
                   digests: dict[int, int]) -> list[int]:
    """Put each claimed reminder in its recipients' emails of this sweep; return the ids of single emails.

    A person's reminders of the kinds they want at once get one email each; the rest join their one
    digest of the sweep (`digests`, user id -> email id, carried from chunk to chunk).
    """
    stamp = timezone.now()
    singles: list[tuple[ReminderEmail, int]] = []
    new_digests: dict[int, ReminderEmail] = {}
    items: list[tuple[int, int]] = []  # (user id, log id) of digest items
    for log_id, w, status in claimed:
        if w.via_digest or status == ReminderLog.Status.NO_RECIPIENT:
            continue
        for user_id in w.user_ids:
            address = directory.emails.get(user_id)
            if not address:
                continue
            if w.due.kind in directory.immediate.get(user_id, ()):
                singles.append((ReminderEmail(user_id=user_id, recipient=address, sweep_id=sweep_id, single=True,
                                              status=ReminderEmail.Status.CLAIMED, claimed_at=stamp,
                                              updated_at=stamp), log_id))
                continue
            if user_id not in digests and user_id not in new_digests:
                new_digests[user_id] = ReminderEmail(
                    user_id=user_id, recipient=address, sweep_id=sweep_id, status=ReminderEmail.Status.COLLECTING,
                    claimed_at=stamp, updated_at=stamp,
                )
            items.append((user_id, log_id))
    ReminderEmail.objects.bulk_create([e for e, _ in singles] + list(new_digests.values()))
    digests.update({user_id: e.pk for user_id, e in new_digests.items()})
    Item = ReminderEmail.reminders.through
    Item.objects.bulk_create(
        [Item(reminderemail_id=e.pk, reminderlog_id=log_id) for e, log_id in singles]
        + [Item(reminderemail_id=digests[user_id], reminderlog_id=log_id) for user_id, log_id in items]
    )
    touched = {digests[user_id] for user_id, _ in items} - {e.pk for e in new_digests.values()}
    if touched:  # keep the lease of a long sweep's digests fresh
        ReminderEmail.objects.filter(pk__in=touched).update(updated_at=stamp)
    return [e.pk for e, _ in singles]


def release_digests(sweep_id: int) -> list[int]:
    """The sweep has added everything: its digests may go; return their ids."""
    ids = list(ReminderEmail.objects.filter(sweep_id=sweep_id, status=ReminderEmail.Status.COLLECTING)
               .values_list("id", flat=True))
    ReminderEmail.objects.filter(pk__in=ids, status=ReminderEmail.Status.COLLECTING).update(
        status=ReminderEmail.Status.CLAIMED, updated_at=timezone.now()
    )
    return ids


@transaction.atomic
def claim_digest(post_id: int, local_date: date, addresses: str) -> int | None:
    """Claim a post's digest of the day and gather the reminders waiting for it; None if already claimed."""
    stamp = timezone.now()
    status = DigestLog.Status.CLAIMED if addresses else DigestLog.Status.NO_RECIPIENT
    returned = insert_returning(
        DigestLog._meta.db_table,
        ["post_id", "local_date", "recipient", "status", "attempts", "error", "claimed_at", "updated_at"],
        [(post_id, local_date, addresses, status, 0, "", stamp, stamp)],
        conflict=["post_id", "local_date"],
        returning=["id"],
    )
    if not returned:
        return None
    digest_id = returned[0][0]
    ReminderLog.objects.filter(
        task__post_id=post_id, via_digest=True, digest__isnull=True, status=ReminderLog.Status.CLAIMED
    ).update(digest_id=digest_id, recipient=addresses, updated_at=stamp)
    MessageEmail.objects.filter(
        message__demarche_post__post_id=post_id, via_digest=True, digest__isnull=True, status=MessageEmail.Status.CLAIMED
    ).update(digest_id=digest_id, recipient=addresses, updated_at=stamp)
    return digest_id


def stalled_messages() -> list[int]:
    """Thread messages' emails claimed but never sent (as stalled(); those waiting for a digest wait)."""
    now = timezone.now()
    # The post stopped its daily digest while a message waited for it: send it on its own after all.
    MessageEmail.objects.filter(via_digest=True, digest__isnull=True, status=MessageEmail.Status.CLAIMED).exclude(
        message__demarche_post__post__reminder_preference__daily_digest=True).exclude(recipient="").update(
        via_digest=False)
    MessageEmail.objects.filter(status=MessageEmail.Status.SENDING, updated_at__lt=now - SENDING_LEASE).update(
        status=MessageEmail.Status.FAILED, error="worker stopped while sending", updated_at=now)
    waiting = Q(status="claimed", updated_at__lt=now - REQUEUE_CLAIMED_AFTER) | Q(
        status="failed", updated_at__lt=now - FAILED_RETRY_AFTER, attempts__lt=settings.REMINDER_SEND_MAX_RETRIES + 1)
    return list(MessageEmail.objects.filter(waiting, via_digest=False).order_by().values_list("id", flat=True))


def stalled() -> tuple[list[int], list[int]]:
    """The email and digest ids claimed but never sent: a lost message, a dead worker or sweep, an old failure."""
    now = timezone.now()
    max_attempts = settings.REMINDER_SEND_MAX_RETRIES + 1
    # A worker died between "sending" and "sent": try again after the lease.
    for model in (ReminderEmail, DigestLog):
        model.objects.filter(status=model.Status.SENDING, updated_at__lt=now - SENDING_LEASE).update(
            status=model.Status.FAILED, error="worker stopped while sending", updated_at=now
        )
    ReminderEmail.objects.filter(
        status=ReminderEmail.Status.COLLECTING, updated_at__lt=now - COLLECTING_LEASE
    ).update(status=ReminderEmail.Status.CLAIMED)  # updated_at stays old: queued below at once
    waiting = Q(status="claimed", updated_at__lt=now - REQUEUE_CLAIMED_AFTER) | Q(
        status="failed", updated_at__lt=now - FAILED_RETRY_AFTER, attempts__lt=max_attempts
    )
    email_ids = list(ReminderEmail.objects.filter(waiting).order_by().values_list("id", flat=True))
    digest_ids = list(DigestLog.objects.filter(waiting).order_by().values_list("id", flat=True))
    return email_ids, digest_ids
