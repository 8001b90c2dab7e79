"""Sending one reminder or digest by email, guarded by a conditional update so it goes out once."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..models import DigestLog, PostTask, ReminderLog
from .policy import Calendar, describe


def task_url(task_id: int) -> str:
    return reverse("outreach:task_detail", args=[task_id])


def _send(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    context = {**context, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=render_to_string(f"outreach/emails/{template}.txt", context), to=to
    )
    message.attach_alternative(render_to_string(f"outreach/emails/{template}.html", context), "text/html")
    message.send()


def deliver_reminder(log_id: int) -> str:
    """Send one claimed reminder by email. Safe to call twice; raises when the mail server fails."""
    if not ReminderLog.objects.start_sending(log_id):
        return "skipped"
    entry = ReminderLog.objects.select_related("task__demarche", "task__post").get(pk=log_id)
    task = entry.task
    today = Calendar.for_post(timezone_name=task.post.timezone, weekend=task.post.weekend).local(timezone.now()).date()
    context = {
        "task": task, "demarche": task.demarche, "post": task.post, "kind": entry.kind,
        "reason": describe(entry.kind, due=task.due, today=today), "task_url": task_url(task.id),
    }
    try:
        _send(subject=f"[Outreach] {context['reason']}: {task.demarche.reference_id} {task.post.name}",
              template="reminder", context=context, to=entry.recipient.split(", "))
    except Exception as exc:
        ReminderLog.objects.finish(log_id, exc)
        raise
    ReminderLog.objects.finish(log_id, None)
    return "sent"


def deliver_digest(digest_id: int) -> str:
    """Send one post's daily digest: all its open tasks. Safe to call twice; raises when the mail server fails."""
    if not DigestLog.objects.start_sending(digest_id):
        return "skipped"
    digest = DigestLog.objects.select_related("post").get(pk=digest_id)
    tasks = list(
        PostTask.objects.open().active().filter(post=digest.post).select_related("demarche").order_by("due", "id")
    )
    for task in tasks:
        task.url = task_url(task.id)
        task.overdue = task.due < digest.local_date
    context = {"post": digest.post, "tasks": tasks, "date": digest.local_date}
    try:
        _send(subject=f"[Outreach] {digest.post.name}: {len(tasks)} open tasks on {digest.local_date:%d %b %Y}",
              template="digest", context=context, to=digest.recipient.split(", "))
    except Exception as exc:
        DigestLog.objects.finish(digest_id, exc)
        raise
    DigestLog.objects.finish(digest_id, None)
    now = timezone.now()
    ReminderLog.objects.filter(digest_id=digest_id).update(status="sent", sent_at=now, updated_at=now)
    return "sent"
