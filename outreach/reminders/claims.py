"""Claims: the rows that make each reminder and digest go out once, and the ones to try again.

A reminder is claimed by inserting its ReminderLog row (unique per task, kind and due window) with
ON CONFLICT DO NOTHING: only the rows that insert returned are sent, so two sweeps at once, or a
redelivered sweep, claim each reminder once. A digest is claimed the same way (unique per post and day).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import DigestLog, ReminderLog

if TYPE_CHECKING:
    from .sweep import Wanted

# A claimed row older than this whose message never ran is queued again (the message was lost).
REQUEUE_CLAIMED_AFTER = timedelta(minutes=2)
# A worker that died mid-send leaves "sending"; after this lease the row is tried again.
SENDING_LEASE = timedelta(minutes=15)
FAILED_RETRY_AFTER = timedelta(minutes=30)


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


def claim_reminders(wanted: list[Wanted], *, addresses) -> list[tuple[int, Wanted]]:
    """Insert the wanted rows; return (log id, wanted) of only those this call inserted."""
    stamp = timezone.now()
    by_key = {(w.row.id, w.due.kind, w.due.window): w for w in wanted}
    rows = []
    for (task_id, kind, window), w in by_key.items():
        to = addresses(w.user_ids)
        status = ReminderLog.Status.CLAIMED if to or w.via_digest else ReminderLog.Status.NO_RECIPIENT
        rows.append((task_id, kind, window, to, status, 0, "", w.via_digest, stamp, stamp))
    returned = insert_returning(
        ReminderLog._meta.db_table,
        ["task_id", "kind", "window_key", "recipient", "status", "attempts", "error", "via_digest",
         "claimed_at", "updated_at"],
        rows,
        conflict=["task_id", "kind", "window_key"],
        returning=["id", "task_id", "kind", "window_key"],
    )
    return [(log_id, by_key[(task_id, kind, window)]) for log_id, task_id, kind, window in returned]


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
    return digest_id


def stalled() -> tuple[list[int], list[int]]:
    """The reminder and digest ids claimed but never sent: a lost message, a dead worker, an old failure."""
    now = timezone.now()
    max_attempts = settings.REMINDER_SEND_MAX_RETRIES + 1
    # A worker died between "sending" and "sent": try again after the lease.
    for model in (ReminderLog, DigestLog):
        model.objects.filter(status=model.Status.SENDING, updated_at__lt=now - SENDING_LEASE).update(
            status=model.Status.FAILED, error="worker stopped while sending", updated_at=now
        )
    waiting = Q(status="claimed", updated_at__lt=now - REQUEUE_CLAIMED_AFTER) | Q(
        status="failed", updated_at__lt=now - FAILED_RETRY_AFTER, attempts__lt=max_attempts
    )
    reminder_ids = list(
        ReminderLog.objects.filter(waiting, via_digest=False).order_by().values_list("id", flat=True)
    )
    digest_ids = list(DigestLog.objects.filter(waiting).order_by().values_list("id", flat=True))
    return reminder_ids, digest_ids
