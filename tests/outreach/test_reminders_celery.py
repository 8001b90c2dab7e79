"""End to end: beat's message on the real Redis, a real Celery worker, the email in the outbox."""

import os
import re
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


def _broker() -> str:
    """Each pytest-xdist worker its own Redis database: a test flushes it, and a Celery worker started by
    one test must never take another test's messages."""
    base, db = os.environ.get("REMINDER_TEST_BROKER", "redis://127.0.0.1:6379/7").rsplit("/", 1)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"{base}/{int(db) + int(worker.removeprefix('gw') or 0)}"


BROKER = _broker()
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.celery,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
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
        # The worker composes the emails: their links and Message-ID come from its SITE_URL.
        "SITE_URL": "https://tracker.example.org",
    }
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    log = (tmp_path / "worker.log").open("w")
    proc = subprocess.Popen(
        [celery, "-A", "config", "worker", "--concurrency", "2", "--pool", "prefork", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    proc.log_path = tmp_path / "worker.log"
    # Under load (the newcomer crawl runs on the other xdist worker) a worker can take longer to start
    # than a task takes to run: wait for it, so the tests' own timeouts measure the work, not the start.
    ready = wait_for(lambda: proc.poll() is not None or "ready." in proc.log_path.read_text(), timeout=240)
    assert ready and proc.poll() is None, proc.log_path.read_text()[-3000:]
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
    assert (entry.kind, entry.window_key, entry.status) == ("due", timezone.now().date().isoformat(), "sent")
    assert entry.sent_at > timezone.now() - timedelta(minutes=5)
    assert list(entry.emails.values_list("status", "attempts")) == [("sent", 1)]


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


@pytest.fixture
def posts():
    """The posts reference data: an earlier transactional test flushed what the migration loaded."""
    from cables.services import sync_posts

    sync_posts()


def test_the_mailbox_after_a_real_worker_sends_a_sweep(worker, posts, seed_cable, seed_text, desk_officer, manager,
                                                       make_embassy_user):
    """The issue's walk-through: the seed and one more demarche, a sweep at a fixed moment, the mailbox read back.

    The worker sends at the real time (weeks before these due dates): every figure must still be the sweep's.
    """
    from datetime import date, datetime
    from datetime import timezone as dt_timezone

    from cables.models import Post
    from cables.parser import parse
    from outreach.models import ReminderEmail, ReminderSweep
    from outreach.reminders.sweep import sweep
    from outreach.services import create_demarche, issue_demarche

    mail_dir, proc = worker
    seed = create_demarche(seed_cable, by=desk_officer, deliver_by=date(2026, 12, 7), report_by=date(2026, 12, 14))
    issue_demarche(seed, by=desk_officer)
    make_embassy_user("ad-staff", "abu-dhabi")
    extra = make_demarche(desk_officer, reference_id="26STATE200", subject="Open skies consultations")
    make_task(extra, Post.objects.get(code="abu-dhabi"), due=date(2026, 12, 21))

    result = sweep(now=datetime(2026, 12, 22, 10, 0, tzinfo=dt_timezone.utc))  # the Celery path, as beat runs it

    assert wait_for(lambda: ReminderEmail.objects.exclude(status="sent").count() == 0
                    and ReminderEmail.objects.count() == 3, timeout=60), proc.log_path.read_text()[-3000:]
    messages = messages_in(mail_dir)
    to = sorted(re.search(r"^To: (.+)$", m, re.M).group(1) for m in messages)
    assert to == ["ad-staff@example.org", "desk@example.org", "manager@example.org"]  # one email per person
    desk = next(m for m in messages if "To: desk@example.org" in m)
    escalations = result.outcomes[("emailed", "escalation")]
    assert escalations > 30 and f"Subject: [Outreach] Reminders of 22 Dec 2026: {escalations} escalations" in desk
    text = desk.split("text/html")[0]
    assert text.count("overdue by 15 days (due 7 Dec 2026)") + text.count("overdue by 8 days (due 14 Dec 2026)") \
        == escalations
    assert "- Amman (never reminded: it has no staff account with an email address)" in desk
    assert "What you can do: extend the due date or reassign the task" in desk and "contact the post" in desk
    assert "Bulk actions: https://tracker.example.org/demarches/09STATE4690/#bulk" in desk
    assert "Matrix row: https://tracker.example.org/dashboards/demarches/09STATE4690/#post-abu-dhabi" in desk
    assert "Message the post: https://tracker.example.org/threads/" in desk
    manager = next(m for m in messages if "To: manager@example.org" in m)
    assert "The owning desk officer can extend the due date" in manager and "Bulk actions" not in manager
    post_mail = next(m for m in messages if "To: ad-staff@example.org" in m)
    assert "09STATE4690, Abu Dhabi, Deliver the non-paper: overdue by 15 days (due 7 Dec 2026)" in post_mail
    assert "26STATE200 Open skies consultations, Abu Dhabi, Deliver the non-paper: overdue by 1 day" in post_mail
    assert "Report back: overdue by 8 days (due 14 Dec 2026)" in post_mail
    everything = "\n".join(messages)
    assert "by -" not in everything and "Due in" not in everything
    # No marked text at the default EMAIL_MAX_CLASSIFICATION: the seed is CONFIDENTIAL.
    flat = " ".join(everything.split())
    assert "MISSILE TECHNOLOGY" not in flat.upper() and "(C)" not in flat and "open the tracker to read it" in flat
    for paragraph in parse(seed_text).paragraphs:
        assert " ".join(paragraph.text.split())[:60] not in flat
    for message in messages:
        assert "From: Outreach tracker <" in message and "Reply-To: Outreach desk <" in message
        assert "Auto-Submitted: auto-generated" in message and "X-Auto-Response-Suppress: All" in message
        assert re.search(r"^Message-ID: <[^>]+@tracker\.example\.org>$", message, re.M), message[:800]
        assert "List-Unsubscribe: <https://tracker.example.org/notifications/reminders/>" in message
    # Truthful counts: the ledger says what the reminders' rows say.
    ledger = ReminderSweep.objects.get().counts
    no_recipient = ReminderLog.objects.filter(status="no_recipient", kind="overdue").count()
    assert no_recipient > 20 and ledger["no recipient"] == {"overdue": no_recipient}
    assert ledger["emailed"] == {"overdue": 4, "escalation": escalations}
    assert ReminderLog.objects.filter(status="sent").count() == 4 + escalations
    assert ledger["skipped"]["outside working hours"]["escalation"] > 0  # posts where it was evening or night
    assert ledger["emails"] == {"digest": 3, "single": 0}
