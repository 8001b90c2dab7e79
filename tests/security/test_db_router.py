"""The read-replica router: dashboards' reads go to the replica only when one is configured."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory

from cables.models import Cable
from config.db_router import ReplicaReadsMiddleware, ReplicaRouter, read_from_replica, replica_reads
from outreach.models import PostTask

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setitem(django_settings.DATABASES, "replica", dict(django_settings.DATABASES["default"]))


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
