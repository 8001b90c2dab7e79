"""Sweeps at once against PostgreSQL send each reminder once, and each person one email."""

import threading
from contextlib import nullcontext
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection

from outreach.models import ReminderEmail, ReminderLog
from outreach.reminders import claims
from outreach.reminders.sweep import sweep
from tests.outreach.factories import DUE, DUE_DAY_9AM, make_demarche, make_post, make_task

pytestmark = pytest.mark.postgres_only(reason="concurrent claims need row locks")


def world(desk_officer, make_embassy_user, posts: int):
    demarche = make_demarche(desk_officer)
    for i in range(posts):
        post = make_post(f"p{i}", timezone="Europe/Paris")
        make_embassy_user(f"staff{i}", post.code)
        for position, due in enumerate([DUE, DUE + timedelta(days=1), DUE - timedelta(days=1)]):
            make_task(demarche, post, due=due, position=position)


def sweep_at_once(threads: int = 3) -> list:
    start = threading.Barrier(threads)
    results, errors = [], []

    def run():
        try:
            start.wait()
            # Small chunks so the sweeps interleave claim by claim.
            results.append(sweep(now=DUE_DAY_9AM, inline=True, chunk_size=7))
        except Exception as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    running = [threading.Thread(target=run) for _ in range(threads)]
    for t in running:
        t.start()
    for t in running:
        t.join(60)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sweeps_send_each_reminder_once_and_each_person_one_email(desk_officer, make_embassy_user):
    world(desk_officer, make_embassy_user, 40)
    results = sweep_at_once()
    assert sum(sum(r.counts.values()) for r in results) == 120
    # One email per person, listing their three reminders, though three sweeps started at once.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"staff{i}@example.org" for i in range(40))
    assert all(m.subject == "[Outreach] Reminders of 17 Dec 2026: 1 overdue, 2 due soon" for m in mail.outbox)
    assert ReminderLog.objects.filter(status="sent").count() == 120


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_the_sweep_lock_the_claims_still_send_each_reminder_once(desk_officer, make_embassy_user):
    world(desk_officer, make_embassy_user, 15)
    with mock.patch.object(claims, "one_sweep_at_a_time", lambda: nullcontext(True)):
        results = sweep_at_once()
    assert sum(sum(r.counts.values()) for r in results) == 45
    items = list(ReminderEmail.reminders.through.objects.values_list("reminderemail__user_id", "reminderlog_id"))
    assert len(items) == len(set(items)) == 45  # each person got each of their reminders in exactly one email
    assert ReminderLog.objects.filter(status="sent").count() == 45
    assert len(mail.outbox) == ReminderEmail.objects.filter(status="sent").count() <= 45
