"""Sending one reminder email or post digest, guarded by a conditional update so it goes out once."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..models import DigestLog, MessageEmail, PostTask, ReminderEmail, ReminderLog
from .compose import DATE_FORMAT, absolute, context_of, day
from .markings import may_email


def task_url(task_id: int) -> str:
    return reverse("outreach:task_detail", args=[task_id])


def _send(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    """Send one automatic email: a named sender, a Reply-To, headers that stop auto-replies, our Message-ID."""
    preferences = absolute(reverse("outreach:reminder_preferences"))
    context = {**context, "site_url": settings.SITE_URL, "preferences_url": preferences, "date_format": DATE_FORMAT}
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=render_to_string(f"outreach/emails/{template}.txt", context), to=to,
        reply_to=settings.EMAIL_REPLY_TO or None,
        headers={
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "Message-ID": make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost"),
            "List-Unsubscribe": f"<{preferences}>",
        },
    )
    message.attach_alternative(render_to_string(f"outreach/emails/{template}.html", context), "text/html")
    message.send()


def deliver_email(email_id: int) -> str:
    """Send one person's email of one sweep: a digest, or a single reminder. Safe to call twice."""
    if not ReminderEmail.objects.start_sending(email_id):
        return "skipped"
    email = ReminderEmail.objects.select_related("sweep", "user").get(pk=email_id)
    try:
        subject, context = context_of(email)
        _send(subject=subject, template="reminders", context=context, to=[email.recipient])
    except Exception as exc:
        ReminderEmail.objects.finish(email_id, exc)
        raise
    ReminderEmail.objects.finish(email_id, None)
    now = timezone.now()
    ReminderLog.objects.filter(emails=email_id, status=ReminderLog.Status.CLAIMED).update(
        status=ReminderLog.Status.SENT, sent_at=now, updated_at=now
    )
    return "sent"


def deliver_digest(digest_id: int) -> str:
    """Send one post's daily digest: all its open tasks. Safe to call twice; raises when the mail server fails."""
    if not DigestLog.objects.start_sending(digest_id):
        return "skipped"
    digest = DigestLog.objects.select_related("post").get(pk=digest_id)
    tasks = list(
        PostTask.objects.open().active().filter(post=digest.post).select_related("demarche__cable")
        .order_by("due", "id")
    )
    for task in tasks:
        task.url = task_url(task.id)
        task.overdue = task.due < digest.local_date
        task.shown_audience = task.audience if may_email(task.demarche.cable.classification) else ""
    # The desk's messages to the post since its last digest (outreach/threads/notify.py).
    messages = [_message_item(m) for m in MessageEmail.objects.filter(digest_id=digest_id).select_related(
        "message__author", "message__demarche_post__demarche__cable", "message__demarche_post__post")]
    context = {"post": digest.post, "tasks": tasks, "date": digest.local_date, "messages": messages}
    news = f", {len(messages)} new message{'s' if len(messages) != 1 else ''}" if messages else ""
    try:
        _send(subject=f"[Outreach] {digest.post.name}: {len(tasks)} open tasks{news} on {day(digest.local_date)}",
              template="digest", context=context, to=digest.recipient.split(", "))
    except Exception as exc:
        DigestLog.objects.finish(digest_id, exc)
        raise
    DigestLog.objects.finish(digest_id, None)
    now = timezone.now()
    ReminderLog.objects.filter(digest_id=digest_id).update(status="sent", sent_at=now, updated_at=now)
    MessageEmail.objects.filter(digest_id=digest_id).update(status="sent", sent_at=now, updated_at=now)
    return "sent"


def _message_item(entry: MessageEmail) -> dict:
    """One thread message as an email shows it: its text only when the demarche's marking allows email."""
    from ..threads.notify import headline, thread_url

    message = entry.message
    open_text = may_email(message.demarche_post.demarche.cable.classification)
    return {"headline": headline(message), "body": message.body if open_text else "", "url": thread_url(message),
            "is_question": message.is_question}


def deliver_message_email(email_id: int) -> str:
    """Send a thread message's one email to the other side. Safe to call twice; raises when the mail server fails."""
    if not MessageEmail.objects.start_sending(email_id):
        return "skipped"
    entry = MessageEmail.objects.select_related(
        "message__author", "message__demarche_post__demarche__cable", "message__demarche_post__post").get(pk=email_id)
    item = _message_item(entry)
    try:
        _send(subject=f"[Outreach] {item['headline']}", template="message", context={"message": item},
              to=entry.recipient.split(", "))
    except Exception as exc:
        MessageEmail.objects.finish(email_id, exc)
        raise
    MessageEmail.objects.finish(email_id, None)
    return "sent"
