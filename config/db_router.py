"""Send read-only queries to the "replica" database when DATABASE_REPLICA_URL configures one.

Only the tracker's own tables (cables, outreach) are read there; sessions, users and login
throttling always use the primary, so a login is never undone by replication lag. Reads inside
a transaction stay on the primary, which also keeps a request's reads after its own writes exact.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import connections

REPLICA = "replica"
REPLICA_APPS = {"cables", "outreach"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


@contextmanager
def replica_reads():
    """Route this block's reads of tracker tables to the replica, when there is one."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def read_from_replica(view):
    """Let a read-only page (a dashboard) read from the replica; posts still go to the primary."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaReadsMiddleware:
    """With REPLICA_READS=all, every GET reads tracker tables from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.REPLICA_READS != "all" or request.method not in SAFE_METHODS:
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            REPLICA in settings.DATABASES
            and _reading_from_replica.get()
            and model._meta.app_label in REPLICA_APPS
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
