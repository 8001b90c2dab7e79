"""Celery entry points: a few lines each; the decisions live in outreach.reminders."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from outreach import reminders
from outreach.dashboards import snapshots
from outreach.reminders.sweep import sweep

# Mail server trouble is worth retrying; a bug is not.
RETRY_ON = (SMTPException, OSError, TimeoutError)


@shared_task(acks_late=True)
def send_due_reminders() -> str:
    """Run the sweep; a redelivered message runs it again and the claims keep it to one send each."""
    return str(sweep(now=timezone.now()))


@shared_task(
    acks_late=True, autoretry_for=RETRY_ON, retry_backoff=30, retry_backoff_max=3600, retry_jitter=True,
    max_retries=settings.REMINDER_SEND_MAX_RETRIES,
)
def send_reminder_email(email_id: int) -> str:
    return reminders.deliver_email(email_id)


@shared_task(
    acks_late=True, autoretry_for=RETRY_ON, retry_backoff=30, retry_backoff_max=3600, retry_jitter=True,
    max_retries=settings.REMINDER_SEND_MAX_RETRIES,
)
def send_digest(digest_id: int) -> str:
    return reminders.deliver_digest(digest_id)


@shared_task(
    acks_late=True, autoretry_for=RETRY_ON, retry_backoff=30, retry_backoff_max=3600, retry_jitter=True,
    max_retries=settings.REMINDER_SEND_MAX_RETRIES,
)
def send_message_email(email_id: int) -> str:
    """A thread message's email to the other side (outreach/threads/notify.py)."""
    return reminders.deliver_message_email(email_id)


@shared_task
def refresh_overview_snapshots() -> str:
    """Recompute the overview's snapshots (outreach.dashboards.snapshots); a missed run costs only freshness."""
    return f"{snapshots.refresh()} snapshots"
