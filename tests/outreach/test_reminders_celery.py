"""End to end: beat's message on the real Redis, a real Celery worker, the email in the outbox."""

import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from outreach.models import ReminderLog
from tests.outreach.factories import make_demarche, make_post, make_task, use_broker

BROKER = os.environ.get("REMINDER_TEST_BROKER", "redis://127.0.0.1:6379/7")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.celery,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only(reason="the worker process needs a database it can share"),
]


@pytest.fixture
def celery_app():
    """The in-process Celery app, publishing to the test broker."""
    import redis

    from config.celery import app

    redis.Redis.from_url(BROKER).flushdb()
    old = use_broker(app, BROKER)
    yield app
    use_broker(app, old)


@pytest.fixture
def worker(tmp_path, celery_app):
    """Start `celery -A config worker` on the test database; stop it before the tables are flushed."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "DJANGO_TESTING": "1",
        # The sweep runs at the real time of day; the test's post works around the clock.
        "REMINDER_WORKING_HOURS": "0,24",
    }
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    log = (tmp_path / "worker.log").open("w")
    proc = subprocess.Popen(
        [celery, "-A", "config", "worker", "--concurrency", "2", "--pool", "prefork", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    proc.log_path = tmp_path / "worker.log"
    yield mail_dir, proc
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def wait_for(predicate, *, timeout: float = 45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def messages_in(mail_dir: Path) -> list[str]:
    """The filebased backend appends each message to a .log file, separated by a line of dashes."""
    out = []
    for path in mail_dir.glob("*.log"):
        out.extend(m for m in path.read_text().split("-" * 79) if "Subject:" in m)
    return out


def test_a_real_worker_delivers_a_due_reminder_once_though_beat_fires_twice(worker, desk_officer, make_embassy_user):
    mail_dir, proc = worker
    from outreach.tasks import send_due_reminders

    post = make_post("oslo", timezone="UTC", weekend=())
    make_embassy_user("oslo1", post.code)
    task = make_task(make_demarche(desk_officer), post, due=timezone.now().date())

    send_due_reminders.delay()
    send_due_reminders.delay()  # beat firing twice

    assert wait_for(lambda: ReminderLog.objects.filter(task=task, status="sent").exists()), proc.log_path.read_text()[-3000:]
    time.sleep(2)  # give a duplicate, if there were one, the time to arrive
    messages = messages_in(mail_dir)
    assert len(messages) == 1
    assert "To: oslo1@example.org" in messages[0]
    assert "Due today" in messages[0] and "26STATE100" in messages[0]
    entry = ReminderLog.objects.get(task=task)
    assert (entry.kind, entry.window_key, entry.attempts) == ("due", timezone.now().date().isoformat(), 1)
    assert entry.sent_at > timezone.now() - timedelta(minutes=5)


def test_a_real_worker_refreshes_the_overview_snapshots_from_beats_message(worker, desk_officer):
    _, proc = worker
    from outreach import dashboards
    from outreach.dashboards import snapshots
    from outreach.models import OverviewSnapshot
    from outreach.tasks import refresh_overview_snapshots

    post = make_post("oslo", timezone="UTC", weekend=())
    make_task(make_demarche(desk_officer), post, due=timezone.now().date() - timedelta(days=3))

    refresh_overview_snapshots.delay()

    assert wait_for(lambda: OverviewSnapshot.objects.count() == 24), proc.log_path.read_text()[-3000:]
    row = OverviewSnapshot.objects.get(region="", since=timezone.localdate() - timedelta(days=30))
    live = dashboards.window_figures(dashboards.all_live_tasks(), today=row.today, since=row.since)
    assert snapshots.decode(row.data) == live and live["totals"]["overdue"] == 1
