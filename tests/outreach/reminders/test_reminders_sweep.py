"""The sweep against the database: who gets what, once, and what the task page and header show."""

import re
from datetime import date, datetime, timedelta, timezone
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone as dj_timezone

from outreach import broker
from outreach.models import (
    DigestLog,
    Notification,
    PersonReminderPreference,
    PostReminderPreference,
    PostTask,
    ReminderEmail,
    ReminderLog,
)
from outreach.reminders.sweep import sweep
from tests.outreach.factories import DUE, DUE_DAY_9AM, make_post, make_task, use_broker

pytestmark = pytest.mark.django_db


def recipients_of(message) -> set[str]:
    return set(message.to)


def test_it_emails_the_posts_staff_once_per_window(task):
    first = sweep(now=DUE_DAY_9AM, inline=True)
    second = sweep(now=DUE_DAY_9AM + timedelta(minutes=15), inline=True)
    assert first.counts["due"] == 1 and sum(second.counts.values()) == 0
    # One email per person, each to that person alone.
    assert sorted(m.to for m in mail.outbox) == [["ldn1@example.org"], ["ldn2@example.org"]]
    assert all("Due today" in m.subject and "26STATE100" in m.subject for m in mail.outbox)
    entry = ReminderLog.objects.get(task=task)
    assert (entry.kind, entry.window_key, entry.status) == ("due", "2026-12-17", "sent")
    assert entry.recipient == "ldn1@example.org, ldn2@example.org" and entry.sent_at is not None
    assert set(ReminderEmail.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_the_html_part_is_escaped_and_the_text_part_is_not(task, london_staff):
    PersonReminderPreference.objects.create(user=london_staff[0], immediate_kinds=["due"])
    sweep(now=DUE_DAY_9AM, inline=True)
    message = next(m for m in mail.outbox if m.to == ["ldn1@example.org"])
    html = message.alternatives[0].content
    assert "&lt;b&gt;today&lt;/b&gt;" in html and "<b>today</b>" not in html
    assert "Deliver the non-paper <b>today</b>." in message.body


def test_the_named_officer_gets_it_instead_of_all_staff(task, make_embassy_user, london):
    officer = make_embassy_user("named", london.code)
    task.assigned_to = officer
    task.save()
    sweep(now=DUE_DAY_9AM, inline=True)
    assert recipients_of(mail.outbox[0]) == {"named@example.org"}


def test_the_posts_assigned_officer_is_next_in_line(task, make_embassy_user, london):
    officer = make_embassy_user("postofficer", london.code)
    task.demarche_post.assigned_officer = officer
    task.demarche_post.save()
    sweep(now=DUE_DAY_9AM, inline=True)
    assert recipients_of(mail.outbox[0]) == {"postofficer@example.org"}


def test_it_escalates_to_the_owner_and_managers(task, manager, desk_officer):
    sweep(now=DUE_DAY_9AM + timedelta(days=7), inline=True)
    assert set(ReminderLog.objects.values_list("kind", flat=True)) == {"overdue", "escalation"}
    escalations = [m for m in mail.outbox if m.subject.startswith("[Outreach] Escalation: overdue by 7 days")]
    assert sorted(m.to[0] for m in escalations) == ["desk@example.org", "manager@example.org"]
    overdue = [m for m in mail.outbox if m.subject.startswith("[Outreach] Overdue by 7 days")]
    assert sorted(m.to[0] for m in overdue) == ["ldn1@example.org", "ldn2@example.org"]
    assert len(mail.outbox) == 4


@pytest.mark.parametrize("status", [PostTask.Status.DONE, PostTask.Status.NOT_DELIVERED, PostTask.Status.CANCELLED])
def test_finished_tasks_are_left_alone(task, status):
    task.status = status
    task.status_reason = "post advises against delivery"
    task.save()
    assert sum(sweep(now=DUE_DAY_9AM, inline=True).counts.values()) == 0
    assert mail.outbox == [] and not ReminderLog.objects.exists()


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_draft_and_closed_demarches_are_left_alone(task, state):
    task.demarche.state = state
    task.demarche.save()
    assert sum(sweep(now=DUE_DAY_9AM, inline=True).counts.values()) == 0
    assert mail.outbox == []


def test_the_cap_stops_the_nagging(task):
    task.demarche.max_reminders = 2
    task.demarche.escalate_after_days = 0
    task.demarche.save()
    for day in range(-2, 20):
        sweep(now=DUE_DAY_9AM + timedelta(days=day), inline=True)
    assert ReminderLog.objects.filter(task=task).count() == 2
    assert len(mail.outbox) == 4  # two reminders, each to both of the post's staff


def test_a_dry_run_counts_and_sends_nothing(task):
    out = StringIO()
    call_command("send_reminders", "--now", "2026-12-17T09:00:00Z", "--dry-run", stdout=out)
    assert re.search(r"^due +1 ", out.getvalue(), re.M) and "would send" in out.getvalue()
    assert mail.outbox == [] and not ReminderLog.objects.exists()


def test_the_command_sends_as_at_the_given_moment(task):
    out = StringIO()
    call_command("send_reminders", "--now", "2026-12-15T09:00:00Z", stdout=out)
    assert re.search(r"^before +1 ", out.getvalue(), re.M)
    assert len(mail.outbox) == 2
    call_command("send_reminders", "--now", "2026-12-15T09:00:00Z", stdout=out)
    assert len(mail.outbox) == 2


def test_the_command_refuses_a_bad_moment():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--now", "next tuesday")


def test_each_recipient_gets_an_in_app_notification(task, london_staff):
    sweep(now=DUE_DAY_9AM, inline=True)
    for user in london_staff:
        note = Notification.objects.get(user=user)
        assert "Due today: 26STATE100, London" in note.text and note.read_at is None


def test_a_digest_post_gets_one_message_listing_all_its_open_tasks(task, demarche, london):
    PostReminderPreference.objects.create(post=london, daily_digest=True)
    make_task(demarche, london, due=DUE + timedelta(days=1), kind=PostTask.Kind.REPORT_BACK)
    make_task(demarche, london, due=date(2027, 3, 1), kind=PostTask.Kind.TALKING_POINTS)
    result = sweep(now=DUE_DAY_9AM, inline=True)
    assert result.counts["digest"] == 1 and result.counts["due"] == 1 and result.counts["before"] == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.count("26STATE100") == 3  # all open tasks, not only those with a reminder today
    digest = DigestLog.objects.get(post=london)
    assert (digest.local_date, digest.status) == (DUE, "sent")
    assert set(ReminderLog.objects.values_list("status", "digest_id")) == {("sent", digest.pk)}
    sweep(now=DUE_DAY_9AM + timedelta(hours=2), inline=True)
    assert len(mail.outbox) == 1


def test_a_failing_address_does_not_block_the_others_and_is_retried(task, demarche, settings):
    settings.EMAIL_BACKEND = "tests.outreach.failing_backend.EmailBackend"
    madrid = make_post("madrid", timezone="Europe/Madrid")
    from django.contrib.auth import get_user_model

    broken = get_user_model().objects.create_user("broken", "fail@example.org", "x")
    madrid.staff.add(broken)
    make_task(demarche, madrid, due=DUE)
    sweep(now=DUE_DAY_9AM, inline=True)
    failed = ReminderEmail.objects.get(user=broken)
    assert failed.status == "failed" and "refused" in failed.error
    assert ReminderLog.objects.get(task__post=madrid).status == "claimed"
    assert ReminderLog.objects.get(task=task).status == "sent"
    assert len(mail.outbox) == 2
    # The mail server accepts it again; a later sweep retries the failure once its back-off has passed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep(now=DUE_DAY_9AM + timedelta(minutes=15), inline=True).requeued == 0
    ReminderEmail.objects.filter(pk=failed.pk).update(updated_at=dj_timezone.now() - timedelta(hours=1))
    result = sweep(now=DUE_DAY_9AM + timedelta(hours=1), inline=True)
    failed.refresh_from_db()
    assert result.requeued == 1 and (failed.status, failed.attempts) == ("sent", 2)
    assert len(mail.outbox) == 3 and mail.outbox[2].to == ["fail@example.org"]
    assert ReminderLog.objects.get(task__post=madrid).status == "sent"


def test_when_the_broker_is_down_the_claims_wait_and_are_sent_once_later(
    task, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from config.celery import app

    old = use_broker(app, settings.CELERY_BROKER_URL)
    try:
        from outreach.tasks import send_reminder_email

        assert broker.enqueue(send_reminder_email, 0) is False
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            sweep(now=DUE_DAY_9AM)  # the Celery path: enqueueing fails, logged, not raised
        assert len(callbacks) == 2  # one digest for each of the post's two staff
    finally:
        use_broker(app, old)
    entry = ReminderLog.objects.get(task=task)
    assert entry.status == "claimed" and mail.outbox == []
    assert set(ReminderEmail.objects.values_list("status", flat=True)) == {"claimed"}
    # Redis is back; once the claims are stale the next sweep sends them, once.
    ReminderEmail.objects.update(updated_at=dj_timezone.now() - timedelta(minutes=5))
    result = sweep(now=DUE_DAY_9AM + timedelta(minutes=30), inline=True)
    assert result.requeued == 2 and len(mail.outbox) == 2
    sweep(now=DUE_DAY_9AM + timedelta(minutes=45), inline=True)
    assert len(mail.outbox) == 2


def test_the_header_shows_the_unread_count_and_the_paused_banner(client, task, london_staff, settings):
    from django.core.cache import cache

    sweep(now=DUE_DAY_9AM, inline=True)
    client.force_login(london_staff[0])
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    cache.delete("outreach:broker-up")
    page = client.get("/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-label="1 unread"' in html
    assert "Reminders are paused: the message broker is unreachable" in html
    cache.delete("outreach:broker-up")


def test_a_user_reads_only_their_own_notifications(client, task, london_staff):
    sweep(now=DUE_DAY_9AM, inline=True)
    mine, theirs = (Notification.objects.get(user=u) for u in london_staff)
    client.force_login(london_staff[0])
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{mine.pk}/open/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_the_task_page_include_lists_the_reminders(task):
    from django.template.loader import render_to_string

    sweep(now=DUE_DAY_9AM, inline=True)
    html = render_to_string("outreach/_reminders.html", {"task": task})
    assert "Due today" in html and "2026-12-17" in html and "ldn1@example.org" in html and "Sent" in html


def test_the_sweep_uses_the_clock_it_is_given_not_the_real_one(task):
    assert sum(sweep(now=datetime(2026, 12, 1, 9, tzinfo=timezone.utc), inline=True).counts.values()) == 0
    assert sweep(now=DUE_DAY_9AM, inline=True).counts["due"] == 1
