"""Send read-only queries to the "replica" database when DATABASE_REPLICA_URL configures one.

Only the tracker's own tables (cables, outreach) are read there; sessions, users and login
throttling always use the primary, so a login is never undone by replication lag. Reads inside
a transaction on the primary stay there, which also keeps a request's reads after its own writes exact.
The replica is skipped while it is down or lagging (config/replica.py), and for a session that has just
written (read your writes: `note_write` below, the one place that decides it).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core import signing
from django.db import InterfaceError, OperationalError, connections, router

from . import replica

REPLICA = replica.REPLICA
REPLICA_APPS = {"cables", "outreach"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FRESH_COOKIE, FRESH_SALT = "wrote_at", "config.db_router.read-your-writes"

_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)
_writes: ContextVar[list | None] = ContextVar("writes_this_request", default=None)


@contextmanager
def replica_reads():
    """Route this block's reads of tracker tables to the replica, when there is one fit to read."""
    use = replica.configured() and replica.breaker.allows_reads()
    token = _reading_from_replica.set(use)
    try:
        yield use
    finally:
        _reading_from_replica.reset(token)


@contextmanager
def primary_reads():
    """Read this block from the primary: a read whose result is written back (an overview snapshot)."""
    token = _reading_from_replica.set(False)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def read_alias(model) -> str:
    """The alias the router reads `model` from now: raw SQL uses connections[read_alias(...)]."""
    return router.db_for_read(model)


def note_write() -> None:
    """Called by the write path (outreach.services.history.record_event): this request changed tracker data."""
    writes = _writes.get()
    if writes is not None:
        writes.append(1)


def wrote_recently(request) -> bool:
    """Whether this session wrote within REPLICA_READ_YOUR_WRITES_SECONDS: its pages then read the primary."""
    if FRESH_COOKIE not in request.COOKIES:
        return False
    try:
        request.get_signed_cookie(FRESH_COOKIE, salt=FRESH_SALT, max_age=settings.REPLICA_READ_YOUR_WRITES_SECONDS)
    except (KeyError, signing.BadSignature):
        return False
    return True


def _run_reading_replica(view, request, *args, **kwargs):
    if request.method not in SAFE_METHODS or wrote_recently(request):
        return view(request, *args, **kwargs)
    with replica_reads() as use:
        if not use:
            return view(request, *args, **kwargs)
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            # The replica went away mid-request: open the breaker and answer from the primary instead
            # of a 500. An error of the primary's is raised again by the second try.
            if not connections[REPLICA].errors_occurred:
                raise
            replica.breaker.trip("failed a query", detail=replica.first_line(exc))
    return view(request, *args, **kwargs)


def read_from_replica(view):
    """Let a read-only page (a dashboard) read from the replica; posts still go to the primary."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return _run_reading_replica(view, request, *args, **kwargs)

    return wrapped


class ReplicaReadsMiddleware:
    """Marks the session after a write (read your writes); with REPLICA_READS=all, every GET reads the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writes = []
        token = _writes.set(writes)
        try:
            if settings.REPLICA_READS == "all":
                response = _run_reading_replica(self.get_response, request)
            else:
                response = self.get_response(request)
        finally:
            _writes.reset(token)
        if writes and response.status_code < 400:
            window = settings.REPLICA_READ_YOUR_WRITES_SECONDS
            response.set_signed_cookie(
                FRESH_COOKIE, "1", salt=FRESH_SALT, max_age=window, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _reading_from_replica.get()
            and model._meta.app_label in REPLICA_APPS
            and not connections["default"].in_atomic_block
            and REPLICA in settings.DATABASES
            and replica.breaker.usable  # tripped mid-request: the rest of it reads the primary
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
