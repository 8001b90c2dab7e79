"""Dashboards read from a real streaming replica, fall back to the primary when it lags or stops, and a
user's own write is read back from the primary.

The test makes its own primary and replica (bench/pgpair.py: initdb, pg_basebackup -R, free ports) and
runs the app under gunicorn against them, as a web node would. pg_stat_statements on each server counts
which one answered the task queries. The schema comes from the test database (pg_dump), which is faster
than migrating; seed_demo gives it a real issued demarche. About 20-30 seconds.
"""

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connections

from bench.pgpair import PgPair, free_port, pg_bin

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TASK_READS = "%outreach_posttask%"  # every dashboard reads the tasks; nothing else does on a GET here

pytestmark = [
    pytest.mark.postgres_only(reason="streams a real PostgreSQL replica"),
    pytest.mark.django_db,  # so that pytest-django creates the test database, whose schema is copied
    # A hint that one worker make the clusters for both tests (pytest-xdist 3.8 ignores it on pytest 9).
    pytest.mark.xdist_group("real-replica"),
    pytest.mark.skipif(pg_bin() is None, reason="needs Debian's PostgreSQL server binaries"),
]

SETUP = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from cables.collectives import sync_collectives
from cables.models import Collective, Post
from cables.services import sync_posts
from outreach import services
from outreach.models import PostTask
from outreach.services.bounds import post_today

if not Post.objects.exists():  # a transactional test may have flushed the dumped database
    sync_posts(Post)
    sync_collectives(Collective, Post)
result = services.seed_demo()

def session(username):
    user = User.objects.get(username=username)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one a password login records
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key

task = PostTask.objects.filter(demarche=result.demarche, kind="deliver_non_paper").order_by("pk").first()
print(json.dumps({"manager": session("manager"), "desk": session("desk"), "task": task.pk,
                  "reference": result.demarche.reference_id, "today": post_today(task.post).isoformat()}))
"""


class Browser:
    """Cookies kept between requests, redirects not followed: enough to act as one logged-in user."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str, session: str):
        self.base, self.cookies = base, {"sessionid": session}
        self.opener = urllib.request.build_opener(self._NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode(errors="replace")


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    """A primary with the test database's schema, its replica, and gunicorn reading from both."""
    pair = PgPair()
    web = None
    try:
        pair.start()
        with django_db_blocker.unblock():
            source = connections["default"].settings_dict
        dump = (f"pg_dump --no-owner --no-privileges -h {source['HOST'] or '127.0.0.1'} -p {source['PORT'] or 5432}"
                f" -U {source['USER'] or 'postgres'} -d {source['NAME']}")
        pair.run("bash", "-o", "pipefail", "-c", f"{pair.bin}/{dump} | {pair.bin}/psql -q -v ON_ERROR_STOP=1 "
                 f"-h 127.0.0.1 -p {pair.primary_port} -U postgres -d outreach >/dev/null")
        env = {
            **os.environ,
            "DATABASE_URL": pair.url("primary"),
            "DATABASE_REPLICA_URL": pair.url("replica"),
            "DJANGO_TESTING": "1",
            "REPLICA_MAX_LAG_SECONDS": "2",
            "REPLICA_CHECK_SECONDS": "0.2",
            "REPLICA_RETRY_SECONDS": "1",
            "OVERVIEW_SNAPSHOT_MINUTES": "0",  # the overview computes its one-pass SQL on every request
            "CELERY_BROKER_URL": os.environ.get("REMINDER_TEST_BROKER", "redis://127.0.0.1:6379/7"),
            "LOG_LEVEL": "WARNING",
        }
        seeded = subprocess.run([str(BIN / "python"), "manage.py", "shell", "-v", "0", "-c", SETUP], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=120)
        assert seeded.returncode == 0, seeded.stderr
        data = json.loads(seeded.stdout.strip().splitlines()[-1])
        port = free_port()
        log = (pair.root / "gunicorn.log").open("w")
        web = subprocess.Popen([str(BIN / "gunicorn"), "config.wsgi", "--workers", "1", "--bind",
                                f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, (pair.root / "gunicorn.log").read_text()
                time.sleep(0.2)
        pair.wait_replayed()
        yield pair, base, data
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=30)
        pair.stop()


def task_reads(pair, *servers):
    return tuple(pair.statements(server, TASK_READS) for server in servers)


def read_dashboards(browser, reference):
    pages = ["/dashboards/overview/", "/dashboards/demarches/", f"/dashboards/demarches/{reference}/",
             "/dashboards/demarches/?_export=csv", "/api/demarches/"]
    return [browser.request(page)[0] for page in pages]


def ready(base):
    try:
        response = urllib.request.urlopen(base + "/healthz/ready", timeout=10)
    except urllib.error.HTTPError as exc:
        response = exc
    return response.status, json.loads(response.read())


def test_it_reads_dashboards_from_the_replica_and_falls_back_when_it_lags_or_stops(cluster):
    pair, base, data = cluster
    manager = Browser(base, data["manager"])

    status, health = ready(base)
    assert status == 200 and health["replica"]["ok"] and health["replica"]["lag_seconds"] == 0

    primary, replica = task_reads(pair, "primary", "replica")
    assert read_dashboards(manager, data["reference"]) == [200] * 5
    assert task_reads(pair, "primary", "replica")[0] == primary  # not one task read on the primary
    assert task_reads(pair, "replica")[0] > replica
    assert pair.statements("replica", "%GROUPING SETS%") > 0  # the overview's raw SQL ran there too

    # Replay paused and a commit on the primary: the replica falls behind more than the 2 s allowed.
    pair.psql("replica", "SELECT pg_wal_replay_pause()")
    pair.psql("primary", "CREATE TABLE replica_lag_probe (x int)")
    time.sleep(2.5)
    status, health = ready(base)
    assert status == 200 and health["replica"]["ok"] is False and health["replica"]["lag_seconds"] > 2
    primary, replica = task_reads(pair, "primary", "replica")
    assert read_dashboards(manager, data["reference"]) == [200] * 5
    after = task_reads(pair, "primary", "replica")
    assert after[0] > primary and after[1] == replica
    pair.psql("replica", "SELECT pg_wal_replay_resume()")
    pair.wait_replayed()

    # The replica stopped: every page still answers, from the primary; /healthz/ready stays 200.
    pair.stop_replica()
    try:
        primary = task_reads(pair, "primary")[0]
        assert read_dashboards(manager, data["reference"]) == [200] * 5
        assert task_reads(pair, "primary")[0] > primary
        status, health = ready(base)
        assert (status, health["replica"]["ok"], health["replica"]["reads"]) == (200, False, "primary")
    finally:
        pair.start_replica()

    # Back up: after REPLICA_RETRY_SECONDS the dashboards read from it again.
    time.sleep(1.2)
    primary, replica = task_reads(pair, "primary", "replica")
    assert read_dashboards(manager, data["reference"]) == [200] * 5
    after = task_reads(pair, "primary", "replica")
    assert after[0] == primary and after[1] > replica


def test_a_users_own_write_is_read_back_from_the_primary(cluster):
    pair, base, data = cluster
    desk = Browser(base, data["desk"])
    time.sleep(1.2)  # any breaker the other test opened has closed again
    path = f"/tasks/{data['task']}/"
    page = desk.request(path)[1]
    version = re.search(r'action="[^"]*/deliver/".*?name="version" value="(\d+)"', page, re.S).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _ = desk.request(path + "deliver/", {
        "csrfmiddlewaretoken": token, "version": version, "delivered_on": data["today"],
        "method": "meeting", "response": "noted", "response_text": "read your writes"})
    assert status == 302 and "wrote_at" in desk.cookies

    primary, replica = task_reads(pair, "primary", "replica")
    status, matrix = desk.request(f"/dashboards/demarches/{data['reference']}/")
    assert status == 200
    after = task_reads(pair, "primary", "replica")
    assert after[0] > primary and after[1] == replica  # the matrix after the write came from the primary

    del desk.cookies["wrote_at"]  # the window over: the replica again, once it has replayed the write
    # (on a loaded machine its replay can pass the test's 2 s limit: the breaker then rests for 1 s)
    pair.wait_replayed()
    time.sleep(1.2)
    assert desk.request(f"/dashboards/demarches/{data['reference']}/")[0] == 200
    assert task_reads(pair, "replica")[0] > after[1]
