"""Two sweeps at once against PostgreSQL send each reminder once."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection

from outreach.models import ReminderLog
from outreach.reminders.sweep import sweep
from tests.outreach.factories import DUE, DUE_DAY_9AM, make_demarche, make_post, make_task

pytestmark = pytest.mark.postgres_only(reason="concurrent claims need row locks")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_reminder_once(desk_officer, make_embassy_user):
    demarche = make_demarche(desk_officer)
    posts = [make_post(f"p{i}", timezone="Europe/Paris") for i in range(40)]
    for i, post in enumerate(posts):
        make_embassy_user(f"staff{i}", post.code)
        for position, due in enumerate([DUE, DUE + timedelta(days=1), DUE - timedelta(days=1)]):
            make_task(demarche, post, due=due, position=position)
    start = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            start.wait()
            # Small chunks so the two sweeps interleave claim by claim.
            results.append(sweep(now=DUE_DAY_9AM, inline=True, chunk_size=7))
        except Exception as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(sum(r.counts.values()) for r in results) == 120
    assert len(mail.outbox) == 120
    keys = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(set(keys)) == 120
    assert ReminderLog.objects.filter(status="sent").count() == 120
