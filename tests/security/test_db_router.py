"""The read-replica router: dashboards' reads go to the replica only when one is configured and fit.

These tests fake the replica's alias; tests/outreach/test_real_replica.py runs a real streaming replica.
"""

import logging

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.test import RequestFactory

from cables.models import Cable
from config import db_router, replica
from config.db_router import (
    ReplicaReadsMiddleware,
    ReplicaRouter,
    note_write,
    primary_reads,
    read_from_replica,
    replica_reads,
)
from outreach.models import PostTask

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    """A "replica" alias in the settings, and a breaker that finds it fit without asking it."""
    monkeypatch.setitem(django_settings.DATABASES, "replica", dict(django_settings.DATABASES["default"]))
    monkeypatch.setattr(replica, "breaker", replica.Breaker())
    monkeypatch.setattr(replica, "measure_lag", lambda: 0.0)
    monkeypatch.setattr(replica.breaker, "trip", _trip_without_closing(replica.breaker))


def _trip_without_closing(breaker):
    """Breaker.trip, minus closing the replica's connection: the faked alias has none."""

    def trip(reason, *, detail=""):
        was = breaker.usable
        breaker.usable, breaker.reason, breaker.retry_at = False, reason, float("inf")
        if was:
            logging.getLogger("config.replica").warning("Read replica %s", reason)

    return trip


def test_without_a_replica_every_read_goes_to_the_primary():
    assert "replica" not in django_settings.DATABASES
    assert "config.db_router.ReplicaRouter" not in django_settings.DATABASE_ROUTERS
    with replica_reads():
        assert router.db_for_read(PostTask) == "default"


def test_dashboard_reads_of_tracker_tables_go_to_the_replica(with_replica):
    assert router.db_for_read(PostTask) == "default"
    with replica_reads():
        assert router.db_for_read(PostTask) == "replica"
        assert router.db_for_read(Cable) == "replica"
        assert router.db_for_read(User) == "default"  # logins never see replication lag
    assert router.db_for_read(PostTask) == "default"


def test_writes_and_reads_inside_a_transaction_stay_on_the_primary(with_replica, monkeypatch):
    with replica_reads():
        assert router.db_for_write(PostTask) == "default"
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert router.db_for_read(PostTask) == "default"
    assert router.allow_migrate("replica", "outreach") is False
    assert router.allow_migrate("default", "outreach") is True


def test_the_decorator_routes_gets_but_not_posts(with_replica):
    seen = {}

    @read_from_replica
    def view(request):
        seen[request.method] = router.db_for_read(PostTask)
        return HttpResponse()

    view(RequestFactory().get("/"))
    view(RequestFactory().post("/"))
    assert seen == {"GET": "replica", "POST": "default"}


def test_all_mode_routes_every_get(with_replica, settings):
    settings.REPLICA_READS = "all"
    seen = []
    middleware = ReplicaReadsMiddleware(lambda request: seen.append(router.db_for_read(PostTask)) or HttpResponse())
    middleware(RequestFactory().get("/"))
    middleware(RequestFactory().post("/"))
    settings.REPLICA_READS = "dashboards"
    middleware(RequestFactory().get("/"))
    assert seen == ["replica", "default", "default"]


def test_a_block_that_stores_what_it_reads_reads_the_primary(with_replica):
    with replica_reads():
        with primary_reads():
            assert router.db_for_read(PostTask) == "default"
        assert router.db_for_read(PostTask) == "replica"


def test_a_lagging_replica_is_skipped_and_the_breaker_logs_once(with_replica, monkeypatch, settings, caplog):
    settings.REPLICA_MAX_LAG_SECONDS = 30
    monkeypatch.setattr(replica, "measure_lag", lambda: 31.0)
    with caplog.at_level(logging.WARNING, logger="config.replica"):
        for _ in range(3):
            with replica_reads() as use:
                assert use is False
                assert router.db_for_read(PostTask) == "default"
    assert [r.getMessage() for r in caplog.records] == ["Read replica lagging 31.0 s (limit 30 s)"]


def test_the_lag_limit_is_a_setting(with_replica, monkeypatch, settings):
    settings.REPLICA_MAX_LAG_SECONDS = 60
    monkeypatch.setattr(replica, "measure_lag", lambda: 31.0)
    with replica_reads() as use:
        assert use is True


def test_a_replica_that_fails_mid_request_is_answered_from_the_primary(with_replica, monkeypatch):
    seen = []

    @read_from_replica
    def view(request):
        seen.append(router.db_for_read(PostTask))
        if seen[-1] == "replica":
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse("figures")

    monkeypatch.setattr(connections["default"], "errors_occurred", True)  # stands in for the replica's
    monkeypatch.setattr(db_router, "connections", {"replica": connections["default"], "default": connections["default"]})
    response = view(RequestFactory().get("/dashboards/"))
    assert (response.content, seen) == (b"figures", ["replica", "default"])
    assert replica.breaker.usable is False


def test_in_all_mode_too_a_failed_replica_query_is_answered_from_the_primary(with_replica, settings, monkeypatch):
    settings.REPLICA_READS = "all"
    seen = []

    @read_from_replica
    def view(request):
        seen.append(router.db_for_read(PostTask))
        if seen[-1] == "replica":
            raise OperationalError("terminating connection due to administrator command")
        return HttpResponse("figures")

    monkeypatch.setattr(connections["default"], "errors_occurred", True)  # stands in for the replica's
    monkeypatch.setattr(db_router, "connections", {"replica": connections["default"], "default": connections["default"]})
    response = ReplicaReadsMiddleware(view)(RequestFactory().get("/dashboards/"))
    assert (response.content, seen) == (b"figures", ["replica", "default"])


def test_after_its_own_write_a_session_reads_the_primary(with_replica):
    seen = []

    @read_from_replica
    def dashboard(request):
        seen.append(router.db_for_read(PostTask))
        return HttpResponse()

    def deliver(request):
        note_write()  # what record_event does on every write
        return HttpResponse(status=302)

    response = ReplicaReadsMiddleware(deliver)(RequestFactory().post("/tasks/1/deliver/"))
    cookie = response.cookies[db_router.FRESH_COOKIE]
    assert cookie["max-age"] == django_settings.REPLICA_READ_YOUR_WRITES_SECONDS and cookie["httponly"]
    after_write = RequestFactory().get("/dashboards/")
    after_write.COOKIES[db_router.FRESH_COOKIE] = cookie.value
    forged = RequestFactory().get("/dashboards/")
    forged.COOKIES[db_router.FRESH_COOKIE] = "1"
    for request in (after_write, forged, RequestFactory().get("/dashboards/")):
        ReplicaReadsMiddleware(dashboard)(request)
    assert seen == ["default", "replica", "replica"]


def test_a_post_that_wrote_nothing_or_failed_leaves_no_mark(with_replica):
    def failed(request):
        note_write()
        return HttpResponse(status=400)

    assert db_router.FRESH_COOKIE not in ReplicaReadsMiddleware(failed)(RequestFactory().post("/")).cookies
    login = ReplicaReadsMiddleware(lambda request: HttpResponse(status=302))(RequestFactory().post("/accounts/login/"))
    assert db_router.FRESH_COOKIE not in login.cookies
