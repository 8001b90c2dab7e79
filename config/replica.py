"""Is the read replica fit to read from? Its lag, and a short circuit breaker per process.

The router sends dashboard reads to the replica only while it answers and its replay lag is at most
REPLICA_MAX_LAG_SECONDS. A failed check or a failed query opens the breaker: for REPLICA_RETRY_SECONDS
every read goes to the primary, then the replica is checked again. Opening and closing are logged once
each, not once per request. The state is per process (each gunicorn worker decides for itself), which
costs at most one check per REPLICA_CHECK_SECONDS per worker.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"

# Lag is 0 while the replica streams from the primary and has replayed all it received: an idle
# primary writes no commits, so "now() - last replayed commit" alone would grow without any lag.
# Otherwise (replaying a backlog, or cut off from the primary) it is the age of the last replayed commit.
# "<=", not "=": a restarted replica reports as received the start of the WAL segment it resumed from.
LAG_SQL = """
    SELECT pg_is_in_recovery(),
           CASE WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
                     AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
                ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float END
"""


def configured() -> bool:
    return REPLICA in settings.DATABASES


def measure_lag() -> float | None:
    """Return the replica's replay lag in seconds (None: unknown, nothing replayed yet); raise if unreachable."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        connection.ensure_connection()
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        in_recovery, lag = cursor.fetchone()
    if not in_recovery:
        return 0.0  # a promoted replica, or a plain copy: nothing to lag behind
    return None if lag is None else max(float(lag), 0.0)


@dataclass
class Breaker:
    usable: bool = True
    checked_at: float = float("-inf")
    retry_at: float = float("-inf")
    reason: str = ""
    lag: float | None = None

    def __post_init__(self):
        self._lock = threading.Lock()

    def allows_reads(self) -> bool:
        """Whether reads may go to the replica now; checks it at most once per REPLICA_CHECK_SECONDS."""
        now = time.monotonic()
        if not self.usable and now < self.retry_at:
            return False
        if now - self.checked_at >= settings.REPLICA_CHECK_SECONDS or not self.usable:
            self.check()
        return self.usable

    def check(self) -> dict:
        """Measure the replica now; open or close the breaker accordingly. Returns what a health page shows."""
        try:
            lag = measure_lag()
        except DatabaseError as exc:
            self.lag = None
            self.trip("unreachable", detail=first_line(exc))
            return self.status(ok=False)
        self.lag = lag
        limit = settings.REPLICA_MAX_LAG_SECONDS
        if lag is None or lag > limit:
            self.trip(f"lagging {'an unknown time' if lag is None else f'{lag:.1f} s'} (limit {limit} s)")
            return self.status(ok=False)
        with self._lock:
            self.checked_at = time.monotonic()
            if not self.usable:
                log.warning("Read replica usable again (lag %.1f s): dashboards read from it again", lag)
            self.usable, self.reason = True, ""
        return self.status(ok=True)

    def trip(self, reason: str, *, detail: str = "") -> None:
        """Send reads to the primary for REPLICA_RETRY_SECONDS; log only when the breaker opens.

        `reason` is shown on /healthz/ready (to anyone); `detail` (the driver's error) only in the log."""
        with self._lock:
            now = time.monotonic()
            self.checked_at, self.retry_at = now, now + settings.REPLICA_RETRY_SECONDS
            if self.usable:
                log.warning(
                    "Read replica %s%s: reading from the primary for %s s",
                    reason, f" ({detail})" if detail else "", settings.REPLICA_RETRY_SECONDS,
                )
            self.usable, self.reason = False, reason
        try:
            connections[REPLICA].close()  # a broken connection must not be reused by the next try
        except DatabaseError:
            pass

    def status(self, *, ok: bool) -> dict:
        return {
            "ok": ok,
            "lag_seconds": None if self.lag is None else round(self.lag, 3),
            "reads": "replica" if ok else "primary",
            **({"reason": self.reason} if self.reason else {}),
        }


def first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else repr(exc)


breaker = Breaker()
